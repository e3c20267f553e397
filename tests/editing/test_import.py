"""Importing a CSV file (editing/importer.py): planning in one pass, progress, the signed-in rule and the
one size limit. Every write goes to a copy of a fixture in tmp_path.

Hand-worked facts of the tiny fixture: TT-01 has indications TT-01.1 (2024-01-05) and TT-01.2
(2024-02-20, value 4 launches) and assessments dated 2024-01-10 and 2024-03-01; TT-02 has an empty
indication list (`indications` absent) and one assessment; TT-04 has no entries and no `added` date.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml

from indicators.editing import importer, updates
from indicators.editing.updates import EditRefused
from indicators.workspace.load import load_workspace

from tests.conftest import FIXTURES

TODAY = dt.date(2024, 6, 1)
HEADER = "indicator,date,summary,source,reliability,credibility,value,unit,status,confidence,rationale\n"
# Rows out of date order, two on one day, an assessment before and after the ones in the file, a first
# entry of an empty list and of an indicator without entries (an `added:` date is pinned), a
# multi-line cell, a text that must be quoted, a value in the series' unit, a bad row and a repeat.
ROWS = [
    "TT-01,2024-03-05,Third sighting,Wire,B,2,,,,,",
    "TT-01,2024-01-07,Early report: a rumour,Radio,C,3,,,emerging,low,Rumour only",
    'tt-01,2024-02-20,"Seen, twice:\nonce at night",Wire,B,2,6,launches,observed,moderate,Both counted',
    "TT-02,2024-01-20,First entry of an empty list,Wire,B,2,,,,,",
    "TT-04,2024-02-02,First entry of an indicator,Wire,B,2,,,emerging,low,New",
    "TT-04,2024-01-03,Earlier than the first,Wire,A,1,,,,,",
    "TT-03,2024-02-15,Between the two,Wire,Z,2,,,,,",
    "TT-01,2024-03-05,Third sighting,Wire,B,2,,,,,",
    "TT-03,2024-02-01,Same day as the assessment,Wire,B,2,,,negated,high,Seen to be false",
]


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURES / "tiny", tmp_path / "tiny"))


def _csv(folder: Path, name: str, rows: list[str]) -> Path:
    path = folder / name
    path.write_text(HEADER + "".join(row + "\n" for row in rows), encoding="utf-8")
    return path


def _texts(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*.yaml"))}


# ----------------------------------------------------------------------------- 5b: linear planning


def _composed(monkeypatch, tiny: Path, tmp_path: Path, count: int) -> int:
    """How many times planning an import of `count` rows on one indicator parses a YAML file's text."""
    calls = []
    real = yaml.compose
    monkeypatch.setattr(yaml, "compose", lambda *a, **k: calls.append(1) or real(*a, **k))
    rows = [f"TT-01,2024-04-{1 + n % 28:02d},Report number {n},Wire,B,2,,,,," for n in range(count)]
    importer.plan_import(load_workspace(tiny), _csv(tmp_path, f"r{count}.csv", rows), analyst="Cat", today=TODAY)
    monkeypatch.setattr(yaml, "compose", real)
    return len(calls)


def test_planning_an_import_parses_each_file_a_fixed_number_of_times_whatever_the_rows(
        monkeypatch, tiny: Path, tmp_path: Path) -> None:
    # One by one, each row parsed the whole growing file again: 2,000 rows took minutes (quadratic).
    assert _composed(monkeypatch, tiny, tmp_path, 120) == _composed(monkeypatch, tiny, tmp_path, 12)


def _odd_layout(root: Path) -> None:
    """The tiny fixture with CRLF line ends, comments and a blank line between entries, no final newline."""
    core = root / "indicators" / "core.yaml"
    text = core.read_text().replace("        unit: launches\n", "        unit: launches\n        # counted\n\n")
    text = text.replace("        cites: [TT-01.1]\n", "        cites: [TT-01.1]   # first\n  # between\n")
    core.write_bytes(text.rstrip("\n").replace("\n", "\r\n").encode())


