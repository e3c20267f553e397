"""The snapshot: the board as of a date, for a marking, as one versioned structure.

Every export format (HTML, Markdown, CSV, JSON) renders from a `Snapshot`, and `compare` compares
two of them. A snapshot holds only what a recipient of its marking may see (see `markings`), and
says how much was withheld. JSON snapshots load back with `load_snapshot`; kept snapshots live in
`<data>/snapshots/<as-of>.json`.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator

from indicators.reports.markings import (
    ExportRefused,
    WithheldCount,
    check_marking,
    highest,
    ratings_marking,
    releasable,
    shown_marking,
    track_marking,
)
from indicators.scoring import disagreement, signals, warning
from indicators.scoring.assumptions import assumption_states
from indicators.scoring.notices import notices
from indicators.scoring.track import scores as track_scores
from indicators.settings import max_file_bytes
from indicators.workspace.entries import (
    latest,
    resolved_by,
    source_citation,
    source_document,
    source_name,
    withdrawn_by,
)
from indicators.workspace.files import DataFileError, read_bounded
from indicators.workspace.gc_pause import gc_paused
from indicators.workspace.load import Workspace
from indicators.workspace.model import COLOUR, Indication, Scenario, Url
from indicators.workspace.problems import Code, Problem, ProblemsError
from indicators.workspace.vocab import (
    MARKING,
    AssumptionStatus,
    BoardStatus,
    Confidence,
    Credibility,
    Likelihood,
    Marking,
    Outcome,
    Priority,
    Rating,
    Reliability,
    Status,
    Trend,
    Watch,
)

# 2 added `made_for` and the marking of each change; 3 added life spans, withdrawals and shared sources;
# 4 added resolutions, key assumptions, the track record and the analysts' own ratings.
# A reader of an older version refuses a newer snapshot clearly.
FORMAT_VERSION = 4
READABLE_VERSIONS = (1, 2, 3, 4)  # a version-1 snapshot reads with `made_for` equal to its marking
SNAPSHOT_DIR = "snapshots"


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LevelDef(_Frozen):
    """A warning level as configured in the workspace, with its resolved colour."""

    name: str
    label: str
    min_score: float
    colour: Annotated[str, StringConstraints(pattern=COLOUR)]


class WithdrawnOut(_Frozen):
    """A withdrawal in force on the as-of date: the entry is shown struck through and counts for nothing."""

    date: dt.date
    reason: str
    analyst: str


class JudgmentOut(_Frozen):
    """A scenario's latest likelihood judgment up to the as-of date."""

    date: dt.date
    likelihood: Likelihood
    confidence: Confidence
    analyst: str
    rationale: str
    marking: Marking | None = None


class WindowOut(_Frozen):
    """A scenario's score change over one of the workspace's trend windows."""

    days: int
    previous_score: float | None = None
    change: float | None = None
    trend: Trend


class LinchpinOut(_Frozen):
    """An indicator whose single change of status would move the scenario's warning level."""

    indicator: str
    to_status: Status
    level: str
    steps: int
    score: float


class ResolutionOut(_Frozen):
    """How a scenario's question came out (when resolved on or before the as-of date)."""

    date: dt.date
    outcome: Outcome
    rationale: str
    analyst: str


class AssumptionOut(_Frozen):
    """A key assumption where it stands on the as-of date; `flags` says it is in doubt under the
    standing judgment (questioned or broken after that judgment was made)."""

    id: str
    statement: str
    status: AssumptionStatus
    since: dt.date = Field(description="Date of its latest check")
    rationale: str | None = None
    flags: bool = Field(False, description="It casts doubt on the standing judgment: judge the scenario again")


class ScenarioOut(_Frozen):
    """A scenario on the as-of date: score, level, trend and latest judgment."""

    id: str
    title: str
    description: str | None = None
    score: float
    previous_score: float | None = None
    level: str
    trend: Trend
    judgment: JudgmentOut | None = None
    windows: list[WindowOut] = Field(default_factory=list, description="Change over each trend window")
    marginal: bool = Field(False, description="The level changed over the first window by less than the tolerance")
    linchpins: list[LinchpinOut] = Field(default_factory=list, description="What would change the level")
    ladders: list[str] = Field(default_factory=list, description="Its ladders and the highest rung reached")
    judgment_age_days: int | None = Field(None, description="Age of the latest judgment on the as-of date")
    judgment_stale: bool = Field(False, description="The latest judgment is older than the review cadence")
    question_close: dt.date | None = Field(None, description="When its question must be resolved by")
    resolution: ResolutionOut | None = None
    assumptions: list[AssumptionOut] = Field(default_factory=list)


