"""Analysts' own ratings (`ratings/*.yaml`): read like every workspace file, checked against the workspace,
bad cells dropped one by one, and never part of the board's scores.

Fixture tests/fixtures/ratings: scenarios AA, BB; indicators RT-01..03; analysts Ann, Bob, Cat.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from indicators.scoring import warning
from indicators.workspace.load import load_workspace
from indicators.workspace.problems import Code, Problem
from indicators.workspace.ratings import RATINGS_DIR, AnalystRatings, read_analyst_ratings
from indicators.workspace.vocab import Marking, Rating

from tests.conftest import FIXTURES, TODAY

RATINGS = FIXTURES / "ratings"


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """A copy of the ratings fixture to break."""
    return Path(shutil.copytree(RATINGS, tmp_path / "ws"))


def write(root: Path, name: str, text: str) -> Path:
    path = root / RATINGS_DIR / name
    path.write_text(text, encoding="utf-8")
    return path


def found(ws, file: str, code: Code) -> list[Problem]:
    return [p for p in ws.problems if p.path.endswith(file) and p.code == code]


def test_the_fixture_loads_every_analyst_without_problems() -> None:
    ws = load_workspace(RATINGS, today=TODAY)
    assert ws.problems == []
    assert [a.analyst for a in ws.analyst_ratings] == ["Ann", "Bob", "Cat"]
    ann = ws.analyst_ratings[0]
    assert isinstance(ann, AnalystRatings) and ann.path == RATINGS / "ratings" / "ann.yaml"
    assert (ann.date, ann.marking, ann.note) == (dt.date(2024, 1, 10), Marking.CLEAR, "Rated before the team meeting.")
    assert ann.ratings == {"RT-01": {"AA": "L", "BB": "C"}, "RT-02": {"AA": "HL", "BB": "HL"}, "RT-03": {"AA": "U"}}
    assert ann.rating("RT-03", "AA") is Rating.U and ann.rating("RT-03", "BB") is None
    assert [p.relative_to(RATINGS).as_posix() for p in ws.files] == [
        "workspace.yaml", "indicators/core.yaml", "ratings/ann.yaml", "ratings/bob.yaml", "ratings/cat.yaml"]


def test_a_workspace_without_ratings_folder_is_normal() -> None:
    ws = load_workspace(FIXTURES / "tiny", today=TODAY)
    assert ws.analyst_ratings == [] and ws.problems == []


def test_rating_files_never_change_the_scores(copy: Path) -> None:
    with_ratings = load_workspace(copy, today=TODAY)
    shutil.rmtree(copy / RATINGS_DIR)
    without = load_workspace(copy, today=TODAY)
    assert len(with_ratings.analyst_ratings) == 3 and without.analyst_ratings == []
    pd.testing.assert_frame_equal(warning.warning_levels(with_ratings, "2024-03-01"),
                                  warning.warning_levels(without, "2024-03-01"))
    pd.testing.assert_frame_equal(warning.diagnostic_weights(with_ratings), warning.diagnostic_weights(without))
    assert [i.ratings for i in with_ratings.indicators] == [i.ratings for i in without.indicators]


def test_an_unknown_indicator_is_located_at_its_key(copy: Path) -> None:
    write(copy, "dan.yaml", "analyst: Dan\nratings:\n  RT-01: {AA: L}\n  RT-09: {AA: C}\n")
    ws = load_workspace(copy, today=TODAY)
    [problem] = found(ws, "dan.yaml", Code.UNKNOWN_INDICATOR)
    assert (problem.line, problem.column, problem.is_error) == (4, 3, True)
    assert "RT-09" in problem.message and "did you mean" in problem.hint
    assert ws.analyst_ratings[-1].analyst == "Dan"  # the file still counts; the cell is simply not on the board


def test_an_unknown_scenario_is_located_at_its_key(copy: Path) -> None:
    write(copy, "dan.yaml", "analyst: Dan\nratings:\n  RT-01:\n    AA: L\n    ZZ: C\n")
    [problem] = found(load_workspace(copy, today=TODAY), "dan.yaml", Code.UNKNOWN_SCENARIO)
    assert (problem.line, problem.column) == (5, 5)
    assert "'ZZ'" in problem.message and problem.hint == "scenarios are: AA, BB"


def test_a_second_file_for_one_analyst_is_located_at_its_analyst_and_left_out(copy: Path) -> None:
    write(copy, "ann-again.yml", "# a second try\nanalyst: ann\nratings:\n  RT-01: {AA: HU}\n")
    ws = load_workspace(copy, today=TODAY)
    [problem] = found(ws, "ann-again.yml", Code.DUPLICATE_ANALYST)
    assert (problem.line, problem.column) == (2, 10)
    assert "ratings/ann.yaml" in problem.message and problem.hint == Code.DUPLICATE_ANALYST.hint
    assert [a.analyst for a in ws.analyst_ratings] == ["Ann", "Bob", "Cat"]
    assert ws.analyst_ratings[0].rating("RT-01", "AA") == "L"
    assert ws.files[-1].name == "ann-again.yml"  # .yml files are read after the .yaml ones


def test_a_bad_rating_is_located_and_only_that_cell_is_dropped(copy: Path) -> None:
    write(copy, "bob.yaml", "analyst: Bob\nratings:\n  RT-01: {AA: XX, BB: U}\n  RT-02: {AA: C}\n")
    ws = load_workspace(copy, today=TODAY)
    [problem] = found(ws, "bob.yaml", Code.BAD_VALUE)
    assert (problem.line, problem.column) == (3, 15)
    assert problem.message == "'XX' is not an allowed rating against scenario AA"
    assert "'HL', 'L', 'C', 'U' or 'HU'" in problem.hint
    bob = next(a for a in ws.analyst_ratings if a.analyst == "Bob")
    assert bob.ratings == {"RT-01": {"BB": "U"}, "RT-02": {"AA": "C"}}


def test_bad_ids_and_a_bad_entry_drop_only_themselves(copy: Path) -> None:
    write(copy, "bob.yaml", "analyst: Bob\nratings:\n  rt-01: {AA: L}\n  RT-02: {aa: C, BB: L}\n"
                            "  RT-03: HU\n  RT-01: {AA: U}\n")
    ws = load_workspace(copy, today=TODAY)
    places = sorted((p.line, p.column, p.code) for p in ws.problems if p.path.endswith("bob.yaml"))
    assert places == [(3, 3, Code.BAD_ID), (4, 11, Code.BAD_ID), (5, 10, Code.WRONG_TYPE)]
    bob = next(a for a in ws.analyst_ratings if a.analyst == "Bob")
    assert bob.ratings == {"RT-02": {"BB": "L"}, "RT-01": {"AA": "U"}}


def test_a_file_without_analyst_is_located_and_not_read(copy: Path) -> None:
    write(copy, "nobody.yaml", "date: 2024-01-01\nratings:\n  RT-01: {AA: L}\n")
    ws = load_workspace(copy, today=TODAY)
    assert [(p.line, p.code) for p in ws.problems] == [(1, Code.MISSING_FIELD)]
    assert len(ws.analyst_ratings) == 3


def test_an_unknown_key_suggests_the_field(copy: Path) -> None:
    write(copy, "dan.yaml", "analyst: Dan\nrating:\n  RT-01: {AA: L}\n")
    [problem] = load_workspace(copy, today=TODAY).problems
    assert (problem.code, problem.line, problem.hint) == (Code.UNKNOWN_KEY, 2, "did you mean 'ratings'?")


def test_ratings_that_is_not_a_folder_is_a_problem(tmp_path: Path) -> None:
    root = Path(shutil.copytree(FIXTURES / "tiny", tmp_path / "ws"))
    (root / RATINGS_DIR).write_text("oops", encoding="utf-8")
    ws = load_workspace(root, today=TODAY)
    [problem] = ws.problems
    assert problem.code == Code.NOT_A_FOLDER and problem.path.endswith("ratings")
    assert problem.hint == "keep rating files in a folder named ratings/"
    assert ws.analyst_ratings == []


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_a_rating_file_linking_outside_the_folder_is_not_read(copy: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text("analyst: Eve\nratings: {}\n", encoding="utf-8")
    (copy / RATINGS_DIR / "eve.yaml").symlink_to(outside)
    ws = load_workspace(copy, today=TODAY)
    assert [p.code for p in ws.problems] == [Code.OUTSIDE_FOLDER]
    assert "Eve" not in [a.analyst for a in ws.analyst_ratings]


def test_a_proposed_new_rating_file_is_validated_with_the_rest(copy: Path) -> None:
    path = copy / RATINGS_DIR / "dan.yaml"
    ws = load_workspace(copy, today=TODAY, overrides={path: "analyst: Dan\nratings:\n  RT-01: {AA: XX}\n"})
    assert [(p.path.endswith("dan.yaml"), p.line, p.code) for p in ws.problems] == [(True, 3, Code.BAD_VALUE)]
    assert ws.analyst_ratings[-1].analyst == "Dan" and not path.exists()


def test_read_analyst_ratings_on_its_own_matches_the_loader() -> None:
    ws = load_workspace(RATINGS, today=TODAY)
    analysts, files, problems = read_analyst_ratings(ws)
    assert analysts == ws.analyst_ratings and files == ws.files[2:] and problems == []
