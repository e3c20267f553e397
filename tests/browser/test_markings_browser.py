"""Marking banners in a real browser: the top banner, filled after the page ran, ends up carrying
the highest marking of what the page shows, and the same as the bottom one.

On tests/fixtures/marked (GREEN; hand-worked in tests/reports/test_markings.py) as of 2024-03-15:
MK-01's page shows AMBER items, Data health (no problems) nothing above GREEN; moving from one to
the other in the same tab must lower the banner again, and moving back raise it.
"""

from __future__ import annotations

import pytest

from tests.browser.test_browser import serving
from tests.conftest import FIXTURES

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def marked_server(tmp_path_factory):
    with serving(FIXTURES / "marked", tmp_path_factory.mktemp("server") / "marked.log") as server:
        yield server


def banners(tab) -> list[str]:
    return [t.strip() for t in tab.page.locator(".tlp-banner").all_inner_texts()]


def row(tab, key: str) -> list[str]:
    """Every cell of the grid row that holds `key`."""
    tab.cells()
    rows = tab.page.locator('[data-testid="stDataFrame"] [role="row"]')
    for i in range(rows.count()):
        texts = rows.nth(i).locator('[role="gridcell"]').all_inner_texts()
        if key in texts:
            return texts
    return []


def test_banners_follow_what_each_page_shows(marked_server, new_tab) -> None:
    tab = new_tab()
    tab.open(f"{marked_server.url}/indicator?indicator=MK-01&as_of=2024-03-15")
    assert banners(tab) == ["TLP:AMBER", "TLP:AMBER"]
    assert "TLP:AMBER" in row(tab, "MK-01.2") and "TLP:AMBER" not in row(tab, "MK-01.1")
    tab.go("Data health")  # no problem to show: nothing above the workspace's GREEN
    assert banners(tab) == ["TLP:GREEN", "TLP:GREEN"]
    tab.open(f"{marked_server.url}/?as_of=2024-03-15")
    assert banners(tab) == ["TLP:AMBER", "TLP:AMBER"]
    assert not tab.external_requests()
