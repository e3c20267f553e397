"""The command line on a data folder holding things that are not files: a located problem, exit 1, no hang.

Subprocess timeouts are a guard against a hang, not timing assertions.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES

GUARD_S = 60


def run(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "INDICATORS_NO_DISK_CACHE": "1"}
    try:
        return subprocess.run([sys.executable, "-m", "indicators.cli", *args], capture_output=True, text=True,
                              timeout=GUARD_S, env=env)
    except subprocess.TimeoutExpired:
        pytest.fail(f"indicators {' '.join(args)} hung (no answer in {GUARD_S} s)")


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURES / "tiny", tmp_path / "ws"))


def test_validate_names_a_fifo_among_the_indicator_files_and_exits_1(ws: Path) -> None:
    os.mkfifo(ws / "indicators" / "x.yaml")
    result = run("validate", "--data", str(ws))
    assert result.returncode == 1
    assert (f"{ws}/indicators/x.yaml:1:1: error: is a named pipe (FIFO), not a file — "
            "remove it or replace it with a YAML file") in result.stdout
    assert "invalid: 4 indicators, 2 scenarios, 1 errors" in result.stdout  # the rest loaded
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize("make", [os.mkfifo, lambda p: p.symlink_to(p)], ids=["fifo", "link-loop"])
def test_validate_names_a_workspace_file_that_is_not_a_file(ws: Path, make) -> None:
    (ws / "workspace.yaml").unlink()
    make(ws / "workspace.yaml")
    result = run("validate", "--data", str(ws))
    assert result.returncode == 1
    assert f"{ws}/workspace.yaml:1:1: error: is a" in result.stdout
    assert "4 indicators" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize("snapshot", ["fifo", "/dev/zero"])
def test_diff_of_a_fifo_or_a_device_is_a_clear_error(tmp_path: Path, snapshot: str) -> None:
    path = Path(snapshot)
    if snapshot == "fifo":
        path = tmp_path / "old.json"
        os.mkfifo(path)
    result = run("diff", str(path), str(path))
    assert result.returncode == 1
    assert f"{path}: error: is a " in result.stderr and "not a file" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
