"""Update page (editors only): record an indication, assess an indicator, judge a scenario.

Each form plans the change with the library (`edit.plan_*`) on Preview and shows the exact diff
that will be written; Save writes that planned edit (`updates.apply_edit`: atomic, refused if the
file changed since the preview) and can commit it with git. The page is not registered in the
navigation when the board is read-only, and the library refuses writes then anyway.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import streamlit as st

from indicators.app import forms, state, ui
from indicators.app import main as app_main
from indicators.editing import git, updates
from indicators.editing.updates import Edit, EditRefused
from indicators.reports import markings
from indicators.reports.escape import md_text
from indicators.workspace.load import Workspace
from indicators.workspace.problems import Problem
from indicators.workspace.vocab import CONFIDENCE, CREDIBILITY, LIKELIHOOD, MARKING, RELIABILITY, STATUS, Scale

FORMS = {"indication": "Record an indication", "assessment": "Assess an indicator",
         "judgment": "Judge a scenario"}
FORM_KEY = "update_form"
ANALYST_KEY = "update_analyst"
COMMIT_KEY = "update_commit"
INDICATOR_PARAM = "indicator"  # ?indicator=<id> pre-selects the indicator (as on the Indicator page)
PLAN_KEY = "_update_plan"  # session: {"form", "inputs", "edit" or "problems"} of the last Preview
FLASH_KEY = "_update_flash"  # session: what the last Save did, shown once
# The widgets whose values make up each form's entry: a preview holds only while they are unchanged.
FIELDS = {
    "indication": ["_pick_indicator", "ind_date", "ind_summary", "ind_source", "ind_url", "ind_reliability",
                   "ind_credibility", "ind_value", "ind_unit", "ind_marking", ANALYST_KEY],
    "assessment": ["_pick_indicator", "as_date", "as_status", "as_confidence", "as_rationale", "as_cites",
                   "as_marking", ANALYST_KEY],
    "judgment": ["jd_scenario", "jd_date", "jd_likelihood", "jd_confidence", "jd_rationale", "jd_marking",
                 ANALYST_KEY],
}
Planner = Callable[[str], Edit]  # plans the form's entry for an analyst; raises EditRefused
# What Save empties, ready for the next entry (the indicator, date, source and grades stay).
CLEARED_ON_SAVE: dict[str, dict[str, Any]] = {
    "indication": {"ind_summary": "", "ind_url": "", "ind_value": None, "ind_unit": ""},
    "assessment": {"as_rationale": "", "as_cites": []},
    "judgment": {"jd_rationale": ""},
}


def _inputs(form: str) -> tuple[Any, ...]:
    """The current values of a form's fields (what a preview was made from)."""
    return tuple(_frozen(st.session_state.get(key)) for key in FIELDS[form])


