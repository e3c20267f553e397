"""The rapidyaml fast path: read a valid workspace file at C++ speed, exactly as PyYAML reads it.

rapidyaml (the `rapidyaml` package, module `ryml`) parses 30-60 times faster than libyaml, but it
reads YAML 1.2-ish: it would type `yes`, `010`, `1e3` or a date differently from PyYAML's YAML 1.1
safe loader, whose data the board is defined by. So this path either gives exactly what
`yaml.load(text, CSafeLoader)` gives — same values, same types, same key order — or steps aside
(`DEFER`), and the caller reads the file with PyYAML:

1. the text is screened first, cheaply, for anything where the two could differ or that the exact
   path must report: tabs, backslash escapes, directives and document markers, a BOM, anchors,
   aliases, tags and merge keys, block-scalar indicators, complex keys, reserved indicators,
   numbers PyYAML reads as text (`1e3`, `-.5`), and quoted scalars that PyYAML would read as text
   but could look typed here (`"2024-01-01"`, `'yes'`);
2. rapidyaml parses the bytes and emits JSON, which `json.loads` turns into Python data; duplicate
   keys, `NaN`/`Infinity` and invalid JSON defer;
3. plain scalars that YAML 1.1 types but JSON left as strings (dates, `yes`/`no`/`on`/`off`, `~`,
   `0x1F`, `1_000`, `.inf`, …) are typed with PyYAML's own resolver and constructor, keys as well.

The screen runs before rapidyaml sees a byte; size, nesting and encoding limits are checked before
that by the reader (`yaml_reader.read_text`, `_nesting_bound`). Differential property tests
(tests/workspace/test_yaml_rapid.py) hold the two paths equal. Without the rapidyaml wheel the board
reads with PyYAML, slower, and says so once.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
import os
import re
import sys
import tempfile
import threading
from typing import Any

import yaml

try:  # a compiled wheel: where it is missing, PyYAML reads everything (slower)
    import ryml
except ImportError:  # pragma: no cover - exercised by the fallback test with the module hidden
    ryml = None

LOG = logging.getLogger("indicators")
DEFER = object()  # "read this one with PyYAML"

# The first characters of YAML 1.1's typed plain scalars (`=` and `<<`, the value and merge tags, PyYAML
# refuses as values).
_TYPED_START = frozenset("0123456789+-.~nNyYtTfFoO=<")
_TYPED = "[" + re.escape("".join(sorted(_TYPED_START))) + "]"  # … as a regex character class
# Every place where rapidyaml and PyYAML could read the text differently (or that the exact path must
# see, to report it) starts with one of a few characters; where it stands then decides (`_alarm`).
# The screen takes one C-speed inventory of the rare ones in the text (`_inventory`) and looks only
# for what is there, each with a pattern that starts with one literal character (which `re` finds at
# memchr speed, where a character class is tried at every position). A false alarm only costs the
# slower read.
# Anywhere, even on a comment line: tabs, escapes, control characters, and in non-ASCII text a
# byte-order mark and the line breaks only PyYAML knows (NEL, LS, PS).
_ANYWHERE = re.compile(r"[\t\\\ufeff\x85\u2028\u2029]")
_NEVER_ASCII = frozenset(b"\t\\\x7f" + bytes(range(0x09)) + b"\x0b\x0c" + bytes(range(0x0e, 0x20)))
_PLACED_CHARS = "%&*!@`?|>]}<"  # directives, anchors, aliases, tags, reserved indicators, complex keys,
                                 # block-scalar headers, closing brackets, merge keys: each found where it is
_RARE = frozenset(_NEVER_ASCII | frozenset(_PLACED_CHARS.encode()) | frozenset(b"\r#,'[{"))
_ORDINARY = bytes(b for b in range(256) if b not in _RARE)  # deleted by the inventory
_NEVER = frozenset(chr(b) for b in _NEVER_ASCII)
_LITERAL = {char: re.compile(re.escape(char)) for char in _PLACED_CHARS}
_LONE_CR = re.compile(r"\r(?!\n)")
_MARKER = re.compile(r"\n(?:---|\.\.\.)(?=[ \r\n]|$)")  # a document marker (the file's first line aside)
# `[?x]`, `[:x]`, `{?x}`, `a, :x`: PyYAML reads them as indicators in flow
_FLOW_INDICATOR = {char: re.compile(re.escape(char) + r" *[?:]") for char in "[{,"}
# a colon opening a token (`:x`, `- :x`, `a: :x`), after a line break, a dash or a colon; the lookahead
# keeps matches from swallowing one another (`-:: :y`: every colon is looked at), group 1 is the colon
_COLON_START = [re.compile(re.escape(char) + r"(?= *(:))") for char in "\n-:"]
_PLAIN_HEADER = re.compile(r"[|>][-+]?\r?\n")  # a block scalar header with nothing after it on its line
_DOT_DIGIT = re.compile(r"\.(?<![0-9A-Za-z_]\.)[0-9]")  # .5e3, -.5: rapidyaml rewrites them (0.5e3, -0.5)
_FLOW_COMMENT = re.compile(r" #")  # a comment: inside an open flow collection the two read it differently
_LEADING_COMMA = re.compile(r"\n *,")  # a line opening with a comma (flow continued oddly)
_EMPTY_FLOW_VALUE = re.compile(r":[,\]}]")  # `{x:}`, `[x:]`, `{x:,y}`: PyYAML refuses them
# `- [a] - b`: something after a closed flow collection
_AFTER_CLOSE = {char: re.compile(re.escape(char) + r" *[^ \r\n#,\]}]") for char in "]}"}
_HEADER = re.compile(r"[|>][-+]?(?:[0-9]|[ ]+#)")  # a block scalar with an indentation indicator or a comment
# A quote that may open a quoted scalar the fast path cannot vouch for (`_quoted_alarm`): after an
# indicator, a space or a line break, and before text that could look typed, a line break or the end.
_QUOTE_SUSPECT = {quote: re.compile(quote + r"(?<=[-:\[{,?\n ]" + quote + r")(?=\s*" + _TYPED + "|[^" + quote
                                    + r"]*(?:\n|\Z))") for quote in "\"'"}
# A line holding nothing but what could be a typed scalar: the whole of a block scalar (text to PyYAML)
# or of a plain scalar on its own line (typed, `2024-01-01 10:00:00` too): JSON would not tell them apart.
# Typed scalars hold a colon only before a digit (times, sexagesimals), so key lines fail at their colon.
_LONE = re.compile(r"\n +(" + _TYPED + r"[^\r\n:]*+(?::[0-9][^\r\n:]*+)*+)\r?(?=\n)")
_NON_PRINTABLE = yaml.reader.Reader.NON_PRINTABLE
_RESOLVER = yaml.resolver.Resolver()
_STR = "tag:yaml.org,2002:str"
_DATE = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")
_DECIMAL = re.compile(r"^-?(?:0|[1-9][0-9]*)$")  # what int() reads as PyYAML does (no 0-led octal, no _)
_POINT = re.compile(r"^-?[0-9]+\.[0-9]+$")  # … and float()
_STDERR_LOCK = threading.Lock()
_warned = False


def available() -> bool:
    """True when the rapidyaml wheel is installed; the first time it is not, say so once."""
    global _warned
    if ryml is None and not _warned:
        _warned = True
        LOG.warning("rapidyaml is not installed: workspace files are read with PyYAML only (slower); "
                    "install the 'rapidyaml' package for the fast path")
    return ryml is not None


_NUMERIC = frozenset("0123456789_+-.:eE")
_LONG_TYPED = re.compile(r"[-+]?0[xb]|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)")  # hex, binary, timestamps


def _typed(text: str) -> bool:
    """True when PyYAML reads this plain scalar as something other than a string."""
    if not text or text[0] not in _TYPED_START:
        return False
    if len(text) > 40 and not (_NUMERIC.issuperset(text) or _LONG_TYPED.match(text)):  # long prose: text
        return False
    return _DATE.match(text) is not None or _RESOLVER.resolve(yaml.ScalarNode, text, (True, False)) != _STR


def _construct(text: str) -> Any:
    """The value PyYAML gives a plain scalar it types (dates and plain decimals, the common cases,
    built directly; anything else by PyYAML itself)."""
    date = _DATE.match(text)
    if date:
        return dt.date(int(date[1]), int(date[2]), int(date[3]))
    if _DECIMAL.match(text):
        return int(text)
    if _POINT.match(text):
        return float(text)
    return yaml.load(text, Loader=yaml.CSafeLoader)  # noqa: S506 - the safe loader, one scalar


def _token_start(before: str) -> bool:
    """True when a scalar can start right after `before` (the text of its line up to there): at
    the start of the line, after `: ` or `- `, or after `[`, `{` or `,` in a flow collection."""
    stripped = before.rstrip(" ")
    return not stripped or stripped[-1] in "[{," or (stripped[-1] in ":-" and len(stripped) < len(before))


def _on_comment_line(text: str, at: int) -> bool:
    """True when position `at` is on a line that holds only a comment (never read)."""
    return text[text.rfind("\n", 0, at) + 1:at].lstrip(" ").startswith("#")


def _alarm(text: str, at: int) -> bool:
    """True when the character at `at` (found by `_LITERAL` or the patterns after it) is something
    the fast path must leave to PyYAML: where a token starts, or a merge key, a block-scalar header, a
    directive (nothing on a comment line counts)."""
    char = text[at]
    line = text.rfind("\n", 0, at) + 1
    before = text[line:at]
    if before.lstrip(" ").startswith("#"):  # a comment line: never read
        return False
    after = text[at + 1: at + 2]
    if char == "%":  # a directive, or a plain scalar PyYAML refuses to start with %
        return _token_start(before)
    if char in "[{,":  # `?` or `:` opening a token in a flow collection (`_FLOW_INDICATOR`)
        return True
    if char == ":":  # a colon opening a token (`_COLON_START`)
        return _token_start(before)
    if char in "&*!":  # where a token starts, whatever follows (a bare `&` is an error to PyYAML), or after a
        # closing quote; else an anchor, alias or tag only as a word of its own (`R & D` and `Wow!` are prose)
        return _token_start(before) or ((not before or before[-1] in " [{,") and (
            after not in ("", " ", "\r", "\n") or before.rstrip(" ")[-1:] in ("'", '"')))
    if char in "@`":
        return _token_start(before)
    if char == "?":
        return (not before or before[-1] in " [{,") and after in ("", " ", "\r", "\n")
    if char in "|>":  # a block scalar with an indicator or anything else after its header, or one opening a
        # line (the whole document)
        return (not before or (_token_start(before) and not _PLAIN_HEADER.match(text, at))
                or (before[-1] in " :-" and bool(_HEADER.match(text, at))))
    if char in "]}":  # a closing bracket where a scalar would start (`[]` and `{}` aside)
        return _token_start(before) and not before.rstrip(" ").endswith("[" if char == "]" else "{")
    if char == "<":
        return text.startswith("<<", at) and text[at + 2:at + 40].lstrip(" ").startswith(":")
    if char == ".":  # .5e3, -.5 (found from the dot): where a scalar starts, signed or not
        return _token_start(before) or (before[-1:] in ("-", "+") and _token_start(before[:-1]))
    # ` #` (`_FLOW_COMMENT`): a comment while a flow collection is open on the line
    return before.count("[") + before.count("{") > before.count("]") + before.count("}")


def _quote_opens(before: str) -> bool:
    """True when a quote right after `before` (its line up to there) opens a quoted scalar: at the
    start of a line or after an indicator, with or without a space (`{"b":"1"}`)."""
    stripped = before.rstrip(" ")
    return not stripped or stripped[-1] in ":-[{,?"


def _quoted_alarm(text: str, quotes: str) -> bool:
    """True when a quoted scalar is one the fast path cannot vouch for: text that would look typed once
    JSON drops its quotes ("2024-01-01", 'yes', a 50-digit number), also over several lines, or a
    key spanning lines (PyYAML refuses it), or a quote left open. `text` starts with a line break.

    Only the quotes `_QUOTE_SUSPECT` finds are looked at: a superset of the opening quotes that could
    alarm. A quote inside another quoted scalar may be taken for an opening one: a false alarm at worst.
    Prose apostrophes open nothing, so they hide nothing."""
    for quote in quotes:
        for match in _QUOTE_SUSPECT[quote].finditer(text):
            at = match.start()
            before = text[text.rfind("\n", 0, at) + 1:at]
            if not _quote_opens(before) or before.lstrip(" ").startswith("#"):
                continue
            close = text.find(quote, at + 1)
            if close < 0:
                return True  # unterminated: PyYAML reports it
            content = text[at + 1:close]
            if "\n" in content:
                if text[close + 1:close + 3].lstrip(" ").startswith(":") or _typed(" ".join(content.split())):
                    return True
            elif _typed(content):
                return True
    return False


def _document_marker(text: str) -> bool:
    """True when a line starts with `---` or `...` (a document start or end): more than one document,
    or text after the end, which the two read differently."""
    return (text.startswith(("---", "...")) and text[3:4] in ("", " ", "\r", "\n")) or bool(_MARKER.search(text))


def _inventory(data: bytes) -> frozenset[str]:
    """The rare characters (`_RARE`) that occur in the UTF-8 bytes of a text, found in one C pass."""
    return frozenset(chr(b) for b in set(data.translate(None, _ORDINARY)))


def _screened(text: str, data: bytes) -> bool:
    """True when the text (`data`, its UTF-8 bytes) is free of everything the fast path leaves to PyYAML."""
    if not text.endswith("\n"):  # a block scalar ending the file without a line break reads otherwise
        return False
    if not text.isascii() and (_NON_PRINTABLE.search(text) or _ANYWHERE.search(text)):
        return False  # control characters PyYAML refuses, a BOM, the line breaks only PyYAML knows
    present = _inventory(data)
    if present & _NEVER:  # tabs, escapes, control characters
        return False
    if "\r" in present and _LONE_CR.search(text):
        return False
    if _document_marker(text):
        return False
    return _no_placed_alarm(text, present) and _no_flow_alarm(text, present) and _no_scalar_alarm(text, present)


def _no_placed_alarm(text: str, present: frozenset[str]) -> bool:
    """`_screened`'s part for what matters only where it stands (`_alarm`): the `_PLACED_CHARS`,
    a dot before a digit, a comment in a flow collection."""
    for char in _PLACED_CHARS:
        if char in present and any(_alarm(text, m.start()) for m in _LITERAL[char].finditer(text)):
            return False
    if any(_alarm(text, m.start()) for m in _DOT_DIGIT.finditer(text)):
        return False
    return not ("#" in present and any(_alarm(text, m.start()) for m in _FLOW_COMMENT.finditer(text)))


def _no_flow_alarm(text: str, present: frozenset[str]) -> bool:
    """`_screened`'s part for flow collections: commas, brackets and braces the fast path would read otherwise."""
    wherever = [_LEADING_COMMA] if "," in present else []  # wherever they stand, but on a comment line
    wherever += [_EMPTY_FLOW_VALUE] if present & {",", "]", "}"} else []
    wherever += [_AFTER_CLOSE[char] for char in "]}" if char in present]
    for pattern in wherever:
        if any(not _on_comment_line(text, m.end() - 1) for m in pattern.finditer(text)):
            return False
    return not any(char in present and any(_alarm(text, m.start()) for m in _FLOW_INDICATOR[char].finditer(text))
                   for char in "[{,")


