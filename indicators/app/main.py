"""The board's Streamlit app: page config, sidebar dates, banners and navigation.

`dashboard.py` and `indicators/app/entry.py` both call `main()`. Widgets drawn here (the as-of
and changed-since dates) live in the entry script, so their URL parameters survive page changes.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from indicators.app import downloads, signin, state, ui
from indicators.reports.escape import md_text
from indicators.reports.markings import highest_present

EARLIEST = dt.date(1970, 1, 1)


def sidebar_dates() -> None:
    """The as-of and changed-since dates, bound to the URL (`?as_of=…&since=…`)."""
    today = dt.date.today()
    st.date_input("As of", value=today, min_value=EARLIEST, max_value=today, key=state.AS_OF_KEY,
                  bind="query-params", on_change=state.on_as_of_change, format="YYYY-MM-DD",
                  help="Show the board as it stood on this day: only indications, assessments and "
                       "judgments dated on or before it count.")
    as_of = state.as_of()
    st.date_input("Changed since", value=state.since_default(as_of), min_value=EARLIEST, max_value=today,
                  key=state.SINCE_KEY, bind="query-params", format="YYYY-MM-DD",
                  help="Start of the 'what changed' window (default: 30 days before the as-of date).")
    state.remember_since_default(as_of)
    if state.since() != st.session_state.get(state.SINCE_KEY, state.since()):
        st.caption("'Changed since' is after the as-of date; using the as-of date.")


def main() -> None:
    """Run the board: one rerun of the entry script renders the sidebar, banners and the page."""
    st.set_page_config(page_title="Indicator & warning board", page_icon="📡", layout="wide")
    downloads.install()  # once per server: an export's download URL expires (issue 23)
    gate = signin.gate()
    if gate is not None:  # signed out, or not on the access list: that page only, nothing of the board
        gate.run()
        return
    ws = state.workspace()  # for a capped reader: only what their marking may see
    who = state.current_grant()
    pages = ui.sections(state.read_only(), maintainers=state.marking_cap() is None)
    nav = st.navigation({section: [ui.page(name) for name in names] for section, names in pages.items() if names})
    with st.sidebar:
        sidebar_dates()
        if who is not None:
            signin.identity_box(who)
        st.caption(f"Workspace: **{md_text(ws.meta.title)}**" + (f"  \nData folder: {md_text(ws.root)}"
                                                                   if who is None or who.may_write else ""))
        if state.read_only() and who is None:
            st.caption("Read-only: this board cannot change the data.")
    # The top banner is filled once the page has said what it showed (`ui.shows`); until then it
    # carries the highest marking present in the workspace, never a lower one.
    top = st.empty()
    ui.marking_banner(highest_present(ws), container=top)
    ui.problems_banner(ws, link=nav.title != ui.PAGES["health"].title and state.marking_cap() is None)
    ui.start_page()
    try:
        nav.run()
    finally:  # also when the page stops early or switches page: the banners are always right
        marking = ui.page_marking(ws)
        ui.marking_banner(marking, container=top)
        st.divider()
        ui.marking_banner(marking, "bottom")
