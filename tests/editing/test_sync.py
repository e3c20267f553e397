"""`sync` and the push check through real git: a bare origin and set-up clones (tests/editing/conftest.py).

Each test is one way the team's copy could be broken or left half-merged, tried as an analyst would
(the CLI, `git commit`, `git push`), and the guarantee that stops it: nothing reaches the origin
unchecked, a refused merge is undone, a stopped merge leaves nothing behind."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from indicators.cli import main
from indicators.editing import git as git_module
from indicators.workspace.load import load_workspace

from tests.editing.conftest import git

CORE = Path("data") / "indicators" / "core.yaml"


def _cli(*args: str) -> None:
    assert main(list(args)) == 0, args


def _origin_file(clones: dict[str, Path], path: Path = CORE) -> str:
    return git(clones["origin"], "show", f"main:{path.as_posix()}")


def _origin_valid(clones: dict[str, Path], tmp_path: Path) -> bool:
    """The origin's main, checked out afresh, loads with no error and holds no conflict marker."""
    check = tmp_path / "check"
    if check.exists():
        git(check, "pull", "-q")
    else:
        subprocess.run(["git", "clone", "-q", str(clones["origin"]), str(check)], check=True, capture_output=True)
    marked = git(check, "grep", "-n", "-E", "^(<<<<<<<|>>>>>>>)", ok=False)
    return not marked and load_workspace(check / "data").errors == []


def _withdraw_both(clones: dict[str, Path]) -> None:
    """Carol and Bob withdraw TT-01.2 for different reasons; Carol syncs first: Bob's pull conflicts."""
    for name, reason in (("carol", "Retracted"), ("bob", "Duplicate")):
        _cli("withdraw", "TT-01.2", "--data", str(clones[name] / "data"), "--date", "2024-03-10", "--reason", reason,
             "--analyst", name)
    _cli("sync", "--data", str(clones["carol"] / "data"), "--analyst", "Carol")


def test_sync_refuses_to_push_markers_committed_by_following_the_conflict_hint(clones, tmp_path, capsys) -> None:
    """Finding 1: after a conflict the analyst runs 'git add' and 'git commit' with the markers still in
    the file; the next sync finds them in the commit to be pushed and pushes nothing."""
    bob = clones["bob"]
    _withdraw_both(clones)
    assert main(["sync", "--data", str(bob / "data"), "--analyst", "Bob"]) == 1
    err = capsys.readouterr().err
    assert "conflicts in data/indicators/core.yaml" in err and "git merge --abort" in err
    assert "<<<<<<<" in (bob / CORE).read_text()
    git(bob, "add", "data/indicators/core.yaml")
    git(bob, "commit", "-q", "--no-edit")
    origin_before = git(clones["origin"], "rev-parse", "main")
    assert main(["sync", "--data", str(bob / "data"), "--analyst", "Bob"]) == 1
    err = capsys.readouterr().err
    assert "data/indicators/core.yaml:" in err and "conflict-marker" not in err  # the message, not the slug
    assert "conflict marker '<<<<<<<' in the commit to be pushed" in err and "nothing was pushed" in err
    assert git(clones["origin"], "rev-parse", "main") == origin_before
    assert _origin_valid(clones, tmp_path)


