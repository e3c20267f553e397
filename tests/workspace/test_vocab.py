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
