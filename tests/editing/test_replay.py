"""Half a year of a living checklist, replayed through `import` and the verbs onto tests/fixtures/living.

32 dated events: 17 indications imported from two files (with 6 assessments citing them), a row
already recorded and skipped, a bad file refused whole, two judgments and one withdrawn, an
indication and the assessment resting on it withdrawn, an indicator added (recorded, assessed), an
indicator retired, a review, a scenario added with its ratings, and a late indication citing a
shared source. The board is then checked on several dates against answers worked out by hand.

Weights, two scenarios (UP, DOWN): w[i, s] = max(0, v(r[i, s]) - v(r[i, other])), v: HL 1, L .75,
C .5, U .25, HU 0.  LV-01 (HL/HU): w_UP 1.  LV-02 (L/U): w_UP .5.  LV-03 (U/L): w_DOWN .5.
LV-04 (HL/HU, added 2024-04-01): w_UP 1.  Evidence e = status x confidence: observed 1, emerging .5,
negated -1; high 1, moderate .75, low .5.

- 2024-01-31: LV-01 emerging/moderate .375, LV-02 none 0, LV-03 observed/high 1; LV-04 not yet watched.
  UP = (1 x .375 + .5 x 0) / 1.5 = .25 (Guarded); DOWN = .5 x 1 / .5 = 1 (Severe).
- 2024-02-29: LV-01 observed/high 1 (02-05), LV-02 emerging/low .25.  UP = (1 + .125) / 1.5 = .75 (High).
- 2024-03-15: LV-01.3 and the assessment citing it were withdrawn on 03-01: LV-01 is back to
  emerging/moderate .375.  UP = (.375 + .125) / 1.5 = .3333 (Guarded).  The board as of 02-29 is unchanged.
- 2024-03-31: LV-04 (added 04-01) is not yet watched: it does not dilute UP (.3333). Stale (60 days):
  LV-01 (last standing assessment 01-10) and LV-03 (01-20); LV-02 (02-10) is not.
- 2024-04-20: LV-04 observed/moderate .75.  UP = (.375 + .125 + .75) / 2.5 = .5 (Elevated).
  LV-03 was reviewed on 04-15: no longer stale, still observed.
- 2024-05-15: LV-02 retired on 05-01: it no longer counts.  UP = (.375 + .75) / 2 = .5625 (Elevated).
  UP's latest judgment is 'likely' again: 'very likely' of 05-02 was withdrawn on 05-03.
- 2024-06-30: SIDE added on 06-01 (LV-01 C, LV-03 HL, LV-04 C); with three scenarios
  w[i, s] = max(0, v(s) - mean of the other two): LV-01 and LV-04 w_UP .75, LV-03 w_DOWN .125 and
  w_SIDE .5.  LV-03 negated/moderate -.75, LV-04 observed/high 1.
  UP = .75 x (.375 + 1) / 1.5 = .6875 (High); DOWN = SIDE = -.75 clipped to 0 (Low).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from indicators.cli import main
from indicators.scoring import warning
from indicators.workspace.load import load_workspace

from tests.conftest import FIXTURES

LIVING = FIXTURES / "living"


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def replayed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture after every event, written through the CLI as an analyst would."""
    data = Path(shutil.copytree(LIVING, tmp_path_factory.mktemp("living") / "ws"))
    steps = _steps(data)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("INDICATORS_ANALYST", "Replay")
        for expected, args in steps:
            code = main([*args, "--data", str(data)])
            assert code == expected, args
    return data