def _no_scalar_alarm(text: str, present: frozenset[str]) -> bool:
    """`_screened`'s part for keys and scalars: a line starting with a colon, quoting the fast path may read
    otherwise, and lone plain values YAML 1.1 types."""
    if text.lstrip(" ").startswith(":") or any(_alarm(text, m.start(1)) for pattern in _COLON_START
                                               for m in pattern.finditer(text)):
        return False
    lined = "\n" + text
    if _quoted_alarm(lined, "\"'" if "'" in present else '"'):
        return False
    return not any(_typed(match[1].rstrip(" ")) for match in _LONE.finditer(lined))


class _Duplicate(Exception):
    pass


class _Unsure(Exception):
    """A value the fast path will not vouch for (NaN or infinity: rapidyaml rewrites `nan` as `.nan`)."""


def _scalar(text: str) -> Any:
    value = _construct(text)
    if isinstance(value, float) and (value != value or value in (math.inf, -math.inf)):
        raise _Unsure
    return value


def _number(text: str) -> Any:
    """A number as rapidyaml wrote it (its own text, e.g. `1e3`), read as PyYAML reads that text:
    `1e3` and `1E3` are text to YAML 1.1, `1.5e-3` a float."""
    if _DECIMAL.match(text):
        return int(text)
    return _scalar(text) if _typed(text) else text


