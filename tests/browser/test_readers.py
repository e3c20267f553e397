"""Many readers at once: ten browser sessions walk every page of one server concurrently.

Each session carries its own as-of date and checklist filter in its URL and must see exactly
its own view, never another session's. Page-ready times are printed (p50/p95), not asserted:
`python -m pytest tests/browser/test_readers.py -s` shows them.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import statistics
import time
from urllib.parse import urlsplit

import pytest

from .test_browser import CHARTS, CHROMIUM, CHROMIUM_ARGS, END_OF_PAGE, EXCEPTION, IDLE, LOCAL_HOSTS
from .test_browser import PAGES as BOARD_PAGES

PAGES = {**BOARD_PAGES, "update": ("Update", 0), "export": ("Export", 0)}  # every page of the sidebar
pytestmark = pytest.mark.browser

SESSIONS = int(__import__('os').environ.get('READER_SESSIONS', '10'))


async def _ready(page) -> None:
    await page.wait_for_selector(END_OF_PAGE, state="attached", timeout=300_000)
    await page.wait_for_selector(IDLE, timeout=300_000)
    await page.wait_for_function("!document.querySelector('[data-stale=\"true\"]')", timeout=300_000)
    await page.wait_for_selector(IDLE, timeout=300_000)


async def _walk(browser, base: str, n: int, timings: list[float]) -> dict:
    as_of = (dt.date(2023, 9, 28) + dt.timedelta(days=40 * n)).isoformat()
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    outside: list[str] = []

    async def record(route) -> None:
        parts = urlsplit(route.request.url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.hostname not in LOCAL_HOSTS:
            outside.append(route.request.url)
            await route.abort()
        else:
            await route.continue_()

    await context.route("**/*", record)
    context.set_default_timeout(300_000)  # ten sessions share two cores: slow is fine, failing is not
    page = await context.new_page()
    seen: dict[str, object] = {"as_of": as_of, "outside": outside, "errors": []}
    try:
        for path, (title, charts) in PAGES.items():
            start = time.perf_counter()
            if path in ("", "checklist"):  # a copied link: full load with the state in the URL
                query = f"as_of={as_of}" + (f"&q=0{n % 8 + 1}" if path == "checklist" else "")
                await page.goto(f"{base}/{path}?{query}", wait_until="commit", timeout=300_000)
            else:  # a reader clicking through the sidebar
                await page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()
                await page.wait_for_timeout(250)
            await _ready(page)
            if charts:
                await page.wait_for_function(f"document.querySelectorAll('{CHARTS}').length >= {charts}",
                                             timeout=300_000)
            timings.append(time.perf_counter() - start)
            seen.setdefault("pages", []).append((title, round(timings[-1], 2)))
            if await page.locator(EXCEPTION).count():
                seen["errors"].append((title, await page.locator(EXCEPTION).all_inner_texts()))
            shown = await page.get_by_test_id("stSidebar").locator("input").first.input_value()
            seen.setdefault("shown", []).append(shown.replace(" ", ""))
            params = dict(p.split("=", 1) for p in urlsplit(page.url).query.split("&") if "=" in p)
            seen.setdefault("url_as_of", []).append(params.get("as_of"))
            if path == "checklist":
                box = page.locator(".st-key-q input")
                with contextlib.suppress(Exception):  # the assertion below reports what was shown
                    await page.wait_for_function(
                        "want => document.querySelector('.st-key-q input')?.value === want", arg=f"0{n % 8 + 1}",
                        timeout=30_000)
                seen["filter"] = await box.input_value()
                seen["url_q"] = params.get("q")
    finally:
        await context.close()
    return seen


async def _all(base: str) -> tuple[list[dict], list[float]]:
    from playwright.async_api import async_playwright

    timings: list[float] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            results = await asyncio.gather(*(_walk(browser, base, n, timings) for n in range(SESSIONS)))
        finally:
            await browser.close()
    return results, timings


def test_ten_readers_at_once_each_see_their_own_view(data_server) -> None:
    results, timings = asyncio.run(_all(data_server.url))
    assert len(results) == SESSIONS
    for n, seen in enumerate(results):
        assert seen["errors"] == [], seen["errors"]
        assert seen["outside"] == []
        assert set(seen["url_as_of"]) == {seen["as_of"]}, (n, seen["url_as_of"])
        assert set(seen["shown"]) == {seen["as_of"].replace("-", "/")} or set(seen["shown"]) == {seen["as_of"]}, \
            (n, seen["shown"])
        assert seen["filter"] == f"0{n % 8 + 1}"
    ordered = sorted(timings)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    print(f"\n{SESSIONS} sessions x {len(PAGES)} pages: page ready p50 {statistics.median(ordered):.2f} s, "
          f"p95 {p95:.2f} s, max {ordered[-1]:.2f} s; first session: {results[0]['pages']}")
