"""Updates to a workspace: record an indication, assess an indicator, judge a scenario.

Every update is planned first (the new entry validated, the new file text made and the whole
workspace re-validated with it) and written only if it adds no error. Writes are atomic (temp
file in the same folder, fsync, rename), serialised across processes by a lock on the file, and
refused if the file changed on disk since it was read, so no edit is ever lost or half-written.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import hashlib
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

import yaml
from filelock import FileLock, Timeout
from pydantic import ValidationError

from indicators import settings
from indicators.editing.splice import SpliceError, add_keys, append_to_list, compose, find_item
from indicators.settings import read_only
from indicators.workspace.entries import next_dated_id, start_pin
from indicators.workspace.files import DataFileError, read_bounded, write_atomic
from indicators.workspace.load import WORKSPACE_FILE, Workspace, load_workspace
from indicators.workspace.model import Assessment, Indication, Judgment
from indicators.workspace.problems import Code, Problem, ProblemsError
from indicators.workspace.text import unify_line_breaks
from indicators.workspace.validate import to_problem
from indicators.workspace.vocab import CONFIDENCE, LIKELIHOOD, MARKING, RELIABILITY, STATUS, Scale, loose_match


def default_analyst() -> str:
    """`$INDICATORS_ANALYST`, else the login name."""
    name = settings.ANALYST.get()
    if name:
        return name
    try:
        import getpass

        return getpass.getuser()
    except Exception:  # no user database entry (e.g. a container): still a usable name
        return "analyst"


@dataclass(frozen=True)
class FileText:
    """One file's text before and after a change (`before` None: the change creates the file)."""

    path: Path
    before: str | None
    after: str

    def diff(self, root: Path | None = None) -> str:
        """Unified diff of the file, as `git diff` would show it (paths relative to `root` when given)."""
        name = _shown(self.path, root)
        old = (self.before or "").splitlines(keepends=True)
        return "".join(difflib.unified_diff(old, self.after.splitlines(keepends=True),
                                            "/dev/null" if self.before is None else f"a/{name}", f"b/{name}"))


def _shown(path: Path, root: Path | None) -> str:
    if root is not None:
        with contextlib.suppress(ValueError):
            return path.resolve().relative_to(Path(root).resolve()).as_posix()
    return path.name


@dataclass
class Edit:
    """A planned change: the text of each file it touches before and after, and what it adds.

    Most changes touch one file (`path`, `before`, `after`); adding a scenario with its ratings or
    importing rows may touch several (`more`), each written once."""

    path: Path
    before: str | None
    after: str
    kind: str  # indication | assessment | judgment | review | withdrawal | retirement | indicator | scenario | import
    subject: str  # indicator or scenario id (or the import file's name)
    new_id: str
    entry: dict[str, Any] = field(default_factory=dict)
    more: list[FileText] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the analyst should know: left to rate, rows skipped …

    @property
    def files(self) -> list[FileText]:
        return [FileText(self.path, self.before, self.after), *self.more]

    @property
    def paths(self) -> list[Path]:
        return [f.path for f in self.files]

    def diff(self, root: Path | None = None) -> str:
        """Unified diff of the change, as `git diff` would show it."""
        return "".join(f.diff(root) for f in self.files)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "id": self.new_id, "subject": self.subject, "file": str(self.path),
                "files": [str(p) for p in self.paths], "notes": list(self.notes)}


class EditRefused(ProblemsError):
    """An update that cannot be written, with the problems that say why."""


def _lock_for(path: Path) -> FileLock:
    """A lock outside the data folder (nothing to commit or clean), one per file."""
    digest = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:24]
    folder = Path(tempfile.gettempdir()) / "indicators-locks"
    folder.mkdir(parents=True, exist_ok=True)
    return FileLock(str(folder / f"{digest}.lock"))


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold the file's write lock, taken once; refuse clearly when another writer keeps it too long."""
    lock = _lock_for(path)
    timeout = settings.LOCK_TIMEOUT_S.get()
    try:
        lock.acquire(timeout=timeout)
    except Timeout:
        raise EditRefused.of(Code.LOCKED, f"{path.name} is being written by someone else (still locked after "
                             f"{timeout:g} s); nothing was written", "try again in a moment", str(path)) from None
    try:
        yield
    finally:
        lock.release()


