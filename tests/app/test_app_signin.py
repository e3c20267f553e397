"""The board behind sign-in under AppTest (the claims stand in for a signed-in user's token): who
gets which page, and that a doubtful access list keeps the board closed. The real round trip with
an identity provider is in tests/browser/test_signin_browser.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from indicators.app import state

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
    further than the 'not allowed' page (fail closed, never open to everyone)."""
    path = marked / "workspace.yaml"
    path.write_text(path.read_text().replace("caps: {partners: GREEN}", "caps: {partners: Green}"))
    _as(monkeypatch, {"name": "Rob", "email": "rob@example.org", "groups": ["readers"]})
    at = open_app()
    assert "Not allowed" in _text(at) and "workspace.yaml has errors" in _text(at)


def test_a_capped_reader_sees_the_board_without_what_is_above_the_cap(marked, monkeypatch) -> None:
    _as(monkeypatch, {"name": "Pat", "email": "pat@example.org", "groups": ["partners"]})
    at = open_app()
    assert not at.exception
    shown = _text(at) + " ".join(c.value for c in at.caption)
    assert "Marked" in shown and "AMBER-ONLY" not in shown and "sees up to TLP:GREEN" in shown
