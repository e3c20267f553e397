"""The parse cache: cached and uncached loads agree, and an edit is always seen."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from benchmarks.generate import generate
from indicators.workspace import checks as checks_module
from indicators.workspace import load as load_module
from indicators.workspace.load import load_workspace
from indicators.workspace.parse_cache import JSON_MAGIC, FileCache

from tests.conftest import FIXTURES, TODAY


def _same(a, b) -> None:
    assert a.meta == b.meta
    assert a.indicators == b.indicators
    assert a.problems == b.problems


@pytest.mark.parametrize("fixture", ["tiny", "broken", "styled", "track", "assumptions", "ratings", "living"])
def test_cached_and_uncached_loads_are_equal(tmp_path: Path, fixture: str) -> None:
    """Valid files are kept as pydantic JSON, files with problems as a pickle: both read back the same."""
    cache = FileCache(tmp_path / "cache", disk=True)
    uncached = load_workspace(FIXTURES / fixture, today=TODAY, cache=FileCache(disk=False))
    first = load_workspace(FIXTURES / fixture, today=TODAY, cache=cache)
    again = load_workspace(FIXTURES / fixture, today=TODAY, cache=cache)
    restarted = load_workspace(FIXTURES / fixture, today=TODAY, cache=FileCache(tmp_path / "cache", disk=True))
    for other in (first, again, restarted):
        _same(uncached, other)
    kept = [path.read_bytes()[:len(JSON_MAGIC)] for path in (tmp_path / "cache").rglob("*.pickle")]
    assert JSON_MAGIC in kept  # every fixture has a valid file
    if not uncached.problems:
        assert set(kept) == {JSON_MAGIC}
    if fixture == "broken":
        assert any(head != JSON_MAGIC for head in kept)  # files with problems: pickled whole


def test_unchanged_files_are_not_parsed_again(tmp_path: Path) -> None:
    data = generate(tmp_path / "ws", indicators=30, indications=200, seed=3)
    cache = FileCache(tmp_path / "cache", disk=True)
    load_workspace(data, cache=cache)
    files = 1 + len(list((data / "indicators").glob("*.yaml")))
    assert cache.parsed == files
    load_workspace(data, cache=cache)
    assert cache.parsed == files  # warm: nothing parsed
    edited = sorted((data / "indicators").glob("*.yaml"))[0]
    edited.write_text(edited.read_text() + "# note\n")
    load_workspace(data, cache=cache)
    assert cache.parsed == files + 1  # only the edited file
    restarted = FileCache(tmp_path / "cache", disk=True)
    load_workspace(data, cache=restarted)
    assert restarted.parsed == 0  # a restart reads the disk cache


def test_an_edit_between_two_loads_is_always_seen(tmp_path: Path) -> None:
    data = Path(shutil.copytree(FIXTURES / "tiny", tmp_path / "tiny"))
    cache = FileCache(tmp_path / "cache", disk=True)
    path = data / "indicators" / "core.yaml"
    original = path.read_text()
    stat = path.stat()
    for title in ["Alpha title", "Bravo title", "Charl title"]:  # same length each time
        path.write_text(original.replace("Diagnostic for A", title))
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same size and mtime: only the hash differs
        assert load_workspace(data, today=TODAY, cache=cache).indicator_by_id["TT-01"].title == title
        assert load_workspace(data, today=TODAY, cache=FileCache(tmp_path / "cache", disk=True)) \
            .indicator_by_id["TT-01"].title == title


def test_a_corrupt_disk_cache_is_ignored(tmp_path: Path) -> None:
    cache = FileCache(tmp_path / "cache", disk=True)
    load_workspace(FIXTURES / "tiny", today=TODAY, cache=cache)
    for entry in cache.folder.glob("*.pickle"):
        entry.write_bytes(b"not a pickle")
    fresh = FileCache(tmp_path / "cache", disk=True)
    ws = load_workspace(FIXTURES / "tiny", today=TODAY, cache=fresh)
    assert len(ws.indicators) == 4 and fresh.parsed == 2


def test_clear_removes_the_disk_cache(tmp_path: Path) -> None:
    cache = FileCache(tmp_path / "cache", disk=True)
    load_workspace(FIXTURES / "tiny", today=TODAY, cache=cache)
    assert list(cache.folder.glob("*.pickle"))
    cache.clear()
    assert not list(cache.folder.glob("*.pickle"))


def test_tests_never_touch_the_users_cache() -> None:
    """The autouse fixture in tests/conftest.py gives every test a cache folder of its own."""
    from indicators.workspace.parse_cache import FILE_CACHE, cache_dir

    home_cache = Path(os.path.expanduser("~")) / ".cache" / "indicators-board"
    assert cache_dir() != home_cache
    assert home_cache not in FILE_CACHE.folder.parents


def test_a_change_to_the_code_is_never_served_a_stale_result(tmp_path: Path) -> None:
    """Change a message in validate.py (as an upgrade would): the next run prints the new message,
    although the data did not change and the first run's result is on disk."""
    import subprocess
    import sys

    import indicators

    package = tmp_path / "site" / "indicators"
    shutil.copytree(Path(indicators.__file__).parent, package, ignore=shutil.ignore_patterns("__pycache__"))
    env = {**os.environ, "PYTHONPATH": str(package.parent), "INDICATORS_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("INDICATORS_NO_DISK_CACHE", None)

    def validate() -> str:
        done = subprocess.run([sys.executable, "-m", "indicators.cli", "validate", "--data", str(FIXTURES / "broken")],
                              capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
        assert done.returncode == 1, done.stderr
        return done.stdout

    assert "unknown key 'priorty'" in validate()
    assert list((tmp_path / "cache").rglob("*.pickle")), "the first run keeps its results on disk"
    source = package / "workspace" / "validate.py"
    text = source.read_text()
    assert 'f"unknown key {loc[-1]!r}"' in text
    source.write_text(text.replace('f"unknown key {loc[-1]!r}"', 'f"unrecognised key {loc[-1]!r}"'))
    second = validate()
    assert "unrecognised key 'priorty'" in second and "unknown key 'priorty'" not in second


def test_results_of_other_code_versions_are_deleted(tmp_path: Path) -> None:
    stale = tmp_path / "cache" / "parse-v0.0.1-0123456789abcdef" / "old.pickle"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"old")
    load_workspace(FIXTURES / "tiny", cache=FileCache(tmp_path / "cache", disk=True))
    assert not stale.exists()
    assert list((tmp_path / "cache").glob("parse-v*/*.pickle"))


def test_a_valid_workspace_is_never_parsed_for_positions(tmp_path: Path, monkeypatch) -> None:
    """Positions cost a second, slow parse (PyYAML's node tree): they are worked out only for a
    problem to locate. A check that asked for them on every entry made a warm load of the
    1,000-indicator benchmark take 23 s instead of 0.2 s."""
    from indicators.workspace import located, reading

    def no_positions(*args, **kwargs):
        raise AssertionError("a valid workspace was parsed for positions")

    data = generate(tmp_path / "ws", indicators=30, indications=300, seed=5)
    monkeypatch.setattr(reading, "parse_text", no_positions)  # a file's own problems
    monkeypatch.setattr(located, "parse_text", no_positions)  # the cross-file rules' problems
    ws = load_workspace(data, cache=FileCache(disk=False))
    assert ws.problems == [] and len(ws.indicators) == 30


def _first_indication_id(path: Path) -> str:
    return re.search(r"- id: (\S+\.\d+)\n", path.read_text())[1]


def test_a_reload_after_an_edit_finds_what_a_fresh_load_finds(tmp_path: Path) -> None:
    """The cross-file check reuses what it worked out from unchanged files; edits that make and unmake
    problems across files are found as a fresh load (of a copy, with nothing to reuse) finds them."""
    data = generate(tmp_path / "ws", indicators=20, indications=120, seed=5)
    first, second = sorted((data / "indicators").glob("*.yaml"))[:2]
    cache = FileCache(tmp_path / "cache", disk=True)
    load_workspace(data, today=TODAY, cache=cache)
    original_first, original = first.read_text(), second.read_text()
    taken, own = _first_indication_id(first), _first_indication_id(second)
    block = re.search(r"      - id: " + re.escape(own) + r"\n(?:        .*\n)+", original)[0]
    cited = re.search(r"cites: \[([^\],]+)", original)[1]
    date = re.search(r"      - id: " + re.escape(own) + r"\n        date: (\S+)\n", original)[1]
    edits = [  # (first file, second file, a problem the edit makes)
        (original_first, original.replace(f"- id: {own}\n", f"- id: {taken}\n", 1), "duplicate-id"),
        (original_first, original.replace(block, block + block.replace(f"- id: {own}\n", f"- id: {own}9\n"), 1),
         "duplicate-indication"),
        (original_first, original.replace(f"cites: [{cited}", f"cites: [{taken}", 1), "cites-other-indicator"),
        (original_first, original.replace(f"date: {date}\n", "date: 2099-01-01\n", 1), "future-date"),
        # the first file takes the id of an indication the (unchanged) second file's assessments cite
        (original_first.replace(f"- id: {taken}\n", f"- id: {cited}\n", 1), original, "cites-other-indicator"),
        (original_first, original, None),
    ]
    for n, (text_first, text_second, code) in enumerate(edits):
        first.write_text(text_first)
        second.write_text(text_second)
        reloaded = load_workspace(data, today=TODAY, cache=cache)
        fresh = load_workspace(shutil.copytree(data, tmp_path / f"fresh{n}"), today=TODAY, cache=FileCache(disk=False))
        assert [(p.code, p.line, p.message) for p in reloaded.problems] == \
            [(p.code, p.line, p.message) for p in fresh.problems]
        codes = {p.code.value for p in reloaded.problems}
        assert code in codes if code else not codes & {"duplicate-id", "duplicate-indication",
                                                        "cites-other-indicator", "future-date"}


def test_a_reload_works_out_again_only_the_edited_files_indicators(tmp_path: Path, monkeypatch) -> None:
    data = generate(tmp_path / "ws", indicators=20, indications=120, seed=5)
    indexed = []
    real = checks_module._indexed
    monkeypatch.setattr(checks_module, "_indexed", lambda indicator: (indexed.append(indicator.id), real(indicator))[1])
    prepared = []
    real_prepared = load_module._prepared
    monkeypatch.setattr(load_module, "_prepared", lambda model: (prepared.append(model.theme), real_prepared(model))[1])
    cache = FileCache(tmp_path / "cache", disk=True)
    workspace = load_workspace(data, cache=cache)
    assert sorted(indexed) == sorted(i.id for i in workspace.indicators)
    assert len(prepared) == len(list((data / "indicators").glob("*.yaml")))
    load_workspace(data, cache=cache)  # nothing changed: nothing worked out again
    edited = sorted((data / "indicators").glob("*.yaml"))[1]
    edited.write_text(edited.read_text() + "# an edit\n")
    indexed.clear()
    prepared.clear()
    workspace = load_workspace(data, cache=cache)
    assert indexed and sorted(indexed) == sorted(i.id for i in workspace.indicators
                                                 if workspace.files_by_indicator[i.id].path == edited)
    assert len(prepared) == 1