def _steps(data: Path) -> list[tuple[int, list[str]]]:
    """(exit code, arguments) of each command, in order."""
    return [
        (0, ["import", str(data / "events-1.csv")]),  # 11 indications, 4 assessments; 1 row skipped
        (0, ["judge", "UP", "--date", "2024-02-15", "--likelihood", "likely", "--confidence", "moderate",
             "--rationale", "Trains and convoys"]),
        (0, ["judge", "down", "--date", "2024-02-15", "--likelihood", "unlikely", "--confidence", "moderate",
             "--rationale", "The panel says transfers stopped"]),
        (0, ["withdraw", "LV-01.3", "--date", "2024-03-01", "--reason", "Imagery misread: empty flatcars"]),
        (0, ["withdraw", "lv-01@2024-02-05", "--date", "2024-03-01", "--reason", "Rested on LV-01.3"]),
        (0, ["add-indicator", "LV-04", "--date", "2024-04-01", "--theme", "core", "--title", "Airfields extended",
             "--criteria", "Observed when imagery shows new runways.", "--rate", "UP=HL", "--rate", "down=hu"]),
        (0, ["record", "LV-04", "--date", "2024-04-10", "--summary", "Airfield extension seen",
             "--source", "Imagery firm", "--reliability", "A", "--credibility", "2"]),
        (0, ["assess", "LV-04", "--date", "2024-04-10", "--status", "observed", "--confidence", "moderate",
             "--rationale", "One airfield", "--cites", "LV-04.1"]),
        (0, ["review", "LV-03", "--date", "2024-04-15", "--rationale", "Checked the panel's updates: nothing new"]),
        (0, ["retire", "LV-02", "--date", "2024-05-01", "--reason", "Merged into LV-01"]),
        (0, ["judge", "UP", "--date", "2024-05-02", "--likelihood", "very likely", "--confidence", "moderate",
             "--rationale", "Airfields too"]),
        (0, ["withdraw", "UP@2024-05-02", "--date", "2024-05-03", "--reason", "Judged on the wrong file"]),
        (0, ["add-scenario", "SIDE", "--date", "2024-06-01", "--title", "Cooperation shifts to a third party",
             "--rate", "LV-01=C", "--rate", "LV-03=HL", "--rate", "LV-04=C"]),
        (1, ["import", str(data / "events-2-bad.tsv")]),  # a retired indicator and a blank summary: nothing written
        (0, ["import", str(data / "events-2.tsv")]),  # 6 indications, 2 assessments
        (0, ["record", "LV-03", "--date", "2024-07-01", "--summary", "Panel's final report", "--source-id",
             "UN-PANEL-2024", "--reliability", "B", "--credibility", "2"]),
    ]


def _scores(data: Path, day: str) -> dict[str, tuple[float, str]]:
    levels = warning.warning_levels(load_workspace(data), day)
    return {sid: (round(float(row["score"]), 4), row["label"]) for sid, row in levels.iterrows()}


def test_every_event_is_written_and_the_data_stays_valid(replayed: Path) -> None:
    ws = load_workspace(replayed)
    assert ws.errors == []
    counts = {i.id: (len(i.indications), len(i.assessments)) for i in ws.indicators}
    assert counts == {"LV-01": (6, 2), "LV-02": (4, 1), "LV-03": (6, 3), "LV-04": (3, 2)}
    assert [len(s.judgments) for s in ws.scenarios] == [2, 1, 0]
    # 17 imported + 2 recorded indications; 6 imported + 1 assessed + 1 review; 3 judgments
    assert sum(c[0] for c in counts.values()) == 19 and sum(c[1] for c in counts.values()) == 8


@pytest.mark.parametrize(("day", "expected"), [
    ("2024-01-31", {"UP": (0.25, "Guarded"), "DOWN": (1.0, "Severe")}),
    ("2024-02-29", {"UP": (0.75, "High"), "DOWN": (1.0, "Severe")}),
    ("2024-03-15", {"UP": (0.3333, "Guarded"), "DOWN": (1.0, "Severe")}),
    ("2024-03-31", {"UP": (0.3333, "Guarded"), "DOWN": (1.0, "Severe")}),
    ("2024-04-20", {"UP": (0.5, "Elevated"), "DOWN": (1.0, "Severe")}),
    ("2024-05-15", {"UP": (0.5625, "Elevated"), "DOWN": (1.0, "Severe")}),
    ("2024-06-30", {"UP": (0.6875, "High"), "DOWN": (0.0, "Low"), "SIDE": (0.0, "Low")}),
])
def test_the_board_on_each_date_matches_the_hand_worked_answers(replayed: Path, day: str,
                                                                 expected: dict[str, tuple[float, str]]) -> None:
    assert _scores(replayed, day) == expected