def _reject(name: str) -> Any:
    raise ValueError(name)  # NaN, Infinity: PyYAML reads plain `nan`/`inf` as text


def _items(values: list[Any]) -> list[Any]:
    """A JSON array's plain scalars typed as YAML 1.1 types them (its objects are typed already)."""
    for n, v in enumerate(values):
        if v.__class__ is str:
            if v and v[0] in _TYPED_START and _typed(v):
                values[n] = _scalar(v)
        elif v.__class__ is list:
            _items(v)
    return values


def _pairs(pairs: list[tuple[str, Any]]) -> dict[Any, Any]:
    """A JSON object as PyYAML builds the mapping: keys and plain scalars typed as YAML 1.1 types them;
    a duplicate key defers (PyYAML would keep the last one, the exact path reports it)."""
    out: dict[Any, Any] = {}
    for k, v in pairs:
        if k and k[0] in _TYPED_START and _typed(k):
            k = _scalar(k)
        if k in out:
            raise _Duplicate
        if v.__class__ is str:
            if v and v[0] in _TYPED_START and _typed(v):
                v = _scalar(v)
        elif v.__class__ is list:
            _items(v)
        out[k] = v
    return out


def _emit_quietly(data: bytes) -> str | bytes:
    """rapidyaml's parse and JSON emission; the two lines its C++ prints on a parse error are kept
    off the terminal: fd 2 is caught for the call, and what others wrote meanwhile is given back."""
    with _STDERR_LOCK, tempfile.TemporaryFile() as caught:
        sys.stderr.flush()
        saved = os.dup(2)
        os.dup2(caught.fileno(), 2)
        try:
            return ryml.emit_json(ryml.parse_in_arena(data))
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            caught.seek(0)
            other = b"".join(line for line in caught.read().splitlines(keepends=True)
                             if b"ERROR: [parse]" not in line and b"/c4/yml/" not in line)
            if other:
                os.write(2, other)


def parse(text: str, raw: bytes | None = None) -> Any:
    """The data of a YAML text exactly as PyYAML's safe loader gives it, or `DEFER`; `raw` is the
    text's UTF-8 bytes when the caller has them."""
    if ryml is None:
        return DEFER
    raw = text.encode("utf-8", "surrogatepass") if raw is None else raw
    if not _screened(text, raw):
        return DEFER
    try:
        emitted = _emit_quietly(raw)
        data = json.loads(emitted, object_pairs_hook=_pairs, parse_constant=_reject, parse_float=_number,
                          parse_int=_number)
        if data.__class__ is list:
            return _items(data)
        return _scalar(data) if data.__class__ is str and _typed(data) else data
    except Exception:  # noqa: BLE001 - a parse error, a duplicate key, JSON it cannot emit, NaN: PyYAML decides
        return DEFER
