"""The command line: exit codes, located problems, JSON output, help texts, no tracebacks."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from indicators.cli import build_parser, main, status_report
from indicators.workspace.load import load_workspace

from tests.conftest import FIXTURES

VERBS = sorted(next(a for a in build_parser()._actions if a.dest == "verb").choices)  # every verb there is


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "indicators.cli", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=120)


@pytest.mark.parametrize("verb", VERBS)
def test_every_verb_has_help_with_an_example(verb: str, capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([verb, "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert "example:" in out and f"indicators {verb}" in out


def test_validate_clean_workspace_exits_0(capsys) -> None:
    assert main(["validate", "--data", str(FIXTURES / "tiny")]) == 0
    assert "valid: 4 indicators, 2 scenarios, 0 errors" in capsys.readouterr().out


def test_validate_broken_workspace_names_file_line_column_and_exits_1() -> None:
    result = run("validate", "--data", str(FIXTURES / "broken"))
    assert result.returncode == 1
    assert "indicators/syntax-error.yaml:7:1: error: YAML syntax error" in result.stdout
    assert "indicators/unknown-key.yaml:6:5: error: unknown key 'priorty'" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_validate_json_equals_the_library_report(capsys) -> None:
    assert main(["validate", "--data", str(FIXTURES / "broken"), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    ws = load_workspace(FIXTURES / "broken")
    assert report["problems"] == [p.to_dict() for p in ws.problems]
    assert report["valid"] is False and report["errors"] == len(ws.errors)


def test_status_json_as_of_date(capsys) -> None:
    assert main(["status", "--data", str(FIXTURES / "tiny"), "--as-of", "2024-03-15", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    aa = next(s for s in report["scenarios"] if s["id"] == "AA")
    assert (aa["level"], aa["trend"], aa["judgment"]["likelihood"]) == ("high", "deteriorated", "likely")
    tt04 = next(i for i in report["indicators"] if i["id"] == "TT-04")
    assert tt04 == {"id": "TT-04", "title": "Also for A, never seen", "theme": "core", "priority": "low",
                    "status": "not_observed", "confidence": None, "last_assessed": None, "overdue": True,
                    "stale": True, "indications": 0, "marking": "GREEN", "watch": "watched", "retired": None,
                    "reviewed": False, "proposed_status": None, "proposal_reason": None}


def test_status_json_is_the_library_call(capsys) -> None:
    import datetime as dt
    main(["status", "--data", str(FIXTURES / "tiny"), "--as-of", "2024-02-15", "--json"])
    assert json.loads(capsys.readouterr().out) == json.loads(json.dumps(
        status_report(load_workspace(FIXTURES / "tiny"), dt.date(2024, 2, 15))))


def test_status_text(capsys) -> None:
    main(["status", "--data", str(FIXTURES / "tiny"), "--as-of", "2024-03-15"])
    out = capsys.readouterr().out
    assert "AA" in out and "High" in out and "OVERDUE" in out


def test_data_defaults_to_env(monkeypatch, capsys) -> None:
    monkeypatch.setenv("INDICATORS_DATA", str(FIXTURES / "tiny"))
    assert main(["validate"]) == 0
    assert "4 indicators" in capsys.readouterr().out


@pytest.mark.parametrize("args", [["status", "--as-of", "2024-13-40"], ["nonsense"], [], ["status", "--bogus"]])
def test_usage_errors_exit_2_without_traceback(args) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "error:" in result.stderr


@pytest.mark.parametrize("content", [b"\xff\xfe\x00garbage", b"- just\n- a list\n", b"title: [", b"", b"42\n",
                                     b"scenarios: 7\n", b"scenarios:\n  - 1\n  - [2]\n"])
def test_no_bad_input_prints_a_traceback(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "workspace.yaml").write_bytes(content)
    (tmp_path / "indicators").mkdir()
    (tmp_path / "indicators" / "x.yaml").write_bytes(content)
    for verb in ("validate", "status"):
        result = run(verb, "--data", str(tmp_path))
        assert result.returncode == 1, result.stderr
        assert "Traceback" not in result.stdout + result.stderr
        assert "workspace.yaml:" in result.stdout + result.stderr


def test_schema_writes_and_checks(tmp_path: Path) -> None:
    assert main(["schema", "--out", str(tmp_path)]) == 0
    assert main(["schema", "--out", str(tmp_path), "--check"]) == 0
    (tmp_path / "workspace.json").write_text("{}", encoding="utf-8")
    assert main(["schema", "--out", str(tmp_path), "--check"]) == 1


def test_parser_lists_every_verb() -> None:
    text = build_parser().format_help()
    assert all(verb in text for verb in VERBS)


def console_script() -> Path:
    """The `indicators` script pip installed beside the running interpreter (a venv's bin/ or Scripts/).

    Not looked up on PATH: a newcomer who ran `.venv/bin/python -m pytest` has no venv activated."""
    folder = Path(sysconfig.get_path("scripts"))
    return next((folder / name for name in ("indicators", "indicators.exe") if (folder / name).exists()),
                folder / "indicators")


def test_console_script_is_installed() -> None:
    script = console_script()
    assert script.is_file(), f"pip did not install the console script in {script.parent}"
    env = {**os.environ, "PATH": os.defpath}  # as in a shell with no venv activated
    result = subprocess.run([str(script), "validate", "--data", str(FIXTURES / "tiny")], capture_output=True,
                            text=True, timeout=120, env=env)
    assert result.returncode == 0, result.stderr
    assert "valid: 4 indicators" in result.stdout


def test_cache_shows_and_clears(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("INDICATORS_CACHE_DIR", str(tmp_path / "cache"))
    from indicators.workspace.parse_cache import FileCache

    load_workspace(FIXTURES / "tiny", cache=FileCache(disk=True))
    assert main(["cache"]) == 0
    assert "2 files" in capsys.readouterr().out
    assert main(["cache", "--clear"]) == 0
    assert not [p for p in (tmp_path / "cache").rglob("*") if p.is_file()]


def test_writes_need_a_date_and_today_is_said_back(tmp_path: Path, capsys) -> None:
    """No silent 'today' when back-filling: --date is required; '--date today' is allowed and echoed."""
    import shutil

    data = Path(shutil.copytree(FIXTURES / "tiny", tmp_path / "tiny"))
    before = (data / "indicators" / "core.yaml").read_bytes()
    with pytest.raises(SystemExit) as missing:
        main(["assess", "TT-04", "--data", str(data), "--status", "observed", "--confidence", "low",
              "--rationale", "Seen."])
    assert missing.value.code == 2
    assert "--date" in capsys.readouterr().err
    assert (data / "indicators" / "core.yaml").read_bytes() == before
    assert main(["assess", "TT-04", "--data", str(data), "--date", "today", "--status", "observed",
                 "--confidence", "low", "--rationale", "Seen."]) == 0
    out, err = capsys.readouterr()
    today = dt.date.today().isoformat()
    assert out.strip() == f"TT-04@{today}" and f"--date today: {today}" in err


def test_serve_with_sign_in_refuses_settings_it_cannot_use(tmp_path, capsys) -> None:
    """Checked before the server starts: a missing secrets file, one without [auth], one lacking
    keys; --secrets without --auth is a usage error."""
    data = str(FIXTURES / "tiny")
    missing = tmp_path / "none.toml"
    assert main(["serve", "--data", data, "--auth", "--secrets", str(missing)]) == 1
    assert "needs Streamlit's secrets file with an [auth] section" in capsys.readouterr().err
    empty = tmp_path / "empty.toml"
    empty.write_text("[other]\nx = 1\n")
    assert main(["serve", "--data", data, "--auth", "--secrets", str(empty)]) == 1
    assert "has no [auth] section" in capsys.readouterr().err
    partial = tmp_path / "partial.toml"
    partial.write_text('[auth]\nredirect_uri = "http://127.0.0.1:8501/oauth2callback"\nclient_id = "x"\n')
    assert main(["serve", "--data", data, "--auth", "--secrets", str(partial)]) == 1
    assert "lacks cookie_secret, client_secret, server_metadata_url" in capsys.readouterr().err
    assert main(["serve", "--data", data, "--secrets", str(partial)]) == 2
    assert "give --auth too" in capsys.readouterr().err
