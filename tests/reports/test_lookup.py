"""`indicators.reports.lookup`: show, list and search as plain data, worked out by hand on the fixtures.

tiny (GREEN): TT-01 (high; HL for AA) has indications TT-01.1 (2024-01-05) and TT-01.2 (2024-02-20, 4 launches)
and assessments emerging 2024-01-10, observed 2024-03-01; TT-02 observed 2024-01-10 (L, L); TT-03 observed
2024-02-01 (C, HL); TT-04 (low) never assessed, expected by 2024-02-29. Cadence 30 days, so on 2024-03-15
TT-02, TT-03 and TT-04 are stale and TT-04 is overdue.
marked (GREEN): AMBER items are MK-01.2, MK-01's assessment of 2024-03-01, all of MK-03 and AA's 2024-03-05 judgment.
"""

from __future__ import annotations

import datetime as dt

import pytest

from indicators.reports.lookup import NotFound, did_you_mean, list_indicators, search, show
from indicators.reports.markings import ExportRefused
from indicators.workspace.load import load_workspace
from indicators.workspace.vocab import loose_match

from tests.conftest import FIXTURES

DAY = dt.date(2024, 3, 15)


@pytest.fixture(scope="module")
def tiny():
    return load_workspace(FIXTURES / "tiny")


@pytest.fixture(scope="module")
def marked():
    return load_workspace(FIXTURES / "marked")


def test_loose_match_ignores_case_spaces_and_separators() -> None:
    assert loose_match("tt 01", ["TT-02", "TT-01"]) == "TT-01"
    assert loose_match("tt_01.2", ["TT-01.2"]) == "TT-01.2"
    assert loose_match("TT-05", ["TT-01"]) is None
    assert did_you_mean("tt-05", ["TT-01", "AA", "TT-01.1"])[0] == "TT-01"


def test_show_indicator_with_its_history_in_date_order(tiny) -> None:
    data = show(tiny, "tt01", DAY)
    item = data["item"]
    assert (data["marking"], data["as_of"], item["kind"], item["id"]) == ("GREEN", "2024-03-15", "indicator", "TT-01")
    assert (item["title"], item["theme"], item["priority"], item["criteria"]) == (
        "Diagnostic for A", "core", "high", "Seen twice.")
    assert item["ratings"] == {"AA": "HL", "BB": "HU"}
    assert [(o["id"], o["date"], o["grade"], o["value"], o["unit"]) for o in item["indications"]] == [
        ("TT-01.1", "2024-01-05", "B2", None, None), ("TT-01.2", "2024-02-20", "C3", 4, "launches")]
    assert item["indications"][0]["url"] == "https://example.org/a"
    assert [(a["date"], a["status"], a["confidence"], a["cites"]) for a in item["assessments"]] == [
        ("2024-01-10", "emerging", "moderate", ["TT-01.1"]), ("2024-03-01", "observed", "high", ["TT-01.1", "TT-01.2"])]


def test_as_of_cuts_the_history(tiny) -> None:
    item = show(tiny, "TT-01", dt.date(2024, 2, 1))["item"]
    assert [o["id"] for o in item["indications"]] == ["TT-01.1"]
    assert [a["date"] for a in item["assessments"]] == ["2024-01-10"]
    judgments = show(tiny, "aa", dt.date(2024, 2, 1))["item"]["judgments"]
    assert [j["likelihood"] for j in judgments] == ["unlikely"]
    with pytest.raises(NotFound, match="TT-01.2 is dated 2024-02-20"):
        show(tiny, "TT-01.2", dt.date(2024, 2, 1))


def test_show_scenario_indication_and_source(tiny) -> None:
    scenario = show(tiny, "Aa", DAY)["item"]
    assert [(j["date"], j["likelihood"]) for j in scenario["judgments"]] == [
        ("2024-01-01", "unlikely"), ("2024-03-05", "likely")]
    assert [(i["id"], i["rating"]) for i in scenario["indicators"]] == [
        ("TT-01", "HL"), ("TT-04", "HL"), ("TT-02", "L"), ("TT-03", "C")]
    indication = show(tiny, "tt-01.1", DAY)["item"]
    assert (indication["kind"], indication["summary"], indication["indicator"]["id"]) == (
        "indication", "First sighting.", "TT-01")
    assert [a["date"] for a in indication["cited_by"]] == ["2024-01-10", "2024-03-01"]


def test_show_source(tmp_path) -> None:
    ws = load_workspace(FIXTURES.parent.parent / "data")
    item = show(ws, "pism 137", dt.date(2024, 11, 30))["item"]
    assert (item["kind"], item["id"], item["date"]) == ("source", "PISM-137", "2023-09-28")


def test_unknown_id_suggests(tiny) -> None:
    with pytest.raises(NotFound, match=r"no indicator, scenario, indication, assessment, judgment or source 'TT-1' "
                                       r"— did you mean .*TT-01"):
        show(tiny, "TT-1", DAY)


