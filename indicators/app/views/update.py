"""Update page (editors only): record, assess, judge, review, withdraw, retire, add indicators and
scenarios, add and check key assumptions, resolve a scenario, import a file of events.

Each form plans the change with the library (`updates.plan_*`, `checklist.plan_*`,
`importer.plan_import`) on Preview and shows the exact diff that will be written; Save writes that
planned edit (`updates.apply_edit`: atomic, refused if the file changed since the preview) and can
commit it with git. The page is not registered in the navigation when the board is read-only,
and the library refuses writes then anyway.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import streamlit as st

from indicators.app import forms, state, ui
from indicators.app import main as app_main
from indicators.editing import checklist, git, importer, updates
from indicators.editing.updates import Edit, EditRefused
from indicators.reports import markings
from indicators.reports.escape import md_text
from indicators.workspace.files import DataFileError, check_size
from indicators.workspace.load import Workspace
from indicators.workspace.problems import Code, Problem
from indicators.workspace.vocab import (
    ASSUMPTION_STATUS,
    CONFIDENCE,
    CREDIBILITY,
    LIKELIHOOD,
    MARKING,
    OUTCOME,
    PRIORITY,
    RATING,
    RELIABILITY,
    STATUS,
    Scale,
)

FORMS = {"indication": "Record an indication", "assessment": "Assess an indicator",
         "judgment": "Judge a scenario", "review": "Review, no change", "withdrawal": "Withdraw an entry",
         "indicator": "Add an indicator", "scenario": "Add a scenario", "retirement": "Retire",
         "assumption": "Add an assumption", "check": "Check an assumption", "resolution": "Resolve a scenario",
         "import": "Import a file"}
FORM_KEY = "update_form"
NEW_THEME = "\u0000new"  # the theme choice that opens a text field for a new theme
ANALYST_KEY = "update_analyst"
COMMIT_KEY = "update_commit"
INDICATOR_PARAM = "indicator"  # ?indicator=<id> pre-selects the indicator (as on the Indicator page)
PLAN_KEY = "_update_plan"  # session: {"form", "inputs", "edit" or "problems"} of the last Preview
FLASH_KEY = "_update_flash"  # session: what the last Save did, shown once
# The widgets whose values make up each form's entry: a preview holds only while they are unchanged.
FIELDS = {
    "indication": ["_pick_indicator", "ind_date", "ind_summary", "ind_source", "ind_source_id", "ind_url",
                   "ind_reliability",
                   "ind_credibility", "ind_value", "ind_unit", "ind_marking", ANALYST_KEY],
    "assessment": ["_pick_indicator", "as_date", "as_status", "as_confidence", "as_rationale", "as_cites",
                   "as_marking", ANALYST_KEY],
    "judgment": ["jd_scenario", "jd_date", "jd_likelihood", "jd_confidence", "jd_rationale", "jd_marking",
                 ANALYST_KEY],
    "review": ["_pick_indicator", "rv_date", "rv_rationale", ANALYST_KEY],
    "withdrawal": ["wd_entry", "wd_date", "wd_reason", ANALYST_KEY],
    "retirement": ["rt_item", "rt_date", "rt_reason", ANALYST_KEY],
    "indicator": ["ni_theme", "ni_new_theme", "ni_id", "ni_date", "ni_title", "ni_criteria", "ni_description",
                  "ni_priority", "ni_actors", "ni_expected", "ni_marking", "ni_ladder", "ni_rung", "ni_emerging_at",
                  "ni_observed_at", *[f"ni_rate_{n}" for n in range(64)],
                  ANALYST_KEY],
    "scenario": ["ns_id", "ns_date", "ns_title", "ns_description", "ns_close", "ns_ratings", ANALYST_KEY],
    "assumption": ["ka_scenario", "ka_date", "ka_statement", "ka_status", "ka_rationale", ANALYST_KEY],
    "check": ["kc_assumption", "kc_date", "kc_status", "kc_rationale", ANALYST_KEY],
    "resolution": ["rs_scenario", "rs_date", "rs_outcome", "rs_rationale", ANALYST_KEY],
    "import": ["im_file", ANALYST_KEY],
}
Planner = Callable[[str], Edit]  # plans the form's entry for an analyst; raises EditRefused
# What Save empties, ready for the next entry (the indicator, date, source and grades stay).
CLEARED_ON_SAVE: dict[str, dict[str, Any]] = {
    "indication": {"ind_summary": "", "ind_url": "", "ind_value": None, "ind_unit": ""},
    "assessment": {"as_rationale": "", "as_cites": []},
    "judgment": {"jd_rationale": ""},
    "review": {"rv_rationale": ""},
    "withdrawal": {"wd_reason": ""},
    "retirement": {"rt_reason": ""},
    "indicator": {"ni_id": "", "ni_title": "", "ni_criteria": "", "ni_description": "", "ni_actors": "",
                  "ni_rung": None},
    "scenario": {"ns_id": "", "ns_title": "", "ns_description": ""},
    "assumption": {"ka_statement": "", "ka_rationale": ""},
    "check": {"kc_rationale": ""},
    "resolution": {"rs_rationale": ""},
    "import": {},
}


def _inputs(form: str) -> tuple[Any, ...]:
    """The current values of a form's fields (what a preview was made from)."""
    return tuple(_frozen(st.session_state.get(key)) for key in FIELDS[form])


