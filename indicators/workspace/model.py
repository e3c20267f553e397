"""Pydantic models of the workspace files (`workspace.yaml`, `indicators/*.yaml`).

Unknown keys are refused everywhere (typos must not vanish). The file models are the source of
the JSON Schema that editors use; the loader validates item by item with the same models so one
bad indicator or assessment does not hide the rest.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, StringConstraints, field_validator, model_validator
from pydantic_core import PydanticCustomError

from indicators.workspace.text import CONTROL_CHARS, NOT_BLANK, TEXT
from indicators.workspace.vocab import (
    AssumptionStatus,
    Confidence,
    Credibility,
    Likelihood,
    Marking,
    Outcome,
    Priority,
    Rating,
    Reliability,
    Status,
)

SCENARIO_ID = r"^[A-Z][A-Z0-9_-]{1,23}$"
INDICATOR_ID = r"^[A-Z][A-Z0-9]{1,7}-[0-9]{2,3}$"
INDICATION_ID = r"^[A-Z][A-Z0-9]{1,7}-[0-9]{2,3}\.[0-9]{1,5}$"
SOURCE_ID = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$"
ASSUMPTION_ID = r"^[A-Z][A-Z0-9]{0,7}-[0-9]{1,3}$"
THEME = r"^[a-z0-9][a-z0-9-]{0,39}$"
# Written for ECMA-262 in unicode mode too (the JSON Schema dialect): no escape of a character that
# needs none, such as \" inside a class, which ajv and check-jsonschema refuse.
URL = rf"""^https?://[^\s<>"'`{CONTROL_CHARS}]+$"""
COLOUR = r"^#[0-9a-fA-F]{6}$"

ScenarioId = Annotated[str, StringConstraints(pattern=SCENARIO_ID)]
IndicatorId = Annotated[str, StringConstraints(pattern=INDICATOR_ID)]
IndicationId = Annotated[str, StringConstraints(pattern=INDICATION_ID)]
Url = Annotated[str, StringConstraints(pattern=URL, max_length=2000)]
# Every text field is one of these three: no control character but tab and line feed (`text.TEXT`),
# checked in pydantic's compiled regex and written into the JSON Schemas for editors.
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=300, strip_whitespace=True, pattern=TEXT)]
LongText = Annotated[str, StringConstraints(min_length=1, max_length=20000, pattern=NOT_BLANK)]  # not only blanks
Name = Annotated[str, StringConstraints(min_length=1, max_length=120, strip_whitespace=True, pattern=TEXT)]
# The board computes with pandas timestamps (years 1678 to 2261): dates outside this span are refused
# where they are written, with their place, instead of failing later in a chart or an export.
EARLIEST_DATE, LATEST_DATE = dt.date(1900, 1, 1), dt.date(2199, 12, 31)
Day = Annotated[dt.date, Field(ge=EARLIEST_DATE, le=LATEST_DATE)]


def safe_url(url: object) -> str | None:
    """The URL if it is an absolute http(s) link, else None: what a page may turn into a link.

    The models accept only such URLs (`URL`); every output checks again, since a snapshot or a
    frame can carry text from elsewhere (never link `javascript:` and kin).
    """
    if not isinstance(url, str) or not url.strip():
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url.strip()


class Strict(BaseModel):
    """Base: unknown keys are errors; values are re-validated on assignment."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, frozen=False)


class SourceDocument(Strict):
    """A document the workspace is built from (e.g. the seed brief), or a report that bears on several
    indicators, recorded once and cited by its indications' `source_id`."""

    id: Annotated[str, StringConstraints(pattern=SOURCE_ID)]
    title: ShortText
    publisher: ShortText | None = None
    date: Day | None = None
    url: Url | None = None
    note: LongText | None = None


class Withdrawal(Strict):
    """Why an entry was taken back: from `date` on it counts for nothing, before it the board is unchanged."""

    date: Day
    reason: LongText
    analyst: Name


class Retirement(Strict):
    """When and why the team stopped watching an indicator or scenario (its history is kept)."""

    date: Day
    reason: LongText
    analyst: Name


class Judgment(Strict):
    """A dated ICD 203 likelihood for a scenario, with confidence and the reason for it."""

    date: Day
    likelihood: Likelihood = Field(description="ICD 203 estimative term")
    confidence: Confidence
    analyst: Name
    rationale: LongText = Field(description="Why this judgment, and why it changed")
    marking: Marking | None = None
    withdrawn: Withdrawal | None = None
    _name: str | None = PrivateAttr(default=None)  # SCENARIO@date(.n), set on load from the whole file


class Resolution(Strict):
    """How a scenario's question came out: scored against the judgments made before it."""

    date: Day
    outcome: Outcome = Field(description="occurred, did_not_occur or ambiguous (not scored)")
    rationale: LongText = Field(description="What settled it")
    analyst: Name


