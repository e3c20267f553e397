"""Hostile input: whatever is put in the files, loading gives a workspace or located problems.

The number of examples is bounded so CI stays fast; run longer with
`HYPOTHESIS_PROFILE=long python -m pytest tests/workspace/test_fuzz.py` (see conftest.py).
"""

from __future__ import annotations

import copy
import tracemalloc
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indicators.workspace.load import load_workspace, validate_text
from indicators.workspace.model import IndicatorFile
from indicators.workspace.parse_cache import FileCache
from indicators.workspace.yaml_reader import parse_text

from tests.conftest import FIXTURES, TODAY

TINY = FIXTURES / "tiny"
WORKSPACE_TEXT = (TINY / "workspace.yaml").read_text(encoding="utf-8")
INDICATOR_TEXT = (TINY / "indicators" / "core.yaml").read_text(encoding="utf-8")
FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def _load(tmp: Path, workspace: bytes, indicator: bytes):
    (tmp / "indicators").mkdir(parents=True, exist_ok=True)
    (tmp / "workspace.yaml").write_bytes(workspace)
    (tmp / "indicators" / "core.yaml").write_bytes(indicator)
    ws = load_workspace(tmp, today=TODAY, cache=FileCache(disk=False))
    for problem in ws.problems:
        assert problem.line >= 1 and problem.column >= 1 and problem.code and problem.message
        assert problem.path.endswith((".yaml", "indicators"))
    return ws


def _mutate(text: str, data: st.DataObject) -> str:
    kind = data.draw(st.sampled_from(["truncate", "delete", "insert", "swap", "duplicate", "indent", "replace"]))
    lines = text.splitlines(keepends=True)
    if kind == "truncate":
        return text[: data.draw(st.integers(0, len(text)))]
    if kind == "delete":
        a = data.draw(st.integers(0, len(text)))
        return text[:a] + text[a + data.draw(st.integers(0, 50)):]
    if kind == "insert":
        at = data.draw(st.integers(0, len(text)))
        junk = data.draw(st.text(alphabet=st.sampled_from(list(":-[]{}&*!|>'\"#%@` \n\t,?0123456789abcNOyes~.")),
                                 max_size=20))
        return text[:at] + junk + text[at:]
    if kind == "swap" and len(lines) > 1:
        i, j = data.draw(st.integers(0, len(lines) - 1)), data.draw(st.integers(0, len(lines) - 1))
        lines[i], lines[j] = lines[j], lines[i]
    elif kind == "duplicate" and lines:
        i = data.draw(st.integers(0, len(lines) - 1))
        lines.insert(i, lines[i])
    elif kind == "indent" and lines:
        i = data.draw(st.integers(0, len(lines) - 1))
        lines[i] = " " * data.draw(st.integers(0, 7)) + lines[i].lstrip(" ")
    elif kind == "replace" and lines:
        i = data.draw(st.integers(0, len(lines) - 1))
        key = lines[i].split(":")[0]
        value = data.draw(st.sampled_from(['', '~', 'NO', '010', '1e309', '-' * 3, '[', '{a: 1}', '2024-02-30',
                                           '9' * 400, 'x' * 100000]))
        lines[i] = f"{key}: {value}\n"
    return "".join(lines)


@FUZZ
@given(st.binary(max_size=2000), st.binary(max_size=2000))
def test_random_bytes(tmp_path_factory, workspace: bytes, indicator: bytes) -> None:
    _load(tmp_path_factory.mktemp("bytes"), workspace, indicator)


@FUZZ
@given(st.data())
def test_mutated_valid_files(tmp_path_factory, data: st.DataObject) -> None:
    workspace = WORKSPACE_TEXT
    indicator = INDICATOR_TEXT
    for _ in range(data.draw(st.integers(1, 4))):
        if data.draw(st.booleans()):
            indicator = _mutate(indicator, data)
        else:
            workspace = _mutate(workspace, data)
    encoding = data.draw(st.sampled_from(["utf-8", "utf-16", "latin-1"]))
    _load(tmp_path_factory.mktemp("mutated"), workspace.encode(encoding, "replace"),
          indicator.encode(encoding, "replace"))


WRONG_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10**30), max_value=10**30), st.floats(allow_nan=True),
    st.text(max_size=50), st.just("x" * 30000), st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3), st.dates(),
)


def _paths(node, prefix=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*prefix, key)
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield (*prefix, i)
            yield from _paths(value, (*prefix, i))


BASE = yaml.safe_load(INDICATOR_TEXT)
FIELD_PATHS = list(_paths(BASE))


@FUZZ
@given(st.sampled_from(FIELD_PATHS), WRONG_VALUES)
def test_every_field_given_a_wrong_type(path, value) -> None:
    data = copy.deepcopy(BASE)
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    text = yaml.safe_dump(data, allow_unicode=True)
    result = validate_text(IndicatorFile, text, "core.yaml")
    assert result.model is not None or result.problems
    for problem in result.problems:
        assert problem.line >= 1 and problem.code


@pytest.mark.parametrize("text", [
    "a: " + "[" * 100000 + "]" * 100000,
    "a:\n" + "".join("  " * i + f"k{i}:\n" for i in range(2000)),
    "- " * 50000 + "x",
    "title: " + "x" * 5_000_000,
    "review_cadence_days: " + "9" * 5000,
    "a: \"" + "\\u0000" * 1000 + "\"",
], ids=["flow-100k", "block-2k", "dashes-50k", "string-5MB", "int-5000-digits", "escaped-nul"])
def test_extreme_shapes_are_handled(text: str) -> None:
    parsed = parse_text(text, "x.yaml")
    assert parsed.data is not None or parsed.problems


BILLION_LAUGHS = """a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_billion_laughs_is_refused_with_bounded_memory(tmp_path: Path) -> None:
    (tmp_path / "indicators").mkdir()
    (tmp_path / "workspace.yaml").write_text(WORKSPACE_TEXT, encoding="utf-8")
    (tmp_path / "indicators" / "bomb.yaml").write_text(BILLION_LAUGHS, encoding="utf-8")
    tracemalloc.start()
    ws = load_workspace(tmp_path, today=TODAY, cache=FileCache(disk=False))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    bomb = [p for p in ws.problems if p.path.endswith("bomb.yaml")]
    assert [(p.code, p.line) for p in bomb] == [("alias", 1)]
    assert peak < 50 * 1024 * 1024
    assert [s.id for s in ws.scenarios] == ["AA", "BB"]  # the rest still loads


@pytest.mark.parametrize("tag", ["!!python/object/apply:os.system ['touch /tmp/pwned']", "!!python/name:os.system",
                                 "!!python/module:os", "!custom 1", "!!binary aGk="])
def test_unsafe_tags_are_refused(tmp_path: Path, tag: str) -> None:
    (tmp_path / "workspace.yaml").write_text(WORKSPACE_TEXT.replace("title: Tiny", f"title: {tag}"), encoding="utf-8")
    ws = load_workspace(tmp_path, today=TODAY, cache=FileCache(disk=False))
    assert ws.errors[0].code == "unsafe-tag" and ws.errors[0].line == 2


def test_a_link_out_of_the_folder_is_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text(INDICATOR_TEXT, encoding="utf-8")
    data = tmp_path / "data"
    (data / "indicators").mkdir(parents=True)
    (data / "workspace.yaml").write_text(WORKSPACE_TEXT, encoding="utf-8")
    (data / "indicators" / "sneaky.yaml").symlink_to(outside)
    ws = load_workspace(data, today=TODAY, cache=FileCache(disk=False))
    assert [p.code for p in ws.errors] == ["outside-folder"]
    assert ws.indicators == []
