"""`indicators status` and markings: headed by the highest marking of what it shows, `--marking` as export.

Hand-worked from tests/fixtures/marked (GREEN workspace; see tests/reports/test_markings.py): as of
2024-03-15 everything shown includes AMBER items (MK-01's latest assessment and MK-01.2, all of
MK-03, AA's judgment of 2024-03-05); for GREEN readers 6 of them are withheld (1 indicator,
2 indications, 2 assessments, 1 judgment) and MK-01 is back to "emerging" on its GREEN assessment.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from indicators.cli import build_parser, status_report
from indicators.workspace.load import load_workspace

from tests.conftest import DATA, FIXTURES

MARKED = str(FIXTURES / "marked")
AS_OF = ["--as-of", "2024-03-15"]


def rows(text: str) -> dict[str, str]:
    return {line.split()[0]: line for line in text.splitlines() if line.startswith("  ")}


def test_status_is_headed_by_the_highest_marking_it_shows(run) -> None:
    result = run("status", "--data", MARKED, *AS_OF)
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "Marked — TLP:AMBER — as of 2024-03-15"
    assert lines[1].startswith("3 indicators:")  # nothing withheld: no withheld line
    shown = rows(result.stdout)
    assert shown["MK-01"].endswith("(TLP:AMBER)") and shown["MK-03"].endswith("(TLP:AMBER)")
    assert "TLP:" not in shown["MK-02"]
    assert shown["AA"].endswith("very likely (high confidence, 2024-03-05) (TLP:AMBER)")


def test_status_for_green_readers_withholds_counts_and_recomputes(run) -> None:
    result = run("status", "--data", MARKED, *AS_OF, "--marking", "green")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "Marked — TLP:GREEN — as of 2024-03-15"
    assert lines[1].startswith("6 items marked above TLP:GREEN are withheld from this report: 1 indicator, "
                               "2 indications, 2 assessments, 1 judgment.")
    assert lines[2].startswith("2 indicators: 0 observed, 2 emerging")
    assert "AMBER" not in result.stdout and "MK-03" not in result.stdout
    assert "emerging" in rows(result.stdout)["MK-01"] and "unlikely" in rows(result.stdout)["AA"]


@pytest.mark.parametrize("marking, message", [
    ("CLEAR", "cannot show the board for TLP:CLEAR: the workspace is marked TLP:GREEN"),
    ("PURPLE", "'PURPLE' is not a TLP marking"),
])
def test_status_refuses_a_marking_below_the_workspaces_as_export_does(run, marking: str, message: str) -> None:
    result = run("status", "--data", MARKED, *AS_OF, "--marking", marking)
    assert result.returncode == 1 and result.stdout == ""
    assert message in result.stderr and "Traceback" not in result.stderr


def test_status_json_carries_the_marking_and_is_the_library_call(run) -> None:
    result = run("status", "--data", MARKED, *AS_OF, "--json", "--marking", "GREEN")
    report = json.loads(result.stdout)
    assert (report["marking"], report["made_for"], report["withheld"]["total"]) == ("GREEN", "GREEN", 6)
    assert report == json.loads(json.dumps(status_report(load_workspace(MARKED), dt.date(2024, 3, 15), "GREEN")))
    everything = json.loads(run("status", "--data", MARKED, *AS_OF, "--json").stdout)
    assert everything["marking"] == "AMBER" and everything["withheld"]["total"] == 0
    assert [i["marking"] for i in everything["indicators"]] == ["AMBER", "GREEN", "AMBER"]


@pytest.mark.parametrize("as_of, heading, marked_rows", [
    ("2023-09-28", "TLP:CLEAR", set()),  # the brief's baseline: the AMBER notes come later
    ("2024-11-30", "TLP:AMBER", {"EX-02", "MTEC-01"}),
])
def test_status_of_the_default_workspace(run, as_of: str, heading: str, marked_rows: set[str]) -> None:
    result = run("status", "--data", str(DATA), "--as-of", as_of)
    assert result.stdout.splitlines()[0] == f"Russia–North Korea cooperation — {heading} — as of {as_of}"
    assert {k for k, line in rows(result.stdout).items() if line.endswith("(TLP:AMBER)")} == marked_rows
    clear = run("status", "--data", str(DATA), "--as-of", as_of, "--marking", "CLEAR").stdout
    assert clear.splitlines()[0].endswith(f"TLP:CLEAR — as of {as_of}") and "(TLP:AMBER)" not in clear


def test_status_help_explains_marking_with_an_example() -> None:
    verbs = next(a for a in build_parser()._actions if a.dest == "verb").choices
    text = verbs["status"].format_help()
    assert "--marking TLP" in text and "highest" in text and "--marking CLEAR" in text
