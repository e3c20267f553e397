"""Track record page: how well the judgments of resolved scenarios did (Brier scores, calibration),
how early the warning level rose before each outcome, and the questions still open."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from indicators.app import state, ui
from indicators.presentation import chart_data, charts, tables
from indicators.reports import markings
from indicators.reports.escape import md_text
from indicators.scoring.track import awaiting_resolution, scores
from indicators.workspace.entries import resolved_by
from indicators.workspace.load import Workspace

BRIER = st.column_config.NumberColumn("Brier", format="%.4f", help="0 is perfect, 1 the worst; lower is better")


def render() -> None:
    """Lay out the Track record page."""
    ws = state.workspace()
    as_of = state.as_of()
    ui.heading("Track record", "Each resolved scenario's likelihood judgments scored against how it came out: the "
                               "time-averaged Brier score (the mean over each day of (p − outcome)², p the "
                               "midpoint of the standing judgment's ICD 203 band; 0 perfect, 0.25 a steady 50 %, "
                               "1 the worst). Ambiguous outcomes are not scored.")
    ui.shows(markings.track_marking(ws, as_of))  # the judgments scored, the statuses behind the lead times
    record = scores(ws, as_of)
    _open_questions(ws, as_of)
    if not record["scenarios"]:
        st.info("No scenario is resolved by this date: nothing to score yet. Resolve a scenario on the Update "
                "page (or 'indicators resolve') once its question is settled.")
        return
    st.subheader("Resolved scenarios", anchor=False)
    st.dataframe(tables.track_scenarios(record), hide_index=True, width="stretch", column_config={
        "Title": st.column_config.TextColumn("Title", width=360), "Brier": BRIER})
    for sc in record["scenarios"]:
        brier = "not scored" if sc["brier"] is None else f"Brier {sc['brier']:.4f}"
        with st.expander(f"{sc['id']} — {sc['outcome'].replace('_', ' ')} on {sc['resolved']} ({brier})"):
            st.dataframe(tables.track_judgments(sc), hide_index=True, width="stretch", column_config={
                "p": st.column_config.NumberColumn("p", format="%.3f", help="Midpoint of the term's band"),
                "Brier": BRIER})
    if record["analysts"]:
        st.subheader("Analysts", anchor=False)
        st.caption("The mean of the scores of each analyst's judgments (each judgment (p − outcome)², however "
                   "long it stood). A few questions say little: read it with the number of judgments.")
        st.dataframe(tables.track_analysts(record), hide_index=True, width="content", column_config={
            "Analyst": st.column_config.TextColumn("Analyst", width=240), "Brier": BRIER})
    calibration = chart_data.calibration_frame(record)
    if not calibration.empty:
        st.subheader("Calibration", anchor=False)
        st.caption("For each estimative term: the share of its scored judgments that came true (point, sized by "
                   "how many) against the term's band (grey bar). Points above their band: the term was used too "
                   "cautiously; below it: too boldly. Few judgments per term make wide swings.")
        st.altair_chart(charts.calibration(calibration), width="stretch",
                        alt="Share of judgments that came true for each estimative term, against its band")
    st.subheader("Warning lead time", anchor=False)
    st.caption("When each scenario's warning level first reached each level, and how many days before its "
               "resolution. For a scenario that occurred, earlier is better warning; for one that did not, "
               "a level reached is a false alarm.")
    st.dataframe(tables.lead_time_table(record), hide_index=True, width="stretch")


def _open_questions(ws: Workspace, as_of: dt.date) -> None:
    """The questions that closed without a resolution, and those still open with a closing date."""
    late = [s for s in ws.scenarios if awaiting_resolution(s, as_of)]
    for scenario in late:
        st.warning(f"**{md_text(scenario.id)}**'s question closed on {scenario.question_close} and is not "
                   "resolved: resolve it on the Update page.", icon=":material/event_busy:")
    upcoming = [s for s in ws.scenarios if s.question_close is not None and s.question_close >= as_of
                and resolved_by(s, as_of) is None]
    if upcoming:
        st.caption("Open questions: " + "; ".join(f"{md_text(s.id)} closes {s.question_close}"
                                                   for s in sorted(upcoming, key=lambda s: s.question_close)))


if __name__ == "__main__":
    render()
