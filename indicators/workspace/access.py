"""Who a signed-in user is on a board served with sign-in: editor, reader (perhaps capped at a
marking) or nobody, from the ID token's claims and the workspace's `access:` mapping.

Plain logic over plain data, so the app asks it on every rerun and again before every write.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from indicators.workspace.model import Access
from indicators.workspace.vocab import MARKING, Marking

Role = Literal["editor", "reader"]


@dataclass(frozen=True)
class Grant:
    """What a signed-in user may do: `role` None means nothing (the "not allowed" page); `cap` the
    highest marking they may see (None: no cap); `identity` what entries they write are signed with."""

    role: Role | None
    cap: Marking | None
    identity: str
    reason: str = ""  # why `role` is None

    @property
    def may_write(self) -> bool:
        return self.role == "editor"


def identity_of(claims: Mapping[str, Any]) -> str:
    """The analyst name written on an entry: "Name <e-mail>" from the token (else what it has)."""
    name, email = _text(claims.get("name")), _text(claims.get("email"))
    if name and email:
        return f"{name} <{email}>"
    return name or email or _text(claims.get("sub")) or "unknown user"


def grant(access: Access | None, claims: Mapping[str, Any], board: Marking | str = Marking.CLEAR) -> Grant:
    """The role and marking cap of a signed-in user on a board marked `board`.

    Editors are listed groups or addresses in `editors`, readers in `readers` (an address matches
    only an e-mail the provider says is verified, `email_verified: true`); without an `access:`
    mapping every signed-in user is a reader (the least that sign-in can mean). A reader's cap is
    the highest of the caps of the entries they match, and none if one of them has no cap. A cap
    below the board's own marking leaves nothing to see: no role."""
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
    email = _text(claims.get("email")).casefold() if claims.get("email_verified") is True else ""

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


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""
