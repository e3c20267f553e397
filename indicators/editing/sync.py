"""`indicators sync`: commit the workspace's changes, merge the team's (with the merge driver), check
the exact commit about to be pushed, and push it.

What it guarantees (the README's "Working as a team" says the same):
- nothing invalid is committed: local changes that bring new errors are refused before any commit;
- nothing unchecked is pushed: the commit to be pushed must pass `outgoing.check_commit` (no
  conflict marker, no error the remote's commit does not have), whether it came from this sync,
  an earlier one or a hand `git commit`;
- a merge it refuses leaves nothing behind: the clone goes back to its commit before the pull,
  with its own commits kept;
- a merge that does not finish in time is stopped with every process it started, and the clone
  goes back to its commit before the pull, with no stray files;
- a merge that conflicts is left for the analyst with markers in the files, and both ways on
  from there are safe: resolve and sync again (checked before pushing), or `git merge --abort`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from indicators import settings
from indicators.editing.git import (
    configured_workspaces,
    git_setup,
    repository_top,
    run,
    workspace_at,
    workspace_folder,
)
from indicators.editing.outgoing import Outgoing, check_commit, new_errors
from indicators.editing.updates import EditRefused
from indicators.workspace.load import Workspace, load_workspace
from indicators.workspace.problems import Code, Problem


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


CONFLICT_HINT = (Code.MERGE_CONFLICT.hint + ", 'git commit', and 'indicators sync' again (it checks the result "
                 "before pushing); or 'git merge --abort' to go back to before the pull")


def _changes(top: Path) -> list[str]:
    """The paths of the clone's uncommitted changes, untracked files included (both names of a rename)."""
    done = run(top, "status", "--porcelain", "-z", "--untracked-files=all")
    if done.returncode != 0:
        raise EditRefused.of(Code.GIT_FAILED, f"git status failed: {done.stderr.strip()}", "check the clone")
    return [record[3:] if record[2:3] == " " else record for record in done.stdout.split("\0") if record]


def _no_new_errors(earlier: Path | None, now: Path, what: str) -> None:
    """Refuse when the workspace folder `now` has errors that `earlier` did not have (a broken hand
    edit, conflict markers left in a file): nothing is committed."""
    known = load_workspace(earlier).errors if earlier is not None else []
    new = new_errors(load_workspace(now).errors, now, known, earlier or ".")
    if new:
        raise EditRefused([*new, Problem("input", 0, 0, Code.MERGE_INVALID,
                                         f"{what} would leave the workspace with errors (above); nothing was "
                                         "committed or pushed",
                                         "run 'indicators validate', fix the files, and 'indicators sync' again")])


def _stray_files(top: Path) -> list[Path]:
    """git's temporary merge files, left in the work tree when a merge was stopped."""
    return [path for path in top.glob(".merge_file_*") if path.is_file()]


def _merging(top: Path) -> bool:
    return run(top, "rev-parse", "-q", "--verify", "MERGE_HEAD").returncode == 0


def _git_path(top: Path, name: str) -> Path:
    return Path(run(top, "rev-parse", "--path-format=absolute", "--git-path", name).stdout.strip())


def _undo_merge(top: Path, before: str, merged: str) -> None:
    """Take back the merge commit sync just made: HEAD back on `before`, the work tree's own
    uncommitted changes kept (`reset --keep`); refused, with the way back by hand, when someone moved
    HEAD meanwhile or the reset cannot keep what the work tree holds."""
    head = run(top, "rev-parse", "HEAD").stdout.strip()
    done = run(top, "reset", "-q", "--keep", before) if head == merged else None
    if done is None or done.returncode != 0:
        raise EditRefused.of(Code.GIT_FAILED, f"the refused merge {merged[:12]} could not be undone: "
                             + ("HEAD moved meanwhile" if done is None else done.stderr.strip())
                             + "; nothing was pushed", f"undo it by hand: git reset --keep {before[:12]}")


