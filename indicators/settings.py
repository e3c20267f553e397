"""Settings from the environment: every variable the board reads, parsed in one place.

Each setting is read when asked for (not at import), so a test or a long-running server sees the
environment as it is now. A value that cannot be parsed falls back to the default and is reported
by `environment_problems()`, which the CLI prints as warnings: a typo never crashes a command.
The README's settings table lists the same variables (a test keeps the two in step).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

T = TypeVar("T")

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"", "0", "false", "no", "off"})


def _flag(text: str) -> bool:
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError("use 1/true/yes/on or 0/false/no/off")


_LARGEST = 1e9  # far above any sensible limit or time-out, and safe to multiply by 2**20


def _positive(text: str) -> float:
    value = float(text)
    if not 0 < value <= _LARGEST:
        raise ValueError(f"use a positive number up to {_LARGEST:g}")
    return value


_DOWNLOAD_TTL_MAX = 60.0  # an export's download URL never outlives a minute (issue 23)


def _download_ttl(text: str) -> float:
    value = float(text)
    if not 0 < value <= _DOWNLOAD_TTL_MAX:
        raise ValueError(f"use a number of seconds above 0 and up to {_DOWNLOAD_TTL_MAX:g}")
    return value


def _epoch(text: str) -> dt.datetime:
    value = text.strip()
    if not value.isdigit():
        raise ValueError("use whole seconds since 1970-01-01 UTC")
    try:
        return dt.datetime.fromtimestamp(int(value), dt.UTC)
    except (OverflowError, OSError):
        raise ValueError("use whole seconds since 1970-01-01 UTC, before the year 10000") from None


def _text(text: str) -> str | None:
    return text.strip() or None


def _path(text: str) -> Path | None:
    return Path(text) if text.strip() else None


@dataclass(frozen=True)
class Setting(Generic[T]):
    """One environment variable: its name, how it is parsed, its default and what it does."""

    name: str
    parse: Callable[[str], T]
    default: T
    doc: str

    def get(self, environ: Mapping[str, str] | None = None) -> T:
        """The variable's value now; the default when it is unset or cannot be parsed."""
        raw = (os.environ if environ is None else environ).get(self.name)
        if raw is None:
            return self.default
        try:
            return self.parse(raw)
        except ValueError:
            return self.default

    def problem(self, environ: Mapping[str, str] | None = None) -> str | None:
        """Why the variable's value cannot be used (None when it is unset or fine)."""
        raw = (os.environ if environ is None else environ).get(self.name)
        if raw is None:
            return None
        try:
            self.parse(raw)
        except ValueError as err:
            return f"{self.name}={raw!r} cannot be used ({err}); using the default: {self.default}"
        return None


DATA = Setting("INDICATORS_DATA", _path, None, "the data folder when `--data` is not given (default `./data`)")
READ_ONLY = Setting("INDICATORS_READ_ONLY", _flag, False,
                    "`1` serves the board to readers: the Update page is hidden and every write is refused")
AUTH = Setting("INDICATORS_AUTH", _flag, False,
               "`1` serves the board behind sign-in (OpenID Connect, `[auth]` in Streamlit's secrets); "
               "`indicators serve --auth` sets it")
ANALYST = Setting("INDICATORS_ANALYST", _text, None, "the analyst named on new entries (default: the login name)")
CACHE_DIR = Setting("INDICATORS_CACHE_DIR", _path, None,
                    "where the parse cache and the HTML report's Vega bundle are kept "
                    "(default `$XDG_CACHE_HOME/indicators-board`, else `~/.cache/indicators-board`)")
XDG_CACHE_HOME = Setting("XDG_CACHE_HOME", _path, None, "the user's cache folder, as the XDG convention has it")
NO_DISK_CACHE = Setting("INDICATORS_NO_DISK_CACHE", _flag, False,
                        "`1` keeps parsed files in memory only (nothing written to the cache folder)")
MAX_FILE_MB = Setting("INDICATORS_MAX_FILE_MB", _positive, 20.0,
                      "largest data file read, in MB; bigger files are refused with a located problem")
LOCK_TIMEOUT_S = Setting("INDICATORS_LOCK_TIMEOUT", _positive, 60.0,
                         "seconds a write waits for another writer of the same file before giving up")
SYNC_TIMEOUT_S = Setting("INDICATORS_SYNC_TIMEOUT", _positive, 300.0,
                         "seconds `sync` lets a fetch, a merge (with the merge driver) or a push run before it stops "
                         "them and puts the clone back as it was")
DOWNLOAD_TTL_S = Setting("INDICATORS_DOWNLOAD_TTL", _download_ttl, 30.0,
                         "seconds an export downloaded from the app stays at its URL (at most 60); then it is "
                         "deleted from the server")
MERGE_TIMEOUT_S = Setting("INDICATORS_MERGE_TIMEOUT", _positive, 20.0,
                         "seconds the git merge driver spends on one file before it falls back to git's line "
                         "merge (as long again at most), leaving a conflict when that does not do")
PUSH_CHECKED = Setting("INDICATORS_PUSH_CHECKED", _text, None,
                       "set by `sync` for its own push: the commit it has just checked, which the pre-push hook "
                       "then need not check again (internal)")
SOURCE_DATE_EPOCH = Setting("SOURCE_DATE_EPOCH", _epoch, None,
                            "fixes the 'generated' time of exports (reproducible builds convention)")

SETTINGS: tuple[Setting[Any], ...] = (DATA, READ_ONLY, AUTH, ANALYST, CACHE_DIR, XDG_CACHE_HOME, NO_DISK_CACHE,
                                      MAX_FILE_MB, LOCK_TIMEOUT_S, SYNC_TIMEOUT_S, DOWNLOAD_TTL_S,
                                      MERGE_TIMEOUT_S, PUSH_CHECKED, SOURCE_DATE_EPOCH)


def read_only() -> bool:
    """True when the board is served to readers: pages show no write UI and every write is refused."""
    return READ_ONLY.get()


def auth() -> bool:
    """True when the board is served behind sign-in: who may read or write comes from the token."""
    return AUTH.get()


def data_folder(environ: Mapping[str, str] | None = None) -> Path:
    """The data folder when none is named on the command line: `$INDICATORS_DATA`, else `./data`."""
    return DATA.get(environ) or Path("data")


def cache_folder() -> Path:
    """Where the board keeps what it can always rebuild (safe to delete)."""
    configured = CACHE_DIR.get()
    if configured:
        return configured
    base = XDG_CACHE_HOME.get() or Path(os.path.expanduser("~")) / ".cache"
    return base / "indicators-board"


def download_ttl() -> float:
    """Seconds an export downloaded from the app is served at its URL before the server deletes it."""
    return DOWNLOAD_TTL_S.get()


def merge_timeout() -> float:
    """Seconds the git merge driver spends on one file by identity (and then on git's line merge)."""
    return MERGE_TIMEOUT_S.get()


def max_file_bytes() -> int:
    """Largest data file read, in bytes."""
    return int(MAX_FILE_MB.get() * 1024 * 1024)


def environment_problems(environ: Mapping[str, str] | None = None) -> list[str]:
    """A line for each variable set to a value that cannot be used (its default is used instead)."""
    return [text for setting in SETTINGS if (text := setting.problem(environ))]