def _read_text(path: Path, pending: dict[Path, str] | None = None) -> str:
    """The text of a file about to be edited, read safely (a plain file, bounded); refused otherwise.
    `pending` holds texts already changed by earlier steps of the same change (an import)."""
    if pending and path in pending:
        return pending[path]
    try:
        return read_bounded(path).decode("utf-8-sig")
    except DataFileError as err:
        raise EditRefused.of(err.code, err.message, err.hint, str(path)) from None
    except UnicodeDecodeError:
        raise EditRefused.of(Code.ENCODING, "file is not valid UTF-8",
                             "save the file as UTF-8 (see 'indicators validate')", str(path)) from None


def _check_entry(cls: type, data: dict[str, Any]) -> Any:
    """The entry as its model, or EditRefused with the problems of the values given. Line breaks in the
    input count as YAML counts them in a file (CRLF and CR are LF); any other control character is
    refused by the model's text rule (`workspace.text`)."""
    data = {key: unify_line_breaks(value) for key, value in data.items()}
    try:
        return cls.model_validate(data)
    except ValidationError as exc:
        raise EditRefused([_input_problem(err, data) for err in exc.errors(include_url=False)]) from None


def _input_problem(err: dict[str, Any], data: dict[str, Any]) -> Problem:
    """A problem with the values given (no file position: the field is the place)."""
    problem = to_problem(err, data, "input")
    return Problem("input", 0, 0, problem.code, problem.message, problem.hint)


def _no_future(day: dt.date, today: dt.date) -> None:
    if day > today:
        raise EditRefused.of(Code.FUTURE_DATE, f"date {day} is in the future (today is {today})",
                             "give the date it happened")


def _next_indication_id(ws: Workspace, indicator_id: str, text: str) -> str:
    pattern = re.compile(rf"\b{re.escape(indicator_id)}\.(\d+)\b")
    used = [int(n) for n in pattern.findall(text)]
    prefix = indicator_id + "."
    used += [int(o.id.rsplit(".", 1)[1]) for i in ws.indicators for o in i.indications if o.id.startswith(prefix)]
    return f"{indicator_id}.{max(used, default=0) + 1}"


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _entry(model: Any) -> dict[str, Any]:
    """The fields to write: set ones only, in model order, scales as their plain values, dates as dates."""
    data = model.model_dump(exclude_none=True, exclude_defaults=True)
    return {name: _plain(data[name]) for name in type(model).model_fields if name in data}


def new_errors(ws: Workspace, overrides: dict[Path, str]) -> list[Problem]:
    """The errors the workspace would have with these new texts that it does not have now, as
    problems of the input (the new entry is at fault, not a line of a file never written)."""
    old = {(p.path, p.code, p.message) for p in ws.errors}
    new_ws = load_workspace(ws.root, overrides=overrides)
    return [Problem("input", 0, 0, p.code, p.message, p.hint)
            for p in new_ws.errors if (p.path, p.code, p.message) not in old]


def _finish(ws: Workspace, path: Path, before: str, after: str, kind: str, subject: str, new_id: str,
            entry: dict[str, Any], pending: dict[Path, str] | None = None, check: bool = True) -> Edit:
    """Re-validate the whole workspace with the new text; refuse if it adds any error. `check` False leaves
    that to the caller (an import checks all its rows together once)."""
    added = new_errors(ws, {**(pending or {}), path: after}) if check else []
    if added:
        raise EditRefused(added)
    return Edit(path, before, after, kind, subject, new_id, entry)


def canonical_id(text: str, known: Iterable[str]) -> str:
    """The known id a person meant (`sat-01` -> `SAT-01`), or the text as given when none matches."""
    return loose_match(text, known) or text.strip()


def canonical_value(scale: Scale[Any], value: object) -> object:
    """A scale value in its written form (`Observed` -> `observed`); unknown values are left for the
    model to refuse with the allowed ones and a 'did you mean'."""
    if value is None:
        return None
    member = scale.match(value)
    return member.value if member is not None else value


def _indicator_file(ws: Workspace, indicator_id: str) -> Path:
    if indicator_id not in ws.files_by_indicator:
        near = difflib.get_close_matches(indicator_id.upper(), list(ws.files_by_indicator), n=3)
        hint = f"did you mean {', '.join(near)}?" if near else "run 'indicators status' to list indicator ids"
        raise EditRefused.of(Code.UNKNOWN_INDICATOR, f"no indicator {indicator_id!r} in the workspace", hint)
    return ws.files_by_indicator[indicator_id].path


def _splice(path: Path, text: str, list_key: str, item_id: str, key: str, entry: dict[str, Any]) -> str:
    try:
        item = find_item(compose(text), list_key, item_id)
        return append_to_list(text, item, key, entry)
    except (SpliceError, yaml.YAMLError) as exc:
        raise EditRefused.of(Code.CANNOT_EDIT, f"cannot add to {path.name}: {exc}",
                             "fix the file (see 'indicators validate')", str(path)) from None