def test_what_is_watched_not_yet_watched_and_retired(replayed: Path) -> None:
    ws = load_workspace(replayed)
    watch = {day: warning.status_as_of(ws, day)["watch"].to_dict() for day in ("2024-03-31", "2024-05-15")}
    assert watch["2024-03-31"] == {"LV-01": "watched", "LV-02": "watched", "LV-03": "watched",
                                   "LV-04": "not_yet_watched"}
    assert watch["2024-05-15"] == {"LV-01": "watched", "LV-02": "retired", "LV-03": "watched", "LV-04": "watched"}
    counts = warning.counts(warning.status_as_of(ws, "2024-05-15"))
    assert (counts["indicators"], counts["observed"], counts["emerging"]) == (3, 2, 1)
    composition = warning.status_composition(ws, [dt.date(2024, 3, 31)]).set_index("status")["count"].to_dict()
    assert composition == {"not_yet_watched": 1, "not_observed": 0, "emerging": 2, "observed": 1, "negated": 0,
                           "retired": 0}


def test_withdrawn_entries_count_for_nothing_from_their_date_only(replayed: Path) -> None:
    ws = load_workspace(replayed)
    before, after = (warning.status_as_of(ws, day).loc["LV-01"] for day in ("2024-02-29", "2024-03-15"))
    assert (before["status"], before["confidence"], before["indications"]) == ("observed", "high", 4)
    assert (after["status"], after["confidence"], after["indications"]) == ("emerging", "moderate", 3)
    stale = warning.status_as_of(ws, "2024-03-31")["stale"].to_dict()
    assert stale == {"LV-01": True, "LV-02": False, "LV-03": True, "LV-04": False}
    reviewed = warning.status_as_of(ws, "2024-04-20").loc["LV-03"]
    assert (reviewed["stale"], reviewed["review"], reviewed["status"]) == (False, True, "observed")
    judged = {day: warning.latest_judgments(ws, day).at["UP", "likelihood"]
              for day in ("2024-05-02", "2024-05-15")}
    assert judged == {"2024-05-02": "very likely", "2024-05-15": "likely"}
    changes = warning.changes_since(ws, "2024-02-29", "2024-03-15")
    assert sorted(changes.loc[changes["kind"] == "withdrawal", "before"]) == ["LV-01.3", "LV-01@2024-02-05"]


def test_the_import_skipped_what_was_there_and_refused_the_bad_file_whole(replayed: Path,
                                                                           capsys: pytest.CaptureFixture[str]) -> None:
    ws = load_workspace(replayed)
    convoys = [o for o in ws.indicator_by_id["LV-01"].indications if o.summary == "Convoy seen at the border"]
    assert len(convoys) == 1  # line 12 of events-1.csv repeats line 2: skipped
    assert all(o.date < dt.date(2024, 6, 20) for o in ws.indicator_by_id["LV-02"].indications)
    code, out, err = _run(capsys, "import", str(replayed / "events-2-bad.tsv"), "--data", str(replayed))
    assert code == 1 and out == ""
    lines = err.splitlines()
    assert any(line.startswith(f"{replayed / 'events-2-bad.tsv'}:3:1: error: LV-02 was retired on 2024-05-01")
               for line in lines)
    assert any(line.startswith(f"{replayed / 'events-2-bad.tsv'}:4:1: error: summary is empty") for line in lines)
    code, out, err = _run(capsys, "import", str(replayed / "events-2.tsv"), "--data", str(replayed), "--dry-run")
    assert code == 0 and out == ""  # every row is there already: nothing to write
    assert "line 2: already recorded on LV-03 (2024-06-10), skipped" in err


def test_the_shared_source_is_shown_in_full(replayed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "show", "LV-03.6", "--data", str(replayed), "--as-of", "2024-07-31", "--json")
    item = json.loads(out)["item"]
    assert code == 0
    assert (item["source"], item["source_id"], item["source_detail"]) == (
        "Report of the monitoring panel", "un-panel-2024", "Report of the monitoring panel, Test panel, 2024-01-18")
