"""Real git for the team tests: a bare origin holding the tiny workspace under data/, and clones
set up with `git-setup` (merge driver and pre-push hook)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from indicators.cli import main

from tests.conftest import FIXTURES


def git(folder: Path, *args: str, ok: bool = True) -> str:
    """Run git in `folder`; with `ok`, fail the test when git fails."""
    done = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, check=False)
    if ok:
        assert done.returncode == 0, (args, done.stdout, done.stderr)
    return done.stdout


def make_team(root: Path, names: tuple[str, ...] = ("ann", "bob", "carol"), fixture: str = "tiny") \
        -> dict[str, Path]:
    """An origin repository (bare, `origin.git`) holding a fixture workspace under data/, and a set-up
    clone per name."""
    origin = root / "origin.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(origin)], check=True)
    seed = root / "seed"
    subprocess.run(["git", "clone", "-q", str(origin), str(seed)], check=True, capture_output=True)
    shutil.copytree(FIXTURES / fixture, seed / "data")
    for key, value in (("user.name", "Seed"), ("user.email", "seed@example.org")):
        git(seed, "config", key, value)
    assert main(["git-setup", "--data", str(seed / "data")]) == 0  # .gitattributes committed for the team
    git(seed, "add", ".")
    git(seed, "commit", "-q", "-m", "Workspace")
    git(seed, "push", "-q", "-u", "origin", "main")
    clones = {"origin": origin}
    for name in names:
        clone = root / name
        subprocess.run(["git", "clone", "-q", str(origin), str(clone)], check=True, capture_output=True)
        for key, value in (("user.name", name.title()), ("user.email", f"{name}@example.org"),
                           ("pull.rebase", "false")):
            git(clone, "config", key, value)
        assert main(["git-setup", "--data", str(clone / "data")]) == 0
        clones[name] = clone
    return clones


@pytest.fixture
def clones(tmp_path: Path) -> dict[str, Path]:
    """Three set-up clones (ann, bob, carol) of one origin (`clones["origin"]`)."""
    return make_team(tmp_path)
