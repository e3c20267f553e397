"""Merging by identity: the merge driver on texts, then three clones of one repository merging
through git with the driver that `git-setup` installs, and `sync`.

Hand-worked case (tests/fixtures/tiny, core.yaml): TT-01 holds TT-01.1 and TT-01.2. Ann records
"Trains" on 2024-03-05 and Bob "Ships" on 2024-03-04, both as TT-01.3, each with an assessment
citing it. Bob's sorts first (earlier date), so it keeps TT-01.3 and Ann's becomes TT-01.4 — in
both directions of the merge — and Ann's assessment then cites TT-01.4.
"""

from __future__ import annotations

import datetime as dt
import difflib
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indicators.cli import main
from indicators.editing.merge import merge_texts, run_driver
from indicators.workspace.load import load_workspace

from tests.conftest import FIXTURES

CORE = Path("data") / "indicators" / "core.yaml"


def _cli(*args: str) -> None:
    assert main(list(args)) == 0, args


def _added_only(base: str, merged: str) -> list[str]:
    """The lines `merged` adds to `base`; fails if it removes any."""
    diff = list(difflib.ndiff(base.splitlines(), merged.splitlines()))
    assert [d for d in diff if d.startswith("- ")] == []
    return [d[2:] for d in diff if d.startswith("+ ")]


def _sides(tmp_path: Path) -> tuple[Path, Path, Path]:
    out = []
    for name in ("base", "ann", "bob"):
        out.append(Path(shutil.copytree(FIXTURES / "tiny", tmp_path / name)))
    return out[0], out[1], out[2]


def _ann_and_bob(ann: Path, bob: Path) -> None:
    _cli("record", "TT-01", "--data", str(ann), "--date", "2024-03-05", "--summary", "Trains", "--source", "Wire",
         "--reliability", "B", "--credibility", "2", "--analyst", "Ann")
    _cli("assess", "TT-01", "--data", str(ann), "--date", "2024-03-06", "--status", "observed", "--confidence",
         "high", "--rationale", "Trains.", "--cites", "TT-01.3", "--analyst", "Ann")
    _cli("record", "TT-01", "--data", str(bob), "--date", "2024-03-04", "--summary", "Ships", "--source", "Wire",
         "--reliability", "C", "--credibility", "3", "--analyst", "Bob")
    _cli("assess", "TT-01", "--data", str(bob), "--date", "2024-03-06", "--status", "emerging", "--confidence",
         "low", "--rationale", "Ships.", "--cites", "TT-01.3", "--analyst", "Bob")
    _cli("add-indicator", "TT-09", "--data", str(bob), "--date", "2024-03-01", "--theme", "core", "--title", "New",
         "--criteria", "Seen.", "--rate", "AA=L", "--rate", "BB=U", "--analyst", "Bob")


def _texts(*folders: Path) -> list[str]:
    return [(folder / "indicators" / "core.yaml").read_text() for folder in folders]


def test_two_analysts_on_one_indicator_merge_the_same_both_ways(tmp_path: Path) -> None:
    base, ann, bob = _sides(tmp_path)
    _ann_and_bob(ann, bob)
    o, a, b = _texts(base, ann, bob)
    one, other = merge_texts(o, a, b), merge_texts(o, b, a)
    assert one.clean and other.clean and one.text == other.text
    assert one.renumbered == [("ours", "TT-01.3", "TT-01.4")] and other.renumbered == [("theirs", "TT-01.3",
                                                                                         "TT-01.4")]
    added = _added_only(o, one.text)
    assert "  - id: TT-09" in added and "      - id: TT-01.4" in added
    data = yaml.safe_load(one.text)["indicators"][0]
    by_id = {i["id"]: i["summary"] for i in data["indications"]}
    assert by_id == {"TT-01.1": "First sighting.", "TT-01.2": "Second sighting.", "TT-01.3": "Ships",
                     "TT-01.4": "Trains"}
    cites = {a["rationale"]: a["cites"] for a in data["assessments"] if a["date"].isoformat() == "2024-03-06"}
    assert cites == {"Trains.": ["TT-01.4"], "Ships.": ["TT-01.3"]}  # each still cites its own sighting
    (ann / "indicators" / "core.yaml").write_text(one.text)
    assert load_workspace(ann).errors == []


