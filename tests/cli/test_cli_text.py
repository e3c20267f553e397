"""Control characters through the command line: every writer refuses them in what it is given (nothing
written), and nothing the CLI prints carries one raw, even when the data holds some (a file read by an
older version): the terminal never receives an escape sequence from the data."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from indicators import cli
from indicators.workspace.load import load_workspace
from indicators.workspace.parse_cache import FileCache

from tests.conftest import FIXTURES, ROOT

TINY = FIXTURES / "tiny"
CONTROLS = FIXTURES / "controls"
# What may reach a terminal: no control character but tab, line feed, and CR before LF.
RAW = re.compile(r"[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f-\x9f]|\r(?!\n)")


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    target = tmp_path / "tiny"
    shutil.copytree(TINY, target)
    return target


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*.yaml"))}


WRITES = [
    ("record", "TT-01", "--summary", "Screen \x1b[2J cleared", "--source", "Wire", "--reliability", "B",
     "--credibility", "2"),
    ("record", "TT-01", "--summary", "Fine", "--source", "Wire \x07", "--reliability", "B", "--credibility", "2"),
    ("record", "TT-01", "--summary", "Fine", "--source", "Wire", "--unit", "t\x0bons", "--value", "3",
     "--reliability", "B", "--credibility", "2"),
    ("record", "TT-01", "--summary", "Fine", "--source", "Wire", "--url", "https://example.org/\x1b",
     "--reliability", "B", "--credibility", "2"),
    ("record", "TT-01", "--summary", "Fine", "--source", "Wire", "--analyst", "Ann\x08\x08\x08Bob",
     "--reliability", "B", "--credibility", "2"),
    ("assess", "TT-02", "--status", "observed", "--confidence", "high", "--rationale", "Seen \x9b2J"),
    ("judge", "AA", "--likelihood", "likely", "--confidence", "low", "--rationale", "\x1b]0;title\x07"),
    ("withdraw", "TT-01.1", "--reason", "Wrong \x0c report"),
    ("retire", "TT-04", "--reason", "Gone \x7f"),
    ("add-indicator", "TT-09", "--title", "New \x1b[31m red", "--criteria", "Seen.", "--theme", "core",
     "--rate", "AA=C", "--rate", "BB=C"),
    ("add-scenario", "CC", "--title", "Scenario \x85 C"),
    ("add-assumption", "AA", "--statement", "Holds \x00 true"),
]


@pytest.mark.parametrize("args", WRITES, ids=lambda a: f"{a[0]}-{a[3]}")
def test_every_writer_refuses_control_characters_and_writes_nothing(run, tiny, args) -> None:
    before = _files(tiny)
    result = run(*args, "--data", str(tiny), "--date", "2024-03-01")
    assert result.returncode == 1, result
    assert "error: " in result.stderr and "holds the control character" in result.stderr, result.stderr
    assert not RAW.search(result.stdout + result.stderr)
    assert _files(tiny) == before


def test_record_refuses_the_screen_clearing_summary_with_a_clear_error(run, tiny) -> None:
    """The case of the issue: `record --summary $'\\x1b[2J'`."""
    before = _files(tiny)
    result = run("record", "TT-01", "--data", str(tiny), "--date", "2024-03-01", "--summary", "\x1b[2J",
                 "--source", "Wire", "--reliability", "B", "--credibility", "2", "--json")
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.startswith("input: error: summary holds the control character ESC (U+001B) at character 1 "
                                    "('\\x1b[2J') — delete it")
    assert _files(tiny) == before


def test_a_byte_that_is_not_utf8_is_refused_as_such(run, tiny) -> None:
    """Bash's $'\\x9b' (the C1 CSI) is one byte that is not UTF-8: Python reads it as a lone surrogate."""
    before = _files(tiny)
    result = run("record", "TT-01", "--data", str(tiny), "--date", "2024-03-01", "--summary", "Fine",
                 "--source", "Wire", "--analyst", "Ann\udc9b", "--reliability", "B", "--credibility", "2")
    assert result.returncode == 1
    assert result.stderr.startswith("input: error: analyst is not valid text: it holds a byte that is not UTF-8")
    assert not RAW.search(result.stderr) and _files(tiny) == before