def _frozen(value: Any) -> Any:
    if hasattr(value, "file_id"):  # an uploaded file: the same upload, not the same Python object
        return (value.name, value.size, value.file_id)
    if isinstance(value, dict):  # a data editor's edits
        return json.dumps(value, sort_keys=True, default=str)
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
    source_col, shared_col, url_col = st.columns([2, 2, 2])
    source = source_col.text_input("Source", key="ind_source", placeholder="Name of the source")
    shared = {d.id: f"{d.id} — {d.title}" for d in ws.meta.sources}
    source_id = shared_col.selectbox("or a shared source", list(shared), index=None, key="ind_source_id",
                                     format_func=shared.get, placeholder="None" if shared else "None listed",
                                     disabled=not shared,
                                     help="A report listed under 'sources:' in workspace.yaml, shown in full")
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
        ws, indicator, date=day, summary=forms.required(summary),
        source=forms.optional(source) if source_id else forms.required(source), source_id=source_id,
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


def review_form(ws: Workspace) -> Planner | None:
    """'Reviewed, no change': the indicator's standing status repeated, which clears staleness."""
    top = st.columns([3, 1])
    with top[0]:
        indicator = _indicator(ws)
    day = _date("Date reviewed", "rv_date", top[1])
    rationale = st.text_area("What was checked", key="rv_rationale", height=90,
                             placeholder="e.g. Checked KCNA, 38 North and the UN panel: nothing new")
    if indicator is None:
        return None
    return lambda analyst: checklist.plan_review(ws, indicator, date=day, rationale=forms.required(rationale),
                                                 analyst=forms.required(analyst))


def withdrawal_form(ws: Workspace) -> Planner | None:
    """Withdraw an indication, assessment or judgment: it counts for nothing from the date on."""
    top = st.columns([3, 1])
    day = _date("Withdrawn on", "wd_date", top[1])
    options = forms.withdrawable(ws, day)
    entry = top[0].selectbox("Entry", list(options), index=None, key="wd_entry", format_func=options.get,
                             placeholder="Type an id (SAT-01.3, SAT-01@2024-11-21) or words",
                             help="Entries dated on or before the withdrawal date, not withdrawn yet")
    reason = st.text_area("Reason", key="wd_reason", height=80, placeholder="Why it is withdrawn (shown with it)")
    if entry is None:
        return None
    return lambda analyst: checklist.plan_withdrawal(ws, entry, date=day, reason=forms.required(reason),
                                                     analyst=forms.required(analyst))


def retirement_form(ws: Workspace) -> Planner | None:
    """Retire an indicator or scenario: it stops counting from the date on and keeps its history."""
    top = st.columns([3, 1])
    options = forms.retirable(ws)
    item = top[0].selectbox("Indicator or scenario", list(options), index=None, key="rt_item",
                            format_func=options.get, placeholder="Type an id or words of the title")
    day = _date("Retired on", "rt_date", top[1])
    reason = st.text_area("Reason", key="rt_reason", height=80, placeholder="Why the team stops watching it")
    if item is None:
        return None
    return lambda analyst: checklist.plan_retirement(ws, item, date=day, reason=forms.required(reason),
                                                     analyst=forms.required(analyst))


