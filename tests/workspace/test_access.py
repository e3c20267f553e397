"""Roles on a board served with sign-in, from ID-token claims (hand-worked: who is what, and why);
the signature an entry gets from the token; and an access list that fails closed on a bad name."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from indicators.cli import main
from indicators.workspace.access import check_access, clean_name, grant, identity_of
from indicators.workspace.load import load_workspace
from indicators.workspace.model import Access
from indicators.workspace.problems import Code, Severity
from indicators.workspace.vocab import Marking

from tests.conftest import FIXTURES

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
    claims = {"name": "Ann Analyst", "email": "ann@example.org", "email_verified": True, "sub": "u1"}
    assert identity_of(claims) == "Ann Analyst <ann@example.org>"
    assert identity_of({"sub": "u1"}) == "u1"


def test_the_address_of_a_signature_comes_only_from_a_verified_email() -> None:
    """An e-mail the provider does not say is verified (absent, false, or the string "true") is
    not put on an entry: the name alone, or the subject when there is no name."""
    for verified in (None, False, "true", 1):
        claims = {"name": "Ann Analyst", "email": "chief@example.org", "email_verified": verified, "sub": "u1"}
        assert identity_of(claims) == "Ann Analyst", verified
        assert identity_of({**claims, "name": None}) == "u1", verified
    assert identity_of({"email": "ann@example.org", "email_verified": True, "sub": "u1"}) == "ann@example.org"
    odd = {"name": "Ann", "email": "ann@example.org> <chief@example.org", "email_verified": True}
    assert identity_of(odd) == "Ann"  # not one plain address: no address at all
    assert identity_of({**odd, "email": "ann@example.org\x1b[2J"}) == "Ann"  # nor one with control characters


@pytest.mark.parametrize(("name", "expected"), [
    ("Chief <chief@example.org>", "Chief"),
    ("Chief<chief@example.org>", "Chief"),
    ("chief@example.org", ""),
    ("Chief (chief@example.org)", "Chief"),
    ("Chief \uff1cchief\uff20example.org\uff1e", "Chief"),  # full-width < @ > (NFKC makes them ASCII)
    ("Chief <<chief@example.org>>", "Chief"),
    ("Chief <chief>", "Chief"),
    ("Ann\x1b[2J\x1b[31m Analyst\x1b[0m", "Ann Analyst"),  # terminal escapes: clear screen, colour
    ("Ann\x1b]0;pwned\x07 Analyst", "Ann Analyst"),  # a window title set through OSC
    ("Ann\x07\x0b\x0c\x00 Analyst", "Ann Analyst"),  # BEL, VT, FF, NUL
    ("Ann\x9b2J\x85Analyst", "Ann Analyst"),  # C1: CSI, NEL
    ("Ann \u202eAnalyst\u200b", "Ann Analyst"),  # bidi override, zero width space
    ("  Ann \t\n  Analyst  ", "Ann Analyst"),
    ("Ann\u00a0Analyst", "Ann Analyst"),
    ("Zoë Ørsted-Łukasz", "Zoë Ørsted-Łukasz"),  # letters are kept
    (None, ""), (42, ""),
])
def test_a_display_name_is_stripped_of_addresses_and_control_characters(name, expected) -> None:
    assert clean_name(name) == expected


def test_a_forged_display_name_never_signs_with_someone_elses_address() -> None:
    """Eve, verified as eve@example.org, names herself "Chief <chief@example.org>": her entries read
    "Chief <eve@example.org>", never Chief's address; unverified, just "Chief"."""
    forged = {"name": "Chief <chief@example.org>", "email": "eve@example.org", "email_verified": True, "sub": "eve"}
    assert identity_of(forged) == "Chief <eve@example.org>"
    assert identity_of({**forged, "email_verified": False}) == "Chief"
    assert identity_of({**forged, "name": "chief@example.org"}) == "eve@example.org"  # nothing left of the name
    assert identity_of({**forged, "name": "<chief@example.org>", "email_verified": False}) == "eve"
    assert identity_of({"name": "\x1b[2J", "sub": "\x1b[2Jeve"}) == "eve"  # nothing left of the name: `sub`
    assert identity_of({"name": "<x@y>", "sub": "<x@y>"}) == "unknown user"
    long = identity_of({"name": "A" * 500, "email": "a" * 60 + "@example.org", "email_verified": True})
    assert len(long) <= 120 and long.endswith("@example.org>")  # fits an entry's analyst field


