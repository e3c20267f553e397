"""Data health page: every problem found in the workspace files, with its location and a fix."""

from __future__ import annotations

import streamlit as st

from indicators.app import state, ui
from indicators.presentation import tables
from indicators.reports import markings
from indicators.scoring import frames


def render() -> None:
    """Lay out the Data health page."""
    ws = state.workspace()
    ui.heading("Data health", "Problems found while reading the workspace files. The board shows everything "
                              "that loaded; save a fixed file and the page updates on the next rerun.")
    # A problem's message may quote the data, and a file that did not load may hold any marking.
    ui.shows(markings.highest_present(ws) if ws.problems else ws.meta.marking)
    errors, warnings = frames.problem_counts(ws.problems)
    left, middle, right = st.columns(3)
    left.metric("Errors", errors, border=True)
    middle.metric("Warnings", warnings, border=True)
    right.metric("Files read", len(ws.files), border=True)
    frame = tables.problems_frame(ws.problems, ws.root)
    if frame.empty:
        st.success(f"No problems: {len(ws.indicators)} indicators and {len(ws.scenarios)} scenarios loaded.")
        return
    widths = {"File": 190, "Line": 52, "Column": 64, "Severity": 76, "Code": 150, "Message": 300, "Hint": 300}
    rows = tables.fit_rows(frame, {"File": 190, "Code": 150, "Message": 300, "Hint": 300})
    st.caption(f"Files are named relative to the data folder {ws.root}.")
    st.dataframe(frame, hide_index=True, width="stretch", row_height=rows, height=min(40 + rows * len(frame), 640),
                 column_config={
                     "File": st.column_config.TextColumn("File", width=widths["File"]),
                     "Line": st.column_config.NumberColumn("Line", width=widths["Line"], format="%d"),
                     "Column": st.column_config.NumberColumn("Column", width=widths["Column"], format="%d"),
                     "Severity": st.column_config.TextColumn("Severity", width=widths["Severity"]),
                     "Code": st.column_config.TextColumn("Code", width=widths["Code"],
                                                         help="A stable name of the kind of problem"),
                     "Message": st.column_config.TextColumn("Message", width=widths["Message"]),
                     "Hint": st.column_config.TextColumn("Hint", width=widths["Hint"], help="How to fix it"),
                 })
    with st.expander("As text (path:line:column, as editors and CI read it)"):
        st.code("\n".join(p.format() for p in ws.problems), language=None)


if __name__ == "__main__":
    render()
