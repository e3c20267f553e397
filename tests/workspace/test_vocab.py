"""The vocabularies: complete, ordered, coloured, and exactly the published values."""

from __future__ import annotations

import re

import pytest

from indicators.workspace import vocab

SCALES = [vocab.STATUS, vocab.CONFIDENCE, vocab.LIKELIHOOD, vocab.RELIABILITY, vocab.CREDIBILITY, vocab.MARKING,
          vocab.RATING, vocab.PRIORITY, vocab.TREND]


@pytest.mark.parametrize("scale", SCALES, ids=lambda s: s.name)
def test_every_term_has_label_description_order_and_colour(scale: vocab.Scale) -> None:
    orders = [scale.order(m) for m in scale]
    assert orders == list(range(len(scale)))
    for member in scale:
        term = scale.term(member)
        assert term.label and term.description
        assert re.fullmatch(r"#[0-9a-f]{6}", term.colour)
        assert scale.member(term.value) is member


def test_published_values_in_order() -> None:
    assert vocab.STATUS.values() == ["not_observed", "emerging", "observed", "negated"]
    assert vocab.CONFIDENCE.values() == ["low", "moderate", "high"]
    assert vocab.LIKELIHOOD.values() == ["almost no chance", "very unlikely", "unlikely", "roughly even chance",
                                         "likely", "very likely", "almost certain"]
    assert vocab.RELIABILITY.values() == list("ABCDEF")
    assert vocab.CREDIBILITY.values() == ["1", "2", "3", "4", "5", "6"]
    assert vocab.MARKING.values() == ["CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"]
    assert vocab.RATING.values() == ["HL", "L", "C", "U", "HU"]


def test_likelihood_ranges_follow_icd_203() -> None:
    ranges = [vocab.LIKELIHOOD_RANGE[m] for m in vocab.LIKELIHOOD]
    assert ranges[0] == (1, 5) and ranges[-1] == (95, 99)
    assert all(a[1] == b[0] for a, b in zip(ranges, ranges[1:]))


def test_rating_values_fall_from_hl_to_hu() -> None:
    values = [vocab.RATING_VALUE[m] for m in vocab.RATING]
    assert values == sorted(values, reverse=True) and values[0] == 1.0 and values[-1] == 0.0


def test_lookup_by_raw_value_and_member() -> None:
    assert vocab.CREDIBILITY.label(2) == "Probably true"
    assert vocab.MARKING.label("AMBER+STRICT") == "TLP:AMBER+STRICT"
    assert vocab.STATUS.colour(vocab.Status.OBSERVED) == vocab.STATUS.colour("observed")


def test_grade_meaning_spells_out_the_admiralty_grade() -> None:
    assert vocab.grade_meaning("B", 2) == "Usually reliable · Probably true"
    assert vocab.grade_meaning(vocab.Reliability.F, vocab.Credibility.CANNOT_BE_JUDGED) == \
        "Cannot be judged · Cannot be judged"
    assert vocab.grade_meaning("A", "1") == "Completely reliable · Confirmed by other sources"  # read from a frame


@pytest.mark.parametrize("background, ink", [("#ffffff", "#000000"), ("#000000", "#ffffff"),
                                             ("#08519c", "#ffffff"), ("#ffc000", "#000000"), ("bad", "#000000")])
def test_text_colour_reads_on_background(background: str, ink: str) -> None:
    assert vocab.text_colour(background) == ink


@pytest.mark.parametrize("scale", SCALES, ids=lambda s: s.name)
def test_every_colour_has_readable_ink(scale: vocab.Scale) -> None:
    """Chips and coloured cells print a scale's colours with `text_colour` ink: WCAG contrast at least 4.5."""
    def luminance(colour: str) -> float:
        def channel(c: float) -> float:
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
        r, g, b = (channel(int(colour[i:i + 2], 16) / 255) for i in (1, 3, 5))
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    for colour in scale.colours():
        pair = sorted((luminance(colour), luminance(vocab.text_colour(colour))), reverse=True)
        assert (pair[0] + 0.05) / (pair[1] + 0.05) >= 4.5, (scale.name, colour)


def test_a_scale_matches_what_a_person_types() -> None:
    from indicators.workspace.vocab import CONFIDENCE, LIKELIHOOD, MARKING, RELIABILITY, STATUS, Status

    assert STATUS.match("Not observed") is Status.NOT_OBSERVED
    assert STATUS.match("not-observed") is STATUS.match("NOT_OBSERVED") is Status.NOT_OBSERVED
    assert RELIABILITY.match("b").value == "B"
    assert MARKING.match("tlp:amber+strict").value == "AMBER+STRICT"  # by its label
    assert LIKELIHOOD.match("Very_Likely").value == "very likely"
    assert CONFIDENCE.match("sure") is None and STATUS.match("") is None
