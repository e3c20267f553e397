"""Roles on a board served with sign-in, from ID-token claims (hand-worked: who is what, and why)."""

from __future__ import annotations

from indicators.workspace.access import grant, identity_of
from indicators.workspace.model import Access
from indicators.workspace.vocab import Marking

ACCESS = Access(claim="groups", editors=["analysts", "chief@example.org"], readers=["readers", "partners", "nato"],
                caps={"partners": "GREEN", "nato": "AMBER"})


def test_an_editor_by_group_or_address_writes_and_sees_everything() -> None:
    by_group = grant(ACCESS, {"name": "Ann", "email": "ann@example.org", "groups": ["Analysts"]})
    assert (by_group.role, by_group.cap, by_group.may_write) == ("editor", None, True)
    by_address = grant(ACCESS, {"email": "Chief@Example.org", "email_verified": True, "groups": "partners"})
    assert (by_address.role, by_address.cap) == ("editor", None)  # editors are never capped


def test_an_address_counts_only_when_verified_and_only_as_an_address() -> None:
    """An unverified e-mail claim proves nothing; a group named like an address is not the address."""
    assert grant(ACCESS, {"email": "chief@example.org", "groups": ["readers"]}).role == "reader"
    assert grant(ACCESS, {"email": "chief@example.org", "email_verified": False}).role is None
    named_like = {"email": "x@example.org", "email_verified": True, "groups": ["chief@example.org"]}
    assert grant(ACCESS, named_like).role is None


def test_a_reader_is_capped_by_the_most_open_of_their_groups() -> None:
    assert grant(ACCESS, {"groups": ["partners"]}).cap == Marking.GREEN
    assert grant(ACCESS, {"groups": ["partners", "nato"]}).cap == Marking.AMBER
    assert grant(ACCESS, {"groups": ["partners", "readers"]}).cap is None  # also a full reader
    assert not grant(ACCESS, {"groups": ["readers"]}).may_write


def test_anyone_else_gets_nothing_and_no_mapping_means_reader() -> None:
    assert grant(ACCESS, {"email": "x@example.org", "groups": ["visitors"]}).role is None
    assert grant(ACCESS, {"email": "x@example.org"}).role is None  # no groups claim at all
    assert grant(None, {"email": "x@example.org"}).role == "reader"


def test_the_identity_written_on_entries_comes_from_the_token() -> None:
    claims = {"name": "Ann Analyst", "email": "ann@example.org", "sub": "u1"}
    assert identity_of(claims) == "Ann Analyst <ann@example.org>"
    assert identity_of({"sub": "u1"}) == "u1"


def test_a_cap_below_the_boards_own_marking_leaves_nothing_to_see() -> None:
    """A GREEN partner on an AMBER board: exports below the board's marking are refused, so the
    partner gets no role (and is told why), never the board."""
    partner = grant(ACCESS, {"groups": ["partners"]}, Marking.AMBER)
    assert partner.role is None and "TLP:AMBER" in partner.reason and "TLP:GREEN" in partner.reason
    assert grant(ACCESS, {"groups": ["nato"]}, Marking.AMBER).role == "reader"