def indicator_form(ws: Workspace) -> Planner | None:
    """A new indicator on a theme's checklist, rated against every scenario."""
    top = st.columns([2, 2, 1, 1])
    themes = ws.themes
    theme = top[0].selectbox("Theme", [*themes, NEW_THEME], key="ni_theme",
                             format_func=lambda t: "New theme…" if t == NEW_THEME else t)
    if theme == NEW_THEME:
        theme = forms.required(top[1].text_input("New theme", key="ni_new_theme", placeholder="e.g. air-defence"))
    suggested = forms.suggested_id(ws, theme)
    ident = top[2].text_input("Id", key="ni_id", placeholder=suggested or "e.g. AIR-01",
                              help=f"Next free id in this theme: {suggested}" if suggested else None)
    day = _date("Watched from", "ni_date", top[3])
    title = st.text_input("Title", key="ni_title", placeholder="What to watch for")
    criteria = st.text_area("Criteria", key="ni_criteria", height=80, placeholder="Observed when …")
    description = st.text_area("Description (optional)", key="ni_description", height=70)
    cols = st.columns(4)
    priority = _scale_select("Priority", PRIORITY, "ni_priority", default="medium", column=cols[0])
    actors = cols[1].text_input("Actors (optional)", key="ni_actors", placeholder="North Korea, Russia")
    expected = cols[2].date_input("Expected by (optional)", value=None, key="ni_expected", format="YYYY-MM-DD")
    marking = _scale_select("TLP marking (optional)", MARKING, "ni_marking", optional=True, column=cols[3])
    with st.expander("Ladder and thresholds (optional)"):
        steps = st.columns(4)
        ladder = steps[0].text_input("Ladder", key="ni_ladder", placeholder="e.g. personnel",
                                     help="Escalation ladder it is a rung of: "
                                          f"{', '.join(sorted({i.ladder for i in ws.indicators if i.ladder}))}")
        rung = steps[1].number_input("Rung (1 the lowest)", min_value=1, max_value=20, value=None, step=1,
                                     key="ni_rung")
        emerging_at = steps[2].number_input("Emerging from value", value=None, key="ni_emerging_at",
                                            help="Value of its numeric series from which it reads emerging")
        observed_at = steps[3].number_input("Observed from value", value=None, key="ni_observed_at",
                                            help="Value of its numeric series from which it reads observed")
    st.markdown("**Ratings** — how likely the indicator is to appear if each scenario is true")
    rating_cols = st.columns(min(max(len(ws.scenarios), 1), 4))
    ratings = {}
    for n, scenario in enumerate(s for s in ws.scenarios if s.retired is None):
        ratings[scenario.id] = _scale_select(scenario.id, RATING, f"ni_rate_{n}", default="C",
                                             column=rating_cols[n % len(rating_cols)], help=scenario.title)
    if not theme:
        return None
    return lambda analyst: checklist.plan_add_indicator(
        ws, forms.required(ident) or suggested, date=day, title=forms.required(title),
        criteria=forms.required(criteria), theme=theme, ratings={k: str(v) for k, v in ratings.items()},
        priority=priority, actors=forms.names(actors), expected_by=expected,
        description=forms.optional(description), marking=marking, analyst=forms.required(analyst),
        ladder=forms.optional(ladder), rung=None if rung is None else int(rung),
        thresholds={"emerging": emerging_at, "observed": observed_at})


def scenario_form(ws: Workspace) -> Planner | None:
    """A new scenario, with the rating of each indicator against it (those left empty are listed to rate)."""
    top = st.columns([1, 3, 1])
    ident = top[0].text_input("Id", key="ns_id", placeholder="e.g. ARMS-UA")
    title = top[1].text_input("Title", key="ns_title", placeholder="The development the team watches for")
    day = _date("Watched from", "ns_date", top[2])
    described, closing = st.columns([4, 1])
    description = described.text_area("Description (optional)", key="ns_description", height=70)
    close = closing.date_input("Question closes (optional)", value=None, min_value=app_main.EARLIEST,
                               key="ns_close", format="YYYY-MM-DD",
                               help="When the question must be resolved by; past it, the board asks for a resolution")
    st.markdown("**Ratings** — how likely each indicator is to appear if this scenario is true (leave empty "
                "to rate later: it is listed on the Scenarios page)")
    table = st.data_editor(forms.rating_rows(ws), key="ns_ratings", hide_index=True, width="stretch",
                           disabled=["Indicator", "Title"], height=260, column_config={
                               "Indicator": st.column_config.TextColumn("Indicator", width=110),
                               "Title": st.column_config.TextColumn("Title", width=520),
                               "Rating": st.column_config.SelectboxColumn("Rating", options=RATING.values(),
                                                                          width=90)})
    return lambda analyst: checklist.plan_add_scenario(
        ws, forms.required(ident), date=day, title=forms.required(title), description=forms.optional(description),
        ratings=forms.ratings_from(table), question_close=close, analyst=forms.required(analyst))