def test_sync_refuses_an_invalid_hand_edit_committed_by_hand(clones, tmp_path, capsys) -> None:
    """Finding 1: 'git commit -am' of a broken hand edit, then sync: refused, located, nothing pushed."""
    ann = clones["ann"]
    core = ann / CORE
    core.write_text(core.read_text().replace("reliability: B", "reliability: Z", 1))
    git(ann, "commit", "-q", "-am", "quick fix")
    head, origin_before = git(ann, "rev-parse", "HEAD"), git(clones["origin"], "rev-parse", "main")
    assert main(["sync", "--data", str(ann / "data"), "--analyst", "Ann"]) == 1
    err = capsys.readouterr().err
    assert "data/indicators/core.yaml:" in err and "'Z'" in err and "the commits to be pushed" in err
    assert git(ann, "rev-parse", "HEAD") == head  # the analyst's commit is kept, to be fixed
    assert git(clones["origin"], "rev-parse", "main") == origin_before
    assert _origin_valid(clones, tmp_path)
    core.write_text(core.read_text().replace("reliability: Z", "reliability: B", 1))
    git(ann, "commit", "-q", "-am", "fixed")
    _cli("sync", "--data", str(ann / "data"), "--analyst", "Ann")
    assert git(clones["origin"], "rev-parse", "main") == git(ann, "rev-parse", "HEAD")


def test_a_refused_merge_is_undone_and_a_second_sync_refuses_again(clones, tmp_path, capsys) -> None:
    """Finding 2: two clones add XX-01 in different theme files. Each file merges cleanly, so git
    commits the merge; the workspace then has a duplicate id. Sync undoes the merge (the clone back
    on its own commit, nothing pushed) and the next sync refuses the same way."""
    ann, bob = clones["ann"], clones["bob"]
    for clone, theme in ((ann, "alpha"), (bob, "beta")):
        _cli("add-indicator", "XX-01", "--data", str(clone / "data"), "--date", "2024-03-01", "--theme", theme,
             "--title", f"{theme} watch", "--criteria", "Seen.", "--rate", "AA=L", "--rate", "BB=U",
             "--analyst", clone.name)
    _cli("sync", "--data", str(ann / "data"), "--analyst", "Ann")
    origin_after_ann = git(clones["origin"], "rev-parse", "main")
    for attempt in (1, 2):
        assert main(["sync", "--data", str(bob / "data"), "--analyst", "Bob"]) == 1
        err = capsys.readouterr().err
        assert "XX-01" in err and "already used" in err and "the merge was undone" in err, attempt
        assert git(bob, "rev-parse", "-q", "--verify", "MERGE_HEAD", ok=False) == ""
        assert git(bob, "log", "-1", "--format=%s").startswith("Workspace changes by Bob")  # no merge commit
        assert git(bob, "status", "--porcelain") == ""
        assert git(clones["origin"], "rev-parse", "main") == origin_after_ann
    assert (bob / "data" / "indicators" / "beta.yaml").exists()  # Bob's own commit is kept
    assert _origin_valid(clones, tmp_path)


def test_a_plain_git_push_runs_the_check_through_the_hook(clones, tmp_path, capsys) -> None:
    """'git push' without sync: the pre-push hook that git-setup installed refuses markers and new
    errors, and lets a valid commit through."""
    ann = clones["ann"]
    hook = Path(git(ann, "rev-parse", "--git-path", "hooks").strip())
    hook = (hook if hook.is_absolute() else ann / hook) / "pre-push"
    assert "check-push" in hook.read_text() and hook.stat().st_mode & 0o111
    core = ann / CORE
    original = core.read_text()
    core.write_text(original.replace("      - id: TT-01.2\n", "<<<<<<< ours\n      - id: TT-01.2\n", 1))
    git(ann, "commit", "-q", "-am", "oops")
    done = subprocess.run(["git", "-C", str(ann), "push", "-q"], capture_output=True, text=True, check=False)
    assert done.returncode != 0
    assert "data/indicators/core.yaml:" in done.stderr and "conflict marker" in done.stderr
    assert "<<<<<<<" not in _origin_file(clones)
    core.write_text(original.replace("Second sighting.", "Second sighting, confirmed.", 1))
    git(ann, "commit", "-q", "-am", "fixed")
    git(ann, "push", "-q")
    assert "Second sighting, confirmed." in _origin_file(clones)
    assert _origin_valid(clones, tmp_path)


