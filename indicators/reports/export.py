"""Exports of the board: HTML, Markdown, CSV and JSON, all rendered from one `Snapshot`.

The formats are registered in `formats` (name, label, suffixes, media type, render function);
this module holds the Markdown, CSV and JSON render functions and what every format shares.
`export_*` functions return the content (text; bytes from `export_as` for a binary format);
`save_export` writes one file exactly where it is told (and, on request, keeps the JSON snapshot
in `<data>/snapshots/`). Every function takes the workspace, the as-of date, the "changed since"
date and the marking to export for, and raises `ExportRefused` (with problems) rather than
writing something it should not.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
from pathlib import Path

from indicators.reports import wording as w
from indicators.reports.escape import md_link, md_text
from indicators.reports.formats import Format, get, names
from indicators.reports.markings import ExportRefused
from indicators.reports.snapshot import IndicationOut, Snapshot, build_snapshot, snapshot_path
from indicators.settings import read_only
from indicators.workspace.files import write_atomic
from indicators.workspace.load import Workspace
from indicators.workspace.problems import Code, Problem
from indicators.workspace.text import without_controls
from indicators.workspace.vocab import CONFIDENCE, LIKELIHOOD, MARKING, OUTCOME, Marking, grade_meaning

# ----------------------------------------------------------------------------- Markdown
# Every data text goes through `escape.md_text` (or `md_link`); wording and labels from `vocab` are plain.


def _md_table(header: list[str], rows: list[list[str]], align: list[str] | None = None) -> list[str]:
    """A GitHub-flavoured table; cells must already be escaped."""
    align = align or ["---"] * len(header)
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(align) + "|"]
    lines += ["| " + " | ".join(cell or " " for cell in row) + " |" for row in rows]
    return lines


def _md_scenarios(snap: Snapshot) -> list[str]:
    """The brief's scenario table, then each scenario's judgment and question lines."""
    if not snap.scenarios:
        return ["No scenarios are defined.", ""]
    rows = [[f"**{md_text(s.id)}** {md_text(s.title)}", md_text(w.level_label(snap, s.level)),
             w.trend_label(s), w.score_text(s, snap),
             LIKELIHOOD.label(s.judgment.likelihood) if s.judgment else "no judgment",
             CONFIDENCE.label(s.judgment.confidence) if s.judgment else "",
             str(s.judgment.date) if s.judgment else ""] for s in snap.scenarios]
    out = _md_table(["Scenario", "Warning level", "Trend", "Score", "Likelihood", "Confidence", "Judged"], rows)
    out.append("")
    for s in snap.scenarios:
        j = s.judgment
        reason = f": {md_text(j.rationale)}{w.portion(j.marking)}" if j else ""
        out += [f"**{md_text(s.id)} — {md_text(s.title)}.** {md_text(w.judgment_head(j, s))}{reason}", ""]
        lines = w.question_lines(s)
        out += [f"- {md_text(line)}" for line in lines] + ([""] if lines else [])
    return out


def _md_track(snap: Snapshot) -> list[str]:
    """The brief's track record section (nothing while no scenario is resolved)."""
    if not snap.track.scenarios:
        return []
    out = ["## Track record", "", md_text(w.TRACK_INTRO), ""]
    out += _md_table(["Scenario", "Outcome", "Resolved", "Judgments", "Brier"],
                     [[md_text(sc.id), OUTCOME.label(sc.outcome), str(sc.resolved), str(len(sc.judgments)),
                       w.brier_text(sc.brier)] for sc in snap.track.scenarios])
    if snap.track.analysts:
        out += ["", *_md_table(["Analyst", "Judgments", "Brier (mean)"],
                               [[md_text(a.analyst), str(a.judgments), w.brier_text(a.brier)]
                                for a in snap.track.analysts])]
    out.append("")
    return out


