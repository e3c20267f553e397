"""Anything in a data folder that is not a plain, readable file is a located problem, found quickly.

Named pipes, sockets, devices, folders named like files, broken or looping links, unreadable,
oversized and vanishing files: each gives a problem with a stable code (or, for a vanished file,
a warning) and the rest of the workspace loads. Every reader is covered: the loader, the parse
cache and the app's file signature, the editing code and the snapshot loader.

A guard (SIGALRM) turns a hang into a failure; it is a safety net, not a timing assertion.
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import socket
import stat
from pathlib import Path

import pytest

from indicators.editing import updates
from indicators.reports.snapshot import SnapshotError, list_snapshots, load_snapshot
from indicators.workspace import files
from indicators.workspace.load import load_workspace
from indicators.workspace.parse_cache import FileCache, content_digest, files_signature
from indicators.workspace.problems import Severity
from indicators.workspace.vocab import Marking

from tests.conftest import FIXTURES, TODAY

GUARD_S = 20
AS_ROOT = os.geteuid() == 0


@pytest.fixture(autouse=True)
def no_hang():
    """Fail (instead of hanging the suite) if a test blocks: a FIFO opened for reading, /dev/zero read."""
    def hung(signum, frame):  # pytest.fail, not TimeoutError: that is an OSError, which the code may catch
        pytest.fail(f"hung for {GUARD_S} s: something blocked or read without end", pytrace=False)

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(GUARD_S)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURES / "tiny", tmp_path / "ws"))


def _load(root: Path):
    return load_workspace(root, today=TODAY, cache=FileCache(disk=False))


def _socket(path: Path) -> None:
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    server.close()  # the socket file stays


def _char_device(path: Path) -> None:
    try:
        os.mknod(path, 0o600 | stat.S_IFCHR, os.makedev(1, 5))  # what /dev/zero is
    except (PermissionError, OSError) as err:
        pytest.skip(f"cannot make a device node here: {err}")


# Each maker turns `path` into something that is not a plain file; then the code and words expected.
NOT_FILES = {
    "fifo": (os.mkfifo, "not-a-file", "is a named pipe (FIFO), not a file"),
    "folder": (Path.mkdir, "not-a-file", "is a folder, not a file"),
    "socket": (_socket, "not-a-file", "is a socket, not a file"),
    "char-device": (_char_device, "not-a-file", "is a character device, not a file"),
    "broken-link": (lambda p: p.symlink_to(p.parent / "nowhere.yaml"), "broken-link", "is a broken link"),
    "link-loop": (lambda p: p.symlink_to(p), "broken-link", "loops back on itself"),
    "link-to-dev-zero": (lambda p: p.symlink_to("/dev/zero"), "outside-folder", "outside the workspace"),
    "link-outside": (lambda p: p.symlink_to(Path(__file__)), "outside-folder", "outside the workspace"),
}
IN_PLACE = [case for case in NOT_FILES if case != "link-outside"]  # refused where they are, not for where they point


@pytest.mark.parametrize("case", NOT_FILES)
def test_an_indicator_file_that_is_not_a_file_is_one_located_error(ws: Path, case: str) -> None:
    make, code, words = NOT_FILES[case]
    make(ws / "indicators" / "x.yaml")
    loaded = _load(ws)
    where = str(ws / "indicators" / "x.yaml")
    assert [(p.path, p.line, p.column, p.code) for p in loaded.errors] == [(where, 1, 1, code)]
    assert words in loaded.errors[0].message and loaded.errors[0].hint
    assert len(loaded.indicators) == 4 and len(loaded.scenarios) == 2  # the rest loads


@pytest.mark.parametrize("case", NOT_FILES)
def test_a_workspace_file_that_is_not_a_file_is_an_error_and_the_board_still_opens(ws: Path, case: str) -> None:
    make, code, words = NOT_FILES[case]
    (ws / "workspace.yaml").unlink()
    make(ws / "workspace.yaml")
    loaded = _load(ws)
    assert [(p.path, p.line, p.column, p.code) for p in loaded.errors] == [(str(ws / "workspace.yaml"), 1, 1, code)]
    assert words in loaded.errors[0].message
    assert loaded.meta.marking is Marking.RED  # the fallback for a broken workspace.yaml
    assert len(loaded.indicators) == 4


@pytest.mark.parametrize("case", ["file", "fifo", "broken-link"])
def test_an_indicators_entry_that_is_not_a_folder_is_an_error(ws: Path, case: str) -> None:
    folder = ws / "indicators"
    shutil.rmtree(folder)
    makers = {"file": lambda p: p.write_text("x"), "fifo": os.mkfifo,
              "broken-link": lambda p: p.symlink_to(ws / "gone")}
    makers[case](folder)
    loaded = _load(ws)
    assert [(p.path, p.code) for p in loaded.errors] == [(str(folder), "not-a-folder")]
    assert "not a folder" in loaded.errors[0].message
    assert len(loaded.scenarios) == 2


def test_an_indicators_folder_that_cannot_be_listed_is_an_error(ws: Path, monkeypatch) -> None:
    real_listdir = os.listdir

    def listdir(path):  # as root a folder's mode does not stop listing: refuse here instead
        if Path(path).name == "indicators":
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_listdir(path)

    monkeypatch.setattr(os, "listdir", listdir)
    loaded = _load(ws)
    assert [(p.path, p.code) for p in loaded.errors] == [(str(ws / "indicators"), "unreadable")]
    assert "Permission denied" in loaded.errors[0].message


def test_non_utf8_bytes_are_located(ws: Path) -> None:
    (ws / "indicators" / "x.yaml").write_bytes(b"theme: x\nindicators: \xff\n")
    loaded = _load(ws)
    assert [(p.line, p.column, p.code) for p in loaded.errors] == [(2, 13, "encoding")]
    assert len(loaded.indicators) == 4


def test_a_file_too_big_is_refused_before_it_is_read(ws: Path, monkeypatch) -> None:
    monkeypatch.setenv("INDICATORS_MAX_FILE_MB", "0.01")  # 10 kB: the fixture's files are smaller
    (ws / "indicators" / "x.yaml").write_text("theme: x\n" + "# padding\n" * 2000, encoding="utf-8")
    reads = []
    real_read = os.read
    monkeypatch.setattr(files.os, "read",
                        lambda fd, n: reads.append(os.readlink(f"/proc/self/fd/{fd}")) or real_read(fd, n))
    real_read_bytes = Path.read_bytes  # the parse cache used to hash whole files with it, whatever their size
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail(f"{self.name} read whole")
                        if self.name == "x.yaml" else real_read_bytes(self))
    loaded = _load(ws)
    assert [p.code for p in loaded.errors] == ["file-too-large"] and loaded.errors[0].path.endswith("x.yaml")
    assert "over the limit of" in loaded.errors[0].message
    assert not any(name.endswith("x.yaml") for name in reads)


def _deny(monkeypatch, name: str) -> None:
    real_open = os.open

    def fake_open(path, flags, *args, **kwargs):
        if Path(path).name == name:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(files.os, "open", fake_open)


def test_a_file_without_read_permission_is_an_error(ws: Path, monkeypatch) -> None:
    # Tests run as root, where chmod 000 does not stop reading: os.open is made to refuse instead.
    _deny(monkeypatch, "core.yaml")
    loaded = _load(ws)
    assert [(p.line, p.column, p.code) for p in loaded.errors] == [(1, 1, "unreadable")]
    assert "Permission denied" in loaded.errors[0].message and "permission" in loaded.errors[0].hint


def test_a_file_removed_between_listing_and_reading_is_a_warning(ws: Path, monkeypatch) -> None:
    (ws / "indicators" / "x.yaml").write_text("theme: x\nindicators: []\n", encoding="utf-8")
    real_open = os.open

    def vanishing_open(path, flags, *args, **kwargs):
        if Path(path).name == "x.yaml":
            Path(path).unlink(missing_ok=True)
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(files.os, "open", vanishing_open)
    loaded = _load(ws)
    assert loaded.errors == []
    assert [(p.code, p.severity) for p in loaded.warnings] == [("vanished", Severity.WARNING)]
    assert len(loaded.indicators) == 4


def test_a_file_swapped_for_a_fifo_after_the_check_does_not_block(ws: Path, monkeypatch) -> None:
    real_open = os.open

    def swapping_open(path, flags, *args, **kwargs):
        if Path(path).name == "core.yaml" and not stat.S_ISFIFO(os.lstat(path).st_mode):
            Path(path).unlink()
            os.mkfifo(path)
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(files.os, "open", swapping_open)
    assert [p.code for p in _load(ws).errors] == ["not-a-file"]


def test_a_file_that_grows_while_read_is_read_no_further_than_the_limit(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "x.yaml"
    path.write_bytes(b"a" * 10_000)
    real_stat, real_fstat, real_read = os.stat, os.fstat, os.read

    def small(status: os.stat_result) -> os.stat_result:  # the file claims 10 bytes (it grew since)
        return os.stat_result((status.st_mode, status.st_ino, status.st_dev, status.st_nlink, status.st_uid,
                               status.st_gid, 10, status.st_atime, status.st_mtime, status.st_ctime))

    read = []
    monkeypatch.setattr(files.os, "stat", lambda p: small(real_stat(p)))
    monkeypatch.setattr(files.os, "fstat", lambda fd: small(real_fstat(fd)))
    monkeypatch.setattr(files.os, "read", lambda fd, n: read.append(len(data := real_read(fd, n))) or data)
    with pytest.raises(files.DataFileError) as err:
        files.read_bounded(path, limit=100)
    assert err.value.code == "file-too-large" and sum(read) == 101


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_devices_are_refused_without_being_read(device: str, monkeypatch) -> None:
    monkeypatch.setattr(files.os, "open", lambda *a, **k: pytest.fail("a device was opened"))
    with pytest.raises(files.DataFileError) as err:
        files.read_bounded(Path(device))
    assert err.value.code == "not-a-file" and "character device" in err.value.message


def test_read_bounded_reads_a_plain_file(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_bytes(b"title: ok\n")
    assert files.read_bounded(path) == b"title: ok\n"
    assert files.read_bounded(path, limit=10) == b"title: ok\n"
    with pytest.raises(files.DataFileError):
        files.read_bounded(path, limit=9)


# --- the parse cache and the app's signature -------------------------------------------------------

@pytest.mark.parametrize("case", IN_PLACE)
def test_content_digest_refuses_what_is_not_a_file(tmp_path: Path, case: str) -> None:
    make = NOT_FILES[case][0]
    path = tmp_path / "x.yaml"
    make(path)
    with pytest.raises(OSError):
        content_digest(path)


def test_content_digest_is_bounded(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("INDICATORS_MAX_FILE_MB", "0.001")
    path = tmp_path / "x.yaml"
    path.write_bytes(b"#" * 5000)
    with pytest.raises(files.DataFileError):
        content_digest(path)


def test_files_signature_never_blocks_and_changes_with_the_kind(tmp_path: Path) -> None:
    paths = []
    for case, (make, _, _) in NOT_FILES.items():
        if case == "char-device" and not AS_ROOT:
            continue
        path = tmp_path / f"{case}.yaml"
        make(path)
        paths.append(path)
    signature = files_signature(paths)  # a new FIFO is "racy": its content would be hashed
    assert [entry[0] for entry in signature] == [str(p) for p in paths]
    fifo = tmp_path / "fifo.yaml"
    fifo.unlink()
    fifo.write_text("title: x\n")
    assert files_signature(paths) != signature


def test_the_app_signature_of_a_folder_holding_a_fifo_returns(ws: Path) -> None:
    from indicators.app.state import file_signature

    os.mkfifo(ws / "indicators" / "x.yaml")
    (ws / "workspace.yaml").unlink()
    os.mkfifo(ws / "workspace.yaml")
    assert len(file_signature(ws)) == 3


# --- editing and snapshots ------------------------------------------------------------------------

@pytest.mark.parametrize("case", ["fifo", "char-device", "folder", "vanished"])
def test_an_edit_of_a_file_that_became_a_non_file_is_refused(ws: Path, case: str) -> None:
    loaded = _load(ws)
    path = ws / "indicators" / "core.yaml"
    path.unlink()
    if case != "vanished":
        NOT_FILES[case][0](path)
    with pytest.raises(updates.EditRefused) as refused:
        updates.plan_assessment(loaded, "TT-02", status="negated", confidence="low", rationale="Retracted.",
                                analyst="Ann", today=TODAY)
    assert refused.value.problems[0].code == ("missing-file" if case == "vanished" else "not-a-file")
    assert refused.value.problems[0].path == str(path)


def test_a_write_refuses_a_file_swapped_for_a_fifo_after_planning(ws: Path) -> None:
    planned = updates.plan_assessment(_load(ws), "TT-02", status="negated", confidence="low", rationale="Retracted.",
                                      analyst="Ann", today=TODAY)
    planned.path.unlink()
    os.mkfifo(planned.path)
    with pytest.raises(updates.EditRefused) as refused:
        updates.apply_edit(planned)
    assert refused.value.problems[0].code == "not-a-file"
    assert stat.S_ISFIFO(os.lstat(planned.path).st_mode)  # nothing was written


@pytest.mark.parametrize("case", ["fifo", "socket", "char-device", "link-loop", "broken-link"])
def test_a_snapshot_that_is_not_a_file_is_a_clear_error(tmp_path: Path, case: str) -> None:
    path = tmp_path / "old.json"
    NOT_FILES[case][0](path)
    with pytest.raises(SnapshotError) as err:
        load_snapshot(path)
    problem = err.value.problems[0]
    assert (problem.path, problem.code) == (str(path), NOT_FILES[case][1])


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_device_given_as_a_snapshot_is_refused(device: str) -> None:
    with pytest.raises(SnapshotError) as err:
        load_snapshot(Path(device))
    assert err.value.problems[0].code == "not-a-file"
    assert "character device" in err.value.problems[0].message


def test_a_snapshot_over_the_limit_is_refused(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("INDICATORS_MAX_FILE_MB", "0.0001")  # snapshots may be ten times as big: 1 kB
    path = tmp_path / "big.json"
    path.write_text('{"format_version": 1, "pad": "' + "x" * 2000 + '"}')
    with pytest.raises(SnapshotError) as err:
        load_snapshot(path)
    assert err.value.problems[0].code == "file-too-large"


def test_a_fifo_among_kept_snapshots_is_listed_with_its_problem(ws: Path) -> None:
    (ws / "snapshots").mkdir()
    os.mkfifo(ws / "snapshots" / "2024-01-01.json")
    [kept] = list_snapshots(ws)
    assert [p.code for p in kept.problems] == ["not-a-file"]


def test_write_atomic_keeps_the_mode_and_never_touches_the_umask(tmp_path: Path, monkeypatch) -> None:
    """The umask is process-wide: changing it even briefly would race with the server's other threads."""
    def no_umask(*args):
        raise AssertionError("write_atomic changed the process umask")

    old = os.umask(0o027)
    try:
        monkeypatch.setattr(os, "umask", no_umask)
        files.write_atomic(tmp_path / "new.txt", "new")
        kept = tmp_path / "kept.txt"
        kept.write_text("old")
        kept.chmod(0o600)
        files.write_atomic(kept, "newer")
    finally:
        monkeypatch.undo()
        os.umask(old)
    assert oct((tmp_path / "new.txt").stat().st_mode & 0o777) == oct(0o640)
    assert oct(kept.stat().st_mode & 0o777) == oct(0o600) and kept.read_text() == "newer"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.txt", "new.txt"]
