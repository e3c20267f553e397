"""Sentences shared by every export format, worded once from a snapshot (plain text, not escaped).

Each format escapes these for its own syntax (HTML, Markdown, CSV); labels come from `vocab`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from indicators.presentation.tables import CHANGE_KINDS
from indicators.reports.markings import highest
from indicators.reports.snapshot import IndicationOut, IndicatorOut, JudgmentOut, ScenarioOut, Snapshot, WindowOut
from indicators.scoring.warning import TREND_WINDOW_DAYS
from indicators.scoring.warning import score_text as score_text_of
from indicators.workspace.vocab import (
    ASSUMPTION_STATUS,
    CONFIDENCE,
    LIKELIHOOD,
    MARKING,
    OUTCOME,
    RATING,
    STATUS,
    TREND,
    Marking,
)


def plural(n: int, word: str) -> str:
    """`1 indication`, `2 indications`."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def marking_label(snap: Snapshot) -> str:
    """`TLP:AMBER`: the export's banner, the highest marking of what it holds."""
    return MARKING.label(snap.marking)


def marking_description(snap: Snapshot) -> str:
    """What the banner's marking allows (TLP 2.0 wording)."""
    return MARKING.term(snap.marking).description


def made_for_label(snap: Snapshot) -> str:
    """`TLP:AMBER`: the marking of the recipients the export is made for (items above it are withheld)."""
    return MARKING.label(snap.made_for or snap.marking)


def portion(marking: object) -> str:
    """` (TLP:AMBER)` after an item carrying its own marking; empty for items without one."""
    return f" ({MARKING.label(marking)})" if marking else ""


def row_marking(snap: Snapshot, indicator: IndicatorOut) -> Marking:
    """The marking of a checklist row: the workspace's, raised by the indicator's, its latest assessment's
    and its latest indication's (what the row shows)."""
    latest = latest_indication(indicator)
    return highest(snap.workspace_marking, [indicator.marking, indicator.assessment_marking,
                                            latest.marking if latest else None])


def withheld_counts(count: Any, label: str, where: str = "this export") -> str:
    """How many items (by kind) marked above `label` are left out of `where`, in words."""
    if not count.total:
        return f"Nothing withheld: no item is marked above {label}."
    parts = [plural(n, word) for n, word in ((count.indicators, "indicator"), (count.indications, "indication"),
                                             (count.assessments, "assessment"), (count.judgments, "judgment")) if n]
    return (f"{plural(count.total, 'item')} marked above {label} {'is' if count.total == 1 else 'are'} withheld from "
            f"{where}: {', '.join(parts)}.")


def withheld_text(snap: Snapshot, where: str = "this export") -> str:
    """How much `where` leaves out because it is marked above the marking it is made for."""
    text = withheld_counts(snap.withheld, made_for_label(snap), where)
    return text + " The levels and statuses shown rest only on what is released." if snap.withheld.total else text


def errors_text(snap: Snapshot) -> str | None:
    """A warning when the workspace had errors (some items did not load), else None."""
    if not snap.data_errors:
        return None
    return (f"The workspace had {plural(snap.data_errors, 'error')} when this was exported: items in files with "
            "errors may be missing. Run 'indicators validate' on the data folder.")


def utc_minute(at: dt.datetime | None) -> str:
    """A time in UTC, to the minute (`2024-03-16 09:30`); naive times are taken as UTC; None is ''."""
    if at is None:
        return ""
    if at.tzinfo is not None:
        at = at.astimezone(dt.UTC)
    return at.strftime("%Y-%m-%d %H:%M")


def generated_text(snap: Snapshot) -> str:
    """Generation time in UTC, to the minute."""
    return f"{utc_minute(snap.generated_at)} UTC"


def counts_text(snap: Snapshot) -> str:
    """Headline counts of the checklist."""
    c = snap.counts
    return (f"{plural(c.get('indicators', 0), 'indicator')}: {c.get('observed', 0)} observed, "
            f"{c.get('emerging', 0)} emerging, {c.get('negated', 0)} negated; {c.get('overdue', 0)} overdue "
            f"(past their expected date, still not observed), {c.get('stale', 0)} stale "
            f"(not reassessed within {snap.review_cadence_days} days).")


