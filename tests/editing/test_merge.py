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
from tests.editing.conftest import git, make_team

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
    """A side that is not YAML gets git's line merge: kept when its result reads as YAML; a clean line
    merge that does not read is a conflict, with markers where the two sides differ (never a file
    that is not YAML left without markers)."""
    base, ours, theirs = (tmp_path / n for n in ("o.yaml", "a.yaml", "b.yaml"))
    base.write_text("a: 1\nx: 0\ny: 0\nb: [\n")
    ours.write_text("a: 1\nx: 0\ny: 0\nb: []\n")
    theirs.write_text("a: 2\nx: 0\ny: 0\nb: [\n")
    outcome = run_driver(base, ours, theirs, path="x.yaml", root=tmp_path)
    assert not outcome.conflict and "merged line by line" in outcome.messages[0]
    assert ours.read_text() == "a: 2\nx: 0\ny: 0\nb: []\n"
    base.write_text("a: 1\nb: [\n")
    ours.write_text("a: 2\nb: [\n")
    theirs.write_text("a: 1\nb: [\nc: 3\n")
    outcome = run_driver(base, ours, theirs, path="x.yaml", root=tmp_path)
    assert outcome.conflict and "not valid YAML" in outcome.messages[0]
    assert ours.read_text() == "<<<<<<< ours\na: 2\nb: [\n=======\na: 1\nb: [\nc: 3\n>>>>>>> theirs\n"


# ------------------------------------------------------------------------------------------ through git


def _git(folder: Path, *args: str) -> str:
    return git(folder, *args)


def _commit_both_and_fetch_bobs(ann: Path, bob: Path, message: str) -> None:
    """Ann and Bob each commit their edits; Bob pushes his branch `bob` and Ann fetches it (to merge)."""
    for clone in (ann, bob):
        _git(clone, "add", ".gitattributes")
        _git(clone, "commit", "-q", "-am", message)
    _git(bob, "push", "-q", "origin", "HEAD:bob")
    _git(ann, "fetch", "-q", "origin")


