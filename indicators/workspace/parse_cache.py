"""The parse cache: each file's validated result, kept until the file changes.

Keyed on the file's path, size, modification and change times, inode and content hash; a file
changed within the last two seconds is checked by content (timestamps tick coarsely). Held in memory for the
life of the process (so a Streamlit rerun or a reload re-reads only what changed) and on disk in
a user cache folder (so a restart does not parse again). The cache is never a source of truth:
delete the folder (`indicators cache --clear`, or by hand) at any time; `INDICATORS_CACHE_DIR`
moves it and `INDICATORS_NO_DISK_CACHE=1` turns the disk part off.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import re
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from indicators import settings
from indicators.workspace.files import read_bounded
from indicators.workspace.problems import Code, Problem

FORMAT = 3  # bump when the stored layout changes (code changes are covered by code_version)
JSON_MAGIC = b"json1\n"  # a valid file's model kept as pydantic JSON (4x faster to write than a pickle)
RACY_NS = 2_000_000_000  # a file changed less than this before it was read may change again unseen


def stat_signature(stat: os.stat_result) -> tuple[int, int, int, int]:
    """What changes whenever a file's content does: size, mtime, ctime (not settable) and inode."""
    return (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)


def is_racy(stat: os.stat_result, now_ns: int | None = None) -> bool:
    """True when the file changed so recently that a second write could keep its signature
    (timestamps tick coarsely): its content must then be checked, as git does for its index."""
    return (time.time_ns() if now_ns is None else now_ns) - stat.st_ctime_ns < RACY_NS


def content_digest(path: Path) -> str:
    """SHA-256 of a file's bytes. Raises `DataFileError` (an OSError) for anything but a plain file
    within the size limit: a named pipe or a device is never opened, and no read is unbounded."""
    return hashlib.sha256(read_bounded(path)).hexdigest()


def files_signature(paths: list[Path]) -> tuple[tuple[Any, ...], ...]:
    """A signature of several files that changes whenever any content does (for app caches)."""
    out: list[tuple[Any, ...]] = []
    for path in paths:
        try:
            stat = path.stat()
        except OSError:
            out.append((str(path), None))
            continue
        try:
            racy = content_digest(path) if is_racy(stat) else ""
        except OSError as err:  # not a plain file, too large, or gone: the loader reports it
            racy = str(getattr(err, "code", Code.UNREADABLE))
        out.append((str(path), *stat_signature(stat), racy))
    return tuple(out)


@dataclass
class FileResult:
    """A file's validated model (None when unusable) and the problems found in it."""

    model: Any
    problems: list[Problem] = field(default_factory=list)


def cache_dir() -> Path:
    """Where parsed files are kept between runs (safe to delete)."""
    return settings.cache_folder()


@functools.lru_cache(maxsize=1)
def code_version() -> str:
    """What cached results were made by: this package's version and source, Python's and pydantic's versions.

    Any change to the code that shapes a result (a message in validate.py, a new rule in checks.py, a
    model field, an upgrade) gives a new version, so results made by other code are never served.
    """
    import pydantic

    # The package is read, not imported: its facade (`indicators/__init__.py`) imports the loader, which
    # imports this module, and the import graph stays a DAG (tests/test_architecture.py).
    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256(f"{FORMAT}|{sys.version_info[:2]}|{pydantic.VERSION}".encode())
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return f"{_package_version(package)}-{digest.hexdigest()[:16]}"


def _package_version(package: Path) -> str:
    """`indicators.__version__`, read from the facade's source (see `code_version`)."""
    found = re.search(r'^__version__ = "([^"]+)"', (package / "__init__.py").read_text(encoding="utf-8"), re.M)
    return found[1] if found else "0"