def _frozen(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _scale_select(label: str, scale: Scale, key: str, *, default: str | None = None, optional: bool = False,
                  help: str | None = None, column: Any = st) -> str | None:
    """A select of a vocabulary scale's values, shown with their labels."""
    values = scale.values()
    index = None if optional else values.index(default) if default in values else 0
    return column.selectbox(label, values, index=index, key=key, help=help,
                            format_func=lambda v: forms.choice_label(scale, v),
                            placeholder="Workspace marking" if optional else "Choose")


def _date(label: str, key: str, column: Any = st) -> dt.date:
    today = dt.date.today()
    return column.date_input(label, value=today, min_value=app_main.EARLIEST, max_value=today, key=key,
                             format="YYYY-MM-DD")


def _indicator(ws: Workspace) -> str | None:
    titles = {indicator.id: indicator.title for indicator in ws.indicators}
    return ui.url_choice("Indicator", list(titles), INDICATOR_PARAM, required=True,
                         format_func=lambda i: f"{i} — {titles[i]}", help="Type an id or words of the title")


# ----------------------------------------------------------------------------- the three forms


def indication_form(ws: Workspace) -> Planner | None:
    """Fields of a new indication; returns the planner to call on Preview (given the analyst)."""
    top = st.columns([3, 1])
    with top[0]:
        indicator = _indicator(ws)
    day = _date("Date observed", "ind_date", top[1])
    summary = st.text_area("Summary", key="ind_summary", height=90, placeholder="What was observed")
    source_col, url_col = st.columns(2)
    source = source_col.text_input("Source", key="ind_source", placeholder="Name of the source")
    url = url_col.text_input("Link (optional)", key="ind_url", placeholder="https://…")
    rel_col, cred_col = st.columns(2)
    reliability = _scale_select("Source reliability", RELIABILITY, "ind_reliability", default="F", column=rel_col,
                                help="Admiralty grade: how far the source has proved reliable")
    credibility = _scale_select("Information credibility", CREDIBILITY, "ind_credibility", default="6",
                                column=cred_col, help="Admiralty grade: how far the information is borne out")
    value_col, unit_col, marking_col = st.columns(3)
    value = value_col.number_input("Value (optional)", value=None, key="ind_value", format="%g",
                                   placeholder="e.g. 4", help="A measured value, e.g. containers shipped")
    unit = unit_col.text_input("Unit (optional)", key="ind_unit", placeholder="e.g. launches")
    marking = _scale_select("TLP marking (optional)", MARKING, "ind_marking", optional=True, column=marking_col,
                            help=f"Leave empty to carry the workspace's ({MARKING.label(ws.meta.marking)})")
    if indicator is None:
        return None
    return lambda analyst: updates.plan_indication(
        ws, indicator, date=day, summary=forms.required(summary), source=forms.required(source),
        url=forms.optional(url), reliability=str(reliability), credibility=int(str(credibility)),
        value=value, unit=forms.optional(unit), marking=marking, analyst=forms.optional(analyst))


def assessment_form(ws: Workspace) -> Planner | None:
    """Fields of a new assessment of an indicator's status; returns the planner to call on Preview."""
    top = st.columns([3, 1])
    with top[0]:
        indicator = _indicator(ws)
    day = _date("Date assessed", "as_date", top[1])
    status_col, confidence_col, marking_col = st.columns(3)
    status = _scale_select("Status", STATUS, "as_status", column=status_col,
                           help="; ".join(f"{STATUS.label(v)}: {STATUS.term(v).description}" for v in STATUS.values()))
    confidence = _scale_select("Confidence", CONFIDENCE, "as_confidence", default="moderate", column=confidence_col)
    marking = _scale_select("TLP marking (optional)", MARKING, "as_marking", optional=True, column=marking_col)
    rationale = st.text_area("Rationale", key="as_rationale", height=110,
                             placeholder="Why this status, and what changed")
    options = forms.citable(ws, indicator, day) if indicator else {}
    if "as_cites" in st.session_state:  # an earlier date or another indicator: drop citations no longer offered
        st.session_state["as_cites"] = forms.keep_known(st.session_state["as_cites"], options)
    cites = st.multiselect("Cites", list(options), key="as_cites", format_func=lambda i: options.get(i, i),
                           placeholder=("Indications this rests on" if options
                                        else "No indication on or before the date"),
                           help="The indicator's indications dated on or before the assessment date")
    if indicator is None:
        return None
    return lambda analyst: updates.plan_assessment(
        ws, indicator, date=day, status=str(status), confidence=str(confidence),
        rationale=forms.required(rationale), cites=list(cites), marking=marking, analyst=forms.required(analyst))


def judgment_form(ws: Workspace) -> Planner | None:
    """Fields of a new scenario likelihood judgment; returns the planner to call on Preview."""
    titles = {s.id: s.title for s in ws.scenarios}
    top = st.columns([3, 1])
    scenario = top[0].selectbox("Scenario", list(titles), key="jd_scenario",
                                format_func=lambda s: f"{s} — {titles[s]}")
    day = _date("Date judged", "jd_date", top[1])
    likelihood_col, confidence_col, marking_col = st.columns(3)
    likelihood = _scale_select("Likelihood (ICD 203)", LIKELIHOOD, "jd_likelihood", default="roughly even chance",
                               column=likelihood_col)
    confidence = _scale_select("Confidence", CONFIDENCE, "jd_confidence", default="moderate", column=confidence_col,
                               help="Confidence in the judgment, stated apart from its likelihood")
    marking = _scale_select("TLP marking (optional)", MARKING, "jd_marking", optional=True, column=marking_col)
    rationale = st.text_area("Rationale", key="jd_rationale", height=110,
                             placeholder="Why this likelihood, and why it changed")
    if scenario is None:
        return None
    return lambda analyst: updates.plan_judgment(
        ws, scenario, date=day, likelihood=str(likelihood), confidence=str(confidence),
        rationale=forms.required(rationale), marking=marking, analyst=forms.required(analyst))


# ----------------------------------------------------------------------------- preview and save


def _show_problems(problems: list[Problem]) -> None:
    """Refusals as a list of message — hint (never a traceback)."""
    st.error(f"**This cannot be saved:**\n\n{_lines(problems)}", icon=":material/error:")


def _show_conflict(problems: list[Problem]) -> None:
    """The file changed on disk between Preview and Save: say so; the entry is previewed again below."""
    st.warning("**The file changed on disk since the preview; nothing was written.** Someone else saved a "
               "change, or the file was edited by hand. Your entry is previewed again below against the "
               f"current file: check the diff, then Save (or change the form and Preview again).\n\n"
               f"{_lines(problems)}", icon=":material/sync_problem:")


def _lines(problems: list[Problem]) -> str:
    return "\n".join(f"- {md_text(message)}" + (f" — *{md_text(hint)}*" if hint else "")
                     for message, hint in forms.problem_lines(problems))


def save(form: str) -> None:
    """Save button callback: write the previewed edit, commit it if asked, and clear the form's preview."""
    plan = st.session_state.get(PLAN_KEY)
    if not plan or plan["form"] != form or plan.get("edit") is None:
        return
    if plan["inputs"] != _inputs(form):
        st.session_state[PLAN_KEY] = {**plan, "edit": None, "problems": [forms.form_changed()]}
        return
    change: Edit = plan["edit"]
    try:
        updates.apply_edit(change)
    except EditRefused as refused:
        st.session_state[PLAN_KEY] = {**plan, "edit": None, "problems": refused.problems,
                                      "conflict": forms.is_conflict(refused.problems)}
        return
    except OSError as err:  # e.g. the folder is not writable: the file is left as it was
        st.session_state[PLAN_KEY] = {**plan, "edit": None, "problems": [forms.os_problem(err, change.path)]}
        return
    flash: dict[str, Any] = {"edit": change, "committed": None, "commit_problems": []}
    if st.session_state.get(COMMIT_KEY):
        try:
            analyst = forms.optional(st.session_state.get(ANALYST_KEY)) or updates.default_analyst()
            flash["committed"] = git.git_commit(change, analyst)
        except EditRefused as refused:
            flash["commit_problems"] = refused.problems
    st.session_state[FLASH_KEY] = flash
    del st.session_state[PLAN_KEY]
    for key, empty in CLEARED_ON_SAVE[form].items():
        st.session_state[key] = empty


def _flash(ws: Workspace) -> None:
    """What the last Save did (shown once), with a link to see it on the board."""
    flash = st.session_state.pop(FLASH_KEY, None)
    if not flash:
        return
    change: Edit = flash["edit"]
    st.success(md_text(forms.saved_message(change, ws.root)), icon=":material/check_circle:")
    if flash["committed"]:
        st.caption(f"Committed with git: {md_text(flash['committed'])}")
    if flash["commit_problems"]:
        _show_problems(flash["commit_problems"])
    day = forms.entry_date(change)
    if day and day > state.as_of():
        st.warning(f"It is dated {day}, after the board's as-of date ({state.as_of()}): the board as of that "
                   "date does not show it. Move the as-of date in the sidebar to see it.")
    if change.kind == "judgment":
        st.page_link(ui.page("overview"), label=f"See {change.subject} on the Overview", icon=":material/dashboard:")
    else:
        st.page_link(ui.page("indicator"), label=f"See {change.subject} on the Indicator page",
                     icon=":material/visibility:", query_params={"indicator": change.subject})


def _plan(form: str, planner: Planner, analyst: str, notice: list[Problem] | None = None) -> dict[str, Any]:
    """Plan the form's entry against the current files: the edit to show, or the problems."""
    plan: dict[str, Any] = {"form": form, "inputs": _inputs(form), "edit": None, "problems": [],
                            "notice": notice or []}
    try:
        plan["edit"] = planner(analyst)
    except EditRefused as refused:
        plan["problems"] = refused.problems
    except OSError as err:  # the file vanished or cannot be read since the board loaded it
        plan["problems"] = [forms.os_problem(err)]
    return plan


def _preview_and_save(ws: Workspace, form: str, planner: Planner | None, analyst: str) -> None:
    plan = st.session_state.get(PLAN_KEY)
    if plan and (plan["form"] != form or plan["inputs"] != _inputs(form)):
        del st.session_state[PLAN_KEY]  # the form changed since the preview: it no longer holds
        if plan.get("conflict"):  # … because the file changed under it (e.g. the indicator was renamed)
            st.warning("**The file changed on disk since the preview; nothing was written.** Check the form "
                       "and Preview again.", icon=":material/sync_problem:")
        plan = None
    clicked = st.button("Preview", key=f"preview_{form}", type="secondary", icon=":material/difference:",
                        disabled=planner is None, help="Check the entry and show the change that Save will write")
    if planner is not None and (clicked or (plan and plan.get("conflict"))):
        notice = plan["problems"] if plan and plan.get("conflict") and not clicked else None
        plan = st.session_state[PLAN_KEY] = _plan(form, planner, analyst, notice)
    if not plan:
        return
    if plan.get("notice"):
        _show_conflict(plan["notice"])
    if plan.get("problems"):
        _show_problems(plan["problems"])
        return
    change: Edit = plan["edit"]
    target = forms.edit_target(change, ws.root).replace("`", "'")
    st.markdown(f"Save will add **{md_text(change.new_id)}** to `{target}`:")
    st.code(change.diff(), language="diff")
    st.button("Save", key=f"save_{form}", type="primary", icon=":material/save:", on_click=save, args=(form,),
              help="Write this change to the file (refused if the file changed since the preview)")


def render() -> None:
    """Lay out the Update page."""
    ui.heading("Update", "Record what was observed and what you judge. Preview shows the exact lines that will "
                         "be added to the YAML file; Save writes them, and the board shows them at once.")
    if state.read_only():  # not in the navigation then; a direct script run still writes nothing
        st.info("The board is read-only: updates are switched off.")
        return
    ws = state.workspace()
    # The forms list every indicator and scenario, and the preview shows lines of the file itself.
    ui.shows(markings.highest_present(ws))
    _flash(ws)
    form = st.radio("What to record", list(FORMS), format_func=FORMS.get, key=FORM_KEY, horizontal=True,
                    label_visibility="collapsed")
    if form in ("indication", "assessment") and not ws.indicators:
        st.info("The workspace has no indicators yet: add them to a file in indicators/ first.")
        return
    if form == "judgment" and not ws.scenarios:
        st.info("The workspace has no scenarios yet: add them to workspace.yaml first.")
        return
    with st.container(border=True):
        builders = {"indication": indication_form, "assessment": assessment_form, "judgment": judgment_form}
        planner = builders[form](ws)
        analyst_col, commit_col = st.columns([1, 1], vertical_alignment="bottom")
        analyst = analyst_col.text_input("Analyst", value=updates.default_analyst(), key=ANALYST_KEY,
                                         help="Who makes this entry (default $INDICATORS_ANALYST, else your login)")
        if git.in_git_repository(ws.root):
            commit_col.checkbox("Commit with git", key=COMMIT_KEY,
                                help="Commit the changed file after saving (the data folder is a git repository)")
    _preview_and_save(ws, form, planner, analyst)


if __name__ == "__main__":
    render()