def test_a_true_conflict_is_marked_around_that_entry_alone(tmp_path: Path) -> None:
    base, ann, bob = _sides(tmp_path)
    _cli("withdraw", "TT-01.2", "--data", str(ann), "--date", "2024-03-10", "--reason", "Duplicate", "--analyst", "A")
    _cli("withdraw", "TT-01.2", "--data", str(bob), "--date", "2024-03-11", "--reason", "Retracted", "--analyst", "B")
    _cli("retire", "TT-04", "--data", str(ann), "--date", "2024-04-01", "--reason", "Overtaken", "--analyst", "A")
    _cli("retire", "TT-04", "--data", str(bob), "--date", "2024-04-02", "--reason", "Overtaken", "--analyst", "A")
    _cli("record", "TT-02", "--data", str(bob), "--date", "2024-03-04", "--summary", "Ships", "--source", "Wire",
         "--reliability", "C", "--credibility", "3", "--analyst", "B")
    merged = merge_texts(*_texts(base, ann, bob))
    assert merged.conflicts == ["indicators.TT-01.indications.TT-01.2", "indicators.TT-04"]
    lines = merged.text.splitlines()
    ours, middle, theirs = (lines.index(m) for m in ("<<<<<<< ours", "=======", ">>>>>>> theirs"))
    assert lines[ours + 1] == "      - id: TT-01.2" and lines[middle + 1] == "      - id: TT-01.2"
    assert "Duplicate" in "\n".join(lines[ours:middle]) and "Retracted" in "\n".join(lines[middle:theirs])
    assert lines.count("<<<<<<< ours") == 2  # the two conflicting entries, each marked on its own
    assert "      - id: TT-02.1" in lines  # what did not conflict is merged


def test_the_same_change_on_both_sides_is_taken_once(tmp_path: Path) -> None:
    base, ann, bob = _sides(tmp_path)
    for side in (ann, bob):
        _cli("retire", "TT-04", "--data", str(side), "--date", "2024-04-01", "--reason", "Overtaken", "--analyst", "A")
    merged = merge_texts(*_texts(base, ann, bob))
    assert merged.clean and merged.text == _texts(ann)[0]


def test_the_driver_refuses_a_merge_that_would_be_invalid(tmp_path: Path) -> None:
    """Ann and Bob both record the same sighting (same date, summary and source) with different
    grades: each side is valid; the merge would hold one indication twice, so it is a conflict."""
    base, ann, bob = _sides(tmp_path)
    for side, grade in ((ann, "B"), (bob, "C")):
        _cli("record", "TT-01", "--data", str(side), "--date", "2024-03-05", "--summary", "Trains", "--source",
             "Wire", "--reliability", grade, "--credibility", "2", "--analyst", "A")
    files = [side / "indicators" / "core.yaml" for side in (base, ann, bob)]
    outcome = run_driver(*files, path="indicators/core.yaml", root=ann)
    assert outcome.conflict
    assert any("would not be valid" in m and "repeats" in m for m in outcome.messages)


def test_a_file_that_is_not_yaml_falls_back_to_a_line_merge(tmp_path: Path) -> None:
    base, ours, theirs = (tmp_path / n for n in ("o.yaml", "a.yaml", "b.yaml"))
    base.write_text("a: 1\nb: [\n")
    ours.write_text("a: 2\nb: [\n")
    theirs.write_text("a: 1\nb: [\nc: 3\n")
    outcome = run_driver(base, ours, theirs, path="x.yaml", root=tmp_path)
    assert not outcome.conflict and "merged line by line" in outcome.messages[0]
    assert ours.read_text() == "a: 2\nb: [\nc: 3\n"


# ------------------------------------------------------------------------------------------ through git