def test_line_breaks_typed_in_a_writer_are_line_feeds(run, tiny) -> None:
    """CRLF and CR in the text given are line breaks, as YAML reads them in a file: written as LF."""
    result = run("record", "TT-01", "--data", str(tiny), "--date", "2024-03-01", "--summary",
                 "First line\r\nsecond line\rthird line", "--source", "Wire", "--reliability", "B",
                 "--credibility", "2")
    assert result.returncode == 0, result.stderr
    ws = load_workspace(tiny)
    assert ws.errors == []
    assert ws.indicator_by_id["TT-01"].indications[-1].summary.rstrip("\n") == "First line\nsecond line\nthird line"
    assert b"\r" not in (tiny / "indicators" / "core.yaml").read_bytes()


def test_validate_prints_the_problems_without_raw_control_characters(run) -> None:
    result = run("validate", "--data", str(CONTROLS))
    assert result.returncode == 1
    assert result.stdout.count("control-character") == 0 and result.stdout.count("holds the control character") == 9
    assert not RAW.search(result.stdout + result.stderr)


@pytest.mark.parametrize("verb", [["show", "TT-01"], ["status"], ["list"], ["search", "sighting"]])
def test_reading_verbs_never_print_the_fixture_s_control_characters(run, verb) -> None:
    """The issue's case end to end: the fixture's texts hold ESC[2J, BEL, BS, CR …; what loads is clean."""
    result = run(*verb, "--data", str(CONTROLS), "--as-of", "2024-02-01")
    assert result.stdout, result.stderr
    assert not RAW.search(result.stdout + result.stderr)


def _older_board(monkeypatch: pytest.MonkeyPatch) -> None:
    """Load the tiny board as if an older version had let control characters into its texts."""
    def load(*args, **kwargs):
        ws = load_workspace(*args, **kwargs, cache=FileCache(disk=False))  # models of its own to change
        indicator = ws.indicator_by_id["TT-01"]
        object.__setattr__(indicator, "title", "Diagnostic \x1b[2J\x1b[H for A\x07")
        object.__setattr__(indicator.indications[0], "summary", "First\rFAKE \x9b31m sighting")
        object.__setattr__(indicator.assessments[0], "analyst", "Ann\x08\x08\x08Bob")
        object.__setattr__(ws.meta, "title", "Tiny \x1b]0;owned\x07")
        return ws
    monkeypatch.setattr(cli, "load_workspace", load)


@pytest.mark.parametrize("verb", [["show", "TT-01"], ["status"], ["list"], ["search", "sighting"],
                                  ["alerts", "--since", "2024-01-01"], ["export", "--format", "md", "-o", "-"],
                                  ["export", "--format", "csv", "-o", "-"]])
def test_terminal_output_shows_control_characters_in_the_data_visibly(run, monkeypatch, verb) -> None:
    """Defence in depth: whatever the data holds, the one stream everything is printed through
    (`escape.TerminalStream`, installed by `cli.main`) shows control characters as `\\u001b`."""
    _older_board(monkeypatch)
    result = run(*verb, "--data", str(TINY), "--as-of", "2024-03-15")
    assert result.stdout, result.stderr
    assert not RAW.search(result.stdout + result.stderr)
    if verb[0] == "show":
        assert "Diagnostic \\u001b[2J\\u001b[H for A\\u0007" in result.stdout


@pytest.mark.parametrize("verb", [["show", "TT-01"], ["status"], ["list"]])
def test_json_output_stays_valid_json_with_the_same_text(run, monkeypatch, verb) -> None:
    """The terminal's escape is JSON's own (`\\u009b`): `--json` output means the same text, printed safely."""
    _older_board(monkeypatch)
    result = run(*verb, "--data", str(TINY), "--as-of", "2024-03-15", "--json")
    assert not RAW.search(result.stdout)
    data = json.loads(result.stdout)
    assert data["workspace"] == "Tiny \x1b]0;owned\x07"
    if verb[0] == "show":
        assert data["item"]["title"] == "Diagnostic \x1b[2J\x1b[H for A\x07"


def test_main_restores_the_streams_it_wraps(capsys) -> None:
    stdout, stderr = sys.stdout, sys.stderr
    assert cli.main(["validate", "--data", str(TINY)]) == 0
    assert (sys.stdout, sys.stderr) == (stdout, stderr)


def test_the_console_script_prints_no_raw_escape(tiny: Path) -> None:
    """Through the installed entry point, as a terminal would receive it."""
    result = subprocess.run([sys.executable, "-m", "indicators", "record", "TT-01", "--data", str(tiny),
                             "--date", "2024-03-01", "--summary", "\x1b[2J\x1b[31mred", "--source", "Wire",
                             "--reliability", "B", "--credibility", "2"], capture_output=True, cwd=ROOT)
    assert result.returncode == 1
    assert b"\x1b" not in result.stdout + result.stderr and b"\\x1b[2J" in result.stderr
