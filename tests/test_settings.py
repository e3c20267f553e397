"""Settings from the environment: one place reads each variable; bad values fall back and are reported."""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

import pytest

from indicators import settings
from indicators.cli import main

from tests.conftest import FIXTURES, ROOT


def test_values_are_parsed_and_defaults_apply() -> None:
    env = {"INDICATORS_READ_ONLY": "Yes", "INDICATORS_MAX_FILE_MB": "0.5", "SOURCE_DATE_EPOCH": "86400",
           "INDICATORS_DATA": "some/where"}
    assert settings.READ_ONLY.get(env) is True
    assert settings.READ_ONLY.get({}) is False
    assert settings.MAX_FILE_MB.get(env) == 0.5
    assert settings.SOURCE_DATE_EPOCH.get(env) == dt.datetime(1970, 1, 2, tzinfo=dt.UTC)
    assert settings.data_folder(env) == Path("some/where")
    assert settings.data_folder({}) == Path("data")
    assert settings.environment_problems(env) == []


def test_a_bad_value_falls_back_to_the_default_and_is_reported() -> None:
    env = {"INDICATORS_MAX_FILE_MB": "lots", "INDICATORS_READ_ONLY": "perhaps", "INDICATORS_LOCK_TIMEOUT": "-1"}
    assert settings.MAX_FILE_MB.get(env) == 20.0
    assert settings.READ_ONLY.get(env) is False
    assert settings.LOCK_TIMEOUT_S.get(env) == 60.0
    problems = settings.environment_problems(env)
    assert len(problems) == 3
    assert any(p.startswith("INDICATORS_MAX_FILE_MB='lots' cannot be used") for p in problems)


def test_the_cli_warns_about_a_bad_value_and_still_works(monkeypatch, capsys) -> None:
    monkeypatch.setenv("INDICATORS_MAX_FILE_MB", "lots")
    assert main(["validate", "--data", str(FIXTURES / "tiny")]) == 0
    err = capsys.readouterr().err
    assert "warning: INDICATORS_MAX_FILE_MB='lots' cannot be used" in err and "using the default: 20.0" in err


def test_the_environment_is_read_only_in_the_settings_module() -> None:
    """No other module of the package reads os.environ or os.getenv (passing it on to a child is fine)."""
    offenders = []
    for path in sorted((ROOT / "indicators").rglob("*.py")):
        if path.name == "settings.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in {
                    "get", "getenv", "__getitem__"}:
                target = node.func.value
                if (isinstance(target, ast.Attribute) and target.attr == "environ") or (
                        node.func.attr == "getenv" and isinstance(target, ast.Name) and target.id == "os"):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
            if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) and \
                    node.value.attr == "environ" and isinstance(node.ctx, ast.Load):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_the_readme_lists_every_setting() -> None:
    readme = (ROOT / "README.md").read_text()
    listed = set(re.findall(r"^\| `([A-Z_]+)` \|", readme, flags=re.M))
    assert listed == {s.name for s in settings.SETTINGS}


@pytest.mark.parametrize(("name", "value"), [("SOURCE_DATE_EPOCH", "99999999999999999999"),
                                              ("INDICATORS_MAX_FILE_MB", "1e308"),
                                              ("INDICATORS_LOCK_TIMEOUT", "inf"), ("INDICATORS_MAX_FILE_MB", "nan")])
def test_an_out_of_range_value_is_a_warning_not_a_traceback(monkeypatch, capsys, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    assert main(["validate", "--data", str(FIXTURES / "tiny")]) == 0
    assert f"warning: {name}={value!r} cannot be used" in capsys.readouterr().err
