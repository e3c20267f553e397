"""The artefacts in the libraries others read them with: the Atom feed in feedparser (no bozo flag) and
in the standard library's XML parsers (well-formed), also when the data carries control characters;
the CSV checklist in pandas, with the same rows as the data."""

from __future__ import annotations

import datetime as dt
import io
import xml.dom.minidom
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pandas as pd
import pytest

from indicators.cli import main
from indicators.reports import wording as w
from indicators.reports.export import render_csv
from indicators.reports.feed import ATOM, alerts_report, atom_feed
from indicators.reports.snapshot import build_snapshot, parse_snapshot
from indicators.scoring.notices import Notice
from indicators.workspace.load import load_workspace
from indicators.workspace.parse_cache import FileCache

from tests.conftest import DATA, FIXTURES, TODAY

SIGNALS = FIXTURES / "signals"
CONTROL_CHARACTERS = "\x00\x01\x07\x08\x0b\x0c\x0d\x1b\x7f\x85\x9b"


def _read_feed(text: str) -> feedparser.FeedParserDict:
    """The feed as feedparser reads it, and as a strict XML parser does (both must accept it)."""
    ET.fromstring(text.encode("utf-8"))
    xml.dom.minidom.parseString(text.encode("utf-8"))
    parsed = feedparser.parse(text.encode("utf-8"))
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


def test_the_signals_feed_parses_in_feedparser(tmp_path: Path) -> None:
    path = tmp_path / "notices.xml"
    assert main(["alerts", "--data", str(SIGNALS), "--since", "2024-01-01", "--as-of", "2024-03-31",
                 "--atom", str(path), "--json"]) == 3
    parsed = _read_feed(path.read_text(encoding="utf-8"))
    assert parsed.feed.title == "TLP:CLEAR — Signals: warning notices"
    assert len(parsed.entries) == 7
    assert all(e.id and e.title and e.updated_parsed and e.link.startswith("http://127.0.0.1:8501/")
               for e in parsed.entries)


def test_the_default_workspace_feed_parses_in_feedparser() -> None:
    ws = load_workspace(DATA, today=TODAY)
    data, found = alerts_report(ws, dt.date(2023, 9, 28), dt.date(2025, 10, 31))
    assert len(found) > 20
    parsed = _read_feed(atom_feed(found, title=ws.meta.title, marking=data["marking"],
                                  as_of=dt.date(2025, 10, 31)))
    assert len(parsed.entries) == len(found)
    assert {e.id for e in parsed.entries} == {f"{parsed.feed.id}/{n.key}" for n in found}


def test_a_feed_of_text_with_control_characters_is_well_formed() -> None:
    """ElementTree writes control characters raw (an ill-formed document every reader drops): the feed
    replaces them, whatever the notices carry."""
    dirty = f"Scenario {CONTROL_CHARACTERS} \ud800 \ufffe end"
    found = [Notice(dt.date(2024, 1, 10), "level", f"UP{CONTROL_CHARACTERS}", dirty, dirty, (f"LD-01{dirty}",),
                    "guarded", 1, True),
             Notice(dt.date(2024, 1, 11), "observed", "LD-01", "Indicator \x1b[2J", "observed \x07")]
    text = atom_feed(found, title=f"Board {CONTROL_CHARACTERS}", marking="CLEAR", as_of=dt.date(2024, 1, 31),
                     base_url="http://127.0.0.1:8501")
    parsed = _read_feed(text)
    assert len(parsed.entries) == 2
    assert parsed.entries[0].title.startswith("LD-01: observed")
    assert "\x1b" not in text and "\ufffd" in parsed.entries[1].title
    assert parsed.feed.title.startswith("TLP:CLEAR — Board ")