class ChangeOut(_Frozen):
    """One change in (since, as_of]: a status change, a new indication or judgment, a withdrawal, or an
    indicator or scenario added to or retired from the board."""

    date: dt.date
    kind: Literal["status", "indication", "judgment", "withdrawal", "checklist"]
    subject: str
    title: str
    detail: str
    before: str | None = None
    after: str | None = None
    marking: Marking | None = Field(None, description="The changed item's own marking, else its indicator's")


class IndicationOut(_Frozen):
    """One indication known on the as-of date (struck through when `withdrawn`)."""

    id: str
    date: dt.date
    summary: str
    source: str
    source_id: str | None = Field(None, description="Id of the shared source it cites, if any")
    source_detail: str | None = Field(None, description="The shared source in full: title, publisher, date")
    url: Url | None = None
    reliability: Reliability
    credibility: Credibility
    grade: str = Field("", description="Admiralty grade, e.g. B2 (reliability and credibility together)")
    value: float | None = None
    unit: str | None = None
    marking: Marking | None = None
    withdrawn: WithdrawnOut | None = None

    @model_validator(mode="after")
    def _grade(self) -> IndicationOut:
        grade = f"{self.reliability}{int(self.credibility)}"  # (a StrEnum prints its value; `.value` is slow)
        if self.grade and self.grade != grade:
            raise ValueError(f"grade {self.grade!r} does not match reliability and credibility ({grade})")
        object.__setattr__(self, "grade", grade)
        return self


class IndicatorOut(_Frozen):
    """An indicator on the checklist: its status on the as-of date and its indications (newest first)."""

    id: str
    title: str
    theme: str
    priority: Priority
    actors: list[str] = Field(default_factory=list)
    criteria: str
    expected_by: dt.date | None = None
    marking: Marking | None = None
    status: Status
    confidence: Confidence | None = None
    last_assessed: dt.date | None = None
    analyst: str | None = None
    rationale: str | None = None
    cites: list[str] = Field(default_factory=list)
    assessment_marking: Marking | None = Field(None, description="Marking of the latest assessment, if it has one")
    overdue: bool
    stale: bool
    ratings: dict[str, Rating]
    indications: list[IndicationOut] = Field(default_factory=list)
    watch: Watch = Field(Watch.WATCHED, description="Watched on the as-of date, not yet watched, or retired")
    added: dt.date | None = None
    retired: dt.date | None = None
    retired_reason: str | None = None
    reviewed: bool = Field(False, description="The latest assessment is a review: reviewed, no change")
    proposed_status: Status | None = Field(None, description="The status its numeric series points to, where it "
                                                             "differs from the assessed one (reassessment due)")
    proposal_reason: str | None = None
    ladder: str | None = None
    rung: int | None = None


class NoticeOut(_Frozen):
    """A warning notice of the 'what changed' window (see `scoring.notices`)."""

    date: dt.date
    kind: Literal["level", "judgment", "observed", "overdue", "reassessment"]
    subject: str
    title: str
    text: str
    evidence: list[str] = Field(default_factory=list)
    level: str | None = None
    up: bool | None = None


class Withheld(_Frozen):
    """Items marked above the export's marking, left out (dated on or before the as-of date)."""

    indicators: int = 0
    indications: int = 0
    assessments: int = 0
    judgments: int = 0
    total: int = 0

    @model_validator(mode="after")
    def _total(self) -> Withheld:
        total = self.indicators + self.indications + self.assessments + self.judgments
        if self.total and self.total != total:
            raise ValueError(f"total {self.total} is not the sum of the counts ({total})")
        object.__setattr__(self, "total", total)
        return self


class LevelPoint(_Frozen):
    """A scenario's score and level at a month end (for the level chart)."""

    date: dt.date
    scenario: str
    score: float
    level: str


class StatusCount(_Frozen):
    """How many indicators were in a status at a month end (for the composition chart)."""

    date: dt.date
    status: BoardStatus
    count: int


