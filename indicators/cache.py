"""The parse cache: each file's validated result, kept until the file changes.

Keyed on the file's path, size, modification time and content hash. Held in memory for the
life of the process (so a Streamlit rerun or a reload re-reads only what changed) and on disk in
a user cache folder (so a restart does not parse again). The cache is never a source of truth:
delete the folder (`indicators cache --clear`, or by hand) at any time; `INDICATORS_CACHE_DIR`
moves it and `INDICATORS_NO_DISK_CACHE=1` turns the disk part off.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from .problems import Problem

FORMAT = 1  # bump when the models or the pickled layout change


@dataclass
class FileResult:
    """A file's validated model (None when unusable) and the problems found in it."""

    model: Any
    problems: list[Problem] = field(default_factory=list)


def cache_dir() -> Path:
    """Where parsed files are kept between runs (safe to delete)."""
    configured = os.environ.get("INDICATORS_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "indicators-board"


def _model_version() -> str:
    from . import model

    source = Path(model.__file__).read_bytes() + Path(__file__).read_bytes()
    return f"{FORMAT}-{hashlib.sha256(source).hexdigest()[:16]}"


class FileCache:
    """Validated results by file, checked against size, mtime and content hash."""

    def __init__(self, folder: Path | None = None, *, disk: bool | None = None) -> None:
        self._memory: dict[tuple[str, str, str], tuple[tuple[int, int], str, FileResult]] = {}
        self._lock = threading.Lock()
        self._folder = folder
        self._disk = disk
        self._version = _model_version()
        self.parsed = 0  # how many files were actually parsed (for tests and benchmarks)

    @property
    def folder(self) -> Path:
        return (self._folder or cache_dir()) / f"parse-v{self._version}"

    @property
    def disk(self) -> bool:
        if self._disk is not None:
            return self._disk
        return os.environ.get("INDICATORS_NO_DISK_CACHE", "").strip() not in {"1", "true", "yes"}

    def clear(self) -> None:
        """Forget everything, in memory and on disk."""
        with self._lock:
            self._memory.clear()
        root = self._folder or cache_dir()
        if root.is_dir():
            for entry in root.glob("parse-v*/*.pickle"):
                entry.unlink(missing_ok=True)

    def get(self, path: Path, display: str, kind: str, compute: Callable[[], FileResult]) -> FileResult:
        """The cached result for `path`, or `compute()` it (and keep it) when the file changed."""
        try:
            stat = path.stat()
        except OSError:
            return compute()
        key = (str(path.resolve()), display, kind)
        signature = (stat.st_size, stat.st_mtime_ns)
        with self._lock:
            hit = self._memory.get(key)
        if hit is not None and hit[0] == signature:
            return hit[2]
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            return compute()
        if hit is not None and hit[1] == digest:  # touched, not changed
            result = hit[2]
        else:
            result = self._from_disk(key, digest)
            if result is None:
                result = compute()
                self.parsed += 1
                self._to_disk(key, digest, result)
        with self._lock:
            self._memory[key] = (signature, digest, result)
        return result

    def _disk_path(self, key: tuple[str, str, str]) -> Path:
        return self.folder / (hashlib.sha256("\0".join(key).encode()).hexdigest()[:32] + ".pickle")

    def _from_disk(self, key: tuple[str, str, str], digest: str) -> FileResult | None:
        if not self.disk:
            return None
        try:
            with open(self._disk_path(key), "rb") as handle:
                stored_digest, result = pickle.load(handle)
        except Exception:  # missing, truncated or from another version: parse again
            return None
        return result if stored_digest == digest and isinstance(result, FileResult) else None

    def _to_disk(self, key: tuple[str, str, str], digest: str, result: FileResult) -> None:
        if not self.disk:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            with os.fdopen(fd, "wb") as handle:
                pickle.dump((digest, result), handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self._disk_path(key))
        except Exception:  # a read-only home or a full disk must not stop the board
            return


FILE_CACHE = FileCache()
