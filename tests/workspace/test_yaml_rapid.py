"""The rapidyaml fast path gives exactly what PyYAML's safe loader gives, or defers (differential tests).

Three kinds of input, as hypothesis draws them: workspace-shaped documents built from every scalar
form where YAML 1.1 and rapidyaml could disagree (plain, quoted, folded and literal blocks, flow
and block lists, comments, unicode, CRLF); mutations of the real files of the default workspace;
and random data dumped by PyYAML in its styles. Each must come out of `yaml_rapid.parse` either as
`DEFER` or equal to `yaml.load(text, CSafeLoader)` in value, type and key order. Then the fuzz
corpus's hostile inputs go through rapidyaml in a subprocess (it must not crash or hang), every
workspace of the repository loads the same with and without the fast path, and the board works
without the wheel. `HYPOTHESIS_PROFILE=long` runs 5,000 examples of each (conftest.py).
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indicators.workspace import yaml_rapid
from indicators.workspace.load import load_workspace
from indicators.workspace.parse_cache import FileCache

from tests.conftest import FIXTURES, ROOT, TODAY

pytestmark = pytest.mark.skipif(yaml_rapid.ryml is None, reason="the rapidyaml wheel is a dependency")
DIFF = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
DATA_FILES = sorted((ROOT / "data").rglob("*.yaml"))

# Scalars written as YAML where the two readers could disagree, each as it stands in a document.
TRICKY = ["yes", "No", "ON", "off", "y", "n", "true", "False", "~", "null", "Null", "", "010", "0x1F", "0o17",
          "0b101", "1_000", "1:20", "12:30:45", "+12", "-0", "0.", ".5", "-.5", "+.5", "1e3", "1.0e+3", "1.5e-3",
          "1E3", ".inf", "-.Inf", ".NaN", "nan", "inf", "Infinity", "2024-01-01", "2024-1-1", "2024-01-01 10:00:00",
          "2024-01-01T10:00:00Z", "2001-12-14t21:59:43.10-05:00", "12", "-7", "3.25", "007", "1,000", "=", "<<",
          "café", "Ünïcödé ✓", "日本語", "a: b", "a #b", "#x", "@x", "`x`", "%x", "&a x", "*a", "!x y", "? x",
          "[a, b]", "{a: 1}", "- x", "a - b", "x:", "R&D", "Wow!", "it's", "\"q\"", "'s'", "SAT-01.3",
          "https://example.org/a?b=1&c=2#f", "TLP:AMBER+STRICT", "5%", "50-60%", "¼", "\u00a0x", "x\u2028y"]


def _plain(s: str) -> str:
    return s


def _single(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _double(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


scalar_text = st.one_of(st.sampled_from(TRICKY), st.text(alphabet=st.characters(codec="utf-8",
                                                                                  exclude_categories=("Cs",)),
                                                             max_size=12))
scalar = st.builds(lambda s, style: style(s), scalar_text, st.sampled_from([_plain, _plain, _single, _double]))
key = st.one_of(st.sampled_from(["id", "date", "title", "summary", "value", "yes", "1", "2024-01-01", "on",
                                 "ratings", "MIL-COOP", "a b", "~", "null"]),
                st.from_regex(r"[a-z][a-z_]{0,8}", fullmatch=True))
comment = st.sampled_from(["", "  # a comment", " # 'yes' \"010\" `x` @y", "  #"])


@st.composite
def documents(draw: st.DrawFn) -> str:
    """A workspace-shaped YAML document (it may be invalid YAML: then PyYAML decides)."""
    lines: list[str] = [draw(st.sampled_from(["", "# header comment", "---"]))]

    def block(indent: int, depth: int) -> None:
        for _ in range(draw(st.integers(1, 4))):
            pad = " " * indent
            k = draw(key)
            kind = draw(st.sampled_from(["scalar", "scalar", "flow", "folded", "map", "list", "empty"]
                                        if depth < 3 else ["scalar", "flow", "folded", "empty"]))
            if kind == "scalar":
                lines.append(f"{pad}{k}: {draw(scalar)}{draw(comment)}")
            elif kind == "empty":
                lines.append(f"{pad}{k}:{draw(comment)}")
            elif kind == "flow":
                items = draw(st.lists(scalar, max_size=4))
                if draw(st.booleans()):
                    lines.append(f"{pad}{k}: [{', '.join(items)}]")
                else:
                    pairs = [f"{draw(key)}: {item}" for item in items]
                    lines.append(f"{pad}{k}: {{{', '.join(pairs)}}}")
            elif kind == "folded":
                header = draw(st.sampled_from([">-", ">", "|", "|-", "|+", ">+", "|2", ">- # c"]))
                lines.append(f"{pad}{k}: {header}")
                for text in draw(st.lists(scalar_text, min_size=1, max_size=3)):
                    lines.append(f"{pad}  {text}" if text else "")
            elif kind == "map":
                lines.append(f"{pad}{k}:{draw(comment)}")
                block(indent + 2, depth + 1)
            else:
                lines.append(f"{pad}{k}:")
                for _ in range(draw(st.integers(1, 3))):
                    if draw(st.booleans()):
                        lines.append(f"{pad}  - {draw(scalar)}")
                    else:
                        lines.append(f"{pad}  - {draw(key)}: {draw(scalar)}")
                        lines.append(f"{pad}    {draw(key)}: {draw(scalar)}")

    block(0, 0)
    newline = draw(st.sampled_from(["\n", "\n", "\r\n"]))
    return newline.join(lines) + draw(st.sampled_from(["", newline]))


def same(a: object, b: object) -> bool:
    """Equal in value, type and key order (NaN equal to NaN)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(k1, k2) and same(a[k1], b[k2]) for k1, k2 in zip(a, b))
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return a == b


