"""The HTML export in a real browser (Debian's Chromium), opened from disk with no network.

Every request that is not for the file itself is aborted and recorded: the page must draw all
its charts with none. The hostile fixture's page must run none of its text (no dialog) and show
it literally, in the page and in chart tooltips.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from indicators.reports.export import save_export
from indicators.workspace.load import load_workspace

from tests.conftest import DATA, FIXTURES, TODAY

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
HOSTILE = ["<script>alert(1)</script>", "</style><script>alert(2)</script>", '" onmouseover="alert(3)',
           "[x](javascript:alert(4))", "<img src=x onerror=alert(5)>", "a | b `tick`"]
ALL_DRAWN = ("document.querySelectorAll('.vis').length > 0 && "
             "document.querySelectorAll('.vis').length === document.querySelectorAll('.vis[data-drawn]').length")
# Content-Security-Policy violations would be blocked requests the route never sees: record them too.
RECORD_CSP = ("window.__csp = []; document.addEventListener('securitypolicyviolation', "
              "e => window.__csp.push(e.blockedURI + ' ' + e.violatedDirective));")


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("reports")
    out = {}
    for name, root, as_of in [("data", DATA, dt.date(2024, 11, 30)),
                              ("hostile", FIXTURES / "hostile", dt.date(2024, 3, 15))]:
        path = folder / f"{name}.html"
        save_export("html", path, load_workspace(root, today=TODAY), as_of)
        out[name] = path
    return out


def _open(browser, path: Path):
    """A page showing `path`, with every non-file request aborted and recorded, and dialogs recorded."""
    context = browser.new_context()
    requests: list[str] = []
    dialogs: list[str] = []
    errors: list[str] = []

    def route(r):
        if r.request.url.startswith("file://"):
            r.continue_()
        else:
            requests.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.add_init_script(RECORD_CSP)
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    page.wait_for_function(ALL_DRAWN, timeout=60_000)
    return context, page, requests, dialogs, errors


def test_report_draws_every_chart_with_no_request(browser, reports) -> None:
    context, page, requests, dialogs, errors = _open(browser, reports["data"])
    try:
        drawn = page.eval_on_selector_all(".vis", "els => els.map(e => e.querySelectorAll('svg, canvas').length)")
        assert drawn == [1, 1, 1]
        heights = page.eval_on_selector_all(".vis svg", "els => els.map(e => e.getBoundingClientRect().height)")
        assert len(heights) == 3 and all(h > 50 for h in heights)
        assert requests == [] and page.evaluate("window.__csp") == []
        assert errors == [] and dialogs == []
        text = page.inner_text("body")
        assert text.count("TLP:CLEAR") >= 2 and "withheld" in text
        # Printing uses the page's own A4 size (every page box 595 x 842 pt).
        pdf = page.pdf(prefer_css_page_size=True, print_background=True)
        boxes = {tuple(round(float(v)) for v in box.split()) for box in re.findall(rb"/MediaBox\s*\[([^\]]*)\]", pdf)}
        assert boxes == {(0, 0, 595, 842)}
        assert requests == []
    finally:
        context.close()


def test_hostile_report_runs_nothing_and_shows_the_text(browser, reports) -> None:
    context, page, requests, dialogs, errors = _open(browser, reports["hostile"])
    try:
        text = " ".join(page.inner_text("body").split())
        for piece in HOSTILE:
            assert piece in text
        assert page.locator("img").count() == 0
        assert page.evaluate("Array.from(document.querySelectorAll('*')).flatMap(e => "
                             "Array.from(e.attributes)).filter(a => a.name.startsWith('on')).length") == 0
        # Hover every indication mark: tooltips carry hostile summaries and must show them as text.
        marks = page.locator("#chart-timeline svg .role-mark path")
        assert marks.count() >= 2
        tips = []
        for i in range(marks.count()):
            marks.nth(i).hover(force=True)
            page.wait_for_timeout(150)
            tips.append(page.locator("#vg-tooltip-element").inner_text())
        assert any("<script>alert(1)</script>" in tip and "<img src=x onerror=alert(5)>" in tip for tip in tips)
        assert dialogs == [] and requests == [] and page.evaluate("window.__csp") == []
        assert errors == []
    finally:
        context.close()


def test_the_atom_feed_opens_in_chromium(browser, tmp_path) -> None:
    from indicators.cli import main

    feed = tmp_path / "notices.xml"
    assert main(["alerts", "--data", str(FIXTURES / "signals"), "--since", "2024-01-01", "--as-of", "2024-03-31",
                 "--atom", str(feed)]) == 3
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(feed.as_uri())
    text = page.locator("body").inner_text()
    assert "TLP:CLEAR — Signals: warning notices" in text and "warning level up: Elevated → Severe" in text
    assert "error" not in text.split("\n", 1)[0].lower() and errors == []
    page.close()
