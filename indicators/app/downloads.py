"""Exports downloaded from the app expire: their `/media/<id>` URL answers for a few seconds only.

The Export page builds each download on click (`st.download_button(data=callable)`). Streamlit 1.67
runs the callable in `MediaFileManager.execute_deferred`, keeps the bytes in its in-memory media
storage and serves them at `/media/<id>` to any request, with no session cookie and no check of
whose session asked: they are dropped only by the orphan sweep at the end of the second script run
after the click, which may be minutes later, or never while the tab sits idle. Streamlit has no
setting for this, so `install()` wraps the running manager's `execute_deferred`: the file the click
made is deleted `$INDICATORS_DOWNLOAD_TTL` seconds later (default 30, at most 60), long after the
browser has fetched it (it does at once, the URL never being shown). A file that some session shows
as a plain (non-deferred) download or media element is left alone: it is not an export made on click.

This leans on the manager's private `_lock`, `_storage`, `_file_metadata` and
`_files_by_session_and_coord`. `missing_internals()` names any that a Streamlit upgrade moved: the
app then logs an error and downloads no longer expire, and tests/app/test_downloads.py fails.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from typing import Any

from indicators import settings

_LOG = logging.getLogger(__name__)
_INSTALLED = "_indicators_downloads_expire"  # set on a manager once its execute_deferred is wrapped
_NEEDED = ("execute_deferred", "_lock", "_storage", "_file_metadata", "_files_by_session_and_coord")


def missing_internals(manager: Any) -> list[str]:
    """The attributes of Streamlit's MediaFileManager this module relies on that `manager` lacks."""
    return [name for name in _NEEDED if not hasattr(manager, name)]


def file_id(url: str) -> str:
    """The media file id in a `/media/<id>.<ext>` URL (what `MemoryMediaFileStorage.get_url` gives)."""
    name = url.rsplit("/", 1)[-1]
    return os.path.splitext(name)[0]


def _shown(manager: Any, fid: str) -> bool:
    """True when a session references the file (a plain download or media element): not ours to delete."""
    return any(fid in by_coordinates.values() for by_coordinates in manager._files_by_session_and_coord.values())


def _delete(manager: Any, fid: str) -> None:
    """Drop the file from the storage and the manager's metadata (the lock held by the caller)."""
    manager._storage.delete_file(fid)
    manager._file_metadata.pop(fid, None)


def _later(seconds: float, action: Callable[[], None]) -> None:
    """Run `action` in `seconds` on a daemon thread (a server stopping does not wait for it)."""
    timer = threading.Timer(seconds, action)
    timer.daemon = True
    timer.start()


def expire_downloads(manager: Any, ttl: Callable[[], float] = settings.download_ttl,
                     schedule: Callable[[float, Callable[[], None]], None] = _later) -> bool:
    """Make every file `manager.execute_deferred` builds expire `ttl()` seconds after it was built
    (`schedule(seconds, action)` runs the deletion then: a thread timer, or a test's own clock).

    Idempotent (a manager is wrapped once). False, with an error logged, when the manager lacks what
    this relies on (`missing_internals`): downloads then do not expire."""
    if getattr(manager, _INSTALLED, False):
        return True
    missing = missing_internals(manager)
    if missing:
        _LOG.error("downloads will not expire: Streamlit's MediaFileManager has no %s", ", ".join(missing))
        return False
    original = manager.execute_deferred
    latest: dict[str, object] = {}  # file id -> the token of its latest build: only that one's timer deletes it
    guard = threading.Lock()

    def execute_deferred(placeholder: str) -> str:
        url = original(placeholder)
        fid, token = file_id(url), object()
        with guard:
            latest[fid] = token
        schedule(ttl(), lambda: _expire(fid, token))
        return url

    def _expire(fid: str, token: object) -> None:
        with manager._lock, guard:
            if latest.get(fid) is not token:  # built again since: that build's timer deletes it
                return
            del latest[fid]
            if not _shown(manager, fid):
                _delete(manager, fid)

    manager.execute_deferred = execute_deferred
    setattr(manager, _INSTALLED, True)
    return True


def install() -> bool:
    """Make the running Streamlit server's downloads built on click expire (see the module's docstring)."""
    from streamlit import runtime

    if not runtime.exists():  # bare `python script.py` or AppTest without a server: nothing is served
        return False
    return expire_downloads(runtime.get_instance().media_file_mgr)
