"""Board functions on the tiny fixture, against answers worked out by hand.

Tiny fixture (tests/fixtures/tiny): scenarios AA, BB; levels low 0, elevated 0.3, high 0.6.
  TT-01 AA:HL BB:HU  -> w(AA) = 1.0 - 0.0 = 1.0, w(BB) = 0
  TT-02 AA:L  BB:L   -> not diagnostic, w = 0 for both
  TT-03 AA:C  BB:HL  -> w(AA) = 0, w(BB) = 1.0 - 0.5 = 0.5
  TT-04 AA:HL BB:C   -> w(AA) = 0.5, w(BB) = 0
  TT-01 emerging/moderate from 2024-01-10, observed/high from 2024-03-01
  TT-03 observed/low from 2024-02-01; TT-04 never assessed, expected_by 2024-02-29.
"""

from __future__ import annotations

import datetime as dt
from copy import deepcopy

import pytest

from indicators.scoring import warning
from indicators.scoring.memo import forget
from indicators.workspace.load import load_workspace
from indicators.workspace.model import Assessment

from tests.conftest import FIXTURES, TODAY


@pytest.fixture(scope="module")
def ws():
    return load_workspace(FIXTURES / "tiny", today=TODAY)


def test_diagnostic_weights(ws) -> None:
    w = warning.diagnostic_weights(ws)
    assert w.loc["TT-01"].tolist() == [1.0, 0.0]
    assert w.loc["TT-02"].tolist() == [0.0, 0.0]
    assert w.loc["TT-03"].tolist() == [0.0, 0.5]
    assert w.loc["TT-04"].tolist() == [0.5, 0.0]


def test_status_as_of_follows_latest_assessment(ws) -> None:
    assert warning.status_as_of(ws, "2024-01-09").loc["TT-01", "status"] == "not_observed"
    assert warning.status_as_of(ws, "2024-01-10").loc["TT-01", "status"] == "emerging"
    s = warning.status_as_of(ws, "2024-03-15")
    assert s.loc["TT-01", ["status", "confidence"]].tolist() == ["observed", "high"]
    assert s.loc["TT-01", "indications"] == 2
    assert s.loc["TT-04", "status"] == "not_observed"


def test_overdue_and_stale(ws) -> None:
    before = warning.status_as_of(ws, "2024-02-29")
    assert not before.loc["TT-04", "overdue"]  # due that day, not yet past
    after = warning.status_as_of(ws, "2024-03-01")
    assert after.loc["TT-04", "overdue"] and after.loc["TT-04", "stale"]  # never assessed: stale
    # cadence 30 days: TT-03 assessed 2024-02-01 is fresh on 2024-03-02, stale on 2024-03-03
    assert not warning.status_as_of(ws, "2024-03-02").loc["TT-03", "stale"]
    assert warning.status_as_of(ws, "2024-03-03").loc["TT-03", "stale"]


def test_warning_levels_worked_by_hand(ws) -> None:
    feb = warning.warning_levels(ws, "2024-02-15")
    # AA: TT-01 emerging (0.5) x moderate (0.75) x w 1.0 / (1.0 + 0.5) = 0.25 -> low
    assert feb.loc["AA", "score"] == pytest.approx(0.25)
    assert feb.loc["AA", "level"] == "low"
    # BB: TT-03 observed (1) x low (0.5) x w 0.5 / 0.5 = 0.5 -> elevated; was 0 on 2024-01-16
    assert feb.loc["BB", "score"] == pytest.approx(0.5)
    assert feb.loc["BB", ["level", "trend"]].tolist() == ["elevated", "deteriorated"]
    mar = warning.warning_levels(ws, "2024-03-15")
    # AA: TT-01 observed x high = 1.0 -> 1.0 / 1.5 = 0.667 -> high; 0.25 on 2024-02-14 -> deteriorated
    assert mar.loc["AA", "score"] == pytest.approx(2 / 3)
    assert mar.loc["AA", ["level", "trend", "colour"]].tolist() == ["high", "deteriorated", "#aa0000"]
    assert mar.loc["BB", "trend"] == "unchanged"
    assert mar.loc["AA", "likelihood"] == "likely"


def test_negated_lowers_the_score_but_never_below_zero(ws) -> None:
    variant = deepcopy(ws)
    forget(variant)
    variant.indicator_by_id["TT-04"].assessments.append(
        Assessment(date=dt.date(2024, 3, 10), status="negated", confidence="high", analyst="A", rationale="No.")
    )
    # AA on 2024-03-15: (1.0 x 1.0 + 0.5 x -1.0) / 1.5 = 0.333 -> elevated
    assert warning.warning_levels(variant, "2024-03-15").loc["AA", "score"] == pytest.approx(1 / 3)
    variant.indicator_by_id["TT-01"].assessments.append(
        Assessment(date=dt.date(2024, 3, 12), status="negated", confidence="high", analyst="A", rationale="No.")
    )
    forget(variant)
    assert warning.warning_levels(variant, "2024-03-15").loc["AA", "score"] == 0.0


def test_levels_over_time_matches_point_queries(ws) -> None:
    dates = warning.timeline_dates(ws, "2024-03-15")
    assert [d.date() for d in dates] == [dt.date(2024, 1, 31), dt.date(2024, 2, 29), dt.date(2024, 3, 15)]
    series = warning.levels_over_time(ws, dates)
    for day in dates:
        point = warning.warning_levels(ws, day)
        got = series[series["date"] == day].set_index("scenario")["score"]
        assert got.to_dict() == pytest.approx(point["score"].to_dict())


def test_status_composition_counts_every_indicator(ws) -> None:
    comp = warning.status_composition(ws, warning.timeline_dates(ws, "2024-03-15"))
    assert (comp.groupby("date")["count"].sum() == 4).all()
    last = comp[comp["date"] == comp["date"].max()].set_index("status")["count"]
    assert last.to_dict() == {"not_yet_watched": 0, "not_observed": 1, "emerging": 0, "observed": 3, "negated": 0,
                              "retired": 0}


def test_changes_since(ws) -> None:
    changes = warning.changes_since(ws, "2024-02-15", "2024-03-15")
    assert list(zip(changes["kind"], changes["subject"])) == [
        ("judgment", "AA"), ("status", "TT-01"), ("indication", "TT-01")]
    status = changes[changes["kind"] == "status"].iloc[0]
    assert (status["before"], status["after"]) == ("emerging", "observed")
    assert changes[changes["kind"] == "judgment"].iloc[0]["before"] == "unlikely"


def test_diagnosticity_and_coverage(ws) -> None:
    d = warning.diagnosticity(ws)
    assert d.loc["TT-02", "diagnostic"] == False  # noqa: E712 (numpy bool)
    assert d.loc["TT-01", "best_for"] == "AA"
    cov = warning.scenario_coverage(ws)
    assert cov.loc["AA", "diagnostic_indicators"] == 2 and cov.loc["BB", "diagnostic_indicators"] == 1
    assert cov["too_few"].all()


def test_counts(ws) -> None:
    assert warning.counts(warning.status_as_of(ws, "2024-03-15")) == {
        "indicators": 4, "observed": 3, "emerging": 0, "negated": 0, "overdue": 1, "stale": 3}