def test_marking_withholds_and_heads(marked) -> None:
    everything = show(marked, "MK-01", DAY)
    assert everything["marking"] == "AMBER"
    assert [o["marking"] for o in everything["item"]["indications"]] == ["GREEN", "AMBER"]
    green = show(marked, "mk-01", DAY, "green")
    assert (green["marking"], green["made_for"]) == ("GREEN", "GREEN")
    assert [o["id"] for o in green["item"]["indications"]] == ["MK-01.1"]
    assert [a["rationale"] for a in green["item"]["assessments"]] == ["Green assessment."]
    assert (green["withheld"]["indications"], green["withheld"]["assessments"], green["withheld"]["total"]) == (1, 1, 2)
    with pytest.raises(NotFound):  # a withheld item is unknown to its readers, and never suggested
        show(marked, "MK-01.2", DAY, "GREEN")
    with pytest.raises(NotFound) as missing:
        show(marked, "MK-03", DAY, "GREEN")
    assert "MK-03" not in str(missing.value).split("did you mean")[-1]
    with pytest.raises(ExportRefused):
        show(marked, "MK-01", DAY, "CLEAR")
    assert show(marked, "MK-02", DAY)["marking"] == "GREEN"  # nothing above the workspace's shown


def test_list_statuses_and_filters(tiny) -> None:
    rows = list_indicators(tiny, DAY)["indicators"]
    assert [(r["id"], r["status"], r["confidence"], r["stale"], r["overdue"]) for r in rows] == [
        ("TT-01", "observed", "high", False, False), ("TT-02", "observed", "high", True, False),
        ("TT-03", "observed", "low", True, False), ("TT-04", "not_observed", None, True, True)]
    ids = lambda **f: [r["id"] for r in list_indicators(tiny, DAY, **f)["indicators"]]  # noqa: E731
    assert ids(overdue=True) == ["TT-04"]
    assert ids(stale=True, priorities=["medium"]) == ["TT-02", "TT-03"]
    assert ids(scenario="bb") == ["TT-02", "TT-03"]
    assert ids(statuses=["not_observed", "emerging"]) == ["TT-04"]
    assert ids(themes=["CORE"], priorities=["high"]) == ["TT-01"]
    assert [r["status"] for r in list_indicators(tiny, dt.date(2024, 2, 1))["indicators"]] == [
        "emerging", "observed", "observed", "not_observed"]
    assert list_indicators(tiny, DAY, statuses=["negated"])["indicators"] == []
    with pytest.raises(NotFound, match="did you mean AA"):
        list_indicators(tiny, DAY, scenario="AAA")


def test_list_marking(marked) -> None:
    everything = list_indicators(marked, DAY)
    assert everything["marking"] == "AMBER"
    assert {r["id"]: r["marking"] for r in everything["indicators"]} == {"MK-01": "AMBER", "MK-02": "GREEN",
                                                                         "MK-03": "AMBER"}
    green = list_indicators(marked, DAY, "GREEN")
    assert green["marking"] == "GREEN" and green["withheld"]["total"] == 6
    assert [(r["id"], r["status"]) for r in green["indicators"]] == [("MK-01", "emerging"), ("MK-02", "emerging")]
    # MK-02 alone shows nothing AMBER; but a status filter rests on every row (MK-01 is left out for its AMBER status)
    assert list_indicators(marked, DAY, priorities=["medium"], themes=["core"])["marking"] == "AMBER"
    assert list_indicators(marked, DAY, statuses=["emerging"])["marking"] == "AMBER"


def test_search_and_semantics_case_and_marking(tiny, marked) -> None:
    hits = search(tiny, ["SIGHTING"], DAY)["hits"]
    assert [(h["kind"], h["id"], h["date"]) for h in hits] == [
        ("indication", "TT-01.1", "2024-01-05"), ("indication", "TT-01.2", "2024-02-20"),
        ("assessment", "TT-01", "2024-01-10"), ("assessment", "TT-01", "2024-03-01")]
    assert [h["id"] for h in search(tiny, ["second", "Sighting"], DAY)["hits"]] == ["TT-01.2"]
    assert search(tiny, ["second", "launch"], DAY)["hits"] == []
    assert [h["id"] for h in search(tiny, ["sighting"], dt.date(2024, 1, 31))["hits"]] == ["TT-01.1", "TT-01"]
    assert [(h["kind"], h["field"]) for h in search(tiny, ["diagnostic", "for"], DAY)["hits"]] == [
        ("indicator", "title"), ("indicator", "title")]
    amber = search(marked, ["amber-only"], DAY)
    assert amber["marking"] == "AMBER" and len(amber["hits"]) == 7
    green = search(marked, ["amber-only"], DAY, "GREEN")
    assert (green["marking"], green["hits"], green["withheld"]["total"]) == ("GREEN", [], 6)
    assert search(marked, ["green"], DAY)["marking"] == "GREEN"
