"""Ladders, thresholds, overdue evidence, trend windows and linchpins on tests/fixtures/signals,
against answers worked out by hand.

Weights (two scenarios): w[i, s] = max(0, v(s) - v(other)) x (1 + 0.5 x (rung - 1)).
UP: LD-01 1, LD-02 1 x 1.5 = 1.5, LD-03 1 x 2 = 2, TH-01 (L/U) .5; total 5.  DOWN: DN-01 .5, OD-01 .5.
Evidence: observed/high 1; TH-01 emerging/moderate .375 from 02-06; OD-01 overdue from 02-02: -.5.

- 01-31: UP = LD-01 1 / 5 = .2 (Guarded, exactly on the threshold); OD-01 is not overdue before
  02-02, so DOWN = .5 x 1 / 1 = .5 (Elevated).
- 02-29: UP = (1 + 1.5 + .5 x .375) / 5 = .5375 (Elevated), ladder at rung 2 of 3;
  DOWN = (.5 - .25) / 1 = .25 (Guarded): the expected withdrawal failed to appear, the scenario cools.
- 03-31: UP = (1 + 1.5 + 2 + .1875) / 5 = .9375 (Severe).
- Linchpins of UP on 02-29 (raw .5375, Elevated): LD-03 to observed +2/5 -> .9375 Severe (+2);
  TH-01 to observed +.5 x .625 / 5 = +.0625 -> .6 High (+1); LD-02 negated -3/5 -> 0 Low (-2);
  LD-01 negated -2/5 -> .1375 Low (-2); LD-03 negated -2/5 -> .1375 Low (-2).
- Thresholds of TH-01 (emerging 10, observed 20; latest value): 12 on 02-05 points to emerging while
  it is not yet assessed; 12 agrees with 'emerging' on 02-29; 25 on 03-15 points to observed.
"""

from __future__ import annotations

import pytest

from indicators.scoring import signals, warning
from indicators.workspace.load import load_workspace

from tests.conftest import FIXTURES


@pytest.fixture(scope="module")
def ws():
    return load_workspace(FIXTURES / "signals")


@pytest.mark.parametrize(("day", "expected"), [
    ("2024-01-31", {"UP": (0.2, "guarded"), "DOWN": (0.5, "elevated")}),
    ("2024-02-29", {"UP": (0.5375, "elevated"), "DOWN": (0.25, "guarded")}),
    ("2024-03-31", {"UP": (0.9375, "severe"), "DOWN": (0.25, "guarded")}),
])
def test_ladder_rungs_raise_the_score_step_by_step_and_absence_cools_a_scenario(ws, day, expected) -> None:
    levels = warning.warning_levels(ws, day)
    assert {s: (round(float(r["score"]), 6), r["level"]) for s, r in levels.iterrows()} == expected


def test_the_highest_rung_reached(ws) -> None:
    assert [lad.text for lad in signals.ladders(ws, "2024-01-31")] == ["deploy ladder: rung 1 of 3"]
    assert [lad.text for lad in signals.ladders(ws, "2024-02-29")] == ["deploy ladder: rung 2 of 3"]
    assert [lad.text for lad in signals.ladders_for(ws, "UP", "2024-03-31")] == ["deploy ladder: rung 3 of 3"]
    assert signals.ladders_for(ws, "DOWN", "2024-03-31") == []


def test_without_overdue_evidence_the_scenario_does_not_cool(ws) -> None:
    variant = load_workspace(FIXTURES / "signals")
    variant.meta = ws.meta.model_copy(update={"overdue_evidence": 0.0})
    assert float(warning.warning_levels(variant, "2024-02-29").loc["DOWN", "score"]) == 0.5


def test_a_threshold_proposes_a_status_the_assessment_has_not_caught_up_with(ws) -> None:
    assert signals.proposals(ws, "2024-02-29") == {}
    early = signals.proposals(ws, "2024-02-05")["TH-01"]
    assert (early.assessed, early.proposed, early.value, early.threshold) == ("not_observed", "emerging", 12.0, 10.0)
    late = signals.proposals(ws, "2024-03-15")["TH-01"]
    assert (late.assessed, late.proposed) == ("emerging", "observed")
    assert late.reason == "latest value 25 containers ≥ observed threshold 20"


