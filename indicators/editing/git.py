"""Git plumbing for a workspace kept in a repository: run git bounded in time (and everything it
starts, such as the merge driver), commit a saved edit, set a clone up for the team (merge driver,
pre-push check), and read the workspace as it stands in a commit.

`sync` (editing/sync.py) and the push check (editing/outgoing.py) are built on these."""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

from indicators.editing.updates import Edit, EditRefused
from indicators.workspace.problems import Code

GIT_TIMEOUT_S = 60  # a local git command (status, commit, archive); a pull or push has settings.SYNC_TIMEOUT_S


class GitTimeout(Exception):
    """A git command (and what it started) did not finish in time; all of it was stopped."""

    def __init__(self, args: tuple[str, ...], seconds: float) -> None:
        super().__init__(f"git {' '.join(args)} did not finish within {seconds:g} s")


def run_git(folder: Path | str, *args: str, timeout: float = GIT_TIMEOUT_S, env: Mapping[str, str] | None = None,
            text: bool = True, stdin: str | bytes | None = None) -> subprocess.CompletedProcess:
    """Run git in its own process group, so that a time-out (or Ctrl-C) stops git and every process it
    started (a merge driver, a hook) together: nothing is left running. Raises GitTimeout or OSError."""
    command = ["git", "-C", str(folder), *args]
    environ = {**os.environ, **env} if env else None
    with subprocess.Popen(command, stdin=subprocess.DEVNULL if stdin is None else subprocess.PIPE,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=text, env=environ,
                          start_new_session=True) as process:
        try:
            out, err = process.communicate(stdin, timeout=timeout)
        except BaseException as stopped:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            if isinstance(stopped, subprocess.TimeoutExpired):
                raise GitTimeout(args, timeout) from None
            raise
    return subprocess.CompletedProcess(command, process.returncode, out, err)


def in_git_repository(folder: Path | str) -> bool:
    """True when the folder is inside a git work tree (so a save can be committed)."""
    try:
        done = run_git(folder, "rev-parse", "--is-inside-work-tree")
    except (OSError, GitTimeout):
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
            done = run_git(folder, *args)
        except (OSError, GitTimeout) as err:
            raise EditRefused.of(Code.GIT_FAILED, f"the change was saved but not committed: {err}", "commit it by hand",
                          str(edit.path)) from None
        if done.returncode != 0:
            raise EditRefused.of(Code.GIT_FAILED, f"the change was saved but not committed: {done.stderr.strip()}",
                          "commit it by hand", str(edit.path))
    return message


# ------------------------------------------------------------------------------------------ team

DRIVER = "indicators"  # the merge driver's name in .gitattributes and git config
WORKSPACES_KEY = "indicators.workspace"  # git config: the workspace folders of this clone (for the push check)
HOOK_MARK = "# installed by 'indicators git-setup'"


