"""Exports and diffs of a board whose checklist lives: withdrawn entries struck through with their
reason, retired indicators labelled, indicators not yet watched left out, shared sources in full."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from indicators.editing import checklist, updates
from indicators.reports.compare import diff_dates
from indicators.reports.export import export_csv, export_html, export_markdown
from indicators.reports.snapshot import build_snapshot
from indicators.workspace.load import load_workspace

from tests.conftest import FIXTURES

TODAY = dt.date(2024, 12, 1)
AS_OF = dt.date(2024, 5, 1)


@pytest.fixture(scope="module")
def lived(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny fixture after a withdrawal, a retirement and an indicator added on 2024-06-01."""
    root = Path(shutil.copytree(FIXTURES / "tiny", tmp_path_factory.mktemp("lived") / "tiny"))

    def write(planner, *args, **kwargs):
        updates.update(root, planner, *args, analyst="Cat", today=TODAY, **kwargs)

    write(checklist.plan_withdrawal, "TT-01.2", date=dt.date(2024, 3, 10), reason="The wire retracted it")
    write(checklist.plan_retirement, "TT-04", date=dt.date(2024, 4, 1), reason="Question overtaken")
    write(checklist.plan_add_indicator, "TT-05", date=dt.date(2024, 6, 1), title="Added in June", criteria="Seen.",
          theme="core", ratings={"AA": "HL", "BB": "U"})
    return root


def test_the_snapshot_holds_what_was_watched_and_marks_what_was_withdrawn(lived: Path) -> None:
    snap = build_snapshot(load_workspace(lived), AS_OF, None, None)
    assert [(i.id, i.watch.value, i.retired) for i in snap.indicators] == [
        ("TT-01", "watched", None), ("TT-02", "watched", None), ("TT-03", "watched", None),
        ("TT-04", "retired", dt.date(2024, 4, 1))]  # TT-05 is not yet watched on 1 May
    second = next(o for o in snap.indicators[0].indications if o.id == "TT-01.2")
    assert (second.withdrawn.date, second.withdrawn.reason) == (dt.date(2024, 3, 10), "The wire retracted it")
    assert snap.counts["indicators"] == 3
    earlier = build_snapshot(load_workspace(lived), dt.date(2024, 3, 5), None, None)
    assert all(o.withdrawn is None for i in earlier.indicators for o in i.indications)  # history unchanged


def test_markdown_html_and_csv_show_the_withdrawal_and_the_retirement(lived: Path) -> None:
    ws = load_workspace(lived)
    md = export_markdown(ws, AS_OF)
    assert "| ~~Second sighting.~~ (Withdrawn 2024-03-10 by Cat: The wire retracted it) |" in md
    assert "**Rests on withdrawn TT-01.2: reassess.**" in md
    assert "*Retired 2024-04-01: Question overtaken*" not in md  # TT-04 has no indications: no section
    assert "| Retired 2024-04-01 (was Not observed) |" in md
    html = export_html(ws, AS_OF)
    assert "<del>Second sighting.</del>" in html and "Withdrawn 2024-03-10 by Cat: The wire retracted it" in html
    assert "Retired 2024-04-01: Question overtaken" in html
    rows = export_csv(ws, AS_OF).splitlines()
    assert not any(row.startswith("TT-05,") for row in rows)
    assert any(row.startswith("TT-04,") and ",Retired 2024-04-01 (was Not observed)," in row for row in rows)


def test_a_diff_over_the_withdrawal_and_the_retirement_names_them(lived: Path) -> None:
    diff = diff_dates(load_workspace(lived), dt.date(2024, 3, 5), AS_OF)
    assert [(o["id"], o["withdrawn"], o["reason"]) for o in diff["withdrawn_indications"]] == [
        ("TT-01.2", "2024-03-10", "The wire retracted it")]
    assert [(i["indicator"], i["retired"]) for i in diff["indicators_retired"]] == [("TT-04", "2024-04-01")]
    assert diff["removed_indications"] == [] and diff["indicators_added"] == []


def test_a_withdrawal_listed_under_what_changed_raises_the_marking_to_its_entrys(tmp_path: Path) -> None:
    root = Path(shutil.copytree(FIXTURES / "tiny", tmp_path / "tiny"))
    updates.update(root, updates.plan_assessment, "TT-02", date=dt.date(2024, 1, 15), status="observed",
                   confidence="low", rationale="Agent report", marking="AMBER", analyst="Cat", today=TODAY)
    updates.update(root, updates.plan_assessment, "TT-02", date=dt.date(2024, 1, 20), status="observed",
                   confidence="high", rationale="Open report", analyst="Cat", today=TODAY)
    updates.update(root, checklist.plan_withdrawal, "TT-02@2024-01-15", date=dt.date(2024, 3, 10),
                   reason="Source burned", analyst="Cat", today=TODAY)
    ws = load_workspace(root)
    snap = build_snapshot(ws, dt.date(2024, 3, 15), dt.date(2024, 3, 5), "AMBER")
    assert any(c.kind == "withdrawal" and "Source burned" in c.detail for c in snap.changes)
    assert snap.marking.value == "AMBER"
    green = build_snapshot(ws, dt.date(2024, 3, 15), dt.date(2024, 3, 5), "GREEN")
    assert not any("Source burned" in c.detail for c in green.changes) and green.marking.value == "GREEN"
