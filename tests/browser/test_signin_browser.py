"""Sign-in for real: the board served with `serve --auth` behind `oidc-provider-mock` (the identity
provider, started here on 127.0.0.1), driven in headless Chromium, one browser context per person.

The workspace is a copy of tests/fixtures/marked (marked GREEN; everything holding "AMBER-ONLY" is
marked AMBER) with an access list: group `analysts` edits, `readers` read, `partners` read up to
TLP:GREEN. Ann is an analyst, Rob a reader, Pat a partner, Eve in no listed group.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from indicators.workspace.load import load_workspace

from tests.conftest import FIXTURES

from .test_browser import EXCEPTION, IDLE, _free_port, serving

pytestmark = pytest.mark.browser

ACCESS = """
access:
  claim: groups
  editors: [analysts]
  readers: [readers, partners]
  caps: {partners: GREEN}
"""
PEOPLE = {"ann": ("Ann Analyst", ["analysts"]), "rob": ("Rob Reader", ["readers"]),
          "pat": ("Pat Partner", ["partners"]), "eve": ("Eve Elsewhere", ["visitors"])}
# Editors whose provider lets them write their own display name, and whose address it does not vouch
# for or does: (claims, the signature their entries must carry).
FORGERS = {
    "mal": ({"name": "Chief <chief@example.org>", "email": "chief@example.org", "email_verified": False,
             "groups": ["analysts"]}, "Chief"),
    "vic": ({"name": "\x1b[2J\x1b]0;Chief\x07Vic\x1b[0m <chief@example.org>", "email": "vic@example.org",
             "email_verified": True, "groups": ["analysts"]}, "Vic <vic@example.org>"),
}
SECRET_WORD = "AMBER-ONLY"
LOCAL = ("http://127.0.0.1", "http://localhost", "data:", "blob:")


@pytest.fixture(scope="module")
def idp() -> Iterator[int]:
    """The identity provider: oidc-provider-mock on a free port, knowing our four people."""
    from oidc_provider_mock import User, run_server_in_thread

    users = [User(sub=sub, claims={"email": f"{sub}@example.org", "email_verified": True, "name": name,
                                   "groups": groups}) for sub, (name, groups) in PEOPLE.items()]
    users += [User(sub=sub, claims=claims) for sub, (claims, _) in FORGERS.items()]
    with run_server_in_thread(port=0, user_claims=users) as server:
        yield server.server_port


@pytest.fixture(scope="module")
def marked_copy(tmp_path_factory) -> Path:
    folder = Path(shutil.copytree(FIXTURES / "marked", tmp_path_factory.mktemp("data") / "marked"))
    (folder / "workspace.yaml").write_text((folder / "workspace.yaml").read_text() + ACCESS)
    assert load_workspace(folder).errors == []
    return folder


@pytest.fixture(scope="module")
def auth_server(marked_copy, idp, tmp_path_factory):
    port = _free_port()
    secrets = tmp_path_factory.mktemp("secrets") / "secrets.toml"
    secrets.write_text(f"""[auth]
redirect_uri = "http://127.0.0.1:{port}/oauth2callback"
cookie_secret = "a-cookie-secret-for-tests-only-0123456789"
client_id = "board"
client_secret = "board-secret"
server_metadata_url = "http://127.0.0.1:{idp}/.well-known/openid-configuration"
""")
    with serving(marked_copy, tmp_path_factory.mktemp("server") / "auth.log", port=port, secrets=secrets) as server:
        yield server


@pytest.fixture(scope="module")
def people(auth_server, browser):
    """Per person, a signed-in browser page (its own context: its own cookies)."""
    pages, contexts = {}, []
    for sub in [*PEOPLE, *FORGERS]:
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        contexts.append(context)
        pages[sub] = _sign_in(context, auth_server.url, sub)
    yield pages
    for context in contexts:
        context.close()


def _sign_in(context, url: str, sub: str):
    """A page of `context` signed in as `sub` through the identity provider's authorize form."""
    context.route(lambda url: not url.startswith(LOCAL), lambda route: route.abort())  # the mock's CDN
    page = context.new_page()
    page.goto(url + "/")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_placeholder("sub").fill(sub)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(url + "/**", timeout=60_000)
    _settle(page)
    return page


def _settle(page) -> None:
    page.wait_for_timeout(300)
    page.wait_for_selector(IDLE, timeout=60_000)
    page.wait_for_timeout(500)
    page.wait_for_selector(IDLE, timeout=60_000)


def _open(page, url: str) -> str:
    """Everything the page shows as text: the body, and the cells of its data grids (canvases)."""
    page.goto(url)
    _settle(page)
    page.wait_for_timeout(1500)  # the page's tables and charts draw after the script run
    cells = page.locator('[data-testid="stDataFrame"] [role="gridcell"]').all_inner_texts()
    return page.locator("body").inner_text() + "\n" + "\n".join(cells)


def _nav(page) -> str:
    return page.get_by_test_id("stSidebarNav").inner_text()


def test_signed_out_sees_only_the_sign_in_page(auth_server, browser):
    context = browser.new_context()
    page = context.new_page()
    for path in ("/", "/update", "/checklist", "/export"):
        text = _open(page, auth_server.url + path)
        assert "Sign in" in text and "Scenario A" not in text and "MK-01" not in text and SECRET_WORD not in text
    assert page.get_by_test_id("stSidebarNav").count() == 0
    context.close()


