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
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.resolver import VersionedResolver

from indicators.editing.splice import (
    Folding,
    SpliceError,
    _block_lists,
    _dash_column,
    _entry_date,
    _file_width,
    _foldable,
    _last_line,
    _plain_is_misread,
    child,
    compose,
    find_item,
    render_item,
)
from indicators.editing.updates import (
    Edit,
    EditRefused,
    FileText,
    _check_entry,
    _entry,
    _indicator_file,
    _no_future,
    _read_text,
    _watched_on,
    canonical_id,
    canonical_value,
    default_analyst,
    new_errors,
    plan_assessment,
    plan_indication,
)
from indicators.workspace.entries import dated_id, start_pin
from indicators.workspace.files import DataFileError, check_size, read_bounded
from indicators.workspace.load import WORKSPACE_FILE, Workspace, load_workspace
from indicators.workspace.model import Assessment, Indication
from indicators.workspace.problems import Code, Problem
from indicators.workspace.vocab import CONFIDENCE, MARKING, RELIABILITY, STATUS, loose

REQUIRED = ("indicator", "date", "summary", "reliability", "credibility")
OPTIONAL = ("source", "source_id", "url", "value", "unit", "marking", "analyst", "status", "confidence", "rationale")
ASSESSMENT = ("status", "confidence", "rationale")


@dataclass(frozen=True)
class Row:
    """One data row of the import file, with the line it starts on."""

    line: int
    values: dict[str, str]


def read_rows(path: Path, text: str | None = None, *, signed_in: bool = False) -> list[Row]:
    """The rows of a CSV (comma) or TSV (tab) file: by its suffix, else by its header line.

    Raises EditRefused (code import-format) for a file that cannot be read or lacks columns; with
    `signed_in` (a signed-in board) also for an `analyst` column (import-identity): entries there
    are signed with the signed-in identity, never with a name the file gives."""
    display = str(path)
    if text is None:
        try:
            text = read_bounded(path).decode("utf-8-sig")
        except DataFileError as err:
            raise EditRefused.of(err.code, err.message, err.hint, display) from None
        except UnicodeDecodeError:
            raise EditRefused.of(Code.ENCODING, "the import file is not UTF-8 text", "save it as UTF-8",
                                 display) from None
    else:
        try:
            check_size(len(text.encode("utf-8")))
        except DataFileError as err:
            raise EditRefused.of(err.code, err.message, err.hint, display) from None
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
    if signed_in and "analyst" in header:
        at = records[0][0]  # the header's line (blank lines may stand before it)
        line = text.split("\n")[at - 1].rstrip("\r")
        column = _cell_columns(line, "\t" if tab else ",")[header.index("analyst")]
        problems.append(Problem(display, at, column, Code.IMPORT_IDENTITY,
                                "the file has an 'analyst' column, but on a signed-in board every entry is signed "
                                "with the signed-in identity: a name from the file could sign entries in "
                                "someone else's name", "remove the 'analyst' column and import again"))
    if problems:
        raise EditRefused(problems)
    rows = []
    for line, record in records[1:]:
        if len(record) > len(header):
            raise EditRefused.of(Code.IMPORT_FORMAT, f"line {line} has {len(record)} cells for {len(header)} columns",
                                 "check the separators and quotes on this line", display)
        rows.append(Row(line, {name: cell.strip() for name, cell in zip(header, record, strict=False)}))
    return rows


def _cell_columns(line: str, delimiter: str) -> list[int]:
    """The 1-based column where each cell of a CSV/TSV line starts (quotes may hold the delimiter)."""
    columns, quoted = [1], False
    for at, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == delimiter and not quoted:
            columns.append(at + 2)
    return columns


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


Progress = Callable[[int, int, str], None]
"""Called as a long import goes on: rows done, rows in all, and what is being done."""

ONE_BY_ONE_ROWS = 200
"""Up to this many rows, an error the rows make together is located by planning them again one by one,
each checked with the rows before it (exact, but the time grows with the square of the rows); above,
each new error is located by the row whose lines it stands on."""


