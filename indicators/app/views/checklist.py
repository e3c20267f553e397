"""Checklist page: every indicator with its status as of the date, filterable; a row opens it."""

from __future__ import annotations

import streamlit as st

from indicators.app import state, ui
from indicators.presentation import tables
from indicators.reports import markings
from indicators.scoring import frames, warning
from indicators.workspace.load import Workspace
from indicators.workspace.vocab import PRIORITY, STATUS

TABLE_KEY = "checklist_table"


def filters(ws: Workspace) -> frames.ChecklistFilter:
    """The filter widgets, each bound to a URL parameter (scenario as a clean id)."""
    with st.container(border=True):
        top = st.columns(4)
        themes = top[0].multiselect("Theme", ws.themes, key="theme", bind="query-params", placeholder="Any theme")
        actors = top[1].multiselect("Actor", frames.actors(ws), key="actor", bind="query-params",
                                    placeholder="Any actor")
        with top[2]:
            titles = {s.id: s.title for s in ws.scenarios}
            scenario = ui.url_choice("Scenario", list(titles), "scenario", placeholder="Any scenario",
                                     format_func=lambda s: f"{s} — {titles.get(s, '')}",
                                     help="Indicators diagnostic for the scenario, or rated HL or L against it")
        statuses = top[3].multiselect("Status", STATUS.values(), format_func=STATUS.label, key="status",
                                      bind="query-params", placeholder="Any status")
        bottom = st.columns(2, vertical_alignment="bottom")
        priorities = bottom[0].multiselect("Priority", PRIORITY.values(), format_func=PRIORITY.label,
                                           key="priority", bind="query-params", placeholder="Any priority")
        text = bottom[1].text_input("Search", key="q", bind="query-params", placeholder="id or words of the title")
        flags = st.columns(4)
        overdue = flags[0].checkbox("Overdue only", key="overdue", bind="query-params",
                                    help="Past the expected-by date and still not observed")
        stale = flags[1].checkbox("Stale only", key="stale", bind="query-params",
                                  help=f"Not reassessed within {ws.meta.review_cadence_days} days")
        reassess = flags[2].checkbox("Reassessment due", key="reassess", bind="query-params",
                                     help="Indicators whose numeric series crosses a threshold their latest "
                                          "assessment does not reflect")
        retired = flags[3].checkbox("Show retired", key="retired", bind="query-params",
                                    help="Also list the indicators retired by the as-of date (they no longer count)")
    return frames.ChecklistFilter(themes=tuple(themes), actors=tuple(actors), scenario=scenario,
                                 statuses=tuple(statuses), priorities=tuple(priorities), overdue=overdue,
                                 stale=stale, text=text or "", retired=retired, reassess=reassess)


def render() -> None:
    """Lay out the Checklist page."""
    ws = state.workspace()
    as_of = state.as_of()
    ui.heading("Checklist", f"Every indicator and its status as of {as_of:%d %B %Y}. "
                            "Select a row to open the indicator.")
    chosen = filters(ws)
    ui.shows(markings.shown_marking(ws, as_of))  # the theme and actor options come from every indicator
    status = warning.status_as_of(ws, as_of)
    shown = frames.filter_checklist(ws, status, chosen)
    ui.shows(markings.shown_marking(ws, as_of, indicators=shown.index, statuses=[as_of], indications=True))
    if chosen.reassess:  # the filter rests on every watched indicator's series, shown or not
        ui.shows(markings.shown_marking(ws, as_of, statuses=[as_of], indications=True))
    table = tables.drop_blank(tables.checklist_table(shown, ws.meta.marking), "Marking")
    st.caption(tables.checklist_count(status, shown, chosen.retired))
    if table.empty:
        st.info("No indicator matches these filters.")
        return
    styled = tables.colour_cells(table, {"Status": STATUS, "Priority": PRIORITY})
    event = st.dataframe(
        styled, key=TABLE_KEY, on_select="rerun", selection_mode="single-row", hide_index=True, width="stretch",
        height=min(38 + 35 * len(table), 640),
        column_config={
            "ID": st.column_config.TextColumn("ID", width="small", pinned=True),
            "Title": st.column_config.TextColumn("Title", width="large"),
            "Status": st.column_config.TextColumn("Status", width=170 if chosen.retired else 110,
                                                  help="Latest assessment on or before the as-of date"),
            "Confidence": st.column_config.TextColumn("Confidence", width="small"),
            "Priority": st.column_config.TextColumn("Priority", width="small"),
            "Theme": st.column_config.TextColumn("Theme", width="small"),
            "Actors": st.column_config.TextColumn("Actors", width="medium"),
            "Last assessed": st.column_config.DateColumn("Last assessed", format="YYYY-MM-DD"),
            "Indications": st.column_config.NumberColumn("Indications", help="Indications known on the as-of date"),
            "Last indication": st.column_config.DateColumn("Last indication", format="YYYY-MM-DD"),
            "Expected by": st.column_config.DateColumn("Expected by", format="YYYY-MM-DD"),
            "Overdue": st.column_config.CheckboxColumn("Overdue"),
            "Stale": st.column_config.CheckboxColumn("Stale"),
            "Marking": st.column_config.TextColumn("Marking", width=110,
                                                   help="TLP marking of what the row rests on, where above the "
                                                        "workspace's"),
        },
    )
    rows = event.selection.rows if event is not None else []
    if rows:
        st.switch_page(ui.page("indicator"), query_params={"indicator": str(table.iloc[rows[0]]["ID"])})


if __name__ == "__main__":
    render()
