"""Overview page: how worried should I be, and what changed since the chosen date."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from indicators.app import state, ui
from indicators.presentation import chart_data, charts, tables
from indicators.reports import markings
from indicators.reports.escape import md_text
from indicators.scoring import frames, warning
from indicators.scoring.assumptions import current_flags
from indicators.scoring.track import awaiting_resolution
from indicators.workspace.entries import resolved_by
from indicators.workspace.load import Workspace
from indicators.workspace.model import Scenario
from indicators.workspace.vocab import CONFIDENCE, LIKELIHOOD, OUTCOME, TREND


def _scenario_card(ws: Workspace, sid: str, row: pd.Series, history: pd.DataFrame) -> None:
    with st.container(border=True):
        left, middle, right = st.columns([5, 3, 4], vertical_alignment="top")
        with left:
            st.markdown(f"**{md_text(row['title'])}**")
            st.caption(md_text(sid))
            if len(history) > 1:
                st.altair_chart(charts.score_sparkline(history, row["colour"]), width="stretch",
                                alt=f"Warning score of {sid} month by month")
        with middle:
            chips = [ui.chip(row["label"], row["colour"], title="Warning level"),
                     ui.chip(TREND.label(row["trend"]), TREND.colour(row["trend"]),
                             title=TREND.term(row["trend"]).description)]
            if row["marginal"]:
                chips.append(ui.chip("Marginal", TREND.colour("unchanged"),
                                     title=f"The level changed although the score moved less than "
                                           f"{ws.meta.trend_tolerance:g}"))
            ui.html_line(*chips)
            st.caption(f"Warning score {row['score_text']}. Change over {md_text(row['windows_text'])}")
            for line in (row["ladders_text"], row["linchpins_text"]):
                if line:
                    st.caption(md_text(line))
        with right:
            resolution = resolved_by(ws.scenario_by_id[sid], state.as_of())
            if resolution is not None:
                outcome = resolution.outcome
                ui.html_line(ui.chip(f"Resolved: {OUTCOME.label(outcome)}", OUTCOME.colour(outcome),
                                     title=OUTCOME.term(outcome).description))
                st.caption(f"Resolved {resolution.date} by {md_text(resolution.analyst)}: "
                           f"{md_text(resolution.rationale)} No more warnings are raised for it.")
            if isinstance(row.get("likelihood"), str):
                ui.html_line(ui.chip(LIKELIHOOD.label(row["likelihood"]), LIKELIHOOD.colour(row["likelihood"]),
                                     title=LIKELIHOOD.term(row["likelihood"]).description),
                             ui.text(f"{CONFIDENCE.label(row['confidence'])} confidence"),
                             *ui.portion_chip(tables.portion_label(row.get("marking"), floor=ws.meta.marking)))
                judged = pd.Timestamp(row["judged"]).date()
                stale = (f" · **stale: {int(row['judgment_age'])} days old**"
                         if row["judgment_stale"] and resolution is None else "")
                st.caption(f"Judged {judged} by {md_text(row['analyst'])}{stale}")
                with st.expander("Rationale"):
                    st.markdown(md_text(row["rationale"], one_line=False))
            else:
                st.caption("No likelihood judgment yet")
            _question_lines(ws.scenario_by_id[sid], state.as_of(), resolved=resolution is not None)


def _question_lines(scenario: Scenario, as_of: dt.date, *, resolved: bool) -> None:
    """Key assumptions in doubt under the standing judgment, and the question's closing date."""
    for flag in current_flags(scenario, as_of):  # none once the question is resolved
        why = f": {md_text(flag.rationale)}" if flag.rationale else "."
        st.warning(f"Rests on **{md_text(flag.assumption)}** ({md_text(flag.statement)}), "
                   f"{md_text(flag.status.value)} since {flag.since}{why} Judge the scenario again.",
                   icon=":material/report:")
    if awaiting_resolution(scenario, as_of):
        st.warning(f"The question closed on {scenario.question_close} and is not resolved: resolve it on the "
                   "Update page.", icon=":material/event_busy:")
    elif scenario.question_close is not None and not resolved:
        st.caption(f"Question closes {scenario.question_close}")


