"""Trends page: status composition, indicator x month heat map, indication timeline, likelihoods."""

from __future__ import annotations

import streamlit as st

from indicators.app import state, ui
from indicators.presentation import chart_data, charts
from indicators.reports import markings


def render() -> None:
    """Lay out the Trends page."""
    ws = state.workspace()
    as_of = state.as_of()
    ui.heading("Trends", f"How the picture developed, month by month, up to {as_of:%d %B %Y}.")
    ui.shows(markings.shown_marking(ws, as_of, history=True, all_judgments=True))

    st.altair_chart(charts.status_composition(chart_data.composition(ws, as_of)), width="stretch",
                    alt="Number of indicators in each status at each month end")

    themes = st.multiselect("Themes for the heat map and the timeline", ws.themes, key="trend_theme",
                            bind="query-params", placeholder="All themes")
    heat, total = chart_data.heatmap_frame(ws, as_of, themes)
    if heat.empty:
        st.info("No indicators to show.")
    else:
        shown = heat["indicator"].nunique()
        if shown < total:
            st.caption(f"Showing {shown} of {total} indicators (highest priority and most advanced status first); "
                       "choose themes to see others.")
        st.altair_chart(charts.status_heatmap(heat), width="stretch",
                        alt="Status of each indicator at the end of each month")

    timeline, binned = chart_data.timeline_frame(ws, as_of, themes)
    ui.shows(markings.shown_marking(ws, as_of, indications=True,
                                    indicators=[i.id for i in ws.indicators if not themes or i.theme in themes]))
    if timeline.empty:
        st.info("No indications recorded by the as-of date.")
    else:
        if binned:
            st.caption("Many indications: counted per week and theme.")
        st.altair_chart(charts.indication_timeline(timeline, binned), width="stretch",
                        alt="Indications over time by theme")

    likelihood = chart_data.likelihood_history(ws, as_of)
    if likelihood.empty:
        st.info("No scenario judgments recorded by the as-of date.")
    else:
        st.altair_chart(charts.likelihood_history(likelihood), width="content",
                        alt="Each scenario's ICD 203 likelihood over time")


if __name__ == "__main__":
    render()
