"""The living-checklist verbs: what each writes (only added lines), and each refusal (nothing written)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from indicators.cli import main
from indicators.editing import checklist, importer, updates
from indicators.editing.updates import EditRefused
from indicators.workspace.load import load_workspace

from tests.conftest import FIXTURES
from tests.editing.test_updates import changed_lines, digest

TODAY = dt.date(2024, 12, 1)


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURES / "tiny", tmp_path / "tiny"))


def _write(root: Path, planner, *args, **kwargs):
    return updates.update(root, planner, *args, analyst="Cat", today=TODAY, **kwargs)


def test_withdrawal_and_retirement_only_add_lines_under_the_entry(tiny: Path) -> None:
    core = tiny / "indicators" / "core.yaml"
    before = core.read_text()
    _write(tiny, checklist.plan_withdrawal, "tt-01.2", date=dt.date(2024, 3, 10), reason="Duplicate report")
    _write(tiny, checklist.plan_withdrawal, "TT-01@2024-03-01", date=dt.date(2024, 3, 10), reason="Rested on it")
    _write(tiny, checklist.plan_retirement, "TT-04", date=dt.date(2024, 4, 1), reason="Overtaken")
    removed, added = changed_lines(before, core.read_text())
    assert removed == []
    assert added == ["        withdrawn:", "          date: 2024-03-10", "          reason: Duplicate report",
                     "          analyst: Cat", "        withdrawn:", "          date: 2024-03-10",
                     "          reason: Rested on it", "          analyst: Cat", "    retired:",
                     "      date: 2024-04-01", "      reason: Overtaken", "      analyst: Cat"]
    ws = load_workspace(tiny)
    assert ws.errors == []
    tt01 = ws.indicator_by_id["TT-01"]
    assert tt01.indications[1].withdrawn.reason == "Duplicate report"
    assert tt01.assessments[1].withdrawn.date == dt.date(2024, 3, 10)
    assert ws.indicator_by_id["TT-04"].retired.reason == "Overtaken"


def test_a_judgment_is_withdrawn_by_its_name(tiny: Path) -> None:
    edit = _write(tiny, checklist.plan_withdrawal, "AA@2024-03-05", date=dt.date(2024, 3, 6), reason="Wrong file")
    assert (edit.kind, edit.new_id, edit.path.name) == ("withdrawal", "AA@2024-03-05", "workspace.yaml")
    assert load_workspace(tiny).scenario_by_id["AA"].judgments[1].withdrawn.reason == "Wrong file"


@pytest.mark.parametrize(("planner", "args", "kwargs", "code"), [
    (checklist.plan_withdrawal, ["TT-01.9"], {"date": dt.date(2024, 3, 1), "reason": "x"}, "unknown-entry"),
    (checklist.plan_withdrawal, ["TT-01.1"], {"date": dt.date(2024, 1, 1), "reason": "x"}, "withdrawn-before-entry"),
    (checklist.plan_withdrawal, ["TT-01.1"], {"date": dt.date(2024, 3, 1), "reason": "  "}, "blank-text"),
    (checklist.plan_withdrawal, ["TT-01.1"], {"date": dt.date(2025, 3, 1), "reason": "x"}, "future-date"),
    (checklist.plan_retirement, ["TT-09"], {"date": dt.date(2024, 3, 1), "reason": "x"}, "unknown-indicator"),
    (checklist.plan_review, ["TT-04"], {"date": dt.date(2024, 3, 1), "rationale": "x"}, "missing-field"),
    (checklist.plan_add_indicator, ["TT-01"], {"date": dt.date(2024, 3, 1), "title": "t", "criteria": "c",
                                               "theme": "core", "ratings": {"AA": "HL", "BB": "U"}}, "id-taken"),
    (checklist.plan_add_indicator, ["TT-05"], {"date": dt.date(2024, 3, 1), "title": "t", "criteria": "c",
                                               "theme": "core", "ratings": {"AA": "HL"}}, "missing-rating"),
    (checklist.plan_add_indicator, ["TT-05"], {"date": dt.date(2024, 3, 1), "title": "t", "criteria": "c",
                                               "theme": "core", "ratings": {"AA": "HL", "BB": "maybe"}}, "bad-value"),
    (checklist.plan_add_scenario, ["AA"], {"date": dt.date(2024, 3, 1), "title": "t"}, "id-taken"),
    (checklist.plan_add_scenario, ["CC"], {"date": dt.date(2024, 3, 1), "title": "t", "ratings": {"TT-09": "L"}},
     "unknown-indicator"),
])
def test_a_refused_change_names_the_problem_and_changes_no_byte(tiny: Path, planner, args, kwargs, code) -> None:
    before = digest(tiny)
    with pytest.raises(EditRefused) as refused:
        _write(tiny, planner, *args, **kwargs)
    assert code in [p.code.value for p in refused.value.problems]
    assert digest(tiny) == before


def test_a_second_withdrawal_or_retirement_is_refused(tiny: Path) -> None:
    _write(tiny, checklist.plan_withdrawal, "TT-01.1", date=dt.date(2024, 3, 1), reason="Once")
    _write(tiny, checklist.plan_retirement, "BB", date=dt.date(2024, 3, 1), reason="Once")
    for planner, ident in ((checklist.plan_withdrawal, "TT-01.1"), (checklist.plan_retirement, "BB")):
        with pytest.raises(EditRefused, match="already"):
            _write(tiny, planner, ident, date=dt.date(2024, 3, 2), reason="Twice")


def test_no_entry_is_taken_on_or_after_a_retirement(tiny: Path) -> None:
    _write(tiny, checklist.plan_retirement, "TT-02", date=dt.date(2024, 4, 1), reason="Done")
    with pytest.raises(EditRefused, match="was retired on 2024-04-01"):
        _write(tiny, updates.plan_indication, "TT-02", date=dt.date(2024, 4, 1), summary="Late", source="Wire",
               reliability="B", credibility=2)
    _write(tiny, updates.plan_indication, "TT-02", date=dt.date(2024, 3, 31), summary="Back-filled", source="Wire",
           reliability="B", credibility=2)  # history before the retirement can still be completed


def test_a_retirement_before_the_added_date_is_refused(tiny: Path) -> None:
    _write(tiny, checklist.plan_add_indicator, "TT-05", date=dt.date(2024, 3, 1), title="New", criteria="Seen.",
           theme="core", ratings={"aa": "hl", "BB": "u"})
    with pytest.raises(EditRefused) as refused:
        _write(tiny, checklist.plan_retirement, "TT-05", date=dt.date(2024, 2, 1), reason="x")
    assert refused.value.problems[0].code.value == "retired-before-added"


def test_a_review_repeats_the_standing_status_and_clears_staleness(tiny: Path) -> None:
    edit = _write(tiny, checklist.plan_review, "TT-03", date=dt.date(2024, 4, 1), rationale="Nothing new")
    assert edit.new_id == "TT-03@2024-04-01" and edit.entry["review"] is True
    review = load_workspace(tiny).indicator_by_id["TT-03"].assessments[-1]
    assert (review.status.value, review.confidence.value, review.review) == ("observed", "low", True)


def test_two_assessments_on_one_day_get_distinct_names(tiny: Path) -> None:
    first = _write(tiny, updates.plan_assessment, "TT-04", date=dt.date(2024, 4, 1), status="emerging",
                   confidence="low", rationale="First look")
    second = _write(tiny, updates.plan_assessment, "TT-04", date=dt.date(2024, 4, 1), status="observed",
                    confidence="low", rationale="Second look")
    assert (first.new_id, second.new_id) == ("TT-04@2024-04-01", "TT-04@2024-04-01.2")
    _write(tiny, checklist.plan_withdrawal, "tt-04@2024-04-01.2", date=dt.date(2024, 4, 2), reason="Too quick")
    assessments = load_workspace(tiny).indicator_by_id["TT-04"].assessments
    assert [a.withdrawn is not None for a in assessments] == [False, True]


def test_a_new_indicator_takes_the_files_style_and_a_new_theme_makes_a_file(tiny: Path) -> None:
    core = tiny / "indicators" / "core.yaml"
    before = core.read_text()
    _write(tiny, checklist.plan_add_indicator, "TT-05", date=dt.date(2024, 3, 1), title="New sign",
           criteria="Seen.", theme="core", ratings={"AA": "L", "BB": "U"}, actors=["North Korea"])
    removed, added = changed_lines(before, core.read_text())
    assert removed == [] and added == ["  - id: TT-05", "    title: New sign", "    actors: [North Korea]",
                                       "    criteria: Seen.", "    ratings: {AA: L, BB: U}", "    added: 2024-03-01"]
    edit = _write(tiny, checklist.plan_add_indicator, "ny-01", date=dt.date(2024, 3, 1), title="Other",
                  criteria="Seen.", theme="New Theme", ratings={"AA": "C", "BB": "L"})
    assert edit.path == tiny / "indicators" / "new-theme.yaml" and edit.before is None
    assert load_workspace(tiny).indicator_by_id["NY-01"].theme == "new-theme"


def test_a_new_scenario_writes_each_file_once_and_lists_what_is_left_to_rate(tiny: Path) -> None:
    edit = _write(tiny, checklist.plan_add_scenario, "cc", date=dt.date(2024, 3, 1), title="Scenario C",
                  ratings={"TT-01": "C", "tt-02": "hl"})
    assert [p.name for p in edit.paths] == ["workspace.yaml", "core.yaml"]
    assert edit.notes == ["left to rate against CC: TT-03, TT-04"]
    ws = load_workspace(tiny)
    assert ws.scenario_by_id["CC"].added == dt.date(2024, 3, 1)
    assert {i.id: i.ratings.get("CC") for i in ws.indicators} == {"TT-01": "C", "TT-02": "HL", "TT-03": None,
                                                                 "TT-04": None}
    assert sorted(p.message for p in ws.warnings if p.code.value == "missing-rating") == [
        "TT-03 is not rated against CC", "TT-04 is not rated against CC"]


def test_a_cross_citation_is_allowed_for_a_related_indicator_only(tiny: Path) -> None:
    with pytest.raises(EditRefused, match="an indication of TT-01"):
        _write(tiny, updates.plan_assessment, "TT-02", date=dt.date(2024, 3, 1), status="observed",
               confidence="low", rationale="Rests on TT-01's sighting", cites=["TT-01.1"])
    _write(tiny, checklist.plan_add_indicator, "TT-05", date=dt.date(2024, 1, 1), title="Related", criteria="Seen.",
           theme="core", ratings={"AA": "L", "BB": "U"}, related=["tt-01"])
    _write(tiny, updates.plan_assessment, "TT-05", date=dt.date(2024, 3, 1), status="observed",
           confidence="low", rationale="Rests on TT-01's sighting", cites=["TT-01.1"])
    assert load_workspace(tiny).errors == []


def test_the_cli_verbs_print_the_names_and_notes(tiny: Path, capsys) -> None:
    code = main(["withdraw", "TT-01.2", "--data", str(tiny), "--date", "2024-03-10", "--reason", "Retracted",
                 "--analyst", "Cat"])
    out, err = capsys.readouterr()
    assert (code, out, err) == (0, "TT-01.2\n", "TT-01@2024-03-01 cites TT-01.2: reassess TT-01 without it\n")
    with pytest.raises(SystemExit) as usage:  # --date is required: never guessed
        main(["retire", "TT-04", "--data", str(tiny), "--reason", "x"])
    assert usage.value.code == 2 and "--date" in capsys.readouterr().err


def test_an_import_file_with_bad_columns_is_refused_with_the_header_line(tmp_path: Path, tiny: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("indicator,date,sumary,reliability,credibility\nTT-01,2024-01-01,x,B,2\n")
    with pytest.raises(EditRefused) as refused:
        importer.plan_import(load_workspace(tiny), bad)
    messages = [(p.line, p.message, p.hint) for p in refused.value.problems]
    assert (1, "unknown column 'sumary'", "did you mean 'summary'?") in messages
    assert (1, "missing column(s): summary, source (or source_id)",
            "name the columns in the first line (README: 'Importing events')") in messages


def test_an_import_reads_tabs_quotes_and_multi_line_cells_with_their_first_line(tmp_path: Path,
                                                                                tiny: Path) -> None:
    events = tmp_path / "events.txt"
    events.write_text('indicator\tdate\tsummary\tsource\treliability\tcredibility\n'
                      'TT-02\t2024-02-01\t"Seen, twice:\nonce at night"\tWire\tB\t2\n'
                      'TT-02\t2024-13-01\tBad date\tWire\tB\t2\n')
    with pytest.raises(EditRefused) as refused:
        importer.plan_import(load_workspace(tiny), events)
    assert [(p.line, p.code.value) for p in refused.value.problems] == [(4, "bad-date")]
    events.write_text(events.read_text().splitlines(keepends=True)[0] + "".join(
        events.read_text().splitlines(keepends=True)[1:3]))
    edit = importer.plan_import(load_workspace(tiny), events)
    assert edit.new_id == "1 indication and 0 assessments" and edit.notes == ["line 2: TT-02.1"]
    updates.apply_edit(edit)
    assert load_workspace(tiny).indicator_by_id["TT-02"].indications[0].summary == "Seen, twice:\nonce at night\n"


# ------------------------------------------------------------------------- found in review, each pinned here


def test_a_later_entry_never_changes_the_board_before_it(tiny: Path) -> None:
    from indicators.scoring import warning

    before = warning.warning_levels(load_workspace(tiny), "2024-02-15")["score"].to_dict()
    edit = _write(tiny, updates.plan_indication, "TT-04", date=dt.date(2024, 3, 10), summary="Seen", source="Wire",
                  reliability="B", credibility=2)
    assert edit.notes == ["TT-04 had no 'added' date: set to 2024-01-01, so the board before this indication "
                          "is unchanged"]
    ws = load_workspace(tiny)
    assert warning.warning_levels(ws, "2024-02-15")["score"].to_dict() == before
    assert warning.status_as_of(ws, "2024-02-15").at["TT-04", "watch"] == "watched"


def test_names_come_from_the_whole_workspace_whatever_a_reader_may_see(tiny: Path) -> None:
    from indicators.reports.lookup import show

    _write(tiny, updates.plan_assessment, "TT-03", date=dt.date(2024, 2, 10), status="observed", confidence="low",
           rationale="Secret", marking="AMBER")
    _write(tiny, updates.plan_assessment, "TT-03", date=dt.date(2024, 2, 10), status="observed", confidence="high",
           rationale="Open")
    green = show(load_workspace(tiny), "TT-03", dt.date(2024, 3, 1), "GREEN")["item"]["assessments"]
    assert [(a["id"], a["rationale"]) for a in green] == [("TT-03@2024-02-01", "Single weak report."),
                                                          ("TT-03@2024-02-10.2", "Open")]


def test_a_review_stands_no_longer_once_what_it_repeats_is_withdrawn(tiny: Path) -> None:
    from indicators.scoring import warning

    _write(tiny, checklist.plan_review, "TT-03", date=dt.date(2024, 3, 1), rationale="Nothing new")
    _write(tiny, checklist.plan_withdrawal, "TT-03@2024-02-01", date=dt.date(2024, 3, 10), reason="Fabricated")
    ws = load_workspace(tiny)
    assert warning.status_as_of(ws, "2024-03-05").at["TT-03", "status"] == "observed"
    assert warning.status_as_of(ws, "2024-03-15").at["TT-03", "status"] == "not_observed"


def test_an_invalid_entry_of_the_same_day_stops_a_withdrawal_instead_of_misplacing_it(tiny: Path) -> None:
    core = tiny / "indicators" / "core.yaml"
    core.write_text(core.read_text().replace(
        "      - date: 2024-03-01\n", "      - date: 2024-03-01\n        status: seen\n        confidence: high\n"
        "        analyst: X\n        rationale: Invalid.\n      - date: 2024-03-01\n", 1))
    before = digest(tiny)
    with pytest.raises(EditRefused, match="fix the invalid one first"):
        _write(tiny, checklist.plan_withdrawal, "TT-01@2024-03-01", date=dt.date(2024, 3, 5), reason="x")
    assert digest(tiny) == before


def test_in_a_file_out_of_date_order_a_new_entry_comes_last_of_its_day(tiny: Path) -> None:
    core = tiny / "indicators" / "core.yaml"
    text = core.read_text()
    first = ("      - date: 2024-01-10\n        status: emerging\n        confidence: moderate\n        analyst: Ann\n"
             "        rationale: One sighting.\n        cites: [TT-01.1]\n")
    assert first in text
    core.write_text(text.replace(first, "").replace("        cites: [TT-01.1, TT-01.2]\n",
                                                    "        cites: [TT-01.1, TT-01.2]\n" + first))
    edit = _write(tiny, updates.plan_assessment, "TT-01", date=dt.date(2024, 1, 10), status="negated",
                  confidence="low", rationale="Second look")
    assert edit.new_id == "TT-01@2024-01-10.2"
    named = {a._name: a.rationale for a in load_workspace(tiny).indicator_by_id["TT-01"].assessments}
    assert named["TT-01@2024-01-10.2"] == "Second look"


@pytest.mark.parametrize("theme", ["../../etc", "air_défense!", "  "])
def test_a_theme_must_be_a_name_inside_the_workspace(tiny: Path, theme: str) -> None:
    before = digest(tiny)
    with pytest.raises(EditRefused):
        _write(tiny, checklist.plan_add_indicator, "TT-05", date=dt.date(2024, 3, 1), title="t", criteria="c",
               theme=theme, ratings={"AA": "HL", "BB": "U"})
    assert digest(tiny) == before and not (tiny.parent / "etc.yaml").exists()


def test_a_new_theme_file_is_validated_with_the_rest(tiny: Path) -> None:
    edit = _write(tiny, checklist.plan_add_indicator, "NT-01", date=dt.date(2024, 3, 1), title="t", criteria="c",
                  theme="air_defence", ratings={"AA": "HL", "BB": "U"})
    assert edit.path.name == "air-defence.yaml"
    with pytest.raises(EditRefused, match="already used"):
        _write(tiny, checklist.plan_add_indicator, "NT-01", date=dt.date(2024, 3, 1), title="t", criteria="c",
               theme="other", ratings={"AA": "HL", "BB": "U"})


def test_importing_again_does_not_bring_back_a_withdrawn_indication(tmp_path: Path) -> None:
    root = Path(shutil.copytree(FIXTURES / "living", tmp_path / "living"))
    updates.apply_edit(importer.plan_import(load_workspace(root), root / "events-1.csv", analyst="Cat"))
    _write(root, checklist.plan_withdrawal, "LV-01.3", date=dt.date(2024, 3, 1), reason="Misread")
    again = importer.plan_import(load_workspace(root), root / "events-1.csv", analyst="Cat")
    assert again.new_id == "0 indications and 0 assessments"
    assert "line 7: already recorded on LV-01 (2024-02-05 and withdrawn on 2024-03-01), skipped" in again.notes


@pytest.mark.parametrize(("value", "ok"), [("13,000", 13000.0), ("2.5", 2.5), ("1,5", None), ("1e400", None),
                                           ("nan", None), ("inf", None)])
def test_import_values_are_read_strictly(tmp_path: Path, tiny: Path, value: str, ok: float | None) -> None:
    events = tmp_path / "v.csv"
    events.write_text(f'indicator,date,summary,source,reliability,credibility,value,unit\n'
                      f'TT-01,2024-03-05,Counted,Wire,B,2,"{value}",launches\n')
    if ok is None:
        with pytest.raises(EditRefused, match="is not a number"):
            importer.plan_import(load_workspace(tiny), events)
    else:
        updates.apply_edit(importer.plan_import(load_workspace(tiny), events))
        assert load_workspace(tiny).indicator_by_id["TT-01"].indications[-1].value == ok


def test_a_pair_rated_twice_is_refused(tiny: Path) -> None:
    with pytest.raises(EditRefused, match="AA is rated twice"):
        checklist.plan_add_indicator(load_workspace(tiny), "TT-05", date=dt.date(2024, 3, 1), title="t",
                                     criteria="c", theme="core", ratings={"AA": "HL", "aa": "U", "BB": "U"},
                                     analyst="Cat", today=TODAY)


def test_a_new_indicator_can_be_a_ladder_rung_with_thresholds_from_the_cli(tiny: Path,
                                                                          capsys: pytest.CaptureFixture) -> None:
    args = ["add-indicator", "TT-05", "--data", str(tiny), "--date", "2024-03-01", "--theme", "core",
            "--title", "Troops", "--criteria", "Observed from 5,000.", "--rate", "AA=HL", "--rate", "BB=U",
            "--analyst", "Cat", "--ladder", "deploy", "--rung", "2", "--emerging-at", "1000",
            "--observed-at", "5000", "--aggregate", "max", "--window-days", "365", "--source-ref", "Brief §2"]
    assert main(args) == 0
    new = load_workspace(tiny).indicator_by_id["TT-05"]
    assert (new.ladder, new.rung, new.aggregate, new.window_days, new.source_ref) == ("deploy", 2, "max", 365,
                                                                                     "Brief §2")
    assert (new.thresholds.emerging, new.thresholds.observed) == (1000, 5000)
    core = (tiny / "indicators" / "core.yaml").read_text()
    assert main([args[0], "TT-06", *args[2:18], "--emerging-at", "6000", "--observed-at", "5000"]) == 1
    assert "must be below the 'observed' one" in capsys.readouterr().err
    assert (tiny / "indicators" / "core.yaml").read_text() == core  # refused: nothing written