def test_check_push_by_hand_says_whether_head_may_be_pushed(clones, capsys) -> None:
    ann = clones["ann"]
    _cli("check-push", "--data", str(ann / "data"))
    assert "may be pushed" in capsys.readouterr().out
    (ann / "data" / "indicators" / "extra.yaml").write_text("theme: extra\nindicators:\n  - id: [\n")
    git(ann, "add", ".")
    git(ann, "commit", "-q", "-m", "broken file")
    assert main(["check-push", "--data", str(ann / "data")]) == 1
    err = capsys.readouterr().err
    assert "data/indicators/extra.yaml:" in err and "refused" in err


def test_an_error_the_remote_already_has_does_not_block_a_push(clones, capsys) -> None:
    """Only new errors are refused: a team whose copy is already broken can still push other work (and
    the fix)."""
    ann, bob = clones["ann"], clones["bob"]
    core = ann / CORE
    core.write_text(core.read_text().replace("reliability: B", "reliability: Z", 1))
    git(ann, "commit", "-q", "-am", "broken")
    git(ann, "push", "-q", "--no-verify")  # someone skipped the hook
    git(bob, "pull", "-q")
    _cli("record", "TT-02", "--data", str(bob / "data"), "--date", "2024-03-04", "--summary", "Ships in port",
         "--source", "Wire", "--reliability", "C", "--credibility", "3", "--analyst", "Bob")
    _cli("sync", "--data", str(bob / "data"), "--analyst", "Bob")  # local changes on a broken base
    assert "Ships in port" in _origin_file(clones)


def test_a_merge_that_does_not_finish_is_stopped_with_nothing_left_behind(clones, monkeypatch, capsys) -> None:
    """Finding 4: a merge driver that hangs. Sync stops git and the driver after INDICATORS_SYNC_TIMEOUT,
    says so, and puts the clone back as it was: no merge in progress, no stray .merge_file_*, no
    process left running. With the real driver back, the next sync merges."""
    ann, bob = clones["ann"], clones["bob"]
    for clone, summary in ((ann, "Trains"), (bob, "Ships")):
        _cli("record", "TT-01", "--data", str(clone / "data"), "--date", "2024-03-05", "--summary", summary,
             "--source", "Wire", "--reliability", "B", "--credibility", "2", "--analyst", clone.name)
    _cli("sync", "--data", str(ann / "data"), "--analyst", "Ann")
    marker = "31.4159"
    monkeypatch.setattr(git_module, "driver_command", lambda: f"sh -c 'sleep {marker}' %O %A %B %P")
    monkeypatch.setenv("INDICATORS_SYNC_TIMEOUT", "2")
    assert main(["sync", "--data", str(bob / "data"), "--analyst", "Bob"]) == 1
    err = capsys.readouterr().err
    assert "did not finish within 2 s" in err and "back as it was before the pull" in err
    assert "check that git is installed" not in err
    assert git(bob, "rev-parse", "-q", "--verify", "MERGE_HEAD", ok=False) == ""
    assert git(bob, "status", "--porcelain", "--untracked-files=all") == ""
    assert not list(bob.glob(".merge_file_*"))
    left = subprocess.run(["pgrep", "-f", f"sleep {marker}"], capture_output=True, text=True, check=False)
    assert left.stdout.strip() == ""
    assert git(bob, "log", "-1", "--format=%s").startswith("Workspace changes by Bob")
    monkeypatch.undo()
    _cli("sync", "--data", str(bob / "data"), "--analyst", "Bob")
    merged = _origin_file(clones)
    assert "Trains" in merged and "Ships" in merged


def test_stray_merge_files_of_an_earlier_stopped_merge_do_not_block_sync(clones, capsys) -> None:
    ann = clones["ann"]
    (ann / ".merge_file_a1b2c3").write_text("left by a killed git")
    _cli("sync", "--data", str(ann / "data"), "--analyst", "Ann")
    assert not (ann / ".merge_file_a1b2c3").exists()
    assert "temporary file" in capsys.readouterr().err