def import_form(ws: Workspace) -> Planner | None:
    """A CSV or TSV file of events: every row or none (README 'Importing events')."""
    signed_in = state.analyst_identity() is not None
    st.caption("One row per indication. Columns: indicator, date, summary, source or source_id, reliability, "
               f"credibility; optional url, value, unit, marking, {'' if signed_in else 'analyst, '}and status, "
               "confidence and rationale to add an assessment citing it. Rows already recorded are skipped; one "
               "bad row and nothing is written.")
    if signed_in:
        st.caption("You are signed in: every row is signed with your identity, and a file with an analyst "
                   "column is refused.")
    upload = st.file_uploader("CSV or TSV file", type=["csv", "tsv", "txt"], key="im_file")
    if upload is None:
        return None
    name = upload.name
    try:  # the one limit every incoming file is held to, checked before a byte of it is parsed
        check_size(upload.size)
    except DataFileError as err:
        st.error(f"**{md_text(name)} cannot be imported:** {md_text(err.message)} — *{md_text(err.hint)}*",
                 icon=":material/error:")
        return None
    identity = state.analyst_identity()  # signed in: every row is signed with it, and no file names analysts

    def plan(analyst: str) -> Edit:
        try:
            text = upload.getvalue().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise EditRefused.of(Code.ENCODING, f"{name} is not UTF-8 text", "save it as UTF-8") from None
        bar = st.progress(0.0, text=f"Reading {name}…")

        def progress(done: int, total: int, what: str) -> None:
            label = f"Planning rows: {done:,} of {total:,}" if what == "planning rows" else \
                f"{what.capitalize()} with all {total:,} rows…"
            bar.progress(done / total if total else 1.0, text=label)
        try:
            return importer.plan_import(ws, Path(name), analyst=forms.optional(analyst), text=text,
                                        signed_in=identity, progress=progress)
        finally:
            bar.empty()
    return plan


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
    if state.read_only():  # asked again at the moment of writing: the visitor's role, not the page's
        st.session_state[PLAN_KEY] = {**plan, "edit": None, "problems": [forms.not_allowed()]}
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
            analyst = (state.analyst_identity() or forms.optional(st.session_state.get(ANALYST_KEY))
                       or updates.default_analyst())
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
    if change.kind == "import":
        st.page_link(ui.page("checklist"), label="See the Checklist", icon=":material/checklist:")
    elif change.subject in ws.scenario_by_id or change.kind == "scenario":
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
    if change.kind == "import":
        _import_notes(change.notes)
    else:
        for note in change.notes:
            st.caption(md_text(note))
    if change.kind == "import" and not any(f.after != f.before for f in change.files):
        st.info("Every row is already recorded: there is nothing to write.")
        return
    st.markdown(f"Save will write **{md_text(change.new_id)}** to `{target}`:")
    diff = change.diff(ws.root)
    lines = diff.count("\n")
    if lines > PREVIEW_LINES:  # a page of a million lines would not load: the start, and how much there is
        st.caption(f"The change is {lines:,} lines long: its first {PREVIEW_LINES:,} are shown. Save writes all "
                   "of it (`indicators import --dry-run` prints it whole).")
        diff = "".join(diff.splitlines(keepends=True)[:PREVIEW_LINES])
    st.code(diff, language="diff")
    st.button("Save", key=f"save_{form}", type="primary", icon=":material/save:", on_click=save, args=(form,),
              help="Write this change to the file (refused if the file changed since the preview)")


PREVIEW_LINES = 2000  # of a diff shown in the page
PREVIEW_NOTES = 50  # of an import's notes shown one by one


def _import_notes(notes: list[str]) -> None:
    """What an import adds, row by row: what needs a look (rows skipped, dates pinned) one by one, and
    what each row adds in a box that scrolls (50,000 captions would not load)."""
    if len(notes) <= PREVIEW_NOTES:
        for note in notes:
            st.caption(md_text(note))
        return
    added = [note for note in notes if _ADDED.match(note)]
    other = [note for note in notes if not _ADDED.match(note)]
    for note in other[:PREVIEW_NOTES]:
        st.caption(md_text(note))
    if len(other) > PREVIEW_NOTES:
        st.caption(f"… and {len(other) - PREVIEW_NOTES:,} more rows skipped or notes (`--dry-run` lists them all)")
    if added:
        with st.expander(f"What each row adds ({len(added):,} rows)"):
            st.code("\n".join(added[:PREVIEW_LINES]) + ("\n…" if len(added) > PREVIEW_LINES else ""),
                    language=None, height=min(400, 30 + 21 * len(added)))


_ADDED = re.compile(r"^line \d+: [^ ]+(, [^ ]+)?$")  # "line 7: LV-01.3, LV-01@2024-02-05"


