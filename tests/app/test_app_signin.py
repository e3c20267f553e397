"""The board behind sign-in under AppTest (the claims stand in for a signed-in user's token): who
gets which page, and that a doubtful access list keeps the board closed. The real round trip with
an identity provider is in tests/browser/test_signin_browser.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from indicators.app import state
from indicators.workspace.load import load_workspace

from tests.app.test_app import fresh_app, open_app, served_copy  # noqa: F401 — fresh_app is an autouse fixture

ACCESS = ("\naccess:\n  claim: groups\n  editors: [analysts]\n  readers: [readers, partners]\n"
          "  caps: {partners: GREEN}\n")


@pytest.fixture
def marked(tmp_path: Path, monkeypatch) -> Path:
    folder = served_copy("marked", tmp_path, monkeypatch)
    (folder / "workspace.yaml").write_text((folder / "workspace.yaml").read_text() + ACCESS)
    monkeypatch.setenv("INDICATORS_AUTH", "1")
    return folder


def _as(monkeypatch, claims: dict | None) -> None:
    monkeypatch.setattr(state, "signed_in", lambda: claims is not None)
    monkeypatch.setattr(state, "user_claims", lambda: claims or {})


def _text(at) -> str:
    return " ".join(m.value for m in at.markdown) + " ".join(t.value for t in at.title)


def test_signed_out_gets_the_sign_in_page_only(marked, monkeypatch) -> None:
    _as(monkeypatch, None)
    at = open_app()
    assert [b.label for b in at.button] == ["Sign in"]
    assert "Marked" not in _text(at) and not at.sidebar.markdown


def test_an_unlisted_user_is_not_allowed(marked, monkeypatch) -> None:
    _as(monkeypatch, {"name": "Eve", "email": "eve@example.org", "groups": ["visitors"]})
    at = open_app()
    assert "Not allowed" in _text(at) and "access list does not include you" in _text(at)
    assert [b.label for b in at.button] == ["Sign out"]


def test_a_workspace_file_with_errors_keeps_the_board_closed(marked, monkeypatch) -> None:
    """`Green` is not a marking: the access list cannot be trusted, so even a listed reader gets in no
    further than the 'board closed' page (fail closed, never open to everyone)."""
    path = marked / "workspace.yaml"
    path.write_text(path.read_text().replace("caps: {partners: GREEN}", "caps: {partners: Green}"))
    _as(monkeypatch, {"name": "Rob", "email": "rob@example.org", "groups": ["readers"]})
    at = open_app()
    assert "Board closed" in _text(at) and "workspace.yaml has errors" in _text(at)
    assert "Scenario A" not in _text(at) and [b.label for b in at.button] == ["Sign out"]


@pytest.mark.parametrize("who", [
    {"name": "Ann", "email": "ann@example.org", "groups": ["analysts"]},  # an editor
    {"name": "Pat", "email": "pat@example.org", "groups": ["partners"]},  # the group the typo left uncapped
    {"name": "Rob", "email": "rob@example.org", "groups": ["readers"]},
])
def test_a_typo_under_caps_closes_the_board_to_everyone(marked, monkeypatch, who) -> None:
    """`partner:` for `partners:` capped no one and left the partners seeing AMBER: now the access list
    has an error, and while it stands nobody reads or writes; the page says where the error is."""
    path = marked / "workspace.yaml"
    path.write_text(path.read_text().replace("caps: {partners: GREEN}", "caps: {partner: GREEN}"))
    line, column = next((i, text.index("partner") + 1) for i, text in enumerate(path.read_text().splitlines(), 1)
                        if "partner: GREEN" in text)
    _as(monkeypatch, who)
    at = open_app()
    assert not at.exception
    shown = _text(at) + " ".join(c.value for c in at.caption)
    assert "Board closed" in shown and "access list has errors" in shown
    assert f"`workspace.yaml`, line {line}, column {column}: unknown-access-name" in shown
    assert "Scenario A" not in shown and "AMBER-ONLY" not in shown and "partners" not in shown
    assert [b.label for b in at.button] == ["Sign out"] and not at.sidebar.markdown
    assert state.read_only()  # and nothing may be written


@pytest.mark.parametrize(("claims", "signature"), [
    ({"name": "Chief <chief@example.org>", "email": "eve@example.org", "email_verified": False}, "Chief"),
    ({"name": "Chief <chief@example.org>", "email": "eve@example.org", "email_verified": True},
     "Chief <eve@example.org>"),
    ({"name": "\x1b[2JChief\x1b[0m\x07", "email": "chief@example.org"}, "Chief"),
    ({"name": "chief@example.org", "email": "eve@example.org", "email_verified": True}, "eve@example.org"),
])
def test_a_forged_display_name_signs_entries_with_the_verified_identity_only(marked, monkeypatch, claims,
                                                                             signature) -> None:
    """An editor whose provider lets them name themselves "Chief <chief@example.org>" (or hide escape
    codes in the name): the Analyst box and the saved entry carry the cleaned name and only a verified
    address."""
    from tests.app.test_app_update import fill_indication

    _as(monkeypatch, {**claims, "sub": "eve", "groups": ["analysts"]})
    at = open_app("update", indicator="MK-02")
    assert not at.exception
    assert at.text_input(key="update_identity").value == signature and at.text_input(key="update_identity").disabled
    fill_indication(at)
    at.button(key="preview_indication").click().run()
    at.button(key="save_indication").click().run()
    assert not at.exception
    saved = load_workspace(marked).indicator_by_id["MK-02"].indications[-1]
    assert (saved.summary, saved.analyst) == ("Trains seen at the border.", signature)


def test_a_capped_reader_sees_the_board_without_what_is_above_the_cap(marked, monkeypatch) -> None:
    _as(monkeypatch, {"name": "Pat", "email": "pat@example.org", "groups": ["partners"]})
    at = open_app()
    assert not at.exception
    shown = _text(at) + " ".join(c.value for c in at.caption)
    assert "Marked" in shown and "AMBER-ONLY" not in shown and "sees up to TLP:GREEN" in shown
