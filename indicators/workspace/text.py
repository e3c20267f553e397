"""The one rule for text in the data: no control characters but tab and line feed.

A control character in a title or a summary is never meant: an escape sequence (ESC, or the C1
CSI) rewrites the terminal that prints it (`ESC[2J` clears the screen), a bell rings, a backspace
or a carriage return overwrites what was printed before it, and XML 1.0 cannot carry most of them
at all (the Atom feed would not be well-formed). YAML turns the line breaks of a file (CRLF, CR,
NEL) into line feeds, so a carriage return left in text was written on purpose (`"\\r"`) and is
refused like the rest.

The patterns here are in the common subset of Rust's regex (pydantic), Python's `re` and
ECMA-262 in unicode mode (the dialect of JSON Schema, which ajv and check-jsonschema use), so the
models and the generated JSON Schemas apply the same rule. The outputs (terminal, Atom, HTML,
Markdown, CSV) use `CONTROL_CHAR` too, for text that reaches them from elsewhere (a JSON snapshot,
a file read by an older version).
"""

from __future__ import annotations

import re

# C0 but tab (09) and line feed (0a), DEL (7f) and C1 (80-9f), as a character-class body.
CONTROL_CHARS = r"\x00-\x08\x0b-\x1f\x7f-\x9f"
# Text with no control character (tab and line feed allowed).
TEXT = rf"^[^{CONTROL_CHARS}]*$"
# The same, holding something other than white space. The leading white space, the first other
# character and the rest are disjoint, so a backtracking engine (ECMA) matches it in linear time.
NOT_BLANK = rf"^[^{CONTROL_CHARS}\S]*[^{CONTROL_CHARS}\s][^{CONTROL_CHARS}]*$"

CONTROL_CHAR = re.compile(f"[{CONTROL_CHARS}]")

_NAMES = {0x00: "NUL", 0x07: "BEL", 0x08: "BS", 0x0B: "VT", 0x0C: "FF", 0x0D: "CR", 0x1B: "ESC", 0x7F: "DEL",
          0x85: "NEL", 0x9B: "CSI"}


def control_name(char: str) -> str:
    """A control character as people read it: `ESC (U+001B)`."""
    code = ord(char)
    name = _NAMES.get(code)
    return f"{name} (U+{code:04X})" if name else f"U+{code:04X}"


def find_control(text: str) -> re.Match[str] | None:
    """The first control character in the text other than tab and line feed, if any."""
    return CONTROL_CHAR.search(text)


def control_message(field: str, text: str, found: re.Match[str]) -> str:
    """What a problem says of text holding a control character: which one, where, and the text around it."""
    start = found.start()
    excerpt = text[max(0, start - 20):start + 20]
    return (f"{field} holds the control character {control_name(found.group())} at character {start + 1} "
            f"({excerpt!r})")


def unify_line_breaks(value: object) -> object:
    """Text typed or pasted into a writer with its line breaks as YAML reads them from a file: CRLF and
    CR become LF (a list's texts each); anything else as it is. A CR left in text after this is a
    control character like any other."""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n") if "\r" in value else value
    if isinstance(value, list):
        return [unify_line_breaks(v) for v in value]
    return value


# What a terminal must not receive raw: control characters, and lone surrogates (text that was not
# UTF-8, which a UTF-8 stream cannot even encode).
_UNSHOWABLE = re.compile(rf"[{CONTROL_CHARS}\ud800-\udfff]")
_VISIBLE = re.compile(rf"\r\n|[{CONTROL_CHARS}\ud800-\udfff]")


def visible(text: str) -> str:
    """The text with each control character but tab and line feed (and each lone surrogate) shown as
    its escape (`\\u001b`), for a terminal: nothing in it can move the cursor, clear the screen or ring
    a bell. A carriage return directly before a line feed is a line ending and stays. The escape is
    JSON's, so JSON printed through it (`--json`) stays valid JSON meaning the same text."""
    if _UNSHOWABLE.search(text) is None:
        return text
    return _VISIBLE.sub(lambda m: m.group() if m.group() == "\r\n" else f"\\u{ord(m.group()):04x}", text)


def without_controls(text: str, replacement: str = "\ufffd") -> str:
    """The text with each control character but tab and line feed replaced (U+FFFD by default): for
    outputs that must not carry them at all (XML, CSV)."""
    if CONTROL_CHAR.search(text) is None:
        return text
    return CONTROL_CHAR.sub(replacement, text)
