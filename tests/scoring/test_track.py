"""The track record on tests/fixtures/track, worked by hand (p: the midpoint of each ICD 203 band).

AA, occurred (outcome 1), resolved 2024-01-21; judgments standing: 2024-01-01 likely (p 0.675, Ann)
and 2024-01-11 very likely (p 0.875, Bob); the almost-no-chance judgment of 2024-01-06 was withdrawn
and does not count.
  days 1–10 January (10 days): (0.675 − 1)² = 0.105625 each -> 1.05625
  days 11–20 January (10 days): (0.875 − 1)² = 0.015625 each -> 0.15625
  time-averaged Brier = (1.05625 + 0.15625) / 20 = 0.060625
BB, did not occur (outcome 0), resolved 2024-01-09; 2024-01-01 roughly even (0.5, Ann), 2024-01-05
unlikely (0.325, Bob).
  days 1–4 January: 0.5² = 0.25 each -> 1.0; days 5–8 January: 0.325² = 0.105625 each -> 0.4225
  time-averaged Brier = 1.4225 / 8 = 0.1778125
CC, ambiguous: not scored (its judgment neither). DD: not resolved, not listed.
Analysts: Ann (0.105625 + 0.25) / 2 = 0.1778125; Bob (0.015625 + 0.105625) / 2 = 0.060625.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from indicators.cli import main
from indicators.workspace.load import load_workspace

from tests.conftest import FIXTURES

TRACK = FIXTURES / "track"


def test_scores_json_matches_the_hand_worked_brier_scores(capsys) -> None:
    assert main(["scores", "--data", str(TRACK), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    by_id = {s["id"]: s for s in result["scenarios"]}
    assert list(by_id) == ["AA", "BB", "CC"]
    assert by_id["AA"]["outcome"] == "occurred" and by_id["AA"]["brier"] == pytest.approx(0.060625, abs=1e-9)
    assert by_id["BB"]["brier"] == pytest.approx(0.1778125, abs=1e-9)
    assert by_id["CC"]["brier"] is None and by_id["CC"]["judgments"][0]["brier"] is None
    assert [(j["date"], j["likelihood"], j["p"]) for j in by_id["AA"]["judgments"]] == [
        ("2024-01-01", "likely", 0.675), ("2024-01-11", "very likely", 0.875)]
    assert by_id["AA"]["judgments"][0]["brier"] == pytest.approx(0.105625, abs=1e-9)
    analysts = {a["analyst"]: (a["judgments"], a["brier"]) for a in result["analysts"]}
    assert analysts.keys() == {"Ann", "Bob"}
    assert analysts["Ann"][0] == 2 and analysts["Ann"][1] == pytest.approx(0.1778125, abs=1e-9)
    assert analysts["Bob"][1] == pytest.approx(0.060625, abs=1e-9)


@pytest.fixture
def track(tmp_path: Path) -> Path:
    return Path(shutil.copytree(TRACK, tmp_path / "track"))


def test_resolve_writes_the_resolution_and_scores_follow(track: Path, capsys) -> None:
    assert main(["resolve", "dd", "--data", str(track), "--date", "2024-06-01", "--outcome", "Occurred",
                 "--rationale", "Seen.", "--analyst", "Dan"]) == 0
    resolved = load_workspace(track).scenario_by_id["DD"].resolution
    assert (resolved.date.isoformat(), resolved.outcome.value, resolved.analyst) == ("2024-06-01", "occurred", "Dan")
    capsys.readouterr()
    main(["scores", "--data", str(track), "--json"])
    dd = next(s for s in json.loads(capsys.readouterr().out)["scenarios"] if s["id"] == "DD")
    assert dd["brier"] == pytest.approx((0.675 - 1) ** 2, abs=1e-9)  # one judgment standing all along


@pytest.mark.parametrize(("args", "expected"), [
    (["DD", "--date", "2023-12-01"], "before its first judgment"),  # resolved before it was judged
    (["AA", "--date", "2024-02-01"], "already resolved"),
    (["DD", "--date", "2099-01-01"], "in the future"),
    (["DD", "--date", "2024-06-01", "--outcome", "maybe"], "outcome"),
])
def test_a_resolution_that_cannot_be_is_refused_and_nothing_written(track: Path, capsys, args, expected) -> None:
    before = (track / "workspace.yaml").read_bytes()
    argv = ["resolve", *args, "--data", str(track), "--rationale", "x", "--analyst", "A"]
    if "--outcome" not in argv:
        argv += ["--outcome", "occurred"]
    assert main(argv) == 1
    assert expected in capsys.readouterr().err
    assert (track / "workspace.yaml").read_bytes() == before


def test_a_judgment_after_the_resolution_is_a_located_error(track: Path) -> None:
    path = track / "workspace.yaml"
    path.write_text(path.read_text().replace("      - {date: 2024-01-05, likelihood: unlikely",
                                             "      - {date: 2024-01-10, likelihood: unlikely"))
    problems = [p for p in load_workspace(track).errors if p.code.value == "judged-after-resolution"]
    assert len(problems) == 1 and "BB@2024-01-10" in problems[0].message and problems[0].line > 0


def test_a_resolved_scenario_warns_no_more() -> None:
    """signals fixture: UP crosses levels in February and March 2024. Resolved on 15 February, it
    keeps the crossings up to that day and loses those after."""
    from indicators.scoring.memo import forget
    from indicators.scoring.notices import notices
    from indicators.workspace.model import Resolution

    ws = load_workspace(FIXTURES / "signals")
    before = [n.date.isoformat() for n in notices(ws, "2024-01-01", "2024-04-30") if n.kind == "level"
              and n.subject == "UP"]
    ws.scenario_by_id["UP"].resolution = Resolution(date="2024-02-15", outcome="occurred", rationale="Seen.",
                                                    analyst="Ann")
    forget(ws)  # changed in place: what was computed from it before no longer holds
    after = [n.date.isoformat() for n in notices(ws, "2024-01-01", "2024-04-30") if n.kind == "level"
             and n.subject == "UP"]
    assert after == [d for d in before if d <= "2024-02-15"] and len(after) < len(before)


def test_status_marks_resolved_scenarios_and_calls_their_judgments_no_longer_stale(capsys) -> None:
    assert main(["status", "--data", str(TRACK), "--as-of", "2024-12-01"]) == 0
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines() if line.startswith("  ")}
    assert lines["AA"].endswith("RESOLVED occurred 2024-01-21") and "STALE" not in lines["AA"]
    assert "RESOLVED" not in lines["DD"] and "STALE" in lines["DD"]


def test_calibration_counts_how_often_each_term_came_true(capsys) -> None:
    """tests/fixtures/calibration: "likely" 4 scored judgments, 3 came true (0.75, in its 0.55–0.80
    band); "unlikely" 2, none came true; the open question's judgment is not counted."""
    assert main(["scores", "--data", str(FIXTURES / "calibration"), "--json"]) == 0
    rows = {c["likelihood"]: c for c in json.loads(capsys.readouterr().out)["calibration"]}
    assert list(rows) == ["unlikely", "likely"]
    assert (rows["likely"]["judgments"], rows["likely"]["occurred"], rows["likely"]["share"]) == (4, 3, 0.75)
    assert rows["likely"]["band"] == [0.55, 0.80] and rows["likely"]["p"] == 0.675
    assert (rows["unlikely"]["judgments"], rows["unlikely"]["occurred"], rows["unlikely"]["share"]) == (2, 0, 0.0)


