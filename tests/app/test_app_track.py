"""The Track record and Disagreement pages, and the forms that resolve a scenario and add and check key
assumptions, under AppTest (answers from the fixtures' hand-worked figures; writes go to copies)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from indicators.workspace.load import load_workspace

from tests.app.test_app import fresh_app, open_app, plain, served_copy, table  # noqa: F401 — fresh_app is an autouse fixture
from tests.conftest import FIXTURES

D = dt.date.fromisoformat


def test_the_track_record_page_scores_the_resolved_scenarios(monkeypatch) -> None:
    monkeypatch.setenv("INDICATORS_DATA", str(FIXTURES / "track"))
    at = open_app("track", as_of="2024-12-01")
    scored = table(at, 0)
    assert list(scored["Scenario"]) == ["AA", "BB", "CC"]
    assert scored["Brier"].iloc[0] == 0.0606  # 0.060625, shown to four places
    assert any("0.1778" in e.label for e in at.expander)
    analysts = next(t for t in (table(at, n) for n in range(len(at.dataframe))) if "Analyst" in t.columns
                    and "Judgments" in t.columns and "p" not in t.columns)
    assert dict(zip(analysts["Analyst"], analysts["Brier"], strict=True)) == {"Ann": 0.1778, "Bob": 0.0606}
    assert not at.warning  # DD's question closes on 2024-12-31: still open on 1 December
    assert "DD closes 2024-12-31" in plain(" ".join(c.value for c in at.caption))
    later = open_app("track", as_of="2025-01-15")
    assert "closed on 2024-12-31 and is not resolved" in plain(later.warning[0].value)


def test_the_track_record_page_before_any_resolution(monkeypatch) -> None:
    monkeypatch.setenv("INDICATORS_DATA", str(FIXTURES / "track"))
    at = open_app("track", as_of="2024-01-01")
    assert "nothing to score yet" in at.info[0].value


def test_the_disagreement_page_counts_the_cells_to_talk_through(monkeypatch) -> None:
    monkeypatch.setenv("INDICATORS_DATA", str(FIXTURES / "ratings"))
    at = open_app("disagreement")
    assert [m.value for m in at.metric] == ["6", "2", "1"]
    cells = table(at, 1)
    assert list(zip(cells["Indicator"], cells["Scenario"], cells["Spread"], strict=True)) == [
        ("RT-02", "AA", 4), ("RT-01", "BB", 2), ("RT-02", "BB", 1)]
    assert list(cells["Team departs"]) == [False, False, True]
    at.toggle(key="disagreement_all").set_value(True).run()
    assert len(table(at, 1)) == 6


def test_the_disagreement_page_without_rating_files_says_how_to_make_one() -> None:
    at = open_app("disagreement")  # the tiny fixture has no ratings/ folder
    assert "ratings/ann.yaml" in at.info[0].value and "analyst:" in at.code[0].value


@pytest.fixture
def copy(tmp_path: Path, monkeypatch) -> Path:
    return served_copy("track", tmp_path, monkeypatch, analyst="Tess")


def test_resolve_a_scenario_from_the_update_page(copy: Path) -> None:
    at = open_app("update")
    at.radio(key="update_form").set_value("resolution").run()
    assert at.selectbox(key="rs_scenario").options == ["DD — Still open"]  # the others are resolved
    at.date_input(key="rs_date").set_value(D("2024-06-01"))
    at.selectbox(key="rs_outcome").set_value("did_not_occur")
    at.text_area(key="rs_rationale").input("The window closed quietly.")
    at.button(key="preview_resolution").click().run()
    assert not at.error, [e.value for e in at.error]
    assert "+    resolution:" in at.code[0].value.splitlines()
    at.button(key="save_resolution").click().run()
    assert not at.error
    resolved = load_workspace(copy).scenario_by_id["DD"].resolution
    assert (resolved.date, resolved.outcome.value, resolved.analyst) == (D("2024-06-01"), "did_not_occur", "Tess")


def test_add_then_break_an_assumption_from_the_update_page_and_the_overview_flags_the_judgment(copy: Path) -> None:
    at = open_app("update")
    at.radio(key="update_form").set_value("assumption").run()
    at.selectbox(key="ka_scenario").set_value("DD")
    at.date_input(key="ka_date").set_value(D("2024-01-01"))
    at.text_area(key="ka_statement").input("The parties keep talking.")
    at.button(key="preview_assumption").click().run()
    at.button(key="save_assumption").click().run()
    assert not at.error, [e.value for e in at.error]
    at = open_app("update")
    at.radio(key="update_form").set_value("check").run()
    at.selectbox(key="kc_assumption").set_value("DD KA-1").run()
    at.date_input(key="kc_date").set_value(D("2024-02-01"))
    at.selectbox(key="kc_status").set_value("broken")
    at.button(key="preview_check").click().run()  # no rationale: refused, nothing written
    assert "no rationale" in plain(at.error[0].value)
    at.text_input(key="kc_rationale").input("Talks broke off.").run()
    at.button(key="preview_check").click().run()
    at.button(key="save_check").click().run()
    assert not at.error, [e.value for e in at.error]
    checks = load_workspace(copy).scenario_by_id["DD"].assumptions[0].checks
    assert [(c.status.value, c.rationale) for c in checks] == [("holding", None), ("broken", "Talks broke off.")]
    overview = open_app("overview", as_of="2024-03-01")
    assert any("Rests on **KA-1** (The parties keep talking.), broken since 2024-02-01: Talks broke off."
               in plain(w.value)
               for w in overview.warning)
