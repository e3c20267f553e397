"""Export page: download the board as of the sidebar's dates, keep snapshots, and compare two of them.

Downloads are built only when clicked (`st.download_button(data=callable)`) and their URL expires
seconds later (`indicators.app.downloads`); markings below the workspace's are refused with the
library's reason. Comparisons reuse `compare` (two kept snapshots,
or the board on the "changed since" and as-of dates).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import streamlit as st

from indicators.app import sharing, state, ui
from indicators.presentation.tables import fit_rows
from indicators.reports import compare, export, formats, markings
from indicators.reports.escape import md_text
from indicators.reports.markings import ExportRefused, check_marking
from indicators.reports.snapshot import (
    KeptSnapshot,
    SnapshotError,
    build_snapshot,
    list_snapshots,
    load_snapshot,
    snapshot_path,
)
from indicators.workspace.load import Workspace
from indicators.workspace.problems import Problem
from indicators.workspace.vocab import MARKING, Marking

MARKING_KEY = "export_marking"
COMPARE_KEY = "export_compare"
OLD_KEY, NEW_KEY = "export_old", "export_new"
COMPARE = {"dates": "The board on two dates", "snapshots": "Two kept snapshots"}


@st.cache_data(max_entries=16, show_spinner="Comparing the two dates…")
def _diff_dates(_ws: Workspace, signature: state.FileSignature, start: dt.date, end: dt.date,
                marking: str) -> dict[str, Any]:
    """`compare.diff_dates`, cached on the workspace files' signature (it builds two snapshots)."""
    del signature  # only part of the cache key
    return compare.diff_dates(_ws, start, end, marking)


def _problems(problems: list[Problem], headline: str) -> None:
    """Refusals as a headline and a list of message — hint (never a traceback)."""
    lines = "\n".join(f"- {md_text(p.message)}" + (f" — *{md_text(p.hint)}*" if p.hint else "")
                      for p in problems)
    st.error(f"**{headline}**\n\n{lines}", icon=":material/block:")


def _marking(ws: Workspace) -> Marking | None:
    """The marking to export for, or None (and the reason shown) when it is refused."""
    st.subheader("Download", anchor=False)
    cap = state.marking_cap()
    values = [m for m in MARKING.values() if cap is None or not markings.above(m, cap)]
    own = MARKING.member(ws.meta.marking).value
    left, right = st.columns([1, 3], vertical_alignment="bottom")
    chosen = left.selectbox("Export for", values, index=values.index(own) if own in values else len(values) - 1,
                            key=MARKING_KEY,
                            format_func=MARKING.label,
                            help="Items marked above this are left out and counted. The workspace is marked "
                                 f"{MARKING.label(own)}: exports below that are refused.")
    try:
        marking = check_marking(ws, chosen)
    except ExportRefused as refused:
        with right:
            _problems(refused.problems, "No export for this marking:")
        return None
    count = sharing.withheld(ws, marking, state.as_of())
    with right:
        box = st.warning if count.total else st.info
        box(sharing.withheld_sentence(count, marking), icon=":material/visibility_off:" if count.total else None)
    return marking


def _downloads(ws: Workspace, as_of: dt.date, since: dt.date, marking: Marking) -> None:
    """One download button per registered format (`formats.FORMATS`), each built only when clicked."""
    columns = st.columns(len(formats.FORMATS))
    for column, fmt in zip(columns, formats.FORMATS):
        column.download_button(
            fmt.label, data=sharing.exporter(ws, as_of, since, marking, fmt.name),
            file_name=sharing.download_name(ws, as_of, fmt.name), mime=fmt.media_type, on_click="ignore",
            key=f"download_{fmt.name}", icon=":material/download:", width="stretch",
            help=f"{fmt.label} for {MARKING.label(marking)}, as of {as_of}, changes since {since}")


def _keep(ws: Workspace, as_of: dt.date, since: dt.date, marking: Marking) -> None:
    if state.read_only():
        st.caption("Read-only: snapshots are kept with `indicators export --save` by an editor.")
        return
    target = snapshot_path(ws.root, as_of)
    left, right = st.columns([1, 3], vertical_alignment="center")
    clicked = left.button("Keep snapshot", key="keep_snapshot", icon=":material/inventory_2:",
                          help="Write the JSON snapshot into the data folder, to compare with later")
    if clicked:
        try:
            path = export.keep_snapshot(ws.root, build_snapshot(ws, as_of, since, marking))
        except ExportRefused as refused:
            _problems(refused.problems, "The snapshot was not kept:")
        else:
            st.success(f"Kept {path.parent.name}/{path.name}.", icon=":material/check_circle:")
    again = " A snapshot of this date is kept already: keeping it again replaces it." if target.exists() else ""
    right.caption(f"Keeps this JSON as `{target.parent.name}/{target.name}` in the data folder.{again}")


