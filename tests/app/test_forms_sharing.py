"""The plain helpers behind the Update (indicators.app.forms) and Export (indicators.app.sharing) pages.

Tiny fixture: TT-01 has indications TT-01.1 (2024-01-05) and TT-01.2 (2024-02-20). Its diff from
2024-02-15 to 2024-03-15 is worked out in tests/app/test_app_export.py.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from indicators.app import forms, sharing
from indicators.editing import git
from indicators.editing.updates import plan_indication
from indicators.reports import compare, export, formats
from indicators.reports.markings import WithheldCount
from indicators.reports.snapshot import build_snapshot, list_snapshots, parse_snapshot
from indicators.workspace.load import load_workspace
from indicators.workspace.problems import Problem
from indicators.workspace.vocab import CONFIDENCE, CREDIBILITY, LIKELIHOOD, MARKING, RELIABILITY, STATUS

from tests.conftest import FIXTURES, TODAY

FEB_15, MAR_15 = dt.date(2024, 2, 15), dt.date(2024, 3, 15)


@pytest.fixture(scope="module")
def ws():
    return load_workspace(FIXTURES / "tiny", today=TODAY)


# ----------------------------------------------------------------------------- forms


@pytest.mark.parametrize("scale", [STATUS, CONFIDENCE, LIKELIHOOD, RELIABILITY, CREDIBILITY, MARKING])
def test_choice_labels_come_from_the_scale(scale):
    labels = [forms.choice_label(scale, v) for v in scale.values()]
    assert len(set(labels)) == len(scale)
    assert all(scale.label(v) in label for v, label in zip(scale.values(), labels))


def test_choice_label_examples():
    assert forms.choice_label(RELIABILITY, "B") == "B — Usually reliable"
    assert forms.choice_label(CREDIBILITY, "6") == "6 — Cannot be judged"
    assert forms.choice_label(STATUS, "not_observed") == "Not observed"
    assert forms.choice_label(LIKELIHOOD, "likely") == "Likely (55–80%)"
    assert forms.choice_label(MARKING, "AMBER+STRICT") == "TLP:AMBER+STRICT"


def test_optional_and_required_text():
    assert forms.optional("  ") is None and forms.optional(None) is None and forms.optional(" x ") == "x"
    assert forms.required(None) == "" and forms.required(" a b ") == "a b"


def test_citable_is_the_indicators_indications_up_to_the_date(ws):
    assert list(forms.citable(ws, "TT-01", MAR_15)) == ["TT-01.2", "TT-01.1"]
    assert forms.citable(ws, "TT-01", FEB_15) == {"TT-01.1": "TT-01.1 · 2024-01-05 · First sighting."}
    assert forms.citable(ws, "TT-02", MAR_15) == {} and forms.citable(ws, "NOPE-01", MAR_15) == {}
    assert forms.keep_known(["TT-01.2", "TT-01.1"], ["TT-01.1"]) == ["TT-01.1"]


def test_problem_lines_and_conflict():
    conflict = Problem("x.yaml", 0, 0, "conflict", "x.yaml changed on disk", "review again")
    assert forms.problem_lines([conflict]) == [("x.yaml changed on disk", "review again")]
    assert forms.is_conflict([conflict]) and not forms.is_conflict([forms.form_changed()])


def test_saved_message_names_the_new_id_and_file(ws):
    planned = plan_indication(ws, "TT-02", date=FEB_15, summary="s", source="Wire", reliability="B", credibility=2)
    assert forms.saved_message(planned, ws.root) == "Indication TT-02.1 saved to indicators/core.yaml."
    assert forms.entry_date(planned) == FEB_15


def test_in_git_repository(tmp_path):
    folder = Path(shutil.copytree(FIXTURES / "tiny", tmp_path / "tiny"))
    assert not git.in_git_repository(folder)
    subprocess.run(["git", "init", "-q", str(folder)], check=True)
    assert git.in_git_repository(folder) and git.in_git_repository(folder / "indicators")
    assert not git.in_git_repository(tmp_path / "missing")


# ----------------------------------------------------------------------------- sharing


@pytest.mark.parametrize("title, expected", [
    ("Tiny", "tiny"), ("Russia–North Korea cooperation", "russia-north-korea-cooperation"),
    ("Café <script>/../x", "cafe-script-x"), ("Москва", "board"), ("   ", "board"),
])
def test_slug(title, expected):
    assert sharing.slug(title) == expected


def test_download_names(ws):
    assert [sharing.download_name(ws, MAR_15, f) for f in formats.names()] == [
        "tiny-2024-03-15.html", "tiny-2024-03-15.md", "tiny-2024-03-15.csv", "tiny-2024-03-15.json"]


def test_exporters_build_the_same_content_as_the_library(ws):
    made = {fmt: sharing.exporter(ws, MAR_15, FEB_15, "GREEN", fmt)() for fmt in formats.names()}
    html = made["html"]
    assert html.lstrip().lower().startswith("<!doctype html>") and html.rstrip().endswith("</html>")
    snap = parse_snapshot(made["json"])
    assert (snap.as_of, snap.since, snap.marking.value) == (MAR_15, FEB_15, "GREEN")
    assert made["csv"].startswith("\ufeff") and "TT-01" in made["csv"]
    assert made["md"] == export.render_markdown(build_snapshot(ws, MAR_15, FEB_15, "GREEN",
                                                               generated_at=snap.generated_at))


def test_withheld_counts_and_sentence():
    marked = load_workspace(FIXTURES / "marked", today=TODAY)
    green = sharing.withheld(marked, "GREEN", MAR_15)
    assert (green.indicators, green.indications, green.assessments, green.judgments) == (1, 2, 2, 1)
    assert sharing.withheld(marked, "AMBER", MAR_15).total == 0
    assert sharing.withheld_sentence(WithheldCount(indications=1), "GREEN") == (
        "1 item marked above TLP:GREEN is withheld from the export: 1 indication.")


def test_diff_tables_of_the_tiny_fixture(ws):
    tables = sharing.diff_tables(compare.diff_dates(ws, FEB_15, MAR_15))
    assert [(kind, title, len(frame)) for kind, title, frame in tables] == [
        ("levels", "Warning levels", 1), ("judgments", "Judgments", 1), ("status", "Status changes", 1),
        ("new_indications", "New indications", 1)]
    frames = {kind: frame.iloc[0].to_dict() for kind, _, frame in tables}
    assert frames["status"]["Before"] == "Emerging" and frames["status"]["After"] == "Observed"
    assert frames["judgments"]["Before"] == "Unlikely" and frames["judgments"]["After"] == "Likely"
    assert frames["new_indications"]["ID"] == "TT-01.2" and frames["new_indications"]["Link"] is None
    assert sharing.diff_tables(compare.diff_dates(ws, MAR_15, MAR_15)) == []


def test_kept_snapshots_table_and_choices(tmp_path, ws):
    folder = Path(shutil.copytree(FIXTURES / "tiny", tmp_path / "tiny"))
    for day in (FEB_15, MAR_15):
        export.keep_snapshot(folder, build_snapshot(ws, day))
    (folder / "snapshots" / "broken.json").write_text("{")
    kept = list_snapshots(folder)
    table = sharing.kept_table(kept)
    assert table["File"].tolist() == ["2024-03-15.json", "2024-02-15.json", "broken.json"]
    assert table["Problem"].tolist()[:2] == ["", ""] and "not valid JSON" in table["Problem"].iloc[2]
    choices = sharing.snapshot_choices(kept)
    assert list(choices.values()) == ["2024-02-15.json · TLP:GREEN", "2024-03-15.json · TLP:GREEN"]
    assert json.loads(Path(list(choices)[0]).read_text())["as_of"] == "2024-02-15"
