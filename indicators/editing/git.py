"""Git for a workspace kept in a repository: is it in one, and commit a saved edit."""

from __future__ import annotations

import subprocess
from pathlib import Path

from indicators.editing.updates import Edit, EditRefused
from indicators.workspace.problems import Problem

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


def _refuse(code: str, message: str, hint: str, path: str = "input") -> EditRefused:
    return EditRefused([Problem(path, 0, 0, code, message, hint)])


def git_commit(edit: Edit, analyst: str) -> str:
    """Commit the edited file if the workspace is in a git repository; returns the commit message."""
    folder = edit.path.parent
    if not in_git_repository(folder):
        raise _refuse("not-a-repository", f"{folder} is not in a git repository", "run 'git init' or drop --commit")
    message = f"{edit.kind.capitalize()} {edit.new_id} ({edit.subject}) by {analyst}"
    for args in (("add", "--", edit.path.name),
                 ("commit", "-q", "-m", message, "-m", f"Analyst: {analyst}", "--", edit.path.name)):
        try:
            done = _git(folder, *args)
        except (OSError, subprocess.SubprocessError) as err:
            raise _refuse("git-failed", f"the change was saved but not committed: {err}", "commit it by hand",
                          str(edit.path)) from None
        if done.returncode != 0:
            raise _refuse("git-failed", f"the change was saved but not committed: {done.stderr.strip()}",
                          "commit it by hand", str(edit.path))
    return message
