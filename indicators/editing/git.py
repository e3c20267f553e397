"""Git for a workspace kept in a repository: commit a saved edit, set a clone up for the team's
merges, and sync it (commit, pull with the merge driver, push)."""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from indicators.editing.updates import Edit, EditRefused
from indicators.workspace.load import Workspace, load_workspace
from indicators.workspace.problems import Code

GIT_TIMEOUT_S = 60


def _git(folder: Path | str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, timeout=GIT_TIMEOUT_S)


def in_git_repository(folder: Path | str) -> bool:
    """True when the folder is inside a git work tree (so a save can be committed)."""
    try:
        done = _git(folder, "rev-parse", "--is-inside-work-tree")
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0 and done.stdout.strip() == "true"


def git_commit(edit: Edit, analyst: str) -> str:
    """Commit the edited files if the workspace is in a git repository; returns the commit message."""
    folder = edit.path.parent
    if not in_git_repository(folder):
        raise EditRefused.of(Code.NOT_A_REPOSITORY, f"{folder} is not in a git repository",
                             "run 'git init' or drop --commit")
    message = f"{edit.kind.capitalize()} {edit.new_id} ({edit.subject}) by {analyst}"
    paths = [str(f.path.resolve()) for f in edit.files if f.after != f.before]
    if not paths:
        return message
    for args in (("add", "--", *paths), ("commit", "-q", "-m", message, "-m", f"Analyst: {analyst}", "--", *paths)):
        try:
            done = _git(folder, *args)
        except (OSError, subprocess.SubprocessError) as err:
            raise EditRefused.of(Code.GIT_FAILED, f"the change was saved but not committed: {err}", "commit it by hand",
                          str(edit.path)) from None
        if done.returncode != 0:
            raise EditRefused.of(Code.GIT_FAILED, f"the change was saved but not committed: {done.stderr.strip()}",
                          "commit it by hand", str(edit.path))
    return message


# ------------------------------------------------------------------------------------------ team

DRIVER = "indicators"  # the merge driver's name in .gitattributes and git config


