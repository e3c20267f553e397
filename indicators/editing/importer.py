"""`indicators import FILE`: many indications (and assessments citing them) from one CSV or TSV file.

One row is one indication. Columns (header names, any case; README "Importing events"):
indicator, date, summary, source or source_id, reliability, credibility, and optionally url,
value, unit, marking, analyst; with status, confidence and rationale the row also adds an
assessment of the indicator citing the new indication, dated the same day.

The import is all-or-nothing: every row is planned with the same checks as `record` and `assess`
against the workspace as the earlier rows leave it; if any row is bad, nothing is written and
every bad row is listed with its line. Rows already in the workspace (same indicator, date,
summary and source) are reported and skipped. Each touched file is written once.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from indicators.editing.updates import (
    Edit,
    EditRefused,
    FileText,
    _read_text,
    canonical_id,
    default_analyst,
    new_errors,
    plan_assessment,
    plan_indication,
)
from indicators.workspace.entries import dated_id
from indicators.workspace.files import DataFileError, read_bounded
from indicators.workspace.load import WORKSPACE_FILE, Workspace, load_workspace
from indicators.workspace.problems import Code, Problem

REQUIRED = ("indicator", "date", "summary", "reliability", "credibility")
OPTIONAL = ("source", "source_id", "url", "value", "unit", "marking", "analyst", "status", "confidence", "rationale")
ASSESSMENT = ("status", "confidence", "rationale")


@dataclass(frozen=True)
class Row:
    """One data row of the import file, with the line it starts on."""

    line: int
    values: dict[str, str]


def read_rows(path: Path, text: str | None = None) -> list[Row]:
    """The rows of a CSV (comma) or TSV (tab) file: by its suffix, else by its header line.

    Raises EditRefused (code import-format) for a file that cannot be read or lacks columns."""
    display = str(path)
    if text is None:
        try:
            text = read_bounded(path).decode("utf-8-sig")
        except DataFileError as err:
            raise EditRefused.of(err.code, err.message, err.hint, display) from None
        except UnicodeDecodeError:
            raise EditRefused.of(Code.ENCODING, "the import file is not UTF-8 text", "save it as UTF-8",
                                 display) from None
    first = text.split("\n", 1)[0]
    tab = path.suffix.lower() in (".tsv", ".tab") or (path.suffix.lower() != ".csv" and "\t" in first)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter="\t" if tab else ",", strict=True)
    try:
        records = []
        start = 1
        for record in reader:
            records.append((start, record))
            start = reader.line_num + 1
    except csv.Error as err:
        raise EditRefused.of(Code.IMPORT_FORMAT, f"line {reader.line_num}: {err}",
                             "check the quotes on this line", display) from None
    records = [(line, r) for line, r in records if any(cell.strip() for cell in r)]
    if not records:
        raise EditRefused.of(Code.IMPORT_FORMAT, "the import file has no header line",
                             f"start it with the column names: {', '.join(REQUIRED)}, source, …", display)
    header = [name.strip().lower().replace(" ", "_").replace("-", "_") for name in records[0][1]]
    problems = [Problem(display, 1, 1, Code.IMPORT_FORMAT, f"unknown column {name!r}",
                        _near(name, [*REQUIRED, *OPTIONAL]))
                for name in header if name not in REQUIRED + OPTIONAL]
    missing = [name for name in REQUIRED if name not in header]
    if not {"source", "source_id"} & set(header):
        missing.append("source (or source_id)")
    if missing:
        problems.append(Problem(display, 1, 1, Code.IMPORT_FORMAT, f"missing column(s): {', '.join(missing)}",
                                "name the columns in the first line (README: 'Importing events')"))
    if len(set(header)) != len(header):
        problems.append(Problem(display, 1, 1, Code.IMPORT_FORMAT, "a column is named twice", "name each once"))
    if problems:
        raise EditRefused(problems)
    rows = []
    for line, record in records[1:]:
        if len(record) > len(header):
            raise EditRefused.of(Code.IMPORT_FORMAT, f"line {line} has {len(record)} cells for {len(header)} columns",
                                 "check the separators and quotes on this line", display)
        rows.append(Row(line, {name: cell.strip() for name, cell in zip(header, record, strict=False)}))
    return rows


def _near(name: str, known: list[str]) -> str:
    near = difflib.get_close_matches(name, known, n=1)
    return f"did you mean {near[0]!r}?" if near else f"columns are: {', '.join([*REQUIRED, *OPTIONAL])}"


def _opt(row: Row, name: str) -> str | None:
    value = row.values.get(name)
    return value if value else None


def _date(row: Row) -> dt.date:
    text = row.values.get("date", "")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise EditRefused.of(Code.BAD_DATE, f"date {text!r} is not a date", "write it as YYYY-MM-DD") from None


THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")  # 13,000 (a comma elsewhere is not a number)


def _value(row: Row) -> float | None:
    text = _opt(row, "value")
    if text is None:
        return None
    plain = text.replace(",", "") if THOUSANDS.match(text) else text
    try:
        value = float(plain)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or "," in plain:
        raise EditRefused.of(Code.WRONG_TYPE, f"value {text!r} is not a number",
                             "write a plain number, e.g. 13000 or 13,000 or 2.5") from None
    return value


def _key(indicator: str, day: dt.date, summary: str, source: str | None, source_id: str | None) -> tuple[Any, ...]:
    return (indicator, day, summary.strip().casefold(), (source or "").strip().casefold(), source_id)


def plan_import(ws: Workspace, file: Path | str, *, analyst: str | None = None, today: dt.date | None = None,
                text: str | None = None) -> Edit:
    """Plan importing a CSV/TSV file; raises EditRefused listing every bad row (nothing is written then).

    The returned change's `notes` say what was added and which rows were skipped as already present;
    when every row is present it changes no file. The rows are planned in one pass and the workspace
    checked once with all of them; only when that finds an error are they planned again one by one,
    each checked with the rows before it, to name the line at fault."""
    file = Path(file)
    rows = read_rows(file, text)
    plan = _plan_rows(ws, file, rows, analyst or default_analyst(), today, check=False)
    if not plan.problems and new_errors(ws, plan.pending):
        plan = _plan_rows(ws, file, rows, analyst or default_analyst(), today, check=True)
    if plan.problems:
        raise EditRefused(plan.problems)
    late = new_errors(ws, plan.pending)  # what the rows do together (each was checked with the rows before it)
    if late:
        raise EditRefused(late)
    files = [FileText(path, _read_text(path), after) for path, after in plan.pending.items()]
    if not files:
        meta = ws.root / WORKSPACE_FILE
        unchanged = _read_text(meta)
        files = [FileText(meta, unchanged, unchanged)]
    first, *more = files
    indications = sum(1 for name in plan.added if "@" not in name)
    assessments = len(plan.added) - indications
    summary = (f"{indications} indication{'' if indications == 1 else 's'} and "
               f"{assessments} assessment{'' if assessments == 1 else 's'}")
    return Edit(first.path, first.before, first.after, "import", file.name, summary, {}, more, plan.notes)


@dataclass
class _Planned:
    pending: dict[Path, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _plan_rows(ws: Workspace, file: Path, rows: list[Row], default: str, today: dt.date | None,
               check: bool) -> _Planned:
    """Every row planned onto the texts the rows before it made. With `check`, each row is validated
    against the whole workspace as the rows before it leave it (slow, but it names the row at fault)."""
    out = _Planned()
    present = {_key(i.id, o.date, o.summary, o.source, o.source_id): o for i in ws.indicators
               for o in i.indications}  # a withdrawn one too: importing the file again must not bring it back
    seen: dict[tuple[Any, ...], int] = {}
    same_day: dict[tuple[str, dt.date], int] = {}
    current = ws
    for row in rows:
        try:
            day = _date(row)
            indicator = canonical_id(row.values.get("indicator", ""), ws.sources)
            key = _key(indicator, day, row.values.get("summary", ""), _opt(row, "source"), _opt(row, "source_id"))
            if key in present:
                gone = present[key].withdrawn
                how = f" and withdrawn on {gone.date}" if gone is not None else ""
                out.notes.append(f"line {row.line}: already recorded on {indicator} ({day}{how}), skipped")
                continue
            if key in seen:
                out.notes.append(f"line {row.line}: repeats line {seen[key]}, skipped")
                continue
            who = _opt(row, "analyst") or default
            edit = plan_indication(current, indicator, date=day, summary=row.values.get("summary", ""),
                                   source=_opt(row, "source"), source_id=_opt(row, "source_id"), url=_opt(row, "url"),
                                   reliability=row.values.get("reliability", ""),
                                   credibility=row.values.get("credibility", ""), value=_value(row),
                                   unit=_opt(row, "unit"), marking=_opt(row, "marking"), analyst=who, today=today,
                                   pending=out.pending, check=check)
            step = {edit.path: edit.after}
            names = [edit.new_id]
            pinned = bool(edit.notes)  # an 'added' date was written: the next steps must see it
            if any(_opt(row, name) for name in ASSESSMENT):
                base = load_workspace(ws.root, overrides={**out.pending, **step}) if check or pinned else current
                assessed = plan_assessment(base, indicator, status=row.values.get("status", ""),
                                           confidence=row.values.get("confidence", ""),
                                           rationale=row.values.get("rationale", ""), analyst=who, date=day,
                                           cites=[edit.new_id], marking=_opt(row, "marking"), today=today,
                                           pending={**out.pending, **step}, check=check)
                step = {assessed.path: assessed.after}
                count = same_day.get((indicator, day), 0) + 1
                earlier = sum(1 for a in ws.indicator_by_id[indicator].assessments if a.date == day)
                names.append(dated_id(indicator, day, earlier + count))
                same_day[(indicator, day)] = count
                pinned = pinned or bool(assessed.notes)
        except EditRefused as refused:
            out.problems += [Problem(str(file), row.line, 1, p.code, p.message, p.hint) for p in refused.problems]
            continue
        out.pending.update(step)
        if check or pinned:
            current = load_workspace(ws.root, overrides=out.pending)
        seen[key] = row.line
        out.added += names
        out.notes.append(f"line {row.line}: {', '.join(names)}")
    return out