def test_warning_lead_time_counts_the_days_from_each_level_first_reached_to_the_resolution() -> None:
    """signals fixture (scores worked out in test_signals.py): UP reaches Guarded on 10 January 2024,
    Elevated on 10 February and Severe (so High too) on 10 March. Resolved as occurred on 31 March:
    Guarded 21 + 29 + 31 = 81 days before, Elevated 19 + 31 = 50, High and Severe 21. DOWN, resolved
    as did not occur on 14 January, never left Low by then (it rose on the 15th)."""
    from indicators.scoring.track import lead_times
    from indicators.workspace.model import Resolution

    ws = load_workspace(FIXTURES / "signals")
    ws.scenario_by_id["UP"].resolution = Resolution(date="2024-03-31", outcome="occurred", rationale="Seen.",
                                                    analyst="Ann")
    ws.scenario_by_id["DOWN"].resolution = Resolution(date="2024-01-14", outcome="did_not_occur", rationale="No.",
                                                      analyst="Ann")
    assert [(r["label"], r["reached"], r["days_before"]) for r in lead_times(ws, "UP")] == [
        ("Guarded", "2024-01-10", 81), ("Elevated", "2024-02-10", 50), ("High", "2024-03-10", 21),
        ("Severe", "2024-03-10", 21)]
    assert {r["reached"] for r in lead_times(ws, "DOWN")} == {None}


def test_status_says_when_a_question_closed_without_a_resolution(capsys) -> None:
    assert main(["status", "--data", str(TRACK), "--as-of", "2025-01-05"]) == 0
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines() if line.startswith("  ")}
    assert lines["DD"].endswith("QUESTION CLOSED 2024-12-31, NOT RESOLVED")
    assert main(["status", "--data", str(TRACK), "--as-of", "2024-12-31"]) == 0  # closes that day: not yet late
    assert "QUESTION CLOSED" not in capsys.readouterr().out


def test_a_new_scenario_can_say_when_its_question_closes(track: Path, capsys) -> None:
    assert main(["add-scenario", "EE", "--data", str(track), "--title", "New", "--date", "2024-02-01",
                 "--question-close", "2024-12-31", "--analyst", "Ann"]) == 0
    assert load_workspace(track).scenario_by_id["EE"].question_close.isoformat() == "2024-12-31"
    before = (track / "workspace.yaml").read_bytes()
    assert main(["add-scenario", "FF", "--data", str(track), "--title", "New", "--date", "2024-02-01",
                 "--question-close", "2024-01-31", "--analyst", "Ann"]) == 1
    assert "before the scenario is watched" in capsys.readouterr().err
    assert (track / "workspace.yaml").read_bytes() == before
