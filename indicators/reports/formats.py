"""The export formats, in one registry: what `indicators export --format` offers, what the app's
Export page offers as downloads, and what `export.render` renders.

A new format is one `Format` in `FORMATS` and its render function (a `Snapshot` in, the file's
text, or bytes for a binary format, out); the CLI, the app and `export` read everything else here.

This module imports nothing heavy: the CLI builds its `--format` choices from it at start-up, so a
format names its render function as `"module:function"` and the module is imported on first render
(the renderers pull in pandas and, for HTML, the Vega bundle, which a `validate` should not pay for).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from indicators.reports.snapshot import Snapshot


@dataclass(frozen=True)
class Format:
    """One export format: how it is named, labelled, suffixed, served and rendered."""

    name: str  # the `--format` value and the key everywhere, e.g. "md"
    label: str  # what it is, for people: the app's download button, the CLI's closing line ("Markdown brief")
    suffixes: tuple[str, ...]  # file-name suffixes that mean this format, lower-case; the first is written
    media_type: str  # the download's MIME type
    renderer: str  # the render function, "module:function": Snapshot -> str (bytes when `binary`)
    help: str  # a few words for `--format`'s help, e.g. "one offline file, prints on A4"
    binary: bool = False  # the render function returns bytes, written as they are (else text, written as UTF-8)

    @property
    def suffix(self) -> str:
        """The suffix a file of this format is given (`download_name`, the CLI's hint)."""
        return self.suffixes[0]

    def render_function(self) -> Callable[[Snapshot], str | bytes]:
        """The render function `renderer` names, imported now (see the module docstring for why late)."""
        module, _, function = self.renderer.partition(":")
        return cast("Callable[[Snapshot], str | bytes]", getattr(importlib.import_module(module), function))

    def render(self, snap: Snapshot) -> str | bytes:
        """The snapshot in this format: text, or bytes for a binary format."""
        return self.render_function()(snap)


FORMATS: tuple[Format, ...] = (
    Format("html", "HTML report", (".html", ".htm"), "text/html", "indicators.reports.html:render_html",
           "one offline file, prints on A4"),
    Format("md", "Markdown brief", (".md", ".markdown"), "text/markdown", "indicators.reports.export:render_markdown",
           "Markdown brief"),
    Format("csv", "CSV checklist", (".csv",), "text/csv", "indicators.reports.export:render_csv", "checklist"),
    Format("json", "JSON snapshot", (".json",), "application/json", "indicators.reports.export:render_json",
           "complete snapshot"),
)


def names() -> tuple[str, ...]:
    """The registered formats' names, in order: `--format`'s choices."""
    return tuple(f.name for f in FORMATS)


def get(name: str) -> Format | None:
    """The format called `name`, or None (`export.check_format` turns None into a refusal)."""
    return next((f for f in FORMATS if f.name == name), None)


def for_path(path: str | PurePath) -> Format | None:
    """The format a file name's suffix means (`.HTM` -> html), or None for any other suffix."""
    suffix = PurePath(path).suffix.lower()
    return next((f for f in FORMATS if suffix in f.suffixes), None)