def render() -> None:
    """Lay out the Overview page."""
    ws = state.workspace()
    as_of, since = state.as_of(), state.since()
    ui.shows(markings.shown_marking(ws, as_of, scores=True, history=True, judged=[as_of], changes_since=since))
    st.title(md_text(ws.meta.title), anchor=False)
    st.markdown(f"*{md_text(ws.meta.question)}*")
    st.caption(f"The board as of {as_of:%d %B %Y}. Changes are counted since {since:%d %B %Y}.")

    st.subheader("Scenarios", anchor=False)
    summary = tables.scenario_summary(ws, as_of)
    if summary.empty:
        st.info("No scenarios are defined in workspace.yaml.")
    history = chart_data.level_history(ws, as_of)
    for sid, row in summary.iterrows():
        _scenario_card(ws, str(sid), row, history[history["scenario"] == sid])

    st.subheader("Indicators", anchor=False)
    now = warning.counts(warning.status_as_of(ws, as_of))
    delta = frames.count_changes(now, warning.counts(warning.status_as_of(ws, since)))
    columns = st.columns(5)
    for column, (key, label, help_text) in zip(columns, [
        ("observed", "Observed", "Indicators whose criteria are met"),
        ("emerging", "Emerging", "Indicators with partial or early signs"),
        ("negated", "Negated", "Indicators with evidence against them"),
        ("overdue", "Overdue", "Past their expected-by date and still not observed"),
        ("stale", "Stale", f"Not reassessed within {ws.meta.review_cadence_days} days"),
    ]):
        colour = "inverse" if key != "negated" else "normal"
        column.metric(label, now[key], delta=delta[key] or None, delta_color=colour,
                      help=f"{help_text}. Change since {since}.", border=True)
    fresh = frames.freshness(ws, as_of)
    newest = fresh["newest_evidence"]
    st.caption(f"{now['indicators']} indicators in all. Newest evidence: {newest or 'none yet'}"
               + (f" ({(as_of - newest).days} days before the as-of date)" if newest else "")
               + f". Stale: {fresh['stale_indicators']} indicators, {fresh['stale_judgments']} of "
                 f"{fresh['judgments']} likelihood judgments (older than {ws.meta.review_cadence_days} days).")

    st.subheader(f"Warning notices since {since:%d %B %Y}", anchor=False)
    found = tables.notices_table(ws, since, as_of)
    due = list(found.loc[found["Notice"] == "Reassessment", "Subject"])
    if due:  # a reassessment rests on the values of the indicator's indications
        ui.shows(markings.shown_marking(ws, as_of, indicators=due, indications=True))
    if found.empty:
        st.info("No notices in this period.")
    else:
        rows = tables.fit_rows(found, {"What happened": 460})
        st.dataframe(found, hide_index=True, width="stretch", row_height=rows,
                     height=min(40 + rows * len(found), 420), column_config={
                         "Date": st.column_config.DateColumn("Date", format="YYYY-MM-DD", width="small"),
                         "Notice": st.column_config.TextColumn("Notice", width="small"),
                         "Subject": st.column_config.TextColumn("Subject", width="small"),
                         "What happened": st.column_config.TextColumn("What happened", width=460),
                         "Evidence": st.column_config.TextColumn("Evidence", width=180),
                     })

    st.subheader(f"What changed since {since:%d %B %Y}", anchor=False)
    changes = tables.drop_blank(tables.changes_table(ws, since, as_of), "Marking")
    if changes.empty:
        st.info("Nothing changed in this period.")
    else:
        rows = tables.fit_rows(changes, {"What changed": 440, "Title": 200})
        st.dataframe(changes, hide_index=True, width="stretch", row_height=rows,
                     height=min(40 + rows * len(changes), 520),
                     column_config={
                         "Date": st.column_config.DateColumn("Date", format="YYYY-MM-DD", width="small"),
                         "Kind": st.column_config.TextColumn("Kind", width="small"),
                         "Subject": st.column_config.TextColumn("Subject", width="small",
                                                                help="Indicator or scenario id"),
                         "Marking": st.column_config.TextColumn(
                             "Marking", width=110, help="TLP marking of the item, where above the workspace's"),
                         "Title": st.column_config.TextColumn("Title", width=200),
                         "What changed": st.column_config.TextColumn("What changed", width=440),
                     })

    if not history.empty:
        labels, colours = chart_data.level_domain(ws)
        st.altair_chart(charts.level_history(history, labels, colours), width="stretch",
                        alt="Warning level of each scenario at the end of each month")


if __name__ == "__main__":
    render()