class ScoredJudgmentOut(_Frozen):
    """A judgment of a resolved scenario and its own Brier score (None when ambiguous)."""

    date: dt.date
    likelihood: Likelihood
    p: float
    analyst: str
    brier: float | None = None


class LeadTimeOut(_Frozen):
    """When a resolved scenario's warning level first reached a level, and how long before the resolution."""

    level: str
    label: str
    reached: dt.date | None = None
    days_before: int | None = None


class TrackScenarioOut(_Frozen):
    """A resolved scenario's track record (see `scoring.track`)."""

    id: str
    title: str
    outcome: Outcome
    resolved: dt.date
    brier: float | None = Field(None, description="Time-averaged Brier score (None when ambiguous)")
    judgments: list[ScoredJudgmentOut] = Field(default_factory=list)
    lead_times: list[LeadTimeOut] = Field(default_factory=list)


class AnalystScoreOut(_Frozen):
    analyst: str
    judgments: int
    brier: float


class CalibrationOut(_Frozen):
    """Of the scored judgments made with an ICD 203 term: how many, and how many came true."""

    likelihood: Likelihood
    p: float
    band: tuple[float, float]
    judgments: int
    occurred: int
    share: float


class TrackOut(_Frozen):
    """The track record as of the as-of date: resolved scenarios, analysts, calibration."""

    scenarios: list[TrackScenarioOut] = Field(default_factory=list)
    analysts: list[AnalystScoreOut] = Field(default_factory=list)
    calibration: list[CalibrationOut] = Field(default_factory=list)


class RatedCellOut(_Frozen):
    """An indicator x scenario cell of the analysts' own ratings (see `scoring.disagreement`)."""

    indicator: str
    scenario: str
    ratings: dict[str, Rating | None]
    spread: int
    median: float
    team: Rating | None = None
    departs: bool
    apart: list[tuple[str, Rating, str, Rating]] = Field(default_factory=list)


class AnalystRatingsOut(_Frozen):
    analyst: str
    rated: int
    compared: int
    agree: int
    mean_steps_off: float | None = None


class DisagreementOut(_Frozen):
    """The analysts' own ratings side by side: who rated what, and the cells rated."""

    analysts: list[AnalystRatingsOut] = Field(default_factory=list)
    cells: list[RatedCellOut] = Field(default_factory=list)


class SourceOut(_Frozen):
    """A document the workspace is built from."""

    id: str
    title: str
    publisher: str | None = None
    date: dt.date | None = None
    url: Url | None = None


class Snapshot(_Frozen):
    """The board as of a date for a marking: what every export renders and `compare` compares."""

    format_version: int = FORMAT_VERSION
    title: str
    question: str
    marking: Marking = Field(description="The snapshot's own marking, its banner: the highest marking of what it "
                                         "holds (the workspace's, raised by any item in it marked higher)")
    made_for: Marking | None = Field(None, description="The TLP marking of the recipients it is made for: items "
                                                       "marked above it are withheld (default: `marking`)")
    workspace_marking: Marking
    as_of: dt.date
    since: dt.date
    generated_at: dt.datetime
    review_cadence_days: int
    data_errors: int = Field(0, description="Errors in the workspace when the snapshot was made")
    sources: list[SourceOut] = Field(default_factory=list)
    levels: list[LevelDef]
    counts: dict[str, int]
    scenarios: list[ScenarioOut]
    changes: list[ChangeOut]
    indicators: list[IndicatorOut]
    withheld: Withheld
    level_history: list[LevelPoint]
    status_history: list[StatusCount]
    newest_evidence: dt.date | None = Field(None, description="Date of the newest indication or assessment shown")
    notices: list[NoticeOut] = Field(default_factory=list, description="Warning notices of the 'what changed' window")
    track: TrackOut = Field(default_factory=TrackOut,
                            description="The track record of the scenarios resolved by the as-of date")
    disagreement: DisagreementOut = Field(default_factory=DisagreementOut,
                                          description="The analysts' own ratings (ratings/*.yaml) compared")

    @model_validator(mode="after")
    def _made_for(self) -> Snapshot:
        if self.made_for is None:  # snapshots made before `made_for` existed: `marking` was the recipients'
            object.__setattr__(self, "made_for", self.marking)
        elif MARKING.order(self.marking) > MARKING.order(self.made_for):
            raise ValueError(f"marked {self.marking.value}, above the marking it is made for ({self.made_for.value})")
        return self

    def level(self, name: str) -> LevelDef | None:
        """The warning level of this name."""
        return next((level for level in self.levels if level.name == name), None)

    def to_json(self) -> str:
        """The snapshot as indented JSON (UTF-8 text, keys in model order)."""
        return self.model_dump_json(indent=2) + "\n"


