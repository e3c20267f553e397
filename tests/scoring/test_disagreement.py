"""Disagreement between analysts' own ratings, on the ratings fixture, against answers worked out by hand.

Fixture tests/fixtures/ratings; steps HL=0 L=1 C=2 U=3 HU=4.

    cell      Ann Bob Cat | team | rated spread median          departs         apart (>= 2 steps)
    RT-02 AA  HL  C   HU  | C    | 3     4-0=4  med(0,2,4)=2.0  |2-2|=0   no    Ann-Bob, Ann-Cat, Bob-Cat
    RT-01 BB  C   U   HU  | U    | 3     4-2=2  med(2,3,4)=3.0  |3-3|=0   no    Ann-Cat (C, HU)
    RT-02 BB  HL  L   HL  | L    | 3     1-0=1  med(0,1,0)=0.0  |1-0|=1   yes   -
    RT-03 AA  U   HU  -   | HU   | 2     4-3=1  med(3,4)=3.5    |4-3.5|=.5 no   -
    RT-01 AA  L   L   L   | L    | 3     0      1.0             0         no    -
    RT-03 BB  -   -   C   | C    | 1     0      2.0             0         no    -

Sorted by spread (largest first), then indicator and scenario, as above.

Per analyst against the team (|own - team| in steps, over the cells each rated):
    Ann  RT-01 AA 0, RT-01 BB 1, RT-02 AA 2, RT-02 BB 1, RT-03 AA 1  -> rated 5, agree 1, mean 5/5 = 1.0
    Bob  all five as the team                                       -> rated 5, agree 5, mean 0.0
    Cat  RT-01 AA 0, RT-01 BB 1, RT-02 AA 2, RT-02 BB 1, RT-03 BB 0  -> rated 5, agree 2, mean 4/5 = 0.8
"""

from __future__ import annotations

import dataclasses
import math

import pytest

from indicators.scoring.disagreement import analyst_summary, disagreement, step
from indicators.workspace.load import load_workspace

from tests.conftest import FIXTURES, TODAY


@pytest.fixture(scope="module")
def ws():
    return load_workspace(FIXTURES / "ratings", today=TODAY)


def test_steps_run_from_highly_likely_to_highly_unlikely() -> None:
    assert [step(r) for r in ("HL", "L", "C", "U", "HU")] == [0, 1, 2, 3, 4]


def test_columns_one_per_analyst_in_name_order(ws) -> None:
    assert list(disagreement(ws).columns) == ["indicator", "scenario", "Ann", "Bob", "Cat",
                                              "rated", "spread", "median", "team", "departs", "apart"]


def test_the_hand_worked_table(ws) -> None:
    rows = [tuple(r) for r in disagreement(ws).itertuples(index=False)]
    assert rows == [
        ("RT-02", "AA", "HL", "C", "HU", 3, 4, 2.0, "C", False,
         [("Ann", "HL", "Bob", "C"), ("Ann", "HL", "Cat", "HU"), ("Bob", "C", "Cat", "HU")]),
        ("RT-01", "BB", "C", "U", "HU", 3, 2, 3.0, "U", False, [("Ann", "C", "Cat", "HU")]),
        ("RT-02", "BB", "HL", "L", "HL", 3, 1, 0.0, "L", True, []),
        ("RT-03", "AA", "U", "HU", None, 2, 1, 3.5, "HU", False, []),
        ("RT-01", "AA", "L", "L", "L", 3, 0, 1.0, "L", False, []),
        ("RT-03", "BB", None, None, "C", 1, 0, 2.0, "C", False, []),
    ]


def test_one_step_apart_is_not_apart_and_half_a_step_does_not_depart(ws) -> None:
    frame = disagreement(ws).set_index(["indicator", "scenario"])
    assert frame.loc[("RT-02", "BB"), "apart"] == []  # HL against L: one step
    assert not frame.loc[("RT-03", "AA"), "departs"]  # team HU, median 3.5


def test_the_team_matrix_missing_a_cell_never_departs(ws) -> None:
    rt01 = ws.indicator_by_id["RT-01"]
    unrated = rt01.model_copy(update={"ratings": {"BB": rt01.ratings["BB"]}})
    copy = dataclasses.replace(ws, indicators=[unrated if i.id == "RT-01" else i for i in ws.indicators])
    row = disagreement(copy).set_index(["indicator", "scenario"]).loc[("RT-01", "AA")]
    assert row["team"] is None and not row["departs"]


def test_withheld_indicators_and_scenarios_drop_their_rows(ws) -> None:
    copy = dataclasses.replace(ws, indicators=[i for i in ws.indicators if i.id != "RT-02"],
                               meta=ws.meta.model_copy(update={"scenarios": ws.meta.scenarios[:1]}))
    frame = disagreement(copy)
    assert list(zip(frame.indicator, frame.scenario)) == [("RT-03", "AA"), ("RT-01", "AA")]


def test_only_the_rating_files_in_the_workspace_count(ws) -> None:
    copy = dataclasses.replace(ws, analyst_ratings=[a for a in ws.analyst_ratings if a.analyst != "Cat"])
    frame = disagreement(copy)
    assert "Cat" not in frame.columns and ("RT-03", "BB") not in set(zip(frame.indicator, frame.scenario))
    assert frame.iloc[0][["indicator", "scenario", "spread", "apart"]].tolist() == \
        ["RT-02", "AA", 2, [("Ann", "HL", "Bob", "C")]]


def test_no_rating_files_give_empty_tables_with_their_columns() -> None:
    tiny = load_workspace(FIXTURES / "tiny", today=TODAY)
    assert disagreement(tiny).empty and list(disagreement(tiny).columns)[:2] == ["indicator", "scenario"]
    assert analyst_summary(tiny).empty and "mean_steps_off" in analyst_summary(tiny).columns


def test_analyst_summary(ws) -> None:
    summary = analyst_summary(ws)
    assert summary.to_dict("records") == [
        {"analyst": "Ann", "rated": 5, "compared": 5, "agree": 1, "mean_steps_off": 1.0},
        {"analyst": "Bob", "rated": 5, "compared": 5, "agree": 5, "mean_steps_off": 0.0},
        {"analyst": "Cat", "rated": 5, "compared": 5, "agree": 2, "mean_steps_off": 0.8},
    ]


def test_an_analyst_with_nothing_on_the_board_has_no_mean(ws) -> None:
    copy = dataclasses.replace(ws, indicators=[])
    assert analyst_summary(copy)[["rated", "agree"]].values.tolist() == [[0, 0]] * 3
    assert all(math.isnan(m) for m in analyst_summary(copy)["mean_steps_off"])
