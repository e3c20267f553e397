"""Plain helpers behind the app's Export page: file names, lazy exports, withheld counts, diff tables.

No Streamlit here. The content comes from `export` (formats), `markings` (what a marking may see),
`snapshot` (kept snapshots) and `compare` (what changed); this module only names, words and tabulates.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from typing import Any

import pandas as pd

from indicators.reports import export
from indicators.reports.compare import KIND_TITLES, KINDS
from indicators.reports.markings import WithheldCount, releasable
from indicators.reports.snapshot import KeptSnapshot
from indicators.reports.wording import utc_minute, withheld_counts
from indicators.workspace.load import Workspace
from indicators.workspace.model import safe_url
from indicators.workspace.vocab import CONFIDENCE, LIKELIHOOD, MARKING, STATUS, Marking


def slug(title: str, fallback: str = "board") -> str:
    """A file-name-safe slug of a title: `Russia–North Korea cooperation` -> `russia-north-korea-cooperation`."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", title) if not unicodedata.combining(c))
    text = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")
    return text[:60].rstrip("-") or fallback


def download_name(ws: Workspace, as_of: dt.date, fmt: str) -> str:
    """`<workspace-slug>-<as_of>.<suffix>`, e.g. `tiny-2024-03-15.html`."""
    return f"{slug(ws.meta.title)}-{as_of.isoformat()}{export.check_format(fmt).suffix}"


def exporter(ws: Workspace, as_of: dt.date, since: dt.date, marking: Marking | str,
             fmt: str) -> Callable[[], str | bytes]:
    """A function that builds the export when called (a download's bytes are made only on click)."""
    name = export.check_format(fmt).name  # an unknown format is refused now, not on click

    def content() -> str | bytes:
        return export.export_as(name, ws, as_of, since, marking)

    return content


def withheld(ws: Workspace, marking: Marking | str, as_of: dt.date) -> WithheldCount:
    """How many items an export for `marking` as of the date leaves out (marking already checked)."""
    return releasable(ws, marking, as_of)[1]


def withheld_sentence(count: WithheldCount, marking: Marking | str) -> str:
    """What the export leaves out, in words."""
    return withheld_counts(count, MARKING.label(marking), "the export")


# ----------------------------------------------------------------------------- kept snapshots


def kept_table(kept: list[KeptSnapshot]) -> pd.DataFrame:
    """Kept snapshots, newest first: file, as-of date, marking, when generated, and any problem."""
    rows = [{"File": k.path.name,
             "As of": k.as_of,
             "Marking": MARKING.label(k.marking) if k.marking else "",
             "Generated (UTC)": utc_minute(k.generated_at),
             "Problem": "; ".join(p.message for p in k.problems)} for k in reversed(kept)]
    return pd.DataFrame(rows, columns=["File", "As of", "Marking", "Generated (UTC)", "Problem"])


def snapshot_choices(kept: list[KeptSnapshot]) -> dict[str, str]:
    """Readable kept snapshots, oldest first: path -> label (`2024-03-15.json · TLP:GREEN`)."""
    return {str(k.path): f"{k.path.name} · {MARKING.label(k.marking)}" if k.marking else k.path.name
            for k in kept if not k.problems}


# ----------------------------------------------------------------------------- diff tables


def diff_heading(diff: dict[str, Any]) -> str:
    """`From 2024-02-15 to 2024-03-15 · TLP:GREEN` (the stricter marking of the two sides)."""
    return f"From {diff['from']['label']} to {diff['to']['label']} · {MARKING.label(diff['marking'])}"


def _likelihood(judgment: dict[str, Any] | None) -> str:
    return LIKELIHOOD.label(judgment["likelihood"]) if judgment else "no judgment"


def _indications(items: list[dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame({
        "ID": [o["id"] for o in items],
        "Indicator": [o["indicator"] for o in items],
        "Date": [dt.date.fromisoformat(o["date"]) for o in items],
        "Summary": [o["summary"] for o in items],
        "Source": [o["source"] for o in items],
        "Grade": [o["grade"] for o in items],
        "Link": [safe_url(o["url"]) for o in items],
    })


def _frame(kind: str, items: list[dict[str, Any]]) -> pd.DataFrame:
    if kind == "levels":
        return pd.DataFrame({
            "Scenario": [i["scenario"] for i in items], "Title": [i["title"] for i in items],
            "Before": [i["before_label"] for i in items], "After": [i["after_label"] for i in items],
            "Score before": [i["score_before"] for i in items], "Score after": [i["score_after"] for i in items]})
    if kind == "judgments":
        return pd.DataFrame({
            "Scenario": [i["scenario"] for i in items], "Title": [i["title"] for i in items],
            "Before": [_likelihood(i["before"]) for i in items], "After": [_likelihood(i["after"]) for i in items],
            "Confidence": [CONFIDENCE.label(i["after"]["confidence"]) if i["after"] else "" for i in items],
            "Judged": [dt.date.fromisoformat(i["after"]["date"]) if i["after"] else None for i in items],
            "Rationale": [i["after"]["rationale"] if i["after"] else "" for i in items]})
    if kind == "status":
        return pd.DataFrame({
            "Indicator": [i["indicator"] for i in items], "Title": [i["title"] for i in items],
            "Before": [STATUS.label(i["before"]) for i in items], "After": [STATUS.label(i["after"]) for i in items],
            "Confidence": [CONFIDENCE.label(i["confidence"]) if i["confidence"] else "" for i in items],
            "Assessed": [dt.date.fromisoformat(i["assessed"]) if i["assessed"] else None for i in items],
            "Rationale": [i["rationale"] or "" for i in items]})
    if kind in ("new_indications", "removed_indications"):
        return _indications(items)
    return pd.DataFrame({"Indicator": [i["indicator"] for i in items], "Title": [i["title"] for i in items]})


def diff_tables(diff: dict[str, Any]) -> list[tuple[str, str, pd.DataFrame]]:
    """The kinds of change a `compare.diff_snapshots` result lists, as (kind, title, table), in `compare.KINDS` order.

    Kinds with no change are left out; an empty list means nothing changed.
    """
    return [(kind, KIND_TITLES[kind], _frame(kind, diff[kind])) for kind in KINDS if diff[kind]]