# ----------------------------------------------------------------------------- building


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def resolve_dates(as_of: dt.date | None, since: dt.date | None) -> tuple[dt.date, dt.date]:
    """The as-of date (default today) and the start of the "what changed" window (default 30 days earlier)."""
    as_of = as_of or dt.date.today()
    since = since or as_of - dt.timedelta(days=warning.CHANGES_WINDOW_DAYS)
    if since > as_of:
        raise ExportRefused([Problem("input", 0, 0, Code.SINCE_AFTER_AS_OF,
                                     f"the 'since' date {since} is after the as-of date {as_of}",
                                     "choose a 'since' date on or before the as-of date")])
    return as_of, since


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def build_snapshot(ws: Workspace, as_of: dt.date | None = None, since: dt.date | None = None,
                   marking: Marking | str | None = None, *, generated_at: dt.datetime | None = None) -> Snapshot:
    """The board as of `as_of` for recipients of `marking` (default: the workspace's marking).

    Items marked above `marking` are withheld first; the snapshot is then marked with the highest
    marking of what it holds (`markings.shown_marking`), which is never above `marking`.
    Raises `ExportRefused` for a marking below the workspace's or a `since` after `as_of`.
    """
    with gc_paused():  # tens of thousands of models, none of them garbage
        return _snapshot(ws, as_of, since, marking, generated_at)


def _snapshot(ws: Workspace, as_of: dt.date | None, since: dt.date | None, marking: Marking | str | None,
              generated_at: dt.datetime | None) -> Snapshot:
    """`build_snapshot`'s work."""
    limit = check_marking(ws, marking)
    as_of, since = resolve_dates(as_of, since)
    view, withheld = releasable(ws, limit, as_of)
    track = _track(view, as_of)
    rated = _disagreement(view)
    return Snapshot(
        title=ws.meta.title,
        question=ws.meta.question,
        marking=snapshot_marking(view, as_of, since, track=bool(track.scenarios), rated=bool(rated.analysts)),
        made_for=limit,
        workspace_marking=ws.meta.marking,
        as_of=as_of,
        since=since,
        generated_at=generated_at or _now(),
        review_cadence_days=ws.meta.review_cadence_days,
        data_errors=len(ws.errors),
        sources=[SourceOut(id=s.id, title=s.title, publisher=s.publisher, date=s.date, url=s.url)
                 for s in ws.meta.sources],
        levels=[LevelDef(name=level.name, label=level.label, min_score=level.min_score,
                         colour=warning.level_colour(view, rank)) for rank, level in enumerate(ws.meta.warning_levels)],
        counts=warning.counts(warning.status_as_of(view, as_of)),
        scenarios=_scenarios(view, as_of),
        changes=_changes(view, since, as_of),
        indicators=_indicators(view, as_of),
        withheld=_withheld(withheld),
        level_history=_level_history(view, as_of),
        status_history=_status_history(view, as_of),
        newest_evidence=warning.newest_evidence(view, as_of),
        notices=[NoticeOut(date=n.date, kind=n.kind, subject=n.subject, title=n.title, text=n.text,
                           evidence=list(n.evidence), level=n.level, up=n.up)
                 for n in notices(view, since, as_of)],
        track=track,
        disagreement=rated,
    )


def snapshot_marking(view: Workspace, as_of: dt.date, since: dt.date, *, track: bool = False,
                     rated: bool = False) -> Marking:
    """The highest marking of what a snapshot of `view` holds: every indicator with all its indications,
    statuses at every month end and on the dates its scores, trends and changes rest on, the latest
    judgments and those of the "what changed" window; with a `track` record, what it rests on
    (`markings.track_marking`); with analysts' ratings (`rated`), the rating files' own markings."""
    marking = shown_marking(view, as_of, scores=True, history=True, indications=True, judged=[as_of],
                            changes_since=since)
    parts = [track_marking(view, as_of) if track else None, ratings_marking(view, ()) if rated else None]
    return highest(marking, parts)