def test_a_feed_from_a_workspace_whose_text_carries_control_characters(tmp_path: Path, monkeypatch) -> None:
    """Data read by an older version (before the model refused them): the feed stays well-formed."""
    from indicators import cli

    def load(*args, **kwargs):
        ws = load_workspace(*args, **kwargs, cache=FileCache(disk=False))  # models of its own to change
        object.__setattr__(ws.meta, "title", "Signals \x1b]0;owned\x07")
        for indicator in ws.indicators:
            object.__setattr__(indicator, "title", f"{indicator.title} \x1b[2J\x0c")
        for scenario in ws.meta.scenarios:
            object.__setattr__(scenario, "title", f"{scenario.title} \x9b31m")
        return ws

    monkeypatch.setattr(cli, "load_workspace", load)
    path = tmp_path / "notices.xml"
    assert main(["alerts", "--data", str(SIGNALS), "--since", "2024-01-01", "--as-of", "2024-03-31",
                 "--atom", str(path), "--json"]) == 3
    text = path.read_text(encoding="utf-8")
    parsed = _read_feed(text)
    assert len(parsed.entries) == 7
    assert "\ufffd" in parsed.feed.title and all("\ufffd" in e.summary for e in parsed.entries)
    root = ET.fromstring(text.encode("utf-8"))
    assert root.find(f"{{{ATOM}}}title").text.startswith("TLP:CLEAR — Signals ")


# ----------------------------------------------------------------------------- CSV in pandas


def _read_csv(text: str) -> pd.DataFrame:
    """The CSV checklist as pandas reads it: the marking row first, then the header and one row each."""
    assert text.startswith("\ufeff")
    return pd.read_csv(io.StringIO(text[1:]), skiprows=1, dtype=str, keep_default_na=False)


@pytest.mark.parametrize(("folder", "as_of"), [(DATA, dt.date(2025, 10, 31)), (FIXTURES / "tiny", dt.date(2024, 3, 15)),
                                               (FIXTURES / "hostile", dt.date(2024, 3, 15))],
                         ids=["default", "tiny", "hostile"])
def test_the_csv_checklist_reads_back_in_pandas_with_the_same_rows(folder: Path, as_of: dt.date) -> None:
    ws = load_workspace(folder, today=TODAY)
    snap = build_snapshot(ws, as_of)
    frame = _read_csv(render_csv(snap))
    assert len(frame) == len(snap.indicators) > 0
    scenario_ids = [s.id for s in snap.scenarios]
    assert list(frame.columns[:4]) == ["id", "title", "theme", "priority"]
    assert [f"rating {s}" for s in scenario_ids] == list(frame.columns[4:4 + len(scenario_ids)])
    by_id = {i.id: i for i in ws.indicators}
    for row, indicator in zip(frame.to_dict("records"), snap.indicators):
        assert row["id"] == indicator.id
        assert _cell(row["title"]) == indicator.title == by_id[indicator.id].title
        assert row["theme"] == indicator.theme and row["priority"] == indicator.priority.value
        assert [row[f"rating {s}"] for s in scenario_ids] == [indicator.ratings[s].value if s in indicator.ratings
                                                              else "" for s in scenario_ids]
        latest = w.latest_indication(indicator)
        assert _cell(row["latest indication summary"]) == (latest.summary if latest else "")
        assert row["last assessed"] == (str(indicator.last_assessed) if indicator.last_assessed else "")


def _cell(text: str) -> str:
    """A cell as written: text starting like a formula carries a leading quote (`export.csv_cell`)."""
    return text[1:] if text.startswith("'") and text[1:2] in ("=", "+", "-", "@", "\t", "\r") else text


def test_the_csv_checklist_of_text_with_control_characters_reads_back_without_them() -> None:
    """A snapshot from elsewhere may carry control characters: each becomes U+FFFD, the rows stay."""
    snap = build_snapshot(load_workspace(FIXTURES / "tiny", today=TODAY), dt.date(2024, 3, 15))
    dirty = parse_snapshot(snap.to_json().replace("Diagnostic for A", "Diagnostic \\u001b[2J for A\\r")
                           .replace("Second sighting.", "Second \\u0007\\u009b sighting."))
    frame = _read_csv(render_csv(dirty))
    assert len(frame) == len(snap.indicators)
    row = frame[frame["id"] == "TT-01"].iloc[0]
    assert row["title"] == "Diagnostic \ufffd[2J for A\ufffd"
    assert row["latest indication summary"] == "Second \ufffd\ufffd sighting."
