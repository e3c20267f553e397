"""The architecture, checked on the source: who may import Streamlit, and which layer may import which.

Layers, bottom to top (README: the package layout):

    indicators.settings      the environment, parsed in one place         imports nothing of indicators
    indicators.workspace     vocab, model, loading, validation            settings
    indicators.scoring       warning levels, trends: what the board is    workspace
    indicators.presentation  tables, labels and charts that are shown     workspace, scoring
    indicators.editing       updates written into the YAML                workspace
    indicators.reports       snapshots, markings, exports                 workspace, scoring, presentation
    indicators.cli           the command line                             everything but app
    indicators.__main__      `python -m indicators` (git's merge driver)  cli
    indicators.app           the Streamlit board                          everything

Every layer may import `indicators.settings` and the package itself (`indicators/__init__.py`, a facade
that may import only workspace and settings). Only `indicators.app` may import Streamlit. Imports are
read from the syntax tree, so imports inside functions (lazy imports), under `if TYPE_CHECKING:` and
through `importlib.import_module("…")` / `__import__("…")` with a literal name all count.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "indicators"
APP = "indicators.app"
SETTINGS = "indicators.settings"
FACADE = "indicators"  # indicators/__init__.py

# layer -> the other layers it may import (its own modules always; the facade and settings everywhere)
ALLOWED: dict[str, set[str]] = {
    SETTINGS: set(),
    "indicators.workspace": set(),
    "indicators.scoring": {"indicators.workspace"},
    "indicators.presentation": {"indicators.workspace", "indicators.scoring"},
    "indicators.editing": {"indicators.workspace"},
    "indicators.reports": {"indicators.workspace", "indicators.scoring", "indicators.presentation"},
    "indicators.cli": {"indicators.workspace", "indicators.scoring", "indicators.presentation", "indicators.editing",
                       "indicators.reports"},
    "indicators.__main__": {"indicators.cli"},
    APP: {"indicators.workspace", "indicators.scoring", "indicators.presentation", "indicators.editing",
          "indicators.reports", "indicators.cli"},
    FACADE: {"indicators.workspace"},
}


class Import(NamedTuple):
    line: int
    module: str  # the module imported, absolute ("indicators.workspace.load", "streamlit.components.v1")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def package_modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _literal(call: ast.Call) -> str | None:
    if call.args and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str):
        return call.args[0].value
    return None


def _is_dynamic_import(func: ast.expr) -> bool:
    """importlib.import_module(…), import_module(…) (from importlib) or __import__(…)."""
    if isinstance(func, ast.Name):
        return func.id in {"__import__", "import_module"}
    return isinstance(func, ast.Attribute) and func.attr == "import_module"


def imports(source: str, module: str = "snippet", *, is_package: bool = False,
            known: frozenset[str] = frozenset()) -> Iterator[Import]:
    """Every import in the source, at any depth, made absolute.

    `from X import name` imports X.name when that is a module in `known` (a submodule), else X.
    Relative imports are resolved against `module` (a package's own name for its `__init__`)."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(node.lineno, alias.name)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")
                anchor = anchor[: len(anchor) - node.level + (1 if is_package else 0)]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                yield Import(node.lineno, sub if sub in known else base)
        elif isinstance(node, ast.Call) and _is_dynamic_import(node.func) and (name := _literal(node)):
            yield Import(node.lineno, name)


def streamlit_imports(source: str) -> list[Import]:
    return [i for i in imports(source) if i.module == "streamlit" or i.module.startswith("streamlit.")]


def layer_of(module: str) -> str | None:
    if module == FACADE:
        return FACADE
    candidates = [layer for layer in ALLOWED if layer != FACADE and (module == layer or module.startswith(layer + "."))]
    return max(candidates, key=len, default=None)


def upward_imports(source: str, module: str, *, is_package: bool = False,
                   known: frozenset[str] = frozenset()) -> list[str]:
    """'line: importer -> imported' for each import of indicators that the importer's layer may not make."""
    own = layer_of(module)
    assert own is not None, f"{module} is in no layer: add it to ALLOWED in {Path(__file__).name}"
    found = []
    for imp in imports(source, module, is_package=is_package, known=known):
        if imp.module != FACADE and not imp.module.startswith(FACADE + "."):
            continue  # not ours
        target = layer_of(imp.module)
        if target in {own, FACADE, SETTINGS}:
            continue
        if target is None or target not in ALLOWED[own]:
            found.append(f"{imp.line}: {module} ({own}) -> {imp.module} ({target})")
    return found


MODULES = package_modules()
KNOWN = frozenset(MODULES)


# --- Streamlit only in indicators.app ------------------------------------------------------------------

def test_the_checker_sees_the_package() -> None:
    assert {"indicators.cli", "indicators.workspace.load", "indicators.app.main", SETTINGS} <= KNOWN
    assert any(streamlit_imports(MODULES["indicators.app.main"].read_text(encoding="utf-8")))


@pytest.mark.parametrize("snippet", [
    "import streamlit",
    "import streamlit as st",
    "import os, streamlit.components.v1 as components",
    "from streamlit import session_state",
    "from streamlit.navigation.page import StreamlitPage",
    "import importlib\nst = importlib.import_module('streamlit')",
    "from importlib import import_module\nv1 = import_module('streamlit.components.v1')",
    "st = __import__('streamlit')",
    "def lazy():\n    import streamlit as st\n    return st",
    "class Page:\n    def draw(self):\n        from streamlit import write\n        write(1)",
    "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import streamlit",
    "try:\n    import streamlit\nexcept ImportError:\n    streamlit = None",
])
def test_the_checker_catches_every_way_of_importing_streamlit(snippet: str) -> None:
    found = streamlit_imports(snippet)
    assert len(found) == 1, snippet
    assert found[0].line == snippet.count("\n", 0, snippet.index("streamlit")) + 1


@pytest.mark.parametrize("snippet", [
    "import streamlit_extras",           # another package
    "from indicators.app import state",   # the app's own module
    "name = 'streamlit'",                # a string, not an import
    "import importlib\nimportlib.reload(module)",
])
def test_the_checker_ignores_what_is_not_an_import_of_streamlit(snippet: str) -> None:
    assert streamlit_imports(snippet) == []


def test_only_the_app_imports_streamlit() -> None:
    offenders = [f"{path.relative_to(ROOT)}:{imp.line}: {imp.module}"
                 for name, path in MODULES.items() if not (name == APP or name.startswith(APP + "."))
                 for imp in streamlit_imports(path.read_text(encoding="utf-8"))]
    assert offenders == [], "Streamlit is imported outside indicators/app/:\n" + "\n".join(offenders)


# --- no import points upward --------------------------------------------------------------------------

def test_every_module_is_in_a_layer() -> None:
    assert [name for name in MODULES if layer_of(name) is None] == []


@pytest.mark.parametrize("module, snippet", [
    ("indicators.workspace.load", "from indicators.scoring import warning"),
    ("indicators.workspace.load", "def f():\n    from indicators.editing.updates import update"),
    ("indicators.workspace.load", "import indicators.cli"),
    ("indicators.scoring.frames", "from indicators.reports.snapshot import Snapshot"),
    ("indicators.scoring.frames", "from ..editing import updates"),
    ("indicators.scoring.frames", "from indicators.presentation.tables import portion_label"),
    ("indicators.scoring.warning", "def f():\n    from indicators.presentation import charts"),
    ("indicators.presentation.tables", "from indicators.reports.markings import shown_marking"),
    ("indicators.presentation.charts", "from indicators.editing import updates"),
    ("indicators.editing.updates", "from indicators.scoring import warning"),
    ("indicators.editing.updates", "import importlib\nimportlib.import_module('indicators.reports.export')"),
    ("indicators.reports.export", "from indicators.editing.updates import read_only"),
    ("indicators.reports.export", "from indicators import app"),
    ("indicators.cli", "def serve():\n    from indicators.app.main import main"),
    (SETTINGS, "from indicators.workspace.vocab import MARKING"),
    (FACADE, "from indicators.reports.export import render"),
])
def test_the_checker_catches_an_upward_import(module: str, snippet: str) -> None:
    assert len(upward_imports(snippet, module, is_package=module == FACADE, known=KNOWN)) == 1, snippet


@pytest.mark.parametrize("module, snippet", [
    ("indicators.workspace.load", "from indicators.workspace.vocab import MARKING\nfrom . import model"),
    ("indicators.workspace.load", "from indicators.settings import max_file_bytes\nfrom indicators import settings"),
    ("indicators.scoring.frames", "from ..workspace.load import Workspace\nfrom . import warning"),
    ("indicators.reports.export", "from indicators.scoring.frames import relevant_to"),
    ("indicators.presentation.tables", "from indicators.scoring import warning\nfrom . import chart_data"),
    ("indicators.reports.html", "from indicators.presentation import chart_data, charts"),
    ("indicators.app.views.trends", "from indicators.presentation.charts import status_heatmap"),
    ("indicators.cli", "def f():\n    from indicators.reports.export import render"),
    ("indicators.app.views.overview", "from indicators.cli import status_report\nfrom indicators.app import ui"),
])
def test_the_checker_allows_imports_downward_and_within_a_layer(module: str, snippet: str) -> None:
    assert upward_imports(snippet, module, known=KNOWN) == []


def test_the_checker_sees_the_real_imports() -> None:
    """Guard against a checker that passes because it reads nothing: known edges are found."""
    edges = {(layer_of(name), layer_of(imp.module))
             for name, path in MODULES.items()
             for imp in imports(path.read_text(encoding="utf-8"), name, is_package=path.name == "__init__.py",
                                known=KNOWN)}
    assert {("indicators.reports", "indicators.scoring"), ("indicators.scoring", "indicators.workspace"),
            ("indicators.cli", "indicators.reports"), (APP, "indicators.scoring"),
            ("indicators.presentation", "indicators.scoring"), ("indicators.reports", "indicators.presentation"),
            (APP, "indicators.presentation")} <= edges


def test_no_import_points_upward() -> None:
    offenders = [f"{path.relative_to(ROOT)}:{line}"
                 for name, path in MODULES.items()
                 for line in upward_imports(path.read_text(encoding="utf-8"), name,
                                            is_package=path.name == "__init__.py", known=KNOWN)]
    assert offenders == [], "imports that point up the layers (see this file's docstring):\n" + "\n".join(offenders)


# --- no import circle -----------------------------------------------------------------------------------

def import_graph(sources: dict[str, str], packages: frozenset[str] = frozenset()) -> dict[str, set[str]]:
    """Module -> the package's modules it imports, read from the syntax tree of each source: imports at
    module level, inside functions and under `if TYPE_CHECKING:` all count (a lazy import that dodges a
    circle at run time is still a circle in the design)."""
    known = frozenset(sources)
    return {name: {imp.module for imp in imports(source, name, is_package=name in packages, known=known)
                   if imp.module in known and imp.module != name}
            for name, source in sources.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle of the graph (its modules, the first repeated at the end), or None when it is a DAG."""
    done: set[str] = set()
    for start in sorted(graph):
        if start in done:
            continue
        path, on_path = [start], {start}
        stack = [iter(sorted(graph[start]))]
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:  # every import of path[-1] explored: it is in no circle
                node = path.pop()
                on_path.discard(node)
                done.add(node)
                stack.pop()
                continue
            if nxt in on_path:
                return path[path.index(nxt):] + [nxt]
            if nxt not in done:
                path.append(nxt)
                on_path.add(nxt)
                stack.append(iter(sorted(graph.get(nxt, ()))))
    return None


# The circle issue 24 found, as it was written: load imported ratings inside a function (to dodge the
# circle at run time) and entries under TYPE_CHECKING; both imported load back.
OLD_CIRCLE = {
    "indicators.workspace.load": "from indicators.workspace.entries import name_entries\n"
                                 "def _load():\n"
                                 "    from indicators.workspace.ratings import read_analyst_ratings\n",
    "indicators.workspace.ratings": "from indicators.workspace.load import Workspace, _Located, read_each\n",
    "indicators.workspace.entries": "from typing import TYPE_CHECKING\n"
                                    "if TYPE_CHECKING:\n"
                                    "    from indicators.workspace.load import Workspace\n",
}


def test_the_cycle_finder_catches_the_old_circle() -> None:
    """The test below would have failed before issue 24 broke the circle: load -> entries -> load and
    load -> ratings -> load (the first through a function-level import, the second under TYPE_CHECKING)."""
    graph = import_graph(OLD_CIRCLE)
    assert graph["indicators.workspace.load"] == {"indicators.workspace.entries", "indicators.workspace.ratings"}
    assert find_cycle(graph) == ["indicators.workspace.entries", "indicators.workspace.load",
                                 "indicators.workspace.entries"]
    del graph["indicators.workspace.entries"]
    graph["indicators.workspace.load"].discard("indicators.workspace.entries")
    assert find_cycle(graph) == ["indicators.workspace.load", "indicators.workspace.ratings",
                                 "indicators.workspace.load"]


def test_the_cycle_finder_passes_a_dag() -> None:
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None
    assert find_cycle({"a": {"b"}, "b": {"a"}}) == ["a", "b", "a"]


def test_the_package_has_no_import_cycle() -> None:
    """The modules of `indicators/` import one another as a DAG (every import counted, lazy ones too), so
    any module can be read, tested and replaced from the bottom up. On the code before issue 24 this failed
    with load -> entries -> load (and load -> ratings -> load): see `OLD_CIRCLE`."""
    sources = {name: path.read_text(encoding="utf-8") for name, path in MODULES.items()}
    packages = frozenset(name for name, path in MODULES.items() if path.name == "__init__.py")
    graph = import_graph(sources, packages)
    assert sum(map(len, graph.values())) > 100  # it reads the real imports
    assert find_cycle(graph) is None, "an import circle: " + " -> ".join(find_cycle(graph) or [])
