"""The verdict cache: `indicators validate` on an unchanged workspace answers from the verdict kept
last time (no model built), and any change to a file — or a new file — makes it read again."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from indicators import cli
from indicators.workspace import parse_cache, verdict

from tests.conftest import FIXTURES


@pytest.fixture
def broken(tmp_path: Path, monkeypatch) -> Path:
    """A copy of the broken fixture, its files taken as settled (a copy is written within the two
    seconds in which a file's stat cannot be trusted; the last test checks that window itself)."""
    monkeypatch.setattr(verdict, "is_racy", lambda stat: False)
    return Path(shutil.copytree(FIXTURES / "broken", tmp_path / "broken"))


def validate(folder: Path, capsys) -> tuple[int, str]:
    code = cli.main(["validate", "--data", str(folder)])
    return code, capsys.readouterr().out


def test_an_unchanged_workspace_is_answered_from_its_verdict(broken: Path, capsys, monkeypatch) -> None:
    first = validate(broken, capsys)
    assert first[0] == 1 and "errors" in first[1]

    def no_load(*args, **kwargs):
        raise AssertionError("the workspace was read again")

    monkeypatch.setattr(cli, "load_workspace", no_load)
    assert validate(broken, capsys) == first  # the same problems, the same exit status, nothing read


def test_a_changed_or_added_file_is_read_again(broken: Path, capsys) -> None:
    _, before = validate(broken, capsys)
    path = broken / "indicators" / "unknown-refs.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("UR-01.9", "UR-01.8"), encoding="utf-8")
    _, after = validate(broken, capsys)
    assert "UR-01.9" in before and "UR-01.9" not in after and "UR-01.8" in after
    extra = broken / "indicators" / "extra.yaml"
    extra.write_text("theme: extra\nindicators: [{id: EX-99, title: T}]\n", encoding="utf-8")
    _, added = validate(broken, capsys)
    assert "extra.yaml" in added


def test_no_verdict_for_files_just_written_or_with_the_disk_cache_off(broken: Path, monkeypatch) -> None:
    today = dt.date.today()
    assert verdict.verdict_key(broken, today) is not None
    monkeypatch.setattr(verdict, "is_racy", parse_cache.is_racy)  # the real check: the copy was just written
    assert verdict.verdict_key(broken, today) is None
    monkeypatch.setenv("INDICATORS_NO_DISK_CACHE", "1")
    assert verdict.recall("0" * 64) is None
