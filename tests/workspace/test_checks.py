"""The cross-file rule table (`workspace/checks.py`): each rule emits only the codes it declares, and
the table is what the driver runs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

import pytest

from indicators.workspace import checks
from indicators.workspace.load import load_workspace
from indicators.workspace.parse_cache import FileCache
from indicators.workspace.problems import Problem

from tests.conftest import FIXTURES, ROOT


def _declared(rule: checks.Rule, fired: dict[str, set[str]]) -> Callable[..., Iterable[Problem]]:
    """The rule's check, failing on a code the table does not list for it; what it emits recorded in `fired`."""
    def check(*args: Any) -> list[Problem]:
        found = list(rule.check(*args))
        for problem in found:
            assert problem.code in rule.codes, f"{rule.check.__name__} emits {problem.code}, not in its codes"
        fired.setdefault(rule.check.__name__, set()).update(p.code.value for p in found)
        return found
    return check


def test_every_rule_emits_only_the_codes_it_declares(monkeypatch: pytest.MonkeyPatch) -> None:
    fired: dict[str, set[str]] = {}
    monkeypatch.setattr(checks, "_BY_SCOPE", {
        scope: tuple(_declared(rule, fired) for rule in checks.RULES if rule.scope == scope)
        for scope in checks._BY_SCOPE})
    for folder in [*sorted(p for p in FIXTURES.iterdir() if p.is_dir()), ROOT / "data"]:
        for today in (dt.date(2020, 1, 1), dt.date(2026, 11, 27)):
            load_workspace(folder, today=today, cache=FileCache(disk=False))
    # the fixtures exercise most of the table (the rest is covered by test_load.py and test_parse_cache.py)
    assert sum(1 for codes in fired.values() if codes) >= len(checks.RULES) // 2, fired


def test_the_table_runs_every_rule_once_in_a_known_scope() -> None:
    assert len({rule.check for rule in checks.RULES}) == len(checks.RULES)
    assert {rule.scope for rule in checks.RULES} == set(checks._BY_SCOPE)
    assert all(rule.codes for rule in checks.RULES)
