"""The loader: every problem class found at its exact place, and the rest still loaded."""

from __future__ import annotations

from pathlib import Path

import pytest

from indicators.workspace.load import load_workspace
from indicators.workspace.problems import Problem
from indicators.workspace.yaml_reader import parse_text

from tests.conftest import FIXTURES, TODAY

BROKEN = FIXTURES / "broken"


@pytest.fixture(scope="module")
def broken():
    return load_workspace(BROKEN, today=TODAY)


def find(ws, file: str, code: str) -> list[Problem]:
    return [p for p in ws.problems if p.path.endswith(file) and p.code == code]


@pytest.mark.parametrize(
    ("file", "code", "line", "column", "severity"),
    [
        ("syntax-error.yaml", "yaml-syntax", 7, 1, "error"),
        ("wrong-type.yaml", "wrong-type", 7, 7, "error"),
        ("bad-scale.yaml", "bad-value", 6, 27, "error"),
        ("bad-scale.yaml", "bad-value", 13, 17, "error"),
        ("unknown-key.yaml", "unknown-key", 6, 5, "error"),
        ("missing-field.yaml", "missing-field", 8, 9, "error"),
        ("duplicate-key.yaml", "duplicate-key", 6, 5, "error"),
        ("duplicate-id-b.yaml", "duplicate-id", 7, 5, "error"),
        ("unknown-refs.yaml", "unknown-scenario", 6, 30, "error"),
        ("unknown-refs.yaml", "unknown-indication", 13, 17, "error"),
        ("cites-later.yaml", "cites-later-indication", 20, 17, "error"),
        ("yaml11.yaml", "yaml11-text", 4, 12, "warning"),
        ("yaml11.yaml", "yaml11-text", 5, 15, "warning"),
        ("yaml11.yaml", "yaml11-text", 6, 17, "warning"),
        ("future-date.yaml", "future-date", 9, 15, "warning"),
        ("workspace.yaml", "future-date", 10, 15, "warning"),
    ],
)
def test_problem_is_found_at_its_line(broken, file, code, line, column, severity) -> None:
    places = [(p.line, p.column, p.severity.value) for p in find(broken, file, code)]
    assert (line, column, severity) in places, broken.problems


def test_messages_say_how_to_fix(broken) -> None:
    assert "did you mean 'priority'" in find(broken, "unknown-key.yaml", "unknown-key")[0].hint
    scale = find(broken, "bad-scale.yaml", "bad-value")
    assert any("'HL', 'L', 'C', 'U' or 'HU'" in p.hint for p in scale)
    assert any("not_observed" in p.hint for p in scale)
    assert "line 4" in find(broken, "duplicate-key.yaml", "duplicate-key")[0].message
    assert "duplicate-id-a.yaml:3" in find(broken, "duplicate-id-b.yaml", "duplicate-id")[0].message
    assert find(broken, "yaml11.yaml", "yaml11-text")[0].hint == 'quote it: "NO"'
    assert "began at line 5" in find(broken, "syntax-error.yaml", "yaml-syntax")[0].message


def test_one_broken_file_never_stops_the_rest(broken) -> None:
    ids = set(broken.indicator_by_id)
    assert {"GD-01", "BS-02", "DU-01", "DU-02", "UR-01", "CL-01", "YL-01", "FD-01", "DK-01", "MF-01"} <= ids
    assert "SY-01" not in ids  # unreadable file
    assert "WT-01" not in ids  # invalid indicator dropped, not the file
    assert "BS-01" not in ids
    assert broken.indicator_by_id["DU-01"].title == "First of two with this id"
    assert [s.id for s in broken.scenarios] == ["AA", "BB"]


def test_bad_item_drops_only_itself(broken) -> None:
    assert broken.indicator_by_id["BS-02"].assessments == []  # the bad assessment, not the indicator
    assert broken.indicator_by_id["MF-01"].indications == []


def test_yaml11_text_is_kept_as_written(broken) -> None:
    yl = broken.indicator_by_id["YL-01"]
    assert (yl.title, yl.criteria, yl.source_ref) == ("NO", "on", "010")


def test_duplicate_key_keeps_first_and_reports_it(broken) -> None:
    assert broken.indicator_by_id["DK-01"].title == "First title"


def test_theme_comes_from_the_file(broken) -> None:
    assert broken.indicator_by_id["GD-01"].theme == "good"


def test_clean_fixture_has_no_problems() -> None:
    ws = load_workspace(FIXTURES / "tiny", today=TODAY)
    assert ws.problems == []
    assert len(ws.indicators) == 4


