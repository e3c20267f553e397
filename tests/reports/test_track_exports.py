"""The track record, key assumptions and the analysts' own ratings in exports, with the marking rules.

Answers come from the fixtures' hand-worked figures: tests/fixtures/track (AA 0.060625, BB 0.1778125;
tests/scoring/test_track.py), tests/fixtures/assumptions (its header) and tests/fixtures/ratings
(tests/scoring/test_disagreement.py)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from indicators.reports.export import export_html, export_markdown
from indicators.reports.snapshot import build_snapshot, load_snapshot
from indicators.workspace.load import load_workspace

from tests.conftest import FIXTURES

D = dt.date.fromisoformat


def test_the_snapshot_and_the_report_carry_the_track_record() -> None:
    ws = load_workspace(FIXTURES / "track", today=D("2024-12-31"))
    snap = build_snapshot(ws, D("2024-12-01"))
    briers = {sc.id: sc.brier for sc in snap.track.scenarios}
    assert briers["AA"] == pytest.approx(0.060625, abs=1e-9) and briers["BB"] == pytest.approx(0.1778125, abs=1e-9)
    assert briers["CC"] is None and load_snapshot(snap.to_json()) == snap
    by_id = {s.id: s for s in snap.scenarios}
    assert by_id["AA"].resolution.outcome.value == "occurred" and by_id["DD"].question_close == D("2024-12-31")
    html = export_html(ws, D("2024-12-01"))
    assert 'id="track"' in html and "0.0606" in html and "chart-calibration" in html
    assert "Resolved: Occurred" in html and "Question closes 2024-12-31" in html
    assert "## Track record" in export_markdown(ws, D("2024-12-01"))


def test_a_resolution_after_the_as_of_date_is_not_in_the_track_record() -> None:
    ws = load_workspace(FIXTURES / "track", today=D("2024-12-31"))
    snap = build_snapshot(ws, D("2024-01-15"))  # BB (9 January) and CC (2 January) resolved by then; AA not
    assert [sc.id for sc in snap.track.scenarios] == ["BB", "CC"]
    assert {s.id: s.resolution is not None for s in snap.scenarios}["AA"] is False


@pytest.mark.parametrize(("as_of", "flagged"), [("2024-03-15", {"DEAL": ["KA-1"], "NODEAL": ["KA-1"]}),
                                                ("2024-04-02", {"DEAL": [], "NODEAL": []})])
def test_exports_flag_the_assumptions_in_doubt_under_the_standing_judgment(as_of: str, flagged) -> None:
    ws = load_workspace(FIXTURES / "assumptions", today=D("2024-12-31"))
    snap = build_snapshot(ws, D(as_of))
    assert {s.id: [a.id for a in s.assumptions if a.flags] for s in snap.scenarios} == flagged
    text = export_markdown(ws, D(as_of))
    assert ("judge the scenario again" in text) == any(flagged.values())


@pytest.fixture
def marked(tmp_path: Path) -> Path:
    """The ratings fixture with Bob's file marked TLP:AMBER, and the track fixture's 11 January
    judgment of AA (Bob's) marked TLP:AMBER, in one folder each."""
    ratings = Path(shutil.copytree(FIXTURES / "ratings", tmp_path / "ratings"))
    bob = ratings / "ratings" / "bob.yaml"
    bob.write_text(bob.read_text().replace("marking: CLEAR", "marking: AMBER"))
    track = Path(shutil.copytree(FIXTURES / "track", tmp_path / "track"))
    path = track / "workspace.yaml"
    path.write_text(path.read_text().replace("analyst: Bob, rationale: More signs.}",
                                             "analyst: Bob, rationale: More signs., marking: AMBER}"))
    return tmp_path


def test_a_rating_file_marked_above_the_recipient_is_left_out_and_the_export_marked_up_for_those_who_may(
        marked: Path) -> None:
    assert "marking: AMBER" in (marked / "ratings" / "ratings" / "bob.yaml").read_text()
    ws = load_workspace(marked / "ratings")
    clear = build_snapshot(ws, None, None, "CLEAR")
    assert [a.analyst for a in clear.disagreement.analysts] == ["Ann", "Cat"] and clear.marking.value == "CLEAR"
    assert all("Bob" not in cell.ratings for cell in clear.disagreement.cells)
    assert "Bob" not in export_html(ws, None, None, "CLEAR").split('id="disagreement"')[1].split("</section>")[0]
    amber = build_snapshot(ws, None, None, "AMBER")
    assert [a.analyst for a in amber.disagreement.analysts] == ["Ann", "Bob", "Cat"]
    assert amber.marking.value == "AMBER"


def test_a_judgment_marked_above_the_recipient_is_not_scored_for_them(marked: Path) -> None:
    """Without Bob's AMBER judgment of 11 January, AA stands at likely (0.675) for all 20 days:
    (0.675 − 1)² = 0.105625; Bob keeps one released judgment (BB's)."""
    ws = load_workspace(marked / "track", today=D("2024-12-31"))
    clear = build_snapshot(ws, D("2024-12-01"), None, "CLEAR")
    aa = next(sc for sc in clear.track.scenarios if sc.id == "AA")
    assert aa.brier == pytest.approx(0.105625, abs=1e-9)
    assert {a.analyst: a.judgments for a in clear.track.analysts} == {"Ann": 2, "Bob": 1}
    assert clear.marking.value == "CLEAR" and clear.withheld.judgments == 1
    assert "Scored on the judgments released at this marking" in export_html(ws, D("2024-12-01"), None, "CLEAR")
    amber = build_snapshot(ws, D("2024-12-01"), None, "AMBER")
    assert amber.marking.value == "AMBER"
    assert next(sc for sc in amber.track.scenarios if sc.id == "AA").brier == pytest.approx(0.060625, abs=1e-9)


def test_a_rating_file_that_rates_nothing_still_marks_what_names_its_analyst(tmp_path: Path) -> None:
    """A RED file rating no cell: its analyst's name is in the snapshot, so the snapshot is RED, and
    the workspace's highest marking present is RED too (the first banner of every page)."""
    from indicators.reports.markings import highest_present

    folder = Path(shutil.copytree(FIXTURES / "track", tmp_path / "track"))
    (folder / "ratings").mkdir()
    (folder / "ratings" / "amy.yaml").write_text("analyst: Amy Secret\nmarking: RED\n", encoding="utf-8")
    ws = load_workspace(folder, today=D("2024-12-31"))
    red = build_snapshot(ws, D("2024-12-01"), None, "RED")
    assert [a.analyst for a in red.disagreement.analysts] == ["Amy Secret"] and red.marking.value == "RED"
    assert highest_present(ws).value == "RED"
    clear = build_snapshot(ws, D("2024-12-01"), None, "CLEAR")
    assert clear.disagreement.analysts == [] and clear.marking.value == "CLEAR"
