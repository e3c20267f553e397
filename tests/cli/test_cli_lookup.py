"""`indicators show`, `list` and `search`: text, JSON, exit codes and markings, worked out by hand on the
fixtures (tiny: TT-01..TT-04, scenarios AA, BB; marked: AMBER items in a GREEN workspace; see
tests/reports/test_lookup.py for what each holds)."""

from __future__ import annotations

import json

from tests.conftest import FIXTURES

TINY, MARKED = str(FIXTURES / "tiny"), str(FIXTURES / "marked")
AS_OF = ["--as-of", "2024-03-15"]


def test_show_indicator_loosely_named(run) -> None:
    result = run("show", "tt_01", "--data", TINY, *AS_OF)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "Tiny — TLP:GREEN — as of 2024-03-15\n"
        "INDICATOR TT-01  Diagnostic for A\n"
        "  theme: core\n"
        "  priority: high\n"
        "  criteria: Seen twice.\n"
        "  ratings: AA HL, BB HU\n"
        "INDICATIONS\n"
        "  2024-01-05  TT-01.1  First sighting.  [Wire, B2]  https://example.org/a\n"
        "  2024-02-20  TT-01.2  Second sighting.  [Wire, C3]  4 launches\n"
        "ASSESSMENTS\n"
        "  TT-01@2024-01-10  emerging (moderate confidence)  Ann: One sighting.  cites TT-01.1\n"
        "  TT-01@2024-03-01  observed (high confidence)  Ann: Two sightings.  cites TT-01.1, TT-01.2\n")


def test_show_as_of_cuts_history(run) -> None:
    result = run("show", "TT-01", "--data", TINY, "--as-of", "2024-02-01")
    assert "TT-01.2" not in result.stdout and "Two sightings" not in result.stdout
    assert "TT-01.1" in result.stdout and "One sighting" in result.stdout
    scenario = run("show", "aa", "--data", TINY, "--as-of", "2024-02-01").stdout
    assert "unlikely (low confidence)" in scenario and "2024-03-05" not in scenario


def test_show_scenario_and_indication(run) -> None:
    scenario = run("show", "AA", "--data", TINY, *AS_OF).stdout.splitlines()
    assert scenario[1] == "SCENARIO AA  Scenario A"
    assert scenario[scenario.index("INDICATORS") + 1:] == [
        "  TT-01    HL  Diagnostic for A", "  TT-04    HL  Also for A, never seen",
        "  TT-02    L   Not diagnostic", "  TT-03    C   Diagnostic for B"]
    indication = run("show", "tt 01.2", "--data", TINY, *AS_OF).stdout.splitlines()
    assert indication[1:] == [
        "INDICATION TT-01.2  Second sighting.", "  date: 2024-02-20", "  source: Wire (C3)", "  value: 4 launches",
        "  indicator: TT-01  Diagnostic for A", "CITED BY",
        "  TT-01@2024-03-01  observed (high confidence)  Ann: Two sightings.  cites TT-01.1, TT-01.2"]


def test_show_unknown_id_exits_1_with_did_you_mean(run) -> None:
    result = run("show", "TT-1", "--data", TINY, *AS_OF)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.startswith(
        "indicators show: no indicator, scenario, indication, assessment, judgment or source 'TT-1' — did you mean ")
    assert "TT-01" in result.stderr
    later = run("show", "TT-01.2", "--data", TINY, "--as-of", "2024-02-01")
    assert later.returncode == 1 and "TT-01.2 is dated 2024-02-20" in later.stderr


def test_show_marking_withholds_and_heads(run) -> None:
    everything = run("show", "MK-01", "--data", MARKED, *AS_OF).stdout.splitlines()
    assert everything[0] == "Marked — TLP:AMBER — as of 2024-03-15"
    assert "  2024-02-20  MK-01.2  AMBER-ONLY sighting.  [AMBER-ONLY source, B2] (TLP:AMBER)" in everything
    green = run("show", "MK-01", "--data", MARKED, *AS_OF, "--marking", "green")
    assert green.returncode == 0
    lines = green.stdout.splitlines()
    assert lines[:2] == ["Marked — TLP:GREEN — as of 2024-03-15",
                         "2 items marked above TLP:GREEN are withheld from this report: 1 indication, 1 assessment."]
    assert "AMBER-ONLY" not in green.stdout and "MK-01.2" not in green.stdout
    withheld = run("show", "MK-01.2", "--data", MARKED, *AS_OF, "--marking", "GREEN")
    assert withheld.returncode == 1 and "AMBER-ONLY" not in withheld.stderr
    assert run("show", "MK-01", "--data", MARKED, "--marking", "CLEAR").returncode == 1  # below the workspace's


