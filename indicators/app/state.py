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

import streamlit as st

from indicators import settings
from indicators.scoring import warning
from indicators.workspace.load import INDICATOR_DIR, WORKSPACE_FILE, Workspace, load_workspace
from indicators.workspace.parse_cache import files_signature

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
    """True when the board is served read-only (INDICATORS_READ_ONLY=1): pages must show no write UI.

    The same switch refuses the writes themselves (`settings.read_only`).
    """
    return settings.read_only()


def file_signature(root: Path) -> FileSignature:
    """Signature of every workspace file (size, times, inode; content when just changed):
    it changes whenever a file does, so a cached workspace is never stale."""
    paths = [root / WORKSPACE_FILE]
    folder = root / INDICATOR_DIR
    if folder.is_dir():
        paths += sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml"))
    return files_signature(paths)


@st.cache_resource(max_entries=4, show_spinner="Reading the workspace…")
def _load(root: str, signature: FileSignature, today: dt.date) -> Workspace:
    """Parse the workspace; keyed on the files' signature (and the day, for future-date checks).

    A shared resource, not a copy: pages must treat it as read-only. `board.tables` caches its
    frames on the object, so they are built once per version of the files.
    """
    del signature, today  # only part of the cache key
    return load_workspace(root)


def workspace() -> Workspace:
    """The current workspace, re-read when any of its files changed on disk."""
    root = data_dir()
    return _load(str(root.resolve()), file_signature(root), dt.date.today())


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
