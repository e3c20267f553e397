"""The team's shared record under random use: two clones of one origin, each step an analyst's action
in one clone (record, withdraw, retire, add an indicator, import, a valid or broken hand edit, a
hand commit, committing a conflict with its markers, giving up on a merge, a plain `git push`), each
followed by `sync` in that clone. Whatever the sequence, the origin always validates, never holds a conflict marker,
and keeps every entry that either clone synced successfully."""

from __future__ import annotations

import contextlib
import io
import subprocess
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indicators.cli import main
from indicators.workspace.load import load_workspace

from tests.editing.conftest import git, make_team

INDICATORS = ("TT-01", "TT-02", "TT-03", "TT-04")
NEW_IDS = ("XX-01", "XX-02")
ACTIONS = ("record", "record", "withdraw", "retire", "add-indicator", "import", "hand-edit", "broken-edit",
           "hand-commit", "commit-markers", "abort", "reset", "push")


def _quiet(*args: str) -> int:
    """The CLI, its output swallowed (hundreds of steps)."""
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        return main(list(args))


def _entries(folder: Path) -> tuple[set[str], set[str]]:
    """The indication summaries and the indicator ids of a workspace: what must never be lost."""
    ws = load_workspace(folder)
    return {o.summary for i in ws.indicators for o in i.indications}, {i.id for i in ws.indicators}


def _merging(clone: Path) -> bool:
    return bool(git(clone, "rev-parse", "-q", "--verify", "MERGE_HEAD", ok=False).strip())


def _act(clone: Path, action: str, n: int, pick: int) -> None:
    """One analyst action in `clone` (it may fail, as a person's may: sync must still hold the line)."""
    data = str(clone / "data")
    who = clone.name
    core = clone / "data" / "indicators" / "core.yaml"
    if action == "record":
        _quiet("record", INDICATORS[pick % 4], "--data", data, "--date", f"2024-03-{1 + pick % 28:02d}",
               "--summary", f"{who} step {n}", "--source", "Wire", "--reliability", "B", "--credibility", "2",
               "--analyst", who)
    elif action == "withdraw":
        _quiet("withdraw", f"{INDICATORS[pick % 4]}.{1 + pick % 3}", "--data", data, "--date", "2024-04-01",
               "--reason", f"{who} step {n}", "--analyst", who)
    elif action == "retire":
        _quiet("retire", INDICATORS[pick % 4], "--data", data, "--date", "2024-04-02", "--reason",
               f"{who} step {n}", "--analyst", who)
    elif action == "add-indicator":
        _quiet("add-indicator", NEW_IDS[pick % 2], "--data", data, "--date", "2024-03-01", "--theme",
               f"{who}-theme", "--title", f"{who} step {n}", "--criteria", "Seen.", "--rate", "AA=L", "--rate",
               "BB=U", "--analyst", who)
    elif action == "import":
        rows = clone.parent / f"{who}-{n}.csv"
        rows.write_text("indicator,date,summary,source,reliability,credibility\n"
                        f"{INDICATORS[pick % 4]},2024-03-0{1 + pick % 9},{who} import {n},Wire,C,3\n")
        _quiet("import", str(rows), "--data", data, "--analyst", who)
    elif action in ("hand-edit", "broken-edit") and not _merging(clone):
        text = core.read_text()
        if action == "hand-edit":
            core.write_text(text.replace("title: Diagnostic for A", f"title: Diagnostic for A ({who} {n})", 1))
        else:
            core.write_text(text.replace("reliability: ", "reliability: Z", 1))
    elif action == "hand-commit" and not _merging(clone):
        git(clone, "commit", "-q", "-am", f"{who} by hand", ok=False)
    elif action == "commit-markers" and _merging(clone):
        git(clone, "add", "-A", ok=False)
        git(clone, "commit", "-q", "--no-edit", ok=False)
    elif action == "abort" and _merging(clone):
        git(clone, "merge", "--abort", ok=False)
    elif action == "push":  # a plain 'git push' of what is committed: the pre-push hook's check
        git(clone, "push", "-q", ok=False)
    elif action == "reset":  # give up on local work: back to the team's copy
        if _merging(clone):
            git(clone, "merge", "--abort", ok=False)
        git(clone, "fetch", "-q", ok=False)
        git(clone, "reset", "-q", "--hard", "@{u}", ok=False)
        git(clone, "clean", "-q", "-fd", ok=False)


steps = st.lists(st.tuples(st.sampled_from(("ann", "bob")), st.sampled_from(ACTIONS), st.integers(0, 50)),
                 min_size=3, max_size=7)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(sequence=steps)
def test_the_origin_always_validates_and_keeps_what_was_synced(tmp_path_factory, sequence) -> None:
    root = tmp_path_factory.mktemp("team")
    with contextlib.redirect_stdout(io.StringIO()):
        clones = make_team(root, ("ann", "bob"))
    origin = clones["origin"]
    check = root / "check"
    subprocess.run(["git", "clone", "-q", str(origin), str(check)], check=True, capture_output=True)
    synced_summaries, synced_ids = _entries(check / "data")
    for n, (name, action, pick) in enumerate(sequence):
        clone = clones[name]
        _act(clone, action, n, pick)
        if action == "push" and git(clone, "rev-parse", "HEAD") == git(origin, "rev-parse", "main"):
            synced_summaries |= _entries(clone / "data")[0]  # what the hook let through was synced too
        if _quiet("sync", "--data", str(clone / "data"), "--analyst", name) == 0:
            summaries, ids = _entries(clone / "data")
            synced_summaries |= summaries
            synced_ids |= ids
        git(check, "pull", "-q")
        assert git(check, "grep", "-n", "-E", "^(<<<<<<<|>>>>>>>)", ok=False) == "", (n, sequence)
        assert load_workspace(check / "data").errors == [], (n, sequence)
        summaries, ids = _entries(check / "data")
        assert synced_summaries <= summaries, (n, sequence)
        assert synced_ids <= ids, (n, sequence)
