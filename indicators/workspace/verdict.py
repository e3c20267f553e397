"""The verdict on a whole workspace — its problems and how many indicators and scenarios it holds —
kept for as long as none of its files changes, so that `indicators validate` on an unchanged
workspace answers without building a single model.

The verdict is keyed on the code that made it (`parse_cache.code_version`), the day (future dates
are checked against it), the folder, the names in its `indicators/` and `ratings/` folders and, for
every workspace file, its size, times, inode and SHA-256 of its content. Anything unusual about the
files (a link, something not a plain file, a file changed within the last two seconds) gives no
key, and the workspace is read in full. Like the parse cache, it is never a source of truth:
deleting it is always safe, and `INDICATORS_NO_DISK_CACHE=1` turns it off.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import stat as stat_kind
import tempfile
from dataclasses import dataclass
from pathlib import Path

from indicators import settings
from indicators.workspace.load import INDICATOR_DIR, WORKSPACE_FILE
from indicators.workspace.parse_cache import cache_dir, code_version, content_digest, is_racy, stat_signature
from indicators.workspace.problems import Checked, Problem, Severity
from indicators.workspace.ratings import RATINGS_DIR

FOLDERS = (INDICATOR_DIR, RATINGS_DIR)  # the folders a workspace's files live in, beside workspace.yaml


@dataclass(frozen=True)
class Verdict(Checked):
    """What `indicators validate` reports: the problems found, and the size of the board."""

    problems: list[Problem]
    indicators: int
    scenarios: int


def _file_part(path: Path, root: Path) -> str | None:
    """A file's place in the key (None: not a plain, settled file, so no verdict is kept)."""
    try:
        info = path.lstat()
    except OSError:
        return None
    if not stat_kind.S_ISREG(info.st_mode) or is_racy(info):
        return None
    try:
        digest = content_digest(path)
    except OSError:
        return None
    return f"{path.relative_to(root).as_posix()}|{stat_signature(info)}|{digest}"


def verdict_key(root: Path, today: dt.date) -> str | None:
    """The key of the workspace's files as they are now (None when it cannot be trusted)."""
    root = Path(root)
    parts = [code_version(), today.isoformat(), str(root), str(root.resolve())]  # problems name the root as given
    top = _file_part(root / WORKSPACE_FILE, root)
    if top is None:
        return None
    parts.append(top)
    for name in FOLDERS:
        folder = root / name
        if not os.path.lexists(folder):
            parts.append(f"{name}: none")
            continue
        if folder.is_symlink() or not folder.is_dir():
            return None
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            return None
        parts.append(f"{name}: {names}")
        for entry in names:
            if entry.endswith((".yaml", ".yml")):
                part = _file_part(folder / entry, root)
                if part is None:
                    return None
                parts.append(part)
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


def _path(key: str) -> Path:
    return cache_dir() / "verdicts" / f"{key[:40]}.json"


def recall(key: str | None) -> Verdict | None:
    """The verdict kept under `key`, if any (anything unreadable is no verdict)."""
    if key is None or settings.NO_DISK_CACHE.get():
        return None
    try:
        data = json.loads(_path(key).read_text(encoding="utf-8"))
        if data.get("key") != key:
            return None
        problems = [Problem(**{**p, "severity": Severity(p["severity"])}) for p in data["problems"]]
        return Verdict(problems, int(data["indicators"]), int(data["scenarios"]))
    except Exception:  # noqa: BLE001 - missing, truncated, from other code: read the workspace
        return None


def keep(key: str | None, verdict: Verdict) -> None:
    """Keep the verdict under `key` (a read-only home or a full disk only means no verdict is kept)."""
    if key is None or settings.NO_DISK_CACHE.get():
        return
    target = _path(key)
    try:
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump({"key": key, "indicators": verdict.indicators, "scenarios": verdict.scenarios,
                       "problems": [p.to_dict() for p in verdict.problems]}, handle)
        os.replace(tmp, target)
    except OSError:
        return