def assumption_form(ws: Workspace) -> Planner | None:
    """A new key assumption of a scenario, with its first check (holding unless said otherwise)."""
    titles = {s.id: s.title for s in ws.scenarios}
    top = st.columns([3, 1])
    scenario = top[0].selectbox("Scenario", list(titles), key="ka_scenario", format_func=lambda s: f"{s} — {titles[s]}")
    day = _date("Date", "ka_date", top[1])
    statement = st.text_area("Assumption", key="ka_statement", height=70,
                             placeholder="What the judgments of this scenario take for granted, as one sentence")
    status_col, rationale_col = st.columns([1, 3])
    status = _scale_select("Status", ASSUMPTION_STATUS, "ka_status", default="holding", column=status_col)
    rationale = rationale_col.text_input("Rationale", key="ka_rationale", placeholder="Why (required unless it holds)")
    if scenario is None:
        return None
    return lambda analyst: checklist.plan_assumption(
        ws, scenario, date=day, statement=forms.required(statement), status=str(status),
        rationale=forms.optional(rationale), analyst=forms.required(analyst))


def check_form(ws: Workspace) -> Planner | None:
    """A new check of a key assumption: holding, questioned or broken, and why. Judgments made before
    it was questioned or broke are flagged until the scenario is judged again."""
    options = forms.assumptions(ws)
    top = st.columns([3, 1])
    chosen = top[0].selectbox("Assumption", list(options), index=None, key="kc_assumption", format_func=options.get,
                              placeholder="Type a scenario id or words of the assumption")
    day = _date("Date checked", "kc_date", top[1])
    status_col, rationale_col = st.columns([1, 3])
    status = _scale_select("Status", ASSUMPTION_STATUS, "kc_status", default="questioned", column=status_col)
    rationale = rationale_col.text_input("Rationale", key="kc_rationale", placeholder="What changed")
    if chosen is None:
        return None
    scenario, assumption = chosen.split(" ", 1)
    return lambda analyst: checklist.plan_assumption_check(
        ws, scenario, assumption_id=assumption, date=day, status=str(status), rationale=forms.optional(rationale),
        analyst=forms.required(analyst))


def resolution_form(ws: Workspace) -> Planner | None:
    """Resolve a scenario's question: how it came out, when, and why (its judgments are then scored)."""
    titles = {s.id: s.title for s in ws.scenarios if s.resolution is None}
    if not titles:
        st.info("Every scenario is resolved already.")
        return None
    top = st.columns([3, 1])
    scenario = top[0].selectbox("Scenario", list(titles), key="rs_scenario", format_func=lambda s: f"{s} — {titles[s]}")
    day = _date("Resolved on", "rs_date", top[1])
    outcome = _scale_select("Outcome", OUTCOME, "rs_outcome", default="occurred",
                            help="Ambiguous: cannot be said either way; not scored")
    rationale = st.text_area("Rationale", key="rs_rationale", height=80, placeholder="What settled it")
    if scenario is None:
        return None
    return lambda analyst: checklist.plan_resolution(ws, scenario, date=day, outcome=str(outcome),
                                                     rationale=forms.required(rationale),
                                                     analyst=forms.required(analyst))


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
    if form in ("indication", "assessment", "review") and not ws.indicators:
        st.info("The workspace has no indicators yet: add them to a file in indicators/ first.")
        return
    if form in ("judgment", "assumption", "resolution") and not ws.scenarios:
        st.info("The workspace has no scenarios yet: add them to workspace.yaml first.")
        return
    with st.container(border=True):
        builders = {"indication": indication_form, "assessment": assessment_form, "judgment": judgment_form,
                    "review": review_form, "withdrawal": withdrawal_form, "retirement": retirement_form,
                    "indicator": indicator_form, "scenario": scenario_form, "assumption": assumption_form,
                    "check": check_form, "resolution": resolution_form, "import": import_form}
        planner = builders[form](ws)
        analyst_col, commit_col = st.columns([1, 1], vertical_alignment="bottom")
        identity = state.analyst_identity()
        if identity is not None:  # signed in: entries carry the identity from the token, not a typed name
            analyst_col.text_input("Analyst", value=identity, disabled=True, key="update_identity",
                                   help="You are signed in: your entries are signed with this name and address")
            analyst = identity
        else:
            analyst = analyst_col.text_input("Analyst", value=updates.default_analyst(), key=ANALYST_KEY,
                                             help="Who makes this entry (default $INDICATORS_ANALYST, else your login)")
        if git.in_git_repository(ws.root):
            commit_col.checkbox("Commit with git", key=COMMIT_KEY,
                                help="Commit the changed file after saving (the data folder is a git repository)")
    _preview_and_save(ws, form, planner, analyst)


if __name__ == "__main__":
    render()