def test_the_conflict_hint_leads_to_a_safe_push(clones, tmp_path, capsys) -> None:
    """Follow the conflict hint properly: edit between the markers, 'git add', 'git commit', sync: pushed,
    and the origin is valid. Or 'git merge --abort': the clone is as before the pull."""
    bob = clones["bob"]
    _withdraw_both(clones)
    assert main(["sync", "--data", str(bob / "data"), "--analyst", "Bob"]) == 1
    capsys.readouterr()
    git(bob, "merge", "--abort")  # back on Bob's own commit, which sync made before the pull
    assert git(bob, "log", "-1", "--format=%s").startswith("Workspace changes by Bob")
    assert git(bob, "status", "--porcelain") == ""
    assert main(["sync", "--data", str(bob / "data"), "--analyst", "Bob"]) == 1
    text = (bob / CORE).read_text()
    start, middle, end = text.index("<<<<<<<"), text.index("======="), text.index(">>>>>>>")
    theirs = text[middle:end].split("\n", 1)[1]
    resolved = text[:start] + theirs + text[end:].split("\n", 1)[1]
    (bob / CORE).write_text(resolved)
    git(bob, "add", "data/indicators/core.yaml")
    git(bob, "commit", "-q", "--no-edit")
    _cli("sync", "--data", str(bob / "data"), "--analyst", "Bob")
    assert "Pushed." in capsys.readouterr().out
    assert _origin_valid(clones, tmp_path)


@pytest.mark.parametrize("existing", ["#!/bin/sh\necho mine\n"])
def test_git_setup_never_overwrites_a_hook_of_someone_elses(tmp_path: Path, existing: str, capsys) -> None:
    repo = tmp_path / "repo"
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    hook = repo / ".git" / "hooks" / "pre-push"
    hook.parent.mkdir(parents=True, exist_ok=True)
    hook.write_text(existing)
    (repo / "data").mkdir()
    _cli("git-setup", "--data", str(repo / "data"))
    assert hook.read_text() == existing
    assert "is not ours: add this line" in capsys.readouterr().out


def test_an_edit_made_while_a_merge_is_stopped_is_kept_in_the_stash(clones, monkeypatch, capsys) -> None:
    """The clone is put back by force after a stopped merge: whatever the work tree held then (here a
    line written while the merge ran) is set aside in git's stash, not thrown away."""
    ann, bob = clones["ann"], clones["bob"]
    for clone, summary in ((ann, "Trains"), (bob, "Ships")):
        _cli("record", "TT-01", "--data", str(clone / "data"), "--date", "2024-03-05", "--summary", summary,
             "--source", "Wire", "--reliability", "B", "--credibility", "2", "--analyst", clone.name)
    _cli("sync", "--data", str(ann / "data"), "--analyst", "Ann")
    monkeypatch.setattr(git_module, "driver_command",
                        lambda: "sh -c 'echo \"# UNSAVED\" >> data/workspace.yaml; sleep 27.1828' %O %A %B %P")
    monkeypatch.setenv("INDICATORS_SYNC_TIMEOUT", "2")
    assert main(["sync", "--data", str(bob / "data"), "--analyst", "Bob"]) == 1
    assert "kept in git's stash" in capsys.readouterr().err
    assert "# UNSAVED" in git(bob, "stash", "show", "-p", "stash@{0}")
    assert git(bob, "status", "--porcelain") == ""


def test_a_module_named_like_the_board_in_the_repository_cannot_stand_in_for_the_check(clones) -> None:
    """git runs the hook and the driver at the repository's top: a committed indicators.py there must
    not replace the board's package (python -P)."""
    ann = clones["ann"]
    (ann / "indicators.py").write_text("import sys\nsys.exit(0)\n")
    core = ann / CORE
    core.write_text(core.read_text() + "broken: [\n")
    git(ann, "add", ".")
    git(ann, "commit", "-q", "-m", "stand-in")
    done = subprocess.run(["git", "-C", str(ann), "push", "-q"], capture_output=True, text=True, check=False)
    assert done.returncode != 0 and "data/indicators/core.yaml:" in done.stderr
    assert "broken: [" not in _origin_file(clones)


