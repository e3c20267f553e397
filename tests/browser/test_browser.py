"""The board in a real headless Chromium: pages draw, charts render, nothing leaves the machine.

Runs the board as `indicators serve` does (indicators/app/entry.py) on a free port (the tiny
fixture for exact assertions, the default `data/` workspace for a realistic one) and drives
Debian's /usr/bin/chromium with Playwright. Every request the page makes is recorded and must go
to 127.0.0.1 or localhost.
Screenshots go to a pytest tmp folder and, when $SCREENSHOT_DIR is set, there too.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from indicators.cli import serve_command

from tests.conftest import DATA, FIXTURES, ROOT

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
CHARTS = '[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg'
EXCEPTION = '[data-testid="stException"]'
ERROR_ALERT = '[data-testid="stAlertContentError"]'
END_OF_PAGE = ".tlp-banner.tlp-bottom"  # the marking banner drawn after the page's content
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
# url path -> (title shown in the sidebar, charts the page draws at least)
PAGES = {"": ("Overview", 1), "checklist": ("Checklist", 0), "indicator": ("Indicator", 1),
         "trends": ("Trends", 4), "scenarios": ("Scenarios", 1), "track-record": ("Track record", 0),
         "disagreement": ("Disagreement", 0), "data-health": ("Data health", 0)}


@dataclass
class Server:
    """A running board (`indicators serve`) on one workspace."""

    url: str
    process: subprocess.Popen
    log: Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(data: Path, log: Path, *, port: int | None = None, secrets: Path | None = None) -> Server:
    """`secrets`: serve behind sign-in with this Streamlit secrets file (as `serve --auth --secrets`)."""
    port = port or _free_port()
    command = serve_command(data, port, "127.0.0.1", secrets)  # exactly what `indicators serve` runs …
    split = command.index("--")
    command[split:split] = ["--server.fileWatcherType", "none"]  # … without watching files
    env = {k: v for k, v in os.environ.items()
           if k not in ("INDICATORS_DATA", "INDICATORS_READ_ONLY", "INDICATORS_AUTH")}
    if secrets is not None:
        env["INDICATORS_AUTH"] = "1"
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    server = Server(f"http://127.0.0.1:{port}", process, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited early:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=2) as response:
                if response.read().strip() == b"ok":
                    return server
        except OSError:
            time.sleep(0.25)
    _stop(server)
    raise RuntimeError(f"streamlit did not answer /_stcore/health within 60 s:\n{log.read_text()}")


def _stop(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(timeout=15)


@contextlib.contextmanager
def serving(data: Path, log: Path, *, port: int | None = None, secrets: Path | None = None) -> Iterator[Server]:
    """A board served on `data` for the length of the block, stopped however the block ends."""
    server = _start(data, log, port=port, secrets=secrets)
    try:
        yield server
    finally:
        _stop(server)


@pytest.fixture(scope="module")
def tiny_server(tmp_path_factory):
    with serving(FIXTURES / "tiny", tmp_path_factory.mktemp("server") / "tiny.log") as server:
        yield server


@pytest.fixture(scope="module")
def data_server(tmp_path_factory):
    if not (DATA / "workspace.yaml").exists():
        pytest.fail("the default workspace data/ is not there")
    with serving(DATA, tmp_path_factory.mktemp("server") / "data.log") as server:
        yield server


@pytest.fixture(scope="module")
def tiny_copy(tmp_path_factory) -> Path:
    """A copy of the tiny fixture that the browser may write to (one per test module)."""
    return Path(shutil.copytree(FIXTURES / "tiny", tmp_path_factory.mktemp("data") / "tiny"))


@pytest.fixture(scope="module")
def copy_server(tiny_copy, tmp_path_factory):
    with serving(tiny_copy, tmp_path_factory.mktemp("server") / "tiny-copy.log") as server:
        yield server


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"needs Debian's Chromium at {CHROMIUM}: apt-get install -y chromium (.ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class Tab:
    """A browser page and every request it made."""

    page: object
    requests: list[str] = field(default_factory=list)

    def open(self, url: str) -> None:
        self.page.goto(url)
        self.page.wait_for_selector(END_OF_PAGE, state="attached", timeout=60_000)
        self.idle()

    def idle(self) -> None:
        """Wait until the script run is over and no element of an earlier run is left on screen."""
        self.page.wait_for_timeout(250)
        self.page.wait_for_selector(IDLE, timeout=60_000)
        self.page.wait_for_function("!document.querySelector('[data-stale=\"true\"]')", timeout=60_000)
        self.page.wait_for_timeout(300)
        self.page.wait_for_selector(IDLE, timeout=60_000)

    def go(self, title: str) -> None:
        """Change page with the sidebar menu (in the app, as a reader does)."""
        self.page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()
        self.idle()

    def cells(self) -> list[str]:
        """Text of the data grid's cells (from its accessible table; the grid itself is a canvas)."""
        self.page.wait_for_selector('[data-testid="stDataFrame"] [role="gridcell"]', state="attached")
        return self.page.locator('[data-testid="stDataFrame"] [role="gridcell"]').all_inner_texts()

    def row_of(self, key: str) -> list[str]:
        """The cells of the grid row that holds `key`, from that cell on."""
        self.cells()
        rows = self.page.locator('[data-testid="stDataFrame"] [role="row"]')
        for i in range(rows.count()):
            texts = rows.nth(i).locator('[role="gridcell"]').all_inner_texts()
            if key in texts:
                return texts[texts.index(key):]
        return []

    def choose(self, label: str, option: str) -> None:
        """Pick an option of the select box with this label."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        box = self.page.get_by_test_id("stSelectbox").filter(has=self.page.get_by_text(label, exact=True))
        combo, choice = box.locator('[role="combobox"]'), self.page.get_by_role("option", name=option, exact=True)
        combo.click()
        try:
            choice.wait_for(timeout=3_000)
        except PlaywrightTimeout:  # a click that lands as the page settles only focuses the box: open it again
            combo.click()
        choice.click()
        self.idle()

    def params(self) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.page.url).query)

    def external_requests(self) -> list[str]:
        return [u for u in self.requests if urlsplit(u).scheme in ("http", "https", "ws", "wss")
                and urlsplit(u).hostname not in LOCAL_HOSTS]


@pytest.fixture
def new_tab(browser):
    """Factory of fresh browser contexts (a fresh session each, like a colleague opening a link)."""
    contexts = []

    def make() -> Tab:
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        contexts.append(context)
        tab = Tab(context.new_page())

        def record(route) -> None:
            tab.requests.append(route.request.url)
            route.continue_()

        context.route("**/*", record)
        return tab

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> list[Path]:
    """Folders that screenshots are written to."""
    folders = [tmp_path_factory.mktemp("screenshots")]
    if os.environ.get("SCREENSHOT_DIR"):
        folder = Path(os.environ["SCREENSHOT_DIR"])
        folder.mkdir(parents=True, exist_ok=True)
        folders.append(folder)
    return folders


def _screenshot(tab: Tab, folders: list[Path], name: str) -> None:
    """A full-page screenshot: Streamlit scrolls inside its main block, so grow the viewport to fit it."""
    height = tab.page.evaluate(
        "Math.max(document.querySelector('[data-testid=\"stMain\"]')?.scrollHeight || 0, 900)")
    tab.page.set_viewport_size({"width": 1400, "height": int(height) + 40})
    tab.page.wait_for_timeout(600)
    first = folders[0] / f"{name}.png"
    tab.page.screenshot(path=str(first), full_page=True)
    for folder in folders[1:]:
        shutil.copyfile(first, folder / first.name)
    tab.page.set_viewport_size({"width": 1400, "height": 900})


def _check_page(tab: Tab, path: str) -> None:
    title, charts = PAGES[path]
    page = tab.page
    assert page.locator(EXCEPTION).count() == 0, page.locator(EXCEPTION).all_inner_texts()
    errors = page.locator(f'{ERROR_ALERT}:not(.st-key-problems_banner {ERROR_ALERT})')
    assert errors.count() == 0, errors.all_inner_texts()
    assert page.locator(".tlp-banner").count() == 2  # the marking, above and below the page
    if charts:
        page.wait_for_function(
            f"document.querySelectorAll('{CHARTS}').length >= {charts}", timeout=30_000)
    assert page.locator(CHARTS).count() >= charts, f"{title}: charts not drawn"


@pytest.mark.parametrize("which", ["tiny", "data"])
def test_every_page_draws_offline(which, request, new_tab, shots):
    server = request.getfixturevalue(f"{which}_server")
    tab = new_tab()
    suffix = "?as_of=2024-03-15" if which == "tiny" else ""
    tab.open(f"{server.url}/{suffix}")
    for path, (title, _) in PAGES.items():
        if path:
            tab.go(title)
            assert urlsplit(tab.page.url).path == f"/{path}"
        _check_page(tab, path)
        _screenshot(tab, shots, f"{which}-{path or 'overview'}")
    assert tab.requests, "requests are being recorded"
    assert tab.external_requests() == []


def test_navigation_keeps_the_as_of_date(tiny_server, new_tab):
    tab = new_tab()
    tab.open(f"{tiny_server.url}/?as_of=2024-02-15")
    for title in ("Checklist", "Trends", "Indicator"):
        tab.go(title)
        assert tab.params().get("as_of") == ["2024-02-15"], tab.page.url
    assert tab.external_requests() == []


def test_checklist_shows_status_as_of_the_date(tiny_server, new_tab):
    tab = new_tab()
    tab.open(f"{tiny_server.url}/checklist?as_of=2024-02-15")
    assert tab.row_of("TT-01")[2] == "Emerging"
    tab.open(f"{tiny_server.url}/checklist?as_of=2024-03-15")
    assert tab.row_of("TT-01")[2] == "Observed"


def test_copied_checklist_url_restores_the_view(tiny_server, new_tab):
    tab = new_tab()
    tab.open(f"{tiny_server.url}/checklist?as_of=2024-03-15&scenario=AA")
    assert [c for c in tab.cells() if c.startswith("TT-")] == ["TT-01", "TT-02", "TT-04"]
    tab.page.get_by_text("Stale only").click()  # a filter changed by hand goes into the URL too
    tab.idle()
    assert tab.params().get("stale") == ["true"]
    rows = [c for c in tab.cells() if c.startswith("TT-")]
    assert rows == ["TT-02", "TT-04"]
    copied = tab.page.url

    colleague = new_tab()
    colleague.open(copied)
    assert urlsplit(colleague.page.url).path == "/checklist"
    assert [c for c in colleague.cells() if c.startswith("TT-")] == rows
    assert colleague.params() == tab.params()
    assert colleague.page.get_by_text("2 of 4 indicators").count() == 1


def test_copied_indicator_url_restores_the_view(tiny_server, new_tab, shots):
    tab = new_tab()
    tab.open(f"{tiny_server.url}/indicator?indicator=TT-03&as_of=2024-02-15")
    heading = tab.page.locator("h2").first.inner_text()
    assert heading.startswith("TT-03")
    copied = tab.page.url
    colleague = new_tab()
    colleague.open(copied)
    assert colleague.page.locator("h2").first.inner_text() == heading
    assert colleague.params()["indicator"] == ["TT-03"] and colleague.params()["as_of"] == ["2024-02-15"]
    assert colleague.page.locator(CHARTS).count() >= 1
    _screenshot(colleague, shots, "tiny-indicator-TT-03")


def test_selecting_a_checklist_row_opens_the_indicator(tiny_server, new_tab):
    tab = new_tab()
    tab.open(f"{tiny_server.url}/checklist?as_of=2024-02-15")
    grid = tab.page.locator('[data-testid="stDataFrame"]').first
    box = grid.bounding_box()
    tab.page.mouse.click(box["x"] + 15, box["y"] + 35 + 17)  # the first row's selection box
    tab.page.wait_for_url("**/indicator?*", timeout=30_000)
    tab.idle()
    assert tab.params()["indicator"] == ["TT-01"] and tab.params()["as_of"] == ["2024-02-15"]
    assert tab.page.locator("h2").first.inner_text().startswith("TT-01")


def test_problem_banner_links_to_data_health(browser, new_tab, tmp_path):
    with serving(FIXTURES / "broken", tmp_path / "broken.log") as server:
        tab = new_tab()
        tab.open(f"{server.url}/checklist")
        banner = tab.page.locator(".st-key-problems_banner")
        assert "errors" in banner.inner_text()
        banner.get_by_role("link").click()
        tab.page.wait_for_url("**/data-health*", timeout=30_000)
        tab.idle()
        assert tab.page.locator(EXCEPTION).count() == 0
        assert any(cell.endswith(".yaml") for cell in tab.cells())  # the File column of the problems
        assert tab.external_requests() == []
