"""Names in prose point at code that exists: after a move, no docstring or comment names the old module.

Every docstring and comment of `indicators/`, `tests/`, `benchmarks/` and `dashboard.py`, and every
line of the README, is read for three kinds of reference, each checked against the source tree
(parsed, never imported):

- a dotted name under the package (`indicators.reports.markings.releasable`): the module, then the
  name in it, then (for a class) the name in the class;
- a path to a Python file (`indicators/workspace/load.py`, `tests/scoring/test_warning.py`, or a bare
  `load.py`): some file of the repository ends with it;
- `module.name` where `module` is the last part of one of our modules or packages
  (`markings.shown_marking`, `scoring.track.scores`), or where `name` is defined at the top of one of
  our modules (the parse cache's class named after the old `cache` module, say): one of our modules
  of that name defines it. A module that moved away (`MOVED`) is not named, in backticks alone or so.

Names of the standard library and installed packages (`html.escape`, `st.user`, `yaml.load`) are
not ours and are left alone, and so is a parameter of the function (the `commit` of the `outgoing`
that `check_commit` takes) unless what follows it is one of our names; `*` at the end of a name
matches any name it begins.
"""

from __future__ import annotations

import ast
import io
import os
import re
import sys
import tokenize
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib.util import find_spec
from pathlib import Path

import pytest

from tests.conftest import ROOT

SCANNED = ("indicators", "tests", "benchmarks", "dashboard.py")
SKIPPED_DIRS = {".venv", ".git", "node_modules", "__pycache__", "fixtures", ".hypothesis"}
FILE_SUFFIXES = {"py", "json", "yaml", "yml", "csv", "md", "j2", "html", "css", "txt", "toml", "cjs", "png"}
# Files named to say they must not exist or as a placeholder: (name, why).
NOT_FILES = {
    "indicators.py": "a file committed at a clone's top that must not shadow the package (git.python_command)",
    "script.py": "any script, as in `python script.py`",
}

# Modules that moved into the layers and whose old names are now nothing: old name -> where it went.
MOVED = {"redact": "reports.markings", "html_report": "reports.html", "board": "scoring.warning",
         "yamlfile": "workspace.yaml_reader"}

DOTTED = re.compile(r"(?<![\w./-])indicators(?:\.[A-Za-z_]\w*)+")
PY_PATH = re.compile(r"(?<![\w./<*-])((?:[\w.-]+/)*[\w-]+\.py)(?![\w/])")
TICKED = re.compile(r"`([^`\n]+)`")
SHORT = re.compile(r"(?<![\w./-])([a-z_]\w*)((?:\.[A-Za-z_]\w*)+)(\*?)(?![\w/-])")


@dataclass(frozen=True)
class Text:
    """A docstring or comment, and where it is."""

    where: str  # path:line
    text: str
    params: frozenset[str] = frozenset()  # the parameters of the function it documents or sits in


@dataclass(frozen=True)
class Module:
    """One of our modules or packages, as its source declares it."""

    name: str  # dotted: indicators.workspace.load
    path: Path  # the .py file (a package's __init__.py)

    @property
    def stem(self) -> str:
        return self.name.rsplit(".", 1)[-1]


def _params(node: ast.AST) -> frozenset[str]:
    """The parameter names of a function (none for a module or class)."""
    if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        return frozenset()
    args = node.args
    every = [*args.posonlyargs, *args.args, *args.kwonlyargs, *filter(None, (args.vararg, args.kwarg))]
    return frozenset(a.arg for a in every)


def texts_of_source(source: str, rel: str) -> Iterator[Text]:
    """Every module, class and function docstring, and every comment, of one file's source."""
    spans: list[tuple[int, int, frozenset[str]]] = []  # (first line, last line, parameters) of each function
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            spans.append((node.lineno, node.end_lineno or node.lineno, _params(node)))
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            doc = ast.get_docstring(node, clean=False)
            if doc is not None:
                yield Text(f"{rel}:{node.body[0].lineno}", doc, _params(node))
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            line = token.start[0]
            inner = [s for s in spans if s[0] <= line <= s[1]]
            params = min(inner, key=lambda s: s[1] - s[0])[2] if inner else frozenset()
            yield Text(f"{rel}:{line}", token.string, params)


def _python_files(top: Path) -> Iterator[Path]:
    """The Python files under `top`, fixtures and caches left out."""
    for path in sorted(top.rglob("*.py")):
        if not SKIPPED_DIRS.intersection(path.relative_to(ROOT).parts):
            yield path


