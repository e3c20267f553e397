"""Git for a workspace kept in a repository: is it in one, and commit a saved edit."""

from __future__ import annotations

import subprocess
from pathlib import Path

from indicators.editing.updates import Edit, EditRefused
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
