"""Where the app's data and shared settings come from: data folder, cached workspace, dates, mode.

The workspace is parsed once per version of its files: each rerun stats `workspace.yaml` and
`indicators/*.yaml` (cheap) and the parse is cached on each file's size, times and inode (and
content, for a file changed in the last two seconds), so an edited YAML file shows on the next
rerun without restarting the server.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import streamlit as st

from indicators import settings
from indicators.reports.markings import releasable
from indicators.scoring import warning
from indicators.workspace.access import Grant, access_errors, grant, identity_of
from indicators.workspace.load import INDICATOR_DIR, WORKSPACE_FILE, Workspace, folder_files, load_workspace
from indicators.workspace.parse_cache import files_signature
from indicators.workspace.problems import Problem
from indicators.workspace.ratings import rating_paths
from indicators.workspace.vocab import Marking

AS_OF_KEY = "as_of"  # query parameter and session key of the "as of" date
SINCE_KEY = "since"  # … of the "changed since" date
_SINCE_DEFAULT = "_since_default"  # session key: the default "since" for the current as-of date

FileSignature = tuple[tuple[object, ...], ...]


def data_dir(argv: Sequence[str] | None = None, environ: dict[str, str] | None = None) -> Path:
    """The data folder: `--data PATH` after `--` on the command line, else $INDICATORS_DATA, else ./data."""
    argv = list(sys.argv[1:] if argv is None else argv)
    for i, arg in enumerate(argv):
        if arg == "--data" and i + 1 < len(argv):
            return Path(argv[i + 1])
        if arg.startswith("--data="):
            return Path(arg.split("=", 1)[1])
    return settings.data_folder(environ)


def read_only() -> bool:
    """True when this visitor may not write: the board is served read-only (INDICATORS_READ_ONLY=1),
    or behind sign-in to someone who is not an editor. Pages then show no write UI, and the Update
    page's Save asks again before it writes (`settings.read_only` also refuses in the library)."""
    if settings.read_only():
        return True
    if settings.auth():
        who = current_grant()
        return who is None or not who.may_write
    return False


def auth_required() -> bool:
    """True when the board is served behind sign-in (`indicators serve --auth`)."""
    return settings.auth()


def signed_in() -> bool:
    return bool(getattr(st.user, "is_logged_in", False))


def current_grant() -> Grant | None:
    """The signed-in visitor's role and marking cap, worked out afresh on every call from the token's
    claims and the workspace's `access:` (None when signed out or when the board has no sign-in)."""
    if not settings.auth() or not signed_in():
        return None
    claims = user_claims()
    ws = full_workspace()
    if closing_problems() and not access_errors(ws.meta.access):  # fail closed: the access list is unsure
        return Grant(None, None, identity_of(claims), f"the board's {WORKSPACE_FILE} has errors, so its access list "
                                                      "cannot be trusted and the board stays closed to everyone "
                                                      "until an editor fixes them", closed=True)
    return grant(ws.meta.access, claims, ws.meta.marking)  # closed too while the access list has errors


def closing_problems() -> list[Problem]:
    """The errors in `workspace.yaml` (the access list among them) that keep a board with sign-in closed."""
    return [p for p in full_workspace().errors if Path(p.path).name == WORKSPACE_FILE]


def user_claims() -> dict[str, Any]:
    """The signed-in user's ID-token claims (Streamlit's `st.user`)."""
    return st.user.to_dict() if hasattr(st.user, "to_dict") else dict(st.user)


def marking_cap() -> Marking | None:
    """The highest marking this visitor may see (None: no cap)."""
    who = current_grant()
    return who.cap if who is not None else None


def analyst_identity() -> str | None:
    """Who entries made in the app are signed with: the signed-in identity (None without sign-in)."""
    who = current_grant()
    return who.identity if who is not None else None


def file_signature(root: Path) -> FileSignature:
    """Signature of every workspace file (size, times, inode; content when just changed):
    it changes whenever a file does, so a cached workspace is never stale."""
    paths = [root / WORKSPACE_FILE]
    for listed in (folder_files(root, root / INDICATOR_DIR, "indicator"), rating_paths(root)):
        paths += listed if isinstance(listed, list) else []  # the files the loader reads, no more, no fewer
    return files_signature(paths)


@st.cache_resource(max_entries=4, show_spinner="Reading the workspace…")
def _load(root: str, signature: FileSignature, today: dt.date) -> Workspace:
    """Parse the workspace; keyed on the files' signature (and the day, for future-date checks).

    A shared resource, not a copy: pages must treat it as read-only. What is computed from it
    (its frames, each page's tables for given dates) is remembered on the object (`scoring.memo`),
    so a rerun with the same dates does no work whose inputs did not change.
    """
    del signature, today  # only part of the cache key
    return load_workspace(root)


def full_workspace() -> Workspace:
    """The whole workspace, whoever looks: only for what withholds by marking itself (exports,
    which a capped reader may make only for their marking or below)."""
    root = data_dir()
    return _load(str(root.resolve()), file_signature(root), dt.date.today())


@st.cache_resource(max_entries=8, show_spinner=False)
def _capped(root: str, signature: FileSignature, today: dt.date, cap: str) -> Workspace:
    """The workspace as a reader capped at `cap` may see it (what `export --marking` keeps); cached
    per version of the files and cap, like the workspace itself."""
    return releasable(_load(root, signature, today), cap, dt.date.max)[0]


def workspace() -> Workspace:
    """The current workspace, re-read when any of its files changed on disk; for a reader whose
    marking is capped, only what that marking may see (everything the pages draw comes from it)."""
    root = data_dir()
    signature = file_signature(root)
    cap = marking_cap()
    if cap is None:
        return _load(str(root.resolve()), signature, dt.date.today())
    return _capped(str(root.resolve()), signature, dt.date.today(), str(cap))


def as_of() -> dt.date:
    """The "as of" date chosen in the sidebar (today before the sidebar ran)."""
    value = st.session_state.get(AS_OF_KEY)
    return value if isinstance(value, dt.date) else dt.date.today()


def since() -> dt.date:
    """The "changed since" date chosen in the sidebar, never after the as-of date."""
    day = as_of()
    value = st.session_state.get(SINCE_KEY)
    if not isinstance(value, dt.date):
        value = day - dt.timedelta(days=warning.CHANGES_WINDOW_DAYS)
    return min(value, day)


def since_default(day: dt.date) -> dt.date:
    """Default "changed since" date for an as-of date."""
    return day - dt.timedelta(days=warning.CHANGES_WINDOW_DAYS)


def remember_since_default(day: dt.date) -> None:
    """Record the default in force, so that moving the as-of date can move an untouched "since"."""
    st.session_state[_SINCE_DEFAULT] = since_default(day)


def on_as_of_change() -> None:
    """Callback of the as-of widget: a "since" still at its default follows the new date."""
    new = st.session_state.get(AS_OF_KEY)
    if not isinstance(new, dt.date):
        return
    current = st.session_state.get(SINCE_KEY)
    if current is None or current == st.session_state.get(_SINCE_DEFAULT):
        st.session_state[SINCE_KEY] = since_default(new)