def test_show_json(run) -> None:
    data = json.loads(run("show", "MK-01.1", "--data", MARKED, *AS_OF, "--json").stdout)
    assert {k: data[k] for k in ("workspace", "marking", "made_for", "workspace_marking", "as_of")} == {
        "workspace": "Marked", "marking": "AMBER", "made_for": "AMBER", "workspace_marking": "GREEN",
        "as_of": "2024-03-15"}
    item = data["item"]
    assert (item["kind"], item["id"], item["indicator"]["id"], item["marking"]) == (
        "indication", "MK-01.1", "MK-01", "GREEN")
    assert [(a["date"], a["marking"]) for a in item["cited_by"]] == [("2024-01-10", "GREEN"), ("2024-03-01", "AMBER")]


def test_list_text_and_filters(run) -> None:
    result = run("list", "--data", TINY, *AS_OF)
    assert result.returncode == 0
    assert result.stdout == (
        "Tiny — TLP:GREEN — as of 2024-03-15\n"
        "  TT-01    observed      high      high    core  Diagnostic for A\n"
        "  TT-02    observed      high      medium  core  Not diagnostic  stale\n"
        "  TT-03    observed      low       medium  core  Diagnostic for B  stale\n"
        "  TT-04    not_observed  -         low     core  Also for A, never seen  OVERDUE stale\n"
        "4 indicators\n")

    def ids(*filters: str) -> list[str]:
        out = run("list", "--data", TINY, *AS_OF, *filters, "--json")
        assert out.returncode == 0, out.stderr
        return [r["id"] for r in json.loads(out.stdout)["indicators"]]

    assert ids("--overdue") == ["TT-04"]
    assert ids("--stale", "--priority", "Medium") == ["TT-02", "TT-03"]
    assert ids("--scenario", "bb") == ["TT-02", "TT-03"]
    assert ids("--status", "not observed", "--status", "emerging") == ["TT-04"]
    assert ids("--theme", "core", "--priority", "high") == ["TT-01"]
    assert ids("--status", "negated") == []  # an empty list is fine: exit 0
    assert run("list", "--data", TINY, "--status", "seen").returncode == 2
    unknown = run("list", "--data", TINY, "--scenario", "AAA")
    assert unknown.returncode == 1 and "did you mean AA?" in unknown.stderr


def test_list_marking(run) -> None:
    everything = run("list", "--data", MARKED, *AS_OF).stdout.splitlines()
    assert everything[0] == "Marked — TLP:AMBER — as of 2024-03-15"
    assert everything[1].endswith("Partly marked indicator (TLP:AMBER)")
    green = run("list", "--data", MARKED, *AS_OF, "--marking", "GREEN").stdout.splitlines()
    assert green[0] == "Marked — TLP:GREEN — as of 2024-03-15"
    assert green[1].startswith("6 items marked above TLP:GREEN are withheld")
    assert [line.split()[:2] for line in green[2:4]] == [["MK-01", "emerging"], ["MK-02", "emerging"]]
    assert green[4] == "2 indicators"


def test_search(run) -> None:
    result = run("search", "SIGHTING", "--data", TINY, *AS_OF)
    assert result.returncode == 0
    assert result.stdout == (
        "Tiny — TLP:GREEN — as of 2024-03-15\n"
        "  indication TT-01.1    2024-01-05  summary: First sighting.\n"
        "  indication TT-01.2    2024-02-20  summary: Second sighting.\n"
        "  assessment TT-01      2024-01-10  rationale: One sighting.\n"
        "  assessment TT-01      2024-03-01  rationale: Two sightings.\n"
        "4 hits for 'sighting'\n")
    both = run("search", "second", "Sighting", "--data", TINY, *AS_OF, "--json")
    assert [h["id"] for h in json.loads(both.stdout)["hits"]] == ["TT-01.2"]
    none = run("search", "second", "launch", "--data", TINY, *AS_OF)
    assert none.returncode == 0 and none.stdout.splitlines()[-1] == "nothing holds 'second launch'"
    assert run("search", "--data", TINY).returncode == 2  # no words


def test_search_marking(run) -> None:
    amber = run("search", "amber-only", "--data", MARKED, *AS_OF).stdout.splitlines()
    assert amber[0] == "Marked — TLP:AMBER — as of 2024-03-15" and amber[-1] == "7 hits for 'amber-only'"
    assert all(line.endswith("(TLP:AMBER)") for line in amber[1:-1])
    green = run("search", "amber-only", "--data", MARKED, *AS_OF, "--marking", "green")
    assert green.stdout.splitlines()[0] == "Marked — TLP:GREEN — as of 2024-03-15"
    assert green.stdout.splitlines()[-1] == "nothing holds 'amber-only'"
    data = json.loads(run("search", "green", "--data", MARKED, *AS_OF, "--json").stdout)
    assert data["marking"] == "GREEN" and {h["kind"] for h in data["hits"]} == {"judgment", "indication",
                                                                               "assessment"}


def test_missing_workspace_exits_1(run, tmp_path) -> None:
    for verb in (["show", "X"], ["list"], ["search", "x"]):
        assert run(*verb, "--data", str(tmp_path)).returncode == 1