@pytest.fixture
def team(tmp_path: Path) -> dict[str, Path]:
    """An origin repository holding the tiny workspace under data/, and three clones, each set up."""
    return make_team(tmp_path)


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
    _commit_both_and_fetch_bobs(ann, bob, "withdrawal")
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
    file that is not UTF-8: git's line merge, whose result does not read either: both sides kept,
    between markers where they differ."""
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
    assert outcome.conflict and "not UTF-8" in outcome.messages[0]
    assert paths[1].read_bytes() == (b"<<<<<<< ours\na: 2\nb: caf\xe9\n=======\na: 1\nb: caf\xe9\nc: 3\n"
                                     b">>>>>>> theirs\n")


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


# ------------------------------------------------------------------------------------------ issue 23: the driver
# Every conflict is editable (markers, the reason on stderr); the driver is bounded (the loader's
# limits, never an alias expanded, a time limit); its work is linear in the entries added; bytes and
# line endings are kept.

MARKERS = ("<<<<<<< ours", "=======", ">>>>>>> theirs")


def _driver(tmp_path: Path, base: bytes, ours: bytes, theirs: bytes, name: str = "x.yaml"
            ) -> tuple[int, bytes, str]:
    """The driver as git runs it (`python -m indicators merge-driver %O %A %B %P`), in a process of its
    own: its exit code, what it left in %A, and its stderr."""
    import os
    import sys

    paths = [tmp_path / f".merge_file_{n}" for n in ("o", "a", "b")]
    for path, data in zip(paths, (base, ours, theirs), strict=True):
        path.write_bytes(data)
    done = subprocess.run([sys.executable, "-m", "indicators", "merge-driver", *map(str, paths), name],
                          capture_output=True, text=True, cwd=tmp_path, timeout=120, check=False,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])})
    return done.returncode, paths[1].read_bytes(), done.stderr


def _marked_blocks(text: str) -> list[tuple[str, str]]:
    """The (ours, theirs) text of each block between conflict markers."""
    out, lines = [], text.splitlines()
    while "<<<<<<< ours" in lines:
        start = lines.index("<<<<<<< ours")
        middle, end = lines.index("=======", start), lines.index(">>>>>>> theirs", start)
        out.append(("\n".join(lines[start + 1:middle]), "\n".join(lines[middle + 1:end])))
        lines = lines[end + 1:]
    return out


def _reads(data: bytes) -> bool:
    from indicators.workspace.yaml_reader import parse_text

    try:
        parsed = parse_text(data.decode("utf-8"), "x.yaml")
    except UnicodeDecodeError:
        return False
    return parsed.data is not None and not any(p.severity == "error" for p in parsed.problems)


def _sightings_merged(ann: Path, bob: Path, bob_also_trains: str | None = None,
                      timeout: str | None = None) -> subprocess.CompletedProcess[str]:
    """Ann records "Trains" on TT-01 (graded B); Bob records "Ships" on TT-02, and "Trains" too when
    given its grade; both commit, and Ann merges Bob's branch through git (the driver's time limit
    `timeout` if given). The finished `git merge`."""
    import os

    sides = [(ann, "B")] + ([(bob, bob_also_trains)] if bob_also_trains else [])
    for clone, grade in sides:
        _cli("record", "TT-01", "--data", str(clone / "data"), "--date", "2024-03-05", "--summary", "Trains",
             "--source", "Wire", "--reliability", grade, "--credibility", "2", "--analyst", clone.name)
    _cli("record", "TT-02", "--data", str(bob / "data"), "--date", "2024-03-04", "--summary", "Ships", "--source",
         "Wire", "--reliability", "C", "--credibility", "3", "--analyst", "Bob")
    _commit_both_and_fetch_bobs(ann, bob, "sightings")
    env = {**os.environ, "INDICATORS_MERGE_TIMEOUT": timeout} if timeout else None
    return subprocess.run(["git", "-C", str(ann), "merge", "--no-edit", "origin/bob"], capture_output=True,
                          text=True, check=False, env=env)


def test_a_merge_the_workspace_would_refuse_leaves_the_two_entries_between_markers(team: dict[str, Path]) -> None:
    """Ann and Bob record the same sighting with different grades (each side valid, the merge would
    hold it twice): through git the merge stops, the driver's reason (which entry repeats which) is on
    stderr, and the two sightings stand between markers, Ann's as ours and Bob's as theirs; the rest
    of the file is merged and reads without them."""
    ann, bob = team["ann"], team["bob"]
    done = _sightings_merged(ann, bob, bob_also_trains="C")
    assert done.returncode != 0
    assert "would not be valid" in done.stderr and "repeats" in done.stderr
    text = (ann / CORE).read_text()
    [(ours, theirs)] = _marked_blocks(text)
    assert "Trains" in ours and "reliability: B" in ours and "reliability: C" not in ours
    assert "Trains" in theirs and "reliability: C" in theirs and "reliability: B" not in theirs
    assert "Ships" in text  # what did not conflict is merged
    outside = "".join(line for line in text.splitlines(keepends=True) if line.rstrip("\n") not in MARKERS)
    taking_ours = text.split("<<<<<<< ours\n")[0] + ours + "\n" + text.split(">>>>>>> theirs\n")[1]
    assert yaml.safe_load(taking_ours)["indicators"][0]["indications"][-1]["reliability"] == "B"
    assert "<<<<<<<" not in outside


def test_a_side_that_reformatted_the_file_is_merged_line_by_line_with_markers(tmp_path: Path) -> None:
    """Ann re-indents the whole file (the same data); Bob records a sighting. Their lines cannot be
    mixed entry by entry: the driver says so and falls back to git's line merge, which marks where
    they clash; Bob's sighting is kept between the markers."""
    base, ann, bob = _sides(tmp_path)
    core = ann / "indicators" / "core.yaml"
    text = core.read_text()
    core.write_text(text.replace("\n  ", "\n"))
    assert yaml.safe_load(core.read_text()) == yaml.safe_load(text)
    _cli("record", "TT-01", "--data", str(bob), "--date", "2024-03-05", "--summary", "Trains", "--source", "Wire",
         "--reliability", "B", "--credibility", "2", "--analyst", "Bob")
    code, merged, err = _driver(tmp_path, *(p.read_bytes() for p in (base / "indicators" / "core.yaml", core,
                                                                       bob / "indicators" / "core.yaml")))
    assert code == 1 and "reformatted" in err and "merged line by line" in err
    assert _marked_blocks(merged.decode()) and b"Trains" in merged


