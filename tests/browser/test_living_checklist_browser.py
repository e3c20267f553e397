"""Keeping the checklist alive through the app, in a real headless Chromium, on a copy of the tiny fixture.

An analyst adds an indicator and withdraws an indication on the Update page, then finds both on the
Checklist and Indicator pages: the new indicator listed and counted, the withdrawn indication struck
through with its reason and the assessment resting on it flagged. Every request stays on 127.0.0.1.
"""

from __future__ import annotations

import datetime as dt

import pytest

from indicators.presentation.tables import STRIKE
from indicators.workspace.load import load_workspace

# The fixtures (browser, copy_server, tiny_copy, new_tab, shots) come from tests/browser/conftest.py.
from .test_browser import EXCEPTION, Tab, _screenshot

pytestmark = pytest.mark.browser

SUCCESS = '[data-testid="stAlertContentSuccess"]'
CODE = '[data-testid="stCode"]'
TODAY = dt.date.today().isoformat()


def _form(tab: Tab, name: str) -> None:
    tab.page.get_by_test_id("stRadio").get_by_text(name, exact=True).click()
    tab.idle()


def _preview_and_save(tab: Tab) -> str:
    tab.page.get_by_role("button", name="Preview").click()
    tab.idle()
    assert tab.page.locator(EXCEPTION).count() == 0
    preview = tab.page.locator(CODE).inner_text()
    tab.page.get_by_role("button", name="Save").click()
    tab.idle()
    return preview


def test_add_an_indicator_and_withdraw_an_indication(copy_server, tiny_copy, new_tab, shots):
    tab = new_tab()
    page = tab.page
    tab.open(f"{copy_server.url}/update")
    _form(tab, "Add an indicator")
    box = {name: page.get_by_role("textbox", name=name, exact=True) for name in ("Id", "Title", "Criteria")}
    box["Id"].fill("TT-05")
    box["Title"].fill("Rail traffic across the border rises")
    box["Criteria"].fill("Observed when imagery shows more railcars than a year earlier.")
    box["Criteria"].press("Tab")
    tab.idle()
    tab.choose("AA", "HL — Highly likely")
    tab.choose("BB", "U — Unlikely")
    preview = _preview_and_save(tab)
    assert "+  - id: TT-05" in preview and "+    ratings: {AA: HL, BB: U}" in preview
    assert "Indicator TT-05 saved" in page.locator(SUCCESS).inner_text()
    added = load_workspace(tiny_copy).indicator_by_id["TT-05"]
    assert (added.added.isoformat(), added.ratings["AA"].value, added.ratings["BB"].value) == (TODAY, "HL", "U")
    _screenshot(tab, shots, "living-add-indicator")

    _form(tab, "Withdraw an entry")
    tab.choose("Entry", "TT-01.2 · indication · Second sighting.")
    page.get_by_role("textbox", name="Reason", exact=True).fill("The wire retracted its report.")
    page.get_by_role("textbox", name="Reason", exact=True).press("Tab")
    tab.idle()
    preview = _preview_and_save(tab)
    assert "+        withdrawn:" in preview and "-" not in [line[:1] for line in preview.splitlines()[2:]]
    assert "Withdrawal of TT-01.2 saved" in page.locator(SUCCESS).inner_text()
    withdrawn = load_workspace(tiny_copy).indicator_by_id["TT-01"].indications[1].withdrawn
    assert (withdrawn.date.isoformat(), withdrawn.reason) == (TODAY, "The wire retracted its report.")
    _screenshot(tab, shots, "living-withdraw")

    tab.open(f"{copy_server.url}/checklist")
    assert tab.row_of("TT-05")[1:3] == ["Rail traffic across the border rises", "Not observed"]
    assert page.get_by_text("5 of 5 indicators watched on this date").count() == 1
    _screenshot(tab, shots, "living-checklist")

    tab.open(f"{copy_server.url}/indicator?indicator=TT-01")
    struck = tab.row_of("2024-02-20")
    assert struck[1] == "".join(c + STRIKE for c in "Second") + " " + "".join(c + STRIKE for c in "sighting.")
    assert struck[2].endswith("The wire retracted its report.")
    page.get_by_text("Assessments (2)").click()
    tab.idle()
    assert tab.row_of("TT-01@2024-03-01")[-1] == "TT-01.1, TT-01.2 (withdrawn)"
    assert page.locator(EXCEPTION).count() == 0
    assert tab.external_requests() == []
    _screenshot(tab, shots, "living-indicator")

    tab.open(f"{copy_server.url}/indicator?indicator=TT-05")
    assert page.locator("h2").first.inner_text().startswith("TT-05")
    assert page.get_by_text(f"Watched from: {TODAY}").count() == 1