def render_markdown(snap: Snapshot) -> str:
    """The snapshot as a Markdown brief (for mail or a wiki)."""
    banner = f"**{w.marking_label(snap)}** — {w.marking_description(snap)}"
    out: list[str] = [banner, "", f"# {md_text(snap.title)}", "", f"*{md_text(snap.question)}*", ""]
    out += [f"- **As of:** {snap.as_of} — changes since {snap.since}",
            f"- **Generated:** {w.generated_text(snap)}",
            f"- **Made for:** {w.made_for_label(snap)} (workspace marking {MARKING.label(snap.workspace_marking)})",
            f"- {md_text(w.withheld_text(snap))}"]
    if w.errors_text(snap):
        out.append(f"- **Warning:** {md_text(w.errors_text(snap))}")
    out += ["", "## Scenarios", ""]
    out += _md_scenarios(snap)
    out += _md_track(snap)
    out += ["## Indicators", "", md_text(w.counts_text(snap)), ""]
    out += [f"## Warning notices since {snap.since}", ""]
    if snap.notices:
        rows = [[str(n.date), n.kind, md_text(n.subject), md_text(n.text),
                 md_text(", ".join(n.evidence))] for n in snap.notices]
        out += _md_table(["Date", "Notice", "Subject", "What happened", "Evidence"], rows)
    else:
        out.append("No notices in this period.")
    out.append("")
    out += [f"## What changed since {snap.since}", ""]
    if snap.changes:
        rows = [[str(c.date), w.change_kind(c.kind), md_text(c.subject) + w.portion(c.marking), md_text(c.title),
                 md_text(c.detail)] for c in snap.changes]
        out += _md_table(["Date", "Kind", "Subject", "Title", "What changed"], rows)
    else:
        out.append("Nothing changed in this period.")
    out += ["", "## Checklist", ""]
    scenario_ids = [s.id for s in snap.scenarios]
    rows = [[md_text(i.id) + w.portion(i.marking), md_text(i.title), md_text(i.theme),
             w.status_label(i) + w.portion(i.assessment_marking), w.confidence_label(i),
             str(i.last_assessed or "never"), "overdue" if i.overdue else "", "stale" if i.stale else ""]
            + [i.ratings[sid].value if sid in i.ratings else "" for sid in scenario_ids] for i in snap.indicators]
    if rows:
        out += _md_table(["ID", "Title", "Theme", "Status", "Confidence", "Last assessed", "Overdue", "Stale"]
                         + [md_text(sid) for sid in scenario_ids], rows)
        out += ["", f"Ratings (how likely the indicator is to appear if the scenario is true): {w.rating_legend()}."]
    else:
        out.append("No indicators.")
    out += ["", "## Indications", ""]
    silent = []
    for i in snap.indicators:
        if not i.indications:
            silent.append(md_text(i.id) + w.portion(i.marking))
            continue
        out += [f"### {md_text(i.id)} — {md_text(i.title)}{w.portion(i.marking)}", ""]
        if i.retired:
            out += [f"*{md_text(w.retired_text(i))}*", ""]
        reason = f": {md_text(i.rationale)}{w.portion(i.assessment_marking)}" if i.rationale else "."
        flagged = f" **{md_text(w.withdrawn_cites(i))}**" if w.withdrawn_cites(i) else ""
        out += [f"{md_text(w.assessment_head(i))}{reason}{flagged}", ""]
        shown, rest = w.shown_indications(i)
        values = any(o.value is not None for o in shown)
        rows = [[str(o.date), _md_summary(o), md_link(w.source_text(o), o.url),
                 f"{o.grade} ({grade_meaning(o.reliability, o.credibility)})"]
                + ([md_text(w.value_text(o))] if values else []) + [md_text(o.id) + w.portion(o.marking)]
                for o in shown]
        out += _md_table(["Date", "Summary", "Source", "Grade"] + (["Value"] if values else []) + ["ID"], rows)
        out += ["", md_text(rest), ""] if rest else [""]
    if silent:
        out += [f"No indications up to {snap.as_of} for: {', '.join(silent)}.", ""]
    if not snap.indicators:
        out += [f"No indications up to {snap.as_of}.", ""]
    if snap.sources:
        out += ["## Sources", ""]
        for s in snap.sources:
            extra = ", ".join(md_text(x) for x in (s.publisher, s.date) if x)
            out.append(f"- {md_link(s.title, s.url)}" + (f" — {extra}" if extra else ""))
        out.append("")
    out += ["---", "", banner, ""]
    return "\n".join(out)


def _md_summary(o: IndicationOut) -> str:
    """An indication's summary; struck through with the withdrawal when it was withdrawn."""
    if o.withdrawn is None:
        return md_text(o.summary)
    return f"~~{md_text(o.summary)}~~ ({md_text(w.withdrawn_text(o))})"