class AssumptionCheck(Strict):
    """A dated check of a key assumption: holding, questioned or broken, and why."""

    date: Day
    status: AssumptionStatus
    analyst: Name
    rationale: LongText | None = Field(default=None, description="Why (required unless it simply holds)")


class Assumption(Strict):
    """A key assumption a scenario's judgments rest on; judgments made before it was questioned or
    broken are flagged until the scenario is judged again."""

    id: Annotated[str, StringConstraints(pattern=ASSUMPTION_ID)]
    statement: LongText
    checks: list[AssumptionCheck] = Field(min_length=1, description="Its status over time, oldest first")


class Scenario(Strict):
    """A development the team watches for (a hypothesis)."""

    id: ScenarioId
    title: ShortText
    description: LongText | None = None
    added: Day | None = Field(default=None, description="When the team began to watch it")
    retired: Retirement | None = None
    question_close: Day | None = Field(default=None, description="When the question must be resolved by")
    resolution: Resolution | None = None
    assumptions: list[Assumption] = Field(default_factory=list, description="Key assumptions its judgments rest on")
    judgments: list[Judgment] = Field(default_factory=list)


class WarningLevel(Strict):
    """A named warning level, reached when a scenario's score is at least `min_score`."""

    name: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]{0,23}$")]
    label: ShortText
    min_score: float = Field(ge=0.0, le=1.0)
    colour: Annotated[str, StringConstraints(pattern=COLOUR)] | None = None
    description: LongText | None = None


def _default_levels() -> list[WarningLevel]:
    return [
        WarningLevel(name="low", label="Low", min_score=0.0),
        WarningLevel(name="guarded", label="Guarded", min_score=0.2),
        WarningLevel(name="elevated", label="Elevated", min_score=0.4),
        WarningLevel(name="high", label="High", min_score=0.6),
        WarningLevel(name="severe", label="Severe", min_score=0.8),
    ]


class StaleEvidence(Strict):
    """Discount of old assessments: evidence x discount ** floor(age / (cadences x review cadence))."""

    cadences: int = Field(ge=1, le=100, description="Age, in review cadences, after which evidence is discounted")
    discount: float = Field(ge=0.0, le=1.0, description="Factor applied per such age (0.5 halves it)")


class Access(Strict):
    """Who may use a board served with sign-in (`indicators serve --auth`), by the signed-in user's
    ID-token claims: a value of `claim` (a group) or the e-mail address, listed as editor or reader."""

    claim: Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=TEXT)] = Field(
        default="groups", description="The ID-token claim holding the user's groups (a list or one value)")
    editors: list[ShortText] = Field(default_factory=list,
                                     description="Groups or e-mail addresses that may read and write")
    readers: list[ShortText] = Field(default_factory=list, description="Groups or e-mail addresses that may read")
    caps: dict[ShortText, Marking] = Field(
        default_factory=dict, description="A reader group or address -> the highest TLP marking it may see")


class WorkspaceFile(Strict):
    """`workspace.yaml`: what the board watches and how it scores."""

    title: ShortText
    question: LongText = Field(description="The key intelligence question the board answers")
    marking: Marking = Field(description="TLP 2.0 marking of the workspace as a whole")
    review_cadence_days: int = Field(ge=1, le=3650,
                                     description="An indicator not reassessed within this many days is stale")
    sources: list[SourceDocument] = Field(default_factory=list)
    scenarios: list[Scenario] = Field(min_length=1)
    warning_levels: list[WarningLevel] = Field(default_factory=_default_levels, min_length=1)
    trend_tolerance: float = Field(default=0.05, ge=0.0, le=1.0,
                                   description="Score change below which the trend is 'unchanged'")
    trend_windows_days: list[Annotated[int, Field(ge=1, le=3650)]] = Field(
        default_factory=lambda: [30, 365], min_length=1, max_length=4,
        description="Windows (days) over which each scenario's score change is shown; the first sets the trend")
    ladder_step: float = Field(default=0.5, ge=0.0, le=5.0,
                               description="Extra weight per rung above the first: w x (1 + step x (rung - 1))")
    overdue_evidence: float = Field(default=0.0, ge=0.0, le=1.0,
                                    description="Negative evidence of an overdue indicator (0: off)")
    stale_evidence: StaleEvidence | None = Field(default=None, description="Discount old assessments (off if absent)")
    access: Access | None = Field(default=None, description="Roles on a board served with sign-in (none: readers)")

    @field_validator("warning_levels")
    @classmethod
    def _levels_ascend(cls, levels: list[WarningLevel]) -> list[WarningLevel]:
        scores = [level.min_score for level in levels]
        if scores[0] != 0.0:
            raise ValueError("the first warning level must have min_score 0")
        if any(b <= a for a, b in zip(scores, scores[1:])):
            raise ValueError("warning levels must be listed with strictly increasing min_score")
        return levels


