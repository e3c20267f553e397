"""Page and report tables (indicators.presentation.tables) on the tiny fixture, against hand-worked answers.

Tiny fixture: TT-01 emerging from 2024-01-10, observed from 2024-03-01; indications TT-01.1
(2024-01-05, https link, B2) and TT-01.2 (2024-02-20, no link, C3, value 4 launches). TT-04 is
expected by 2024-02-29 and never assessed. Scenario AA judged unlikely (2024-01-01) then likely
(2024-03-05); BB has no judgment.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from indicators.presentation import tables
from indicators.scoring import warning
from indicators.workspace.load import load_workspace
from indicators.workspace.problems import Problem, Severity
from indicators.workspace.vocab import STATUS

from tests.conftest import FIXTURES, TODAY

FEB_15, MAR_15 = dt.date(2024, 2, 15), dt.date(2024, 3, 15)


@pytest.fixture(scope="module")
def ws():
    return load_workspace(FIXTURES / "tiny", today=TODAY)


def test_checklist_table_uses_labels(ws):
    table = tables.checklist_table(warning.status_as_of(ws, FEB_15))
    assert list(table.columns) == tables.CHECKLIST_COLUMNS
    row = table.set_index("ID").loc["TT-01"]
    assert row["Status"] == STATUS.label("emerging") and row["Priority"] == "High"
    assert row["Last assessed"] == dt.date(2024, 1, 10) and row["Indications"] == 1


def test_colour_cells_colours_status_by_vocab(ws):
    table = tables.checklist_table(warning.status_as_of(ws, MAR_15))
    html = tables.colour_cells(table, {"Status": STATUS}).to_html()
    assert STATUS.colour("observed") in html and STATUS.colour("not_observed") in html


def test_ratings_of_gives_weights(ws):
    r = tables.ratings_of(ws, "TT-04").set_index("Scenario")
    assert r.loc["AA", "Rating"] == "HL" and r.loc["AA", "Diagnostic weight"] == 0.5
    assert r.loc["BB", "Meaning"] == "Could" and r.loc["BB", "Diagnostic weight"] == 0.0


def test_changes_table_readable(ws):
    changes = tables.changes_table(ws, FEB_15, MAR_15)
    assert changes["Kind"].tolist() == ["Judgment", "Status", "Indication"]
    assert changes["Subject"].tolist() == ["AA", "TT-01", "TT-01"]


def test_row_height_fits_the_longest_text():
    assert tables.row_height(["short"], 300) == 35
    assert tables.row_height(["x" * 80], 300) == 72  # two lines: the grid wraps from ~70 px
    assert tables.row_height(["x" * 10_000], 300, max_lines=5) == 116
    assert tables.row_height([], 300) == 35 and tables.row_height([None, float("nan")], 300) == 35
    frame = pd.DataFrame({"a": ["x"], "b": ["y" * 80]})
    assert tables.fit_rows(frame, {"a": 300, "b": 300}) == 72 and tables.fit_rows(frame, {"a": 300}) == 35


def test_problems_frame_names_files_relative_to_the_workspace():
    problems = [Problem("/w/data/indicators/a.yaml", 1, 1, "yaml-syntax", "m"),
                Problem("/elsewhere/b.yaml", 1, 1, "yaml-syntax", "m")]
    assert tables.problems_frame(problems, "/w/data")["File"].tolist() == ["/elsewhere/b.yaml", "indicators/a.yaml"]


def test_indications_only_known_ones_with_safe_links(ws):
    feb = tables.indications_of(ws, "TT-01", FEB_15)
    assert feb["ID"].tolist() == ["TT-01.1"]
    mar = tables.indications_of(ws, "TT-01", MAR_15)
    assert mar["ID"].tolist() == ["TT-01.2", "TT-01.1"]  # newest first
    assert mar["Link"].isna().tolist() == [True, False] and mar["Link"].iloc[1] == "https://example.org/a"
    assert mar["Grade meaning"].iloc[1] == "Usually reliable · Probably true"
    assert mar["Value"].tolist() == ["4 launches", ""]


def test_coverage_table(ws):
    c = tables.coverage_table(ws).set_index("Scenario")
    assert c.loc["AA", "Diagnostic indicators"] == 2 and c.loc["AA", "Too few"]


def test_problems_frame_errors_first():
    problems = [Problem("b.yaml", 3, 1, "yaml11-text", "warn", severity=Severity.WARNING),
                Problem("a.yaml", 9, 2, "yaml-syntax", "err", "fix it")]
    frame = tables.problems_frame(problems)
    assert frame["Severity"].tolist() == ["error", "warning"]
    assert list(frame.columns) == tables.PROBLEM_COLUMNS
    assert tables.problems_frame([]).empty