def test_a_clean_line_merge_that_would_not_be_valid_is_marked(tmp_path: Path) -> None:
    """Through the driver's process: a side that is not YAML falls back to the line merge, which merges
    cleanly into a file that does not read; exit 1, markers, and both reasons on stderr."""
    code, merged, err = _driver(tmp_path, b"a: 1\nb: [\n", b"a: 2\nb: [\n", b"a: 1\nb: [\nc: 3\n")
    assert code == 1 and "not valid YAML" in err and "line merge would not be valid" in err
    assert _marked_blocks(merged.decode()) == [("a: 2\nb: [", "a: 1\nb: [\nc: 3")]


def _mutations() -> st.SearchStrategy[list[tuple[str, int]]]:
    kinds = ["record", "duplicate", "garbage", "indent", "alias", "crlf", "drop", "retitle", "tab", "bom"]
    return st.lists(st.tuples(st.sampled_from(kinds), st.integers(0, 10_000)), min_size=1, max_size=3)


def _mutate(text: str, steps: list[tuple[str, int]], who: str) -> str:
    """A side's edits of core.yaml: valid ones, and the kinds of breakage analysts and tools make."""
    lines = text.splitlines(keepends=True)
    for kind, n in steps:
        at = n % (len(lines) + 1)
        if kind == "record":
            anchor = next(i for i, line in enumerate(lines) if "unit: launches" in line) + 1
            lines[anchor:anchor] = [f"      - id: TT-01.{3 + n % 3}\n", f"        date: 2024-03-{1 + n % 9:02d}\n",
                                    f"        summary: {who} saw {n}\n", "        source: Wire\n",
                                    "        reliability: B\n", "        credibility: 2\n"]
        elif kind == "duplicate":
            lines.insert(at, lines[at - 1] if at else "theme: core\n")
        elif kind == "garbage":
            lines.insert(at, f"{who}: [unclosed {n}\n")
        elif kind == "indent":
            lines = [line[2:] if line.startswith("  ") else line for line in lines]
        elif kind == "alias":
            lines += ["x_anchor: &a [1, 2]\n", "x_alias: *a\n"]
        elif kind == "crlf":
            lines = [line.replace("\r\n", "\n").replace("\n", "\r\n") for line in lines]
        elif kind == "drop" and lines:
            del lines[at % len(lines)]
        elif kind == "retitle":
            lines = [line.replace("title: Diagnostic for A", f"title: {who} {n}") for line in lines]
        elif kind == "tab":
            lines.insert(at, "\tx: 1\n")
        elif kind == "bom" and lines and not lines[0].startswith("\ufeff"):
            lines[0] = "\ufeff" + lines[0]
    return "".join(lines)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ours=_mutations(), theirs=_mutations())
def test_property_every_conflict_is_marked_and_every_clean_merge_reads(tmp_path_factory, ours, theirs) -> None:
    """Property: whatever the two sides did to a file (valid edits, broken YAML, re-indentation, aliases,
    line-ending changes), the driver exits 0 with a file that reads as YAML and holds no marker, or
    exits 1 with conflict markers in the file and its reasons on stderr."""
    root = tmp_path_factory.mktemp("any")
    data = Path(shutil.copytree(FIXTURES / "tiny", root / "data"))
    base = (data / "indicators" / "core.yaml").read_text()
    a, b = _mutate(base, ours, "Ann"), _mutate(base, theirs, "Bob")
    if a == b or base in (a, b):
        return  # git merges these itself, without the driver
    paths = [root / f".merge_file_{n}" for n in ("o", "a", "b")]
    for path, text in zip(paths, (base, a, b), strict=True):
        path.write_bytes(text.encode())
    outcome = run_driver(*paths, path="data/indicators/core.yaml", root=root)
    merged = paths[1].read_bytes()
    if outcome.conflict:
        assert b"<<<<<<< ours" in merged and b">>>>>>> theirs" in merged and outcome.messages
    else:
        assert _reads(merged) and b"<<<<<<<" not in merged


def _laughs(levels: int = 9) -> str:
    """A recorded indication carrying a "billion laughs": 10^(levels-1) items once its aliases are expanded."""
    lines = ["      - id: TT-01.3\n", "        date: 2024-03-05\n", "        summary: Laughs\n",
             "        source: Wire\n", "        reliability: B\n", "        credibility: 2\n",
             "        l0: &a0 [lol]\n"]
    lines += [f"        l{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]\n" for n in range(1, levels)]
    return "".join(lines)