def _track(ws: Workspace, as_of: dt.date) -> TrackOut:
    """The track record of the scenarios resolved by `as_of` (`scoring.track.scores`)."""
    return TrackOut.model_validate(track_scores(ws, as_of))


def _disagreement(ws: Workspace) -> DisagreementOut:
    """The analysts' own ratings compared (`scoring.disagreement`)."""
    cells = disagreement.disagreement(ws)
    names = disagreement.analyst_names(ws)
    summary = disagreement.analyst_summary(ws)
    return DisagreementOut(
        analysts=[AnalystRatingsOut(analyst=r["analyst"], rated=r["rated"], compared=r["compared"], agree=r["agree"],
                                    mean_steps_off=None if pd.isna(r["mean_steps_off"]) else r["mean_steps_off"])
                  for r in summary.to_dict("records")],
        cells=[RatedCellOut(indicator=r["indicator"], scenario=r["scenario"],
                            ratings={name: r[disagreement.column_of(name)] for name in names},
                            spread=r["spread"], median=r["median"], team=r["team"], departs=r["departs"],
                            apart=list(r["apart"])) for r in cells.to_dict("records")])


def _withheld(count: WithheldCount) -> Withheld:
    return Withheld(indicators=count.indicators, indications=count.indications,
                    assessments=count.assessments, judgments=count.judgments)


def _scenarios(ws: Workspace, as_of: dt.date) -> list[ScenarioOut]:
    levels = warning.warning_levels(ws, as_of)
    pins = signals.linchpins(ws, as_of)
    known = signals.ladders(ws, as_of)
    out = []
    for sid, row in levels.iterrows():
        judgment = None
        if isinstance(row.get("likelihood"), str):
            judgment = JudgmentOut(date=warning.to_date(row["judged"]), likelihood=row["likelihood"],
                                   confidence=row["confidence"], analyst=row["analyst"], rationale=row["rationale"],
                                   marking=_latest_judgment_marking(ws, str(sid), as_of))
        previous = row["previous_score"]
        judged = warning.to_date(row["judged"]) if isinstance(row.get("likelihood"), str) else None
        age = (as_of - judged).days if judged else None
        windows = [WindowOut(days=w["days"], trend=w["trend"],
                             previous_score=None if w["previous_score"] is None else round(w["previous_score"], 6),
                             change=None if w["change"] is None else round(w["change"], 6)) for w in row["windows"]]
        out.append(ScenarioOut(id=str(sid), title=row["title"], description=ws.scenario_by_id[sid].description,
                               score=round(float(row["score"]), 6),
                               previous_score=None if pd.isna(previous) else round(float(previous), 6),
                               level=row["level"], trend=row["trend"], judgment=judgment, windows=windows,
                               marginal=bool(row["marginal"]),
                               linchpins=[LinchpinOut(**lp.to_dict()) for lp in pins.get(str(sid), [])],
                               ladders=[lad.text for lad in signals.ladders_for(ws, str(sid), as_of, known)],
                               judgment_age_days=age,
                               judgment_stale=age is not None and age > ws.meta.review_cadence_days,
                               **_question(ws.scenario_by_id[str(sid)], as_of)))
    return out


def _question(scenario: Scenario, as_of: dt.date) -> dict[str, Any]:
    """A scenario's question on `as_of`: its closing date, its resolution, its key assumptions."""
    resolution = resolved_by(scenario, as_of)
    assumptions = [AssumptionOut(id=state.assumption.id, statement=state.assumption.statement,
                                 status=state.check.status, since=state.check.date, rationale=state.check.rationale,
                                 flags=state.in_doubt) for state in assumption_states(scenario, as_of)]
    return {"question_close": scenario.question_close, "assumptions": assumptions,
            "resolution": ResolutionOut(date=resolution.date, outcome=resolution.outcome,
                                        rationale=resolution.rationale, analyst=resolution.analyst)
            if resolution else None}


def _changes(ws: Workspace, since: dt.date, as_of: dt.date) -> list[ChangeOut]:
    changes = warning.changes_since(ws, since, as_of)
    return [ChangeOut(date=warning.to_date(row["date"]), kind=row["kind"], subject=row["subject"], title=row["title"],
                      detail=row["detail"], before=_text(row["before"]), after=_text(row["after"]),
                      marking=_text(row["marking"]))
            for _, row in changes.iterrows()]


