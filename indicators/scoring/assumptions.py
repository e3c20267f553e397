"""Key assumptions: which judgments rest on an assumption that has since been questioned or broken.

A judgment is made in light of what was known on its day. When one of its scenario's key
assumptions is questioned or broken *after* that day (a check dated later than the judgment), the
judgment is flagged for as long as it stands — until the scenario is judged again (the new
judgment is made knowing of the break), or the assumption is checked and holds again. A check
dated on the judgment's own day counts as known to it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from indicators.workspace.entries import latest, resolved_by
from indicators.workspace.model import Assumption, AssumptionCheck, Judgment, Scenario
from indicators.workspace.vocab import ASSUMPTION_STATUS, AssumptionStatus

DOUBTFUL = frozenset({AssumptionStatus.QUESTIONED, AssumptionStatus.BROKEN})


@dataclass(frozen=True)
class Flag:
    """An assumption in doubt under a judgment: which, how (questioned or broken), since when, why."""

    assumption: str
    statement: str
    status: AssumptionStatus
    since: dt.date
    rationale: str | None

    def text(self) -> str:
        """One line for a page, a CLI line or an export."""
        return f"{self.assumption} {ASSUMPTION_STATUS.label(self.status).lower()} since {self.since}"


def check_on(assumption: Assumption, day: dt.date) -> AssumptionCheck | None:
    """The assumption's latest check dated on or before `day` (None before its first)."""
    known = [(c.date, n, c) for n, c in enumerate(assumption.checks) if c.date <= day]
    return max(known, key=lambda t: t[:2])[2] if known else None  # of two the same day, the later written


def status_on(assumption: Assumption, day: dt.date) -> AssumptionStatus | None:
    """Where the assumption stands on `day` (None before its first check)."""
    check = check_on(assumption, day)
    return AssumptionStatus(check.status) if check is not None else None


def _doubt(assumption: Assumption, day: dt.date) -> AssumptionCheck | None:
    """If the assumption is in doubt on `day`, the check that put it there: the first of the latest
    run of checks with its present status (a questioned assumption checked again and still
    questioned was in doubt since the first of those checks)."""
    known = sorted((c for c in assumption.checks if c.date <= day), key=lambda c: c.date)  # stable: file order
    if not known or AssumptionStatus(known[-1].status) not in DOUBTFUL:
        return None
    first = known[-1]
    for check in reversed(known):
        if check.status != first.status:
            break
        first = check
    return first


def flags_of(scenario: Scenario, judgment: Judgment, day: dt.date) -> list[Flag]:
    """The assumptions in doubt on `day` that were checked into doubt after `judgment` was made."""
    out = []
    for assumption in scenario.assumptions:
        check = _doubt(assumption, day)
        if check is not None and check.date > judgment.date:
            out.append(Flag(assumption.id, assumption.statement, AssumptionStatus(check.status), check.date,
                            check.rationale))
    return out


def current_flags(scenario: Scenario, day: dt.date) -> list[Flag]:
    """What flags the scenario's judgment standing on `day`: none when it has no judgment, or when its
    question is resolved by then (a resolved question is judged no more)."""
    judgment = latest(scenario.judgments, day)
    if judgment is None or resolved_by(scenario, day) is not None:
        return []
    return flags_of(scenario, judgment, day)


@dataclass(frozen=True)
class AssumptionState:
    """A key assumption where it stands on a day: its latest check, and whether it casts doubt on the
    scenario's standing judgment (a flag)."""

    assumption: Assumption
    check: AssumptionCheck
    in_doubt: bool


def assumption_states(scenario: Scenario, day: dt.date) -> list[AssumptionState]:
    """Each key assumption of the scenario checked by `day`, where it stands (pages and exports)."""
    doubted = {flag.assumption for flag in current_flags(scenario, day)}
    return [AssumptionState(a, check, a.id in doubted) for a in scenario.assumptions
            if (check := check_on(a, day)) is not None]
