"""Validate parsed YAML against the models, turning pydantic errors into located problems.

Validation is item by item in effect: a first pass validates the whole file (fast when it is
valid); items with errors (a judgment, an indication, an assessment, an indicator, a scenario)
are then dropped and the rest validated again, so one bad entry hides nothing else. Text fields
that YAML 1.1 turned into booleans, numbers or dates (`NO`, `on`, `010`) get their written text
back, with a warning.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import re
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from indicators.workspace import model as m
from indicators.workspace.problems import Code, Problem, Severity
from indicators.workspace.text import NOT_BLANK, control_message, find_control
from indicators.workspace.yaml_reader import LocDict, LocList, Pos

T = TypeVar("T", bound=BaseModel)

# Paths (field names, with "*" for a list index and "#" for any key of a mapping) of the items that
# can be dropped on their own, deepest first.
DROPPABLE: tuple[tuple[str, ...], ...] = (
    ("ratings", "#", "#"),  # ratings/<analyst>.yaml: one cell, then one indicator's ratings
    ("ratings", "#"),
    ("indicators", "*", "indications", "*"),
    ("indicators", "*", "assessments", "*"),
    ("indicators", "*"),
    ("scenarios", "*", "judgments", "*"),
    ("scenarios", "*"),
    ("sources", "*"),
)

_ID_EXAMPLES = {
    m.SCENARIO_ID: "a scenario id such as MIL-COOP (capitals, digits, '-' or '_')",
    m.INDICATOR_ID: "an indicator id such as SAT-01",
    m.INDICATION_ID: "an indication id such as SAT-01.3 (indicator id, dot, number)",
    m.SOURCE_ID: "a source id such as PISM-137",
    m.THEME: "a theme slug such as military-supply (lower case, digits, '-')",
    m.URL: "an http:// or https:// address",
    m.COLOUR: "a colour such as #d1495b",
}

_FIELD_NAMES = sorted(
    {name for cls in (m.WorkspaceFile, m.Scenario, m.Judgment, m.WarningLevel, m.SourceDocument,
                      m.IndicatorFile, m.Indicator, m.Indication, m.Assessment, m.AnalystRatingsFile)
     for name in cls.model_fields}
)


def _is_text_error(err: dict[str, Any]) -> bool:
    return err["type"] == "string_type" and isinstance(err.get("input"), (bool, int, float, dt.date))


def _walk(data: Any, loc: tuple[Any, ...]) -> tuple[Any, Any, Any]:
    """Follow `loc` through the data as far as it goes: (container, last key, value)."""
    parent, key, node = None, None, data
    for seg in loc:
        in_dict = isinstance(node, dict) and seg in node
        if in_dict or (isinstance(node, list) and isinstance(seg, int) and 0 <= seg < len(node)):
            parent, key, node = node, seg, node[seg]
        elif seg == "[key]":
            return parent, key, "[key]"
        elif isinstance(node, (dict, list)):
            return node, seg, None  # a missing key: its parent is the place
    return parent, key, node


def locate(data: Any, loc: tuple[Any, ...]) -> Pos:
    """Best position for an error at `loc` (pydantic segments that are not YAML keys skipped)."""
    parent, key, node = _walk(data, loc)
    if node == "[key]" and isinstance(parent, LocDict):
        return parent.key_pos.get(key, parent.pos)
    if node is None and isinstance(parent, (LocDict, LocList)) and not (isinstance(parent, dict) and key in parent):
        return parent.pos
    if isinstance(parent, LocDict):
        return parent.value_pos.get(key, parent.pos)
    if isinstance(parent, LocList) and isinstance(key, int) and key < len(parent.item_pos):
        return parent.item_pos[key]
    return getattr(data, "pos", Pos(1, 1))


def _key_pos(data: Any, loc: tuple[Any, ...]) -> Pos:
    parent, key, _ = _walk(data, loc)
    if isinstance(parent, LocDict) and key in parent.key_pos:
        return parent.key_pos[key]
    return locate(data, loc)


def _describe(value: Any) -> str:
    names = {bool: "a boolean", int: "a number", float: "a number", str: "text", list: "a list", dict: "a mapping",
             type(None): "nothing", dt.date: "a date", dt.datetime: "a date and time"}
    return names.get(type(value), type(value).__name__) if not isinstance(value, (dict, list)) else (
        "a mapping" if isinstance(value, dict) else "a list")


def to_problem(err: dict[str, Any], data: Any, display: str) -> Problem:
    """One pydantic error as a located problem with a stable code and a hint."""
    loc = tuple(err["loc"])
    kind, ctx, value = err["type"], err.get("ctx") or {}, err.get("input")
    field = next((str(s) for s in reversed(loc) if isinstance(s, str) and s != "[key]"), "value")
    if kind == "missing_one_of":  # a model's own rule: one of several fields is needed
        pos = locate(data, loc)
        return Problem(display, pos.line, pos.column, Code.MISSING_FIELD, err["msg"], str(ctx.get("hint", "")))
    if kind == "missing":
        pos = locate(data, loc)
        return Problem(display, pos.line, pos.column, Code.MISSING_FIELD, f"missing required field {field!r}",
                       f"add '{field}:' to this entry")
    if kind == "extra_forbidden":
        pos = _key_pos(data, loc)
        near = difflib.get_close_matches(str(loc[-1]), _FIELD_NAMES, n=1)
        hint = f"did you mean {near[0]!r}?" if near else "remove it, or check the spelling against the schema"
        return Problem(display, pos.line, pos.column, Code.UNKNOWN_KEY, f"unknown key {loc[-1]!r}", hint)
    pos = locate(data, loc)
    found = find_control(value) if isinstance(value, str) and kind == "string_pattern_mismatch" else None
    if found is not None:  # any text, id or URL: the control character is what is wrong with it
        return Problem(display, pos.line, pos.column, Code.CONTROL_CHARACTER, control_message(field, value, found),
                       Code.CONTROL_CHARACTER.hint)
    if kind == "string_unicode":  # a lone surrogate: a byte that was not UTF-8 (a command-line argument)
        return Problem(display, pos.line, pos.column, Code.ENCODING,
                       f"{field} is not valid text: it holds a byte that is not UTF-8 ({value!r})",
                       "type it again as UTF-8 text")
    if isinstance(value, str) and not value.strip() and (
            kind in ("string_too_short", "too_short") or ctx.get("pattern") == NOT_BLANK):
        return Problem(display, pos.line, pos.column, Code.BLANK_TEXT, f"{field} is empty or only white space",
                       Code.BLANK_TEXT.hint)
    if kind == "enum":
        what = f"rating against scenario {loc[-1]}" if "ratings" in loc[-3:-1] else field
        allowed = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        near = difflib.get_close_matches(str(value).casefold(), [a.casefold() for a in allowed], n=1, cutoff=0.6)
        guess = next((f"did you mean {a!r}? " for a in allowed if near and a.casefold() == near[0]), "")
        return Problem(display, pos.line, pos.column, Code.BAD_VALUE, f"{value!r} is not an allowed {what}",
                       f"{guess}use one of: {ctx.get('expected', '')}")
    if kind == "string_pattern_mismatch":
        wanted = _ID_EXAMPLES.get(ctx.get("pattern", ""), f"text matching {ctx.get('pattern')}")
        code = Code.BAD_ID if "id" in field or loc[-1] == "[key]" else Code.BAD_FORMAT
        return Problem(display, pos.line, pos.column, code,
                       f"{value!r} is not {wanted}", "fix the spelling")
    if kind.startswith("date") or kind.startswith("datetime"):
        return Problem(display, pos.line, pos.column, Code.BAD_DATE, f"{field}: {value!r} is not a date",
                       "write the date as YYYY-MM-DD, e.g. 2023-09-28")
    if kind.endswith("_type") or kind.endswith("_parsing"):
        return Problem(display, pos.line, pos.column, Code.WRONG_TYPE,
                       f"{field} should be {err['msg'].removeprefix('Input should be ')}, not {_describe(value)}",
                       "change the value to the expected kind")
    if kind in ("too_short", "too_long", "string_too_short", "string_too_long", "greater_than_equal",
                "less_than_equal", "greater_than", "less_than"):
        return Problem(display, pos.line, pos.column, Code.OUT_OF_RANGE, f"{field}: {err['msg'].lower()}",
                       "change the value to fit the limit")
    message = str(ctx.get("error", err["msg"])) if kind == "value_error" else err["msg"]
    return Problem(display, pos.line, pos.column, Code.INVALID, f"{field}: {message}", "see the schema for this field")


def _fits(segment: Any, wanted: str) -> bool:
    if wanted == "#":  # any mapping key, but not pydantic's "[key]" marker (the key itself is bad)
        return segment != "[key]"
    return ("*" if isinstance(segment, int) else segment) == wanted


def _droppable(loc: tuple[Any, ...]) -> tuple[Any, ...] | None:
    """The deepest droppable item containing `loc`, as a concrete path."""
    for pattern in DROPPABLE:
        n = len(pattern)
        if len(loc) >= n and all(_fits(s, w) for s, w in zip(loc, pattern)):
            return loc[:n]
    return None


def _restore_text(data: Any, loc: tuple[Any, ...], text: str) -> str | None:
    parent, key, _ = _walk(data, loc)
    if not isinstance(parent, LocDict):
        return None
    pos = parent.value_pos.get(key)
    if pos is None or not pos.plain or pos.start < 0:
        return None
    written = text[pos.start:pos.end]
    parent[key] = written
    return written


def _take_error(err: Any, work: Any, text: str, display: str, fallback: dict[str, Any] | None,
                seen: set[tuple[Any, ...]], drops: set[tuple[Any, ...]], problems: list[Problem]) -> bool:
    """Report one validation error of `validate_file` and mend `work` for the next try: a YAML 1.1 reading
    restored as text, a bad item marked in `drops`, a bad top-level field given its `fallback` value.
    False when the file cannot be mended (no fallback for a field that is not droppable)."""
    loc = tuple(err["loc"])
    if _is_text_error(err):
        written = _restore_text(work, loc, text)
        if written is not None:
            pos = locate(work, loc)
            problems.append(Problem(display, pos.line, pos.column, Code.YAML11_TEXT,
                                    f"{written!r} was read by YAML as {_describe(err['input'])}; "
                                    f"kept as the text {written!r}",
                                    f"quote it: \"{written}\"", Severity.WARNING))
            return True
    if loc in seen:
        return True
    seen.add(loc)
    problems.append(to_problem(err, work, display))
    target = _droppable(loc)
    if target is not None:
        drops.add(target)
    elif fallback is not None and loc and loc[0] in fallback:
        work[loc[0]] = copy.deepcopy(fallback[loc[0]])
    elif fallback is not None and loc and err["type"] == "extra_forbidden":
        work.pop(loc[0], None)
    return fallback is not None or target is not None


def _drop(work: Any, drops: set[tuple[Any, ...]]) -> None:
    """Remove the bad items at `drops` from `work`, the deepest and last first so that no index shifts
    before it is used."""
    for path in sorted(drops, key=lambda p: (len(p), p[-1] if isinstance(p[-1], int) else -1), reverse=True):
        parent, key, _ = _walk(work, path)
        if isinstance(parent, LocList) and isinstance(key, int) and key < len(parent):
            parent.delete(key)
        elif isinstance(parent, dict) and key in parent:  # a mapping entry: nothing shifts
            del parent[key]


def validate_file(cls: type[T], data: Any, text: str, display: str,
                  fallback: dict[str, Any] | None = None) -> tuple[T | None, list[Problem]]:
    """Validate a whole file's data as `cls`, dropping bad items; never raises.

    Returns the model (None when even the top level is unusable and no fallback is given) and
    the problems found. `fallback` supplies values for top-level fields that are invalid.
    """
    problems: list[Problem] = []
    seen: set[tuple[Any, ...]] = set()
    work = data
    copied = False
    for _ in range(8):
        try:
            return cls.model_validate(work), problems
        except ValidationError as exc:
            errs = exc.errors(include_url=False)
        if not copied:
            work, copied = copy.deepcopy(data), True
        if not isinstance(work, dict):
            pos = getattr(work, "pos", Pos(1, 1))
            problems.append(Problem(display, pos.line, pos.column, Code.WRONG_TYPE,
                                    f"the file should hold a mapping of keys, not {_describe(work)}",
                                    "start the file with 'key: value' lines"))
            return None, problems
        drops: set[tuple[Any, ...]] = set()
        for err in errs:
            if not _take_error(err, work, text, display, fallback, seen, drops, problems):
                return None, problems
        _drop(work, drops)
        # dropped items shift later indexes: errors already reported must not be reported again
        seen = {loc for loc in seen if _droppable(loc) is None}
    return None, problems
