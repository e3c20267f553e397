"""Every controlled vocabulary of the board, in one place.

Each scale is an enum (so pydantic validates it and the JSON Schema lists its values) plus a
table of terms carrying label, description, order and colour, so that pages, charts and exports
never spell a scale out again. Values are the published ones: ICD 203 (likelihood, confidence),
the Admiralty / NATO grading, TLP 2.0 and Pherson's Indicators Validator.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from typing import Any, Generic, TypeVar

E = TypeVar("E")


@dataclass(frozen=True)
class Term:
    """One value of a scale, as shown to a person."""

    value: str
    label: str
    description: str
    order: int
    colour: str


class Scale(Generic[E]):
    """An ordered scale: enum members mapped to their terms."""

    def __init__(self, name: str, terms: dict[E, tuple[str, str, str]]) -> None:
        self.name = name
        self._terms: dict[E, Term] = {
            member: Term(str(_raw(member)), label, description, order, colour)
            for order, (member, (label, description, colour)) in enumerate(terms.items())
        }
        self._by_value = {term.value: member for member, term in self._terms.items()}

    def __iter__(self) -> Iterator[E]:
        return iter(self._terms)

    def __len__(self) -> int:
        return len(self._terms)

    def term(self, member: E | str | int) -> Term:
        """The term of a member or of its raw value."""
        return self._terms[self.member(member)]

    def member(self, value: E | str | int) -> E:
        """The enum member for a raw value (or the member itself)."""
        return self._by_value[str(_raw(value))]

    def label(self, value: E | str | int) -> str:
        return self.term(value).label

    def colour(self, value: E | str | int) -> str:
        return self.term(value).colour

    def order(self, value: E | str | int) -> int:
        return self.term(value).order

    def values(self) -> list[str]:
        return [term.value for term in self._terms.values()]

    def match(self, text: object) -> E | None:
        """The member a person meant: its value or label, whatever the case and whether words are
        joined by spaces, `_` or `-` (`Observed`, `not observed`, `b`, `tlp:amber`); None if none."""
        wanted = loose(text)
        return next((member for member, term in self._terms.items()
                     if wanted in (loose(term.value), loose(term.label))), None)

    def labels(self) -> list[str]:
        return [term.label for term in self._terms.values()]

    def colours(self) -> list[str]:
        return [term.colour for term in self._terms.values()]


def loose(text: object) -> str:
    """Text as compared when a person types a value or an id: case, spaces, `_` and `-` ignored."""
    return re.sub(r"[\s_-]+", "", str(_raw(text))).casefold()


def loose_match(text: object, known: Iterable[str]) -> str | None:
    """The known id a person meant, compared `loose`ly (`sat 01`, `sat_01` -> `SAT-01`); None when none matches."""
    wanted = loose(text)
    return next((known_id for known_id in known if loose(known_id) == wanted), None)


def _raw(member: object) -> object:
    return getattr(member, "value", member)


class Status(StrEnum):
    NOT_OBSERVED = "not_observed"
    EMERGING = "emerging"
    OBSERVED = "observed"
    NEGATED = "negated"


STATUS = Scale[Status](
    "status",
    {
        Status.NOT_OBSERVED: ("Not observed", "No indication that the indicator has appeared.", "#b0b7c3"),
        Status.EMERGING: ("Emerging", "Partial or early signs; criteria not yet fully met.", "#f2a93b"),
        Status.OBSERVED: ("Observed", "The criteria for 'observed' are met.", "#d1495b"),
        Status.NEGATED: ("Negated", "Evidence that the indicator is not appearing or was reversed.", "#3a7ca5"),
    },
)


class Watch(StrEnum):
    """Whether an indicator or scenario is being watched on a date (see `workspace.entries.watch_on`)."""

    NOT_YET = "not_yet_watched"
    WATCHED = "watched"
    RETIRED = "retired"


WATCH = Scale[Watch](
    "watch",
    {
        Watch.NOT_YET: ("Not yet watched", "Before the team began to watch it: it does not count (not 'not observed').",
                        "#dde2ea"),
        Watch.WATCHED: ("Watched", "On the checklist: it counts toward the board.", "#b0b7c3"),
        Watch.RETIRED: ("Retired", "No longer watched: its history is kept, it no longer counts.", "#5b6270"),
    },
)


class BoardStatus(StrEnum):
    """What an indicator shows in a chart on a date: its status while watched, else why it does not count."""

    NOT_YET = "not_yet_watched"
    NOT_OBSERVED = "not_observed"
    EMERGING = "emerging"
    OBSERVED = "observed"
    NEGATED = "negated"
    RETIRED = "retired"


def _terms_of(scale: Scale[Any], value: str) -> tuple[str, str, str]:
    return scale.label(value), scale.term(value).description, scale.colour(value)


BOARD_STATUS = Scale[BoardStatus](
    "board status",
    {
        BoardStatus.NOT_YET: _terms_of(WATCH, Watch.NOT_YET),
        **{BoardStatus(s.value): _terms_of(STATUS, s) for s in Status},
        BoardStatus.RETIRED: _terms_of(WATCH, Watch.RETIRED),
    },
)


class Confidence(StrEnum):
    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"


CONFIDENCE = Scale[Confidence](
    "confidence",
    {
        Confidence.LOW: ("Low", "Information is scant, questionable or fragmented.", "#c9d1dc"),
        Confidence.MODERATE: ("Moderate", "Credibly sourced and plausible, but not corroborated enough for high.",
                              "#8fa3bf"),
        Confidence.HIGH: ("High", "High-quality information from several sources.", "#4a6489"),
    },
)

# How much an assessment's status counts in the warning score, by its confidence.
CONFIDENCE_WEIGHT: dict[Confidence, float] = {
    Confidence.LOW: 0.5,
    Confidence.MODERATE: 0.75,
    Confidence.HIGH: 1.0,
}


class Likelihood(StrEnum):
    ALMOST_NO_CHANCE = "almost no chance"
    VERY_UNLIKELY = "very unlikely"
    UNLIKELY = "unlikely"
    ROUGHLY_EVEN_CHANCE = "roughly even chance"
    LIKELY = "likely"
    VERY_LIKELY = "very likely"
    ALMOST_CERTAIN = "almost certain"


LIKELIHOOD = Scale[Likelihood](
    "likelihood",
    {
        Likelihood.ALMOST_NO_CHANCE: ("Almost no chance", "01–05%", "#2c7bb6"),
        Likelihood.VERY_UNLIKELY: ("Very unlikely", "05–20%", "#6baed6"),
        Likelihood.UNLIKELY: ("Unlikely", "20–45%", "#abd9e9"),
        Likelihood.ROUGHLY_EVEN_CHANCE: ("Roughly even chance", "45–55%", "#e0e0b0"),
        Likelihood.LIKELY: ("Likely", "55–80%", "#fdae61"),
        Likelihood.VERY_LIKELY: ("Very likely", "80–95%", "#f46d43"),
        Likelihood.ALMOST_CERTAIN: ("Almost certain", "95–99%", "#d7191c"),
    },
)

# The probability a judgment is scored with: the midpoint of its ICD 203 band (01–05 % -> 0.03 …).
LIKELIHOOD_P: dict[Likelihood, float] = {
    Likelihood.ALMOST_NO_CHANCE: 0.03,
    Likelihood.VERY_UNLIKELY: 0.125,
    Likelihood.UNLIKELY: 0.325,
    Likelihood.ROUGHLY_EVEN_CHANCE: 0.50,
    Likelihood.LIKELY: 0.675,
    Likelihood.VERY_LIKELY: 0.875,
    Likelihood.ALMOST_CERTAIN: 0.97,
}


class AssumptionStatus(StrEnum):
    """Where a key assumption stands (Heuer and Pherson's key assumptions check)."""

    HOLDING = "holding"
    QUESTIONED = "questioned"
    BROKEN = "broken"


ASSUMPTION_STATUS = Scale[AssumptionStatus](
    "assumption status",
    {
        AssumptionStatus.HOLDING: ("Holding", "Still supported by what is known.", "#1a9641"),
        AssumptionStatus.QUESTIONED: ("Questioned", "New information puts it in doubt.", "#fdae61"),
        AssumptionStatus.BROKEN: ("Broken", "No longer true: judgments resting on it need a fresh look.", "#d7191c"),
    },
)


class Outcome(StrEnum):
    """How a scenario's question was resolved."""

    OCCURRED = "occurred"
    DID_NOT_OCCUR = "did_not_occur"
    AMBIGUOUS = "ambiguous"


OUTCOME = Scale[Outcome](
    "outcome",
    {
        Outcome.OCCURRED: ("Occurred", "The scenario came true within the question's window.", "#d7191c"),
        Outcome.DID_NOT_OCCUR: ("Did not occur", "The scenario did not come true within the window.", "#2c7bb6"),
        Outcome.AMBIGUOUS: ("Ambiguous", "Cannot be said either way: not scored.", "#bababa"),
    },
)

# Lower and upper bound (percent) of each ICD 203 term, for charts on a probability axis.
LIKELIHOOD_RANGE: dict[Likelihood, tuple[int, int]] = {
    Likelihood.ALMOST_NO_CHANCE: (1, 5),
    Likelihood.VERY_UNLIKELY: (5, 20),
    Likelihood.UNLIKELY: (20, 45),
    Likelihood.ROUGHLY_EVEN_CHANCE: (45, 55),
    Likelihood.LIKELY: (55, 80),
    Likelihood.VERY_LIKELY: (80, 95),
    Likelihood.ALMOST_CERTAIN: (95, 99),
}


class Reliability(StrEnum):
    A = "A"
    B = "B"
    C = "C"
    D = "D"
    E = "E"
    F = "F"


RELIABILITY = Scale[Reliability](
    "source reliability",
    {
        Reliability.A: ("Completely reliable", "No doubt of authenticity, trustworthiness or competency.", "#1a9641"),
        Reliability.B: ("Usually reliable", "Minor doubts; a history of mostly valid information.", "#a6d96a"),
        Reliability.C: ("Fairly reliable", "Doubts; has provided valid information in the past.", "#ffffbf"),
        Reliability.D: ("Not usually reliable", "Significant doubts; has provided valid information at times.",
                        "#fdae61"),
        Reliability.E: ("Unreliable", "Lacking authenticity, trustworthiness and competency.", "#d7191c"),
        Reliability.F: ("Cannot be judged", "No basis for evaluating reliability.", "#bababa"),
    },
)


class Credibility(IntEnum):
    CONFIRMED = 1
    PROBABLY_TRUE = 2
    POSSIBLY_TRUE = 3
    DOUBTFUL = 4
    IMPROBABLE = 5
    CANNOT_BE_JUDGED = 6


CREDIBILITY = Scale[Credibility](
    "information credibility",
    {
        Credibility.CONFIRMED: ("Confirmed by other sources", "Confirmed by independent sources.", "#1a9641"),
        Credibility.PROBABLY_TRUE: ("Probably true", "Not confirmed; logical and consistent.", "#a6d96a"),
        Credibility.POSSIBLY_TRUE: ("Possibly true", "Not confirmed; reasonably logical.", "#ffffbf"),
        Credibility.DOUBTFUL: ("Doubtful", "Not confirmed; possible but not logical.", "#fdae61"),
        Credibility.IMPROBABLE: ("Improbable", "Not confirmed; not logical, contradicted.", "#d7191c"),
        Credibility.CANNOT_BE_JUDGED: ("Cannot be judged", "No basis for evaluating validity.", "#bababa"),
    },
)


class Marking(StrEnum):
    CLEAR = "CLEAR"
    GREEN = "GREEN"
    AMBER = "AMBER"
    AMBER_STRICT = "AMBER+STRICT"
    RED = "RED"


MARKING = Scale[Marking](
    "TLP marking",
    {
        Marking.CLEAR: ("TLP:CLEAR", "Disclosure is not limited.", "#ffffff"),
        Marking.GREEN: ("TLP:GREEN", "Limited disclosure, recipients can spread this within their community.",
                        "#33ff00"),
        Marking.AMBER: ("TLP:AMBER", "Limited disclosure, recipients can only spread this on a need-to-know basis "
                        "within their organisation and its clients.", "#ffc000"),
        Marking.AMBER_STRICT: ("TLP:AMBER+STRICT",
                               "Limited disclosure, restricted to the recipient's organisation only.", "#ffc000"),
        Marking.RED: ("TLP:RED", "For the eyes and ears of individual recipients only, no further disclosure.",
                      "#ff2b2b"),
    },
)


class Rating(StrEnum):
    HL = "HL"
    L = "L"
    C = "C"
    U = "U"
    HU = "HU"


RATING = Scale[Rating](
    "indicator rating",
    {
        Rating.HL: ("Highly likely", "Highly likely to appear if the scenario is true.", "#08519c"),
        Rating.L: ("Likely", "Likely to appear if the scenario is true.", "#4292c6"),
        Rating.C: ("Could", "Could appear if the scenario is true.", "#c6dbef"),
        Rating.U: ("Unlikely", "Unlikely to appear if the scenario is true.", "#fcbba1"),
        Rating.HU: ("Highly unlikely", "Highly unlikely to appear if the scenario is true.", "#cb181d"),
    },
)

# Numeric value of a rating (probability that the indicator appears if the scenario is true),
# used to measure how diagnostic an indicator is.
RATING_VALUE: dict[Rating, float] = {
    Rating.HL: 1.0,
    Rating.L: 0.75,
    Rating.C: 0.5,
    Rating.U: 0.25,
    Rating.HU: 0.0,
}


class Priority(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


PRIORITY = Scale[Priority](
    "priority",
    {
        Priority.HIGH: ("High", "Collect and review first.", "#d1495b"),
        Priority.MEDIUM: ("Medium", "Review on the normal cadence.", "#f2a93b"),
        Priority.LOW: ("Low", "Background; review when time allows.", "#b0b7c3"),
    },
)


class Trend(StrEnum):
    DETERIORATED = "deteriorated"
    UNCHANGED = "unchanged"
    IMPROVED = "improved"


TREND = Scale[Trend](
    "trend",
    {
        Trend.DETERIORATED: ("▲ Deteriorated", "Warning score rose since a month earlier.", "#d1495b"),
        Trend.UNCHANGED: ("▶ Unchanged", "Warning score moved less than the tolerance.", "#8a8f98"),
        Trend.IMPROVED: ("▼ Improved", "Warning score fell since a month earlier.", "#3a7ca5"),
    },
)

# Default colours of warning levels by rank, when workspace.yaml gives none.
LEVEL_PALETTE: list[str] = ["#4caf50", "#cddc39", "#ffc107", "#ff7043", "#c62828", "#6a1b1a"]


def grade_meaning(reliability: Reliability | str, credibility: Credibility | int | str) -> str:
    """The Admiralty grade in words, e.g. B2 -> 'Usually reliable · Probably true' (for tooltips and tables)."""
    return f"{RELIABILITY.label(reliability)} · {CREDIBILITY.label(int(credibility))}"


def text_colour(background: str) -> str:
    """Black or white, whichever reads better on `background` (#rrggbb), by WCAG luminance; black if not a colour."""
    value = background.lstrip("#")
    if not re.fullmatch(r"[0-9a-fA-F]{6}", value):
        return "#000000"

    def channel(hex_pair: str) -> float:
        c = int(hex_pair, 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    lum = 0.2126 * channel(value[0:2]) + 0.7152 * channel(value[2:4]) + 0.0722 * channel(value[4:6])
    return "#000000" if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else "#ffffff"
