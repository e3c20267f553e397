"""What may reach the team's remote: the check `sync` makes before it pushes, and the pre-push hook
(`indicators check-push`) makes for a plain `git push`.

The check reads the exact commit about to be pushed from git's objects, not the work tree: every
workspace folder of the clone is read as it stands in that commit and must have no error that the
remote's commit does not already have (a team never pushes a new break; an old one is not the
pusher's to fix first), and no file in the commit holds a conflict marker where it differs from the
remote's. It fails closed: a commit git cannot read, a search that fails, or a registered workspace
folder that the commit no longer holds refuses the push.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from indicators import settings
from indicators.editing.git import configured_workspaces, run, tree_at
from indicators.editing.updates import EditRefused
from indicators.workspace.load import load_workspace
from indicators.workspace.problems import Code, Problem

# The lines git writes around a conflict ("=======" alone is a Markdown heading rule as well).
MARKER = r"^(<<<<<<<|>>>>>>>|\|\|\|\|\|\|\|)( |$)"


@dataclass(frozen=True)
class Outgoing:
    """One ref a push would update: the commit it would send and the remote's commit (None: a new
    ref, or one this clone has not fetched)."""

    commit: str
    remote: str | None


def _zero(sha: str) -> bool:
    """git's "no commit" (all zeros, whatever the hash's length)."""
    return set(sha) == {"0"}


def _exists(top: Path, commit: str | None) -> bool:
    return bool(commit) and not _zero(commit or "0") \
        and run(top, "cat-file", "-e", f"{commit}^{{commit}}").returncode == 0


def baseline(top: Path, outgoing: Outgoing, remote_name: str | None = None) -> str | None:
    """The commit to compare a pushed commit with: the remote's, when this clone has it; else the
    nearest commit the pushed one shares with what this clone knows of the remote (a new branch
    starts from one); None when it shares none (then every error counts)."""
    if outgoing.remote and _exists(top, outgoing.remote):
        return outgoing.remote
    pattern = f"refs/remotes/{remote_name}/" if remote_name else "refs/remotes/"
    known = run(top, "for-each-ref", "--format=%(objectname)", pattern).stdout.split()
    bases = set()
    for ref in dict.fromkeys(known):
        found = run(top, "merge-base", outgoing.commit, ref)
        if found.returncode == 0 and found.stdout.strip():
            bases.add(found.stdout.strip())
    if not bases:
        return None
    # the nearest: the one fewest commits behind what is pushed
    return min(bases, key=lambda b: int(run(top, "rev-list", "--count", f"{b}..{outgoing.commit}").stdout or 0))


def _markers(top: Path, commit: str, base: str | None, folders: list[str]) -> list[Problem]:
    """Conflict markers in the commit: anywhere in a workspace folder, and in any other file it changes
    (every file when there is nothing to compare with)."""
    changed: set[str] | None = None
    if base is not None:
        diff = run(top, "diff", "--name-only", "-z", base, commit)
        if diff.returncode != 0:
            raise EditRefused.of(Code.GIT_FAILED, f"git diff failed: {diff.stderr.strip()}", "check the clone")
        changed = set(diff.stdout.split("\0")) - {""}
    done = run(top, "grep", "-I", "-n", "-z", "--column", "-E", MARKER, commit, "--")
    if done.returncode not in (0, 1):  # 1: nothing found
        raise EditRefused.of(Code.GIT_FAILED, f"git grep failed: {done.stderr.strip()}", "check the clone")
    found = []
    for line in done.stdout.splitlines():
        parts = line.split("\0")  # commit:path, line, column, text (-z: NUL between the fields)
        if len(parts) < 4:
            continue
        path = parts[0].split(":", 1)[1]
        inside = any(folder == "." or path.startswith(folder + "/") for folder in folders)
        if not inside and changed is not None and path not in changed:
            continue
        found.append(Problem(path, int(parts[1]), int(parts[2]), Code.CONFLICT_MARKER,
                             f"conflict marker {parts[3].strip()[:7]!r} in the commit to be pushed"))
    return found


def error_key(problem: Problem, root: Path | str) -> tuple[str, str, str]:
    """A problem as the same whichever folder the workspace was read from (`root`, as given to the
    loader), and wherever its line moved: to tell the errors a change brings from those already there."""
    prefixes = {f"{Path(root).resolve()}/"}
    if str(root) not in ("", "."):
        prefixes.add(f"{str(root).rstrip('/')}/")
    pattern = re.compile(r"(?<![\w./-])(" + "|".join(re.escape(p) for p in sorted(prefixes, key=len, reverse=True))
                         + ")")

    def strip(text: str) -> str:
        return pattern.sub("", text)

    return str(problem.code), strip(problem.path), re.sub(r":\d+(:\d+)?\b", "", strip(problem.message))


def new_errors(mine: list[Problem], mine_root: Path | str, theirs: list[Problem], theirs_root: Path | str) \
        -> list[Problem]:
    """The errors of `mine` that `theirs` does not have, counted: a second error worded as one already
    there is new too (the same key more often than before: every error of that key is shown)."""
    before = Counter(error_key(p, theirs_root) for p in theirs)
    now = Counter(error_key(p, mine_root) for p in mine)
    return [p for p in mine if now[key := error_key(p, mine_root)] > before[key]]


def _relocated(problem: Problem, scratch: Path) -> Problem:
    """The problem named by the file's path in the repository, not the scratch folder's."""
    where = f"{scratch}/"
    return Problem(problem.path.replace(where, ""), problem.line, problem.column, problem.code,
                   problem.message.replace(where, ""), problem.hint, problem.severity)


def check_commit(top: Path, outgoing: Outgoing, folders: Iterable[str], today: dt.date | None = None,
                 remote_name: str | None = None) -> list[Problem]:
    """The problems that forbid pushing `outgoing.commit`: conflict markers, a registered workspace
    folder the commit lost, and errors in a workspace folder that the baseline commit (the remote's)
    does not have. Paths are the repository's."""
    folders = list(folders)
    today = today or dt.date.today()
    base = baseline(top, outgoing, remote_name)
    problems = _markers(top, outgoing.commit, base, folders)
    for folder in folders:
        with tree_at(top, outgoing.commit, [folder]) as mine, \
                (tree_at(top, base, [folder]) if base else contextlib.nullcontext()) as theirs:
            if mine is None:
                if theirs is not None:
                    problems.append(Problem(folder, 0, 0, Code.PUSH_REFUSED,
                                            f"the workspace folder {folder} is not in the commit to be pushed "
                                            "(moved or deleted?), so it cannot be checked",
                                            "if it moved, run 'indicators git-setup --data NEW-FOLDER' and "
                                            f"'git config --unset-all indicators.workspace {folder}'"))
                continue
            ws = load_workspace(mine / folder, today=today)
            known = load_workspace(theirs / folder, today=today).errors if theirs is not None else []
            problems += [_relocated(p, mine) for p in new_errors(ws.errors, mine / folder, known,
                                                                  theirs / folder if theirs else ".")]
    return problems


def read_hook_input(lines: Iterable[str]) -> list[Outgoing]:
    """The refs git's pre-push hook is given on standard input ("local-ref local-sha remote-ref
    remote-sha" per line); a deleted ref sends nothing and is left out."""
    out = []
    for line in lines:
        fields = line.split()
        if len(fields) != 4 or _zero(fields[1]):
            continue
        out.append(Outgoing(fields[1], None if _zero(fields[3]) else fields[3]))
    return out


def check_push(top: Path, outgoing: list[Outgoing], folders: list[str] | None = None,
               remote_name: str | None = None) -> list[Problem]:
    """The problems of every ref of a push, in the clone's registered workspace folders (git-setup);
    none in a repository that registered none."""
    folders = folders if folders is not None else configured_workspaces(top)
    if not folders:
        return []
    found: dict[Problem, None] = {}
    for ref in outgoing:
        found.update(dict.fromkeys(check_commit(top, ref, folders, remote_name=remote_name)))
    return list(found)


def hook_may_skip(commits: list[str]) -> bool:
    """True when every commit of a push is the one `sync` has just checked (its own push)."""
    checked = settings.PUSH_CHECKED.get()
    return bool(checked) and bool(commits) and all(commit == checked for commit in commits)
