"""`indicators import`: a progress bar on a terminal only, and the one size limit."""

from __future__ import annotations

import io
import shutil
import sys
from pathlib import Path

import pytest

from indicators.cli import ProgressBar, main

from tests.conftest import FIXTURES

HEADER = "indicator,date,summary,source,reliability,credibility\n"


class Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURES / "tiny", tmp_path / "tiny"))


def _events(tmp_path: Path, count: int) -> Path:
    path = tmp_path / "events.csv"
    path.write_text(HEADER + "".join(f"TT-01,2024-04-{1 + n % 28:02d},Report {n},Wire,B,2\n" for n in range(count)))
    return path


def test_import_draws_a_progress_bar_on_a_terminal(monkeypatch, capsys, tiny: Path, tmp_path: Path) -> None:
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    code = main(["import", str(_events(tmp_path, 250)), "--data", str(tiny), "--analyst", "Cat"])
    err = terminal.getvalue()
    assert code == 0 and capsys.readouterr().out == "250 indications and 0 assessments\n"
    bar = err.split("line 2:")[0]  # the bar comes first, then the notes, each on a line of its own
    assert "\rimport events.csv: planning rows [" in bar and "] 250/250" in bar
    assert "checking the workspace" in bar and "again, under the files' locks" in bar  # planned again when written
    assert bar.endswith("\r") and "\n" not in bar  # redrawn in place, and cleared before the notes


def test_import_prints_no_bar_when_stderr_is_not_a_terminal(run, tiny: Path, tmp_path: Path) -> None:
    result = run("import", str(_events(tmp_path, 250)), "--data", str(tiny), "--analyst", "Cat", "--dry-run")
    assert result.returncode == 0 and "\r" not in result.stderr and "planning rows" not in result.stderr
    assert result.stderr.startswith("line 2: TT-01.3\n")


def test_the_bar_fills_and_clears_its_line() -> None:
    terminal = Terminal()
    bar = ProgressBar("import x.csv", terminal)
    bar(0, 4, "planning rows")
    bar(4, 4, "planning rows")
    bar.close()
    drawn = terminal.getvalue().split("\r")
    assert drawn[1] == "import x.csv: planning rows [" + "-" * 30 + "] 0/4"
    assert drawn[2] == "import x.csv: planning rows [" + "#" * 30 + "] 4/4"
    assert drawn[3].strip() == "" and drawn[4] == ""
    quiet = io.StringIO()
    ProgressBar("import x.csv", quiet)(1, 4, "planning rows")
    assert quiet.getvalue() == ""


def test_an_import_file_over_the_one_size_limit_is_refused(monkeypatch, run, tiny: Path, tmp_path: Path) -> None:
    monkeypatch.setenv("INDICATORS_MAX_FILE_MB", "0.001")
    result = run("import", str(_events(tmp_path, 60)), "--data", str(tiny), "--analyst", "Cat")
    assert result.returncode == 1 and "error: file is 2.2 KB, over the limit of 1.0 KB" in result.stderr


@pytest.mark.parametrize(("limit", "upload_mb"), [(None, "20"), ("26", "26"), ("0.5", "1")])
def test_the_served_app_takes_uploads_up_to_the_one_size_limit(monkeypatch, limit: str | None,
                                                               upload_mb: str) -> None:
    from indicators.cli import serve_command

    if limit is None:
        monkeypatch.delenv("INDICATORS_MAX_FILE_MB", raising=False)
    else:
        monkeypatch.setenv("INDICATORS_MAX_FILE_MB", limit)
    command = serve_command(Path("data"), 8501, "127.0.0.1")
    assert command[command.index("--server.maxUploadSize") + 1] == upload_mb
