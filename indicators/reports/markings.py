"""Markings on exports: what a recipient of a given TLP marking may see.

An export is made *for* a marking M (TLP 2.0: CLEAR < GREEN < AMBER < AMBER+STRICT < RED). It
leaves out every indicator, indication, assessment and judgment whose own marking is above M, and
counts what it left out. An item without a marking of its own takes its parent's (indication and
assessment: the indicator's; indicator and judgment: the workspace's), so an export below the
workspace's own marking would release unmarked items: it is refused.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from indicators.workspace.load import Workspace
from indicators.workspace.model import Indicator, Scenario
from indicators.workspace.problems import Problem
from indicators.workspace.vocab import MARKING, Marking


class ExportRefused(Exception):
    """An export that cannot be made, with the problems that say why."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.format() for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class WithheldCount:
    """How many items (dated on or before the as-of date) an export left out, by kind."""

    indicators: int = 0
    indications: int = 0
    assessments: int = 0
    judgments: int = 0

    @property
    def total(self) -> int:
        return self.indicators + self.indications + self.assessments + self.judgments


def above(marking: Marking | str | None, limit: Marking | str) -> bool:
    """True when `marking` is stricter than `limit` (None never is)."""
    return marking is not None and MARKING.order(marking) > MARKING.order(limit)


def markings_from(lowest: Marking | str) -> list[str]:
    """The markings from `lowest` up, as TLP values (for hints and choices)."""
    return [m for m in MARKING.values() if MARKING.order(m) >= MARKING.order(lowest)]


def check_marking(ws: Workspace, marking: Marking | str | None) -> Marking:
    """The marking to export for (default: the workspace's); refused below the workspace's own."""
    own = MARKING.member(ws.meta.marking)
    if marking is None:
        return own
    try:
        wanted = MARKING.member(str(marking).strip().upper())
    except KeyError:
        raise ExportRefused([Problem("input", 0, 0, "unknown-marking", f"{marking!r} is not a TLP marking",
                                     f"choose one of {', '.join(MARKING.values())}")]) from None
    if MARKING.order(wanted) < MARKING.order(own):
        raise ExportRefused([Problem(
            "input", 0, 0, "marking-below-workspace",
            f"cannot export for {MARKING.label(wanted)}: the workspace is marked {MARKING.label(own)}, "
            "and items without a marking of their own carry the workspace's",
            f"choose the workspace's marking or higher: {', '.join(markings_from(own))}")])
    return wanted


def releasable(ws: Workspace, marking: Marking | str, as_of: dt.date) -> tuple[Workspace, WithheldCount]:
    """A copy of the workspace holding only what a recipient of `marking` may see, and what was left out.

    Counts cover indicators, and indications, assessments and judgments dated on or before
    `as_of` (later ones are not on the board that day anyway), including the contents of a
    withheld indicator. Citations of withheld indications are dropped from kept assessments.
    """
    limit = MARKING.member(marking)
    n_ind = n_obs = n_ass = n_jud = 0
    kept: list[Indicator] = []
    withheld_ids: set[str] = set()
    for indicator in ws.indicators:
        if above(indicator.marking, limit):
            n_ind += 1
            n_obs += sum(1 for o in indicator.indications if o.date <= as_of)
            n_ass += sum(1 for a in indicator.assessments if a.date <= as_of)
            withheld_ids.update(o.id for o in indicator.indications)
            continue
        indications = []
        for o in indicator.indications:
            if above(o.marking, limit):
                withheld_ids.add(o.id)
                n_obs += o.date <= as_of
            else:
                indications.append(o)
        assessments = []
        for a in indicator.assessments:
            if above(a.marking, limit):
                n_ass += a.date <= as_of
            else:
                assessments.append(a)
        kept.append(indicator.model_copy(update={"indications": indications, "assessments": assessments}))
    for indicator in kept:
        indicator.assessments = [a.model_copy(update={"cites": [c for c in a.cites if c not in withheld_ids]})
                                 if withheld_ids.intersection(a.cites) else a for a in indicator.assessments]
    scenarios: list[Scenario] = []
    for scenario in ws.scenarios:
        judgments = [j for j in scenario.judgments if not above(j.marking, limit)]
        n_jud += sum(1 for j in scenario.judgments if above(j.marking, limit) and j.date <= as_of)
        scenarios.append(scenario.model_copy(update={"judgments": judgments}))
    meta = ws.meta.model_copy(update={"scenarios": scenarios})
    sources = {i.id: ws.sources[i.id] for i in kept if i.id in ws.sources}
    copy = Workspace(ws.root, meta, kept, sources, list(ws.problems), list(ws.files))
    return copy, WithheldCount(n_ind, n_obs, n_ass, n_jud)