def test_missing_folder_is_a_problem_not_an_exception(tmp_path: Path) -> None:
    ws = load_workspace(tmp_path / "nowhere", today=TODAY)
    assert [p.code for p in ws.errors] == ["missing-workspace-file"]
    assert ws.indicators == []


def test_broken_workspace_file_still_opens_marked_red(tmp_path: Path) -> None:
    (tmp_path / "workspace.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    ws = load_workspace(tmp_path, today=TODAY)
    assert ws.errors[0].code == "yaml-syntax"
    assert ws.meta.marking.value == "RED"


def test_invalid_top_level_field_falls_back_and_keeps_scenarios(tmp_path: Path) -> None:
    (tmp_path / "workspace.yaml").write_text(
        "title: T\nquestion: Q\nmarking: PURPLE\nreview_cadence_days: 30\n"
        "scenarios:\n  - id: AA\n    title: A\n", encoding="utf-8")
    ws = load_workspace(tmp_path, today=TODAY)
    assert [(p.code, p.line) for p in ws.errors] == [("bad-value", 3)]
    assert ws.meta.marking.value == "RED" and [s.id for s in ws.scenarios] == ["AA"]
    assert ws.meta.title == "T"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("a: &x [1, 2]\nb: *x\n", "alias"),
        ("a: !!python/object/apply:os.system ['echo hi']\n", "unsafe-tag"),
        ("a: " + "[" * 100 + "]" * 100 + "\n", "too-deep"),
        ("a: " + "[" * 50000 + "]" * 50000 + "\n", "too-deep"),
        ("<<: {a: 1}\n", "merge-key"),
        ("a: !!binary aGVsbG8=\n", "unsafe-tag"),
    ],
)
def test_dangerous_yaml_is_refused(text: str, code: str) -> None:
    parsed = parse_text(text, "x.yaml")
    assert parsed.data is None
    assert [p.code for p in parsed.problems] == [code]


def test_invalid_utf8_is_located(tmp_path: Path) -> None:
    (tmp_path / "workspace.yaml").write_bytes(b"title: ok\nquestion: \xff\xfe\n")
    ws = load_workspace(tmp_path, today=TODAY)
    assert [(p.code, p.line, p.column) for p in ws.errors] == [("encoding", 2, 11)]


def test_oversized_file_is_refused(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("INDICATORS_MAX_FILE_MB", "0.001")
    (tmp_path / "workspace.yaml").write_text("title: x\n" + "# padding\n" * 200, encoding="utf-8")
    ws = load_workspace(tmp_path, today=TODAY)
    assert ws.errors[0].code == "file-too-large" and "limit" in ws.errors[0].message


def test_careless_hand_edits_are_located_errors() -> None:
    """tests/fixtures/careless: one careless edit per indicator, each reported where it stands."""
    ws = load_workspace(FIXTURES / "careless")
    found = [(p.line, p.column, p.code, p.severity.value) for p in ws.problems]
    assert found == [(13, 20, "blank-text", "error"),  # rationale: "   "
                     (27, 18, "duplicate-indication", "error"),  # CC-02.2's summary repeats CC-02.1
                     (41, 17, "cites-other-indicator", "error"),  # CC-03 cites CC-02.1
                     (62, 15, "unit-mismatch", "error")]  # CC-04.2 in wagons after CC-04.1 in trains
    assert "CC-02.2 repeats CC-02.1" in ws.problems[1].message
    assert "an indication of CC-02" in ws.problems[2].message


def test_a_date_the_board_cannot_compute_with_is_a_located_error(tmp_path: Path) -> None:
    """pandas timestamps span 1678 to 2261: a date of 1600 used to pass validation and then break
    `status` and `export`; it is refused where it is written."""
    import shutil

    ws_dir = Path(shutil.copytree(FIXTURES / "tiny", tmp_path / "tiny"))
    core = ws_dir / "indicators" / "core.yaml"
    core.write_text(core.read_text().replace("date: 2024-01-05", "date: 1600-01-05"))
    ws = load_workspace(ws_dir)
    assert (ws.errors[0].line, ws.errors[0].code) == (10, "out-of-range")
    assert "1900-01-01" in ws.errors[0].message
    assert {p.code for p in ws.errors[1:]} == {"unknown-indication"}  # the dropped indication's citations


def test_the_cli_refuses_an_as_of_date_outside_the_span(capsys) -> None:
    from indicators.cli import main

    with pytest.raises(SystemExit) as usage:
        main(["status", "--data", str(FIXTURES / "tiny"), "--as-of", "9999-12-31"])
    assert usage.value.code == 2 and "outside the dates the board handles" in capsys.readouterr().err