# ----------------------------------------------------------------------------- CSV

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    """A cell that a spreadsheet shows as text: formulas (= + - @, tab, CR first) get a leading quote;
    control characters (but tab and line feed) are replaced with U+FFFD."""
    text = without_controls("" if value is None else str(value))
    return "'" + text if text.startswith(_FORMULA_START) else text


def render_csv(snap: Snapshot) -> str:
    """The checklist as CSV, one row per indicator, after one row carrying the marking (UTF-8 with BOM)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    scenario_ids = [s.id for s in snap.scenarios]
    writer.writerow([csv_cell(x) for x in (w.marking_label(snap), snap.title, f"as of {snap.as_of}",
                                           f"generated {w.generated_text(snap)}", w.withheld_text(snap))])
    writer.writerow(["id", "title", "theme", "priority"] + [f"rating {sid}" for sid in scenario_ids]
                    + ["status", "confidence", "last assessed", "overdue", "stale", "latest indication date",
                       "latest indication summary", "marking"])
    for i in snap.indicators:
        latest = w.latest_indication(i)
        row = [i.id, i.title, i.theme, i.priority.value] + [i.ratings[s].value if s in i.ratings else ""
                                                              for s in scenario_ids]
        row += [w.status_label(i), w.confidence_label(i), i.last_assessed or "", "yes" if i.overdue else "no",
                "yes" if i.stale else "no", latest.date if latest else "", latest.summary if latest else "",
                MARKING.label(w.row_marking(snap, i))]
        writer.writerow([csv_cell(cell) for cell in row])
    return "\ufeff" + buffer.getvalue()


# ----------------------------------------------------------------------------- JSON


def render_json(snap: Snapshot) -> str:
    """The complete snapshot as JSON (re-loadable with `snapshot.load_snapshot`)."""
    return snap.to_json()


def render_html(snap: Snapshot) -> str:
    """The snapshot as one self-contained HTML file (see `reports.html`)."""
    from indicators.reports.html import render_html as html  # the JavaScript bundle is built only for HTML

    return html(snap)


def check_format(fmt: str) -> Format:
    """The registered format called `fmt` (`formats.FORMATS`); else `ExportRefused`, before any work is done."""
    found = get(fmt)
    if found is None:
        raise ExportRefused([Problem("input", 0, 0, Code.UNKNOWN_FORMAT, f"{fmt!r} is not an export format",
                                     f"choose one of {', '.join(names())}")])
    return found


def render(snap: Snapshot, fmt: str) -> str | bytes:
    """The snapshot in the registered format `fmt`: text, or bytes for a binary format."""
    return check_format(fmt).render(snap)


# ----------------------------------------------------------------------------- export_* (content)


def export_as(fmt: str, ws: Workspace, as_of: dt.date | None = None, since: dt.date | None = None,
              marking: Marking | str | None = None, *, generated_at: dt.datetime | None = None) -> str | bytes:
    """The board in the registered format `fmt`, for any format (the app's downloads use it).

    The format is checked before the (slow) snapshot is built. The `export_<format>` functions
    below are the same for the first four formats, kept for their callers; a new format needs none.
    """
    form = check_format(fmt)
    return form.render(build_snapshot(ws, as_of, since, marking, generated_at=generated_at))


def export_html(ws: Workspace, as_of: dt.date | None = None, since: dt.date | None = None,
                marking: Marking | str | None = None, *, generated_at: dt.datetime | None = None) -> str:
    """The board as one self-contained, offline HTML page."""
    return render_html(build_snapshot(ws, as_of, since, marking, generated_at=generated_at))


def export_markdown(ws: Workspace, as_of: dt.date | None = None, since: dt.date | None = None,
                    marking: Marking | str | None = None, *, generated_at: dt.datetime | None = None) -> str:
    """The board as a Markdown brief."""
    return render_markdown(build_snapshot(ws, as_of, since, marking, generated_at=generated_at))


def export_csv(ws: Workspace, as_of: dt.date | None = None, since: dt.date | None = None,
               marking: Marking | str | None = None, *, generated_at: dt.datetime | None = None) -> str:
    """The checklist as CSV text (starts with a BOM; write it as UTF-8)."""
    return render_csv(build_snapshot(ws, as_of, since, marking, generated_at=generated_at))


def export_json(ws: Workspace, as_of: dt.date | None = None, since: dt.date | None = None,
                marking: Marking | str | None = None, *, generated_at: dt.datetime | None = None) -> str:
    """The complete snapshot as JSON text."""
    return render_json(build_snapshot(ws, as_of, since, marking, generated_at=generated_at))


# ----------------------------------------------------------------------------- writing

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def check_output_path(path: Path | str) -> Path:
    """The path to write an export to, if it names a new or existing file in an existing folder."""
    text = str(path)
    if not text.strip():
        raise ExportRefused.of(Code.BAD_OUTPUT_PATH, "the output path is empty", "give a file name, e.g. -o board.html")
    if _CONTROL.search(text):
        raise ExportRefused.of(Code.BAD_OUTPUT_PATH, f"the output path {text!r} contains control characters",
                      "give a plain file name")
    if text.endswith(("/", os.sep)) or Path(text).name in ("", ".", ".."):
        raise ExportRefused.of(Code.OUTPUT_IS_FOLDER, f"{text} names a folder, not a file",
                      "give a file name, e.g. -o board.html")
    target = Path(text)
    if target.is_dir():
        raise ExportRefused.of(Code.OUTPUT_IS_FOLDER, f"{text} is a folder",
                      f"give a file name inside it, e.g. {target / 'board.html'}")
    parent = target.parent
    if not parent.is_dir():
        raise ExportRefused.of(Code.NO_SUCH_FOLDER, f"the folder {parent} does not exist",
                               "create it first, or write elsewhere")
    return target


def keep_snapshot(root: Path | str, snap: Snapshot) -> Path:
    """Keep the JSON snapshot in `<root>/snapshots/<as-of>.json` (the folder is created if needed).

    Refused on a read-only board, like every other write into the data folder.
    """
    if read_only():
        raise ExportRefused.of(Code.READ_ONLY, "the board is read-only: snapshots are not kept",
                               "unset INDICATORS_READ_ONLY")
    path = snapshot_path(root, snap.as_of)
    if path.is_dir():
        raise ExportRefused.of(Code.OUTPUT_IS_FOLDER, f"{path} is a folder",
                               "remove or rename it to keep snapshots there")
    try:
        path.parent.mkdir(exist_ok=True)
    except OSError as err:
        raise ExportRefused.of(Code.CANNOT_WRITE, f"cannot create {path.parent}: {err.strerror}",
                      "check that the data folder exists and is writable") from None
    _write(path, render_json(snap))
    return path


def _write(path: Path, content: str | bytes) -> None:
    try:
        write_atomic(path, content)
    except OSError as err:
        raise ExportRefused.of(Code.CANNOT_WRITE, f"cannot write {path}: {err.strerror}",
                      "check the folder exists and is writable") from None


def save_text(path: Path | str, text: str) -> Path:
    """Write a rendered document (e.g. an Atom feed) to `path`, checked as an export's path is; the path."""
    target = check_output_path(path)
    _write(target, text)
    return target


def save_rendered(snap: Snapshot, fmt: str, path: Path | str, *, keep_in: Path | str | None = None) -> list[Path]:
    """Write a snapshot in `fmt` to `path` (and keep its JSON under `keep_in`, a data folder); the paths written."""
    form = check_format(fmt)
    target = check_output_path(path)
    _write(target, form.render(snap))
    return [target] + ([keep_snapshot(keep_in, snap)] if keep_in is not None else [])


def save_export(fmt: str, path: Path | str, ws: Workspace, as_of: dt.date | None = None,
                since: dt.date | None = None, marking: Marking | str | None = None, *,
                generated_at: dt.datetime | None = None, keep: bool = False) -> list[Path]:
    """Write the export in `fmt` to `path` (and, with `keep`, the JSON snapshot too); the paths written.

    Everything is checked before anything is written: an unknown format, a bad path, a marking
    below the workspace's, or dates out of order raise `ExportRefused` and write nothing.
    """
    check_format(fmt)
    check_output_path(path)
    snap = build_snapshot(ws, as_of, since, marking, generated_at=generated_at)
    return save_rendered(snap, fmt, path, keep_in=ws.root if keep else None)