def _recorded(text: str, entry: str) -> str:
    """The text with `entry` added after TT-01's last indication."""
    at = text.index("\n", text.index("        unit: launches")) + 1
    return text[:at] + entry + text[at:]


OURS_ENTRY = ("      - id: TT-01.3\n        date: 2024-03-06\n        summary: Ours\n        source: Wire\n"
              "        reliability: B\n        credibility: 2\n")


@pytest.mark.parametrize(("kind", "theirs", "code"), [
    ("alias bomb", lambda base: _recorded(base, _laughs()), "alias"),
    ("deep nesting", lambda base: base + "x: " + "[" * 100_000 + "]" * 100_000 + "\n", "too-deep"),
    ("merge key", lambda base: base + "x1: &b {a: 1}\nx2:\n  <<: *b\n", "merge-key"),
])
def test_a_version_the_loader_refuses_is_never_expanded_and_is_left_as_a_conflict(tmp_path: Path, kind: str,
                                                                                   theirs, code: str) -> None:
    """A side whose file the loader refuses (aliases: a 10^8 "billion laughs" in a new indication; nesting
    100,000 deep; a merge key) is read within the loader's limits, never expanded: the driver falls back
    to the line merge, and as its result does not read either, leaves a conflict with markers and the
    loader's reason (its code) on stderr. Before, the alias bomb never finished and the others exited 0."""
    base = (FIXTURES / "tiny" / "indicators" / "core.yaml").read_text()
    ours = _recorded(base, OURS_ENTRY)
    status, merged, err = _driver(tmp_path, base.encode(), ours.encode(), theirs(base).encode())
    assert status == 1, kind
    assert f"[{code}]" in err or code.replace("-", " ") in err
    assert merged.count(b"<<<<<<< ours") >= 1 and b">>>>>>> theirs" in merged
    assert sorted(p.name for p in tmp_path.iterdir()) == [".merge_file_a", ".merge_file_b", ".merge_file_o"]


def test_a_version_over_the_size_limit_is_not_read_and_left_whole_between_markers(tmp_path: Path) -> None:
    """The driver reads with the loader's size limit (INDICATORS_MAX_FILE_MB): a version over it is not
    merged; both versions are left whole between markers, and stderr says why."""
    import os

    base = (FIXTURES / "tiny" / "indicators" / "core.yaml").read_bytes()
    ours, theirs = base.replace(b"Diagnostic for A", b"Ours"), base.replace(b"Not diagnostic", b"Theirs")
    os.environ["INDICATORS_MAX_FILE_MB"] = "0.001"  # 1 KB: the tiny file is about 2 KB
    try:
        status, merged, err = _driver(tmp_path, base, ours, theirs)
    finally:
        del os.environ["INDICATORS_MAX_FILE_MB"]
    assert status == 1 and "over the limit" in err and "file-too-large" in err
    assert merged == b"<<<<<<< ours\n" + ours + b"=======\n" + theirs + b">>>>>>> theirs\n"


def _children() -> list[int]:
    """The processes this one started that are still there."""
    import os

    me = str(os.getpid())
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[1] == me:
            out.append(int(stat.parent.name))
    return out


def test_a_merge_past_the_time_limit_falls_back_to_a_conflict(tmp_path: Path, monkeypatch) -> None:
    """A merge by identity that does not finish within INDICATORS_MERGE_TIMEOUT is interrupted in the
    driver's process; git's line merge then marks where the sides clash, and the reason says what
    happened. No process or file is left behind."""
    import time

    import indicators.editing.merge as merge

    def endless(*args, **kwargs):
        until = time.monotonic() + 60
        while time.monotonic() < until:
            pass
        raise AssertionError("the merge was not interrupted")

    monkeypatch.setattr(merge, "merge_texts", endless)
    monkeypatch.setenv("INDICATORS_MERGE_TIMEOUT", "0.5")
    base = (FIXTURES / "tiny" / "indicators" / "core.yaml").read_bytes()
    paths = [tmp_path / n for n in ("o.yaml", "a.yaml", "b.yaml")]
    for path, data in zip(paths, (base, base.replace(b"Diagnostic for A", b"Ours"),
                                  base.replace(b"Diagnostic for A", b"Theirs")), strict=True):
        path.write_bytes(data)
    outcome = merge.run_driver(*paths, path="x.yaml", root=tmp_path)
    assert outcome.conflict
    assert "did not finish within 0.5 s (INDICATORS_MERGE_TIMEOUT); merged line by line, 1 conflict marked" in \
        outcome.messages[0]
    assert _marked_blocks(paths[1].read_text()) == [("    title: Ours", "    title: Theirs")]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml", "b.yaml", "o.yaml"]
    assert _children() == []