def test_trends_over_both_windows(ws) -> None:
    windows = warning.warning_levels(ws, "2024-03-31").loc["UP", "windows"]
    assert [(w["days"], round(w["previous_score"], 6), round(w["change"], 6), w["trend"]) for w in windows] == [
        (30, 0.5375, 0.4, "deteriorated"), (90, 0.0, 0.9375, "deteriorated")]


def test_a_level_change_smaller_than_the_tolerance_is_marginal(ws) -> None:
    variant = load_workspace(FIXTURES / "signals")
    variant.meta = ws.meta.model_copy(update={"trend_tolerance": 0.5})
    row = warning.warning_levels(variant, "2024-02-29").loc["UP"]  # .2 Guarded -> .5375 Elevated: +.3375 < .5
    assert (row["level"], row["trend"], bool(row["marginal"])) == ("elevated", "unchanged", True)
    assert not warning.warning_levels(ws, "2024-02-29").loc["UP", "marginal"]


def test_linchpins_found_by_hand(ws) -> None:
    found = [(lp.indicator, lp.to_status, lp.level, lp.steps, round(lp.score, 6))
             for lp in signals.linchpins(ws, "2024-02-29")["UP"]]
    assert found == [("LD-03", "observed", "severe", 2, 0.9375), ("TH-01", "observed", "high", 1, 0.6),
                     ("LD-02", "negated", "low", -2, 0.0), ("LD-01", "negated", "low", -2, 0.1375),
                     ("LD-03", "negated", "low", -2, 0.1375)]


@pytest.mark.parametrize(("score", "text"), [(0.196, "0.196"), (0.2, "0.20"), (0.6279, "0.63"), (0.59999, "0.5999"),
                                             (0.19999, "0.1999"), (0.2049, "0.20")])
def test_scores_are_shown_to_the_precision_that_decides_their_level(ws, score, text) -> None:
    assert warning.score_text(score, [level.min_score for level in ws.meta.warning_levels]) == text


def test_the_checklist_filter_and_the_pages_frames(ws) -> None:
    from indicators.presentation import tables
    from indicators.scoring import frames

    status = warning.status_as_of(ws, "2024-03-15")
    due = frames.filter_checklist(ws, status, frames.ChecklistFilter(reassess=True))
    assert list(due.index) == ["TH-01"]
    assert frames.freshness(ws, "2024-03-15") == {"newest_evidence": __import__("datetime").date(2024, 3, 10),
                                                  "stale_indicators": 2, "stale_judgments": 0, "judgments": 0}
    card = tables.scenario_summary(ws, "2024-02-29").loc["UP"]
    assert card["ladders_text"] == "deploy ladder: rung 2 of 3"
    assert card["linchpins_text"] == ("one indicator from Severe: LD-03 (observed); "
                                      "one indicator from Low: LD-02 (negated)")
    assert card["score_text"] == "0.54"
    pins = tables.linchpins_table(ws, "2024-02-29")
    assert list(pins.loc[pins["Scenario"] == "UP", "Indicator"]) == ["LD-03", "TH-01", "LD-02", "LD-01", "LD-03"]
    assert list(tables.ladders_table(ws, "2024-03-31")["Reached"]) == ["rung 3 of 3"]


def test_stale_evidence_discounts_old_assessments(ws) -> None:
    """With {cadences: 1, discount: 0.5} and a 60-day cadence, on 2024-03-31 LD-01 (assessed 01-10, 81 days:
    one span) counts 1 x 0.5 and the others (under 60 days old) in full:
    UP = (1 x .5 + 1.5 + 2 + .5 x .375) / 5 = 4.1875 / 5 = .8375 (Severe)."""
    from indicators.workspace.model import StaleEvidence

    variant = load_workspace(FIXTURES / "signals")
    variant.meta = ws.meta.model_copy(update={"stale_evidence": StaleEvidence(cadences=1, discount=0.5)})
    assert float(warning.warning_levels(variant, "2024-03-31").loc["UP", "score"]) == pytest.approx(0.8375)
    assert float(warning.warning_levels(ws, "2024-03-31").loc["UP", "score"]) == pytest.approx(0.9375)


def test_a_window_reaching_back_before_anything_was_watched_has_no_earlier_score() -> None:
    from tests.conftest import DATA

    # The default workspace records events from 2022, but its indicators are first assessed on 2023-09-28.
    windows = warning.warning_levels(load_workspace(DATA), "2024-06-30").loc["MIL-COOP", "windows"]
    assert [(w["days"], w["previous_score"] is None) for w in windows] == [(30, False), (365, True)]