def level_label(snap: Snapshot, name: str) -> str:
    level = snap.level(name)
    return level.label if level else name


def level_colour(snap: Snapshot, name: str) -> str:
    level = snap.level(name)
    return level.colour if level else "#cccccc"


def trend_label(scenario: ScenarioOut) -> str:
    """`▲ Deteriorated` and kin."""
    return TREND.label(scenario.trend)


def linchpin_text(pins: list[Any], labels: dict[str, str]) -> str:
    """`up to Severe if LD-03 is observed; down to Guarded if LD-02 is negated`: the nearest move each way
    (`pins`: dicts, or the snapshot's LinchpinOut)."""
    pins = [p if isinstance(p, dict) else p.model_dump(mode="json") for p in pins]
    parts = []
    for direction, wanted in (("up", lambda p: p["steps"] > 0), ("down", lambda p: p["steps"] < 0)):
        pin = next((p for p in pins if wanted(p)), None)
        if pin is not None:
            status = STATUS.label(pin["to_status"]).lower()
            parts.append(f"{direction} to {labels.get(pin['level'], pin['level'])} if {pin['indicator']} is {status}")
    return "; ".join(parts)


def level_names(snap: Snapshot) -> dict[str, str]:
    """Level name -> label of the snapshot's warning levels."""
    return {level.name: level.label for level in snap.levels}


def score_value(score: float, snap: Snapshot) -> str:
    """A score to the precision at which the snapshot's levels are decided."""
    return score_text_of(score, [level.min_score for level in snap.levels])


def score_text(scenario: ScenarioOut, snap: Snapshot | None = None) -> str:
    """`0.68 (30 days earlier 0.63; 365 days earlier 0.36)`, to the precision at which levels are decided
    (the snapshot's levels; two decimals without them), `, marginal` when the level changed by less than
    the trend tolerance."""
    edges = [level.min_score for level in snap.levels] if snap is not None else []
    windows = scenario.windows or ([WindowOut(days=TREND_WINDOW_DAYS, previous_score=scenario.previous_score,
                                               trend=scenario.trend)] if scenario.previous_score is not None else [])
    was = "; ".join(f"{w.days} days earlier {score_text_of(w.previous_score, edges)}" for w in windows
                    if w.previous_score is not None)
    marginal = "; level change marginal" if scenario.marginal else ""
    return f"{score_text_of(scenario.score, edges)}" + (f" ({was}{marginal})" if was or marginal else "")


def judgment_head(j: JudgmentOut | None, scenario: ScenarioOut | None = None) -> str:
    """`Likely (moderate confidence), judged 2024-03-05 by Ann` (`, STALE: 400 days old` past the cadence)."""
    if j is None:
        return "No likelihood judgment yet."
    return (f"{LIKELIHOOD.label(j.likelihood)} ({CONFIDENCE.label(j.confidence).lower()} confidence), "
            f"judged {j.date} by {j.analyst}{stale_text(scenario)}")


TRACK_INTRO = ("Each resolved scenario's likelihood judgments scored against how it came out: the time-averaged "
               "Brier score is the mean over each day of (p − outcome)², p the midpoint of the standing judgment's "
               "ICD 203 band (0 perfect, 0.25 a steady 50 %, 1 the worst). Ambiguous outcomes are not scored.")


def brier_text(value: float | None) -> str:
    """A Brier score to four places, or "not scored" (an ambiguous outcome)."""
    return "not scored" if value is None else f"{value:.4f}"


def question_lines(scenario: ScenarioOut) -> list[str]:
    """A scenario's resolution (or closing date) and key assumptions, one line each, those in doubt
    under the standing judgment said so."""
    lines = []
    r = scenario.resolution
    if r is not None:
        lines.append(f"Resolved: {OUTCOME.label(r.outcome)} on {r.date} by {r.analyst}: {r.rationale} "
                     "No more warnings are raised for it.")
    elif scenario.question_close is not None:
        lines.append(f"Question closes {scenario.question_close}.")
    for a in scenario.assumptions:
        why = f": {a.rationale}" if a.rationale else "."
        doubt = " The standing judgment was made before this: judge the scenario again." if a.flags else ""
        lines.append(f"Assumption {a.id}: {a.statement} {ASSUMPTION_STATUS.label(a.status)} since {a.since}{why}"
                     f"{doubt}")
    return lines