def texts() -> Iterator[Text]:
    """The prose of the repository: docstrings and comments, and the README's lines."""
    for top in SCANNED:
        for path in [ROOT / top] if top.endswith(".py") else _python_files(ROOT / top):
            yield from texts_of_source(path.read_text(encoding="utf-8"), path.relative_to(ROOT).as_posix())
    for number, line in enumerate((ROOT / "README.md").read_text(encoding="utf-8").splitlines(), 1):
        yield Text(f"README.md:{number}", line)


@cache
def modules() -> dict[str, Module]:
    """Our modules and packages by dotted name."""
    found: dict[str, Module] = {}
    for path in _python_files(ROOT / "indicators"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = Module(".".join(parts), path)
    return found


def _assigned(targets: Iterable[ast.expr]) -> Iterator[str]:
    """The names assignment targets bind (`a`, `a, b`)."""
    for target in targets:
        if isinstance(target, ast.Name):
            yield target.id
        elif isinstance(target, ast.Tuple | ast.List):
            yield from _assigned(target.elts)


def _names_in(body: list[ast.stmt]) -> dict[str, ast.stmt]:
    """The names a module or class body binds at its top: defs, classes, assignments, imports."""
    names: dict[str, ast.stmt] = {}
    for node in body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names[node.name] = node
        elif isinstance(node, ast.Assign):
            names.update(dict.fromkeys(_assigned(node.targets), node))
        elif isinstance(node, ast.AnnAssign | ast.AugAssign):
            names.update(dict.fromkeys(_assigned([node.target]), node))
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update({(a.asname or a.name).split(".")[0]: node for a in node.names})
        elif isinstance(node, ast.If | ast.Try):  # `if TYPE_CHECKING:`, `try: import …`
            for block in (node.body, getattr(node, "orelse", []), *[h.body for h in getattr(node, "handlers", [])]):
                names.update(_names_in(block))
    return names


@cache
def top_names(module: str) -> dict[str, ast.stmt]:
    """The names module `module` binds at its top."""
    return _names_in(ast.parse(modules()[module].path.read_text(encoding="utf-8")).body)


@cache
def defined_anywhere() -> frozenset[str]:
    """Every name a module of ours defines at its top (def, class or assignment, not an import)."""
    return frozenset(name for module in modules() for name, node in top_names(module).items()
                     if not isinstance(node, ast.Import | ast.ImportFrom) and len(name) > 2)


def _matches(name: str, names: Iterable[str], prefix: bool) -> list[str]:
    """The `names` equal to `name`, or beginning with it when `prefix` (a name ending in `*`)."""
    return [n for n in names if n.startswith(name)] if prefix else [n for n in names if n == name]


def resolves(module: str, attrs: list[str], prefix: bool = False) -> bool:
    """Whether `attrs` name a submodule, then a name, then (in a class) a name, from `module` down."""
    if not attrs:
        return True
    head, rest = attrs[0], attrs[1:]
    last = prefix and not rest
    if head.startswith("__") and head.endswith("__"):
        return True
    if f"{module}.{head}" in modules() and not last:
        return resolves(f"{module}.{head}", rest, prefix)
    if last and any(m.startswith(f"{module}.{head}") for m in modules()):
        return True
    for name in _matches(head, top_names(module), last):
        node = top_names(module)[name]
        if not rest or not isinstance(node, ast.ClassDef):
            return True  # a function's, a constant's or an imported name's attributes are not checked
        if _matches(rest[0], _names_in(node.body), prefix and len(rest) == 1):
            return True
    return False


def dotted_problem(ref: str) -> str | None:
    """Why `indicators.…` does not resolve, or None."""
    parts = ref.split(".")
    if parts[-1] in FILE_SUFFIXES and len(parts) == 2:  # indicators.json, indicators.py: a file name
        return None
    return None if resolves("indicators", parts[1:]) else f"{ref}: no such module or name in indicators/"


@cache
def repository_files() -> tuple[str, ...]:
    """Every Python file of the repository (fixtures too), as a path relative to its top."""
    found = []
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in {".venv", ".git", "node_modules", "__pycache__"}]
        found += [(Path(folder) / f).relative_to(ROOT).as_posix() for f in files if f.endswith(".py")]
    return tuple(found)


def path_problem(ref: str) -> str | None:
    """Why the file path `ref` names no file of the repository, or None."""
    if ref in NOT_FILES:
        return None
    ref = ref.removeprefix("./")
    if any(f == ref or f.endswith("/" + ref) for f in repository_files()):
        return None
    return f"{ref}: no such file"


def _not_ours(first: str) -> bool:
    """A name of the standard library, an installed package, or a usual alias (`st`, `pd`, `np`)."""
    if first in {"st", "pd", "np", "alt", "ryml"} or first in sys.stdlib_module_names:
        return True
    return first not in {m.stem for m in modules().values()} and find_spec(first) is not None


