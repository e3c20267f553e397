"""Data text made safe for each output: HTML text and chips, Markdown, links, JSON inside <script>,
XML (the Atom feed) and the terminal.

Every piece of text that comes from the data (titles, rationales, sources, names) passes through
one of these before a page shows it. The HTML report, the Markdown brief and the app's
`st.html` / `st.markdown` all use the same functions, so a fix here reaches every output. Only
http(s) URLs become links: `indicators.workspace.model.safe_url` decides, next to the models'
own URL rule (the presentation layer's tables use it too, and may not import this layer).

The models refuse control characters in text (`indicators.workspace.text`), but every output is
safe on its own, since a JSON snapshot or a file read by an older version can still carry them:
HTML, Markdown, CSV and XML replace them with U+FFFD, the terminal shows them as `\\u001b` (JSON's escape).
"""

from __future__ import annotations

import html
import json
import math
import re
from typing import Any

from indicators.workspace.model import safe_url
from indicators.workspace.text import visible, without_controls
from indicators.workspace.vocab import text_colour

FALLBACK_COLOUR = "#cccccc"  # shown for a colour that is not #rrggbb
_HEX = re.compile(r"#[0-9a-fA-F]{6}")


# ----------------------------------------------------------------------------- HTML


def html_text(value: object) -> str:
    """Data text escaped for HTML text and (quoted) attribute values, control characters replaced; None is empty."""
    return html.escape(without_controls("" if value is None else str(value)), quote=True)


def safe_colour(colour: object, default: str = FALLBACK_COLOUR) -> str:
    """The colour if it is exactly `#rrggbb`, else `default`: only checked colours reach a style attribute."""
    return colour if isinstance(colour, str) and _HEX.fullmatch(colour) else default


def chip(text: object, colour: str, title: str | None = None, *, cls: str = "chip", style: str = "") -> str:
    """HTML of a coloured label: text and title escaped, colour checked, black or white ink for contrast.

    The report styles `.chip` in its stylesheet; the app, which has none, passes its layout as
    `style` (the code's own CSS, never data text).
    """
    background = safe_colour(colour)
    extra = f";{style}" if style else ""
    tip = f' title="{html_text(title)}"' if title else ""
    return (f'<span class="{html_text(cls)}" style="background:{background};color:{text_colour(background)}{extra}"'
            f"{tip}>{html_text(text)}</span>")


_SCRIPT_CONTROL = re.compile(r"[\x7f-\x9f]")  # DEL and C1, which json.dumps leaves raw


def script_json(data: Any) -> str:
    """JSON safe inside a <script> element: no `<`, `>`, `&`, U+2028, U+2029 or control character (DEL,
    C1; json escapes C0 itself) appears raw. The data is unchanged: each is written as a JSON escape."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                         ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return _SCRIPT_CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


# ----------------------------------------------------------------------------- Markdown

# What starts a Markdown or HTML construct anywhere in a line: emphasis, code, links, raw HTML,
# entities, tables, strikethrough, math, headings, mentions (GitHub-flavoured and Streamlit), and
# a colon that opens an emoji or icon shortcode (`:smile:`, `:material/home:`) or a Streamlit
# colour directive (`:red[…]`).
_MD_ANYWHERE = re.compile(r"[\\`*_\[\]<>&|~$#@]|:(?=[A-Za-z0-9_+/-]+[:\[])")
# What starts a construct only at the start of a line: list items, setext underlines, tables of
# definitions, ordered lists (`1.`, `1)`).
_MD_LINE_START = re.compile(r"^([ \t]*)([-+=:.!])", re.MULTILINE)
_MD_ORDERED = re.compile(r"^([ \t]*\d+)([.)])", re.MULTILINE)


def md_text(value: object, *, one_line: bool = True) -> str:
    """Data text made literal in Markdown (GitHub-flavoured, and Streamlit's `st.markdown`).

    With `one_line` (the default) all white space folds to single spaces, so the text is safe in
    a table cell, a list item or a heading; otherwise its line breaks stay and each line is
    escaped as the start of a line. None and NaN are empty.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = " ".join(str(value).split()) if one_line else str(value).replace("\r\n", "\n")
    text = without_controls(text)
    text = _MD_ANYWHERE.sub(lambda m: "\\" + m.group(0), text)
    text = _MD_LINE_START.sub(r"\1\\\2", text)
    return _MD_ORDERED.sub(r"\1\\\2", text)


def md_url(url: str | None) -> str | None:
    """An http(s) URL fit for a Markdown link destination (characters that end it percent-encoded)."""
    url = safe_url(url)
    if url is None:
        return None
    return re.sub(r"[\s()<>\\`\"']", lambda m: f"%{ord(m.group(0)):02X}", url)


def md_link(text: object, url: str | None) -> str:
    """`[text](url)` for http(s) URLs; the escaped text alone otherwise."""
    target = md_url(url)
    return f"[{md_text(text)}]({target})" if target else md_text(text)


# ----------------------------------------------------------------------------- XML


# What XML 1.0 cannot carry (C0 but tab, LF and CR; surrogates; U+FFFE and U+FFFF), with DEL and C1,
# which it allows but discourages, and CR, which a parser would turn into a line feed.
_XML_UNFIT = re.compile(r"[^\t\n\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: object) -> str:
    """Data text fit for an XML 1.0 document (text or attribute value, before the serializer escapes
    `<`, `&` and quotes): each character XML cannot carry replaced with U+FFFD. ElementTree writes
    them raw, which makes the document ill-formed, so a feed reader would drop it whole."""
    text = "" if value is None else str(value)
    return text if _XML_UNFIT.search(text) is None else _XML_UNFIT.sub("\ufffd", text)


# ----------------------------------------------------------------------------- terminal


def terminal_text(value: object) -> str:
    """Text for a terminal: each control character but tab and line feed shown as its escape (`\\u001b`),
    so data never moves the cursor, clears the screen or rings the bell (`CRLF` stays a line end)."""
    return visible("" if value is None else str(value))


class TerminalStream:
    """A text stream passing everything written through `terminal_text`: the one place the CLI's
    output goes through (`indicators.cli.main` wraps stdout and stderr in it). Everything else (isatty,
    fileno, encoding …) is the wrapped stream's; `unfiltered` is the stream itself, for output the
    program composes with control characters on purpose (a progress bar's carriage return)."""

    def __init__(self, stream: Any) -> None:
        self.unfiltered = stream

    def write(self, text: str) -> int:
        self.unfiltered.write(terminal_text(text))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.unfiltered, name)
