"""Problem codes: one registry, every code used is in it, and no code is a bare string elsewhere."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from indicators.workspace.load import load_workspace
from indicators.workspace.problems import Code, Problem, ProblemsError

from tests.conftest import FIXTURES, ROOT

PACKAGE = ROOT / "indicators"
REGISTRY = PACKAGE / "workspace" / "problems.py"
SLUGS = {code.value for code in Code}


def test_every_code_has_a_slug_a_meaning_and_a_hint() -> None:
    assert len(SLUGS) == len(Code)
    for code in Code:
        assert re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", code.value), code
        assert code.meaning and code.hint, code
        assert code == code.value and json.dumps(code) == f'"{code.value}"'


def test_a_problem_with_a_code_outside_the_registry_cannot_be_made() -> None:
    with pytest.raises(ValueError, match="not in the registry"):
        Problem("a.yaml", 1, 1, "no-such-code", "m")
    assert Problem("a.yaml", 1, 1, "unknown-key", "m").code is Code.UNKNOWN_KEY  # a slug is read as its code


def test_a_refusal_of_one_problem_takes_the_codes_hint_by_default() -> None:
    refused = ProblemsError.of(Code.READ_ONLY, "no writes")
    assert [p.to_dict() for p in refused.problems] == [
        {"path": "input", "line": 0, "column": 0, "code": "read-only", "message": "no writes",
         "hint": Code.READ_ONLY.hint, "severity": "error"}]


def test_the_loader_only_reports_registered_codes() -> None:
    for fixture in ("broken", "hostile", "tiny", "marked", "styled", "careless"):
        for problem in load_workspace(FIXTURES / fixture).problems:
            assert isinstance(problem.code, Code), problem


def _modules() -> list[tuple[Path, ast.Module]]:
    return [(path, ast.parse(path.read_text(), str(path))) for path in sorted(PACKAGE.rglob("*.py"))
            if path != REGISTRY]


def _is_slug(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in SLUGS


def _docstrings(tree: ast.Module) -> set[int]:
    return {id(node.body[0].value) for node in ast.walk(tree)
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
            and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}


def test_no_code_is_written_as_a_bare_string_outside_the_registry() -> None:
    """A code is `Code.NAME` everywhere else: made, compared or branched on (a typo is then an error)."""
    found = []
    for path, tree in _modules():
        docstrings = _docstrings(tree)
        for node in ast.walk(tree):
            if _is_slug(node) and id(node) not in docstrings:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value!r}")
    # Words that are codes but also plain words where they stand (not problem codes):
    allowed = {"indicators/cli.py: 'invalid'", "indicators/app/views/update.py: 'conflict'"}
    assert [f for f in found if re.sub(r":\d+:", ":", f) not in allowed] == []


def test_every_code_the_package_names_exists() -> None:
    named = set()
    for _path, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "Code":
                named.add(node.attr)
    assert named, "the package names codes as Code.NAME"
    assert named <= {code.name for code in Code}


def test_the_self_check_catches_a_bare_code() -> None:
    tree = ast.parse('Problem("a", 1, 1, "unknown-key", "m")\nif p.code == "conflict": pass\n')
    assert [n.value for n in ast.walk(tree) if _is_slug(n)] == ["unknown-key", "conflict"]