def _after_stopped_merge(top: Path, before: str) -> str:
    """Put the clone back on `before` after sync stopped a merge by force: the index lock the stopped git
    held and its temporary files removed, no merge in progress. Whatever the work tree held then (the
    merge's half-written files, or an edit made meanwhile) is kept in git's stash first, never lost.
    Returns what to tell the analyst about it."""
    lock = _git_path(top, "index.lock")
    if lock.is_file():
        lock.unlink()  # held by the git process sync has just stopped
    if _merging(top):
        run(top, "merge", "--abort")
    kept = ""
    if run(top, "status", "--porcelain", "--untracked-files=no").stdout.strip():
        snapshot = run(top, "stash", "create", "what the work tree held when sync stopped a merge")
        name = snapshot.stdout.strip()
        if snapshot.returncode != 0 or not name:
            raise EditRefused.of(Code.GIT_FAILED, "the stopped merge left changes in the work tree that could not "
                                 f"be set aside ({snapshot.stderr.strip()}); nothing was pushed",
                                 f"look at 'git status'; 'git reset --merge {before[:12]}' goes back before the pull")
        run(top, "stash", "store", "-m", "indicators sync: the work tree when a merge was stopped", name)
        kept = "; what the work tree held then is kept in git's stash ('git stash list')"
    done = run(top, "reset", "-q", "--hard", before)
    if done.returncode != 0:
        raise EditRefused.of(Code.GIT_FAILED, f"the clone could not be put back on {before[:12]}: "
                             f"{done.stderr.strip()}", f"git reset --merge {before[:12]}")
    for path in _stray_files(top):
        path.unlink()
    return kept


def _refuse_unfinished(top: Path) -> None:
    """Refuse to start while a merge waits for the analyst (its conflicts are theirs to settle)."""
    unmerged = run(top, "diff", "--name-only", "--diff-filter=U").stdout.split()
    if _merging(top) or unmerged:
        raise EditRefused.of(Code.MERGE_CONFLICT, "a merge is in progress" + (f": conflicts in {', '.join(unmerged)}"
                                                                            if unmerged else ""), CONFLICT_HINT)


def _merge(top: Path, before: str, timeout: float) -> None:
    """Merge the upstream branch (fetched) into HEAD with the merge driver; a stopped merge puts the
    clone back on `before`, a conflict is left in the files for the analyst, with the driver's reasons."""
    try:
        done = run(top, "merge", "--no-edit", "-q", "@{u}", timeout=timeout)
    except EditRefused as late:
        if late.problems[0].code != Code.GIT_TIMEOUT:
            raise
        kept = _after_stopped_merge(top, before)
        raise EditRefused.of(Code.GIT_TIMEOUT, f"merging the team's changes did not finish within {timeout:g} s; "
                             "git and the merge driver were stopped and the clone is back as it was before the "
                             f"pull (your commits are kept){kept}; nothing was pushed",
                             "try again; if it stops again, raise INDICATORS_SYNC_TIMEOUT, or merge by hand "
                             "('git pull', resolve, commit) and sync again") from None
    if done.returncode == 0:
        return
    conflicted = run(top, "diff", "--name-only", "--diff-filter=U").stdout.split()
    reasons = [line.removeprefix("indicators merge: ") for line in done.stderr.splitlines()
               if line.startswith("indicators merge: ")]
    if conflicted:
        said = [Problem(reason.split(":", 1)[0], 0, 0, Code.MERGE_CONFLICT, f"the merge driver: {reason}")
                for reason in reasons]
        raise EditRefused([*said, Problem("input", 0, 0, Code.MERGE_CONFLICT, f"the pull stopped: conflicts in "
                                          f"{', '.join(conflicted)}; nothing was pushed", CONFLICT_HINT)])
    if _merging(top):
        run(top, "merge", "--abort")
    detail = done.stderr.strip() or done.stdout.strip() or "git merge failed"
    raise EditRefused.of(Code.GIT_FAILED, f"the team's changes could not be merged: {detail}; the clone is back as "
                         "it was before the pull; nothing was pushed", "read git's message above, then sync again")