def test_a_cap_below_the_boards_own_marking_leaves_nothing_to_see() -> None:
    """A GREEN partner on an AMBER board: exports below the board's marking are refused, so the
    partner gets no role (and is told why), never the board."""
    partner = grant(ACCESS, {"groups": ["partners"]}, Marking.AMBER)
    assert partner.role is None and "TLP:AMBER" in partner.reason and "TLP:GREEN" in partner.reason
    assert grant(ACCESS, {"groups": ["nato"]}, Marking.AMBER).role == "reader"


# --------------------------------------------------------------------------- an access list with a bad name

TYPO = Access(editors=["analysts"], readers=["readers", "partners"], caps={"partner": "GREEN"})


def test_a_cap_on_a_name_no_one_lists_is_an_error_with_a_guess() -> None:
    """`partner:` for `partners:` caps no one and leaves the partners uncapped: an error."""
    [finding] = check_access(TYPO)
    assert (finding.loc, finding.code, finding.severity) == (("caps", "partner", "[key]"), Code.UNKNOWN_ACCESS_NAME,
                                                              Severity.ERROR)
    assert "did you mean 'partners'?" in finding.hint
    assert check_access(ACCESS) == [] and check_access(None) == []


def test_a_cap_named_twice_or_on_an_editor_is_reported() -> None:
    twice = Access(readers=["partners"], caps={"partners": "GREEN", "Partners": "AMBER"})
    assert [(f.code, f.severity) for f in check_access(twice)] == [(Code.DUPLICATE_ACCESS_NAME, Severity.ERROR)]
    on_editor = Access(editors=["chief@example.org"], readers=["readers"], caps={"Chief@Example.org": "GREEN"})
    assert [(f.code, f.severity) for f in check_access(on_editor)] == [(Code.CAP_ON_EDITOR, Severity.WARNING)]
    assert grant(on_editor, {"email": "chief@example.org", "email_verified": True}).may_write  # a warning only


def test_an_access_list_with_errors_lets_nobody_in() -> None:
    """Fail closed: while `caps` names someone not listed, editors and readers alike get no role."""
    for claims in ({"groups": ["analysts"]}, {"groups": ["partners"]}, {"groups": ["readers"]}, {}):
        who = grant(TYPO, claims)
        assert (who.role, who.closed, who.may_write) == (None, True, False), claims
        assert "access list has errors" in who.reason
    fixed = TYPO.model_copy(update={"caps": {"partners": "GREEN"}})
    assert grant(fixed, {"groups": ["partners"]}).cap == Marking.GREEN


ACCESS_YAML = """
access:
  claim: groups
  editors: [analysts, chief@example.org]
  readers: [readers, partners]
  caps:
    partner: GREEN
    Chief@example.org: AMBER
"""


@pytest.fixture
def typo_copy(tmp_path: Path) -> Path:
    folder = Path(shutil.copytree(FIXTURES / "marked", tmp_path / "marked"))
    (folder / "workspace.yaml").write_text((folder / "workspace.yaml").read_text() + ACCESS_YAML)
    return folder


def test_validate_locates_a_bad_name_under_caps_at_its_key(typo_copy: Path, capsys) -> None:
    lines = (typo_copy / "workspace.yaml").read_text().splitlines()
    line = next(i for i, text in enumerate(lines, 1) if "partner: GREEN" in text)
    ws = load_workspace(typo_copy)
    [error] = ws.errors
    assert (error.code, error.line, error.column) == (Code.UNKNOWN_ACCESS_NAME, line, 5)
    assert error.path.endswith("workspace.yaml") and "did you mean 'partners'?" in error.hint
    [warning] = [w for w in ws.warnings if w.code == Code.CAP_ON_EDITOR]
    assert (warning.line, warning.column) == (line + 1, 5)
    assert main(["validate", "--data", str(typo_copy)]) == 1
    out = capsys.readouterr().out
    assert f"workspace.yaml:{line}:5: error: caps names 'partner'" in out and "did you mean 'partners'?" in out