def _latest_judgment_marking(ws: Workspace, scenario_id: str, as_of: dt.date) -> Marking | None:
    judgment = latest(ws.scenario_by_id[scenario_id].judgments, as_of)
    return judgment.marking if judgment else None


def _indicators(ws: Workspace, as_of: dt.date) -> list[IndicatorOut]:
    status = warning.status_as_of(ws, as_of).to_dict("index")  # rows as dicts: a frame row costs far more
    proposals = signals.proposals(ws, as_of)
    out = []
    for indicator in ws.indicators:
        row = status[indicator.id]
        if row["watch"] == Watch.NOT_YET.value:  # not on the board yet on this date
            continue
        known = sorted((o for o in indicator.indications if o.date <= as_of), key=lambda o: o.date, reverse=True)
        assessment = latest(indicator.assessments, as_of)
        retired = indicator.retired if indicator.retired and indicator.retired.date <= as_of else None
        out.append(IndicatorOut(
            id=indicator.id, title=indicator.title, theme=indicator.theme or "", priority=indicator.priority,
            actors=list(indicator.actors), criteria=indicator.criteria, expected_by=indicator.expected_by,
            marking=indicator.marking, status=row["status"], confidence=_text(row["confidence"]),
            last_assessed=warning.to_date(row["last_assessed"]), analyst=_text(row["analyst"]),
            rationale=_text(row["rationale"]), cites=list(assessment.cites) if assessment else [],
            assessment_marking=assessment.marking if assessment else None,
            overdue=bool(row["overdue"]), stale=bool(row["stale"]),
            ratings={sid: rating for sid, rating in indicator.ratings.items()},
            indications=[_indication(ws, o, as_of) for o in known],
            watch=row["watch"], added=indicator.added, retired=retired.date if retired else None,
            retired_reason=retired.reason if retired else None, reviewed=bool(row["review"]),
            proposed_status=proposals[indicator.id].proposed if indicator.id in proposals else None,
            proposal_reason=proposals[indicator.id].reason if indicator.id in proposals else None,
            ladder=indicator.ladder, rung=indicator.rung,
        ))
    return out


def _indication(ws: Workspace, o: Indication, as_of: dt.date) -> IndicationOut:
    doc = source_document(ws, o)
    gone = o.withdrawn if withdrawn_by(o, as_of) else None
    return IndicationOut(id=o.id, date=o.date, summary=o.summary, source=source_name(ws, o), source_id=o.source_id,
                         source_detail=source_citation(doc) if doc else None, url=o.url or (doc.url if doc else None),
                         reliability=o.reliability, credibility=o.credibility, value=o.value, unit=o.unit,
                         marking=o.marking,
                         withdrawn=WithdrawnOut(date=gone.date, reason=gone.reason, analyst=gone.analyst)
                         if gone else None)


def _level_history(ws: Workspace, as_of: dt.date) -> list[LevelPoint]:
    frame = warning.levels_over_time(ws, warning.timeline_dates(ws, as_of))
    return [LevelPoint(date=warning.to_date(row["date"]), scenario=row["scenario"], score=round(float(row["score"]), 4),
                       level=row["level"]) for _, row in frame.iterrows()]


def _status_history(ws: Workspace, as_of: dt.date) -> list[StatusCount]:
    if not ws.indicators:
        return []
    frame = warning.status_composition(ws, warning.timeline_dates(ws, as_of))
    return [StatusCount(date=warning.to_date(row["date"]), status=row["status"], count=int(row["count"]))
            for _, row in frame.iterrows()]


# ----------------------------------------------------------------------------- loading


SNAPSHOT_SIZE_FACTOR = 10  # a snapshot holds a whole workspace: it may be this many times a data file's limit


class SnapshotError(ProblemsError):
    """A snapshot that cannot be read, with the problems that say why."""