def plan_indication(ws: Workspace, indicator_id: str, *, date: dt.date, summary: str, source: str | None = None,
                    reliability: str, credibility: int | str, url: str | None = None, value: float | None = None,
                    unit: str | None = None, marking: str | None = None, analyst: str | None = None,
                    source_id: str | None = None, today: dt.date | None = None,
                    pending: dict[Path, str] | None = None, check: bool = True) -> Edit:
    """Plan adding an indication to an indicator; raises EditRefused with the problems.

    Ids and scale values are matched whatever their case or spacing and written canonically; the
    source is free text (`source`) or the id of a shared source (`source_id`), or both."""
    indicator_id = canonical_id(indicator_id, ws.files_by_indicator)
    reliability, marking = canonical_value(RELIABILITY, reliability), canonical_value(MARKING, marking)
    if source_id:
        source_id = canonical_id(source_id, [s.id for s in ws.meta.sources])
    path = _indicator_file(ws, indicator_id)
    _no_future(date, today or dt.date.today())
    _watched_on(ws.indicator_by_id[indicator_id], date)
    text = _read_text(path, pending)
    fields = {"id": _next_indication_id(ws, indicator_id, text), "date": date, "summary": summary, "source": source,
              "source_id": source_id or None, "url": url, "reliability": reliability, "credibility": credibility,
              "value": value, "unit": unit, "marking": marking, "analyst": analyst}
    model = _check_entry(Indication, {k: v for k, v in fields.items() if v is not None})
    entry = _entry(model)
    after = _splice(path, text, "indicators", indicator_id, "indications", entry)
    after, notes = _pin_start(ws, path, after, indicator_id, "indication", date)
    edit = _finish(ws, path, text, after, "indication", indicator_id, model.id, entry, pending, check)
    edit.notes += notes
    return edit


def _pin_start(ws: Workspace, path: Path, text: str, indicator_id: str, kind: str,
               day: dt.date) -> tuple[str, list[str]]:
    """The text with `added:` written under the indicator when the new entry would otherwise move its watch
    start later (the board before the entry stays what it was), and a note saying so."""
    pin = start_pin(ws, ws.indicator_by_id[indicator_id], kind, day)
    if pin is None:
        return text, []
    try:
        text = add_keys(text, find_item(compose(text), "indicators", indicator_id), {"added": pin})
    except (SpliceError, yaml.YAMLError) as exc:
        raise EditRefused.of(Code.CANNOT_EDIT, f"cannot add to {path.name}: {exc}",
                             "fix the file (see 'indicators validate')", str(path)) from None
    return text, [f"{indicator_id} had no 'added' date: set to {pin}, so the board before this {kind} is unchanged"]


def _watched_on(item: Any, day: dt.date) -> None:
    """Refuse a new entry dated on or after the item's retirement (its history is closed)."""
    if item.retired is not None and day >= item.retired.date:
        raise EditRefused.of(Code.ALREADY_RETIRED, f"{item.id} was retired on {item.retired.date}: "
                             f"it takes no entries dated {day} or later",
                             "date the entry before the retirement, or record it on the indicator that replaced it")


def plan_assessment(ws: Workspace, indicator_id: str, *, status: str, confidence: str, rationale: str,
                    analyst: str, date: dt.date | None = None, cites: list[str] | None = None,
                    marking: str | None = None, review: bool = False, today: dt.date | None = None,
                    pending: dict[Path, str] | None = None, check: bool = True) -> Edit:
    """Plan adding an assessment of an indicator's status; raises EditRefused with the problems."""
    indicator_id = canonical_id(indicator_id, ws.files_by_indicator)
    status, confidence = canonical_value(STATUS, status), canonical_value(CONFIDENCE, confidence)
    marking = canonical_value(MARKING, marking)
    known = [o.id for i in ws.indicators for o in i.indications]
    cites = [canonical_id(cited, known) for cited in cites or []]
    path = _indicator_file(ws, indicator_id)
    today = today or dt.date.today()
    day = date or today
    _no_future(day, today)
    indicator = ws.indicator_by_id[indicator_id]
    _watched_on(indicator, day)
    fields = {"date": day, "status": status, "confidence": confidence, "analyst": analyst,
              "rationale": rationale, "cites": list(cites or []), "marking": marking, "review": review}
    model = _check_entry(Assessment, {k: v for k, v in fields.items() if v is not None})
    entry = _entry(model)
    text = _read_text(path, pending)
    after = _splice(path, text, "indicators", indicator_id, "assessments", entry)
    after, notes = _pin_start(ws, path, after, indicator_id, "assessment", day)
    name = next_dated_id(indicator_id, indicator.assessments, day)
    edit = _finish(ws, path, text, after, "review" if review else "assessment", indicator_id, name, entry, pending,
                   check)
    edit.notes += notes
    return edit


