"""Markings of what is shown: a banner carries the highest marking of what it shows.

Worked out by hand from tests/fixtures/marked (workspace GREEN; an item without a marking of its
own carries its parent's):

- scenario AA: judged 2024-01-01 (GREEN), 2024-03-05 (AMBER); BB never judged;
- MK-01 (GREEN): indications MK-01.1 2024-01-05 (GREEN), MK-01.2 2024-02-20 (AMBER); assessments
  2024-01-10 emerging (GREEN), 2024-03-01 observed (AMBER);
- MK-02 (GREEN): indication MK-02.1 2024-02-01 (CLEAR, below the workspace: it cannot lower a banner);
  assessment 2024-02-02 (GREEN);
- MK-03 (AMBER, so is everything in it): indication 2024-02-10, assessment 2024-02-11.

So whatever shows MK-03 is AMBER on any date; MK-01 turns AMBER on 2024-02-20 if its indications are
shown, on 2024-03-01 if only its status is; the scenarios' judgments on 2024-03-05. MK-02 is GREEN.
The later variant (`later`) adds a GREEN assessment of MK-01 on 2024-04-10, superseding the AMBER
one: its status is GREEN again from then, but scores 30 days earlier and month-end history still
rest on the AMBER assessment until they move past it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shutil
from pathlib import Path

import pytest

from indicators.reports.export import export_csv, export_html, export_json, export_markdown, render
from indicators.reports.markings import ExportRefused, highest, highest_present, shown_marking
from indicators.reports.snapshot import Snapshot, SnapshotError, build_snapshot, parse_snapshot
from indicators.reports.status import format_status, status_report
from indicators.workspace.load import Workspace, load_workspace
from indicators.workspace.vocab import MARKING

from tests.conftest import DATA, FIXTURES, TODAY

D = dt.date
MAR_15 = D(2024, 3, 15)
FIXED = {"as_of": MAR_15, "since": D(2024, 2, 15), "generated_at": dt.datetime(2024, 3, 16, 9, 30, tzinfo=dt.UTC)}
ALL_MARKINGS = MARKING.values()


@pytest.fixture(scope="module")
def marked() -> Workspace:
    return load_workspace(FIXTURES / "marked", today=TODAY)


@pytest.fixture(scope="module")
def tiny() -> Workspace:
    return load_workspace(FIXTURES / "tiny", today=TODAY)


@pytest.fixture(scope="module")
def data() -> Workspace:
    return load_workspace(DATA, today=TODAY)


@pytest.fixture(scope="module")
def later(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """The marked fixture with a GREEN assessment of MK-01 on 2024-04-10, after the AMBER one."""
    folder = Path(shutil.copytree(FIXTURES / "marked", tmp_path_factory.mktemp("later") / "marked"))
    core = folder / "indicators" / "core.yaml"
    text = core.read_text(encoding="utf-8")
    anchor = "        cites: [MK-01.1, MK-01.2]\n        marking: AMBER\n"
    assert anchor in text
    core.write_text(text.replace(anchor, anchor + (
        "      - date: 2024-04-10\n        status: emerging\n        confidence: low\n        analyst: Ann\n"
        "        rationale: Green reassessment.\n        cites: [MK-01.1]\n")), encoding="utf-8")
    ws = load_workspace(folder, today=TODAY)
    assert not ws.errors, [p.format() for p in ws.errors]
    return ws


# ----------------------------------------------------------------------------- the rule, item by item


def test_highest_raises_the_floor_and_never_lowers_it() -> None:
    assert highest("GREEN", [None, "CLEAR"]) == "GREEN"
    assert highest("GREEN", ["AMBER", "CLEAR", None]) == "AMBER"
    assert highest("CLEAR", ["RED", "AMBER+STRICT"]) == "RED"
    assert highest("AMBER") == "AMBER"


def test_highest_present_is_the_strictest_marking_anywhere(marked, tiny, data) -> None:
    assert (highest_present(marked), highest_present(tiny), highest_present(data)) == ("AMBER", "GREEN", "AMBER")


@pytest.mark.parametrize("ids, as_of, expected", [
    (["MK-02"], MAR_15, "GREEN"),          # a CLEAR indication does not lower the workspace's GREEN
    (["MK-03"], D(2024, 1, 1), "AMBER"),   # a marked indicator is AMBER before anything is recorded
    (["MK-01"], D(2024, 2, 19), "GREEN"),  # the AMBER items are dated later: not shown yet
    (["MK-01"], D(2024, 2, 20), "AMBER"),  # MK-01.2 is listed from its date
    (["MK-01", "MK-02"], D(2024, 2, 29), "AMBER"),
])
def test_an_indicators_page_is_marked_by_its_items_up_to_the_date(marked, ids, as_of, expected) -> None:
    assert shown_marking(marked, as_of, indicators=ids, statuses=[as_of], assessments=True,
                         indications=True) == expected


@pytest.mark.parametrize("as_of, expected", [(D(2024, 2, 29), "GREEN"), (D(2024, 3, 1), "AMBER")])
def test_a_status_rests_on_the_latest_assessment(marked, as_of, expected) -> None:
    # statuses only: MK-01.2 (AMBER, 2024-02-20) is not shown, the AMBER assessment of 2024-03-01 is
    assert shown_marking(marked, as_of, indicators=["MK-01"], statuses=[as_of]) == expected


@pytest.mark.parametrize("as_of, expected", [(D(2024, 3, 4), "GREEN"), (D(2024, 3, 5), "AMBER")])
def test_the_latest_judgment_marks_what_shows_it(marked, as_of, expected) -> None:
    assert shown_marking(marked, as_of, indicators=[], judged=[as_of]) == expected


@pytest.mark.parametrize("since, expected", [(D(2024, 2, 15), "AMBER"), (D(2024, 2, 21), "GREEN")])
def test_what_changed_is_marked_by_the_items_of_its_window(marked, since, expected) -> None:
    # MK-01 and MK-02 as of 2024-02-25: only MK-01.2 (AMBER, 2024-02-20) can fall in the window
    assert shown_marking(marked, D(2024, 2, 25), indicators=["MK-01", "MK-02"], changes_since=since) == expected


@pytest.mark.parametrize("as_of, parts, expected", [
    (D(2024, 4, 30), {"statuses": [D(2024, 4, 30)]}, "GREEN"),  # the status now rests on the GREEN reassessment
    (D(2024, 4, 30), {"scores": True}, "AMBER"),                # … its trend on 2024-03-31, still the AMBER one
    (D(2024, 5, 31), {"scores": True}, "GREEN"),                # 30 days earlier is past it
    (D(2024, 5, 31), {"history": True}, "AMBER"),               # the month-end history still shows March
])
def test_scores_and_history_rest_on_earlier_boards(later, as_of, parts, expected) -> None:
    assert shown_marking(later, as_of, indicators=["MK-01"], **parts) == expected


# ----------------------------------------------------------------------------- exports


def contained(snap: Snapshot) -> list[str | None]:
    """The own markings of every item a snapshot holds (None: the parent's)."""
    out: list[str | None] = []
    for i in snap.indicators:
        out += [i.marking, i.assessment_marking] + [o.marking for o in i.indications]
    out += [s.judgment.marking for s in snap.scenarios if s.judgment]
    out += [c.marking for c in snap.changes]
    return out


@pytest.mark.parametrize("name", ["marked", "tiny", "data"])
@pytest.mark.parametrize("as_of", [D(2023, 9, 28), D(2024, 1, 3), D(2024, 2, 20), MAR_15, D(2024, 11, 30)])
def test_a_snapshot_is_marked_no_lower_than_what_it_holds_and_no_higher_than_its_recipients(
        request, name: str, as_of: dt.date) -> None:
    ws = request.getfixturevalue(name)
    for marking in ALL_MARKINGS[MARKING.order(ws.meta.marking):]:
        snap = build_snapshot(ws, as_of, None, marking)
        floor = highest(ws.meta.marking, contained(snap))
        assert MARKING.order(floor) <= MARKING.order(snap.marking) <= MARKING.order(marking), (name, as_of, marking)
        assert snap.made_for == marking


@pytest.mark.parametrize("ws_name, as_of, made_for, banner", [
    ("marked", MAR_15, "GREEN", "GREEN"),
    ("marked", MAR_15, "AMBER", "AMBER"),
    ("marked", MAR_15, "RED", "AMBER"),        # nothing RED in it: the banner says what it holds
    ("tiny", MAR_15, "AMBER", "GREEN"),
    ("data", D(2023, 9, 28), "AMBER", "CLEAR"),  # the AMBER notes of the default workspace are dated later
    ("data", D(2024, 11, 30), "AMBER", "AMBER"),
    ("data", D(2024, 11, 30), "CLEAR", "CLEAR"),
])
def test_a_snapshot_carries_the_highest_marking_of_what_it_holds(request, ws_name, as_of, made_for, banner) -> None:
    snap = build_snapshot(request.getfixturevalue(ws_name), as_of, None, made_for)
    assert (snap.marking, snap.made_for) == (banner, made_for)


def test_every_format_has_the_banner_of_what_it_holds_and_says_whom_it_is_made_for(tiny) -> None:
    # tiny holds nothing marked above its GREEN: made for AMBER, it is still GREEN
    md = export_markdown(tiny, **FIXED, marking="AMBER")
    assert md.startswith("**TLP:GREEN**") and md.rstrip().endswith(md.splitlines()[0])
    assert "**Made for:** TLP:AMBER (workspace marking TLP:GREEN)" in md and "TLP:AMBER**" not in md
    assert "Nothing withheld: no item is marked above TLP:AMBER." in md
    rows = list(csv.reader(io.StringIO(export_csv(tiny, **FIXED, marking="AMBER")[1:])))
    assert rows[0][0] == "TLP:GREEN" and "above TLP:AMBER" in rows[0][-1]
    snap = json.loads(export_json(tiny, **FIXED, marking="AMBER"))
    assert (snap["marking"], snap["made_for"]) == ("GREEN", "AMBER")
    page = export_html(tiny, **FIXED, marking="AMBER")
    labels = re.findall(r'<div class="tlp-banner tlp-(top|bottom)".*?<span class="tlp-label"[^>]*>([^<]+)<', page)
    assert labels == [("top", "TLP:GREEN"), ("bottom", "TLP:GREEN")]
    assert "<title>TLP:GREEN" in page and re.search(r"<dt>Made for</dt><dd>TLP:AMBER", page)


def test_an_amber_export_marks_its_amber_items_where_they_are_listed(marked) -> None:
    md = export_markdown(marked, **FIXED, marking="AMBER")
    assert md.startswith("**TLP:AMBER**")
    checklist = md.split("## Checklist")[1].split("## Indications")[0]
    assert "| MK-03 (TLP:AMBER) |" in checklist and "| MK-02 |" in checklist
    assert "Observed (TLP:AMBER)" in checklist  # MK-01's status rests on its AMBER assessment
    changed = md.split("## What changed")[1].split("## Checklist")[0]
    assert "| AA (TLP:AMBER) |" in changed and "| MK-01 (TLP:AMBER) |" in changed
    rows = {r[0]: r[-1] for r in csv.reader(io.StringIO(export_csv(marked, **FIXED, marking="AMBER")[1:]))}
    assert (rows["MK-01"], rows["MK-02"], rows["MK-03"]) == ("TLP:AMBER", "TLP:GREEN", "TLP:AMBER")
    page = export_html(marked, **FIXED, marking="AMBER")
    checklist_html = page.split('<table class="checklist">')[1].split("</table>")[0]
    assert re.search(r">MK-03</a> <span class=\"tlp-chip\"[^>]*>TLP:AMBER<", checklist_html)


def test_old_snapshots_without_made_for_still_load(tiny) -> None:
    data = json.loads(export_json(tiny, **FIXED, marking="AMBER"))
    del data["made_for"]
    for change in data["changes"]:
        del change["marking"]
    data["marking"] = "AMBER"  # before, a snapshot was marked with the marking it was made for
    old = parse_snapshot(json.dumps(data))
    assert (old.marking, old.made_for) == ("AMBER", "AMBER")
    assert render(old, "md").startswith("**TLP:AMBER**")


def test_a_snapshot_marked_above_its_recipients_is_refused(tiny) -> None:
    data = json.loads(export_json(tiny, **FIXED, marking="GREEN"))
    data["marking"] = "RED"
    with pytest.raises(SnapshotError, match="above the marking it is made for"):
        parse_snapshot(json.dumps(data))


# ----------------------------------------------------------------------------- status


def test_status_shows_everything_by_default_headed_by_its_highest_marking(marked) -> None:
    report = status_report(marked, MAR_15)
    assert (report["marking"], report["made_for"], report["withheld"]["total"]) == ("AMBER", "AMBER", 0)
    rows = {i["id"]: i for i in report["indicators"]}
    assert {k: rows[k]["marking"] for k in rows} == {"MK-01": "AMBER", "MK-02": "GREEN", "MK-03": "AMBER"}
    aa = report["scenarios"][0]
    assert (aa["judgment"]["likelihood"], aa["judgment"]["marking"]) == ("very likely", "AMBER")
    text = format_status(report)
    assert text.splitlines()[0] == "Marked — TLP:AMBER — as of 2024-03-15"
    lines = {line.split()[0]: line for line in text.splitlines() if line.startswith("  MK-")}
    assert lines["MK-03"].endswith("(TLP:AMBER)") and "TLP" not in lines["MK-02"]
    assert "withheld" not in text


def test_status_for_green_withholds_and_computes_from_what_is_released(marked) -> None:
    report = status_report(marked, MAR_15, "GREEN")
    assert (report["marking"], report["made_for"]) == ("GREEN", "GREEN")
    assert report["withheld"] == {"indicators": 1, "indications": 2, "assessments": 2, "judgments": 1, "total": 6}
    assert [i["id"] for i in report["indicators"]] == ["MK-01", "MK-02"]
    assert report["indicators"][0]["status"] == "emerging" and report["indicators"][0]["indications"] == 1
    green = build_snapshot(marked, MAR_15, None, "GREEN")
    assert [s["score"] for s in report["scenarios"]] == [s.score for s in green.scenarios]  # one path
    assert report["scenarios"][0]["judgment"]["likelihood"] == "unlikely"
    text = format_status(report)
    assert text.splitlines()[0] == "Marked — TLP:GREEN — as of 2024-03-15"
    assert text.splitlines()[1] == ("6 items marked above TLP:GREEN are withheld from this report: 1 indicator, "
                                    "2 indications, 2 assessments, 1 judgment. The levels and statuses shown rest "
                                    "only on what is released.")
    assert "AMBER" not in text


@pytest.mark.parametrize("as_of, expected", [(D(2023, 9, 28), "CLEAR"), (D(2024, 11, 30), "AMBER")])
def test_status_of_the_default_workspace_is_amber_once_it_shows_amber_notes(data, as_of, expected) -> None:
    assert status_report(data, as_of)["marking"] == expected
    assert status_report(data, as_of, "CLEAR")["marking"] == "CLEAR"


def test_status_below_the_workspace_marking_is_refused(marked) -> None:
    with pytest.raises(ExportRefused) as err:
        status_report(marked, MAR_15, "CLEAR")
    problem = err.value.problems[0]
    assert problem.code == "marking-below-workspace" and "cannot show the board for TLP:CLEAR" in problem.message
