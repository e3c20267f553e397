"""The app's marking banners and portion marks under AppTest: each page is marked with the highest
marking of what it shows, top and bottom, and marks each item above the workspace's marking.

Hand-worked from tests/fixtures/marked (GREEN workspace; see tests/reports/test_markings.py): MK-03
is AMBER as a whole; MK-01 lists its AMBER indication MK-01.2 from 2024-02-20 and rests on its
AMBER assessment from 2024-03-01; MK-02 is GREEN (its indication MK-02.1 is CLEAR, below the
workspace); scenario AA's judgment of 2024-03-05 is AMBER. So the Overview, the Checklist,
Trends and Scenarios show AMBER items on 2024-03-15. The Indicator page's picker lists every
indicator's title and the Checklist's filters every indicator's theme and actors, so both carry
MK-03's AMBER whichever indicator is shown; Data health and Export (for GREEN readers) are GREEN.
"""

from __future__ import annotations

import re

import pytest

from tests.app.test_app import fresh_app, open_app  # noqa: F401 — fresh_app is an autouse fixture
from tests.conftest import DATA, FIXTURES

MAR_15 = "2024-03-15"


@pytest.fixture(autouse=True)
def marked(monkeypatch) -> None:
    monkeypatch.setenv("INDICATORS_DATA", str(FIXTURES / "marked"))


def banners(at) -> list[str]:
    """The TLP labels of the page's banners, top first."""
    bodies = [h.proto.body for h in at.get("html") if "tlp-banner" in h.proto.body]
    return [re.search(r"TLP:[A-Z+]+", body).group(0) for body in bodies]


def marking_column(at, first_column: str) -> list[str]:
    """The Marking column of the table whose first column is `first_column` ([] if it has none)."""
    for frame in (d.value for d in at.dataframe):
        if hasattr(frame, "columns") and frame.columns[0] == first_column and "Marking" in frame.columns:
            return frame["Marking"].tolist()
    return []


@pytest.mark.parametrize("page, params, expected", [
    ("overview", {"as_of": MAR_15}, "TLP:AMBER"),  # scores, changes and AA's judgment rest on AMBER items
    ("checklist", {"as_of": MAR_15}, "TLP:AMBER"),
    ("checklist", {"as_of": MAR_15, "q": "MK-02"}, "TLP:AMBER"),  # MK-02's row, but MK-03's theme and actors
    # are filter options
    ("indicator", {"as_of": MAR_15, "indicator": "MK-01"}, "TLP:AMBER"),
    ("indicator", {"as_of": "2024-02-15", "indicator": "MK-01"}, "TLP:AMBER"),  # the picker lists MK-03's title
    ("indicator", {"as_of": MAR_15, "indicator": "MK-02"}, "TLP:AMBER"),
    ("indicator", {"as_of": "2024-01-01", "indicator": "MK-03"}, "TLP:AMBER"),
    ("trends", {"as_of": MAR_15}, "TLP:AMBER"),
    ("scenarios", {}, "TLP:AMBER"),  # MK-03's ratings
    ("health", {}, "TLP:GREEN"),  # no problems: no item is shown
    ("export", {"as_of": MAR_15}, "TLP:GREEN"),  # the comparison for GREEN readers
    ("update", {}, "TLP:AMBER"),  # the forms list every indicator
])
def test_each_page_is_marked_with_the_highest_marking_it_shows(page, params, expected) -> None:
    at = open_app(page, **params)
    assert banners(at) == [expected, expected]


def test_the_export_page_comparing_for_amber_readers_is_amber() -> None:
    at = open_app("export", as_of=MAR_15, since="2024-02-15")
    at.selectbox(key="export_marking").set_value("AMBER").run()
    assert banners(at) == ["TLP:AMBER", "TLP:AMBER"]


def test_overview_marks_the_amber_judgment_and_changes() -> None:
    at = open_app(as_of=MAR_15, since="2024-02-15")
    portions = [h.proto.body for h in at.get("html") if "tlp-portion" in h.proto.body]
    assert len(portions) == 1 and "TLP:AMBER" in portions[0] and "Very likely" in portions[0]  # AA's judgment
    changes = next(d.value for d in at.dataframe if "Kind" in d.value.columns)
    marked = dict(zip(changes["Subject"] + " " + changes["Kind"], changes["Marking"]))
    assert marked == {"AA Judgment": "TLP:AMBER", "MK-01 Status": "TLP:AMBER", "MK-01 Indication": "TLP:AMBER"}


def test_checklist_marks_the_rows_that_rest_on_amber_items() -> None:
    at = open_app("checklist", as_of=MAR_15)
    table = at.dataframe[0].value
    assert dict(zip(table["ID"], table["Marking"])) == {"MK-01": "TLP:AMBER", "MK-02": "", "MK-03": "TLP:AMBER"}
    assert marking_column(open_app("checklist", as_of=MAR_15, q="MK-02"), "ID") == []  # nothing to mark: no column


def test_indicator_page_marks_its_amber_items() -> None:
    at = open_app("indicator", as_of=MAR_15, indicator="MK-01")
    header = " ".join(h.proto.body for h in at.get("html") if "tlp-portion" in h.proto.body)
    assert "TLP:AMBER" in header  # its status rests on the AMBER assessment
    indications = next(d.value for d in at.dataframe if "Summary" in d.value.columns)
    assert dict(zip(indications["ID"], indications["Marking"])) == {"MK-01.2": "TLP:AMBER", "MK-01.1": ""}
    assessments = next(d.value for d in at.dataframe if "Rationale" in d.value.columns)
    assert assessments["Marking"].tolist() == ["TLP:AMBER", ""]  # newest first
    green = open_app("indicator", as_of=MAR_15, indicator="MK-02")
    assert not [h for h in green.get("html") if "tlp-portion" in h.proto.body]
    assert all("Marking" not in d.value.columns for d in green.dataframe if hasattr(d.value, "columns"))


@pytest.mark.parametrize("as_of, expected", [("2023-09-28", "TLP:CLEAR"), ("2024-11-30", "TLP:AMBER")])
def test_default_workspace_overview_is_amber_once_it_rests_on_amber_notes(monkeypatch, as_of, expected) -> None:
    monkeypatch.setenv("INDICATORS_DATA", str(DATA))
    assert banners(open_app(as_of=as_of)) == [expected, expected]