def _skipped(row: Row, key: tuple[Any, ...], indicator: str, day: dt.date, present: dict[tuple[Any, ...], Any],
             seen: dict[tuple[Any, ...], int]) -> str | None:
    """Why a row is skipped (already recorded, perhaps withdrawn since, or repeating an earlier row), or None."""
    if key in present:
        gone = present[key].withdrawn
        how = f" and withdrawn on {gone.date}" if gone is not None else ""
        return f"line {row.line}: already recorded on {indicator} ({day}{how}), skipped"
    if key in seen:
        return f"line {row.line}: repeats line {seen[key]}, skipped"
    return None


def plan_import(ws: Workspace, file: Path | str, *, analyst: str | None = None, today: dt.date | None = None,
                text: str | None = None, signed_in: str | None = None, progress: Progress | None = None) -> Edit:
    """Plan importing a CSV/TSV file; raises EditRefused listing every bad row (nothing is written then).

    The returned change's `notes` say what was added and which rows were skipped as already present;
    when every row is present it changes no file. The rows are planned in one pass, in time linear in
    the rows (each file is read and parsed once, each new entry rendered once and placed where adding
    the rows one by one would put it), and the workspace checked once with all of them.

    `signed_in`: the identity of a signed-in editor (a signed-in board). Every row is then signed with
    it, and a file with an `analyst` column is refused (a file must not sign entries in another name).
    `progress(done, total, what)` is called as the rows are planned (a bar in the CLI or the app)."""
    file = Path(file)
    rows = read_rows(file, text, signed_in=signed_in is not None)
    who = signed_in or analyst or default_analyst()
    fast = _FastPlan(ws, rows, who, today, progress)
    plan = fast.run(file)
    if not plan.problems:
        _tell(progress, len(rows), len(rows), "checking the workspace")
        new_ws = load_workspace(ws.root, overrides=plan.pending)
        old = {(p.path, p.code, p.message) for p in ws.errors}
        late = [p for p in new_ws.errors if (p.path, p.code, p.message) not in old]
        if late and len(rows) <= ONE_BY_ONE_ROWS:  # name the row at fault as adding them one by one does
            plan = _plan_rows(ws, file, rows, who, today, check=True)
            late = [] if plan.problems else new_errors(ws, plan.pending)
        elif late:
            late = fast.locate(file, late)
        if late:  # what the rows do together (each was checked with the rows before it)
            raise EditRefused(late)
    if plan.problems:
        raise EditRefused(plan.problems)
    files = [FileText(path, fast.before[path] if path in fast.before else _read_text(path), after)
             for path, after in plan.pending.items()]
    if not files:
        meta = ws.root / WORKSPACE_FILE
        unchanged = _read_text(meta)
        files = [FileText(meta, unchanged, unchanged)]
    first, *more = files
    indications = sum(1 for name in plan.added if "@" not in name)
    assessments = len(plan.added) - indications
    summary = (f"{indications:,} indication{'' if indications == 1 else 's'} and "
               f"{assessments:,} assessment{'' if assessments == 1 else 's'}")
    return Edit(first.path, first.before, first.after, "import", file.name, summary, {}, more, plan.notes)


def _tell(progress: Progress | None, done: int, total: int, what: str) -> None:
    if progress is not None:
        progress(done, total, what)


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
            indicator = canonical_id(row.values.get("indicator", ""), ws.files_by_indicator)
            key = _key(indicator, day, row.values.get("summary", ""), _opt(row, "source"), _opt(row, "source_id"))
            if skipped := _skipped(row, key, indicator, day, present, seen):
                out.notes.append(skipped)
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


# ----------------------------------------------------------------------------- planning in one pass

_ODD_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e]")  # line breaks to str.splitlines, not to YAML


class _Irregular(Exception):
    """A step the one-pass planner cannot promise to place byte for byte as adding rows one by one does
    (an empty list, an `added:` date to pin, an unusual layout): it is made by the general code on the
    file's whole text instead, which is then read again (once per such step, not per row)."""


@dataclass(eq=False)
class _Block:
    """The lines of one new entry, placed before line `anchor` of the file as it was read."""

    lines: list[str]
    day: dt.date | None
    anchor: int
    row: int


