"""Escaping of data text for every output: links, HTML text and chips, Markdown (reports and app)."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from indicators.reports.escape import chip, html_text, md_link, md_text, md_url, safe_colour
from indicators.workspace.model import safe_url


@pytest.mark.parametrize("url, expected", [
    ("https://example.org/a", "https://example.org/a"),
    ("http://example.org", "http://example.org"),
    (" https://example.org/b ", "https://example.org/b"),
    ("javascript:alert(1)", None),
    ("JaVaScRiPt:alert(1)", None),
    ("data:text/html,<b>x</b>", None),
    ("ftp://example.org/file", None),
    ("//example.org/no-scheme", None),
    ("https://", None),
    ("http://[::1", None),  # urlsplit refuses it
    (None, None),
    (float("nan"), None),
])
def test_safe_url_keeps_only_http_links(url, expected) -> None:
    assert safe_url(url) == expected


def test_html_text_escapes_markup_and_both_quotes() -> None:
    assert html_text("<b a=\"1\" b='2'>&</b>") == "&lt;b a=&quot;1&quot; b=&#x27;2&#x27;&gt;&amp;&lt;/b&gt;"
    assert html_text(None) == "" and html_text(3) == "3"


@pytest.mark.parametrize("colour, expected", [("#a1B2c3", "#a1B2c3"), ("red", "#cccccc"), ("#abc", "#cccccc"),
                                              ("#aabbcc;x:y", "#cccccc"), ("#aabbcc\n", "#cccccc"), (None, "#cccccc")])
def test_safe_colour_accepts_only_rrggbb(colour, expected) -> None:
    assert safe_colour(colour) == expected


class _Spans(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text = ""

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text += data


def test_chip_is_one_span_with_the_text_and_title_literal() -> None:
    hostile = '<img src=x onerror=alert(1)>"\''
    parsed = _Spans()
    parsed.feed(chip(hostile, "#000000", title=hostile, cls="chip trend", style="font-weight:600"))
    assert [tag for tag, _ in parsed.tags] == ["span"]
    attrs = parsed.tags[0][1]
    assert attrs["class"] == "chip trend" and attrs["title"] == hostile
    assert attrs["style"] == "background:#000000;color:#ffffff;font-weight:600"  # white ink on black
    assert parsed.text == hostile


def test_chip_refuses_a_colour_that_could_break_out_of_the_style() -> None:
    out = chip("x", 'red;background:url("http://evil.example/")')
    assert "evil" not in out and "background:#cccccc;color:#000000" in out
    assert "title=" not in chip("x", "#ffffff")


def test_md_text_makes_markdown_and_streamlit_syntax_literal() -> None:
    text = "Costs $5 and $6, *not* [a](javascript:x) :red[x] :smile: <b> & @user ~~s~~ `c` #1 a|b"
    escaped = md_text(text)
    for piece in ("\\$5", "\\*not\\*", "\\[a\\]", "\\:red\\[x\\]", "\\:smile:", "\\<b\\>", "\\&", "\\@user",
                  "\\~\\~s\\~\\~", "\\`c\\`", "\\#1", "a\\|b"):
        assert piece in escaped
    assert escaped.replace("\\", "") == text
    assert md_text("Note: see 09:30 UTC") == "Note: see 09:30 UTC"  # a colon that opens nothing stays plain
    assert md_text(None) == "" and md_text(float("nan")) == ""


def test_md_text_neutralises_every_line_start_when_lines_are_kept() -> None:
    text = "# title\n- item\n  + item\n1. first\n2) second\n> quote\n===\n: def\nplain"
    assert md_text(text) == "\\# title - item + item 1. first 2) second \\> quote === : def plain"  # one line
    kept = md_text(text, one_line=False)
    assert kept.splitlines() == ["\\# title", "\\- item", "  \\+ item", "1\\. first", "2\\) second", "\\> quote",
                                 "\\===", "\\: def", "plain"]


def test_md_link_only_for_http_urls_with_the_destination_encoded() -> None:
    assert md_link("a [b]", "https://example.org/x y(1)") == "[a \\[b\\]](https://example.org/x%20y%281%29)"
    assert md_link("click", "javascript:alert(1)") == "click"
    assert md_url(None) is None
