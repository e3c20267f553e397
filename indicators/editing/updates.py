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
from indicators.editing.splice import SpliceError, append_to_list, compose, find_item
from indicators.settings import read_only
from indicators.workspace.files import DataFileError, read_bounded, write_atomic
from indicators.workspace.load import WORKSPACE_FILE, Workspace, load_workspace
from indicators.workspace.model import Assessment, Indication, Judgment
from indicators.workspace.problems import Code, Problem, ProblemsError
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


@dataclass
class Edit:
    """A planned change to one file: the text before and after, and what it adds."""

    path: Path
    before: str
    after: str
    kind: str  # indication | assessment | judgment
    subject: str  # indicator or scenario id
    new_id: str
    entry: dict[str, Any] = field(default_factory=dict)

    def diff(self) -> str:
        """Unified diff of the change, as `git diff` would show it."""
        name = self.path.name
        return "".join(difflib.unified_diff(self.before.splitlines(keepends=True), self.after.splitlines(keepends=True),
                                            f"a/{name}", f"b/{name}"))

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "id": self.new_id, "subject": self.subject, "file": str(self.path)}


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


def _read_text(path: Path) -> str:
    """The text of a file about to be edited, read safely (a plain file, bounded); refused otherwise."""
    try:
        return read_bounded(path).decode("utf-8-sig")
    except DataFileError as err:
        raise EditRefused.of(err.code, err.message, err.hint, str(path)) from None
    except UnicodeDecodeError:
        raise EditRefused.of(Code.ENCODING, "file is not valid UTF-8",
                             "save the file as UTF-8 (see 'indicators validate')", str(path)) from None


def _check_entry(cls: type, data: dict[str, Any]) -> Any:
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
    return value


def _entry(model: Any) -> dict[str, Any]:
    """The fields to write: set ones only, in model order, scales as their plain values, dates as dates."""
    data = model.model_dump(exclude_none=True, exclude_defaults=True)
    return {name: _plain(data[name]) for name in type(model).model_fields if name in data}


def _finish(ws: Workspace, path: Path, before: str, after: str, kind: str, subject: str, new_id: str,
            entry: dict[str, Any]) -> Edit:
    """Re-validate the whole workspace with the new text; refuse if it adds any error."""
    old = {(p.path, p.code, p.message) for p in ws.errors}
    new_ws = load_workspace(ws.root, overrides={path: after})
    added = [p for p in new_ws.errors if (p.path, p.code, p.message) not in old]
    if added:  # the new entry is at fault: name the input, not a line of a file that was never written
        raise EditRefused([Problem("input", 0, 0, p.code, p.message, p.hint) for p in added])
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
    if indicator_id not in ws.sources:
        near = difflib.get_close_matches(indicator_id.upper(), list(ws.sources), n=3)
        hint = f"did you mean {', '.join(near)}?" if near else "run 'indicators status' to list indicator ids"
        raise EditRefused.of(Code.UNKNOWN_INDICATOR, f"no indicator {indicator_id!r} in the workspace", hint)
    return ws.sources[indicator_id].path


def _splice(path: Path, text: str, list_key: str, item_id: str, key: str, entry: dict[str, Any]) -> str:
    try:
        item = find_item(compose(text), list_key, item_id)
        return append_to_list(text, item, key, entry)
    except (SpliceError, yaml.YAMLError) as exc:
        raise EditRefused.of(Code.CANNOT_EDIT, f"cannot add to {path.name}: {exc}",
                             "fix the file (see 'indicators validate')", str(path)) from None


