"""Who a signed-in user is on a board served with sign-in: editor, reader (perhaps capped at a
marking) or nobody, from the ID token's claims and the workspace's `access:` mapping; and what
entries they write are signed with.

Plain logic over plain data, so the app asks it on every rerun and again before every write.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from indicators.workspace.model import Access
from indicators.workspace.problems import Code, Severity
from indicators.workspace.vocab import MARKING, Marking

Role = Literal["editor", "reader"]

NAME_LIMIT = 80  # characters of a display name kept in a signature (an entry's analyst holds 120)
SIGNATURE_LIMIT = 120  # the model's limit of an analyst name
CLOSED = "this board's access list has errors, so the board stays closed to everyone until an editor fixes them"


@dataclass(frozen=True)
class Grant:
    """What a signed-in user may do: `role` None means nothing (the "not allowed" page); `cap` the
    highest marking they may see (None: no cap); `identity` what entries they write are signed with;
    `closed` True when nobody gets in because the access list itself cannot be trusted."""

    role: Role | None
    cap: Marking | None
    identity: str
    reason: str = ""  # why `role` is None
    closed: bool = False

    @property
    def may_write(self) -> bool:
        return self.role == "editor"


# --------------------------------------------------------------------------- the signature of an entry

_ESCAPE_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"  # CSI: ESC [ (or C1 CSI), parameters, final byte ("ESC[2J")
    r"|(?:\x1b[\]P^_X]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)"  # OSC, DCS … strings
    r"|\x1b[ -/]*[0-~]")  # any other escape ("ESC c" resets the terminal)
_BRACKETED = re.compile(r"<[^<>]*>")  # "<chief@example.org>", "<anything>"
_ADDRESS_LIKE = re.compile(r"\S*@\S*")  # a token with an @ in it
_EMPTY_BRACKETS = re.compile(r"\(\s*\)|\[\s*\]|\{\s*\}")  # what is left of "(chief@example.org)"
_ADDRESS = re.compile(r"[^\s<>@\"(),;:\\\[\]]+@[^\s<>@\"(),;:\\\[\]]+")  # one plain address


def clean_name(value: Any) -> str:
    """A display name from a token made safe to sign with: NFKC-normalised, with terminal escape
    sequences, control and format characters (C0, C1, bidi overrides, zero-width) removed, anything
    that looks like an e-mail address (`<...>`, `x@y`) removed, and white space collapsed; "" when
    nothing is left. A name can then never pose as someone else's address or rewrite a terminal."""
    if not isinstance(value, str):
        return ""
    text = _ESCAPE_SEQUENCE.sub("", unicodedata.normalize("NFKC", value[:1000]))  # (bounded work)
    text = "".join(" " if ch.isspace() else "" if unicodedata.category(ch) in ("Cc", "Cf", "Cs")
                   else ch for ch in text)
    while _BRACKETED.search(text):
        text = _BRACKETED.sub(" ", text)
    text = _ADDRESS_LIKE.sub(" ", text.replace("<", " ").replace(">", " "))
    text = _EMPTY_BRACKETS.sub(" ", text)
    text = " ".join(text.split())
    return text[:NAME_LIMIT].rstrip()


def verified_email(claims: Mapping[str, Any]) -> str:
    """The token's e-mail address if the provider says it is verified (`email_verified: true`) and it
    is a plain address, else "": the only source of the address part of a signature."""
    email = claims.get("email")
    if claims.get("email_verified") is not True or not isinstance(email, str):
        return ""
    email = email.strip()
    plain = email.isprintable() and len(email) <= SIGNATURE_LIMIT - 3 and _ADDRESS.fullmatch(email)
    return email if plain else ""


def identity_of(claims: Mapping[str, Any]) -> str:
    """The analyst name written on an entry: "Name <e-mail>" from the token's verified claims.

    The name is the `name` claim cleaned (`clean_name`); the address only a verified e-mail
    (`verified_email`). Without a name left, the verified e-mail alone, else the cleaned `sub`."""
    name, email = clean_name(claims.get("name")), verified_email(claims)
    if name and email:
        room = SIGNATURE_LIMIT - len(email) - 3
        name = name[:room].rstrip()
        return f"{name} <{email}>" if name else email
    return name or email or clean_name(claims.get("sub")) or "unknown user"


# --------------------------------------------------------------------------- the access list itself


@dataclass(frozen=True)
class AccessFinding:
    """Something wrong in `access:`, at `loc` (a path inside the `access:` mapping, pydantic-style:
    ("caps", "partner", "[key]") is the key `partner` under `caps`)."""

    loc: tuple[Any, ...]
    code: Code
    message: str
    hint: str
    severity: Severity = Severity.ERROR