@dataclass(eq=False)
class _Old:
    """An entry already in the file: its date, first line, and the line after its last content line."""

    day: dt.date | None
    start: int
    after: int


@dataclass
class _List:
    """A block list of entries (an indicator's indications or assessments) and how its entries are written."""

    elems: list[_Old | _Block]
    dash: int
    offset: int
    block_lists: frozenset[str]
    list_offset: int
    flow_maps: frozenset[str]


class _File:
    """One file being imported into: its text as read and parsed once, and the new entries placed
    between its lines (`groups`: for each line of that text, the blocks standing before it, in order)."""

    def __init__(self, path: Path, text: str, touched: set[str]) -> None:
        self.path, self.base = path, text
        self.lines = text.splitlines(keepends=True)
        self.newline = "\r\n" if self.lines and self.lines[0].endswith("\r\n") else "\n"
        self.plain = [line.rstrip("\r\n") for line in self.lines]
        self.groups: dict[int, list[_Block]] = {}
        self.width = _file_width(self.lines)
        self.lists: dict[tuple[str, str], _List] = {}
        self.foldings: dict[str, Folding] = {}
        self.patterns = {ident: re.compile(rf"\b{re.escape(ident)}\.(\d+)\b") for ident in touched}
        self.mentions = {ident: max((int(n) for n in pattern.findall(text)), default=0)
                         for ident, pattern in self.patterns.items()}
        self.root: yaml.Node | None = None
        if not _ODD_BREAKS.search(text):
            try:
                self.root = compose(text)
            except (SpliceError, yaml.YAMLError):
                self.root = None

    def text(self) -> str:
        """The file's text with every new entry in place."""
        return self._assemble(None)

    def _assemble(self, starts: dict[int, _Block] | None) -> str:
        if not self.groups:
            return self.base
        parts: list[str] = []
        prev = 0
        for at in sorted(self.groups):
            parts.extend(self.lines[prev:at])
            if 0 < at <= len(self.lines) and not self.lines[at - 1].endswith(("\n", "\r")):
                parts[-1] += self.newline
            for block in self.groups[at]:
                if starts is not None:
                    starts[len(parts) + 1] = block
                parts.extend(line + self.newline for line in block.lines)
            prev = at
        parts.extend(self.lines[prev:])
        return "".join(parts)

    def block_lines(self) -> list[tuple[int, int, int]]:
        """(first line, last line, row) of each new entry in the assembled text (1-based lines)."""
        starts: dict[int, _Block] = {}
        self._assemble(starts)
        return [(start, start + len(block.lines) - 1, block.row) for start, block in starts.items()]

    def entries(self, indicator: str, key: str) -> _List:
        """The list `key` of an indicator, when it is a block list with entries already (else _Irregular)."""
        found = self.lists.get((indicator, key))
        if found is not None:
            return found
        if self.root is None:
            raise _Irregular
        try:
            item = find_item(self.root, "indicators", indicator)
            node = child(item, key)
            if not (isinstance(node, yaml.SequenceNode) and node.value and not node.flow_style):
                raise _Irregular
            last = node.value[-1]
            dash = _dash_column(self.plain, last)
        except SpliceError:
            raise _Irregular from None
        offset = last.start_mark.column - dash
        block_lists, list_offset, flow_maps = _block_lists(node, self.plain)
        if offset < 2 or flow_maps or (block_lists and not 0 <= list_offset <= dash):
            raise _Irregular  # a new entry would not be written as the last one is
        if indicator not in self.foldings:
            self.foldings[indicator] = Folding.of(item, self.plain)
        elems: list[_Old | _Block] = [_Old(_entry_date(e), e.start_mark.line, _last_line(e) + 1)
                                      for e in node.value]
        found = self.lists[(indicator, key)] = _List(elems, dash, offset, block_lists, list_offset, flow_maps)
        return found

    def render(self, indicator: str, listed: _List, entry: dict[str, Any]) -> list[str]:
        """The new entry's lines, written as `append_to_list` would write it at this point."""
        folding = self.foldings[indicator]
        lines = _quick_lines(entry, listed, self.width, folding)
        if lines is None:
            lines = render_item(entry, listed.dash, listed.offset, width=self.width, block_lists=listed.block_lists,
                                list_offset=listed.list_offset, flow_maps=listed.flow_maps, folding=folding)
        if not lines or not lines[-1].strip():
            raise _Irregular  # trailing blank lines: where the next entry goes is the general code's call
        return lines

    def place(self, indicator: str, listed: _List, block: _Block) -> Callable[[], None]:
        """Put a rendered entry where `append_to_list` puts it: after the last entry (in file order) dated on
        or before it, else before the first dated entry, else after the last; returns how to take it out."""
        elems, day = listed.elems, block.day
        assert day is not None
        index = next((i for i in range(len(elems) - 1, -1, -1)
                      if elems[i].day is not None and elems[i].day <= day), None)  # type: ignore[operator]
        if index is not None:
            near = elems[index]
            anchor, group = self._group(near.after if isinstance(near, _Old) else near.anchor)
            at = 0 if isinstance(near, _Old) else group.index(near) + 1
            elems.insert(index + 1, block)
        else:
            index = next((i for i, e in enumerate(elems) if e.day is not None), None)
            if index is not None:
                near = elems[index]
                anchor, group = self._group(near.start if isinstance(near, _Old) else near.anchor)
                at = len(group) if isinstance(near, _Old) else group.index(near)
                elems.insert(index, block)
            else:
                last = elems[-1]
                assert isinstance(last, _Old)  # new entries are dated
                anchor, group = self._group(last.after)
                at = 0
                elems.append(block)
        block.anchor = anchor
        group.insert(at, block)
        width, mentions, folding = self.width, dict(self.mentions), self.foldings[indicator]
        self.width = max([width, *(len(line) for line in block.lines)])
        joined = "\n".join(block.lines)
        for ident, pattern in self.patterns.items():
            numbers = [int(n) for n in pattern.findall(joined)]
            if numbers:
                self.mentions[ident] = max(self.mentions[ident], *numbers)
        if folding.keys and any(">" in line for line in block.lines):
            folded = Folding.of(compose(joined), block.lines)
            self.foldings[indicator] = Folding(folding.keys, max(folding.width, folded.width))

        def undo() -> None:
            elems.remove(block)
            group.remove(block)
            if not group:
                del self.groups[anchor]
            self.width, self.mentions, self.foldings[indicator] = width, mentions, folding
        return undo

    def _group(self, anchor: int) -> tuple[int, list[_Block]]:
        return anchor, self.groups.setdefault(anchor, [])