@pytest.mark.parametrize("fixture", ["tiny", "tiny-crlf", "styled", "living", "careless"])
def test_one_pass_import_writes_the_bytes_that_rows_imported_one_at_a_time_write(tmp_path: Path,
                                                                                 fixture: str) -> None:
    """The oracle: each row imported on its own, one after another (the planning before this change)."""
    together = Path(shutil.copytree(FIXTURES / fixture.removesuffix("-crlf"), tmp_path / "together"))
    alone = Path(shutil.copytree(FIXTURES / fixture.removesuffix("-crlf"), tmp_path / "alone"))
    if fixture.endswith("-crlf"):
        _odd_layout(together)
        _odd_layout(alone)
    ws = load_workspace(together)
    ids = [i.id for i in ws.indicators if i.retired is None][:4]
    rows = [f"{ids[n % len(ids)]},2024-0{1 + n % 3}-{10 + n:02d},Report {n}: seen,Wire,B,2,,"
            + (",observed,low,Seen" if n % 3 == 0 else ",,,") for n in range(9)]
    if fixture.startswith("tiny"):
        rows = [r for r in ROWS if ",Z," not in r]
    edit = importer.plan_import(ws, _csv(tmp_path, "all.csv", rows), analyst="Cat", today=TODAY)
    updates.apply_edit(edit)
    for n, row in enumerate(rows):
        one = importer.plan_import(load_workspace(alone), _csv(tmp_path, f"one{n}.csv", [row]), analyst="Cat",
                                   today=TODAY)
        updates.apply_edit(one)
    assert _texts(together) == _texts(alone)
    assert len(load_workspace(together).errors) == len(ws.errors)  # (the careless fixture has some already)


def test_one_pass_planning_matches_row_by_row_planning_with_bad_rows_too(tiny: Path, tmp_path: Path) -> None:
    ws = load_workspace(tiny)
    path = _csv(tmp_path, "mixed.csv", ROWS)
    rows = importer.read_rows(path)
    by_row = importer._plan_rows(ws, path, rows, "Cat", TODAY, check=False)
    one_pass = importer._FastPlan(ws, rows, "Cat", TODAY, None).run(path)
    assert (one_pass.pending, one_pass.problems, one_pass.notes, one_pass.added) == (
        by_row.pending, by_row.problems, by_row.notes, by_row.added)
    assert [(p.line, p.code.value) for p in one_pass.problems] == [(9, "bad-value")]
    assert "line 10: repeats line 2, skipped" in one_pass.notes


def test_hand_worked_import_into_the_tiny_fixture(tiny: Path, tmp_path: Path) -> None:
    rows = ["TT-01,2024-03-05,Third sighting,Wire,B,2,,,,,",
            "TT-01,2024-01-07,Early report: a rumour,Radio,C,3,,,emerging,low,Rumour only"]
    edit = importer.plan_import(load_workspace(tiny), _csv(tmp_path, "two.csv", rows), analyst="Cat", today=TODAY)
    assert edit.notes == ["line 2: TT-01.3", "line 3: TT-01.4, TT-01@2024-01-07"]
    after = edit.after.splitlines()
    # each new entry after the last one dated on or before it: TT-01.1 (01-05), TT-01.4 (01-07), TT-01.2
    # (02-20), TT-01.3 (03-05); the assessment of 2024-01-07 before the one of 2024-01-10
    assert [line for line in after if line.startswith("      - id: TT-01.")] == [
        "      - id: TT-01.1", "      - id: TT-01.4", "      - id: TT-01.2", "      - id: TT-01.3"]
    assert after.index("      - date: 2024-01-07") < after.index("      - date: 2024-01-10")
    assert after[after.index("      - date: 2024-01-07"):after.index("      - date: 2024-01-07") + 6] == [
        "      - date: 2024-01-07", "        status: emerging", "        confidence: low", "        analyst: Cat",
        "        rationale: Rumour only", "        cites: [TT-01.4]"]