def sync(data: Path, analyst: str, *, push: bool = True) -> SyncReport:
    """Commit the workspace's local changes, merge the team's with the merge driver, check the commit
    to be pushed, and push it; what came in is the change between the two workspaces of `incoming`.

    Refused, before anything is committed, when the clone has changes outside the workspace folder,
    is in the middle of a merge, or when its changes would leave the workspace with errors it did not
    have; refused before pushing when the commit to be pushed fails the push check (the merge, if
    any, undone)."""
    top = repository_top(data)
    _refuse_unfinished(top)
    notes = git_setup(data)
    stray = _stray_files(top)
    if stray and not _git_path(top, "index.lock").exists():  # an earlier merge stopped by force
        for path in stray:
            path.unlink()
        notes.append(f"removed {len(stray)} temporary file(s) an earlier stopped merge left ({stray[0].name} …)")
    folder = workspace_folder(data, top)
    inside = "" if folder == "." else folder + "/"
    local = _changes(top)
    unrelated = [path for path in local if not path.startswith(inside) and path != ".gitattributes"]
    if unrelated:
        raise EditRefused.of(Code.UNRELATED_CHANGES, f"local changes outside {folder}: {', '.join(unrelated[:5])}"
                             + (" …" if len(unrelated) > 5 else ""), Code.UNRELATED_CHANGES.hint)
    if run(top, "rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{u}").returncode != 0:
        raise EditRefused.of(Code.NO_UPSTREAM, "this branch has no upstream branch", Code.NO_UPSTREAM.hint)
    committed = None
    if local:
        with workspace_at(data, "HEAD") as head:
            _no_new_errors(head, data, "the workspace's local changes")
    mine = load_workspace(data)  # the workspace as this clone has it: `before` once committed
    if local:
        committed = _commit(top, folder, analyst)
    timeout = settings.SYNC_TIMEOUT_S.get()
    before = run(top, "rev-parse", "HEAD").stdout.strip()
    fetched = run(top, "fetch", "-q", timeout=timeout)
    if fetched.returncode != 0:
        raise EditRefused.of(Code.GIT_FAILED, f"git fetch failed: {fetched.stderr.strip()}; nothing was merged or "
                             "pushed" + (" (your changes are committed)" if committed else ""),
                             "check the remote ('git remote -v') and the network, then sync again")
    _merge(top, before, timeout)
    after = run(top, "rev-parse", "HEAD").stdout.strip()
    remote = run(top, "rev-parse", "@{u}").stdout.strip()
    incoming = None
    if after != before:
        incoming = (mine, load_workspace(data))
    folders = list(dict.fromkeys([folder, *configured_workspaces(top)]))
    problems = check_commit(top, Outgoing(after, remote), folders) if after != remote else []
    if problems:
        merged = after != before
        if merged:
            _undo_merge(top, before, after)
        what = ("the merge of the team's changes with yours" if merged else "the commits to be pushed")
        raise EditRefused([*problems, Problem(
            "input", 0, 0, Code.PUSH_REFUSED,
            f"{what} would bring the problems above to the team's copy; nothing was pushed"
            + ("; the merge was undone: the clone is back as it was before the pull, with your commits" if merged
               else ""),
            "fix the files named above on your side (where your entries clash with the team's, change yours: "
            "another id, say), commit, and sync again")])
    pushed = push and _push(top, after, remote, timeout)
    return SyncReport(committed, before, after, pushed, notes, incoming)


def _commit(top: Path, folder: str, analyst: str) -> str:
    """Commit the workspace folder's local changes in the analyst's name; the commit message."""
    message = f"Workspace changes by {analyst}"
    for args in (("add", "--", folder, ".gitattributes"),
                 ("commit", "-q", "-m", message, "-m", f"Analyst: {analyst}")):
        done = run(top, *args)
        if done.returncode != 0 and "nothing to commit" not in done.stdout:
            raise EditRefused.of(Code.GIT_FAILED, f"git {args[0]} failed: {done.stderr.strip()}",
                                 "commit by hand")
    return message


def _push(top: Path, after: str, remote: str, timeout: float) -> bool:
    """Push the checked commit `after` (nothing to send when the team's copy has it: `remote`); True."""
    if after != remote:
        done = run(top, "push", "-q", timeout=timeout, env={settings.PUSH_CHECKED.name: after})
        if done.returncode != 0:
            behind = "rejected" in done.stderr or "fetch first" in done.stderr
            raise EditRefused.of(Code.GIT_FAILED, f"git push failed: {done.stderr.strip()}",
                                 "the team pushed in the meantime: run 'indicators sync' again" if behind
                                 else "read git's message above, then sync again (your commits are kept)")
    return True  # nothing of ours to send otherwise: the team's copy already has it all