def stale_text(scenario: ScenarioOut | None) -> str:
    """`, STALE: 400 days old` for a judgment older than the review cadence, else empty."""
    if scenario is None or not scenario.judgment_stale:
        return ""
    return f", STALE: {scenario.judgment_age_days} days old"


def likelihood_range(j: JudgmentOut) -> str:
    """The ICD 203 range of the likelihood term, e.g. `55–80%`."""
    return LIKELIHOOD.term(j.likelihood).description


def status_label(indicator: IndicatorOut) -> str:
    """`Observed`, or `Retired 2024-04-01 (was Observed)` for an indicator no longer watched."""
    if indicator.retired is not None:
        return f"Retired {indicator.retired} (was {STATUS.label(indicator.status)})"
    return STATUS.label(indicator.status)


def retired_text(indicator: IndicatorOut) -> str:
    """`Retired 2024-04-01: reason`, or empty for an indicator still watched."""
    return f"Retired {indicator.retired}: {indicator.retired_reason}" if indicator.retired else ""


def withdrawn_text(o: IndicationOut) -> str:
    """`Withdrawn 2024-03-10 by Cat: reason`, or empty: shown beside a struck-through indication."""
    w = o.withdrawn
    return f"Withdrawn {w.date} by {w.analyst}: {w.reason}" if w else ""


def withdrawn_cites(indicator: IndicatorOut) -> str:
    """`Rests on withdrawn TT-01.2: reassess.` when the latest assessment cites a withdrawn indication, else empty."""
    gone = {o.id for o in indicator.indications if o.withdrawn is not None}
    cited = [c for c in indicator.cites if c in gone]
    return f"Rests on withdrawn {', '.join(cited)}: reassess." if cited else ""


def source_text(o: IndicationOut) -> str:
    """The source as shown: its name, and a shared source in full (title, publisher, date) when that says more."""
    if o.source_detail and o.source_detail != o.source:
        return o.source_detail
    return o.source


def confidence_label(indicator: IndicatorOut) -> str:
    return CONFIDENCE.label(indicator.confidence) if indicator.confidence else ""


def assessment_head(indicator: IndicatorOut) -> str:
    """`Observed (high confidence), assessed 2024-03-01 by Ann` or `Not observed, never assessed`
    (`reviewed, no change, on …` when the latest assessment is a review)."""
    if indicator.last_assessed is None:
        return f"{status_label(indicator)}, never assessed"
    how = "reviewed, no change, on" if indicator.reviewed else "assessed"
    return (f"{status_label(indicator)} ({confidence_label(indicator).lower()} confidence), {how} "
            f"{indicator.last_assessed} by {indicator.analyst or 'unknown'}")


def value_text(o: IndicationOut) -> str:
    """`4 launches`, `1000`, or empty."""
    if o.value is None:
        return ""
    return f"{o.value:g} {o.unit}" if o.unit else f"{o.value:g}"


def rating_legend() -> str:
    """The Indicators Validator scale in words."""
    return "; ".join(f"{r.value} {RATING.label(r).lower()}" for r in RATING)


def change_kind(kind: str) -> str:
    return CHANGE_KINDS.get(kind, kind)


def latest_indication(indicator: IndicatorOut) -> IndicationOut | None:
    """The newest indication known on the as-of date."""
    return indicator.indications[0] if indicator.indications else None


SHOWN_INDICATIONS = 12  # per indicator in the HTML and Markdown reports; the JSON keeps them all


def shown_indications(indicator: IndicatorOut) -> tuple[list[IndicationOut], str | None]:
    """The newest indications a report lists for an indicator, and a note on the rest (if any).

    A years-long workspace holds thousands of indications: a reader needs the recent ones,
    and the complete record stays in the JSON snapshot.
    """
    shown = list(indicator.indications[:SHOWN_INDICATIONS])
    rest = len(indicator.indications) - len(shown)
    if rest <= 0:
        return shown, None
    return shown, (f"…and {plural(rest, 'earlier indication')}, the oldest dated "
                   f"{indicator.indications[-1].date} (all are in the JSON snapshot).")
