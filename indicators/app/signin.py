"""Sign-in for a board served with `indicators serve --auth`: the pages a visitor who is signed out,
or not on the access list, gets instead of the board, and who is signed in (sidebar).

Sign-in itself is Streamlit's OpenID Connect support (`st.login`, `st.user`, `st.logout`) with the
organisation's identity provider, configured in the `[auth]` section of Streamlit's secrets.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from indicators.app import state
from indicators.reports.escape import md_text
from indicators.workspace.access import Grant
from indicators.workspace.vocab import MARKING


def sign_in_page() -> None:
    """All a signed-out visitor sees: what this is, and the button that signs in."""
    st.title("Indicator & warning board")
    st.write("This board is open to the people its team lists. Sign in with your organisation's account "
             "to see it.")
    st.button("Sign in", key="sign_in", type="primary", icon=":material/login:", on_click=st.login)


def not_allowed_page() -> None:
    """A signed-in visitor the access list does not name: who they are, and nothing of the board."""
    who = state.current_grant()
    st.title("Not allowed")
    reason = who.reason if who and who.reason else "this board's access list does not include you"
    st.write(f"You are signed in as **{md_text(who.identity if who else 'unknown')}**, but {md_text(reason)}. "
             "Ask the board's editors to add you (or your group) with the access you need.")
    st.button("Sign out", key="sign_out", icon=":material/logout:", on_click=st.logout)


def closed_page() -> None:
    """A signed-in visitor to a board whose access list cannot be trusted (`workspace.yaml` has errors):
    closed to everyone, editors too, with where the errors are (no more: not the names they quote)."""
    who = state.current_grant()
    st.title("Board closed")
    reason = who.reason if who and who.reason else "this board's access list has errors"
    st.write(f"You are signed in as **{md_text(who.identity if who else 'unknown')}**, but {md_text(reason)}. "
             "Until then nobody may read or write it.")
    places = [f"- `{Path(p.path).name}`, line {p.line}, column {p.column}: {p.code}" for p in state.closing_problems()]
    if places:
        st.markdown("**Where:**\n" + "\n".join(places))
    st.caption("An editor sees the full report, with hints, with `indicators validate` in the workspace folder, "
               "and reopens the board by fixing the file.")
    st.button("Sign out", key="sign_out", icon=":material/logout:", on_click=st.logout)


def identity_box(who: Grant) -> None:
    """Sidebar: who is signed in, as what, up to which marking; and the sign-out button."""
    role = "editor" if who.may_write else "reader"
    cap = f" · sees up to {MARKING.label(who.cap)}" if who.cap is not None else ""
    st.caption(f"Signed in as **{md_text(who.identity)}** ({role}{cap})")
    st.button("Sign out", key="sign_out", icon=":material/logout:", on_click=st.logout)


def gate() -> st.navigation | None:
    """When the board has sign-in and this visitor may not see it: the one page they get instead
    (sign in, or not allowed). None: show the board."""
    if not state.auth_required():
        return None
    if not state.signed_in():
        return st.navigation([st.Page(sign_in_page, title="Sign in", url_path="sign-in", icon=":material/login:")])
    who = state.current_grant()
    if who is not None and who.closed:
        return st.navigation([st.Page(closed_page, title="Board closed", url_path="closed", icon=":material/lock:")])
    if who is None or who.role is None:
        return st.navigation([st.Page(not_allowed_page, title="Not allowed", url_path="not-allowed",
                                      icon=":material/block:")])
    return None
