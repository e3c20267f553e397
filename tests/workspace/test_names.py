"""Analyst names a reader would take for one another: a located warning at each odd spelling."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from indicators.cli import main
from indicators.workspace.load import load_workspace
from indicators.workspace.names import skeleton
from indicators.workspace.problems import Code, Severity

from tests.conftest import FIXTURES, ROOT

CONFUSABLE = FIXTURES / "confusable"


@pytest.mark.parametrize(("a", "b"), [
    ("Ann", "\u0410nn"),  # Cyrillic capital A
    ("Ann", "\u0391nn"),  # Greek capital Alpha
    ("Ann", "ANN"), ("Ann", "ann"),
    ("Ann Lee", "Ann  Lee"), ("Ann Lee", "Ann\u00a0Lee"), ("Ann Lee", " Ann Lee "),
    ("Ann", "An\u200bn"),  # a zero-width space
    ("Ann", "\uff21nn"),  # full-width A (NFKC)
    ("Popov", "\u0420\u043e\u0440\u043ev"),  # Cyrillic Р, о, р, о
    ("Nico", "\u039d\u03b9\u03f2\u03bf"),  # Greek Ν, ι, ϲ, ο
])
def test_names_that_look_alike_share_a_skeleton(a: str, b: str) -> None:
    assert skeleton(a) == skeleton(b)


@pytest.mark.parametrize(("a", "b"), [("Ann", "Anna"), ("Ann", "Änn"), ("Ann Lee", "AnnLee"), ("Bo", "Bob")])
def test_different_names_keep_apart(a: str, b: str) -> None:
    assert skeleton(a) != skeleton(b)


def _line(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


def test_each_odd_spelling_is_warned_at_its_analyst_value_pointing_at_the_other() -> None:
    ws = load_workspace(CONFUSABLE)
    assert ws.errors == []
    found = sorted((Path(p.path).relative_to(CONFUSABLE).as_posix(), p.line, p.column) for p in ws.warnings
                   if p.code == Code.CONFUSABLE_ANALYST)
    core = CONFUSABLE / "indicators" / "core.yaml"
    assert found == sorted([
        ("workspace.yaml", _line(CONFUSABLE / "workspace.yaml", "analyst: \"\u0410nn"), 18),  # Cyrillic
        ("indicators/core.yaml", _line(core, "analyst: ANN"), 18),  # case
        ("indicators/core.yaml", _line(core, "Ann  Lee"), 72),  # spacing, inside a withdrawal
        ("ratings/ann.yaml", 1, 10),  # Greek, in an analyst's own ratings
    ])
    by_name = {p.message.split("'")[1]: p for p in ws.warnings if p.code == Code.CONFUSABLE_ANALYST}
    cyrillic = by_name["\u0410nn"]
    first_ann = f"workspace.yaml:{_line(CONFUSABLE / 'workspace.yaml', 'analyst: Ann')}:18"
    assert cyrillic.severity is Severity.WARNING and "looks like 'Ann'" in cyrillic.message
    assert first_ann in cyrillic.message and "Cyrillic Capital Letter A" in cyrillic.message
    assert "case" in by_name["ANN"].message and "spacing" in by_name["Ann  Lee"].message
    assert f"core.yaml:{_line(core, 'analyst: Ann Lee')}:18" in by_name["Ann  Lee"].message
    assert "write 'Ann'" in cyrillic.hint


def test_validate_prints_the_warnings_and_the_workspace_stays_valid(capsys) -> None:
    assert main(["validate", "--data", str(CONFUSABLE)]) == 0
    out = capsys.readouterr().out
    assert out.count("warning: analyst ") == 4 and "confusable: valid" in out


def test_one_spelling_everywhere_gives_no_warning(tmp_path: Path) -> None:
    folder = Path(shutil.copytree(CONFUSABLE, tmp_path / "one"))
    for path in folder.rglob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        for odd, plain in (("\u0410nn", "Ann"), ("\u0391nn", "Ann"), ("ANN", "Ann"), ("Ann  Lee", "Ann Lee")):
            text = text.replace(odd, plain)
        path.write_text(text, encoding="utf-8")
    assert [p for p in load_workspace(folder).problems if p.code == Code.CONFUSABLE_ANALYST] == []


def test_the_default_workspace_has_no_confusable_names() -> None:
    assert [p for p in load_workspace(ROOT / "data").problems if p.code == Code.CONFUSABLE_ANALYST] == []
