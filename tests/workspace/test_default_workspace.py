"""The default workspace as data: valid, every indication linked to a public page, history carried
to mid-2025, ladders whole, and its warning picture moving with the events it records."""

from __future__ import annotations

import datetime as dt

import pytest

from indicators.scoring import signals, warning
from indicators.workspace.load import load_workspace

from tests.conftest import DATA


@pytest.fixture(scope="module")
def ws():
    return load_workspace(DATA)


def test_it_validates_clean(ws) -> None:
    assert [str(p) for p in ws.problems] == []


def test_every_indication_has_a_source_and_a_public_link(ws) -> None:
    missing = [o.id for i in ws.indicators for o in i.indications if not o.url]
    assert missing == []
    assert all(str(o.url).startswith(("https://", "http://")) for i in ws.indicators for o in i.indications)
    assert all(o.source or o.source_id for i in ws.indicators for o in i.indications)


def test_the_history_reaches_mid_2025(ws) -> None:
    newest = max(o.date for i in ws.indicators for o in i.indications)
    assert newest >= dt.date(2025, 6, 30)


def test_every_ladder_has_rungs_one_to_n(ws) -> None:
    rungs: dict[str, list[int]] = {}
    for indicator in ws.indicators:
        if indicator.ladder:
            rungs.setdefault(indicator.ladder, []).append(indicator.rung)
    assert set(rungs) >= {"personnel", "arms-to-russia", "arms-to-dprk", "transport"}
    assert {name: sorted(r) for name, r in rungs.items()} == {name: list(range(1, len(r) + 1))
                                                             for name, r in rungs.items()}


def test_indicators_the_brief_did_not_foresee_are_assessed_from_when_they_arose(ws) -> None:
    """An indicator added after the baseline counts only from its `added` date: none of its
    assessments is older (an indication may be, when it was known when the indicator was added)."""
    baseline = dt.date(2023, 9, 28)
    added = [i for i in ws.indicators if i.added and i.added > baseline]
    assert len(added) == 16
    for indicator in added:
        assert all(a.date >= indicator.added for a in indicator.assessments), indicator.id


def test_mil_coop_warning_rises_from_october_2024_to_the_newest_date(ws) -> None:
    newest = max(o.date for i in ws.indicators for o in i.indications)
    before = warning.warning_levels(ws, dt.date(2024, 10, 31)).at["MIL-COOP", "score"]
    after = warning.warning_levels(ws, newest).at["MIL-COOP", "score"]
    assert after > before


def test_the_personnel_ladder_is_climbed_to_the_top_by_mid_2025(ws) -> None:
    def reached(day: dt.date) -> int:
        return next(lad.reached for lad in signals.ladders(ws, day) if lad.name == "personnel")
    assert reached(dt.date(2024, 10, 1)) == 0
    assert reached(dt.date(2024, 10, 31)) == 3  # 10,000+ observed (MSUP-06) before combat (MSUP-05)
    assert reached(dt.date(2025, 6, 30)) == 4