def _kept(kept: list[KeptSnapshot]) -> None:
    st.subheader("Kept snapshots", anchor=False)
    if not kept:
        st.info("No snapshot is kept yet.")
        return
    table = sharing.kept_table(kept)
    if not table["Problem"].astype(bool).any():
        table = table.drop(columns="Problem")
    st.dataframe(table, hide_index=True, width="stretch", height=min(38 + 35 * len(table), 320), column_config={
        "As of": st.column_config.DateColumn("As of", format="YYYY-MM-DD"),
        "Marking": st.column_config.TextColumn("Marking", help="The snapshot's marking: the highest of what it "
                                                               "holds"),
    })


def _show_diff(result: dict[str, Any]) -> None:
    ui.shows(result["marking"])  # the comparison's items: the stricter marking of its two sides
    st.caption(md_text(sharing.diff_heading(result)))
    tables = sharing.diff_tables(result)
    if not tables:
        st.info("No changes.")
        return
    for kind, title, table in tables:
        st.markdown(f"**{title}** ({len(table)})")
        rows = fit_rows(table, {"Rationale": 320, "Summary": 320, "Title": 200})
        st.dataframe(table, hide_index=True, width="stretch", row_height=rows, key=f"diff_{kind}",
                     height=min(38 + rows * len(table), 400), placeholder="—", column_config={
                         "Date": st.column_config.DateColumn("Date", format="YYYY-MM-DD"),
                         "Judged": st.column_config.DateColumn("Judged", format="YYYY-MM-DD"),
                         "Assessed": st.column_config.DateColumn("Assessed", format="YYYY-MM-DD"),
                         "Link": st.column_config.LinkColumn("Link", display_text="open ↗"),
                         "Score before": st.column_config.NumberColumn("Score before", format="%.2f"),
                         "Score after": st.column_config.NumberColumn("Score after", format="%.2f"),
                         "Title": st.column_config.TextColumn("Title", width=200),
                         "Rationale": st.column_config.TextColumn("Rationale", width=320),
                         "Summary": st.column_config.TextColumn("Summary", width=320),
                     })
    with st.expander("As text (as `indicators diff` prints it)"):
        st.code(compare.format_diff(result), language=None)


def _compare(ws: Workspace, kept: list[KeptSnapshot], as_of: dt.date, since: dt.date,
             marking: Marking | None) -> None:
    st.subheader("Compare", anchor=False)
    how = st.radio("Compare", list(COMPARE), format_func=COMPARE.get, key=COMPARE_KEY, horizontal=True,
                   label_visibility="collapsed")
    if how == "dates":
        st.caption(f"The board on the 'changed since' date ({since}) against the as-of date ({as_of}), "
                   "for the marking chosen above. Change the dates in the sidebar.")
        if marking is None:
            st.info("Choose a marking the workspace may be exported for.")
            return
        root = state.data_dir()
        _show_diff(_diff_dates(ws, state.file_signature(root), since, as_of, marking.value))
        return
    choices = sharing.snapshot_choices(kept)
    if len(choices) < 2:
        st.info("Keep at least two snapshots to compare them (Keep snapshot above, or `indicators export --save`).")
        return
    paths = list(choices)
    left, right = st.columns(2)
    old = left.selectbox("Older", paths, index=len(paths) - 2, key=OLD_KEY, format_func=choices.get)
    new = right.selectbox("Newer", paths, index=len(paths) - 1, key=NEW_KEY, format_func=choices.get)
    try:
        before, after = load_snapshot(old), load_snapshot(new)
    except SnapshotError as err:
        _problems(err.problems, "A snapshot cannot be read:")
        return
    _show_diff(compare.diff_snapshots(before, after, old_label=Path(old).name, new_label=Path(new).name))


def render() -> None:
    """Lay out the Export page."""
    # Exports withhold by the marking chosen (never above a capped reader's cap), and say what they
    # left out: they are made from the whole workspace, exactly as `export --marking` makes them.
    ws = state.full_workspace()
    as_of, since = state.as_of(), state.since()
    ui.shows(ws.meta.marking)  # the page shows no item but those of a comparison (`_show_diff`)
    ui.heading("Export", f"Share the board as of {as_of:%d %B %Y} (changes since {since:%d %B %Y}) as one file "
                         "that opens anywhere, offline. The dates come from the sidebar.")
    marking = _marking(ws)
    if marking is not None:
        _downloads(ws, as_of, since, marking)
        _keep(ws, as_of, since, marking)
    kept = list_snapshots(ws.root)
    cap = state.marking_cap()
    if cap is not None:  # a capped reader sees only snapshots made for their marking or below
        kept = [k for k in kept if k.marking is not None and not markings.above(k.marking, cap)]
    _kept(kept)
    _compare(ws, kept, as_of, since, marking)


if __name__ == "__main__":
    render()
