"""The track record: how well the likelihood judgments of resolved scenarios did (Brier scores).

Each ICD 203 term is scored at the midpoint of its band (`vocab.LIKELIHOOD_P`). For a scenario
resolved as occurred (1) or did not occur (0) — an ambiguous one is not scored:

- the **time-averaged Brier score**: the mean, over each day d from its first judgment up to the
  day before the resolution, of (p_d − outcome)², where p_d is the probability of the judgment
  standing on d (the latest one dated on or before d, withdrawn ones left out) — as Good Judgment
  Open scores a forecast held over time; 0 is perfect, 1 the worst;
- each judgment's own score, (p − outcome)²;
- each analyst's score, the mean of their judgments' scores;
- the **warning lead time**: for each warning level above the lowest, the first day the scenario's
  warning level stood at or above it, and how many days that was before the resolution (a warning
  of a scenario that did not occur is a false alarm, shown as such).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from indicators.scoring import warning
from indicators.scoring.memo import per_workspace
from indicators.workspace.entries import resolved_by, withdrawn_by
from indicators.workspace.load import Workspace
from indicators.workspace.model import Judgment, Scenario
from indicators.workspace.vocab import LIKELIHOOD_P, LIKELIHOOD_RANGE, Likelihood, Outcome

SCORED = {Outcome.OCCURRED: 1.0, Outcome.DID_NOT_OCCUR: 0.0}


def probability(likelihood: Likelihood | str) -> float:
    """The probability a judgment is scored with (the midpoint of its ICD 203 band)."""
    return LIKELIHOOD_P[Likelihood(likelihood)]


def _standing(scenario: Scenario, as_of: dt.date = dt.date.max) -> list[Judgment]:
    """The judgments that count: made before the resolution and not withdrawn by `as_of`, in date order."""
    end = scenario.resolution.date if scenario.resolution else dt.date.max
    return sorted((j for j in scenario.judgments if j.date < end and not withdrawn_by(j, as_of)), key=lambda j: j.date)


def time_averaged_brier(judgments: list[Judgment], outcome: float, resolved: dt.date) -> float | None:
    """Mean of (p_d − outcome)² over each day from the first judgment to the day before `resolved`."""
    if not judgments or judgments[0].date >= resolved:
        return None
    total, days = 0.0, 0
    for n, judgment in enumerate(judgments):
        until = judgments[n + 1].date if n + 1 < len(judgments) else resolved
        span = (min(until, resolved) - judgment.date).days
        total += span * (probability(judgment.likelihood) - outcome) ** 2
        days += span
    return total / days if days else None


@per_workspace
def scores(ws: Workspace, as_of: dt.date | None = None) -> dict[str, Any]:
    """The track record of every resolved scenario, and of every analyst, as plain data:
    `{"scenarios": [{"id", "outcome", "resolved", "brier", "judgments": [{"date", "likelihood", "p",
    "brier", "analyst"}], "lead_times": [{"level", "label", "reached", "days_before"}]}],
    "analysts": [{"analyst", "judgments", "brier"}],
    "calibration": [{"likelihood", "p", "band", "judgments", "occurred", "share"}]}`.
    With `as_of`, only the resolutions made by then count (the track record as it stood that day)."""
    scenarios: list[dict[str, Any]] = []
    by_analyst: dict[str, list[float]] = {}
    settled = [s.resolution.date for s in ws.scenarios
               if s.resolution is not None and (as_of is None or s.resolution.date <= as_of)]
    levels = _levels_until(ws, max(settled)) if settled else None  # once, for every lead time
    for scenario in ws.scenarios:
        resolution = scenario.resolution
        if resolution is None or (as_of is not None and resolution.date > as_of):
            continue
        outcome = SCORED.get(resolution.outcome)
        judged = _standing(scenario, as_of or dt.date.max)
        rows = []
        for judgment in judged:
            p = probability(judgment.likelihood)
            brier = (p - outcome) ** 2 if outcome is not None else None
            rows.append({"date": judgment.date.isoformat(), "likelihood": Likelihood(judgment.likelihood).value,
                         "p": p, "brier": brier, "analyst": judgment.analyst})
            if brier is not None:
                by_analyst.setdefault(judgment.analyst, []).append(brier)
        scenarios.append({
            "id": scenario.id, "title": scenario.title, "outcome": Outcome(resolution.outcome).value,
            "resolved": resolution.date.isoformat(),
            "brier": time_averaged_brier(judged, outcome, resolution.date) if outcome is not None else None,
            "judgments": rows, "lead_times": lead_times(ws, scenario.id, levels)})
    analysts = [{"analyst": name, "judgments": len(values), "brier": sum(values) / len(values)}
                for name, values in sorted(by_analyst.items())]
    return {"scenarios": scenarios, "analysts": analysts, "calibration": calibration(scenarios)}


def calibration(scenarios: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per ICD 203 term, of the scored judgments made with it: how many, how many came true, and
    the share that did — to read against the term's band (well calibrated: the share falls in it)."""
    out = []
    for term in Likelihood:
        outcomes = [sc["outcome"] == Outcome.OCCURRED.value for sc in scenarios if sc["brier"] is not None
                    for j in sc["judgments"] if j["likelihood"] == term.value]
        if outcomes:
            low, high = LIKELIHOOD_RANGE[term]
            out.append({"likelihood": term.value, "p": LIKELIHOOD_P[term], "band": [low / 100, high / 100],
                        "judgments": len(outcomes), "occurred": sum(outcomes),
                        "share": sum(outcomes) / len(outcomes)})
    return out


def _levels_until(ws: Workspace, end: dt.date) -> pd.DataFrame:
    """Every scenario's warning level on each day a score can change, from the first record to `end`."""
    start = warning.history_start(ws)
    last = pd.Timestamp(end)
    days = [start, *warning.change_days(ws, start, last)] if start is not None and start <= last else []
    return warning.levels_over_time(ws, days)


def lead_times(ws: Workspace, scenario_id: str, levels: pd.DataFrame | None = None) -> list[dict[str, Any]]:
    """For a resolved scenario, each warning level above the lowest: the first day its warning level
    stood at or above it, up to the resolution day, and the days from then to the resolution
    (`reached` and `days_before` None when it never got there). `levels`: `_levels_until` a day on or
    after the resolution, when the caller has it (for several scenarios at once)."""
    resolution = ws.scenario_by_id[scenario_id].resolution
    if resolution is None:
        return []
    levels = _levels_until(ws, resolution.date) if levels is None else levels
    end = pd.Timestamp(resolution.date)
    rows = levels[(levels["scenario"] == scenario_id) & (levels["date"] <= end)].sort_values("date")
    out = []
    for rank, level in enumerate(ws.meta.warning_levels[1:], start=1):
        reached = rows[rows["rank"] >= rank]["date"]
        first = reached.iloc[0].date() if len(reached) else None
        out.append({"level": level.name, "label": level.label, "reached": first.isoformat() if first else None,
                    "days_before": (resolution.date - first).days if first else None})
    return out


def awaiting_resolution(scenario: Scenario, day: dt.date) -> bool:
    """True when the scenario's question closed before `day` and it is still not resolved by then."""
    closed = scenario.question_close
    return closed is not None and closed < day and resolved_by(scenario, day) is None
