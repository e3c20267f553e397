"""The Export page under AppTest: downloads, markings and withheld counts, kept snapshots, comparisons.

Hand-worked diff of the tiny fixture from 2024-02-15 to 2024-03-15: TT-01 emerging -> observed,
new indication TT-01.2 (2024-02-20), scenario AA judged unlikely -> likely (2024-03-05), and
AA's warning level Low -> High. The marked fixture (GREEN) holds 6 items marked AMBER by 2024-03-15:
1 indicator, 2 indications, 2 assessments and 1 judgment.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from indicators.reports.formats import FORMATS
from indicators.reports.snapshot import load_snapshot
from indicators.workspace.vocab import LIKELIHOOD, MARKING, STATUS

from tests.app.test_app import fresh_app, open_app, plain, served_copy  # noqa: F401 — fresh_app is an autouse fixture
from tests.conftest import FIXTURES

EXPORT = "export"
HAND_WORKED = {
    "Warning levels": [("AA", "Low", "High")],
    "Judgments": [("AA", LIKELIHOOD.label("unlikely"), LIKELIHOOD.label("likely"))],
    "Status changes": [("TT-01", STATUS.label("emerging"), STATUS.label("observed"))],
}


@pytest.fixture
def tiny(tmp_path: Path, monkeypatch) -> Path:
    return served_copy("tiny", tmp_path, monkeypatch)


def diff_shown(at) -> dict[str, list[tuple]]:
    """The comparison's tables, by title: (subject, before, after) rows, or (id, indicator, date) for indications."""
    titles = [plain(m.value).split(" (")[0].strip("*") for m in at.markdown if m.value.startswith("**")]
    frames = [d.value for d in at.dataframe if "File" not in d.value.columns]  # all but the kept snapshots
    out = {}
    for title, frame in zip(titles, frames):
        if "ID" in frame.columns:
            out[title] = [(r["ID"], r["Indicator"], str(r["Date"])) for _, r in frame.iterrows()]
        else:
            out[title] = [(r.iloc[0], r["Before"], r["After"]) for _, r in frame.iterrows()]
    return out


def downloads(at) -> list[str]:
    return [b.label for b in at.get("download_button")]


def test_export_page_renders_downloads_and_no_snapshot_yet(tiny):
    at = open_app(EXPORT, as_of="2024-03-15", since="2024-02-15")
    assert downloads(at) == ["HTML report", "Markdown brief", "CSV checklist", "JSON snapshot"]
    assert downloads(at) == [f.label for f in FORMATS]  # one button per registered format, none other
    assert all(b.proto.HasField("deferred_file_id") for b in at.get("download_button"))  # built on click only
    assert at.selectbox(key="export_marking").value == "GREEN"  # the workspace's marking
    assert "Nothing withheld" in at.info[0].value
    assert "No snapshot is kept yet." in [i.value for i in at.info]
    assert at.button(key="keep_snapshot")


def test_the_comparison_shows_the_hand_worked_diff(tiny):
    at = open_app(EXPORT, as_of="2024-03-15", since="2024-02-15")
    assert at.radio(key="export_compare").value == "dates"
    shown = diff_shown(at)
    assert {k: v for k, v in shown.items() if k in HAND_WORKED} == HAND_WORKED
    assert shown["New indications"] == [("TT-01.2", "TT-01", "2024-02-20")]
    assert list(shown) == ["Warning levels", "Judgments", "Status changes", "New indications"]
    assert any("From 2024-02-15 to 2024-03-15 · TLP:GREEN" in plain(c.value) for c in at.caption)


def test_no_change_says_so(tiny):
    at = open_app(EXPORT, as_of="2024-02-15", since="2024-02-15")
    assert "No changes." in [i.value for i in at.info]


@pytest.mark.parametrize("marking, expected", [
    ("GREEN", "6 items marked above TLP:GREEN are withheld from the export: 1 indicator, 2 indications, "
              "2 assessments, 1 judgment."),
    ("AMBER", "Nothing withheld: no item is marked above TLP:AMBER."),
])
def test_withheld_counts_for_the_marking(monkeypatch, marking, expected):
    monkeypatch.setenv("INDICATORS_DATA", str(FIXTURES / "marked"))
    at = open_app(EXPORT, as_of="2024-03-15")
    at.selectbox(key="export_marking").set_value(marking).run()
    shown = [w.value for w in at.warning] + [i.value for i in at.info]
    assert expected in shown
    assert len(downloads(at)) == 4


def test_marking_below_the_workspace_is_refused(tiny):
    at = open_app(EXPORT, as_of="2024-03-15")
    at.selectbox(key="export_marking").set_value("CLEAR").run()
    assert not at.exception
    text = plain(at.error[0].value)
    assert f"cannot export for {MARKING.label('CLEAR')}" in text and "choose the workspace's marking or higher" in text
    assert downloads(at) == [] and not [b for b in at.button if b.key == "keep_snapshot"]


def test_keep_snapshots_then_compare_them(tiny):
    at = open_app(EXPORT, as_of="2024-02-15", since="2024-01-15")
    at.button(key="keep_snapshot").click().run()
    assert "Kept snapshots/2024-02-15.json." in plain(at.success[0].value)
    kept = tiny / "snapshots" / "2024-02-15.json"
    assert load_snapshot(kept).as_of.isoformat() == "2024-02-15"
    assert at.dataframe[0].value["File"].tolist() == ["2024-02-15.json"]

    at = open_app(EXPORT, as_of="2024-03-15", since="2024-02-15")
    assert "kept already" not in " ".join(c.value for c in at.caption)
    at.button(key="keep_snapshot").click().run()
    assert sorted(p.name for p in (tiny / "snapshots").iterdir()) == ["2024-02-15.json", "2024-03-15.json"]
    assert at.dataframe[0].value["File"].tolist() == ["2024-03-15.json", "2024-02-15.json"]  # newest first
    assert "kept already" in " ".join(c.value for c in at.caption)

    at.radio(key="export_compare").set_value("snapshots").run()
    assert at.selectbox(key="export_old").value.endswith("2024-02-15.json")
    assert at.selectbox(key="export_new").value.endswith("2024-03-15.json")
    shown = diff_shown(at)
    assert {k: v for k, v in shown.items() if k in HAND_WORKED} == HAND_WORKED
    assert shown["New indications"] == [("TT-01.2", "TT-01", "2024-02-20")]
    assert any("From 2024-02-15.json to 2024-03-15.json" in plain(c.value) for c in at.caption)


def test_comparing_snapshots_needs_two(tiny):
    at = open_app(EXPORT)
    at.radio(key="export_compare").set_value("snapshots").run()
    assert any("Keep at least two snapshots" in i.value for i in at.info)


def test_read_only_downloads_but_keeps_nothing(tiny, monkeypatch):
    monkeypatch.setenv("INDICATORS_READ_ONLY", "1")
    at = open_app(EXPORT, as_of="2024-03-15")
    assert len(downloads(at)) == 4
    assert not [b for b in at.button if b.key == "keep_snapshot"]
    assert any("Read-only" in c.value for c in at.caption)
    assert not (tiny / "snapshots").exists()