def check(text: str) -> bool:
    """The fast path's answer for `text` is DEFER or PyYAML's; True when it did not defer."""
    fast = yaml_rapid.parse(text)
    if fast is yaml_rapid.DEFER:
        return False
    exact = yaml.load(text, Loader=yaml.CSafeLoader)  # noqa: S506 - the safe loader
    assert same(fast, exact), (text, fast, exact)
    return True


@DIFF
@given(documents())
def test_workspace_shaped_documents_read_the_same_or_defer(text: str) -> None:
    check(text)


@DIFF
@given(st.sampled_from(DATA_FILES), st.data())
def test_mutations_of_the_default_workspace_read_the_same_or_defer(path: Path, data: st.DataObject) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(0, len(lines) - 1))
        kind = data.draw(st.sampled_from(["value", "insert", "delete", "indent"]))
        if kind == "value" and ": " in lines[at]:
            head = lines[at].split(": ", 1)[0]
            lines[at] = f"{head}: {data.draw(scalar)}\n"
        elif kind == "insert":
            lines.insert(at, lines[at][: len(lines[at]) - len(lines[at].lstrip())] + data.draw(scalar_text) + "\n")
        elif kind == "delete":
            del lines[at]
        else:
            lines[at] = " " + lines[at]
    check("".join(lines))


plain_data = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12), st.floats(allow_nan=False),
              st.dates(dt.date(1900, 1, 1), dt.date(2199, 12, 31)), scalar_text),
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(st.one_of(scalar_text, st.integers(0, 99)), children, max_size=4)),
    max_leaves=20)


@DIFF
@given(plain_data, st.sampled_from([None, False, True]), st.booleans(), st.sampled_from([None, "'", '"']))
def test_data_dumped_by_pyyaml_reads_the_same_or_defers(value, flow, unicode, quotes) -> None:
    text = yaml.safe_dump({"root": value}, default_flow_style=flow, allow_unicode=unicode, default_style=quotes,
                          sort_keys=False)
    check(text)


def test_every_workspace_file_of_the_repository_takes_the_fast_path_or_defers_and_agrees() -> None:
    files = sorted(ROOT.glob("data/**/*.yaml")) + sorted(FIXTURES.rglob("*.yaml"))
    fast = [path for path in files if check(path.read_text(encoding="utf-8", errors="replace"))]
    # every file of the default workspace reads fast: its comments, quotes and prose set off no alarm
    assert set(DATA_FILES) <= set(fast)


@pytest.mark.parametrize("text", [
    "a: 'yes'\n", 'a: "2024-01-01"\n', "a: >-\n  yes\n", "a: -.5\n", "a: &x 1\nb: *x\n",
    "a: !!str 1\n", "<<: {a: 1}\n", "a: 1\na: 2\n", "a:\tb\n", "a: \"\\x41\"\n", "\ufeffa: 1\n",
    "a: 1\n---\nb: 2\n", "%YAML 1.1\n---\na: 1\n", "a: |2\n   x\n", "? a\n: b\n", "a: @x\n", "a: nan\n",
    "a: [1, '2']\n", "a: +12\n", "id: >-\n  2024-01-01 10:00:00\n", "a: .inf\n", "a: -.Inf\n", "a: x\n... \n",
    "a: x # y\n  ]\n",
    # found in review: each read otherwise by rapidyaml, or refused by PyYAML
    "a: {b: x # n\n  , c: y}\n", "a: .5e3\n", 'a: {"b":"1","c":"2024-01-01"}\n', "a: {b: x #c\n  y}\n",
    'a: "12345678901234567890123456789012345678901234567890"\n', 'a: "2024-01-01\n  10:00:00"\n',
    'a:\n  "a\n  b": c\n', "a: {x:}\n", "a: [x:]\n", "a: {x:,y}\n", "- [a] - b\n", "|-\nyes\n", ">-\n2024-01-01\n",
    # each path of the screen's inventory and literal scans: a quote opening the text, after a dash or in flow,
    # a quote left open, typed block-scalar lines with a colon, a colon opening a token, flow indicators
    '"yes"\n', "- 'on'\n", "a: [b, '0x1F']\n", "a: 'open\n", 'a: "x"\nb: "open\n', "a: |\n  10:00:00\n",
    "a: >-\n  1:20\n", "a: |\n  2024-01-01\n", "- :x\n", "a: :x\n", "a: [:x]\n", "a: {? x}\n", "a: [b, :c]\n",
    "a:\r\n  - 1\r  b\n", "a: x\r\n---\r\nb: y\r\n", "a: b\\c\n", "a: b\x01\n", "a: \u00e9\u2028b\n",
    # found by the long run: a bare anchor, alias or tag where a token starts
    "&\n# c\na: 1\n", "a: &\n", "a: *\n", "- &\n  b: 1\n", "a: [&, b]\n",
    # found in review: colons opening tokens next to one another, a header with text after it, a tag after a quote
    "[-:: :y]\n", "k: [a-:: :b]\n", "k: {x-:: :y}\n", "k: [a-::: :b]\n", "k: | -\n", "k: > -\n  x\n",
    "k: |x\n  y\n", '"a" !\n', "'a' !\n",
])
def test_what_could_read_otherwise_defers(text: str) -> None:
    assert yaml_rapid.parse(text) is yaml_rapid.DEFER