_PLAIN_TEXT = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._()/+=;$?~-]*")  # text ruamel.yaml writes as it is (checked below)
_QUOTABLE = re.compile(r"[ -~]*")  # printable ASCII: in double quotes, only '"' and '\\' are escaped
_RESOLVER_12 = VersionedResolver()


def _scalar(value: Any) -> str | None:
    """How ruamel.yaml writes a one-line value of a new entry (as `splice.to_yaml_value` gives it),
    for the common simple values; None for any other (the entry is then rendered by ruamel.yaml)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, list):
        items = [_scalar(v) if isinstance(v, str) and "?" not in v else None for v in value]
        if not items or any(i is None or i.startswith('"') for i in items):  # plain in flow style only
            return None
        return "[" + ", ".join(items) + "]"  # type: ignore[arg-type]
    if not isinstance(value, str) or "\n" in value.strip("\n"):
        return None
    if _plain_is_misread(value):
        if not _QUOTABLE.fullmatch(value):
            return None
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if ("  " in value or not _PLAIN_TEXT.fullmatch(value)
            or str(_RESOLVER_12.resolve(ScalarNode, value, (True, False))) != "tag:yaml.org,2002:str"):
        return None
    return value


def _quick_lines(entry: dict[str, Any], listed: _List, width: int, folding: Folding) -> list[str] | None:
    """The lines `render_item` writes for an entry of one-line simple values that fit the width and that
    the file's folding leaves alone, made directly (ruamel.yaml takes milliseconds an entry); else None."""
    step = max(listed.offset, 2)
    content = listed.dash + step
    column = listed.dash + listed.offset
    nested = " " * (content + max(0, min(listed.list_offset, listed.dash))) + "-" + " " * (step - 1)
    lines = []
    for key, value in entry.items():
        if key in folding.keys and isinstance(value, str) and (
                column + len(key) + 2 + len(value) > folding.width and _foldable(value)):
            return None
        if not _PLAIN_TEXT.fullmatch(key):
            return None
        if key in listed.block_lists and isinstance(value, list):  # `key:` then `- item` lines
            items = [_scalar(v) if isinstance(v, str) else None for v in value]
            if not items or None in items:
                return None
            lines += [" " * content + f"{key}:", *(nested + item for item in items)]  # type: ignore[operator]
        else:
            text = _scalar(value)
            if text is None:
                return None
            lines.append(" " * content + f"{key}: {text}")
        if any(len(line) > width for line in lines[-len(value) - 1 if isinstance(value, list) else -1:]):
            return None
    if not lines:
        return None
    lines[0] = " " * listed.dash + "-" + lines[0][listed.dash + 1:]
    return lines