def _git(folder: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, check=False)
    assert done.returncode == 0, (args, done.stdout, done.stderr)
    return done.stdout


@pytest.fixture
def team(tmp_path: Path) -> dict[str, Path]:
    """An origin repository holding the tiny workspace under data/, and three clones, each set up."""
    origin = tmp_path / "origin.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(origin)], check=True)
    seed = tmp_path / "seed"
    subprocess.run(["git", "clone", "-q", str(origin), str(seed)], check=True, capture_output=True)
    shutil.copytree(FIXTURES / "tiny", seed / "data")
    for key, value in (("user.name", "Seed"), ("user.email", "seed@example.org")):
        _git(seed, "config", key, value)
    _git(seed, "add", ".")
    _git(seed, "commit", "-q", "-m", "Workspace")
    _git(seed, "push", "-q", "-u", "origin", "main")
    clones = {}
    for name in ("ann", "bob", "carol"):
        clone = tmp_path / name
        subprocess.run(["git", "clone", "-q", str(origin), str(clone)], check=True, capture_output=True)
        for key, value in (("user.name", name.title()), ("user.email", f"{name}@example.org"), ("pull.rebase",
                                                                                                 "false")):
            _git(clone, "config", key, value)
        _cli("git-setup", "--data", str(clone / "data"))
        clones[name] = clone
    return clones


def test_three_clones_merge_both_ways_through_git_to_the_same_valid_file(team: dict[str, Path]) -> None:
    ann, bob = team["ann"], team["bob"]
    base = (ann / CORE).read_text()
    _ann_and_bob(ann / "data", bob / "data")
    for clone in (ann, bob):
        _git(clone, "add", ".gitattributes")
        _git(clone, "commit", "-q", "-am", f"{clone.name}'s entries")
        _git(clone, "push", "-q", "origin", f"HEAD:{clone.name}")
    _git(ann, "fetch", "-q", "origin")
    _git(bob, "fetch", "-q", "origin")
    _git(ann, "merge", "-q", "--no-edit", "origin/bob")
    _git(bob, "merge", "-q", "--no-edit", "origin/ann")
    merged = (ann / CORE).read_text()
    assert merged == (bob / CORE).read_text()
    _added_only(base, merged)
    ws = load_workspace(ann / "data")
    assert ws.errors == []
    ids = [o.id for i in ws.indicators for o in i.indications]
    assert len(ids) == len(set(ids)) and "TT-09" in ws.indicator_by_id
    known = set(ids)
    assert all(c in known for i in ws.indicators for a in i.assessments for c in a.cites)


def test_a_conflict_through_git_stops_the_merge_with_the_entry_marked(team: dict[str, Path]) -> None:
    ann, bob = team["ann"], team["bob"]
    _cli("withdraw", "TT-01.2", "--data", str(ann / "data"), "--date", "2024-03-10", "--reason", "Duplicate",
         "--analyst", "A")
    _cli("withdraw", "TT-01.2", "--data", str(bob / "data"), "--date", "2024-03-11", "--reason", "Retracted",
         "--analyst", "B")
    for clone in (ann, bob):
        _git(clone, "add", ".gitattributes")
        _git(clone, "commit", "-q", "-am", "withdrawal")
    _git(bob, "push", "-q", "origin", "HEAD:bob")
    _git(ann, "fetch", "-q", "origin")
    done = subprocess.run(["git", "-C", str(ann), "merge", "--no-edit", "origin/bob"], capture_output=True, text=True,
                          check=False)
    assert done.returncode != 0 and "conflict in indicators.TT-01.indications.TT-01.2" in done.stderr
    text = (ann / CORE).read_text()
    assert text.count("<<<<<<< ours") == 1 and "Duplicate" in text and "Retracted" in text