def _record_indication(page, summary: str) -> None:
    """Fill the Update page's indication form (open on MK-02), Preview, Save."""
    page.get_by_label("Summary").fill(summary)
    page.get_by_label("Source", exact=True).fill("Patrol")
    page.get_by_label("Source", exact=True).press("Tab")
    _settle(page)
    for label, option in (("Source reliability", "B — Usually reliable"), ("Information credibility",
                                                                             "2 — Probably true")):
        box = page.get_by_test_id("stSelectbox").filter(has=page.get_by_text(label, exact=True))
        box.locator('[role="combobox"]').click()
        page.get_by_role("option", name=option, exact=True).click()
        _settle(page)
    page.get_by_role("button", name="Preview").click()
    _settle(page)
    assert page.locator(EXCEPTION).count() == 0
    page.get_by_role("button", name="Save").click()
    _settle(page)


def test_an_editor_writes_as_the_signed_in_identity(people, auth_server, marked_copy):
    page = people["ann"]
    assert "Update" in _nav(page) and "Data health" in _nav(page)
    text = _open(page, auth_server.url + "/update?indicator=MK-02")
    assert "Signed in as Ann Analyst <ann@example.org> (editor)" in text
    _record_indication(page, "Seen from the hill.")
    saved = load_workspace(marked_copy).indicator_by_id["MK-02"].indications[-1]
    assert (saved.summary, saved.analyst) == ("Seen from the hill.", "Ann Analyst <ann@example.org>")


@pytest.mark.parametrize("sub", FORGERS)
def test_a_forged_display_name_or_unverified_address_never_reaches_an_entry(people, auth_server, marked_copy, sub):
    """The provider hands over a display name that reads "Chief <chief@example.org>" (with terminal
    escapes, for one), and an address it does not say is verified: the entry carries the name made
    safe and only a verified address, never Chief's."""
    claims, signature = FORGERS[sub]
    page = people[sub]
    text = _open(page, auth_server.url + "/update?indicator=MK-02")
    assert f"Signed in as {signature} (editor)" in text and "chief@example.org" not in text
    _record_indication(page, f"Recorded by {sub}.")
    saved = load_workspace(marked_copy).indicator_by_id["MK-02"].indications[-1]
    assert (saved.summary, saved.analyst) == (f"Recorded by {sub}.", signature)
    written = (marked_copy / "indicators" / "core.yaml").read_text(encoding="utf-8")
    assert "chief@example.org" not in written and "\x1b" not in written


def test_a_reader_gets_no_update_page_and_cannot_write(people, auth_server, marked_copy):
    page = people["rob"]
    before = (marked_copy / "indicators" / "core.yaml").read_bytes()
    assert "Update" not in _nav(page) and "Overview" in _nav(page)
    text = _open(page, auth_server.url + "/update?indicator=MK-02")
    assert "Signed in as Rob Reader <rob@example.org> (reader)" in text
    assert page.get_by_label("Summary").count() == 0 and page.get_by_role("button", name="Save").count() == 0
    seen = _open(page, auth_server.url + "/checklist")  # an uncapped reader sees the AMBER indicator
    assert "3 of 3 indicators watched" in seen and "MK-03" in seen
    assert (marked_copy / "indicators" / "core.yaml").read_bytes() == before


def test_a_capped_reader_sees_and_exports_only_up_to_their_marking(people, auth_server):
    page = people["pat"]
    assert "Data health" not in _nav(page) and "Update" not in _nav(page)
    for path in ("/", "/checklist", "/indicator?indicator=MK-01", "/scenarios", "/trends", "/export"):
        text = _open(page, auth_server.url + path)
        assert SECRET_WORD not in text and "MK-03" not in text, path
        if path == "/checklist":
            assert "2 of 2 indicators watched" in text and "MK-01" in text
    assert "sees up to TLP:GREEN" in text
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name="HTML report").click()
    html = Path(info.value.path()).read_text(encoding="utf-8")
    assert SECRET_WORD not in html and "TLP:GREEN" in html and "TLP:AMBER" not in html
    assert "6 items marked above TLP:GREEN are withheld" in html  # counted, as `export --marking GREEN` does


def test_someone_not_on_the_list_is_told_so_and_sees_nothing(people, auth_server):
    page = people["eve"]
    text = _open(page, auth_server.url + "/")
    assert "Not allowed" in text and "access list does not include you" in text
    assert "Scenario A" not in text and SECRET_WORD not in text
    assert page.get_by_test_id("stSidebarNav").count() == 0


def test_a_typo_in_the_access_list_closes_the_board_to_everyone(auth_server, marked_copy, browser, shots):
    """`partner:` for `partners:` under caps: while it stands the board is closed to editors and readers
    alike (a fresh sign-in, and a page opened afresh), and says where the error is."""
    path = marked_copy / "workspace.yaml"
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("caps: {partners: GREEN}", "caps: {partner: GREEN}"), encoding="utf-8")
    try:
        for sub in ("ann", "pat"):  # an editor, and the partner the typo left uncapped
            context = browser.new_context(viewport={"width": 1400, "height": 900})
            page = _sign_in(context, auth_server.url, sub)
            for url in ("/", "/update?indicator=MK-02", "/checklist"):
                text = _open(page, auth_server.url + url)
                assert "Board closed" in text and "access list has errors" in text, (sub, url)
                assert "unknown-access-name" in text and "Scenario A" not in text and SECRET_WORD not in text
                assert page.get_by_test_id("stSidebarNav").count() == 0
            _open(page, auth_server.url + "/")
            for folder in shots:
                page.screenshot(path=str(folder / f"board-closed-{sub}.png"), full_page=True)
            context.close()
    finally:
        path.write_text(good, encoding="utf-8")