class Indication(Strict):
    """One dated, observed occurrence of an indicator, with its source and Admiralty grade."""

    id: IndicationId
    date: Day
    summary: LongText
    source: ShortText | None = Field(default=None, description="Name of the source (or give source_id)")
    source_id: Annotated[str, StringConstraints(pattern=SOURCE_ID)] | None = Field(
        default=None, description="Id of a report listed under the workspace's sources")
    url: Url | None = None
    reliability: Reliability = Field(description="Admiralty source reliability A–F")
    credibility: Credibility = Field(description="Admiralty information credibility 1–6")
    value: float | None = Field(default=None, description="Optional measured value, e.g. containers shipped")
    unit: ShortText | None = None
    marking: Marking | None = None
    analyst: Name | None = Field(default=None, description="Who recorded it")
    withdrawn: Withdrawal | None = None

    @model_validator(mode="after")
    def _unit_needs_value(self) -> Indication:
        if self.unit is not None and self.value is None:
            raise ValueError("'unit' is given without a 'value'")
        if self.source is None and self.source_id is None:
            raise PydanticCustomError("missing_one_of", "missing required field 'source' (or 'source_id')",
                                      {"hint": "add 'source:' naming where it comes from, or 'source_id:' of a "
                                               "report listed under the workspace's sources"})
        return self


class Assessment(Strict):
    """A dated judgment of an indicator's status."""

    date: Day
    status: Status
    confidence: Confidence
    analyst: Name
    rationale: LongText
    cites: list[IndicationId] = Field(default_factory=list, description="Ids of the indications this rests on")
    marking: Marking | None = None
    review: bool = Field(default=False, description="Reviewed, no change: repeats the status standing before it")
    withdrawn: Withdrawal | None = None
    _name: str | None = PrivateAttr(default=None)  # INDICATOR@date(.n), set on load from the whole file
    _void: dt.date | None = PrivateAttr(default=None)  # a review: when the assessment it repeats was withdrawn


class Thresholds(Strict):
    """Values of an indicator's numeric series that point to a status (at least one; emerging below observed)."""

    emerging: float | None = None
    observed: float | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Thresholds:
        if self.emerging is None and self.observed is None:
            raise ValueError("give 'emerging', 'observed' or both")
        if self.emerging is not None and self.observed is not None and self.emerging >= self.observed:
            raise ValueError("the 'emerging' threshold must be below the 'observed' one")
        return self


class IndicatorHeader(Strict):
    """An indicator's own fields, without its history (validated separately, item by item)."""

    id: IndicatorId
    title: ShortText
    description: LongText | None = None
    theme: Annotated[str, StringConstraints(pattern=THEME)] | None = Field(
        default=None, description="Overrides the file's theme"
    )
    actors: list[Name] = Field(default_factory=list)
    criteria: LongText = Field(description="When the indicator counts as observed")
    priority: Priority = Priority.MEDIUM
    expected_by: Day | None = Field(default=None, description="Past this date and still not observed: overdue")
    source_ref: ShortText | None = Field(default=None, description="Where in the source documents this comes from")
    ratings: dict[ScenarioId, Rating] = Field(description="Indicators Validator rating against every scenario")
    marking: Marking | None = None
    added: Day | None = Field(default=None, description="When the team began to watch it (else: its first entry)")
    retired: Retirement | None = None
    related: list[IndicatorId] = Field(default_factory=list,
                                       description="Indicators whose indications its assessments may cite")
    ladder: Annotated[str, StringConstraints(pattern=THEME)] | None = Field(
        default=None, description="Escalation ladder it is a rung of (give 'rung' too)")
    rung: int | None = Field(default=None, ge=1, le=20, description="Its rung on the ladder, 1 the lowest")
    thresholds: Thresholds | None = Field(default=None, description="Values of its series that point to a status")
    aggregate: Literal["latest", "max", "sum"] = Field(default="latest",
                                                        description="How the series is read against the thresholds")
    window_days: int | None = Field(default=None, ge=1, le=3650,
                                    description="Only values within this many days of the date count (max, sum)")


class Indicator(IndicatorHeader):
    """An indicator with its indications and assessments (as written in the file)."""

    indications: list[Indication] = Field(default_factory=list)
    assessments: list[Assessment] = Field(default_factory=list)


class IndicatorFile(Strict):
    """`indicators/<theme>.yaml`: one checklist of indicators on a theme."""

    theme: Annotated[str, StringConstraints(pattern=THEME)]
    title: ShortText | None = None
    description: LongText | None = None
    indicators: list[Indicator] = Field(default_factory=list)


class AnalystRatingsFile(Strict):
    """`ratings/<analyst>.yaml`: one analyst's own Indicators Validator ratings, made before the team
    agrees on the matrix. They never change the board (the indicators' own `ratings:` count); the
    Disagreement view compares them."""

    analyst: Name
    date: Day | None = Field(default=None, description="When the ratings were made")
    marking: Marking | None = None
    note: LongText | None = None
    ratings: dict[IndicatorId, dict[ScenarioId, Rating]] = Field(
        default_factory=dict, description="Indicator id -> scenario id -> rating (HL, L, C, U, HU)")
