"""Benchmark the git merge driver: one side added N entries to one indicator, the other one entry.

    python -m benchmarks.merge                 # N = 250, 1,000, 2,000
    python -m benchmarks.merge --entries 5000

Two figures for each N: the driver in this process (`run_driver`: read, merge by identity, validate
the workspace, write), and a real `git pull` in a clone of a bare remote set up with `git-setup`
(git runs the driver as `python -m indicators merge-driver`, a process of its own). Both sides also
take the same id for their first new indication, so the renumbering path runs too.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TINY = ROOT / "tests" / "fixtures" / "tiny"
CORE = Path("indicators") / "core.yaml"


def _entry(k: int, ident: str, who: str) -> str:
    day = dt.date(2024, 3, 1) + dt.timedelta(days=k // 5)  # in date order, as analysts record
    return (f"      - id: {ident}\n        date: {day}\n        summary: {who} sighting {k}.\n        source: Wire\n"
            "        reliability: B\n        credibility: 2\n")


def _added(text: str, entries: str) -> str:
    """The tiny workspace's core.yaml with `entries` after TT-01's last indication."""
    at = text.index("\n", text.index("        unit: launches")) + 1
    return text[:at] + entries + text[at:]


def sides(n: int) -> tuple[str, str, str]:
    """Base, ours (N indications added to TT-01), theirs (one added, under ours' first id)."""
    base = (TINY / CORE).read_text(encoding="utf-8")
    ours = _added(base, "".join(_entry(k, f"TT-01.{k + 3}", "Ann") for k in range(n)))
    theirs = _added(base, _entry(0, "TT-01.3", "Bob"))
    return base, ours, theirs


def in_process(n: int) -> float:
    """Seconds `run_driver` takes on the three versions, in a copy of the tiny workspace."""
    from indicators.editing.merge import run_driver

    work = Path(tempfile.mkdtemp(prefix="indicators-merge-"))
    try:
        shutil.copytree(TINY, work / "data")
        paths = [work / f".merge_file_{name}" for name in ("o", "a", "b")]
        for path, text in zip(paths, sides(n), strict=True):
            path.write_bytes(text.encode("utf-8"))
        start = time.perf_counter()
        outcome = run_driver(*paths, path=str(Path("data") / CORE), root=work)
        seconds = time.perf_counter() - start
        if outcome.conflict:
            raise RuntimeError(f"the merge conflicted: {outcome.messages}")
        return seconds
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _git(folder: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(folder), *args], check=True, capture_output=True)


def through_git(n: int) -> float:
    """Seconds a `git pull` takes that brings one entry into a clone that added N (a bare remote and two
    clones, each set up with `indicators git-setup`)."""
    work = Path(tempfile.mkdtemp(prefix="indicators-merge-git-"))
    env = {**os.environ, "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.org",
           "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@example.org"}
    try:
        remote = work / "remote.git"
        subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(remote)], check=True, capture_output=True)
        clones = {}
        for name in ("ann", "bob"):
            clone = work / name
            subprocess.run(["git", "clone", "-q", str(remote), str(clone)], check=True, capture_output=True)
            _git(clone, "config", "pull.rebase", "false")
            clones[name] = clone
        ann, bob = clones["ann"], clones["bob"]
        shutil.copytree(TINY, ann / "data")
        setup = [sys.executable, "-m", "indicators", "git-setup", "--data"]
        subprocess.run([*setup, str(ann / "data")], check=True, capture_output=True, cwd=ROOT, env=env)
        base, ours, theirs = sides(n)
        subprocess.run(["git", "-C", str(ann), "add", "."], check=True, capture_output=True)
        subprocess.run(["git", "-C", str(ann), "commit", "-q", "-m", "base"], check=True, capture_output=True, env=env)
        _git(ann, "push", "-q", "origin", "main")
        _git(bob, "pull", "-q", "origin", "main")
        subprocess.run([*setup, str(bob / "data")], check=True, capture_output=True, cwd=ROOT, env=env)
        for clone, text in ((ann, ours), (bob, theirs)):
            (clone / "data" / CORE).write_bytes(text.encode("utf-8"))
            subprocess.run(["git", "-C", str(clone), "commit", "-q", "-am", "entries"], check=True,
                           capture_output=True, env=env)
        _git(bob, "push", "-q", "origin", "main")
        start = time.perf_counter()
        done = subprocess.run(["git", "-C", str(ann), "pull", "--no-edit", "origin", "main"], capture_output=True,
                              text=True, env=env, check=False)
        seconds = time.perf_counter() - start
        if done.returncode != 0:
            raise RuntimeError(f"the pull failed: {done.stderr}")
        return seconds
    finally:
        shutil.rmtree(work, ignore_errors=True)


def rows(counts: list[int]) -> list[tuple[str, float, str]]:
    """Benchmark rows (step, seconds, note) for each N: in this process, then through `git pull`."""
    out = []
    for n in counts:
        note = "target <= 2 s" if n == 2000 else ""
        out.append((f"merge driver, one side added {n:,} entries, in-process", in_process(n), note))
    for n in counts:
        note = "target <= 10 s" if n == 2000 else ""
        out.append((f"merge driver, one side added {n:,} entries, git pull", through_git(n), note))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, action="append", help="N (repeatable; default 250, 1000, 2000)")
    args = parser.parse_args(argv)
    found = rows(args.entries or [250, 1000, 2000])
    width = max(len(name) for name, _, _ in found)
    print(f"{'step':<{width}}  {'seconds':>8}  note")
    for name, seconds, note in found:
        print(f"{name:<{width}}  {seconds:>8.3f}  {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