class _FastPlan:
    """Plans every row in one pass (see `plan_import`): the same steps, checks and messages as planning
    the rows one by one with `plan_indication` and `plan_assessment` (`_plan_rows`), and the same bytes,
    without reading and parsing a growing file again for each row."""

    def __init__(self, ws: Workspace, rows: list[Row], default: str, today: dt.date | None,
                 progress: Progress | None) -> None:
        self.ws, self.rows, self.default, self.today, self.progress = ws, rows, default, today, progress
        self.current = ws  # the workspace as the planner sees it: read again after an `added:` date is pinned
        self.files: dict[Path, _File] = {}
        self.before: dict[Path, str] = {}
        self.order: list[Path] = []
        self.touched: dict[Path, set[str]] = {}
        self._indicators: dict[str, str] = {}
        for known in ws.files_by_indicator:
            self._indicators.setdefault(loose(known), known)
        for row in rows:
            ident = self.indicator(row)
            if ident in ws.files_by_indicator:
                self.touched.setdefault(ws.files_by_indicator[ident].path, set()).add(ident)
        self._forget()

    def indicator(self, row: Row) -> str:
        """`canonical_id` of the row's indicator, looked up in a table."""
        text = row.values.get("indicator", "")
        return self._indicators.get(loose(text)) or text.strip()

    def _forget(self) -> None:
        """Drop what was worked out from `current` (it was read again)."""
        self._ids: dict[str, int] = {}
        self._stubs: dict[str, Any] = {}
        self._known: dict[str, str] | None = None

    def run(self, file: Path) -> _Planned:
        """Every row planned; the texts of the files they change in `pending`."""
        out = _Planned()
        present = {_key(i.id, o.date, o.summary, o.source, o.source_id): o for i in self.ws.indicators
                   for o in i.indications}  # a withdrawn one too: importing the file again must not bring it back
        seen: dict[tuple[Any, ...], int] = {}
        same_day: dict[tuple[str, dt.date], int] = {}
        total = len(self.rows)
        every = max(1, total // 100)
        for done, row in enumerate(self.rows):
            if done % every == 0:
                _tell(self.progress, done, total, "planning rows")
            try:
                day = _date(row)
                indicator = self.indicator(row)
                key = _key(indicator, day, row.values.get("summary", ""), _opt(row, "source"), _opt(row, "source_id"))
                if skipped := _skipped(row, key, indicator, day, present, seen):
                    out.notes.append(skipped)
                    continue
                who = _opt(row, "analyst") or self.default
                new_id, assessed, pinned = self._row(row, indicator, day, who)
                names = [new_id]
                if assessed:
                    count = same_day.get((indicator, day), 0) + 1
                    earlier = sum(1 for a in self.ws.indicator_by_id[indicator].assessments if a.date == day)
                    names.append(dated_id(indicator, day, earlier + count))
                    same_day[(indicator, day)] = count
            except EditRefused as refused:
                out.problems += [Problem(str(file), row.line, 1, p.code, p.message, p.hint) for p in refused.problems]
                continue
            if pinned:
                self.current = load_workspace(self.ws.root, overrides=self._texts())
                self._forget()
            seen[key] = row.line
            out.added += names
            out.notes.append(f"line {row.line}: {', '.join(names)}")
        _tell(self.progress, total, total, "planning rows")
        out.pending = self._texts()
        return out

    def _texts(self) -> dict[Path, str]:
        return {path: self.files[path].text() for path in self.order}

    def _row(self, row: Row, indicator: str, day: dt.date, who: str) -> tuple[str, bool, bool]:
        """Plan one row (its indication, and the assessment citing it when the row has one): all of it or
        none of it. Returns the new indication's id, whether an assessment was added, and whether an
        `added:` date was pinned (the workspace is then read again, as one-by-one planning does)."""
        value = _value(row)
        current = self.current
        path = _indicator_file(current, indicator)
        saved = self.files.get(path)
        undo: list[Callable[[], None]] = []
        try:
            new_id, pinned = self._indication(row, indicator, day, who, value, path, undo)
            assessed = any(_opt(row, name) for name in ASSESSMENT)
            if assessed:
                pinned = self._assessment(row, indicator, day, who, new_id, path, pinned, undo) or pinned
        except BaseException:
            for step in reversed(undo):
                step()
            if saved is None:
                self.files.pop(path, None)
            else:
                self.files[path] = saved
            raise
        if path not in self.order:
            self.order.append(path)
        return new_id, assessed, pinned

    def _file(self, path: Path) -> _File:
        found = self.files.get(path)
        if found is None:
            text = _read_text(path)
            self.before.setdefault(path, text)
            found = self.files[path] = _File(path, text, self.touched.get(path, set()))
        return found

    def _stub(self, indicator: str) -> Any:
        """The indicator as `start_pin` needs it, its entries cut to the first of each kind (a pin depends
        on no more), so asking costs the same whatever its length."""
        stub = self._stubs.get(indicator)
        if stub is None:
            item = self.current.indicator_by_id[indicator]
            firsts = {name: [min(entries, key=lambda e: e.date)] if entries else []
                      for name, entries in (("assessments", item.assessments), ("indications", item.indications))}
            stub = self._stubs[indicator] = item.model_copy(update=firsts)
        return stub

    def _next_id(self, indicator: str, state: _File) -> str:
        """`_next_indication_id` with what it reads kept up to date as entries are added."""
        if indicator not in self._ids:
            prefix = indicator + "."
            self._ids[indicator] = max((int(o.id.rsplit(".", 1)[1]) for i in self.current.indicators
                                        for o in i.indications if o.id.startswith(prefix)), default=0)
        return f"{indicator}.{max(self._ids[indicator], state.mentions[indicator]) + 1}"

    def _indication(self, row: Row, indicator: str, day: dt.date, who: str, value: float | None, path: Path,
                    undo: list[Callable[[], None]]) -> tuple[str, bool]:
        """`plan_indication` for one row: its checks in its order, then the entry placed in one step."""
        current = self.current
        fields = {"date": day, "summary": row.values.get("summary", ""), "source": _opt(row, "source"),
                  "source_id": _opt(row, "source_id"), "url": _opt(row, "url"),
                  "reliability": row.values.get("reliability", ""), "credibility": row.values.get("credibility", ""),
                  "value": value, "unit": _opt(row, "unit"), "marking": _opt(row, "marking"), "analyst": who}
        try:
            reliability = canonical_value(RELIABILITY, fields["reliability"])
            marking = canonical_value(MARKING, fields["marking"])
            source_id = fields["source_id"]
            if source_id:
                source_id = canonical_id(source_id, [s.id for s in current.meta.sources])
            _no_future(day, self.today or dt.date.today())
            _watched_on(current.indicator_by_id[indicator], day)
            state = self._file(path)
            if start_pin(current, self._stub(indicator), "indication", day) is not None:
                raise _Irregular
            listed = state.entries(indicator, "indications")
            data = {"id": self._next_id(indicator, state), "date": day, "summary": fields["summary"],
                    "source": fields["source"], "source_id": source_id or None, "url": fields["url"],
                    "reliability": reliability, "credibility": fields["credibility"], "value": value,
                    "unit": fields["unit"], "marking": marking, "analyst": who}
            model = _check_entry(Indication, {k: v for k, v in data.items() if v is not None})
            lines = self._render(state, indicator, listed, _entry(model))
            undo.append(state.place(indicator, listed, _Block(lines, day, 0, row.line)))
            return model.id, False
        except _Irregular:
            state = self._file(path)
            edit = plan_indication(current, indicator, pending={path: state.text()}, check=False,
                                   today=self.today, **fields)  # type: ignore[arg-type]
            self._replace(path, edit.after)
            return edit.new_id, bool(edit.notes)

    def _assessment(self, row: Row, indicator: str, day: dt.date, who: str, cited: str, path: Path, pinned: bool,
                    undo: list[Callable[[], None]]) -> bool:
        """`plan_assessment` of the row's assessment citing its new indication; True when it pinned a date."""
        fields = {"status": row.values.get("status", ""), "confidence": row.values.get("confidence", ""),
                  "rationale": row.values.get("rationale", ""), "marking": _opt(row, "marking")}
        state = self.files[path]
        try:
            if pinned:
                raise _Irregular  # the workspace with the pinned date is read again, as one by one
            current = self.current
            status, confidence = canonical_value(STATUS, fields["status"]), canonical_value(CONFIDENCE,
                                                                                          fields["confidence"])
            marking = canonical_value(MARKING, fields["marking"])
            cites = [self._known_id(cited)]
            _no_future(day, self.today or dt.date.today())
            _watched_on(current.indicator_by_id[indicator], day)
            data = {"date": day, "status": status, "confidence": confidence, "analyst": who,
                    "rationale": fields["rationale"], "cites": cites, "marking": marking, "review": False}
            model = _check_entry(Assessment, {k: v for k, v in data.items() if v is not None})
            entry = _entry(model)
            if start_pin(current, self._stub(indicator), "assessment", day) is not None:
                raise _Irregular
            listed = state.entries(indicator, "assessments")
            lines = self._render(state, indicator, listed, entry)
            undo.append(state.place(indicator, listed, _Block(lines, day, 0, row.line)))
            return False
        except _Irregular:
            text = state.text()
            base = load_workspace(self.ws.root, overrides={**self._texts(), path: text}) if pinned else self.current
            edit = plan_assessment(base, indicator, analyst=who, date=day, cites=[cited], today=self.today,
                                   pending={path: text}, check=False, **fields)
            self._replace(path, edit.after)
            return bool(edit.notes)

    def _known_id(self, cited: str) -> str:
        """`canonical_id` of a cited id against every indication of the workspace, looked up in a table."""
        if self._known is None:
            self._known = {}
            for i in self.current.indicators:
                for o in i.indications:
                    self._known.setdefault(loose(o.id), o.id)
        return self._known.get(loose(cited)) or cited.strip()

    @staticmethod
    def _render(state: _File, indicator: str, listed: _List, entry: dict[str, Any]) -> list[str]:
        try:
            return state.render(indicator, listed, entry)
        except SpliceError as exc:
            raise EditRefused.of(Code.CANNOT_EDIT, f"cannot add to {state.path.name}: {exc}",
                                 "fix the file (see 'indicators validate')", str(state.path)) from None

    def _replace(self, path: Path, text: str) -> None:
        """The file after a step made by the general code: read again, once."""
        self.files[path] = _File(path, text, self.touched.get(path, set()))

    def locate(self, file: Path, problems: list[Problem]) -> list[Problem]:
        """Errors the rows make together, each at the row whose new lines it stands on (else as input)."""
        spans = {path.resolve(): state.block_lines() for path, state in self.files.items()}
        located = []
        for p in problems:
            rows = [row for first, last, row in spans.get(Path(p.path).resolve(), [])
                    if first <= p.line <= last] if p.path else []
            where = (str(file), rows[0], 1) if rows else ("input", 0, 0)
            located.append(Problem(*where, p.code, p.message, p.hint))
        return located
