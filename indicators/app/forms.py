"""Plain helpers behind the app's Update page: scale choices, optional fields, citations, problems.

No Streamlit here: the page lays out widgets and calls the planners (`updates.plan_*`,
`checklist.plan_*`, `importer.plan_import`) and `updates.apply_edit`; what it shows in the widgets
and how it words a refusal comes from these functions.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from indicators.editing.updates import Edit
from indicators.scoring.assumptions import check_on
from indicators.workspace.entries import entries_of
from indicators.workspace.load import Workspace
from indicators.workspace.problems import Code, Problem
from indicators.workspace.vocab import Scale

SUMMARY_CHARS = 70  # citation choices show this much of an indication's summary


def choice_label(scale: Scale, value: object) -> str:
    """A scale value as a form choice: `B — Usually reliable`, `Likely (55–80%)`, `Observed`.

    The value is shown too when the label does not spell it (Admiralty letters and digits);
    the description is added when it is a range (ICD 203 likelihood).
    """
    term = scale.term(value)  # type: ignore[arg-type]
    spelled = term.label.rsplit(":", 1)[-1].casefold() == term.value.replace("_", " ").casefold()
    text = term.label if spelled else f"{term.value} — {term.label}"
    if term.description.endswith("%"):
        text = f"{term.label} ({term.description})"
    return text


def optional(text: str | None) -> str | None:
    """A text field's value, or None when it was left empty (or only spaces)."""
    if text is None:
        return None
    text = text.strip()
    return text or None


def required(text: str | None) -> str:
    """A text field's value without surrounding spaces ('' when empty: the library says why it is refused)."""
    return (text or "").strip()


def citable(ws: Workspace, indicator_id: str, day: dt.date) -> dict[str, str]:
    """The indicator's indications dated on or before `day`, newest first: id -> short label."""
    indicator = ws.indicator_by_id.get(indicator_id)
    if indicator is None:
        return {}
    known = sorted((o for o in indicator.indications if o.date <= day), key=lambda o: (o.date, o.id), reverse=True)
    out = {}
    for o in known:
        summary = " ".join(o.summary.split())
        if len(summary) > SUMMARY_CHARS:
            summary = summary[: SUMMARY_CHARS - 1].rstrip() + "…"
        out[o.id] = f"{o.id} · {o.date} · {summary}"
    return out


def keep_known(chosen: Iterable[str], options: Iterable[str]) -> list[str]:
    """The chosen values still among the options (citations dropped when the date moves earlier)."""
    allowed = set(options)
    return [value for value in chosen if value in allowed]


def problem_lines(problems: Iterable[Problem]) -> list[tuple[str, str]]:
    """(message, hint) of each problem, for a list of errors shown to the analyst; a problem at a line of a
    file (a row of an import file) says where: `events.csv, line 4, column 1: …`."""
    return [(f"{Path(p.path).name}, line {p.line}, column {p.column}: {p.message}" if p.line > 0 else p.message,
             p.hint) for p in problems]


def is_conflict(problems: Iterable[Problem]) -> bool:
    """True when a write was refused because the file changed on disk since the preview."""
    return any(p.code == Code.CONFLICT for p in problems)


def form_changed() -> Problem:
    """The refusal shown when Save is pressed for a preview that no longer matches the form."""
    return Problem("input", 0, 0, Code.FORM_CHANGED, "the form changed since the preview; nothing was written",
                   "press Preview again to see the change that Save will write")


def not_allowed() -> Problem:
    """The refusal of a write by a visitor who may not write (read-only board, or not an editor)."""
    return Problem("input", 0, 0, Code.READ_ONLY, "you may not change this board; nothing was written",
                   "ask the board's editors for the editor role")


def os_problem(err: OSError, path: Path | str | None = None) -> Problem:
    """A file that could not be read or written, as a problem to show (not a traceback)."""
    where = str(path or err.filename or "file")
    return Problem(where, 0, 0, Code.CANNOT_ACCESS, f"cannot read or write {Path(where).name}: {err.strerror or err}",
                   "check that the data folder exists and is writable, then Preview again")