@pytest.mark.parametrize(("text", "expected"), [
    ("a: 2024-01-01\n", {"a": dt.date(2024, 1, 1)}),
    ("a: yes\nb: ~\nc: 0x1F\nd: 1_000\ne: 1:20\n", {"a": True, "b": None, "c": 31, "d": 1000, "e": 80}),
    ("2024-01-02: x\n1: y\n", {dt.date(2024, 1, 2): "x", 1: "y"}),
    ("a: Kim's \"null\" scenario\n", {"a": 'Kim\'s "null" scenario'}),
    ("a: [1e3, 1.5e-3, 12, 0., 1E3]\n", {"a": ["1e3", 0.0015, 12, 0.0, "1E3"]}),  # rapidyaml's own number text
    ("a: 0x1234567890abcdef1234567890abcdef12345678\n", {"a": 0x1234567890ABCDEF1234567890ABCDEF12345678}),
])
def test_plain_scalars_are_typed_as_yaml_1_1_types_them(text: str, expected: dict) -> None:
    assert same(yaml_rapid.parse(text), expected)


HOSTILE = {
    "billion laughs": "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + n)}: &{chr(98 + n)} [*{chr(97 + n)}, *{chr(97 + n)}, *{chr(97 + n)}, *{chr(97 + n)}]\n"
        for n in range(9)),
    "deep nesting": "a: " + "[" * 100_000 + "]" * 100_000 + "\n",
    "deep block nesting": "".join(" " * n + f"k{n}:\n" for n in range(0, 4000, 2)) + " " * 4000 + "v: 1\n",
    "huge scalar": "a: " + "x" * 5_000_000 + "\n",
    "truncated": "a: [1, 2\nb: {c: \"unterminated\n",
    "nul and junk": "a: b\x00c\n\x01\x02: [\n",
    "many keys": "".join(f"k{n}: {n}\n" for n in range(200_000)),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_rapidyaml_survives_hostile_input_in_a_subprocess(name: str, tmp_path: Path) -> None:
    """rapidyaml itself, unscreened, on each hostile input: no crash, no hang, no runaway memory
    (the screen defers most of these before rapidyaml would see them)."""
    path = tmp_path / "hostile.yaml"
    path.write_text(HOSTILE[name], encoding="utf-8", errors="surrogatepass")
    code = ("import resource, sys, ryml\n"
            "resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))\n"
            "data = open(sys.argv[1], 'rb').read()\n"
            "try:\n    ryml.emit_json(ryml.parse_in_arena(data))\nexcept Exception:\n    pass\n"
            "from indicators.workspace import yaml_rapid\n"
            "yaml_rapid.parse(data.decode('utf-8', 'replace'))\n")
    done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]


def _dump(ws) -> tuple:
    return (ws.meta.model_dump(mode="json"), [i.model_dump(mode="json") for i in ws.indicators],
            [(p.path, p.line, p.column, p.code, p.message) for p in ws.problems])


@pytest.mark.parametrize("folder", [ROOT / "data", *sorted(p for p in FIXTURES.iterdir() if p.is_dir())],
                         ids=lambda p: p.name)
def test_every_workspace_loads_the_same_with_and_without_the_fast_path(folder: Path, monkeypatch) -> None:
    fast = load_workspace(folder, today=TODAY, cache=FileCache(disk=False))
    monkeypatch.setattr(yaml_rapid, "ryml", None)
    monkeypatch.setattr(yaml_rapid, "_warned", True)
    exact = load_workspace(folder, today=TODAY, cache=FileCache(disk=False))
    assert _dump(fast) == _dump(exact)


def test_without_the_wheel_the_board_reads_with_pyyaml_and_says_so_once(monkeypatch, caplog) -> None:
    monkeypatch.setattr(yaml_rapid, "ryml", None)
    monkeypatch.setattr(yaml_rapid, "_warned", False)
    with caplog.at_level(logging.WARNING, logger="indicators"):
        first = load_workspace(FIXTURES / "tiny", today=TODAY, cache=FileCache(disk=False))
        load_workspace(FIXTURES / "track", today=TODAY, cache=FileCache(disk=False))
    assert not first.errors and len(first.indicators) > 0
    said = [r.message for r in caplog.records if "rapidyaml is not installed" in r.message]
    assert len(said) == 1