def test_a_driver_past_its_time_limit_through_git_leaves_markers_and_no_stray_files(team: dict[str, Path]) -> None:
    """Through `git merge`, with a time limit nothing can meet: the merge stops as a conflict with markers
    in the file and the driver's reason on stderr; the work tree holds no `.merge_file_*` left over."""
    ann, bob = team["ann"], team["bob"]
    done = _sightings_merged(ann, bob, timeout="0.001")
    assert done.returncode != 0 and "did not finish within 0.001 s" in done.stderr
    text = (ann / CORE).read_text()
    assert "<<<<<<< ours" in text and "Trains" in text and "Ships" in text
    assert not list(ann.rglob(".merge_file_*"))
    status = _git(ann, "status", "--porcelain", "--untracked-files=all").splitlines()
    assert status == ["UU data/indicators/core.yaml"]


# ------------------------------------------------------------------------------------------ linear work


def _work_of_merge(n: int) -> int:
    """The Python lines run to merge a side that added `n` indications to an indicator that already
    holds `n`, with the other side adding one under a colliding id."""
    import sys

    def entry(k: int, ident: str) -> str:
        day = dt.date(2024, 3, 1) + dt.timedelta(days=k % 200)
        return (f"      - id: {ident}\n        date: {day}\n        summary: Sighting {k}.\n        source: Wire\n"
                f"        reliability: B\n        credibility: 2\n")

    tiny = (FIXTURES / "tiny" / "indicators" / "core.yaml").read_text()
    base = _recorded(tiny, "".join(entry(k, f"TT-01.{k + 3}") for k in range(n)))
    ours = _recorded(base, "".join(entry(n + k, f"TT-01.{n + k + 3}") for k in range(n)))
    theirs = _recorded(base, entry(10_000, f"TT-01.{n + 3}"))
    count = 0

    def tracer(frame, event, arg):
        nonlocal count
        count += 1
        return tracer

    sys.settrace(tracer)
    try:
        merged = merge_texts(base, ours, theirs)
    finally:
        sys.settrace(None)
    assert merged.clean and merged.renumbered
    return count


def test_the_work_of_a_merge_grows_linearly_with_the_entries_added() -> None:
    """Twice the entries (in the base and added on one side), about twice the work — counted in Python
    lines run, not timed. Before, every added entry was compared with every other (canonicalised each
    time) and placed by a scan of every base date: four times the work."""
    small, large = _work_of_merge(150), _work_of_merge(300)
    assert large < 2.4 * small, (small, large)


# ------------------------------------------------------------------------------------------ bytes kept


def _crlf(data: bytes) -> bytes:
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def _only_crlf(data: bytes) -> bool:
    return b"\n" not in data.replace(b"\r\n", b"")


def _added_lines(base: bytes, merged: bytes) -> list[bytes]:
    """The lines (with their endings) `merged` adds to `base`; fails if it removes or changes any."""
    diff = list(difflib.ndiff([line.decode() for line in base.splitlines(keepends=True)],
                              [line.decode() for line in merged.splitlines(keepends=True)]))
    assert [d for d in diff if d.startswith("- ")] == []
    return [d[2:].encode() for d in diff if d.startswith("+ ")]