def edit_target(edit: Edit, root: Path) -> str:
    """The edited files, named relative to the data folder (`indicators/core.yaml`), joined by commas."""
    names = []
    for f in edit.files:
        if f.after == f.before:
            continue
        try:
            names.append(str(f.path.resolve().relative_to(Path(root).resolve())))
        except ValueError:
            names.append(str(f.path))
    return ", ".join(names) or "no file (nothing new)"


KIND_LABELS = {"indication": "Indication", "assessment": "Assessment", "judgment": "Judgment",
               "review": "Review", "withdrawal": "Withdrawal of", "retirement": "Retirement of",
               "indicator": "Indicator", "scenario": "Scenario", "import": "Import of"}


def saved_message(edit: Edit, root: Path) -> str:
    """What a successful save says: the kind, the new id, the subject and the file."""
    return f"{KIND_LABELS.get(edit.kind, 'Entry')} {edit.new_id} saved to {edit_target(edit, root)}."


def withdrawable(ws: Workspace, day: dt.date) -> dict[str, str]:
    """Entries that can be withdrawn on `day` (dated on or before it, not withdrawn yet): name -> label,
    newest first."""
    refs = [r for r in entries_of(ws) if r.entry.date <= day and r.entry.withdrawn is None]
    refs.sort(key=lambda r: (r.entry.date, r.id), reverse=True)
    return {r.id: f"{r.id} · {r.kind} · {_short(_entry_text(r.entry))}" for r in refs}


def _entry_text(entry: Any) -> str:
    return getattr(entry, "summary", None) or getattr(entry, "rationale", "")


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 1].rstrip() + "…"


def retirable(ws: Workspace) -> dict[str, str]:
    """Indicators and scenarios not yet retired: id -> label."""
    out = {s.id: f"{s.id} — scenario: {s.title}" for s in ws.scenarios if s.retired is None}
    out.update({i.id: f"{i.id} — {i.title}" for i in ws.indicators if i.retired is None})
    return out


def assumptions(ws: Workspace) -> dict[str, str]:
    """Every key assumption as "SCENARIO KA-n" -> a label with its standing status and statement."""
    out = {}
    for scenario in ws.scenarios:
        for assumption in scenario.assumptions:
            last = check_on(assumption, dt.date.max)
            out[f"{scenario.id} {assumption.id}"] = (f"{scenario.id} {assumption.id} ({last.status.value}) — "
                                                     f"{_short(assumption.statement)}")
    return out


def names(text: str | None) -> list[str]:
    """Names typed in one field, separated by commas or semicolons (`China, Russia`)."""
    return [part.strip() for part in re.split(r"[,;]", text or "") if part.strip()]


def suggested_id(ws: Workspace, theme: str | None) -> str:
    """The next free indicator id in the prefix the theme's indicators use (e.g. MSUP-05), else ''."""
    prefixes = [i.id.split("-")[0] for i in ws.indicators if i.theme == theme]
    if not prefixes:
        return ""
    prefix = max(set(prefixes), key=prefixes.count)
    used = [int(i.id.split("-")[1]) for i in ws.indicators if i.id.split("-")[0] == prefix]
    return f"{prefix}-{max(used, default=0) + 1:02d}"


def rating_rows(ws: Workspace) -> list[dict[str, str]]:
    """One row per indicator still watched, to rate against a new scenario (Rating empty: not rated yet)."""
    return [{"Indicator": i.id, "Title": i.title, "Rating": ""} for i in ws.indicators if i.retired is None]


def ratings_from(rows: Iterable[dict[str, Any]]) -> dict[str, str]:
    """The ratings given in an edited rating table (rows left empty are not rated)."""
    return {str(r["Indicator"]): str(r["Rating"]) for r in rows if r.get("Rating")}


def entry_date(edit: Edit) -> dt.date | None:
    """The date of the planned entry (to warn when the board's as-of date hides it)."""
    value = edit.entry.get("date")
    return value if isinstance(value, dt.date) else None