def _run(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """A git command that must work; a failure is a located refusal, never a traceback."""
    try:
        done = _git(folder, *args)
    except (OSError, subprocess.SubprocessError) as err:
        raise EditRefused.of(Code.GIT_FAILED, f"git {args[0]} failed: {err}", "check that git is installed") from None
    return done


def repository_top(folder: Path) -> Path:
    """The top folder of the git work tree holding `folder`."""
    done = _run(folder, "rev-parse", "--show-toplevel")
    if done.returncode != 0:
        raise EditRefused.of(Code.NOT_A_REPOSITORY, f"{folder} is not in a git repository",
                             "clone the team's repository, or run 'git init'")
    return Path(done.stdout.strip())


def driver_command() -> str:
    """How git runs the merge driver: this Python, so it works without the venv on PATH."""
    return f"'{sys.executable}' -m indicators merge-driver %O %A %B %P"


def git_setup(data: Path) -> list[str]:
    """Install the merge driver in the clone's git config (git never takes it from the repository)
    and register the workspace's YAML files for it in .gitattributes. Safe to run again."""
    top = repository_top(data)
    notes = []
    for key, value in ((f"merge.{DRIVER}.name", "indicators: merge workspace YAML by identity"),
                       (f"merge.{DRIVER}.driver", driver_command())):
        done = _run(top, "config", key, value)
        if done.returncode != 0:
            raise EditRefused.of(Code.GIT_FAILED, f"git config failed: {done.stderr.strip()}", "check .git/config")
    notes.append(f"merge driver '{DRIVER}' installed in {top / '.git' / 'config'}")
    folder = data.resolve().relative_to(top.resolve()).as_posix().replace(" ", "[[:space:]]")
    prefix = "" if folder == "." else f"{folder}/"
    attributes = top / ".gitattributes"
    existing = attributes.read_text(encoding="utf-8") if attributes.exists() else ""
    for suffix in ("yaml", "yml"):  # the loader reads both
        pattern = f"{prefix}**/*.{suffix} merge={DRIVER}"
        if pattern not in existing.splitlines():
            existing += ("" if not existing or existing.endswith("\n") else "\n") + pattern + "\n"
            notes.append(f"{pattern!r} added to .gitattributes (commit it, so the whole team's clones use it)")
    attributes.write_text(existing, encoding="utf-8")
    return notes


@dataclass
class SyncReport:
    """What `sync` did: the commit it made (if any), the commits before and after the pull (the
    same when nothing came in), whether it pushed, and the workspace before and after the pull
    (`incoming` None when nothing came in) — already read, for what came in."""

    committed: str | None
    before: str
    after: str
    pushed: bool
    notes: list[str]
    incoming: tuple[Workspace, Workspace] | None = None


def _changes(top: Path) -> list[str]:
    done = _run(top, "status", "--porcelain", "--untracked-files=all")
    if done.returncode != 0:
        raise EditRefused.of(Code.GIT_FAILED, f"git status failed: {done.stderr.strip()}", "check the clone")
    return [line[3:].strip().strip('"') for line in done.stdout.splitlines() if line.strip()]


@contextlib.contextmanager
def workspace_at(data: Path, commit: str) -> Iterator[Path | None]:
    """The workspace folder as it was in `commit`, in a scratch folder (None: it did not exist)."""
    top = repository_top(data)
    folder = data.resolve().relative_to(top.resolve()).as_posix()
    with tempfile.TemporaryDirectory() as scratch:
        try:
            archive = subprocess.run(["git", "-C", str(top), "archive", "--format=tar", commit, "--", folder],
                                     capture_output=True, timeout=GIT_TIMEOUT_S, check=False)
        except (OSError, subprocess.SubprocessError):
            archive = None
        if archive is None or archive.returncode != 0:
            yield None
            return
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            if hasattr(tarfile, "data_filter"):  # Python 3.11.4+ (and distributions' backports)
                tar.extractall(scratch, filter="data")
            else:  # our own repository's files, read by git: regular files and folders only
                tar.extractall(scratch, members=[m for m in tar.getmembers() if m.isfile() or m.isdir()])
        yield Path(scratch) / folder


def _errors(ws: Workspace | None) -> set[tuple[str, str]]:
    return {(p.code.value, p.message) for p in ws.errors} if ws is not None else set()


def _no_new_errors(earlier: Workspace | None, now: Workspace, what: str) -> None:
    """Refuse when the workspace now has errors it did not have earlier (conflict markers, a merge
    that does not hold together, a broken hand edit)."""
    new = [message for code, message in sorted(_errors(now) - _errors(earlier))]
    if new:
        raise EditRefused.of(Code.MERGE_INVALID, f"{what} would leave the workspace with errors: {'; '.join(new[:3])}"
                             + (" …" if len(new) > 3 else ""),
                             "run 'indicators validate', fix the files, commit, and 'indicators sync' again")


def sync(data: Path, analyst: str, *, push: bool = True) -> SyncReport:
    """Commit the workspace's local changes, pull with the merge driver and push; what came in is
    the change between the two workspaces of `incoming`.

    Refused, before anything is committed, when the clone has changes outside the workspace
    folder, is in the middle of a merge, or when its changes (or the merge of the team's) would
    leave the workspace with errors it did not have: nothing invalid is ever pushed."""
    top = repository_top(data)
    merging = _run(top, "rev-parse", "-q", "--verify", "MERGE_HEAD").returncode == 0
    unmerged = _run(top, "diff", "--name-only", "--diff-filter=U").stdout.split()
    if merging or unmerged:
        raise EditRefused.of(Code.MERGE_CONFLICT, "a merge is in progress" + (f": conflicts in {', '.join(unmerged)}"
                                                                            if unmerged else ""),
                             Code.MERGE_CONFLICT.hint + "; then 'git commit' and 'indicators sync' again")
    notes = git_setup(data)
    folder = data.resolve().relative_to(top.resolve()).as_posix()
    inside = "" if folder == "." else folder + "/"
    local = _changes(top)
    unrelated = [path for path in local if not path.startswith(inside) and path != ".gitattributes"]
    if unrelated:
        raise EditRefused.of(Code.UNRELATED_CHANGES, f"local changes outside {folder}: {', '.join(unrelated[:5])}"
                             + (" …" if len(unrelated) > 5 else ""), Code.UNRELATED_CHANGES.hint)
    upstream = _run(top, "rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{u}")
    if upstream.returncode != 0:
        raise EditRefused.of(Code.NO_UPSTREAM, "this branch has no upstream branch", Code.NO_UPSTREAM.hint)
    committed = None
    mine = load_workspace(data)  # the workspace as this clone has it: `before` once committed
    if local:
        with workspace_at(data, "HEAD") as head:
            _no_new_errors(load_workspace(head) if head is not None else None, mine,
                           "the workspace's local changes")
        message = f"Workspace changes by {analyst}"
        for args in (("add", "--", folder if folder != "." else ".", ".gitattributes"),
                     ("commit", "-q", "-m", message, "-m", f"Analyst: {analyst}")):
            done = _run(top, *args)
            if done.returncode != 0 and "nothing to commit" not in done.stdout:
                raise EditRefused.of(Code.GIT_FAILED, f"git {args[0]} failed: {done.stderr.strip()}",
                                     "commit by hand")
        committed = message
    before = _run(top, "rev-parse", "HEAD").stdout.strip()
    pulled = _run(top, "pull", "--no-rebase", "--no-edit", "-q")
    if pulled.returncode != 0:
        conflicted = _run(top, "diff", "--name-only", "--diff-filter=U").stdout.split()
        detail = (f"conflicts in {', '.join(conflicted)}" if conflicted else pulled.stderr.strip() or "pull failed")
        raise EditRefused.of(Code.MERGE_CONFLICT, f"the pull stopped: {detail}",
                             Code.MERGE_CONFLICT.hint + "; then 'git commit' and 'indicators sync' again")
    after = _run(top, "rev-parse", "HEAD").stdout.strip()
    incoming = None
    if after != before:
        merged = load_workspace(data)
        _no_new_errors(mine, merged, "the merge of the team's changes")
        incoming = (mine, merged)
    pushed = False
    if push:
        done = _run(top, "push", "-q")
        if done.returncode != 0:
            raise EditRefused.of(Code.GIT_FAILED, f"git push failed: {done.stderr.strip()}",
                                 "pull again ('indicators sync'), then push")
        pushed = True
    return SyncReport(committed, before, after, pushed, notes, incoming)