def test_sync_commits_pulls_pushes_and_says_what_came_in(team: dict[str, Path], capsys) -> None:
    ann, carol = team["ann"], team["carol"]
    _cli("record", "TT-02", "--data", str(carol / "data"), "--date", "2024-03-04", "--summary", "Ships in port",
         "--source", "Wire", "--reliability", "C", "--credibility", "3", "--analyst", "Carol")
    _cli("sync", "--data", str(carol / "data"), "--analyst", "Carol")
    out = capsys.readouterr().out
    assert "Committed: Workspace changes by Carol" in out and "Nothing new came in." in out and "Pushed." in out
    _cli("record", "TT-01", "--data", str(ann / "data"), "--date", "2024-03-05", "--summary", "Trains",
         "--source", "Wire", "--reliability", "B", "--credibility", "2", "--analyst", "Ann")
    _cli("sync", "--data", str(ann / "data"), "--analyst", "Ann")
    out = capsys.readouterr().out
    assert "Came in:" in out and "TT-02.1" in out and "Ships in port" in out and "Pushed." in out
    assert _git(ann, "log", "-1", "--format=%s").strip().startswith("Merge")
    _git(carol, "fetch", "-q")
    assert "Trains" in _git(carol, "show", "origin/main:data/indicators/core.yaml")


def test_sync_refuses_a_clone_with_changes_outside_the_workspace(team: dict[str, Path], capsys) -> None:
    ann = team["ann"]
    (ann / "notes.txt").write_text("private")
    head = _git(ann, "rev-parse", "HEAD")
    assert main(["sync", "--data", str(ann / "data")]) == 1
    err = capsys.readouterr().err
    assert "unrelated-changes" in err or "outside data" in err
    assert _git(ann, "rev-parse", "HEAD") == head  # nothing committed


def test_a_side_that_adds_the_first_indications_of_an_indicator_keeps_its_citations(tmp_path: Path) -> None:
    """TT-04 has no indications in the base. Ann records one; Bob records one and assesses citing
    it. Both took TT-04.1: Bob's (later) becomes TT-04.2 — and his assessment must cite TT-04.2,
    although his whole `assessments:` key is taken from his side as it is."""
    base, ann, bob = _sides(tmp_path)
    _cli("record", "TT-04", "--data", str(ann), "--date", "2024-03-05", "--summary", "Ann's", "--source", "Wire",
         "--reliability", "B", "--credibility", "2", "--analyst", "A")
    _cli("record", "TT-04", "--data", str(bob), "--date", "2024-03-06", "--summary", "Bob's", "--source", "Wire",
         "--reliability", "B", "--credibility", "2", "--analyst", "B")
    _cli("assess", "TT-04", "--data", str(bob), "--date", "2024-03-07", "--status", "emerging", "--confidence",
         "low", "--rationale", "Bob's sighting.", "--cites", "TT-04.1", "--analyst", "B")
    for merged in (merge_texts(*_texts(base, ann, bob)), merge_texts(*_texts(base, bob, ann))):
        data = next(i for i in yaml.safe_load(merged.text)["indicators"] if i["id"] == "TT-04")
        by_id = {o["id"]: o["summary"] for o in data["indications"]}
        assert by_id == {"TT-04.1": "Ann's", "TT-04.2": "Bob's"}
        assert data["assessments"][-1]["cites"] == ["TT-04.2"]


def test_several_collisions_renumber_the_same_whichever_side_merges(tmp_path: Path) -> None:
    """Ann adds TT-01.3 (5 March) and .4 (6 March); Bob adds .3 (4 March) and .4 (7 March). For .3
    Bob's sorts first and keeps it, Ann's becomes .5 (the next number none of the three versions
    uses); for .4 Ann's keeps it and Bob's becomes .6 — numbers handed out in date order, so the
    same whichever side merges."""
    base, ann, bob = _sides(tmp_path)
    for side, days in ((ann, ("2024-03-05", "2024-03-06")), (bob, ("2024-03-04", "2024-03-07"))):
        for day in days:
            _cli("record", "TT-01", "--data", str(side), "--date", day, "--summary", f"Seen {day}", "--source", "W",
                 "--reliability", "B", "--credibility", "2", "--analyst", "X")
    one, other = merge_texts(*_texts(base, ann, bob)), merge_texts(*_texts(base, bob, ann))
    assert one.text == other.text
    data = yaml.safe_load(one.text)["indicators"][0]["indications"]
    assert [(o["id"], o["summary"]) for o in data[2:]] == [
        ("TT-01.3", "Seen 2024-03-04"), ("TT-01.5", "Seen 2024-03-05"), ("TT-01.4", "Seen 2024-03-06"),
        ("TT-01.6", "Seen 2024-03-07")]


