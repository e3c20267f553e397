"""The Update page under AppTest, on a copy of the tiny fixture: preview, save, refusals, read-only.

Every write goes to a copy in tmp_path (never tests/fixtures or data/). Hand-worked facts of the
tiny fixture: TT-01 has indications TT-01.1 (2024-01-05) and TT-01.2 (2024-02-20); TT-02 has
none; scenario BB has no judgment.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import subprocess
from pathlib import Path

import pytest

from indicators.app import state, ui
from indicators.editing import updates
from indicators.workspace.access import Grant
from indicators.workspace.load import load_workspace
from indicators.workspace.vocab import LIKELIHOOD, STATUS

from tests.app.test_app import fresh_app, open_app, plain, served_copy, table  # noqa: F401 — fresh_app is an autouse fixture

UPDATE = "update"
MAR_10 = dt.date(2024, 3, 10)


@pytest.fixture
def tiny(tmp_path: Path, monkeypatch) -> Path:
    """A copy of the tiny fixture served by the app."""
    return served_copy("tiny", tmp_path, monkeypatch, analyst="Tess")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def core(folder: Path) -> Path:
    return folder / "indicators" / "core.yaml"


def fill_indication(at, summary: str = "Trains seen at the border.") -> None:
    at.date_input(key="ind_date").set_value(MAR_10)
    at.text_area(key="ind_summary").input(summary)
    at.text_input(key="ind_source").input("Wire")
    at.selectbox(key="ind_reliability").set_value("B")
    at.selectbox(key="ind_credibility").set_value("2")
    at.number_input(key="ind_value").set_value(3)
    at.text_input(key="ind_unit").input("trains")


def errors(at) -> str:
    return " ".join(plain(e.value) for e in at.error)


# ----------------------------------------------------------------------------- the three forms


def test_record_an_indication_preview_then_save(tiny):
    at = open_app(UPDATE, indicator="TT-02", as_of="2024-03-15")
    assert at.selectbox(key="_pick_indicator").value == "TT-02"  # pre-selected from ?indicator=
    assert at.text_input(key="update_analyst").value == "Tess"  # default_analyst()
    assert not at.checkbox  # the copy is not in a git repository: no "commit" box
    before = digest(core(tiny))
    fill_indication(at)
    at.button(key="preview_indication").click().run()
    assert not at.exception and not at.error
    shown = at.code[0]
    assert shown.language == "diff"
    for line in ["+      - id: TT-02.1", "+        date: 2024-03-10", "+        summary: Trains seen at the border.",
                 "+        reliability: B", "+        credibility: 2", "+        value: 3", "+        unit: trains",
                 "+        analyst: Tess"]:
        assert line in shown.value.splitlines(), line
    assert digest(core(tiny)) == before  # a preview writes nothing

    at.button(key="save_indication").click().run()
    assert not at.exception and not at.error
    assert "Indication TT-02.1 saved to indicators/core.yaml" in plain(at.success[0].value)
    assert not at.code and not [b for b in at.button if b.key == "save_indication"]  # preview cleared
    assert at.text_area(key="ind_summary").value == ""  # the form is ready for the next entry
    saved = load_workspace(tiny).indicator_by_id["TT-02"].indications
    assert [(o.id, o.date, o.summary, o.value, o.unit, o.analyst) for o in saved] == [
        ("TT-02.1", MAR_10, "Trains seen at the border.", 3.0, "trains", "Tess")]
    link = at.get("page_link")[0].proto
    assert link.page == "indicator" and "TT-02" in link.label

    at.switch_page("indicators/app/views/indicator.py").run()  # the board shows it at once
    assert "Trains seen at the border." in table(at, 1)["Summary"].tolist()


def test_assess_an_indicator_cites_only_earlier_indications(tiny):
    at = open_app(UPDATE, indicator="TT-01")
    at.radio(key="update_form").set_value("assessment").run()
    at.date_input(key="as_date").set_value(dt.date(2024, 2, 1)).run()
    assert at.multiselect(key="as_cites").options == [
        "TT-01.1 · 2024-01-05 · First sighting."]  # TT-01.2 (2024-02-20) is later
    at.date_input(key="as_date").set_value(MAR_10).run()
    assert [o.split(" · ")[0] for o in at.multiselect(key="as_cites").options] == ["TT-01.2", "TT-01.1"]
    at.selectbox(key="as_status").set_value("negated")
    at.selectbox(key="as_confidence").set_value("low")
    at.text_area(key="as_rationale").input("Second sighting retracted.")
    at.multiselect(key="as_cites").set_value(["TT-01.2"])
    at.button(key="preview_assessment").click().run()
    assert not at.error
    lines = at.code[0].value.splitlines()
    for line in ["+      - date: 2024-03-10", "+        status: negated", "+        confidence: low",
                 "+        analyst: Tess", "+        rationale: Second sighting retracted.",
                 "+        cites: [TT-01.2]"]:
        assert line in lines, line
    at.button(key="save_assessment").click().run()
    assert "Assessment TT-01@2024-03-10 saved" in plain(at.success[0].value)
    last = load_workspace(tiny).indicator_by_id["TT-01"].assessments[-1]
    assert (last.date, last.status.value, last.cites) == (MAR_10, "negated", ["TT-01.2"])
    at.switch_page("indicators/app/views/checklist.py").run()
    assert dict(zip(table(at)["ID"], table(at)["Status"]))["TT-01"] == STATUS.label("negated")


def test_judge_a_scenario(tiny):
    at = open_app(UPDATE)
    at.radio(key="update_form").set_value("judgment").run()
    at.selectbox(key="jd_scenario").set_value("BB")
    at.date_input(key="jd_date").set_value(MAR_10)
    at.selectbox(key="jd_likelihood").set_value("very likely")
    at.selectbox(key="jd_confidence").set_value("high")
    at.text_area(key="jd_rationale").input("TT-03 observed twice.")
    at.button(key="preview_judgment").click().run()
    assert not at.error
    assert "workspace.yaml" in " ".join(m.value for m in at.markdown)
    lines = at.code[0].value.splitlines()
    assert "+    judgments:" in lines and "+        likelihood: very likely" in lines
    at.button(key="save_judgment").click().run()
    assert "Judgment BB@2024-03-10 saved to workspace.yaml" in plain(at.success[0].value)
    judged = load_workspace(tiny).scenario_by_id["BB"].judgments
    assert [(j.date, j.likelihood.value, j.confidence.value) for j in judged] == [(MAR_10, "very likely", "high")]


def test_scale_choices_come_from_the_vocabulary(tiny):
    at = open_app(UPDATE)
    assert at.selectbox(key="ind_reliability").options[1] == "B — Usually reliable"
    assert at.selectbox(key="ind_credibility").options[0] == "1 — Confirmed by other sources"
    at.radio(key="update_form").set_value("judgment").run()
    likelihood = at.selectbox(key="jd_likelihood").options
    assert len(likelihood) == len(LIKELIHOOD) and likelihood[4] == f"{LIKELIHOOD.label('likely')} (55–80%)"


# ----------------------------------------------------------------------------- refusals


@pytest.mark.parametrize("key, value, expected", [
    ("ind_summary", "", "summary is empty or only white space"),
    ("ind_source", "   ", "source is empty or only white space"),
    ("ind_url", "ftp://example.org/x", "is not an http:// or https:// address"),
])
def test_refused_input_shows_the_problem_and_writes_nothing(tiny, key, value, expected):
    at = open_app(UPDATE, indicator="TT-02")
    before = digest(core(tiny))
    fill_indication(at)
    (at.text_area if key == "ind_summary" else at.text_input)(key=key).input(value)
    at.button(key="preview_indication").click().run()
    assert not at.exception
    assert "This cannot be saved" in errors(at) and expected in errors(at)
    assert not at.code and not [b for b in at.button if b.key == "save_indication"]
    assert digest(core(tiny)) == before


def test_dates_after_today_cannot_be_chosen(tiny):
    at = open_app(UPDATE)
    assert at.date_input(key="ind_date").max == dt.date.today()  # the library refuses them too (test_edit)


def test_unit_without_value_is_refused(tiny):
    at = open_app(UPDATE, indicator="TT-02")
    fill_indication(at)
    at.number_input(key="ind_value").set_value(None)
    at.button(key="preview_indication").click().run()
    assert "'unit' is given without a 'value'" in errors(at)


def test_file_changed_since_preview_is_a_conflict(tiny):
    at = open_app(UPDATE, indicator="TT-02")
    fill_indication(at)
    at.button(key="preview_indication").click().run()
    path = core(tiny)
    path.write_text(path.read_text() + "# edited by hand meanwhile\n")
    edited = digest(path)
    at.button(key="save_indication").click().run()
    assert not at.exception and not at.success and not at.error
    notice = plain(at.warning[0].value)
    assert "The file changed on disk since the preview; nothing was written" in notice
    assert "core.yaml changed on disk since it was read" in notice  # the library's problem, with its hint
    assert digest(path) == edited  # nothing written over the other change
    assert "+      - id: TT-02.1" in at.code[0].value  # previewed again against the current file
    at.button(key="save_indication").click().run()
    assert at.success and not at.warning and path.read_text().count("# edited by hand meanwhile") == 1
    assert "TT-02.1" in {o.id for o in load_workspace(tiny).indicator_by_id["TT-02"].indications}


def test_indicator_renamed_since_preview_writes_nothing(tiny):
    at = open_app(UPDATE, indicator="TT-02")
    fill_indication(at)
    at.button(key="preview_indication").click().run()
    path = core(tiny)
    path.write_text(path.read_text().replace("  - id: TT-02\n", "  - id: TT-09\n"))  # renamed meanwhile
    edited = digest(path)
    at.button(key="save_indication").click().run()
    assert not at.exception and not at.success and not at.code  # no stale preview is left to save
    assert at.selectbox(key="_pick_indicator").value != "TT-02"
    assert "changed on disk since the preview" in plain(at.warning[0].value)
    assert digest(path) == edited


def test_a_file_that_cannot_be_written_is_an_error_not_a_traceback(tiny, monkeypatch):
    at = open_app(UPDATE, indicator="TT-02")
    fill_indication(at)
    at.button(key="preview_indication").click().run()
    before = digest(core(tiny))

    def refuse(path, text):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(updates, "write_atomic", refuse)
    at.button(key="save_indication").click().run()
    assert not at.exception and not at.success
    assert "cannot read or write core.yaml: Permission denied" in errors(at)
    assert digest(core(tiny)) == before


def test_a_file_locked_by_another_writer_is_an_error_not_a_traceback(tiny, monkeypatch):
    from tests.editing.test_updates import _hold_lock

    monkeypatch.setenv("INDICATORS_LOCK_TIMEOUT", "0.3")
    at = open_app(UPDATE, indicator="TT-02")
    fill_indication(at)
    at.button(key="preview_indication").click().run()
    before = digest(core(tiny))
    holder = _hold_lock(core(tiny))
    try:
        at.button(key="save_indication").click().run()
    finally:
        holder.kill()
        holder.wait()
    assert not at.exception and not at.success
    assert "core.yaml is being written by someone else" in errors(at) and "try again" in errors(at)
    assert digest(core(tiny)) == before


def test_changing_the_form_after_preview_drops_the_preview(tiny):
    at = open_app(UPDATE, indicator="TT-02")
    fill_indication(at)
    at.button(key="preview_indication").click().run()
    assert at.code
    at.text_area(key="ind_summary").input("Something else.").run()
    assert not at.code and not [b for b in at.button if b.key == "save_indication"]


# ----------------------------------------------------------------------------- git, read-only, links


def test_commit_with_git_when_the_data_is_a_repository(tiny, monkeypatch):
    for var in ("GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME"):
        monkeypatch.setenv(var, "Test")
    for var in ("GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL"):
        monkeypatch.setenv(var, "test@example.org")
    git = ["git", "-C", str(tiny)]
    subprocess.run(git + ["init", "-q"], check=True)
    subprocess.run(git + ["add", "."], check=True)
    subprocess.run(git + ["commit", "-q", "-m", "start"], check=True)
    at = open_app(UPDATE, indicator="TT-02")
    at.checkbox(key="update_commit").check()
    fill_indication(at)
    at.button(key="preview_indication").click().run()
    at.button(key="save_indication").click().run()
    assert not at.error and "Committed with git" in " ".join(c.value for c in at.caption)
    log = subprocess.run(git + ["log", "-1", "--format=%s"], capture_output=True, text=True, check=True).stdout
    assert log.strip() == "Indication TT-02.1 (TT-02) by Tess"
    status = subprocess.run(git + ["status", "--porcelain"], capture_output=True, text=True, check=True).stdout
    assert status == ""


def test_indicator_page_links_to_update(tiny):
    at = open_app("indicator", indicator="TT-03")
    links = [link.proto for link in at.get("page_link") if link.proto.page == "update"]
    assert len(links) == 1 and links[0].label == "Update this indicator"
    assert "indicator=TT-03" in links[0].query_string


def test_read_only_hides_update_and_refuses_writes(tiny, monkeypatch):
    planned_elsewhere = updates.plan_indication(load_workspace(tiny), "TT-02", date=MAR_10, summary="x", source="Wire",
                                             reliability="B", credibility=2)
    monkeypatch.setenv("INDICATORS_READ_ONLY", "1")
    before = digest(core(tiny))

    at = open_app(indicator="TT-02")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("indicators/app/views/update.py")
    assert "update" not in [name for names in ui.sections(read_only=True).values() for name in names]
    at.switch_page("indicators/app/views/indicator.py").run()
    assert not [link for link in at.get("page_link") if link.proto.page == "update"]
    with pytest.raises(updates.EditRefused) as refused:
        updates.apply_edit(planned_elsewhere)
    assert [p.code for p in refused.value.problems] == ["read-only"]
    assert digest(core(tiny)) == before


def test_update_is_in_the_data_section():
    assert ui.SECTIONS["Data"][:2] == ["update", "export"]
    assert ui.PAGES["update"].editors and not ui.PAGES["export"].editors
    assert "update" in ui.sections(read_only=False)["Data"]
    assert os.environ.get("INDICATORS_READ_ONLY") is None


def test_review_then_retire_through_the_forms(tiny):
    at = open_app(UPDATE)
    at.radio(key="update_form").set_value("review").run()
    at.selectbox(key="_pick_indicator").set_value("TT-03").run()
    at.date_input(key="rv_date").set_value(MAR_10)
    at.text_area(key="rv_rationale").input("Checked the wires: nothing new.")
    at.button(key="preview_review").click().run()
    assert not at.error
    assert "+        review: true" in at.code[0].value.splitlines()
    at.button(key="save_review").click().run()
    assert "Review TT-03@2024-03-10 saved to indicators/core.yaml" in plain(at.success[0].value)

    at.radio(key="update_form").set_value("retirement").run()
    at.selectbox(key="rt_item").set_value("TT-04").run()
    at.date_input(key="rt_date").set_value(MAR_10)
    at.text_area(key="rt_reason").input("Question overtaken.")
    at.button(key="preview_retirement").click().run()
    at.button(key="save_retirement").click().run()
    assert "Retirement of TT-04 saved" in plain(at.success[0].value)
    ws = load_workspace(tiny)
    review = ws.indicator_by_id["TT-03"].assessments[-1]
    assert (review.review, review.status.value, ws.indicator_by_id["TT-04"].retired.date) == (True, "observed", MAR_10)
    at.switch_page("indicators/app/views/checklist.py").run()
    assert list(table(at)["ID"]) == ["TT-01", "TT-02", "TT-03"]  # a retired indicator is listed only on request


def test_add_a_scenario_lists_what_is_left_to_rate(tiny):
    at = open_app(UPDATE)
    at.radio(key="update_form").set_value("scenario").run()
    at.text_input(key="ns_id").input("cc")
    at.text_input(key="ns_title").input("Scenario C")
    at.date_input(key="ns_date").set_value(MAR_10)
    at.button(key="preview_scenario").click().run()
    assert not at.error
    assert "left to rate against CC: TT-01, TT-02, TT-03, TT-04" in " ".join(c.value for c in at.caption)
    at.button(key="save_scenario").click().run()
    assert "Scenario CC saved to workspace.yaml" in plain(at.success[0].value)
    at.switch_page("indicators/app/views/scenarios.py").run()
    assert list(table(at, 1)["Indicator"]) == ["TT-01", "TT-02", "TT-03", "TT-04"]  # left to rate


def test_a_refused_withdrawal_shows_why_and_writes_nothing(tiny):
    before = digest(core(tiny))
    at = open_app(UPDATE)
    at.radio(key="update_form").set_value("withdrawal").run()
    at.selectbox(key="wd_entry").set_value("TT-01.1").run()
    at.date_input(key="wd_date").set_value(MAR_10)
    at.button(key="preview_withdrawal").click().run()
    assert "reason is empty or only white space" in errors(at)
    assert digest(core(tiny)) == before


def test_add_an_indicator_as_a_ladder_rung_with_thresholds(tiny):
    at = open_app(UPDATE)
    at.radio(key="update_form").set_value("indicator").run()
    at.text_input(key="ni_id").input("TT-05")
    at.date_input(key="ni_date").set_value(MAR_10)
    at.text_input(key="ni_title").input("Troops deployed")
    at.text_area(key="ni_criteria").input("Observed from 5,000.")
    at.text_input(key="ni_ladder").input("deploy")
    at.number_input(key="ni_rung").set_value(1)
    at.number_input(key="ni_emerging_at").set_value(1000)
    at.number_input(key="ni_observed_at").set_value(5000)
    at.button(key="preview_indicator").click().run()
    assert not at.error
    assert "+    ladder: deploy" in at.code[0].value.splitlines()
    at.button(key="save_indicator").click().run()
    new = load_workspace(tiny).indicator_by_id["TT-05"]
    assert (new.ladder, new.rung, new.thresholds.emerging, new.thresholds.observed) == ("deploy", 1, 1000, 5000)


def test_save_asks_the_role_again_so_a_revoked_or_forged_save_writes_nothing(tiny, monkeypatch):
    """Previewed as an editor; by the time Save arrives the visitor may no longer write (signed in as
    a reader, a role taken away, a request forged to the page): the Save callback asks the role
    again and writes nothing."""
    at = open_app(UPDATE, indicator="TT-02", as_of="2024-03-15")
    before = digest(core(tiny))
    fill_indication(at)
    at.button(key="preview_indication").click().run()
    assert at.button(key="save_indication")
    monkeypatch.setattr(state, "read_only", lambda: True)
    at.button(key="save_indication").click().run()
    assert not at.exception and not at.success
    assert digest(core(tiny)) == before


def test_signed_in_entries_carry_the_identity_from_the_token(tiny, monkeypatch):
    monkeypatch.setenv("INDICATORS_AUTH", "1")
    monkeypatch.setattr(state, "signed_in", lambda: True)
    monkeypatch.setattr(state, "current_grant", lambda: Grant("editor", None, "Ann Analyst <ann@example.org>"))
    at = open_app(UPDATE, indicator="TT-02", as_of="2024-03-15")
    assert at.text_input(key="update_identity").value == "Ann Analyst <ann@example.org>"
    assert at.text_input(key="update_identity").disabled
    fill_indication(at)
    at.button(key="preview_indication").click().run()
    at.button(key="save_indication").click().run()
    assert load_workspace(tiny).indicator_by_id["TT-02"].indications[0].analyst == "Ann Analyst <ann@example.org>"
