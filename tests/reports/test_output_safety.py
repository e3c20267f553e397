"""Every output is safe on its own against control characters in the data (a JSON snapshot, a file read
by an older version; the models refuse them): HTML, Markdown and CSV carry none, XML stays well-formed,
the terminal shows them as escapes. The escaping functions are imported where they are tested."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from indicators.reports.export import render
from indicators.reports.snapshot import build_snapshot, parse_snapshot
from indicators.workspace.load import load_workspace

from tests.conftest import FIXTURES, TODAY

# Control characters but tab and line feed (and CR before LF, the CSV line end).
RAW = re.compile(r"[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f-\x9f]|\r(?!\n)")
DIRTY = {"Diagnostic for A": "Diagnostic \\u001b[2J for A\\u0007", "Second sighting.": "Second\\r\\u009b31m sighting.",
         "Two sightings.": "Two \\u0008\\u0008 sightings \\u000c.", "Scenario A": "Scenario \\u001b]0;owned\\u0007 A",
         "\"Ann\"": "\"Ann\\u001b[8m\"", "\"Wire\"": "\"Wire\\u0085\""}


@pytest.fixture(scope="module")
def dirty_snapshot():
    """The tiny board's snapshot with control characters in titles, summaries, rationales, names, sources."""
    text = build_snapshot(load_workspace(FIXTURES / "tiny", today=TODAY), dt.date(2024, 3, 15)).to_json()
    for clean, dirty in DIRTY.items():
        assert clean in text, clean
        text = text.replace(clean, dirty)
    snap = parse_snapshot(text)
    assert "\x1b" in snap.title + "".join(i.title for i in snap.indicators)
    return snap


@pytest.mark.parametrize("fmt", ["html", "md", "csv"])
def test_exports_of_a_snapshot_with_control_characters_carry_none(dirty_snapshot, fmt: str) -> None:
    out = render(dirty_snapshot, fmt)
    assert not RAW.search(out), repr(RAW.search(out))
    assert re.search(r"Diagnostic \ufffd\\?\[2J for A", out)  # replaced where it stood, the rest of the text kept


def test_the_json_export_keeps_the_text_and_escapes_it(dirty_snapshot) -> None:
    """JSON is the data itself: the characters are kept, as JSON escapes (a raw C1 would be legal JSON)."""
    out = render(dirty_snapshot, "json")
    assert not re.search(r"[\x00-\x1f\x7f]", out.replace("\n", ""))
    assert parse_snapshot(out) == dirty_snapshot


def test_html_and_markdown_text_have_no_control_characters() -> None:
    from indicators.reports.escape import html_text, md_text

    assert html_text("<b>\x1b[2J</b>\x07") == "&lt;b&gt;\ufffd[2J&lt;/b&gt;\ufffd"
    assert md_text("a\x1b[2J *b*\r\nc\x9b") == "a\ufffd\\[2J \\*b\\* c\ufffd"
    assert md_text("a\x1b\r\nb\rc", one_line=False) == "a\ufffd\nb\ufffdc"
    assert html_text("tab\tline\nfeed") == "tab\tline\nfeed"


def test_csv_cells_have_no_control_characters() -> None:
    from indicators.reports.export import csv_cell

    assert csv_cell("a\x1b[2Jb\x07") == "a\ufffd[2Jb\ufffd"
    assert csv_cell("=1+1") == "'=1+1" and csv_cell("two\nlines\ttab") == "two\nlines\ttab"


def test_xml_text_keeps_only_what_xml_1_0_carries() -> None:
    from indicators.reports.escape import xml_text

    assert xml_text("a\x00\x1b\x7f\x85\x9b\ud800\ufffe\uffffb") == "a" + "\ufffd" * 8 + "b"
    assert xml_text("tab\tline\nfeed é 🚀 \u2028") == "tab\tline\nfeed é 🚀 \u2028"
    assert xml_text("cr\r") == "cr\ufffd" and xml_text(None) == ""


def test_the_terminal_stream_shows_control_characters_and_passes_everything_else_on(capsys) -> None:
    import sys

    from indicators.reports.escape import TerminalStream, terminal_text

    stream = TerminalStream(sys.stdout)
    assert stream.write("a\x1b[2Jb\r\n") == 8
    stream.writelines(["\x07", "ok\n"])
    stream.flush()
    assert capsys.readouterr().out == "a\\u001b[2Jb\r\n\\u0007ok\n"
    assert stream.isatty() is False and stream.unfiltered is sys.stdout
    assert terminal_text(None) == "" and terminal_text("tab\there") == "tab\there"
    assert terminal_text("\x9b31m\rX") == "\\u009b31m\\u000dX"
