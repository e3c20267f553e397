"""One rule for exit codes (issue 23): every verb that reads the board exits 1 when the workspace has errors.

A read verb prints what loads (stdout), the problems on stderr, and exits 1 when the workspace has
errors, so a script notices; warnings alone leave 0 (3 for `alerts` with a notice). Every verb the
parser registers is sorted into one class below, so a new verb cannot be added without deciding.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from indicators import cli
from indicators.cli import EXIT_NOTICES, EXIT_OK, EXIT_PROBLEMS, READ_VERBS, build_parser

from tests.conftest import FIXTURES

# Every read verb, with arguments that work on both fixtures, and its exit status on a valid workspace.
READ_ARGS: dict[str, tuple[list[str], int]] = {
    "validate": ([], EXIT_OK),
    "status": (["--as-of", "2024-03-15"], EXIT_OK),
    "show": (["AA", "--as-of", "2024-03-15"], EXIT_OK),
    "list": (["--as-of", "2024-03-15"], EXIT_OK),
    "search": (["scenario", "--as-of", "2024-03-15"], EXIT_OK),
    "disagreement": ([], EXIT_OK),
    "scores": ([], EXIT_OK),
    "alerts": (["--since", "2024-01-01", "--as-of", "2024-03-15"], EXIT_NOTICES),  # tiny has notices then
    "export": (["--format", "json", "-o", "-", "--as-of", "2024-03-15"], EXIT_OK),
    "diff": (["--from", "2024-02-15", "--to", "2024-03-15"], EXIT_OK),
}
JSON_VERBS = sorted(v for v in READ_VERBS if v != "export")  # export -o - --format json is JSON already
# The other verbs, and what their exit status says.
WRITE_VERBS = {  # 1 when the change is refused (the file is left as it was); errors in other files do not block it
    "record", "assess", "judge", "review", "withdraw", "retire", "add-indicator", "add-scenario", "import",
    "resolve", "add-assumption", "check-assumption"}
TEAM_VERBS = {"git-setup", "sync", "merge-driver", "check-push"}  # 1 when refused, or a merge left a conflict
TOOL_VERBS = {"schema", "cache", "serve"}  # read no board: 1 only for their own failure (schema --check stale)


def registered_verbs() -> set[str]:
    """The verbs `indicators` accepts, as build_parser registers them."""
    [verbs] = [a for a in build_parser()._actions if a.dest == "verb"]
    return set(verbs.choices)


def test_every_verb_is_under_one_exit_rule() -> None:
    verbs = registered_verbs()
    classes = [set(READ_VERBS), WRITE_VERBS, TEAM_VERBS & verbs, TOOL_VERBS]
    assert sum(len(c) for c in classes) == len(set().union(*classes)), "a verb is in two classes"
    unsorted = verbs - set().union(*classes)
    assert not unsorted, f"say which exit rule these verbs follow (READ_VERBS in indicators/cli.py, or here): " \
                         f"{sorted(unsorted)}"
    assert set().union(*classes) <= verbs
    assert set(READ_ARGS) == set(READ_VERBS), "every read verb is run on a broken and a valid workspace below"


def _problems(verb: str, result: subprocess.CompletedProcess) -> str:
    """Where the verb prints the workspace's problems: stdout for validate (they are its answer), else stderr."""
    return result.stdout if verb == "validate" else result.stderr


@pytest.fixture(scope="module")
def warned(tmp_path_factory) -> Path:
    """The tiny fixture plus a file with warnings only (YAML 1.1 surprises): valid, 0 errors."""
    root = Path(shutil.copytree(FIXTURES / "tiny", tmp_path_factory.mktemp("warned") / "tiny"))
    shutil.copy(FIXTURES / "broken" / "indicators" / "yaml11.yaml", root / "indicators")
    return root


@pytest.mark.parametrize("verb", sorted(READ_ARGS))
def test_a_read_verb_exits_1_on_a_workspace_with_errors(run, verb) -> None:
    extra, _ = READ_ARGS[verb]
    result = run(verb, "--data", str(FIXTURES / "broken"), *extra)
    assert result.returncode == EXIT_PROBLEMS, (result.stdout, result.stderr)
    assert result.stdout.strip(), "it still prints what loads"
    assert ": error: " in _problems(verb, result)  # the problems, located
    assert ": error: " not in result.stdout or verb == "validate"  # only validate's answer is the problems


@pytest.mark.parametrize("verb", sorted(READ_ARGS))
def test_a_read_verb_exits_0_on_a_valid_workspace(run, verb) -> None:
    extra, expected = READ_ARGS[verb]
    result = run(verb, "--data", str(FIXTURES / "tiny"), *extra)
    assert result.returncode == expected, (result.stdout, result.stderr)
    assert result.stdout.strip() and "error" not in result.stderr


@pytest.mark.parametrize("verb", sorted(READ_ARGS))
def test_warnings_alone_do_not_change_the_exit_status(run, warned, verb) -> None:
    extra, expected = READ_ARGS[verb]
    result = run(verb, "--data", str(warned), *extra)
    assert result.returncode == expected, (result.stdout, result.stderr)
    assert ": warning: " in _problems(verb, result)


@pytest.mark.parametrize("verb", JSON_VERBS)
def test_json_stays_parseable_when_the_data_has_errors(run, verb) -> None:
    extra, _ = READ_ARGS[verb]
    result = run(verb, "--data", str(FIXTURES / "broken"), *extra, "--json")
    assert result.returncode == EXIT_PROBLEMS
    json.loads(result.stdout)  # the problems go to stderr (or into validate's JSON), never into stdout's JSON
    if verb != "validate":
        assert ": error: " in result.stderr


@pytest.mark.parametrize("verb", sorted(READ_ARGS))
def test_a_read_verb_exits_1_with_no_workspace(run, tmp_path, verb) -> None:
    extra, _ = READ_ARGS[verb]
    result = run(verb, "--data", str(tmp_path / "nowhere"), *extra)
    assert result.returncode == EXIT_PROBLEMS, (result.stdout, result.stderr)
    assert "no workspace.yaml" in _problems(verb, result)


def test_alerts_errors_come_before_notices(run) -> None:
    """A notice worked out from a workspace that did not all load may be wrong: exit 1, not 3."""
    result = run("alerts", "--data", str(FIXTURES / "broken"), "--since", "2024-01-01", "--as-of", "2024-03-15")
    assert result.returncode == EXIT_PROBLEMS
    assert cli.EXIT_NOTICES == 3  # the README's table names it