def run(folder: Path, *args: str, timeout: float = GIT_TIMEOUT_S,
        env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """A git command whose failure to start or finish is a refusal that says which, never a traceback
    (its exit status is the caller's to read)."""
    try:
        return run_git(folder, *args, timeout=timeout, env=env)
    except GitTimeout as late:
        raise EditRefused.of(Code.GIT_TIMEOUT, f"{late}; it was stopped", Code.GIT_TIMEOUT.hint) from None
    except OSError as err:
        raise EditRefused.of(Code.GIT_FAILED, f"git could not be started: {err}", "check that git is installed") \
            from None


def repository_top(folder: Path) -> Path:
    """The top folder of the git work tree holding `folder`."""
    done = run(folder, "rev-parse", "--show-toplevel")
    if done.returncode != 0:
        raise EditRefused.of(Code.NOT_A_REPOSITORY, f"{folder} is not in a git repository",
                             "clone the team's repository, or run 'git init'")
    return Path(done.stdout.strip())


def workspace_folder(data: Path, top: Path) -> str:
    """The workspace folder's path inside the repository, as git names it ('.' for the top)."""
    return data.resolve().relative_to(top.resolve()).as_posix()


def python_command() -> str:
    """This Python running the board's command line, as git runs it (driver, hook): `-P` keeps the
    repository's own top folder off the module path, so a file named `indicators.py` committed there
    cannot stand in for the board; the venv need not be on PATH."""
    return f"{shlex.quote(sys.executable)} -P -m indicators"


def driver_command() -> str:
    """How git runs the merge driver."""
    return f"{python_command()} merge-driver %O %A %B %P"


def hook_line() -> str:
    """The line of a pre-push hook that runs the push check (what to add to a hook of one's own)."""
    return f'{python_command()} check-push --hook "$@"'


def hook_text() -> str:
    """The pre-push hook: the same check `sync` makes, for a plain `git push`."""
    return (f"#!/bin/sh\n{HOOK_MARK}: refuse to push a workspace that does not validate\n"
            f"# or holds conflict markers. 'git push --no-verify' skips it (do not).\nexec {hook_line()}\n")


def _install_hook(top: Path) -> str:
    """Write the pre-push hook where git looks for this clone's hooks. Never over a hook of someone
    else's, and never into a hooks folder outside the clone's git folder (core.hooksPath in the work
    tree would be committed to the team, a shared one would check every repository on the machine):
    the note then says what to add, and where."""
    hooks = Path(run(top, "rev-parse", "--path-format=absolute", "--git-path", "hooks").stdout.strip())
    common = Path(run(top, "rev-parse", "--path-format=absolute", "--git-common-dir").stdout.strip())
    hook = hooks / "pre-push"
    if not hooks.resolve().is_relative_to(common.resolve()):
        return (f"core.hooksPath points outside this clone's git folder ({hooks}): no hook installed; add this "
                f"line to its pre-push hook so a plain 'git push' is checked too: {hook_line()} || exit 1")
    if hook.exists() and HOOK_MARK not in hook.read_text(encoding="utf-8", errors="replace"):
        return (f"{hook} exists and is not ours: add this line to it so a plain 'git push' is checked too: "
                f"{hook_line()} || exit 1")
    hooks.mkdir(parents=True, exist_ok=True)
    fresh = not hook.exists()
    hook.write_text(hook_text(), encoding="utf-8")
    hook.chmod(0o755)
    return f"pre-push hook {'installed' if fresh else 'brought up to date'} in {hook} (runs 'indicators check-push')"


def git_setup(data: Path) -> list[str]:
    """Install the merge driver and the pre-push check in the clone's git config and hooks (git never
    takes either from the repository) and register the workspace's YAML files for the driver in
    .gitattributes. Safe to run again."""
    top = repository_top(data)
    notes = []
    for key, value in ((f"merge.{DRIVER}.name", "indicators: merge workspace YAML by identity"),
                       (f"merge.{DRIVER}.driver", driver_command())):
        done = run(top, "config", key, value)
        if done.returncode != 0:
            raise EditRefused.of(Code.GIT_FAILED, f"git config failed: {done.stderr.strip()}", "check .git/config")
    notes.append(f"merge driver '{DRIVER}' installed in {top / '.git' / 'config'}")
    folder = workspace_folder(data, top)
    if folder not in run(top, "config", "--get-all", WORKSPACES_KEY).stdout.splitlines():
        run(top, "config", "--add", WORKSPACES_KEY, folder)
    notes.append(_install_hook(top))
    pattern_folder = folder.replace(" ", "[[:space:]]")
    prefix = "" if folder == "." else f"{pattern_folder}/"
    attributes = top / ".gitattributes"
    existing = attributes.read_text(encoding="utf-8") if attributes.exists() else ""
    for suffix in ("yaml", "yml"):  # the loader reads both
        pattern = f"{prefix}**/*.{suffix} merge={DRIVER}"
        if pattern not in existing.splitlines():
            existing += ("" if not existing or existing.endswith("\n") else "\n") + pattern + "\n"
            notes.append(f"{pattern!r} added to .gitattributes (commit it, so the whole team's clones use it)")
    attributes.write_text(existing, encoding="utf-8")
    return notes


def configured_workspaces(top: Path) -> list[str]:
    """The workspace folders `git-setup` registered in this clone (paths inside the repository)."""
    return run(top, "config", "--get-all", WORKSPACES_KEY).stdout.splitlines()


def _tree_entries(top: Path, commit: str, folders: list[str]) -> list[tuple[str, str, str]]:
    """(mode, blob, path) of every file under `folders` in `commit` (submodules left out)."""
    done = run(top, "ls-tree", "-r", "-z", "--full-tree", commit, "--", *folders)
    if done.returncode != 0:
        raise EditRefused.of(Code.GIT_FAILED, f"git could not list the files of {commit[:12]}: "
                             f"{done.stderr.strip()}", "check the clone ('git fsck'); fetch again")
    entries = []
    for record in filter(None, done.stdout.split("\0")):
        meta, path = record.split("\t", 1)
        mode, kind, blob = meta.split()
        if kind == "blob":
            entries.append((mode, blob, path))
    return entries


def _blobs(top: Path, names: list[str]) -> list[bytes]:
    """The contents of the given blobs, in one `git cat-file --batch`."""
    done = run_git(top, "cat-file", "--batch", text=False, stdin="".join(f"{n}\n" for n in names).encode())
    out, at = [], 0
    for _ in names:
        header_end = done.stdout.index(b"\n", at)
        size = int(done.stdout[at:header_end].split()[2])
        out.append(done.stdout[header_end + 1:header_end + 1 + size])
        at = header_end + 1 + size + 1
    return out


@contextlib.contextmanager
def tree_at(top: Path, commit: str, folders: list[str]) -> Iterator[Path | None]:
    """The given folders of the repository as they are in `commit`, in a scratch folder laid out as the
    repository is (None: none of them is in the commit). Read from git's objects, every file as it is
    (no export filter, attribute or link followed: a link is made again as a link, for the loader to
    judge); a commit git cannot read is a refusal, never an empty tree."""
    entries = _tree_entries(top, commit, folders)
    with tempfile.TemporaryDirectory() as scratch:
        if not entries:
            yield None
            return
        root = Path(scratch).resolve()
        try:
            contents = _blobs(top, [blob for _, blob, _ in entries])
        except (OSError, GitTimeout, ValueError, IndexError) as err:
            raise EditRefused.of(Code.GIT_FAILED, f"git could not read the files of {commit[:12]}: {err}",
                                 "check the clone ('git fsck'); fetch again") from None
        for (mode, _, path), content in zip(entries, contents, strict=True):
            target = root / path
            if not target.parent.resolve().is_relative_to(root):
                continue  # git stores no such path; a crafted tree gets nothing written outside
            target.parent.mkdir(parents=True, exist_ok=True)
            if mode == "120000":
                os.symlink(os.fsdecode(content), target)
            else:
                target.write_bytes(content)
        yield root


@contextlib.contextmanager
def workspace_at(data: Path, commit: str) -> Iterator[Path | None]:
    """The workspace folder as it was in `commit`, in a scratch folder (None: it did not exist)."""
    top = repository_top(data)
    folder = workspace_folder(data, top)
    with tree_at(top, commit, [folder]) as scratch:
        yield None if scratch is None else scratch / folder