def test_odd_files_merge_or_fall_back_never_lose_a_side(tmp_path: Path) -> None:
    """A dash alone on its line, CRLF line ends, a timestamp for a date: merged by identity; a
    file that is not UTF-8: git's line merge, both sides kept."""
    base = ("indicators:\r\n  - id: X-01\r\n    indications:\r\n      -\r\n        id: X-01.1\r\n"
            "        date: 2024-01-01\r\n")
    ours = base + "      - id: X-01.2\r\n        date: 2024-02-01 10:00:00\r\n"
    theirs = base.replace("date: 2024-01-01", "date: 2024-01-01\r\n        url: https://example.org/a")
    merged = merge_texts(base, ours, theirs)
    assert merged.clean and merged.text == merge_texts(base, theirs, ours).text
    assert "\n" not in merged.text.replace("\r\n", "") and "url: https://example.org/a" in merged.text
    assert "id: X-01.2" in merged.text
    paths = [tmp_path / n for n in ("o.yaml", "a.yaml", "b.yaml")]
    paths[0].write_bytes(b"a: 1\nb: caf\xe9\n")
    paths[1].write_bytes(b"a: 2\nb: caf\xe9\n")
    paths[2].write_bytes(b"a: 1\nb: caf\xe9\nc: 3\n")
    outcome = run_driver(*paths, path="x.yaml", root=tmp_path)
    assert not outcome.conflict and "merged line by line" in outcome.messages[0]
    assert paths[1].read_bytes() == b"a: 2\nb: caf\xe9\nc: 3\n"


def test_sync_never_pushes_a_conflict_or_an_invalid_workspace(team: dict[str, Path], capsys) -> None:
    """Bob and Carol withdraw the same indication differently; Carol syncs first. Bob's sync stops on
    the conflict; run again before resolving, it refuses (nothing committed, nothing pushed). A
    local change that breaks the workspace is refused too."""
    bob, carol = team["bob"], team["carol"]
    for clone, reason in ((carol, "Retracted"), (bob, "Duplicate")):
        _cli("withdraw", "TT-01.2", "--data", str(clone / "data"), "--date", "2024-03-10", "--reason", reason,
             "--analyst", clone.name)
    _cli("sync", "--data", str(carol / "data"), "--analyst", "Carol")
    assert main(["sync", "--data", str(bob / "data"), "--analyst", "Bob"]) == 1
    assert "the pull stopped: conflicts in data/indicators/core.yaml" in capsys.readouterr().err
    assert main(["sync", "--data", str(bob / "data"), "--analyst", "Bob"]) == 1
    assert "a merge is in progress" in capsys.readouterr().err
    _git(bob, "fetch", "-q")
    assert "<<<<<<<" not in _git(bob, "show", "origin/main:data/indicators/core.yaml")
    _git(bob, "merge", "--abort")
    _git(bob, "reset", "-q", "--hard", "origin/main")
    core = bob / "data" / "indicators" / "core.yaml"
    core.write_text(core.read_text().replace("reliability: B", "reliability: Z", 1))
    head = _git(bob, "rev-parse", "HEAD")
    assert main(["sync", "--data", str(bob / "data"), "--analyst", "Bob"]) == 1
    assert "would leave the workspace with errors" in capsys.readouterr().err
    assert _git(bob, "rev-parse", "HEAD") == head


# ------------------------------------------------------------------------------------------ property

INDICATORS = ("TT-01", "TT-02", "TT-03", "TT-04")


