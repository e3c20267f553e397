"""Key assumptions on tests/fixtures/assumptions (worked out in the fixture's header).

DEAL: KA-1 questioned 2024-02-10, broken 2024-03-01; judgments 2024-01-01, 2024-02-15, 2024-04-01.
NODEAL: KA-1 questioned 2024-02-10, holding again 2024-03-20 (with a rationale); one judgment 2024-01-01.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from indicators.cli import main
from indicators.scoring.assumptions import check_on, current_flags, status_on
from indicators.workspace.load import load_workspace

from tests.conftest import FIXTURES

ASSUMPTIONS = FIXTURES / "assumptions"
D = dt.date.fromisoformat


@pytest.fixture(scope="module")
def ws():
    return load_workspace(ASSUMPTIONS, today=D("2024-12-31"))


@pytest.mark.parametrize(("day", "expected"), [
    ("2024-01-15", []),                                   # KA-1 holds
    ("2024-02-12", ["KA-1 questioned since 2024-02-10"]),  # the 1 January judgment stands, made before the doubt
    ("2024-02-20", []),                                   # judged again on 15 February, knowing of it
    ("2024-03-15", ["KA-1 broken since 2024-03-01"]),      # it broke after the 15 February judgment
    ("2024-04-02", []),                                   # judged again on 1 April
])
def test_the_standing_judgment_is_flagged_exactly_while_an_assumption_it_predates_is_in_doubt(ws, day, expected):
    assert [f.text() for f in current_flags(ws.scenario_by_id["DEAL"], D(day))] == expected


def test_an_assumption_that_holds_again_clears_the_flag(ws) -> None:
    nodeal = ws.scenario_by_id["NODEAL"]
    assert [f.text() for f in current_flags(nodeal, D("2024-03-01"))] == ["KA-1 questioned since 2024-02-10"]
    assert current_flags(nodeal, D("2024-03-20")) == [] and current_flags(nodeal, D("2024-04-30")) == []
    assert status_on(nodeal.assumptions[0], D("2023-12-31")) is None


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    return Path(shutil.copytree(ASSUMPTIONS, tmp_path / "assumptions"))


def test_add_and_check_an_assumption_then_the_standing_judgment_is_flagged(copy: Path, capsys) -> None:
    assert main(["add-assumption", "deal", "--data", str(copy), "--statement", "Markets stay calm.",
                 "--date", "2024-04-10", "--analyst", "Cat"]) == 0
    assert capsys.readouterr().out.strip() == "DEAL KA-3"
    assert main(["check-assumption", "DEAL", "ka-3", "--data", str(copy), "--status", "Broken",
                 "--date", "2024-04-12", "--rationale", "Crash.", "--analyst", "Cat"]) == 0
    ws = load_workspace(copy, today=D("2024-12-31"))
    assert not ws.errors
    deal = ws.scenario_by_id["DEAL"]
    assert [(c.date.isoformat(), c.status.value) for c in deal.assumptions[2].checks] == [
        ("2024-04-10", "holding"), ("2024-04-12", "broken")]
    assert [f.text() for f in current_flags(deal, D("2024-04-20"))] == ["KA-3 broken since 2024-04-12"]


@pytest.mark.parametrize(("args", "expected"), [
    (["DEAL", "KA-1", "--status", "holding", "--date", "2024-04-01"], "back to holding"),  # no rationale
    (["DEAL", "KA-1", "--status", "questioned", "--date", "2024-02-01", "--rationale", "x"], "last checked"),
    (["DEAL", "KA-9", "--status", "holding", "--date", "2024-04-01"], "no assumption"),
    (["DEAL", "KA-1", "--status", "maybe", "--date", "2024-04-01", "--rationale", "x"], "not an allowed status"),
    (["NOPE", "KA-1", "--status", "holding", "--date", "2024-04-01"], "no scenario"),
])
def test_a_check_that_cannot_be_is_refused_and_nothing_written(copy: Path, capsys, args, expected) -> None:
    before = (copy / "workspace.yaml").read_bytes()
    assert main(["check-assumption", *args, "--data", str(copy), "--analyst", "Cat"]) == 1
    assert expected in capsys.readouterr().err
    assert (copy / "workspace.yaml").read_bytes() == before


@pytest.mark.parametrize(("old", "new", "code", "line"), [
    # broken back to holding with no rationale: located at the check
    ("          - {date: 2024-03-01, status: broken, analyst: Bob, rationale: One leader walked out.}\n",
     "          - {date: 2024-03-01, status: broken, analyst: Bob, rationale: One leader walked out.}\n"
     "          - {date: 2024-03-05, status: holding, analyst: Bob}\n", "assumption-without-rationale", 22),
    ("          - {date: 2024-03-01, status: broken, analyst: Bob, rationale: One leader walked out.}\n",
     "          - {date: 2024-02-01, status: broken, analyst: Bob, rationale: One leader walked out.}\n",
     "assumption-checks-order", 21),
    ("      - id: KA-2\n", "      - id: KA-1\n", "duplicate-id", 22),
])
def test_bad_assumptions_are_located_errors(copy: Path, old, new, code, line) -> None:
    path = copy / "workspace.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    found = [p for p in load_workspace(copy, today=D("2024-12-31")).errors if p.code == code]
    assert len(found) == 1 and found[0].line == line, found


def test_status_names_the_assumption_in_doubt_under_the_standing_judgment(capsys) -> None:
    assert main(["status", "--data", str(ASSUMPTIONS), "--as-of", "2024-03-15"]) == 0
    out = capsys.readouterr().out
    assert "ASSUMPTION KA-1 BROKEN since 2024-03-01: judge again" in out
    assert "ASSUMPTION KA-1 QUESTIONED since 2024-02-10: judge again" in out
    assert main(["status", "--data", str(ASSUMPTIONS), "--as-of", "2024-04-02", "--json"]) == 0
    import json
    doubts = {s["id"]: s["assumptions_in_doubt"] for s in json.loads(capsys.readouterr().out)["scenarios"]}
    assert doubts == {"DEAL": [], "NODEAL": []}  # DEAL judged again on 1 April; NODEAL's KA-1 holds again


def test_of_two_checks_on_one_day_the_later_written_stands_everywhere() -> None:
    """Questioned, then cleared up the same day: the status shown and the flags agree (holding)."""
    from indicators.workspace.model import Assumption, Judgment, Scenario

    assumption = Assumption(id="KA-1", statement="S.", checks=[
        {"date": "2024-03-01", "status": "holding", "analyst": "A"},
        {"date": "2024-03-02", "status": "questioned", "analyst": "A", "rationale": "Hmm."},
        {"date": "2024-03-02", "status": "holding", "analyst": "A", "rationale": "Cleared up."}])
    scenario = Scenario(id="SC", title="T", assumptions=[assumption], judgments=[Judgment(
        date="2024-03-01", likelihood="likely", confidence="low", analyst="A", rationale="R.")])
    assert check_on(assumption, D("2024-03-05")).rationale == "Cleared up."
    assert current_flags(scenario, D("2024-03-05")) == []
