"""Data shaping for the app (indicators.scoring.frames) on the tiny fixture, against hand-worked answers.

Tiny fixture: TT-01 emerging from 2024-01-10, observed from 2024-03-01; indications TT-01.1
(2024-01-05, https link, B2) and TT-01.2 (2024-02-20, no link, C3, value 4 launches). TT-04 is
expected by 2024-02-29 and never assessed. Scenario AA judged unlikely (2024-01-01) then likely
(2024-03-05); BB has no judgment.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from indicators.scoring import frames, warning
from indicators.workspace.load import load_workspace
from indicators.workspace.problems import Problem, Severity
from indicators.workspace.vocab import LIKELIHOOD, STATUS

from tests.conftest import FIXTURES, TODAY

FEB_15, MAR_15 = dt.date(2024, 2, 15), dt.date(2024, 3, 15)


@pytest.fixture(scope="module")
def ws():
    return load_workspace(FIXTURES / "tiny", today=TODAY)


def test_checklist_filters(ws):
    status = warning.status_as_of(ws, MAR_15)
    f = frames.ChecklistFilter
    assert list(frames.filter_checklist(ws, status, f())["id"]) == ["TT-01", "TT-02", "TT-03", "TT-04"]
    assert list(frames.filter_checklist(ws, status, f(statuses=("observed",)))["id"]) == ["TT-01", "TT-02", "TT-03"]
    assert list(frames.filter_checklist(ws, status, f(priorities=("high",)))["id"]) == ["TT-01"]
    assert list(frames.filter_checklist(ws, status, f(overdue=True))["id"]) == ["TT-04"]
    # diagnostic for BB (TT-03) or rated HL/L against it (TT-02 L, TT-03 HL)
    assert list(frames.filter_checklist(ws, status, f(scenario="BB"))["id"]) == ["TT-02", "TT-03"]
    # diagnostic for AA: TT-01 (w 1.0) and TT-04 (w 0.5); TT-02 is rated L
    assert list(frames.filter_checklist(ws, status, f(scenario="AA"))["id"]) == ["TT-01", "TT-02", "TT-04"]
    assert list(frames.filter_checklist(ws, status, f(text="never"))["id"]) == ["TT-04"]
    assert list(frames.filter_checklist(ws, status, f(themes=("other",)))["id"]) == []
    assert frames.filter_checklist(ws, status, f(themes=("core",), statuses=("observed",), priorities=("high",))
                                  )["id"].tolist() == ["TT-01"]


def test_checklist_table_uses_labels(ws):
    table = frames.checklist_table(warning.status_as_of(ws, FEB_15))
    assert list(table.columns) == frames.CHECKLIST_COLUMNS
    row = table.set_index("ID").loc["TT-01"]
    assert row["Status"] == STATUS.label("emerging") and row["Priority"] == "High"
    assert row["Last assessed"] == dt.date(2024, 1, 10) and row["Indications"] == 1


def test_colour_cells_colours_status_by_vocab(ws):
    table = frames.checklist_table(warning.status_as_of(ws, MAR_15))
    html = frames.colour_cells(table, {"Status": STATUS}).to_html()
    assert STATUS.colour("observed") in html and STATUS.colour("not_observed") in html


def test_status_history_is_as_of(ws):
    before = frames.status_history(ws, "TT-01", FEB_15)
    assert before["status"].tolist() == ["emerging", "emerging"]  # carried on to the as-of date
    assert before["date"].iloc[-1] == pd.Timestamp(FEB_15)
    after = frames.status_history(ws, "TT-01", MAR_15)
    assert after["status"].tolist() == ["emerging", "observed", "observed"]
    never = frames.status_history(ws, "TT-04", MAR_15)
    assert set(never["status"]) == {"not_observed"}


def test_indications_only_known_ones_with_safe_links(ws):
    feb = frames.indications_of(ws, "TT-01", FEB_15)
    assert feb["ID"].tolist() == ["TT-01.1"]
    mar = frames.indications_of(ws, "TT-01", MAR_15)
    assert mar["ID"].tolist() == ["TT-01.2", "TT-01.1"]  # newest first
    assert mar["Link"].isna().tolist() == [True, False] and mar["Link"].iloc[1] == "https://example.org/a"
    assert mar["Grade meaning"].iloc[1] == "Usually reliable · Probably true"
    assert mar["Value"].tolist() == ["4 launches", ""]
    series = frames.numeric_series(ws, "TT-01", MAR_15)
    assert series[["value", "unit"]].values.tolist() == [[4.0, "launches"]]
    assert frames.numeric_series(ws, "TT-01", FEB_15).empty


def test_ratings_of_gives_weights(ws):
    r = frames.ratings_of(ws, "TT-04").set_index("Scenario")
    assert r.loc["AA", "Rating"] == "HL" and r.loc["AA", "Diagnostic weight"] == 0.5
    assert r.loc["BB", "Meaning"] == "Could" and r.loc["BB", "Diagnostic weight"] == 0.0


def test_changes_table_readable(ws):
    changes = frames.changes_table(ws, FEB_15, MAR_15)
    assert changes["Kind"].tolist() == ["Judgment", "Status", "Indication"]
    assert changes["Subject"].tolist() == ["AA", "TT-01", "TT-01"]


def test_level_history_monthly(ws):
    h = frames.level_history(ws, MAR_15)
    assert sorted(h["month"].unique()) == ["2024-01", "2024-02", "2024-03"]
    last = h[h["date"] == pd.Timestamp(MAR_15)].set_index("scenario")
    assert last.loc["AA", "label"] == "High" and last.loc["BB", "label"] == "Elevated"
    labels, colours = frames.level_domain(ws)
    assert labels == ["Low", "Elevated", "High"] and colours[-1] == "#aa0000"


def test_heatmap_cells_and_cap(ws):
    heat, total = frames.heatmap_frame(ws, MAR_15)
    assert total == 4 and len(heat) == 4 * 3  # indicators x month ends
    cell = heat[(heat["indicator"] == "TT-01") & (heat["month"] == "2024-01")].iloc[0]
    assert cell["label"] == "Emerging"
    capped, total = frames.heatmap_frame(ws, MAR_15, max_rows=2)
    assert total == 4 and capped["indicator"].nunique() == 2
    assert "TT-01" in set(capped["indicator"])  # high priority first


def test_timeline_bins_when_many(ws):
    raw, binned = frames.timeline_frame(ws, MAR_15)
    assert not binned and len(raw) == 2
    weekly, binned = frames.timeline_frame(ws, MAR_15, max_points=1)
    assert binned and weekly["count"].sum() == 2 and set(weekly.columns) >= {"date", "theme", "count"}
    early, _ = frames.timeline_frame(ws, dt.date(2024, 1, 6))
    assert len(early) == 1


def test_likelihood_history_carries_last_judgment(ws):
    j = frames.likelihood_history(ws, MAR_15)
    assert j["label"].tolist() == [LIKELIHOOD.label("unlikely"), LIKELIHOOD.label("likely"),
                                   LIKELIHOOD.label("likely")]
    assert j["date"].iloc[-1] == pd.Timestamp(MAR_15)
    assert frames.likelihood_history(ws, dt.date(2023, 12, 31)).empty


def test_validator_and_coverage(ws):
    m = frames.validator_matrix(ws)
    assert len(m) == 8
    assert m.set_index(["indicator", "scenario"]).loc[("TT-01", "BB"), "rating"] == "HU"
    d = frames.diagnosticity_table(ws).set_index("indicator")
    assert not d.loc["TT-02", "diagnostic"] and d.loc["TT-01", "spread"] == 1.0
    c = frames.coverage_table(ws).set_index("Scenario")
    assert c.loc["AA", "Diagnostic indicators"] == 2 and c.loc["AA", "Too few"]


def test_problems_frame_errors_first():
    problems = [Problem("b.yaml", 3, 1, "yaml11-text", "warn", severity=Severity.WARNING),
                Problem("a.yaml", 9, 2, "yaml-syntax", "err", "fix it")]
    frame = frames.problems_frame(problems)
    assert frame["Severity"].tolist() == ["error", "warning"]
    assert list(frame.columns) == frames.PROBLEM_COLUMNS
    assert frames.problem_counts(problems) == (1, 1)
    assert frames.problems_frame([]).empty


def test_row_height_fits_the_longest_text():
    assert frames.row_height(["short"], 300) == 35
    assert frames.row_height(["x" * 80], 300) == 72  # two lines: the grid wraps from ~70 px
    assert frames.row_height(["x" * 10_000], 300, max_lines=5) == 116
    assert frames.row_height([], 300) == 35 and frames.row_height([None, float("nan")], 300) == 35
    frame = pd.DataFrame({"a": ["x"], "b": ["y" * 80]})
    assert frames.fit_rows(frame, {"a": 300, "b": 300}) == 72 and frames.fit_rows(frame, {"a": 300}) == 35


def test_problems_frame_names_files_relative_to_the_workspace():
    problems = [Problem("/w/data/indicators/a.yaml", 1, 1, "yaml-syntax", "m"),
                Problem("/elsewhere/b.yaml", 1, 1, "yaml-syntax", "m")]
    assert frames.problems_frame(problems, "/w/data")["File"].tolist() == ["/elsewhere/b.yaml", "indicators/a.yaml"]
