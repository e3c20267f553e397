"""Smoke run of the benchmark scripts on a small workspace, so they keep working (no timings asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from benchmarks.generate import generate
from benchmarks.run import main as run_benchmark
from indicators.workspace.load import load_workspace
from indicators.workspace.parse_cache import FileCache

ROOT = Path(__file__).resolve().parent.parent


def test_generator_writes_a_valid_workspace_of_the_asked_size(tmp_path: Path) -> None:
    out = tmp_path / "gen"
    done = subprocess.run([sys.executable, "-m", "benchmarks.generate", "--indicators", "40", "--indications", "300",
                           "--seed", "7", "-o", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    ws = load_workspace(out, cache=FileCache(disk=False))
    assert ws.errors == [] and len(ws.indicators) == 40
    assert sum(len(i.indications) for i in ws.indicators) == 300
    assert len({p.name for p in (out / "indicators").glob("*.yaml")}) > 3  # spread over themed files


def test_generator_is_seeded(tmp_path: Path) -> None:
    a = generate(tmp_path / "a", indicators=10, indications=50, seed=5)
    b = generate(tmp_path / "b", indicators=10, indications=50, seed=5)
    assert (a / "workspace.yaml").read_text() == (b / "workspace.yaml").read_text()
    assert [p.read_text() for p in sorted((a / "indicators").glob("*"))] == \
        [p.read_text() for p in sorted((b / "indicators").glob("*"))]


def test_benchmark_prints_every_row(tmp_path: Path, capsys) -> None:
    data = generate(tmp_path / "small", indicators=20, indications=150, seed=2)
    assert run_benchmark(["--data", str(data), "--repeat", "1"]) == 0
    out = capsys.readouterr().out
    for row in ("raw libyaml parse", "naive yaml.safe_load + pydantic", "cold load + validate", "warm load",
                "reload after editing one file", "restart: load from the disk cache", "board: status",
                "board: warning levels", "Overview page via AppTest, cold", "Overview page via AppTest, warm rerun",
                "HTML export", "peak memory of a board process", "peak memory of this benchmark run"):
        assert row in out, row
    assert "20 indicators, 150 indications" in out
