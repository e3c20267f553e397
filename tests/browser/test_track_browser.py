"""The Track record and Disagreement pages in a real headless Chromium: on tests/fixtures/track the
scores and the calibration chart, on tests/fixtures/ratings the cells to talk through and the heat
map; nothing leaves 127.0.0.1. Screenshots go to the tmp folder (and $SCREENSHOT_DIR when set)."""

from __future__ import annotations

import pytest

from tests.conftest import FIXTURES

# The fixtures (browser, new_tab, shots) come from tests/browser/conftest.py.
from .test_browser import CHARTS, EXCEPTION, _screenshot, serving

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def track_server(tmp_path_factory):
    with serving(FIXTURES / "track", tmp_path_factory.mktemp("server") / "track.log") as server:
        yield server


@pytest.fixture(scope="module")
def ratings_server(tmp_path_factory):
    with serving(FIXTURES / "ratings", tmp_path_factory.mktemp("server") / "ratings.log") as server:
        yield server


def _charted(tab, url: str):
    """The page at `url`, opened without an exception, once a chart is drawn."""
    tab.open(url)
    page = tab.page
    assert page.locator(EXCEPTION).count() == 0
    page.wait_for_function(f"document.querySelectorAll('{CHARTS}').length >= 1", timeout=30_000)
    return page


def test_the_track_record_page_draws_the_scores_and_the_calibration_chart(track_server, new_tab, shots):
    tab = new_tab()
    page = _charted(tab, f"{track_server.url}/track-record?as_of=2024-12-01")
    assert page.get_by_text("Calibration", exact=True).first.is_visible()
    cells = tab.cells()
    assert "0.0606" in cells and "0.1778" in cells and "Did not occur" in cells
    assert page.get_by_text("Warning lead time").is_visible()
    _screenshot(tab, shots, "track-record")
    assert tab.external_requests() == []


def test_the_disagreement_page_lists_the_cells_to_talk_through(ratings_server, new_tab, shots):
    tab = new_tab()
    _charted(tab, f"{ratings_server.url}/disagreement")
    cells = tab.cells()
    assert "Ann HL / Bob C; Ann HL / Cat HU; Bob C / Cat HU" in cells
    _screenshot(tab, shots, "disagreement")
    assert tab.external_requests() == []