def _apply(folder: Path, steps: list[tuple[str, int, int]], who: str) -> dict[str, str]:
    """Record and assess on the tiny workspace as `who`: each step is (indicator, day of March, kind).
    Returns each new indication's summary by the id it was given on this side."""
    from indicators.editing import updates

    given: dict[str, str] = {}
    for indicator, day, kind in steps:
        date = dt.date(2024, 3, day)
        summary = f"{who} on {indicator} {date} #{len(given)}"
        edit = updates.update(folder, updates.plan_indication, indicator, date=date, summary=summary, source=who,
                              reliability="B", credibility=2, analyst=who, today=dt.date(2024, 12, 1))
        given[edit.new_id] = summary
        if kind:
            updates.update(folder, updates.plan_assessment, indicator, date=date, status="emerging",
                           confidence="low", rationale=f"{who} rests on {summary}", cites=[edit.new_id],
                           analyst=who, today=dt.date(2024, 12, 1))
    return given


steps_strategy = st.lists(st.tuples(st.sampled_from(INDICATORS), st.integers(1, 28), st.integers(0, 1)),
                          min_size=1, max_size=4)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ours=steps_strategy, theirs=steps_strategy)
def test_any_two_sides_of_additions_merge_the_same_both_ways_with_citations_intact(tmp_path_factory, ours,
                                                                                    theirs) -> None:
    """Property: whatever two analysts add, the merge is clean, the same whichever side merges,
    valid, and every assessment still cites the indication its analyst meant (found by summary)."""
    root = tmp_path_factory.mktemp("prop")
    base, ann, bob = (Path(shutil.copytree(FIXTURES / "tiny", root / n)) for n in ("base", "ann", "bob"))
    _apply(ann, ours, "Ann")
    _apply(bob, theirs, "Bob")
    o, a, b = _texts(base, ann, bob)
    one, other = merge_texts(o, a, b), merge_texts(o, b, a)
    assert one.clean and one.text == other.text
    _added_only(o, one.text)
    (ann / "indicators" / "core.yaml").write_text(one.text)
    ws = load_workspace(ann)
    assert ws.errors == []
    summary = {x.id: x.summary for i in ws.indicators for x in i.indications}
    for indicator in ws.indicators:
        for assessment in indicator.assessments:
            if assessment.rationale.startswith(("Ann rests on ", "Bob rests on ")):
                meant = assessment.rationale.split(" rests on ", 1)[1]
                assert [summary[c] for c in assessment.cites] == [meant]


def test_checks_and_assumptions_added_on_both_sides_merge_without_conflict() -> None:
    """Two analysts check MIL-COOP's KA-1 of the default workspace on different days, and one of them
    adds KA-3: both checks are kept in date order, KA-3 after KA-2, and nothing conflicts."""
    from indicators.editing.merge import merge_texts

    from tests.conftest import ROOT

    base = (ROOT / "data" / "workspace.yaml").read_text()
    first_check = "            analyst: Default workspace (from PISM Bulletin 137)\n"
    at = base.index(first_check, base.index("depends on the scale")) + len(first_check)

    def with_check(day: str, status: str, who: str) -> str:
        return (base[:at] + f"          - date: {day}\n            status: {status}\n            analyst: {who}\n"
                f"            rationale: Seen.\n" + base[at:])

    ours = with_check("2025-01-10", "questioned", "Ann")
    theirs = with_check("2025-01-11", "broken", "Bob")
    end = theirs.index("  # ----", theirs.index("paid for by barter"))
    theirs = (theirs[:end] + "      - id: KA-3\n        statement: New.\n        checks:\n"
              "          - date: 2025-01-11\n            status: holding\n            analyst: Bob\n" + theirs[end:])
    merged = merge_texts(base, ours, theirs)
    assert merged.conflicts == []
    text = merged.text
    assert text.index("status: questioned") < text.index("status: broken") < text.index("paid for by barter")
    assert text.index("paid for by barter") < text.index("id: KA-3") < text.index("id: SANCTIONS-EROSION")