def test_an_error_the_rows_make_together_is_located_at_its_row_either_way(monkeypatch, tiny: Path,
                                                                         tmp_path: Path) -> None:
    rows = ["TT-03,2024-02-10,Counted,Wire,B,2,3,trains,,,", "TT-03,2024-02-12,Counted again,Wire,B,2,5,tanks,,,"]
    path = _csv(tmp_path, "units.csv", rows)
    located = []
    for one_by_one in (importer.ONE_BY_ONE_ROWS, 0):  # few rows: planned again one by one; many: by their lines
        monkeypatch.setattr(importer, "ONE_BY_ONE_ROWS", one_by_one)
        with pytest.raises(EditRefused) as refused:
            importer.plan_import(load_workspace(tiny), path, analyst="Cat", today=TODAY)
        located.append([(p.path, p.line, p.code.value) for p in refused.value.problems])
    assert located[0] == located[1] == [(str(path), 3, "unit-mismatch")]


def test_progress_is_reported_as_the_rows_are_planned(tiny: Path, tmp_path: Path) -> None:
    seen: list[tuple[int, int, str]] = []
    rows = [f"TT-01,2024-04-{1 + n:02d},Report {n},Wire,B,2,,,,," for n in range(5)]
    importer.plan_import(load_workspace(tiny), _csv(tmp_path, "p.csv", rows), analyst="Cat", today=TODAY,
                         progress=lambda done, total, what: seen.append((done, total, what)))
    assert seen[0] == (0, 5, "planning rows") and (5, 5, "planning rows") in seen
    assert seen[-1] == (5, 5, "checking the workspace")
    assert [done for done, _, _ in seen] == sorted(done for done, _, _ in seen)


# ----------------------------------------------------------------------------- 7a: identity on a signed-in board


def test_on_a_signed_in_board_an_analyst_column_is_refused_at_its_header_cell(tiny: Path, tmp_path: Path) -> None:
    path = tmp_path / "forged.csv"
    path.write_text('indicator,date,"summary",source,reliability,credibility,analyst\n'  # analyst: column 57
                    "TT-01,2024-04-01,Seen,Wire,B,2,Chief <chief@example.org>\n")
    with pytest.raises(EditRefused) as refused:
        importer.plan_import(load_workspace(tiny), path, today=TODAY, signed_in="Ann Analyst <ann@example.org>")
    [problem] = refused.value.problems
    assert (problem.path, problem.line, problem.column, problem.code.value) == (str(path), 1, 57, "import-identity")
    assert "signed-in" in problem.message and "analyst" in problem.hint
    # off a signed-in board (the CLI, a local app) the column is read as before
    edit = importer.plan_import(load_workspace(tiny), path, analyst="Cat", today=TODAY)
    assert 'analyst: "Chief <chief@example.org>"' in edit.after


def test_on_a_signed_in_board_every_row_is_signed_with_the_identity(tiny: Path, tmp_path: Path) -> None:
    rows = ["TT-01,2024-04-01,Seen,Wire,B,2,,,observed,low,Seen"]
    edit = importer.plan_import(load_workspace(tiny), _csv(tmp_path, "ok.csv", rows), analyst="Typed Name",
                                today=TODAY, signed_in="Ann Analyst <ann@example.org>")
    updates.apply_edit(edit)
    item = load_workspace(tiny).indicator_by_id["TT-01"]
    assert item.indications[-1].analyst == item.assessments[-1].analyst == "Ann Analyst <ann@example.org>"


# ----------------------------------------------------------------------------- 10: one size limit


def test_an_import_text_over_the_one_size_limit_is_refused_before_it_is_parsed(monkeypatch, tiny: Path,
                                                                               tmp_path: Path) -> None:
    monkeypatch.setenv("INDICATORS_MAX_FILE_MB", "0.001")  # 1,048 bytes
    text = HEADER + "TT-01,2024-04-01,Seen,Wire,B,2,,,,,\n" * 40
    monkeypatch.setattr(importer.csv, "reader", lambda *a, **k: pytest.fail("parsed"))
    with pytest.raises(EditRefused) as refused:
        importer.plan_import(load_workspace(tiny), tmp_path / "big.csv", text=text, today=TODAY)
    assert [p.code.value for p in refused.value.problems] == ["file-too-large"]
    assert refused.value.problems[0].message == "file is 1.5 KB, over the limit of 1.0 KB"