def check_access(access: Access | None) -> list[AccessFinding]:
    """Every reference inside `access:` resolved: each key under `caps` must name a group or address
    listed under `readers` (or `editors`), once (names are compared without case, as sign-in does).

    A cap on a name that is not listed caps no one, so the group meant stays uncapped (a typo would
    fail open): an error, and the board stays closed while it stands. A cap on a name listed only
    under `editors` has no effect (editors see everything): a warning."""
    if access is None:
        return []
    readers = {v.casefold() for v in access.readers}
    editors = {v.casefold() for v in access.editors}
    listed = [*access.readers, *access.editors]
    found: list[AccessFinding] = []
    seen: dict[str, str] = {}
    for key in access.caps:
        folded = key.casefold()
        if folded in seen:
            found.append(AccessFinding(("caps", key, "[key]"), Code.DUPLICATE_ACCESS_NAME,
                                       f"caps names {key!r} again (already as {seen[folded]!r}); names are "
                                       "compared without case", "keep one of the two"))
            continue
        seen[folded] = key
        if folded in readers:
            continue
        if folded in editors:
            found.append(AccessFinding(("caps", key, "[key]"), Code.CAP_ON_EDITOR,
                                       f"caps names {key!r}, which is listed under editors: editors see "
                                       "everything, so this cap has no effect", Code.CAP_ON_EDITOR.hint,
                                       Severity.WARNING))
            continue
        near = difflib.get_close_matches(folded, sorted({v.casefold() for v in listed}), n=1, cutoff=0.6)
        guess = next((v for v in listed if near and v.casefold() == near[0]), None)
        hint = (f"did you mean {guess!r}? " if guess else "") + (
            f"readers are: {', '.join(access.readers)}" if access.readers else "list it under readers")
        found.append(AccessFinding(("caps", key, "[key]"), Code.UNKNOWN_ACCESS_NAME,
                                   f"caps names {key!r}, which is not listed under readers or editors, so it "
                                   "caps no one", hint))
    return found


def access_errors(access: Access | None) -> list[AccessFinding]:
    """The findings of `check_access` that keep the board closed."""
    return [f for f in check_access(access) if f.severity is Severity.ERROR]


# --------------------------------------------------------------------------- who gets what


def grant(access: Access | None, claims: Mapping[str, Any], board: Marking | str = Marking.CLEAR) -> Grant:
    """The role and marking cap of a signed-in user on a board marked `board`.

    Editors are listed groups or addresses in `editors`, readers in `readers` (an address matches
    only an e-mail the provider says is verified, `email_verified: true`); without an `access:`
    mapping every signed-in user is a reader (the least that sign-in can mean). A reader's cap is
    the highest of the caps of the entries they match, and none if one of them has no cap. A cap
    below the board's own marking leaves nothing to see: no role. An access list with errors
    (`access_errors`) lets nobody in: it fails closed."""
    if access_errors(access):
        return Grant(None, None, identity_of(claims), CLOSED, closed=True)
    found = _grant(access, claims)
    if found.cap is not None and MARKING.order(found.cap) < MARKING.order(board):
        return Grant(None, found.cap, found.identity, f"the board is marked {MARKING.label(board)}, above what "
                                                      f"you may see ({MARKING.label(found.cap)})")
    return found


def _grant(access: Access | None, claims: Mapping[str, Any]) -> Grant:
    who = identity_of(claims)
    if access is None:
        return Grant("reader", None, who)
    groups = _values(claims.get(access.claim))
    email = verified_email(claims).casefold()

    def matches(entry: str) -> bool:
        """An address matches only a verified e-mail, any other entry only a value of the claim."""
        entry = entry.casefold()
        return entry == email if "@" in entry else entry in groups

    if any(matches(v) for v in access.editors):
        return Grant("editor", None, who)
    matched = [v for v in access.readers if matches(v)]
    if not matched:
        return Grant(None, None, who, "this board's access list does not include you")
    caps = {k.casefold(): Marking(v) for k, v in access.caps.items()}
    limits = [caps.get(v.casefold()) for v in matched]
    if any(limit is None for limit in limits):
        return Grant("reader", None, who)
    return Grant("reader", max(limits, key=MARKING.order), who)  # type: ignore[arg-type]


def _values(claim: Any) -> set[str]:
    if isinstance(claim, str):
        return {claim.casefold()}
    if isinstance(claim, list | tuple | set):
        return {str(v).casefold() for v in claim if isinstance(v, str | int)}
    return set()
