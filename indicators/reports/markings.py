"""Markings on exports: what a recipient of a given TLP marking may see.

An export is made *for* a marking M (TLP 2.0: CLEAR < GREEN < AMBER < AMBER+STRICT < RED). It
leaves out every indicator, indication, assessment and judgment whose own marking is above M, and
counts what it left out. An item without a marking of its own takes its parent's (indication and
assessment: the indicator's; indicator and judgment: the workspace's), so an export below the
workspace's own marking would release unmarked items: it is refused.

Whatever shows part of the board (an export, `indicators status`, a page of the app) is marked
with the highest marking of what it shows: the workspace's, raised by any shown item marked
higher (`shown_marking`), never lower than an item it holds and never above the marking it is
made for (everything above that is withheld first).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from indicators.scoring.memo import per_workspace
from indicators.workspace.entries import latest_on, resolved_by
from indicators.workspace.load import Workspace
from indicators.workspace.model import Indicator, Scenario
from indicators.workspace.problems import Code, Problem, ProblemsError
from indicators.workspace.vocab import MARKING, Marking


class ExportRefused(ProblemsError):
    """An export that cannot be made, with the problems that say why."""


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


def check_marking(ws: Workspace, marking: Marking | str | None, *, verb: str = "export") -> Marking:
    """The marking to `verb` for (default: the workspace's); refused below the workspace's own."""
    own = MARKING.member(ws.meta.marking)
    if marking is None:
        return own
    try:
        wanted = MARKING.member(str(marking).strip().upper())
    except KeyError:
        raise ExportRefused([Problem("input", 0, 0, Code.UNKNOWN_MARKING, f"{marking!r} is not a TLP marking",
                                     f"choose one of {', '.join(MARKING.values())}")]) from None
    if MARKING.order(wanted) < MARKING.order(own):
        raise ExportRefused([Problem(
            "input", 0, 0, Code.MARKING_BELOW_WORKSPACE,
            f"cannot {verb} for {MARKING.label(wanted)}: the workspace is marked {MARKING.label(own)}, "
            "and items without a marking of their own carry the workspace's",
            f"choose the workspace's marking or higher: {', '.join(markings_from(own))}")])
    return wanted


def releasable(ws: Workspace, marking: Marking | str, as_of: dt.date) -> tuple[Workspace, WithheldCount]:
    """A copy of the workspace holding only what a recipient of `marking` may see, and what was left out.

    Analysts' rating files marked above `marking` are left out too (the Disagreement view then
    lacks their columns). Counts cover indicators, and indications, assessments and judgments dated on or before
    `as_of` (later ones are not on the board that day anyway), including the contents of a
    withheld indicator. Citations of withheld indications are dropped from kept assessments.
    """
    limit = MARKING.member(marking)
    if not above(highest_present(ws), limit):  # nothing to leave out: the workspace itself, with what it remembers
        return ws, WithheldCount(0, 0, 0, 0)
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
    files_by_indicator = {i.id: ws.files_by_indicator[i.id] for i in kept if i.id in ws.files_by_indicator}
    copy = Workspace(ws.root, meta, kept, files_by_indicator, list(ws.problems), list(ws.files),
                     [r for r in ws.analyst_ratings if not above(r.marking, limit)])
    return copy, WithheldCount(n_ind, n_obs, n_ass, n_jud)


# ----------------------------------------------------------------------------- the marking of what is shown


def effective(own: Marking | str | None, parent: Marking | str) -> Marking:
    """An item's marking: its own, else its parent's (the indicator's for indications and assessments,
    the workspace's for indicators and judgments)."""
    return MARKING.member(own if own is not None else parent)


def highest(floor: Marking | str, markings: Iterable[Marking | str | None] = ()) -> Marking:
    """`floor` raised by the strictest of `markings` (None counts as no marking of its own)."""
    best = MARKING.member(floor)
    for marking in set(markings) - {None}:  # a view holds thousands of items but only five markings
        if MARKING.order(marking) > MARKING.order(best):
            best = MARKING.member(marking)
    return best


@per_workspace
def highest_present(ws: Workspace) -> Marking:
    """The strictest marking anywhere in the workspace, whatever its date: what shows everything."""
    found: list[Marking | None] = []
    for indicator in ws.indicators:
        found.append(indicator.marking)
        found += [o.marking for o in indicator.indications] + [a.marking for a in indicator.assessments]
    found += [j.marking for scenario in ws.scenarios for j in scenario.judgments]
    found += [r.marking for r in ws.analyst_ratings]  # the analysts' own rating files
    return highest(ws.meta.marking, found)


@per_workspace
def shown_marking(ws: Workspace, as_of: dt.date, *, indicators: Iterable[str] | None = None,
                  statuses: Iterable[dt.date] = (), scores: bool = False, history: bool = False,
                  indications: bool = False, assessments: bool = False, judged: Iterable[dt.date] = (),
                  all_judgments: bool = False, changes_since: dt.date | None = None) -> Marking:
    """The marking of a view of the board on `as_of`: the workspace's, raised by every item it shows or rests on.

    Declare what the view shows (nothing dated after `as_of` ever counts):

    - `indicators`: ids of the indicators shown (default every one); their own markings count;
    - `statuses`: dates on which their statuses are shown or counted (each one's latest assessment then);
    - `scores`: warning scores and trends are shown: statuses on `as_of` and 30 days earlier;
    - `history`: statuses at every month end up to `as_of` are charted (levels, composition, heat map);
    - `indications` / `assessments`: every indication / assessment of the shown indicators is listed,
      charted or counted;
    - `judged`: dates on which each scenario's latest likelihood judgment is shown;
    - `all_judgments`: every judgment is shown (likelihood over time);
    - `changes_since`: what changed in (since, `as_of`] is listed: statuses on both dates, the
      indications and judgments of the window, and the judgments they replaced.
    """
    from indicators.scoring.warning import TREND_WINDOW_DAYS, timeline_dates  # pandas only when needed

    floor = MARKING.member(ws.meta.marking)
    days = {day for day in statuses if day <= as_of}
    if scores:  # the score and its change over every trend window
        days |= {as_of, *(as_of - dt.timedelta(days=n) for n in (TREND_WINDOW_DAYS, *ws.meta.trend_windows_days))}
    if history:
        days |= {pd_day.date() for pd_day in timeline_dates(ws, as_of)}
    judged_days = {day for day in judged if day <= as_of}
    if changes_since is not None:
        days |= {changes_since, as_of}
        judged_days |= {changes_since, as_of}

    def in_window(day: dt.date) -> bool:
        return changes_since is not None and changes_since < day <= as_of

    def news(entry: Any) -> bool:
        """Made, or withdrawn, in the 'what changed' window (both are listed there)."""
        return in_window(entry.date) or (entry.withdrawn is not None and in_window(entry.withdrawn.date))

    wanted = None if indicators is None else set(indicators)
    found: list[Marking] = []
    for indicator in ws.indicators:
        if wanted is not None and indicator.id not in wanted:
            continue
        own = effective(indicator.marking, floor)
        found.append(own)
        known = [a for a in indicator.assessments if a.date <= as_of]
        counted = known if assessments else latest_on(indicator.assessments, sorted(days))
        counted += [a for a in known if a.withdrawn is not None and in_window(a.withdrawn.date)]
        found += [effective(a.marking, own) for a in counted]
        found += [effective(o.marking, own) for o in indicator.indications
                  if o.date <= as_of and (indications or news(o))]
    for scenario in ws.scenarios:
        counted = [j for j in scenario.judgments if j.date <= as_of and (all_judgments or news(j))]
        counted += latest_on(scenario.judgments, sorted(judged_days))
        found += [effective(j.marking, floor) for j in counted]
    return highest(floor, found)


@per_workspace
def track_marking(ws: Workspace, as_of: dt.date) -> Marking:
    """The marking of the track record as of a date: every judgment of the scenarios resolved by then
    and every status their warning lead times rest on (the workspace's own when none is resolved)."""
    resolved = [s for s in ws.scenarios if resolved_by(s, as_of)]
    if not resolved:
        return MARKING.member(ws.meta.marking)
    return highest(shown_marking(ws, as_of, assessments=True),
                   [j.marking for s in resolved for j in s.judgments if j.date <= as_of])


def ratings_marking(ws: Workspace, indicators: Iterable[str]) -> Marking:
    """The marking of the analysts' own ratings shown for these indicators: the indicators' own markings
    and every rating file's (each names its analyst)."""
    return highest(shown_marking(ws, dt.date.max, indicators=set(indicators)), [r.marking for r in ws.analyst_ratings])
