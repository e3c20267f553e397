"""Indicator page: one indicator's criteria, status history, indications and ratings."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from indicators.app import state, ui
from indicators.presentation import chart_data, charts, tables
from indicators.reports import markings
from indicators.reports.escape import md_text
from indicators.scoring import signals, warning
from indicators.workspace.load import Workspace
from indicators.workspace.model import Indicator
from indicators.workspace.vocab import CONFIDENCE, PRIORITY, RATING, STATUS, WATCH, Watch

PARAM = "indicator"


def _header(ws: Workspace, indicator_id: str, as_of: dt.date) -> None:
    indicator = ws.indicator_by_id[indicator_id]
    row = warning.status_as_of(ws, as_of).loc[indicator_id]
    st.header(f"{md_text(indicator.id)} · {md_text(indicator.title)}", anchor=False)
    parts = [ui.chip(STATUS.label(row["status"]), STATUS.colour(row["status"]), title="Status on the as-of date")]
    if row["watch"] != Watch.WATCHED.value:
        parts.insert(0, ui.chip(WATCH.label(row["watch"]), WATCH.colour(row["watch"]),
                                title="Not counted on the board on the as-of date"))
    if isinstance(row["confidence"], str):
        parts.append(ui.text(f"{CONFIDENCE.label(row['confidence'])} confidence"))
    parts.append(ui.chip(f"{PRIORITY.label(indicator.priority)} priority", PRIORITY.colour(indicator.priority)))
    parts += ui.portion_chip(tables.portion_label(row["marking"], floor=ws.meta.marking))
    if row["overdue"]:
        parts.append(ui.chip("Overdue", STATUS.colour("observed"), title="Past its expected-by date, not observed"))
    if row["stale"]:
        parts.append(ui.chip("Stale", STATUS.colour("not_observed"),
                             title=f"Not reassessed within {ws.meta.review_cadence_days} days"))
    ui.html_line(*parts)
    facts = [f"Theme: {indicator.theme or '—'}"]
    if indicator.actors:
        facts.append("Actors: " + ", ".join(indicator.actors))
    if indicator.expected_by:
        facts.append(f"Expected by: {indicator.expected_by}")
    if indicator.added:
        facts.append(f"Watched from: {indicator.added}")
    if pd.notna(row["last_assessed"]):
        how = "Reviewed, no change" if row["review"] else "Last assessed"
        facts.append(f"{how}: {pd.Timestamp(row['last_assessed']).date()} by {row['analyst']}")
    st.caption(md_text(" · ".join(facts)))
    proposal = signals.proposals(ws, as_of).get(indicator_id)
    if proposal is not None:
        st.warning(md_text(f"Reassessment due: assessed {STATUS.label(proposal.assessed)}, but the {proposal.reason}, "
                           f"which points to {STATUS.label(proposal.proposed)}. The board proposes; an assessment "
                           "decides."), icon=":material/rule:")
    ladder = next((lad for lad in signals.ladders(ws, as_of) if indicator.ladder == lad.name), None)
    if ladder is not None and indicator.rung:
        rungs = " → ".join(f"{ident}" + (" (this)" if ident == indicator_id else "") for _, ident in ladder.rungs)
        st.caption(md_text(f"Rung {indicator.rung} of the {ladder.name} ladder ({rungs}); highest rung reached on "
                           f"this date: {ladder.reached} of {len(ladder.rungs)}. Higher rungs weigh more."))
    if indicator.retired is not None and indicator.retired.date <= as_of:
        r = indicator.retired
        st.warning(md_text(f"Retired on {r.date} by {r.analyst}: {r.reason}. Its history is kept; from that date "
                           "it no longer counts toward the board."), icon=":material/inventory_2:")
    elif row["watch"] == Watch.NOT_YET.value:
        st.info(md_text(f"Not yet watched on {as_of}: the team began to watch it on {indicator.added}. "
                        "Until then it does not count toward the board."), icon=":material/schedule:")


def _description(indicator: Indicator) -> None:
    left, right = st.columns(2)
    with left:
        st.markdown("**Description**")
        st.markdown(md_text(indicator.description, one_line=False) if indicator.description else "*No description.*")
    with right:
        st.markdown("**Criteria**")
        st.markdown(md_text(indicator.criteria, one_line=False))
        if indicator.source_ref:
            st.markdown("**Source reference**")
            st.markdown(md_text(indicator.source_ref, one_line=False))


def _indications(ws: Workspace, indicator_id: str, as_of: dt.date) -> None:
    st.subheader("Indications", anchor=False)
    table = tables.indications_of(ws, indicator_id, as_of)
    if table.empty:
        st.info("No indications recorded by the as-of date.")
        return
    table = tables.drop_blank(tables.drop_blank(tables.drop_blank(table, "Value"), "Marking"), "Withdrawn")
    summary = 250 if "Marking" in table.columns else 360  # room for the portion marks
    rows = tables.fit_rows(table, {"Summary": summary, "Source": 150, "Grade meaning": 150})
    st.dataframe(table, hide_index=True, width="stretch", row_height=rows, height=min(40 + rows * len(table), 560),
                 placeholder="—", column_config={
                     "Date": st.column_config.DateColumn("Date", format="YYYY-MM-DD", width=92),
                     "Summary": st.column_config.TextColumn("Summary", width=summary),
                     "Source": st.column_config.TextColumn("Source", width=150),
                     "Grade": st.column_config.TextColumn("Grade", width=58, help=tables.grade_help()),
                     "Grade meaning": st.column_config.TextColumn(
                         "Grade meaning", width=150, help="Source reliability · information credibility"),
                     "Link": st.column_config.LinkColumn("Link", display_text="open ↗", width=64,
                                                         help="The source (http/https links only)"),
                     "Value": st.column_config.TextColumn("Value", width=90),
                     "ID": st.column_config.TextColumn("ID", width=76),
                     "Withdrawn": st.column_config.TextColumn(
                         "Withdrawn", width=200, help="Withdrawn entries are struck through and count for nothing "
                                                      "from the withdrawal on"),
                     "Marking": st.column_config.TextColumn("Marking", width=110,
                                                            help="TLP marking, where above the workspace's"),
                 })
    series = chart_data.numeric_series(ws, indicator_id, as_of)
    if not series.empty:
        st.altair_chart(charts.numeric_series(series), width="stretch",
                        alt="Values reported by this indicator's indications over time")


def _ratings(ws: Workspace, indicator_id: str) -> None:
    st.subheader("Ratings against scenarios", anchor=False)
    st.caption("Indicators Validator: how likely this indicator is to appear if the scenario is true. "
               "The diagnostic weight is how much observing it speaks for that scenario over the others.")
    table = tables.ratings_of(ws, indicator_id)
    rows = tables.fit_rows(table, {"Title": 390})
    st.dataframe(tables.colour_cells(table, {"Rating": RATING, "Meaning": RATING}), hide_index=True,
                 width="stretch", row_height=rows, height=40 + rows * len(table), column_config={
                     "Scenario": st.column_config.TextColumn("Scenario", width=150),
                     "Title": st.column_config.TextColumn("Title", width=390),
                     "Rating": st.column_config.TextColumn("Rating", width=60),
                     "Meaning": st.column_config.TextColumn("Meaning", width=120),
                     "Diagnostic weight": st.column_config.ProgressColumn(
                         "Diagnostic weight", min_value=0.0, max_value=1.0, format="%.2f", width=150,
                         help="How much observing this indicator speaks for the scenario over the others"),
                 })


def render() -> None:
    """Lay out the Indicator page."""
    ws = state.workspace()
    as_of = state.as_of()
    ids = [indicator.id for indicator in ws.indicators]
    if not ids:
        ui.heading("Indicator")
        st.info("The workspace has no indicators yet.")
        return
    titles = {indicator.id: indicator.title for indicator in ws.indicators}
    ui.shows(markings.shown_marking(ws, as_of))  # the picker lists every indicator's title
    chosen = ui.url_choice("Indicator", ids, PARAM, required=True, format_func=lambda i: f"{i} — {titles[i]}",
                           help="Type an id or words of the title")
    if chosen is None:
        return
    indicator = ws.indicator_by_id[chosen]
    ui.shows(markings.shown_marking(ws, as_of, indicators=[chosen], statuses=[as_of], assessments=True,
                                    indications=True))
    _header(ws, chosen, as_of)
    if not state.read_only():  # the Update page exists only for editors
        st.page_link(ui.page("update"), label="Update this indicator", icon=":material/edit_note:",
                     query_params={PARAM: chosen}, help="Record an indication or assess its status")
    _description(indicator)

    history = chart_data.status_history(ws, chosen, as_of)
    st.altair_chart(charts.status_history(history), width="stretch",
                    alt=f"Status history of {indicator.id} up to the as-of date")
    assessments = tables.drop_blank(tables.drop_blank(tables.assessments_table(ws, chosen, as_of), "Marking"),
                                    "Withdrawn")
    with st.expander(f"Assessments ({len(assessments)})", expanded=False):
        if assessments.empty:
            st.caption("No assessment recorded by the as-of date: the status is 'not observed'.")
        else:
            rows = tables.fit_rows(assessments, {"Rationale": 420})
            st.dataframe(tables.colour_cells(assessments, {"Status": STATUS}), hide_index=True, width="stretch",
                         row_height=rows, height=min(40 + rows * len(assessments), 520),
                         column_config={
                             "Date": st.column_config.DateColumn("Date", format="YYYY-MM-DD", width="small"),
                             "ID": st.column_config.TextColumn("ID", width=150,
                                                               help="The id to give 'indicators withdraw'"),
                             "Rationale": st.column_config.TextColumn("Rationale", width=420),
                             "Withdrawn": st.column_config.TextColumn("Withdrawn", width=200),
                         })
    _indications(ws, chosen, as_of)
    _ratings(ws, chosen)


if __name__ == "__main__":
    render()
