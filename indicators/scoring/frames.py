"""What the checklist and the overview compute from the board: which indicators a filter keeps, how
fresh the evidence is, how headline counts moved. Pandas in, pandas out, no Streamlit, no labels.

The tables, labels and chart data that pages and reports show from these are in
`indicators.presentation`. Everything that depends on a date takes the "as of" date and uses only
what was known on that day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from indicators.scoring import signals, warning
from indicators.scoring.memo import per_workspace
from indicators.workspace.load import Workspace
from indicators.workspace.problems import Problem
from indicators.workspace.vocab import RATING_VALUE, Rating, Watch


@per_workspace
def freshness(ws: Workspace, as_of: dt.date) -> dict[str, object]:
    """How fresh the board is on `as_of`: the newest evidence (indication or assessment), and how many
    indicators and latest judgments are older than the review cadence."""
    day = warning.day_stamp(as_of)
    judged = warning.latest_judgments(ws, as_of)["judged"]
    stale_judgments = int(((day - judged).dt.days > ws.meta.review_cadence_days).sum()) if len(judged) else 0
    status = warning.status_as_of(ws, as_of)
    return {"newest_evidence": warning.newest_evidence(ws, as_of),
            "stale_indicators": int(status["stale"].sum()), "stale_judgments": stale_judgments,
            "judgments": int(len(judged))}


def count_changes(now: dict[str, int], before: dict[str, int]) -> dict[str, int]:
    """Difference of headline counts between two dates (now minus before)."""
    return {key: int(now.get(key, 0)) - int(before.get(key, 0)) for key in now}


@dataclass(frozen=True)
class ChecklistFilter:
    """What the checklist shows; empty fields mean "any"."""

    themes: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    scenario: str | None = None
    statuses: tuple[str, ...] = ()  # status values (e.g. "observed")
    priorities: tuple[str, ...] = ()  # priority values (e.g. "high")
    overdue: bool = False
    stale: bool = False
    text: str = field(default="")
    retired: bool = False  # also list the indicators retired by the date (never those not yet watched)
    reassess: bool = False  # only indicators whose numeric series points to another status (reassessment due)


def actors(ws: Workspace) -> list[str]:
    """Every actor named by an indicator, sorted."""
    return sorted({a for ind in ws.indicators for a in ind.actors}, key=str.casefold)


def relevant_to(ws: Workspace, scenario_id: str) -> set[str]:
    """Indicators that speak for a scenario: diagnostic for it, or rated HL or L against it."""
    t = warning.tables(ws)
    if scenario_id not in t.ratings.columns:
        return set()
    weights = warning.diagnostic_weights(ws)
    rated = t.ratings[scenario_id] >= RATING_VALUE[Rating.L]
    return set(t.ratings.index[(weights[scenario_id] > 0) | rated])


def filter_checklist(ws: Workspace, status: pd.DataFrame, f: ChecklistFilter) -> pd.DataFrame:
    """Rows of a `warning.status_as_of` frame that pass the filter (order kept): the indicators watched on
    its date, and those retired by then when `f.retired`."""
    shown = [Watch.WATCHED.value] + ([Watch.RETIRED.value] if f.retired else [])
    keep = status["watch"].isin(shown) if "watch" in status.columns else pd.Series(True, index=status.index)
    if f.themes:
        keep &= status["theme"].isin(f.themes)
    if f.actors:
        wanted = set(f.actors)
        keep &= status["actors"].map(lambda names: bool(wanted.intersection(names)))
    if f.scenario:
        keep &= status.index.isin(list(relevant_to(ws, f.scenario)))
    if f.statuses:
        keep &= status["status"].isin(f.statuses)
    if f.priorities:
        keep &= status["priority"].isin(f.priorities)
    if f.overdue:
        keep &= status["overdue"].astype(bool)
    if f.stale:
        keep &= status["stale"].astype(bool)
    if f.reassess:
        keep &= status.index.isin(list(signals.proposals(ws, status.attrs.get("as_of", dt.date.today()))))
    if f.text.strip():
        needle = f.text.strip().casefold()
        keep &= (status["id"].str.casefold().str.contains(needle, regex=False)
                 | status["title"].str.casefold().str.contains(needle, regex=False))
    return status[keep]


def problem_counts(problems: Iterable[Problem]) -> tuple[int, int]:
    """(errors, warnings)."""
    problems = list(problems)
    errors = sum(1 for p in problems if p.is_error)
    return errors, len(problems) - errors
