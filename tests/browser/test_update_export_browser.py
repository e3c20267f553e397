"""The Update and Export pages in a real headless Chromium, on a copy of the tiny fixture.

An indication is typed into the Update form, previewed and saved, then seen on the Indicator
page; the Export page's HTML download is a complete HTML document. Every request must stay on
127.0.0.1. Screenshots of both pages (the tiny copy and the default data/) go to the tmp folder
and, when $SCREENSHOT_DIR is set, there too.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from indicators.workspace.load import load_workspace

# The fixtures (browser, data_server, new_tab, shots) come from tests/browser/conftest.py.
from .test_browser import EXCEPTION, _screenshot

pytestmark = pytest.mark.browser

SUMMARY = "Freight trains with covered loads crossed the Tumen bridge."
SUCCESS = '[data-testid="stAlertContentSuccess"]'
CODE = '[data-testid="stCode"]'


def test_record_an_indication_and_see_it_on_the_board(copy_server, tiny_copy, new_tab, shots):
    tab = new_tab()
    tab.open(f"{copy_server.url}/update?indicator=TT-02")
    page = tab.page
    page.get_by_label("Summary").fill(SUMMARY)
    page.get_by_label("Source", exact=True).fill("Border watch")
    page.get_by_label("Source", exact=True).press("Tab")
    tab.idle()
    tab.choose("Source reliability", "B — Usually reliable")
    tab.choose("Information credibility", "2 — Probably true")
    page.get_by_role("button", name="Preview").click()
    tab.idle()
    assert page.locator(EXCEPTION).count() == 0
    preview = page.locator(CODE).inner_text()
    assert f"+        summary: {SUMMARY}" in preview and "+        reliability: B" in preview
    assert "TT-02.1" not in (tiny_copy / "indicators" / "core.yaml").read_text()  # not written yet
    _screenshot(tab, shots, "tiny-copy-update-preview")

    page.get_by_role("button", name="Save").click()
    tab.idle()
    assert "Indication TT-02.1 saved" in page.locator(SUCCESS).inner_text()
    assert page.locator(CODE).count() == 0
    saved = load_workspace(tiny_copy).indicator_by_id["TT-02"].indications
    assert [(o.id, o.summary, o.reliability.value, int(o.credibility)) for o in saved] == [
        ("TT-02.1", SUMMARY, "B", 2)]
    _screenshot(tab, shots, "tiny-copy-update")

    page.get_by_role("link", name="See TT-02 on the Indicator page").click()
    page.wait_for_url("**/indicator?*", timeout=30_000)
    tab.idle()
    assert tab.params()["indicator"] == ["TT-02"]
    assert SUMMARY in tab.cells()

    other = new_tab()  # a colleague opening the board afterwards sees it too
    other.open(f"{copy_server.url}/indicator?indicator=TT-02")
    assert SUMMARY in other.cells()
    assert tab.requests and tab.external_requests() == [] and other.external_requests() == []


def test_export_page_downloads_a_complete_html_report(copy_server, new_tab, shots):
    tab = new_tab()
    tab.open(f"{copy_server.url}/export?as_of=2024-03-15&since=2024-02-15")
    page = tab.page
    assert page.locator(EXCEPTION).count() == 0
    deadline = time.monotonic() + 60  # the comparison's tables hydrate one after another
    while not ({"Emerging", "TT-01.2"} <= set(tab.cells())) and time.monotonic() < deadline:
        page.wait_for_timeout(500)
    assert "Emerging" in tab.cells() and "TT-01.2" in tab.cells()
    _screenshot(tab, shots, "tiny-copy-export")
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name="HTML report").click()
    download = info.value
    assert download.suggested_filename == "tiny-2024-03-15.html"
    text = Path(download.path()).read_text(encoding="utf-8")
    assert text.lstrip().lower().startswith("<!doctype html>") and text.rstrip().endswith("</html>")
    assert "<body" in text and "</body>" in text and "TLP:GREEN" in text and "Diagnostic for A" in text
    assert tab.external_requests() == []


@pytest.mark.parametrize("path", ["update", "export"])
def test_default_workspace_pages_draw(data_server, new_tab, shots, path):
    tab = new_tab()
    tab.open(f"{data_server.url}/{path}")
    assert tab.page.locator(EXCEPTION).count() == 0
    assert tab.page.locator('[data-testid="stAlertContentError"]').count() == 0
    _screenshot(tab, shots, f"data-{path}")
    assert tab.external_requests() == []