def plan_indication(ws: Workspace, indicator_id: str, *, date: dt.date, summary: str, source: str,
                    reliability: str, credibility: int | str, url: str | None = None, value: float | None = None,
                    unit: str | None = None, marking: str | None = None, analyst: str | None = None,
                    today: dt.date | None = None) -> Edit:
    """Plan adding an indication to an indicator; raises EditRefused with the problems.

    Ids and scale values are matched whatever their case or spacing and written canonically."""
    indicator_id = canonical_id(indicator_id, ws.sources)
    reliability, marking = canonical_value(RELIABILITY, reliability), canonical_value(MARKING, marking)
    path = _indicator_file(ws, indicator_id)
    _no_future(date, today or dt.date.today())
    text = _read_text(path)
    fields = {"id": _next_indication_id(ws, indicator_id, text), "date": date, "summary": summary, "source": source,
              "url": url, "reliability": reliability, "credibility": credibility, "value": value, "unit": unit,
              "marking": marking, "analyst": analyst}
    model = _check_entry(Indication, {k: v for k, v in fields.items() if v is not None})
    entry = _entry(model)
    after = _splice(path, text, "indicators", indicator_id, "indications", entry)
    return _finish(ws, path, text, after, "indication", indicator_id, model.id, entry)


def plan_assessment(ws: Workspace, indicator_id: str, *, status: str, confidence: str, rationale: str,
                    analyst: str, date: dt.date | None = None, cites: list[str] | None = None,
                    marking: str | None = None, today: dt.date | None = None) -> Edit:
    """Plan adding an assessment of an indicator's status; raises EditRefused with the problems."""
    indicator_id = canonical_id(indicator_id, ws.sources)
    status, confidence = canonical_value(STATUS, status), canonical_value(CONFIDENCE, confidence)
    marking = canonical_value(MARKING, marking)
    known = [o.id for i in ws.indicators for o in i.indications]
    cites = [canonical_id(cited, known) for cited in cites or []]
    path = _indicator_file(ws, indicator_id)
    today = today or dt.date.today()
    day = date or today
    _no_future(day, today)
    fields = {"date": day, "status": status, "confidence": confidence, "analyst": analyst,
              "rationale": rationale, "cites": list(cites or []), "marking": marking}
    model = _check_entry(Assessment, {k: v for k, v in fields.items() if v is not None})
    entry = _entry(model)
    text = _read_text(path)
    after = _splice(path, text, "indicators", indicator_id, "assessments", entry)
    return _finish(ws, path, text, after, "assessment", indicator_id, f"{indicator_id}@{day.isoformat()}", entry)


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
    fields = {"date": day, "likelihood": likelihood, "confidence": confidence, "analyst": analyst,
              "rationale": rationale, "marking": marking}
    model = _check_entry(Judgment, {k: v for k, v in fields.items() if v is not None})
    entry = _entry(model)
    path = ws.root / WORKSPACE_FILE
    text = _read_text(path)
    after = _splice(path, text, "scenarios", scenario_id, "judgments", entry)
    return _finish(ws, path, text, after, "judgment", scenario_id, f"{scenario_id}@{day.isoformat()}", entry)


def apply_edit(edit: Edit) -> Edit:
    """Write a planned edit atomically, unless the file changed on disk since it was planned."""
    if read_only():
        raise EditRefused.of(Code.READ_ONLY, "the board is read-only: writes are refused", "unset INDICATORS_READ_ONLY")
    with locked(edit.path):
        _write_if_unchanged(edit)
    return edit


def _write_if_unchanged(edit: Edit) -> None:
    if _read_text(edit.path) != edit.before:
        raise EditRefused.of(Code.CONFLICT, f"{edit.path.name} changed on disk since it was read; nothing was written",
                      "review the change again and save once more", str(edit.path))
    write_atomic(edit.path, edit.after)


def update(root: Path, planner: Callable[..., Edit], *args: Any, **kwargs: Any) -> Edit:
    """Plan and write under one lock: what the CLI does, so concurrent writers never conflict."""
    if read_only():
        raise EditRefused.of(Code.READ_ONLY, "the board is read-only: writes are refused", "unset INDICATORS_READ_ONLY")
    probe = load_workspace(root)
    target = _target_path(probe, planner, args)
    with locked(target):
        ws = load_workspace(root)
        edit = planner(ws, *args, **kwargs)
        _write_if_unchanged(edit)
    return edit


def _target_path(ws: Workspace, planner: Callable[..., Edit], args: tuple[Any, ...]) -> Path:
    if planner is plan_judgment:
        return ws.root / WORKSPACE_FILE
    return _indicator_file(ws, canonical_id(args[0], ws.sources))