def test_files_marked_export_ignore_are_checked_all_the_same(clones) -> None:
    ann = clones["ann"]
    core = ann / CORE
    core.write_text(core.read_text() + "broken: [\n")
    with (ann / ".gitattributes").open("a") as attributes:
        attributes.write("data/indicators/core.yaml export-ignore\n")
    git(ann, "commit", "-q", "-am", "hidden")
    done = subprocess.run(["git", "-C", str(ann), "push", "-q"], capture_output=True, text=True, check=False)
    assert done.returncode != 0 and "data/indicators/core.yaml:" in done.stderr


def test_a_second_error_worded_as_one_already_there_is_new(clones, capsys) -> None:
    """The remote already has one 'reliability Z' error; a second, in another entry, is refused."""
    ann = clones["ann"]
    core = ann / CORE
    core.write_text(core.read_text().replace("reliability: B", "reliability: Z", 1))
    git(ann, "commit", "-q", "-am", "first")
    git(ann, "push", "-q", "--no-verify")
    text = core.read_text()
    core.write_text(text.replace("reliability: C", "reliability: Z", 1))
    git(ann, "commit", "-q", "-am", "second")
    assert main(["check-push", "--data", str(ann / "data")]) == 1
    assert "'Z'" in capsys.readouterr().err


def test_sync_with_a_relative_data_folder_compares_errors_the_same(clones, monkeypatch, capsys) -> None:
    """An error the remote already has is not new whether --data is given as '.' or as a full path."""
    ann, bob = clones["ann"], clones["bob"]
    core = ann / CORE
    core.write_text(core.read_text().replace("reliability: B", "reliability: Z", 1))
    git(ann, "commit", "-q", "-am", "broken")
    git(ann, "push", "-q", "--no-verify")
    git(bob, "pull", "-q")
    with (bob / "data" / "workspace.yaml").open("a") as meta:
        meta.write("# a note\n")
    monkeypatch.chdir(bob / "data")
    _cli("sync", "--data", ".", "--analyst", "Bob")
    assert "# a note" in _origin_file(clones, Path("data") / "workspace.yaml")


def test_a_link_in_the_workspace_is_judged_by_the_loader_not_a_traceback(clones, capsys) -> None:
    ann = clones["ann"]
    (ann / "data" / "indicators" / "link.yaml").symlink_to("/etc/hostname")
    git(ann, "add", ".")
    git(ann, "commit", "-q", "-m", "link")
    assert main(["check-push", "--data", str(ann / "data")]) == 1
    err = capsys.readouterr().err
    assert "data/indicators/link.yaml" in err and "Traceback" not in err


def test_a_workspace_folder_the_commit_lost_refuses_the_push(clones, capsys) -> None:
    """The registered folder moved: the check cannot read it, so the push is refused (fails closed)."""
    ann = clones["ann"]
    git(ann, "mv", "data", "ws")
    core = ann / "ws" / "indicators" / "core.yaml"
    core.write_text(core.read_text() + "broken: [\n")
    git(ann, "commit", "-q", "-am", "moved")
    done = subprocess.run(["git", "-C", str(ann), "push", "-q"], capture_output=True, text=True, check=False)
    assert done.returncode != 0 and "not in the commit to be pushed" in done.stderr


def test_a_hooks_path_in_the_work_tree_gets_no_hook_and_does_not_block_sync(clones, capsys) -> None:
    ann = clones["ann"]
    git(ann, "config", "core.hooksPath", ".githooks")
    _cli("sync", "--data", str(ann / "data"), "--analyst", "Ann")
    assert "core.hooksPath points outside" in capsys.readouterr().err
    assert not (ann / ".githooks").exists()
