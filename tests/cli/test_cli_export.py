"""`indicators export` and `indicators diff`: exit codes, files written exactly where told, JSON = library."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from indicators.cli import main
from indicators.reports import snapshot
from indicators.reports.compare import diff_dates
from indicators.workspace.load import load_workspace

from tests.conftest import FIXTURES

TINY = str(FIXTURES / "tiny")
MARKED = str(FIXTURES / "marked")
DATES = ["--as-of", "2024-03-15", "--since", "2024-02-15"]


def files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.mark.parametrize("fmt", ["md", "csv", "json"])
def test_export_writes_exactly_the_named_file(tmp_path: Path, fmt: str, capsys) -> None:
    out = tmp_path / f"board.{fmt}"
    assert main(["export", "--data", TINY, "--format", fmt, *DATES, "-o", str(out)]) == 0
    assert files(tmp_path) == [f"board.{fmt}"]
    assert capsys.readouterr().out.strip() == str(out)


def test_export_format_follows_the_file_name(tmp_path: Path) -> None:
    assert main(["export", "--data", TINY, *DATES, "-o", str(tmp_path / "brief.md")]) == 0
    assert (tmp_path / "brief.md").read_text(encoding="utf-8").startswith("**TLP:GREEN**")
    assert main(["export", "--data", TINY, *DATES, "-o", str(tmp_path / "brief.txt")]) == 2
    assert files(tmp_path) == ["brief.md"]


def test_export_to_standard_output(capsys) -> None:
    assert main(["export", "--data", TINY, "--format", "json", *DATES, "-o", "-"]) == 0
    assert json.loads(capsys.readouterr().out)["as_of"] == "2024-03-15"


@pytest.mark.parametrize("target", ["{tmp}", "{tmp}/", "{tmp}/missing/board.md", "{tmp}/bad\tname.md"])
def test_export_refuses_folders_missing_folders_and_control_characters(run, tmp_path: Path, target: str) -> None:
    before = files(tmp_path)
    result = run("export", "--data", TINY, "--format", "md", *DATES, "-o", target.format(tmp=tmp_path))
    assert result.returncode == 1
    assert "error:" in result.stderr and "Traceback" not in result.stderr
    assert files(tmp_path) == before


def test_export_below_the_workspace_marking_is_refused(run, tmp_path: Path) -> None:
    result = run("export", "--data", MARKED, "--format", "md", *DATES, "--marking", "CLEAR",
                 "-o", str(tmp_path / "x.md"))
    assert result.returncode == 1
    assert "choose the workspace's marking or higher" in result.stderr
    assert files(tmp_path) == []


def test_export_for_green_states_what_was_withheld(run, tmp_path: Path) -> None:
    out = tmp_path / "x.md"
    result = run("export", "--data", MARKED, *DATES, "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "6 items marked above TLP:GREEN are withheld" in result.stderr
    assert "AMBER-ONLY" not in out.read_text(encoding="utf-8")


def test_export_save_keeps_the_snapshot_in_the_data_folder(tmp_path: Path) -> None:
    data = tmp_path / "ws"
    shutil.copytree(TINY, data)
    out = tmp_path / "board.csv"
    assert main(["export", "--data", str(data), *DATES, "--save", "-o", str(out)]) == 0
    kept = data / "snapshots" / "2024-03-15.json"
    assert files(tmp_path) == sorted(["board.csv", "ws", "ws/indicators", "ws/indicators/core.yaml", "ws/snapshots",
                                      "ws/snapshots/2024-03-15.json", "ws/workspace.yaml"])
    assert json.loads(kept.read_text(encoding="utf-8"))["format_version"] == snapshot.FORMAT_VERSION


def test_export_of_a_missing_workspace_fails_cleanly(run, tmp_path: Path) -> None:
    result = run("export", "--data", str(tmp_path / "nowhere"), "--format", "md", "-o", str(tmp_path / "x.md"))
    assert result.returncode == 1 and "workspace.yaml" in result.stderr
    assert files(tmp_path) == []


def test_diff_dates_text_and_json(capsys) -> None:
    assert main(["diff", "--data", TINY, "--from", "2024-02-15", "--to", "2024-03-15"]) == 0
    text = capsys.readouterr().out
    assert "TT-01  Diagnostic for A: Emerging → Observed" in text
    assert "TT-01.2" in text and "AA  Scenario A: Low → High" in text
    assert main(["diff", "--data", TINY, "--from", "2024-02-15", "--to", "2024-03-15", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == json.loads(json.dumps(
        diff_dates(load_workspace(TINY), dt.date(2024, 2, 15), dt.date(2024, 3, 15))))


def test_diff_two_snapshot_files(tmp_path: Path, capsys) -> None:
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    assert main(["export", "--data", TINY, "--as-of", "2024-02-15", "-o", str(old)]) == 0
    assert main(["export", "--data", TINY, "--as-of", "2024-03-15", "-o", str(new)]) == 0
    capsys.readouterr()
    assert main(["diff", str(old), str(new), "--json"]) == 0
    diff = json.loads(capsys.readouterr().out)
    assert [s["indicator"] for s in diff["status"]] == ["TT-01"]
    assert main(["diff", str(new), str(new)]) == 0
    assert "No changes." in capsys.readouterr().out


def test_diff_bad_snapshot_exits_1_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format_version": 1}', encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "indicators.cli", "diff", str(bad), str(bad)], capture_output=True,
                            text=True, timeout=180)
    assert result.returncode == 1 and "bad.json: error:" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("args", [["diff"], ["diff", "one.json"], ["diff", "a.json", "b.json", "--from", "2024-01-01"],
                                  ["diff", "--from", "2024-03-01", "--to", "2024-01-01"], ["diff", "--from", "nope"]])
def test_diff_usage_errors_exit_2(run, args: list[str]) -> None:
    result = run(*args, "--data", TINY)
    assert result.returncode == 2, result.stderr
    assert "error:" in result.stderr and "Traceback" not in result.stderr


def test_diff_below_the_workspace_marking_is_refused(run) -> None:
    result = run("diff", "--data", MARKED, "--from", "2024-01-01", "--to", "2024-03-15", "--marking", "CLEAR")
    assert result.returncode == 1 and "choose the workspace's marking or higher" in result.stderr