class FileCache:
    """Validated results by file, checked against size, mtime and content hash."""

    def __init__(self, folder: Path | None = None, *, disk: bool | None = None) -> None:
        self._memory: dict[tuple[str, str, str], tuple[tuple[int, ...], bool, str, FileResult]] = {}
        self._lock = threading.Lock()
        self._folder = folder
        self._disk = disk
        self.parsed = 0  # how many files were actually parsed (for tests and benchmarks)

    @property
    def folder(self) -> Path:
        return (self._folder or cache_dir()) / f"parse-v{code_version()}"

    @property
    def disk(self) -> bool:
        if self._disk is not None:
            return self._disk
        return not settings.NO_DISK_CACHE.get()

    def clear(self) -> None:
        """Forget everything, in memory and on disk."""
        with self._lock:
            self._memory.clear()
        root = self._folder or cache_dir()
        if root.is_dir():
            for entry in root.glob("parse-v*/*.pickle"):
                entry.unlink(missing_ok=True)

    def _forget_other_versions(self) -> None:
        """Delete results made by other code: they can never be served again."""
        for entry in self.folder.parent.glob("parse-v*/*.pickle"):
            if entry.parent != self.folder:
                entry.unlink(missing_ok=True)

    def get(self, path: Path, display: str, kind: str, compute: Callable[[], FileResult]) -> FileResult:
        """The cached result for `path`, or `compute()` it (and keep it) when the file changed."""
        try:
            stat = path.stat()
        except OSError:
            return compute()
        key = (str(path.resolve()), display, kind)
        signature = stat_signature(stat)
        with self._lock:
            hit = self._memory.get(key)
        if hit is not None and hit[0] == signature and not hit[1]:
            return hit[3]
        racy = is_racy(stat)  # read so soon after a change that the signature alone cannot be trusted
        try:
            digest = content_digest(path)
        except OSError:
            return compute()
        if hit is not None and hit[2] == digest:  # touched (or racily checked), not changed
            result = hit[3]
        else:
            result = self._from_disk(key, digest)
            if result is None:
                result = compute()
                self.parsed += 1
                self._to_disk(key, digest, result)
        with self._lock:
            self._memory[key] = (signature, racy, digest, result)
        return result

    def _disk_path(self, key: tuple[str, str, str]) -> Path:
        return self.folder / (hashlib.sha256("\0".join(key).encode()).hexdigest()[:32] + ".pickle")

    def _from_disk(self, key: tuple[str, str, str], digest: str) -> FileResult | None:
        if not self.disk:
            return None
        try:
            with open(self._disk_path(key), "rb") as handle:
                head = handle.read(len(JSON_MAGIC))
                if head == JSON_MAGIC:  # a valid file: its digest, then its model as JSON
                    stored_digest = handle.readline().decode("ascii").strip()
                    if stored_digest != digest:
                        return None
                    return FileResult(_model_class(key[2]).model_validate_json(handle.read()), [])
                handle.seek(0)
                stored_digest, result = pickle.load(handle)
        except Exception:  # missing, truncated or from another version: parse again
            return None
        return result if stored_digest == digest and isinstance(result, FileResult) else None

    def _to_disk(self, key: tuple[str, str, str], digest: str, result: FileResult) -> None:
        if not self.disk:
            return
        try:
            if not self.folder.is_dir():
                self.folder.mkdir(parents=True, mode=0o700)
                self._forget_other_versions()
            fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            with os.fdopen(fd, "wb") as handle:
                if not result.problems and _model_class(key[2]) is type(result.model):
                    handle.write(JSON_MAGIC + digest.encode("ascii") + b"\n" + result.model.model_dump_json().encode())
                else:  # problems, or a stand-in model of a broken file: kept whole
                    pickle.dump((digest, result), handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self._disk_path(key))
        except Exception:  # a read-only home or a full disk must not stop the board
            return


def _model_class(kind: str) -> Any:
    """The model class of a file kind (its class name, as the loader gives it), or None."""
    from indicators.workspace import model

    found = getattr(model, kind, None)
    return found if isinstance(found, type) and issubclass(found, model.Strict) else None


FILE_CACHE = FileCache()