def _loc(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def load_snapshot(source: Path | str) -> Snapshot:
    """A snapshot from a JSON file (a `Path`, or a `str` path) or from JSON text (a `str` starting with `{`).

    Raises `SnapshotError` carrying located problems; never another exception for bad input.
    """
    if isinstance(source, str) and source.lstrip().startswith("{"):
        name, text = "snapshot", source
    else:
        path = Path(source)
        name = str(path)
        try:  # bounded, and a named pipe or a device (/dev/zero) is refused without being read
            text = read_bounded(path, SNAPSHOT_SIZE_FACTOR * max_file_bytes()).decode("utf-8-sig")
        except DataFileError as err:
            code, hint = err.code, err.hint
            if code == Code.MISSING_FILE:
                code = Code.MISSING_SNAPSHOT
                hint = "give the path of a JSON snapshot made by 'indicators export --format json'"
            elif code == Code.NOT_A_FILE:
                hint = "give the path of a .json snapshot"
            elif code == Code.FILE_TOO_LARGE:
                hint = (f"snapshots may be {SNAPSHOT_SIZE_FACTOR} times INDICATORS_MAX_FILE_MB; "
                        "raise it to read this one")
            raise SnapshotError([Problem(name, 0, 0, code, err.message, hint)]) from None
        except UnicodeDecodeError as err:
            raise SnapshotError([Problem(name, 0, 0, Code.NOT_UTF8, f"not UTF-8 text ({err.reason})",
                                         "give a JSON snapshot made by 'indicators export --format json'")]) from None
    return parse_snapshot(text, name)


def parse_snapshot(text: str, name: str = "snapshot") -> Snapshot:
    """A snapshot from JSON text; `name` is used in problem locations."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise SnapshotError([Problem(name, err.lineno, err.colno, Code.JSON_SYNTAX, f"not valid JSON: {err.msg}",
                                     "give a JSON snapshot made by 'indicators export --format json'")]) from None
    except RecursionError:
        raise SnapshotError([Problem(name, 0, 0, Code.JSON_TOO_DEEP, "JSON nested too deeply",
                                     "give a JSON snapshot made by 'indicators export --format json'")]) from None
    if not isinstance(data, dict) or "format_version" not in data:
        raise SnapshotError([Problem(name, 0, 0, Code.NOT_A_SNAPSHOT, "not a board snapshot (no format_version)",
                                     "give a JSON snapshot made by 'indicators export --format json'")])
    version = data["format_version"]
    if version not in READABLE_VERSIONS or isinstance(version, bool):
        raise SnapshotError([Problem(name, 0, 0, Code.SNAPSHOT_VERSION,
                                     f"snapshot format_version {version!r} is not supported "
                                     f"(this version reads {' and '.join(map(str, READABLE_VERSIONS))})",
                                     "export the snapshot again with this version of the board")])
    try:
        return Snapshot.model_validate(data)
    except ValidationError as err:
        problems = [Problem(name, 0, 0, Code.SNAPSHOT_INVALID, f"{_loc(e['loc'])}: {e['msg']}",
                            "export the snapshot again with 'indicators export --format json'")
                    for e in err.errors(include_url=False)[:20]]
        raise SnapshotError(problems) from None


# ----------------------------------------------------------------------------- kept snapshots


@dataclass(frozen=True)
class KeptSnapshot:
    """A snapshot kept in `<data>/snapshots/`: where it is, and what it says about itself."""

    path: Path
    as_of: dt.date | None
    marking: Marking | None
    generated_at: dt.datetime | None
    problems: list[Problem] = field(default_factory=list)


def snapshot_path(root: Path | str, as_of: dt.date) -> Path:
    """Where the snapshot of `as_of` is kept: `<data>/snapshots/<as-of>.json`."""
    return Path(root) / SNAPSHOT_DIR / f"{as_of.isoformat()}.json"


def list_snapshots(root: Path | str) -> list[KeptSnapshot]:
    """The snapshots kept in `<data>/snapshots/`, oldest first; unreadable ones carry their problems."""
    folder = Path(root) / SNAPSHOT_DIR
    if not folder.is_dir():
        return []
    kept = []
    for path in sorted(folder.glob("*.json")):
        try:
            snap = load_snapshot(path)
        except SnapshotError as err:
            kept.append(KeptSnapshot(path, None, None, None, err.problems))
            continue
        kept.append(KeptSnapshot(path, snap.as_of, snap.marking, snap.generated_at))
    return sorted(kept, key=lambda k: (k.as_of or dt.date.min, k.path.name))
