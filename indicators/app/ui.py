"""Shared pieces of the board's pages: the page registry, banners, coloured chips.

Coloured labels are the only HTML the app writes: `chip` is the library's `escape.chip` (text
escaped, only `#rrggbb` colours), shown through `st.html` (sanitised); data text never reaches
`unsafe_allow_html`.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from indicators.reports import escape
from indicators.reports.markings import highest, highest_present
from indicators.scoring.frames import problem_counts
from indicators.workspace.load import Workspace
from indicators.workspace.vocab import MARKING, Marking

APP_DIR = Path(__file__).resolve().parent
_CHIP_STYLE = "display:inline-block;padding:0.1rem 0.55rem;border-radius:0.5rem;font-weight:600;white-space:nowrap"


@dataclass(frozen=True)
class PageSpec:
    """A page of the board: its file, title, URL path and icon; `editors` pages write to the data."""

    file: str
    title: str
    url_path: str
    icon: str
    default: bool = False
    editors: bool = False
    maintainers: bool = False


PAGES: dict[str, PageSpec] = {
    "overview": PageSpec("views/overview.py", "Overview", "overview", ":material/dashboard:", default=True),
    "checklist": PageSpec("views/checklist.py", "Checklist", "checklist", ":material/checklist:"),
    "indicator": PageSpec("views/indicator.py", "Indicator", "indicator", ":material/visibility:"),
    "trends": PageSpec("views/trends.py", "Trends", "trends", ":material/trending_up:"),
    "scenarios": PageSpec("views/scenarios.py", "Scenarios", "scenarios", ":material/grid_on:"),
    "track": PageSpec("views/track.py", "Track record", "track-record", ":material/scoreboard:"),
    "disagreement": PageSpec("views/disagreement.py", "Disagreement", "disagreement", ":material/compare_arrows:"),
    "update": PageSpec("views/update.py", "Update", "update", ":material/edit_note:", editors=True),
    "export": PageSpec("views/export.py", "Export", "export", ":material/download:"),
    "health": PageSpec("views/health.py", "Data health", "data-health", ":material/health_and_safety:",
                       maintainers=True),
}
SECTIONS: dict[str, list[str]] = {
    "Board": ["overview", "checklist", "indicator"],
    "Analysis": ["trends", "scenarios", "track", "disagreement"],
    "Data": ["update", "export", "health"],
}


def sections(read_only: bool, maintainers: bool = True) -> dict[str, list[str]]:
    """The navigation's sections and pages: editors' pages are left out entirely when read-only,
    and maintainers' pages (Data health: files, paths and problems of every item) for a reader whose
    marking is capped."""
    return {section: [name for name in names if not (read_only and PAGES[name].editors)
                      and not (not maintainers and PAGES[name].maintainers)]
            for section, names in SECTIONS.items()}


def page(name: str) -> StreamlitPage:
    """The st.Page of a board page (stable `url_path`, so links and shared URLs keep working)."""
    spec = PAGES[name]
    return st.Page(APP_DIR / spec.file, title=spec.title, url_path=spec.url_path, icon=spec.icon,
                   default=spec.default)


def chip(text: str, colour: str, *, title: str | None = None) -> str:
    """HTML of a small coloured label (`escape.chip`, laid out inline: the app has no stylesheet)."""
    return escape.chip(text, colour, title, style=_CHIP_STYLE)


def portion_chip(label: str) -> list[str]:
    """HTML of a TLP portion mark (`TLP:AMBER`, TLP 2.0 style: coloured label on black), as a list of
    one chip to spread into `html_line`; empty for an empty label (the item is not marked above the
    workspace's marking)."""
    if not label:
        return []
    term = MARKING.term(label.removeprefix("TLP:"))
    return [f'<span class="tlp-portion" title="{html.escape(term.description, quote=True)}" '
            f'style="display:inline-block;padding:0.1rem 0.55rem;border-radius:0.5rem;background:#000;'
            f'color:{term.colour};font-weight:700;font-family:monospace;white-space:nowrap">'
            f"{html.escape(term.label)}</span>"]


def html_line(*parts: str) -> None:
    """Show chips (already escaped by `chip`) and escaped text on one line."""
    st.html('<div style="display:flex;flex-wrap:wrap;gap:0.4rem;align-items:center">' + "".join(parts) + "</div>")


def text(value: str) -> str:
    """Escaped plain text for `html_line`."""
    return f"<span>{html.escape(value)}</span>"


_SHOWN_KEY = "_page_markings"  # session: the markings the page being drawn declared with `shows`


def start_page() -> None:
    """Forget what the previous page declared: called before each page is drawn."""
    st.session_state[_SHOWN_KEY] = []


def shows(marking: Marking | str) -> None:
    """Declare that the page being drawn shows something of this marking (from `markings.shown_marking`):
    its banners carry the highest marking declared."""
    st.session_state.setdefault(_SHOWN_KEY, []).append(MARKING.member(marking).value)


def page_marking(ws: Workspace) -> Marking:
    """The marking of the page just drawn: the workspace's, raised by what the page declared.

    A page that declared nothing is marked with the highest marking present in the workspace, so a
    banner is never lower than what a page shows.
    """
    declared = st.session_state.get(_SHOWN_KEY) or []
    return highest(ws.meta.marking, declared) if declared else highest_present(ws)


def marking_banner(marking: Marking | str, where: str = "top", *, container: Any = None) -> None:
    """A TLP marking banner, in TLP 2.0 style (coloured label on black), in `container` (default: here)."""
    term = MARKING.term(marking)
    (container if container is not None else st).html(
        f'<div class="tlp-banner tlp-{where}" role="note" title="{html.escape(term.description, quote=True)}" '
        f'style="background:#000;color:{term.colour};font-weight:700;letter-spacing:0.05em;'
        f'padding:0.2rem 0.8rem;border-radius:0.3rem;font-family:monospace">'
        f"{html.escape(term.label)}</div>"
    )


def problems_banner(ws: Workspace, *, link: bool = True) -> None:
    """A banner counting errors and warnings in the data, linking to Data health; nothing if clean."""
    errors, warnings = problem_counts(ws.problems)
    if not errors and not warnings:
        return
    parts = []
    if errors:
        parts.append(f"{errors} error{'s' if errors != 1 else ''}")
    if warnings:
        parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
    message = (f"The data has {' and '.join(parts)}. The board shows everything that loaded; "
               "fix the files to see the rest.")
    with st.container(key="problems_banner"):
        box = st.error if errors else st.warning
        box(message, icon="⚠️")
        if link:
            st.page_link(page("health"), label="Open Data health", icon=":material/health_and_safety:")


def heading(title: str, caption: str | None = None) -> None:
    """Page title and a short caption (text given by the app, not by the data)."""
    st.title(title, anchor=False)
    if caption:
        st.caption(caption)


def url_choice(label: str, options: list[str], param: str, *, format_func: Callable[[str], str] = str,
               placeholder: str | None = None, required: bool = False, help: str | None = None) -> str | None:
    """A selectbox of ids mirrored in the URL as `?param=<id>` (a clean id, not the shown label).

    Streamlit's `bind="query-params"` would put the formatted label in the URL; ids keep shared
    links short and stable when titles change, and let `st.switch_page(query_params=…)` open it.
    """
    wanted = st.query_params.get(param)
    if wanted in options:
        index: int | None = options.index(wanted)
    else:
        index = 0 if required and options else None
    choice = st.selectbox(label, options, index=index, format_func=format_func, key=f"_pick_{param}",
                          placeholder=placeholder or "Any", help=help)
    if choice is None:
        if param in st.query_params:
            del st.query_params[param]
    elif st.query_params.get(param) != choice:
        st.query_params[param] = choice
    return choice