def test_a_crlf_workspace_merges_through_git_to_crlf_adding_only_lines(team: dict[str, Path]) -> None:
    """A workspace kept with CRLF line ends: Ann and Bob record on different indicators and Ann merges
    Bob's through git. Every line of the result still ends CRLF and the diff against the base only adds
    lines — before, the driver's text mode turned the whole file to LF."""
    ann, bob = team["ann"], team["bob"]
    core = ann / CORE
    core.write_bytes(_crlf(core.read_bytes()))
    _git(ann, "add", ".gitattributes")
    _git(ann, "commit", "-q", "-am", "CRLF")
    _git(ann, "push", "-q", "origin", "HEAD:main")
    (bob / ".gitattributes").unlink()  # the same, committed by Ann
    _git(bob, "pull", "-q", "origin", "main")
    base = core.read_bytes()
    _cli("record", "TT-01", "--data", str(ann / "data"), "--date", "2024-03-05", "--summary", "Trains", "--source",
         "Wire", "--reliability", "B", "--credibility", "2", "--analyst", "Ann")
    _cli("record", "TT-01", "--data", str(bob / "data"), "--date", "2024-03-04", "--summary", "Ships", "--source",
         "Wire", "--reliability", "C", "--credibility", "3", "--analyst", "Bob")
    for clone in (ann, bob):
        _git(clone, "commit", "-q", "-am", "sightings")
    _git(bob, "push", "-q", "origin", "HEAD:bob")
    _git(ann, "fetch", "-q", "origin")
    _git(ann, "merge", "-q", "--no-edit", "origin/bob")
    merged = core.read_bytes()
    assert _only_crlf(merged) and b"Trains" in merged and b"Ships" in merged
    added = _added_lines(base, merged)
    assert b"      - id: TT-01.4\r\n" in added and b"        summary: Trains\r\n" in added


def test_one_sides_change_of_line_endings_survives_the_merge(team: dict[str, Path], tmp_path: Path) -> None:
    """Ann turns the file to CRLF; Bob records a sighting (LF, as the file was). Merged through git, and
    through the driver either way round: the result is all CRLF (Ann's change is not reverted) and holds
    Bob's sighting, whose lines take the file's CRLF."""
    ann, bob = team["ann"], team["bob"]
    core = ann / CORE
    base = core.read_bytes()
    core.write_bytes(_crlf(base))
    _cli("record", "TT-01", "--data", str(bob / "data"), "--date", "2024-03-04", "--summary", "Ships", "--source",
         "Wire", "--reliability", "C", "--credibility", "3", "--analyst", "Bob")
    _commit_both_and_fetch_bobs(ann, bob, "edits")
    _git(ann, "merge", "-q", "--no-edit", "origin/bob")
    merged = core.read_bytes()
    assert _only_crlf(merged) and b"        summary: Ships\r\n" in merged
    assert merged.replace(b"\r\n", b"\n") == (bob / CORE).read_bytes()
    ours, theirs = _crlf(base), (bob / CORE).read_bytes()
    for a, b in ((ours, theirs), (theirs, ours)):
        paths = [tmp_path / n for n in ("o.yaml", "a.yaml", "b.yaml")]
        for path, data in zip(paths, (base, a, b), strict=True):
            path.write_bytes(data)
        assert not run_driver(*paths, path="x.yaml", root=tmp_path).conflict
        assert paths[1].read_bytes() == merged


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(endings=st.lists(st.booleans(), min_size=80, max_size=80), days=st.tuples(st.integers(1, 28),
                                                                                  st.integers(1, 28)))
def test_property_every_kept_line_keeps_its_ending(tmp_path_factory, endings, days) -> None:
    """Property: in a file whose lines end CRLF or LF at random, two analysts each add a sighting; the
    merge (by the driver, on bytes) changes no line of the base — not even its line ending — and the
    lines it adds end with the file's dominant line ending."""
    root = tmp_path_factory.mktemp("eol")
    lines = (FIXTURES / "tiny" / "indicators" / "core.yaml").read_bytes().splitlines(keepends=True)
    base = b"".join(line[:-1] + (b"\r\n" if crlf else b"\n") for line, crlf in zip(lines, endings, strict=False))
    base += b"".join(lines[len(endings):])
    newline = b"\r\n" if base.count(b"\r\n") * 2 > base.count(b"\n") else b"\n"

    def recorded(who: str, day: int) -> bytes:
        entry = OURS_ENTRY.replace("Ours", who).replace("2024-03-06", f"2024-03-{day:02d}")
        return _recorded(base.decode(), entry.replace("\n", newline.decode())).encode()

    paths = [root / n for n in ("o.yaml", "a.yaml", "b.yaml")]
    for path, data in zip(paths, (base, recorded("Ann", days[0]), recorded("Bob", days[1])), strict=True):
        path.write_bytes(data)
    outcome = run_driver(*paths, path="x.yaml", root=root)
    assert not outcome.conflict, outcome.messages
    added = _added_lines(base, paths[1].read_bytes())
    assert len(added) == 12 and all(line.endswith(newline) and not line.endswith(b"\r\r\n") for line in added)
