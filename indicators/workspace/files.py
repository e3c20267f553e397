"""Reading data files safely: plain files only, and never more than a bound.

A data folder can hold anything a file system can: a named pipe (opening it for reading waits
forever for a writer), a link to /dev/zero (reading it never ends), a socket, a folder named like
a file, a link that is broken or loops, a file without read permission, a file removed between
listing and reading. Every read of a data file or a snapshot goes through `read_bounded`, which
refuses all of these with a stable code, a message and a hint (a `DataFileError`) instead of
hanging or raising a traceback: it checks the path is a plain file before opening it (opening a
device can have effects of its own), opens without blocking, checks again what it opened, and
reads at most the limit plus one byte.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from pathlib import Path

from indicators.settings import max_file_bytes
from indicators.workspace.problems import Code, Problem, Severity

_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
_CHUNK = 1024 * 1024
_MB = 1024 * 1024


class DataFileError(OSError):
    """Why a path cannot be read as a data file: a stable code, a message and a hint.

    An `OSError`, so code that already falls back on any OS error (the parse cache) needs no change.
    """

    def __init__(self, code: Code, message: str, hint: str) -> None:
        super().__init__(message)
        self.code, self.message, self.hint = code, message, hint

    def problem(self, display: str, line: int = 1, column: int = 1,
                severity: Severity = Severity.ERROR) -> Problem:
        """The same, as a problem of the file (whole-file problems stand at line 1, column 1)."""
        return Problem(display, line, column, self.code, self.message, self.hint, severity)


_KINDS = ((stat.S_ISREG, "a file"), (stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
          (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))


def kind(mode: int) -> str:
    """What a file-system entry is, in words ("a named pipe (FIFO)"), from its `st_mode`."""
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def _link_target(path: Path) -> str:
    try:
        return os.readlink(path)
    except OSError:
        return "?"


def _from_os_error(path: Path, exc: OSError) -> DataFileError:
    if isinstance(exc, DataFileError):
        return exc
    if exc.errno == errno.ELOOP:
        return DataFileError(Code.BROKEN_LINK, "is a link that loops back on itself (too many levels of links)",
                             "fix the link, or replace it with the file itself")
    if isinstance(exc, (FileNotFoundError, NotADirectoryError)):
        if os.path.islink(path):
            return DataFileError(Code.BROKEN_LINK, f"is a broken link (to {_link_target(path)}, which does not exist)",
                                 "fix the link, or replace it with the file itself")
        return DataFileError(Code.MISSING_FILE, "no such file", "check the path")
    if isinstance(exc, IsADirectoryError):
        return DataFileError(Code.NOT_A_FILE, "is a folder, not a file", "remove it or replace it with a YAML file")
    if isinstance(exc, PermissionError):
        return DataFileError(Code.UNREADABLE, f"cannot read file: {exc.strerror or 'permission denied'}",
                             "check the file's permissions: the board must be able to read it")
    return DataFileError(Code.UNREADABLE, f"cannot read file: {exc.strerror or exc}",
                         "check that the file exists and is readable")


def _not_a_file(path: Path, mode: int) -> DataFileError:
    what = kind(mode)
    if os.path.islink(path):
        what = f"a link to {what} ({_link_target(path)})"
    return DataFileError(Code.NOT_A_FILE, f"is {what}, not a file", "remove it or replace it with a YAML file")


def _size(count: int) -> str:
    """A size in words: MB to one decimal, KB under a tenth of a MB (a small limit never reads '0.0 MB')."""
    return f"{count / _MB:.1f} MB" if count >= _MB / 10 else f"{count / 1024:.1f} KB"


def _too_large(size: int, limit: int, exact: bool = True) -> DataFileError:
    amount = _size(size) if exact else "more than that"
    return DataFileError(Code.FILE_TOO_LARGE, f"file is {amount}, over the limit of {_size(limit)}",
                         "split it into several files, or raise INDICATORS_MAX_FILE_MB")


def check_size(size: int, limit: int | None = None) -> None:
    """Refuse `size` bytes over the one limit every incoming file is held to (`INDICATORS_MAX_FILE_MB`),
    whichever way it comes in (a data file, an import, an upload, a merge), before anything parses it."""
    limit = max_file_bytes() if limit is None else limit
    if size > limit:
        raise _too_large(size, limit)


def check_file(path: Path) -> os.stat_result:
    """The path's status (links followed) if it is a plain file; else raise `DataFileError`.

    Nothing is opened, so a named pipe or a device is refused without being touched.
    """
    try:
        status = os.stat(path)
    except OSError as exc:
        raise _from_os_error(path, exc) from None
    if not stat.S_ISREG(status.st_mode):
        raise _not_a_file(path, status.st_mode)
    return status


def read_bounded(path: Path, limit: int | None = None) -> bytes:
    """The bytes of a plain file of at most `limit` bytes (default: `INDICATORS_MAX_FILE_MB`).

    Raises `DataFileError` for anything else (see the module's docstring); never blocks on a
    named pipe and never reads more than `limit` + 1 bytes, whatever the file claims its size is.
    """
    limit = max_file_bytes() if limit is None else limit
    status = check_file(path)
    check_size(status.st_size, limit)
    try:
        fd = os.open(path, _OPEN_FLAGS)  # non-blocking: a pipe swapped in since the check cannot hang us
    except OSError as exc:
        raise _from_os_error(path, exc) from None
    try:
        status = os.fstat(fd)  # what was actually opened
        if not stat.S_ISREG(status.st_mode):
            raise _not_a_file(path, status.st_mode)
        if status.st_size > limit:
            raise _too_large(status.st_size, limit)
        chunks: list[bytes] = []
        total = 0
        while total <= limit:
            chunk = os.read(fd, min(_CHUNK, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:  # it grew while being read
            raise _too_large(total, limit, exact=False)
        return b"".join(chunks)
    except OSError as exc:
        raise _from_os_error(path, exc) from None
    finally:
        os.close(fd)


def describe(path: Path) -> str:
    """What is at `path`, in words ("a file", "a named pipe (FIFO)", "a broken link"); never raises."""
    try:
        return kind(os.stat(path).st_mode)
    except OSError as exc:
        error = _from_os_error(path, exc)
        return "a broken link" if error.code == Code.BROKEN_LINK else "nothing"


__all__ = ["DataFileError", "check_file", "check_size", "describe", "kind", "read_bounded"]


def write_atomic(path: Path, content: str | bytes) -> None:
    """Replace a file's content in one step, so a reader sees the old file or the new one, never half.

    A temporary file beside it is written and fsynced, given the old file's permissions (a new file
    gets the usual ones: the kernel applies the umask, which is never changed, so other threads are
    not affected), renamed over it, and the folder is fsynced; on any failure the temporary file is
    removed and the old file is untouched. Text is written as UTF-8 with its line endings as they are.
    """
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        mode: int | None = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        mode = None
    tmp = path.parent / f".{path.name}.{secrets.token_hex(8)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