def plan_judgment(ws: Workspace, scenario_id: str, *, likelihood: str, confidence: str, rationale: str,
                  analyst: str, date: dt.date | None = None, marking: str | None = None,
                  today: dt.date | None = None) -> Edit:
    """Plan adding a likelihood judgment of a scenario; raises EditRefused with the problems."""
    scenario_id = canonical_id(scenario_id, ws.scenario_by_id)
    likelihood, confidence = canonical_value(LIKELIHOOD, likelihood), canonical_value(CONFIDENCE, confidence)
    marking = canonical_value(MARKING, marking)
    if scenario_id not in ws.scenario_by_id:
        near = difflib.get_close_matches(scenario_id.upper(), list(ws.scenario_by_id), n=3)
        hint = f"did you mean {', '.join(near)}?" if near else \
            f"scenarios are: {', '.join(ws.scenario_by_id) or '(none)'}"
        raise EditRefused.of(Code.UNKNOWN_SCENARIO, f"no scenario {scenario_id!r} in the workspace", hint)
    today = today or dt.date.today()
    day = date or today
    _no_future(day, today)
    _watched_on(ws.scenario_by_id[scenario_id], day)
    fields = {"date": day, "likelihood": likelihood, "confidence": confidence, "analyst": analyst,
              "rationale": rationale, "marking": marking}
    model = _check_entry(Judgment, {k: v for k, v in fields.items() if v is not None})
    entry = _entry(model)
    path = ws.root / WORKSPACE_FILE
    text = _read_text(path)
    after = _splice(path, text, "scenarios", scenario_id, "judgments", entry)
    name = next_dated_id(scenario_id, ws.scenario_by_id[scenario_id].judgments, day)
    return _finish(ws, path, text, after, "judgment", scenario_id, name, entry)


def _refuse_read_only() -> None:
    if read_only():
        raise EditRefused.of(Code.READ_ONLY, "the board is read-only: writes are refused", "unset INDICATORS_READ_ONLY")


@contextlib.contextmanager
def _all_locked(paths: Iterable[Path]) -> Iterator[None]:
    """Hold the locks of several files, taken in one order (two writers never wait on each other)."""
    with contextlib.ExitStack() as stack:
        for path in sorted(set(paths)):
            stack.enter_context(locked(path))
        yield


def apply_edit(edit: Edit) -> Edit:
    """Write a planned edit atomically, unless a file changed on disk since it was planned."""
    _refuse_read_only()
    with _all_locked(edit.paths):
        _write_if_unchanged(edit)
    return edit


def _write_if_unchanged(edit: Edit) -> None:
    """Check every file first, then write each atomically: nothing is written if any file changed."""
    for f in edit.files:
        if f.before is None:
            if f.path.exists():
                raise EditRefused.of(Code.CONFLICT, f"{f.path.name} was created by someone else since the change was "
                                     "planned; nothing was written", "review the change again", str(f.path))
        elif _read_text(f.path) != f.before:
            raise EditRefused.of(Code.CONFLICT, f"{f.path.name} changed on disk since it was read; nothing was written",
                                 "review the change again and save once more", str(f.path))
    for f in edit.files:
        if f.after != f.before:
            write_atomic(f.path, f.after)


def update(root: Path, planner: Callable[..., Edit], *args: Any, **kwargs: Any) -> Edit:
    """Plan and write under the files' locks: what the CLI does, so concurrent writers never conflict.

    A first plan finds the files the change touches; under their locks the workspace is read again
    and the change planned again, so it rests on what is on disk when it is written."""
    _refuse_read_only()
    probe = planner(load_workspace(root), *args, **kwargs)
    with _all_locked(probe.paths):
        edit = planner(load_workspace(root), *args, **kwargs)
        if set(edit.paths) - set(probe.paths):  # another writer changed which files it touches: plan again
            raise EditRefused.of(Code.CONFLICT, "the workspace changed while the change was planned; nothing was "
                                 "written", "run the command again")
        _write_if_unchanged(edit)
    return edit
