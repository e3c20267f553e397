"""Disagreement page: the analysts' own ratings (ratings/<analyst>.yaml) side by side, where they are
far apart, and where the team's Indicators Validator matrix departs from them."""

from __future__ import annotations

import streamlit as st

from indicators.app import state, ui
from indicators.presentation import chart_data, charts, tables
from indicators.reports import markings
from indicators.scoring import disagreement

EXAMPLE = """analyst: Ann Analyst
date: 2024-05-01
ratings:
  MSUP-01: {MIL-COOP: HL, ESCALATION: L}
  DIP-01: {MIL-COOP: L, TRILATERAL: U}"""


def render() -> None:
    """Lay out the Disagreement page."""
    ws = state.workspace()
    ui.heading("Disagreement", "Before the team agrees on the Indicators Validator matrix, each analyst rates on "
                               "their own (ratings/<analyst>.yaml). Those ratings never change the board: they "
                               "show which cells to talk through, and where the agreed matrix departs from what "
                               "the analysts thought. Steps: HL 0, L 1, C 2, U 3, HU 4.")
    cells = disagreement.disagreement(ws)
    ui.shows(markings.ratings_marking(ws, cells["indicator"]))
    if not ws.analyst_ratings:
        st.info("No analyst has rated on their own yet. Each analyst writes a file in the workspace's ratings/ "
                "folder, for example ratings/ann.yaml:")
        st.code(EXAMPLE, language="yaml")
        return
    names = disagreement.analyst_names(ws)
    st.subheader("Analysts", anchor=False)
    st.dataframe(tables.analyst_summary_table(disagreement.analyst_summary(ws)), hide_index=True, width="content",
                 column_config={"Mean steps from the team": st.column_config.NumberColumn(format="%.2f")})
    if cells.empty:
        st.info("The analysts' files rate no indicator and scenario of the workspace.")
        return
    worth = cells[(cells["spread"] >= disagreement.APART_STEPS) | cells["departs"]]
    a, b, c = st.columns(3)
    a.metric("Cells rated by an analyst", len(cells), border=True)
    b.metric("Two steps or more apart", int((cells["spread"] >= disagreement.APART_STEPS).sum()), border=True,
             help="At least two analysts read the indicator differently (e.g. L against U)")
    c.metric("Team departs from the median", int(cells["departs"].sum()), border=True,
             help="The team matrix is a whole step or more from the analysts' median rating")
    st.subheader("To talk through", anchor=False)
    every = st.toggle("Show every rated cell", key="disagreement_all")
    table = tables.disagreement_table(cells if every else worth, names)
    if table.empty:
        st.success("No two analysts are two steps apart, and the team matrix follows their median everywhere.")
    else:
        st.dataframe(table, hide_index=True, width="stretch", column_config={
            "Two steps or more apart": st.column_config.TextColumn(width=300)})
    plotted = cells.assign(given=[", ".join(f"{n} {row.get(disagreement.column_of(n)) or '–'}" for n in names)
                                  for row in cells.to_dict("records")])
    rows = list(dict.fromkeys(plotted["indicator"]))[: chart_data.HEATMAP_MAX_ROWS]
    if len(rows) < plotted["indicator"].nunique():
        st.caption(f"The chart shows the first {chart_data.HEATMAP_MAX_ROWS} indicators, those most apart first.")
    st.altair_chart(charts.disagreement_heatmap(plotted[plotted["indicator"].isin(rows)].drop(columns=["apart"]),
                                                [s.id for s in ws.scenarios]), width="content",
                    alt="Indicator by scenario cells coloured by the spread of the analysts' own ratings")


if __name__ == "__main__":
    render()