def short_problem(match: re.Match[str], params: frozenset[str] = frozenset()) -> str | None:
    """Why a `module.name` naming one of our modules, or one of our names, does not resolve."""
    ref = match.group(0)
    if match.group(1) == "indicators" or _not_ours(match.group(1)):  # (DOTTED's)
        return None
    first, attrs, star = match.group(1), match.group(2).split(".")[1:], bool(match.group(3))
    if attrs[-1] in FILE_SUFFIXES:  # workspace.yaml, report.html: a file name
        return None
    if first in MOVED:
        return f"{ref}: module {first!r} moved to {MOVED[first]}"
    if first in params and not _matches(attrs[0], defined_anywhere(), star and len(attrs) == 1):
        return None
    owners = [m.name for m in modules().values() if m.stem == first]
    if owners:
        if any(resolves(owner, attrs, star) for owner in owners):
            return None
        return f"{ref}: no {'.'.join(attrs)} in {' or '.join(owners)}"
    if _matches(attrs[0], defined_anywhere(), star and len(attrs) == 1):
        return f"{ref}: {attrs[0]} is ours, but there is no module {first!r}"
    return None


def moved_problem(ref: str, params: frozenset[str] = frozenset()) -> str | None:
    """Why a backticked module name alone (redact) is stale: a module that moved, unless a parameter."""
    if ref in MOVED and ref not in params:
        return f"{ref}: module {ref!r} moved to {MOVED[ref]}"
    return None


def problems_in(text: Text) -> list[str]:
    """Every reference in `text` that names nothing, each as 'where: reference: why'."""
    found = [dotted_problem(m.group(0)) for m in DOTTED.finditer(text.text)]
    found += [path_problem(m.group(1)) for m in PY_PATH.finditer(text.text)]
    found += [short_problem(m, text.params) for m in SHORT.finditer(text.text)]
    found += [moved_problem(m.group(1), text.params) for m in TICKED.finditer(text.text)]
    return [f"{text.where}: {problem}" for problem in found if problem]


def test_every_module_file_and_name_in_the_prose_exists() -> None:
    """No docstring, comment or README line names a module, file or name that is not there."""
    stale = [problem for text in texts() for problem in problems_in(text)]
    assert not stale, "stale names in docstrings, comments or the README:\n" + "\n".join(stale)


def test_the_scan_reads_the_whole_tree() -> None:
    """The checks run over every module and every kind of reference (a scan that reads nothing passes)."""
    found = list(texts())
    assert len(found) > 2000
    assert "indicators.workspace.load" in modules() and "indicators.app.views" in modules()
    assert any(DOTTED.search(t.text) for t in found) and any(PY_PATH.search(t.text) for t in found)


STALE = '''"""Reads the files (see `indicators.workspace.loader`), checked by `cache.FileCache`."""

def plan(outgoing, diff) -> None:
    """Like `edit.plan_*` and `indicators.reports.markings.not_there`; see workspace/cache.py and `redact`."""
    # `diff.diff_snapshots` compares; `markings.no_such_thing` and `scoring.track.nothing` do not exist.
    # tests/test_export.py has the golden files, `updates.Edit.nope` is no field, `board.status_as_of`
    return None
'''

FRESH = '''"""Reads the files (see `indicators.workspace.load`), checked by `parse_cache.FileCache`."""

def plan(outgoing, board) -> None:
    """Like `updates.plan_*` and `indicators.reports.markings.releasable`; see workspace/parse_cache.py."""
    # `compare.diff_snapshots` compares; `markings.shown_marking` and `scoring.track.scores` exist.
    # tests/reports/test_export.py has the golden files, `updates.Edit.files` is a field; `html.escape`,
    # `st.user`, `workspace.yaml`, indicators.json, `ws.meta.sources`, `outgoing.commit` (a parameter)
    # and `board` (another) are not modules of ours.
    return None
'''


@pytest.mark.parametrize(("source", "expected"), [
    (STALE, ["board.status_as_of", "cache.FileCache", "diff.diff_snapshots", "edit.plan_*",
             "indicators.reports.markings.not_there", "indicators.workspace.loader", "markings.no_such_thing",
             "redact", "scoring.track.nothing", "tests/test_export.py", "updates.Edit.nope", "workspace/cache.py"]),
    (FRESH, []),
])
def test_a_stale_name_is_found_and_a_current_one_is_not(source: str, expected: list[str]) -> None:
    """A synthetic module naming moved modules, missing names and files fails; the same, corrected, passes."""
    found = [problem for text in texts_of_source(source, "synthetic.py") for problem in problems_in(text)]
    assert sorted(problem.split(": ")[1] for problem in found) == sorted(expected), found
