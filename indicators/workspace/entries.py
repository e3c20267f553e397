"""Names for every entry of a workspace, and what is in force on a date.

Indications carry their own ids (`SAT-01.3`). Assessments and judgments are named by their subject
and date (`SAT-01@2024-11-21`); a second one on the same day is `SAT-01@2024-11-21.2`, a third
`….3`, in file order, so every entry has a name that `assess`, `judge`, `withdraw` and `show` agree on.

An entry *stands* on a date when it is dated on or before it and not withdrawn by then; an
indicator or scenario is *watched* on a date from its `added` date (an indicator without one: from
its first entry) until the day it was retired. These are the board's rules for "what counts as of a date".
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from indicators.workspace.model import (
    Assessment,
    Indication,
    Indicator,
    Judgment,
    Resolution,
    Scenario,
    SourceDocument,
)
from indicators.workspace.vocab import Watch

if TYPE_CHECKING:
    from indicators.workspace.loaded import Workspace

DATED_ID = re.compile(r"^(?P<subject>[A-Za-z0-9_-]+)@(?P<date>\d{4}-\d{2}-\d{2})(?:\.(?P<n>[1-9]\d{0,3}))?$")


def dated_id(subject: str, day: dt.date, n: int) -> str:
    """The name of the n-th (1-based) entry of `subject` dated `day`."""
    return f"{subject}@{day.isoformat()}" + (f".{n}" if n > 1 else "")


def dated_ids(subject: str, entries: Iterable[Assessment | Judgment]) -> list[str]:
    """The names of a subject's assessments or judgments, in file order.

    Names are given on load from the whole list (`name_entries`) and kept by copies, so a view that
    withholds some entries (a reader's marking) names the rest as the full workspace does."""
    entries = list(entries)
    names = [_private(e, "_name") for e in entries]
    if entries and all(names):
        return names
    seen: dict[dt.date, int] = {}
    names = []
    for entry in entries:
        seen[entry.date] = seen.get(entry.date, 0) + 1
        names.append(dated_id(subject, entry.date, seen[entry.date]))
    return names


def _private(entry: Any, key: str) -> Any:
    """A private attribute of a model, read straight from its store (pydantic's attribute lookup is slow
    in the loops that run on every load)."""
    store = getattr(entry, "__pydantic_private__", None)
    return store.get(key) if store else None


def name_entries(subject: str, entries: list[Assessment | Judgment]) -> None:
    """Give each of a subject's assessments or judgments its name (once, from the whole list)."""
    if entries and all(_private(e, "_name") for e in entries):
        return  # named on an earlier load of the same (cached) file
    for entry, name in zip(entries, dated_ids(subject, [e for e in entries]), strict=True):
        entry._name = name


def next_dated_id(subject: str, entries: Iterable[Assessment | Judgment], day: dt.date) -> str:
    """The name a new entry of `subject` dated `day` will get."""
    return dated_id(subject, day, sum(1 for e in entries if e.date == day) + 1)


def stands(entry: Indication | Assessment | Judgment, day: dt.date) -> bool:
    """Dated on or before `day` and not withdrawn by then."""
    return entry.date <= day and not withdrawn_by(entry, day)


def withdrawn_by(entry: Any, day: dt.date) -> bool:
    """True when the entry's withdrawal has taken effect on `day` (a review: also the withdrawal of the
    assessment it repeats, see `void_reviews`)."""
    withdrawal = getattr(entry, "withdrawn", None)
    void = _private(entry, "_void")
    return (withdrawal is not None and withdrawal.date <= day) or (void is not None and void <= day)


def latest(items: list, as_of: dt.date) -> Any:
    """The last of `items` dated on or before `as_of` (file order breaks ties, as the board does); None if none."""
    found = latest_on(items, [as_of])
    return found[0] if found else None


def latest_on(items: list, days: Iterable[dt.date]) -> list:
    """For each day, the last of `items` standing on it: dated on or before it and not withdrawn by
    then (file order breaks ties, as the board does)."""
    ordered = sorted(enumerate(items), key=lambda pair: (pair[1].date, pair[0]))
    dates = [item.date for _, item in ordered]
    out = []
    for day in days:
        at = bisect.bisect_right(dates, day)
        while at and withdrawn_by(ordered[at - 1][1], day):
            at -= 1
        if at:
            out.append(ordered[at - 1][1])
    return out


def void_reviews(assessments: list[Assessment]) -> None:
    """Mark each review with the date the assessment it repeats was withdrawn (it stands no longer then).

    A review repeats the latest non-review assessment standing on its date."""
    order = sorted(range(len(assessments)), key=lambda k: (assessments[k].date, k))
    for position, k in enumerate(order):
        review = assessments[k]
        if not review.review:
            continue
        base = None
        for j in reversed(order[:position]):
            other = assessments[j]
            gone = other.withdrawn is not None and other.withdrawn.date <= review.date
            if not other.review and not gone:
                base = other
                break
        review._void = base.withdrawn.date if base is not None and base.withdrawn is not None else None


def watch_start(item: Indicator | Scenario) -> dt.date | None:
    """When the team began to watch it; None: from the start.

    `added` when given. Without it, an indicator counts from its first assessment (else its first
    indication; with neither, from the start), and a scenario from the start: its score rests on the
    indicators, not on its judgments."""
    if item.added is not None:
        return item.added
    if isinstance(item, Indicator):
        dates = [a.date for a in item.assessments] or [o.date for o in item.indications]
        return min(dates) if dates else None
    return None


def first_record(ws: Workspace) -> dt.date | None:
    """The date of the workspace's first entry or `added` date (where its history starts)."""
    dates = [e.entry.date for e in entries_of(ws)]
    dates += [item.added for item in (*ws.indicators, *ws.scenarios) if item.added is not None]
    return min(dates) if dates else None


def start_pin(ws: Workspace, indicator: Indicator, kind: str, day: dt.date) -> dt.date | None:
    """The `added` date to write with a new entry of `kind` dated `day` so that the indicator's watch start
    does not move later (which would change the board on dates before the entry); None when none is needed.

    Without `added`, an indicator counts from its first assessment (else its first indication, else from
    the start): a first assessment, or a first entry at all, would move that start."""
    if indicator.added is not None:
        return None
    old = watch_start(indicator)
    assessed = [a.date for a in indicator.assessments] + ([day] if kind == "assessment" else [])
    seen = [o.date for o in indicator.indications] + ([day] if kind == "indication" else [])
    new = min(assessed) if assessed else (min(seen) if seen else None)
    if new == old or new is None:
        return None
    if old is None:  # watched from the start: keep it so, from where the history starts
        first = first_record(ws)
        return min(first, day) if first else day
    return old if new > old else None


def resolved_by(scenario: Scenario, day: dt.date) -> Resolution | None:
    """The scenario's resolution when it is settled on or before `day` (else None: still open)."""
    resolution = scenario.resolution
    return resolution if resolution is not None and resolution.date <= day else None


def watch_on(item: Indicator | Scenario, day: dt.date) -> Watch:
    """Whether the item is watched on `day`."""
    start = watch_start(item)
    if start is not None and day < start:
        return Watch.NOT_YET
    if item.retired is not None and day >= item.retired.date:
        return Watch.RETIRED
    return Watch.WATCHED


@dataclass(frozen=True)
class EntryRef:
    """One entry found by its name: what it is, whose it is and where it sits in its list."""

    kind: str  # indication | assessment | judgment
    id: str
    subject: str  # indicator or scenario id
    index: int  # position in the subject's list, in file order
    entry: Indication | Assessment | Judgment


def entries_of(ws: Workspace) -> Iterator[EntryRef]:
    """Every indication, assessment and judgment of the workspace, named."""
    for indicator in ws.indicators:
        for i, indication in enumerate(indicator.indications):
            yield EntryRef("indication", indication.id, indicator.id, i, indication)
        for i, (name, assessment) in enumerate(zip(dated_ids(indicator.id, indicator.assessments),
                                                   indicator.assessments, strict=True)):
            yield EntryRef("assessment", name, indicator.id, i, assessment)
    for scenario in ws.scenarios:
        for i, (name, judgment) in enumerate(zip(dated_ids(scenario.id, scenario.judgments), scenario.judgments,
                                                 strict=True)):
            yield EntryRef("judgment", name, scenario.id, i, judgment)


def find_entry(ws: Workspace, text: str) -> EntryRef | None:
    """The entry a name means, matched without regard to case (`sat-01@2024-11-21`); None if none."""
    wanted = text.strip().upper()
    for ref in entries_of(ws):
        if ref.id.upper() == wanted:
            return ref
    return None


def source_document(ws: Workspace, indication: Indication) -> SourceDocument | None:
    """The shared source an indication cites by `source_id`, if it is listed in the workspace."""
    if indication.source_id is None:
        return None
    return next((s for s in ws.meta.sources if s.id == indication.source_id), None)


def source_name(ws: Workspace, indication: Indication) -> str:
    """The source as a reader should see it: the free text, else the shared source's title."""
    if indication.source:
        return indication.source
    doc = source_document(ws, indication)
    return doc.title if doc is not None else str(indication.source_id)


def source_citation(doc: SourceDocument) -> str:
    """A shared source in full: title, publisher, date (what the Indicator page and exports show)."""
    parts = [doc.title] + [p for p in (doc.publisher, doc.date.isoformat() if doc.date else None) if p]
    return ", ".join(parts)
