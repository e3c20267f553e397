"""Scenarios page: the Indicators Validator matrix, diagnosticity, and scenario coverage."""

from __future__ import annotations

import streamlit as st

from indicators.app import state, ui
from indicators.presentation import chart_data, charts, tables
from indicators.reports import markings
from indicators.reports.escape import md_text
from indicators.scoring import warning
from indicators.workspace.vocab import ASSUMPTION_STATUS


def render() -> None:
    """Lay out the Scenarios page."""
    ws = state.workspace()
    ui.heading("Scenarios", "Indicators Validator: how likely each indicator is to appear if a scenario is true "
                            "(HL highly likely … HU highly unlikely). An indicator rated alike under every "
                            "scenario cannot tell them apart: it is not diagnostic.")
    ui.shows(markings.shown_marking(ws, state.as_of()))  # every indicator's ratings: their own markings
    ui.shows(markings.shown_marking(ws, state.as_of(), scores=True))  # what would change each level: the statuses
    if not ws.scenarios:
        st.info("No scenarios are defined in workspace.yaml.")
        return

    coverage = tables.coverage_table(ws)
    for _, row in coverage[coverage["Too few"]].iterrows():
        st.warning(f"**{md_text(row['Scenario'])}** has only {row['Diagnostic indicators']} diagnostic "
                   f"indicator{'s' if row['Diagnostic indicators'] != 1 else ''} (at least {warning.MIN_DIAGNOSTIC} "
                   "are needed to tell it apart from the others): add or re-rate indicators.",
                   icon=":material/flag:")
    st.dataframe(coverage, hide_index=True, width="stretch", column_config={
        "Scenario": st.column_config.TextColumn("Scenario", width=160),
        "Title": st.column_config.TextColumn("Title", width=540),
        "Diagnostic indicators": st.column_config.NumberColumn(
            "Diagnostic indicators", help="Indicators whose rating for this scenario is above their mean elsewhere"),
        "Too few": st.column_config.CheckboxColumn("Too few", help=f"Fewer than {warning.MIN_DIAGNOSTIC}"),
    })

    unrated = tables.unrated_pairs(ws, state.as_of())
    if not unrated.empty:
        st.subheader("Left to rate", anchor=False)
        st.caption("These indicators are not rated against these scenarios: until they are, they count for "
                   "nothing toward them. Rate them in the indicator files (or when adding the scenario).")
        st.dataframe(unrated, hide_index=True, width="stretch", column_config={
            "Scenario": st.column_config.TextColumn("Scenario", width=160),
            "Indicator": st.column_config.TextColumn("Indicator", width=110),
            "Title": st.column_config.TextColumn("Title", width=540)})
    retired = tables.retired_scenarios(ws, state.as_of())
    if not retired.empty:
        st.caption("Retired (no warning level from their retirement on; history kept): "
                   + md_text("; ".join(f"{r.Scenario} on {r.Retired} — {r.Reason}" for r in retired.itertuples())))

    pins = tables.linchpins_table(ws, state.as_of())
    st.subheader("What would change the level", anchor=False)
    st.caption("The indicators whose single change of status (to observed with high confidence, or back to not "
               "observed or negated) would move a scenario's warning level on the as-of date: what to collect on "
               "next. Moves up first.")
    if pins.empty:
        st.info("No single indicator would move any scenario's level.")
    else:
        st.dataframe(pins, hide_index=True, width="stretch", column_config={
            "Scenario": st.column_config.TextColumn("Scenario", width=150),
            "Title": st.column_config.TextColumn("Title", width=380)})
    assumptions = tables.assumptions_table(ws, state.as_of())
    if not assumptions.empty:
        st.subheader("Key assumptions", anchor=False)
        st.caption("What each scenario's judgments rest on, as last checked. A judgment made before an assumption "
                   "was questioned or broke is flagged (Judge again) until the scenario is judged again; add and "
                   "check assumptions on the Update page.")
        st.dataframe(tables.colour_cells(assumptions, {"Status": ASSUMPTION_STATUS}), hide_index=True,
                     width="stretch", column_config={
                         "Assumption": st.column_config.TextColumn("Assumption", width=340),
                         "Since": st.column_config.DateColumn("Since", format="YYYY-MM-DD"),
                         "Rationale": st.column_config.TextColumn("Rationale", width=220)})
    ladders = tables.ladders_table(ws, state.as_of())
    if not ladders.empty:
        st.subheader("Escalation ladders", anchor=False)
        st.caption("Ordered rungs of one development; higher rungs weigh more (see the README).")
        st.dataframe(ladders, hide_index=True, width="stretch")

    themes = st.multiselect("Themes", ws.themes, key="validator_theme", bind="query-params",
                            placeholder="All themes")
    matrix = chart_data.validator_matrix(ws)
    diag = chart_data.diagnosticity_table(ws)
    if themes:
        matrix = matrix[matrix["theme"].isin(themes)]
        diag = diag[diag["theme"].isin(themes)]
    rows = list(dict.fromkeys(matrix["indicator"]))
    if len(rows) > chart_data.HEATMAP_MAX_ROWS:
        st.caption(f"Showing the first {chart_data.HEATMAP_MAX_ROWS} of {len(rows)} indicators; "
                   "choose themes to see others.")
        rows = rows[: chart_data.HEATMAP_MAX_ROWS]
        matrix = matrix[matrix["indicator"].isin(rows)]
    if matrix.empty:
        st.info("No ratings to show.")
    else:
        st.altair_chart(charts.validator_with_diagnosticity(matrix, diag, [s.id for s in ws.scenarios]),
                        width="content",
                        alt="Indicator by scenario matrix of ratings, with each indicator's diagnosticity")

    st.subheader("Not diagnostic", anchor=False)
    flat = diag[~diag["diagnostic"]]
    if flat.empty:
        st.success("Every indicator tells at least two scenarios apart.")
    else:
        st.caption("Rated alike under every scenario: observing them does not move any warning level.")
        st.dataframe(flat[["indicator", "title", "theme"]].rename(columns=str.capitalize), hide_index=True,
                     width="stretch")


if __name__ == "__main__":
    render()
