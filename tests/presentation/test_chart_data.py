"""The frames charts draw (indicators.presentation.chart_data) on the tiny fixture, against hand-worked answers.

Tiny fixture: TT-01 emerging from 2024-01-10, observed from 2024-03-01; indications TT-01.1
(2024-01-05, https link, B2) and TT-01.2 (2024-02-20, no link, C3, value 4 launches). TT-04 is
expected by 2024-02-29 and never assessed. Scenario AA judged unlikely (2024-01-01) then likely
(2024-03-05); BB has no judgment.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from indicators.presentation import chart_data
from indicators.workspace.load import load_workspace
from indicators.workspace.vocab import LIKELIHOOD

from tests.conftest import FIXTURES, TODAY

FEB_15, MAR_15 = dt.date(2024, 2, 15), dt.date(2024, 3, 15)


@pytest.fixture(scope="module")
def ws():
    return load_workspace(FIXTURES / "tiny", today=TODAY)


def test_status_history_is_as_of(ws):
    before = chart_data.status_history(ws, "TT-01", FEB_15)
    assert before["status"].tolist() == ["emerging", "emerging"]  # carried on to the as-of date
    assert before["date"].iloc[-1] == pd.Timestamp(FEB_15)
    after = chart_data.status_history(ws, "TT-01", MAR_15)
    assert after["status"].tolist() == ["emerging", "observed", "observed"]
    never = chart_data.status_history(ws, "TT-04", MAR_15)
    assert set(never["status"]) == {"not_observed"}


def test_level_history_monthly(ws):
    h = chart_data.level_history(ws, MAR_15)
    assert sorted(h["month"].unique()) == ["2024-01", "2024-02", "2024-03"]
    last = h[h["date"] == pd.Timestamp(MAR_15)].set_index("scenario")
    assert last.loc["AA", "label"] == "High" and last.loc["BB", "label"] == "Elevated"
    labels, colours = chart_data.level_domain(ws)
    assert labels == ["Low", "Elevated", "High"] and colours[-1] == "#aa0000"


def test_heatmap_cells_and_cap(ws):
    heat, total = chart_data.heatmap_frame(ws, MAR_15)
    assert total == 4 and len(heat) == 4 * 3  # indicators x month ends
    cell = heat[(heat["indicator"] == "TT-01") & (heat["month"] == "2024-01")].iloc[0]
    assert cell["label"] == "Emerging"
    capped, total = chart_data.heatmap_frame(ws, MAR_15, max_rows=2)
    assert total == 4 and capped["indicator"].nunique() == 2
    assert "TT-01" in set(capped["indicator"])  # high priority first


def test_timeline_bins_when_many(ws):
    raw, binned = chart_data.timeline_frame(ws, MAR_15)
    assert not binned and len(raw) == 2
    weekly, binned = chart_data.timeline_frame(ws, MAR_15, max_points=1)
    assert binned and weekly["count"].sum() == 2 and set(weekly.columns) >= {"date", "theme", "count"}
    early, _ = chart_data.timeline_frame(ws, dt.date(2024, 1, 6))
    assert len(early) == 1


def test_likelihood_history_carries_last_judgment(ws):
    j = chart_data.likelihood_history(ws, MAR_15)
    assert j["label"].tolist() == [LIKELIHOOD.label("unlikely"), LIKELIHOOD.label("likely"),
                                   LIKELIHOOD.label("likely")]
    assert j["date"].iloc[-1] == pd.Timestamp(MAR_15)
    assert chart_data.likelihood_history(ws, dt.date(2023, 12, 31)).empty


def test_numeric_series_only_known_values(ws):
    series = chart_data.numeric_series(ws, "TT-01", MAR_15)
    assert series[["value", "unit"]].values.tolist() == [[4.0, "launches"]]
    assert chart_data.numeric_series(ws, "TT-01", FEB_15).empty


def test_validator_matrix_and_diagnosticity(ws):
    m = chart_data.validator_matrix(ws)
    assert len(m) == 8
    assert m.set_index(["indicator", "scenario"]).loc[("TT-01", "BB"), "rating"] == "HU"
    d = chart_data.diagnosticity_table(ws).set_index("indicator")
    assert not d.loc["TT-02", "diagnostic"] and d.loc["TT-01", "spread"] == 1.0
