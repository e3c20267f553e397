"""Load a workspace folder: `workspace.yaml` and `indicators/*.yaml`.

Loading never raises for bad data. It returns a `Workspace` holding everything that is valid and
every problem found, each located by file, line and column. Cross-file rules (unique ids,
references, dates) are checked here once every file has been read.

Each file is read once per change: `parse_cache.FileCache` keeps the validated result keyed on the
file's size, modification time and content hash (in memory and in a user cache folder), and a
valid file takes the fast path (libyaml + pydantic, no positions); positions are worked out only
for files that have problems.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from indicators.workspace.access import check_access
from indicators.workspace.entries import dated_ids, name_entries, void_reviews, watch_start
from indicators.workspace.files import describe
from indicators.workspace.gc_pause import gc_paused
from indicators.workspace.model import Indicator, IndicatorFile, Scenario, WorkspaceFile, _default_levels
from indicators.workspace.names import confusable_analysts
from indicators.workspace.parse_cache import FILE_CACHE, FileCache, FileResult
from indicators.workspace.problems import Checked, Code, Problem, Severity, display_path
from indicators.workspace.validate import locate, validate_file
from indicators.workspace.vocab import AssumptionStatus, Marking
from indicators.workspace.yaml_reader import LocDict, LocList, Pos, fast_parse, parse_text, read_text

WORKSPACE_FILE = "workspace.yaml"
INDICATOR_DIR = "indicators"

if TYPE_CHECKING:
    from indicators.workspace.ratings import AnalystRatings


@dataclass
class IndicatorOrigin:
    """The file an indicator was read from, for messages and for writing back."""

    path: Path


@dataclass
class Workspace(Checked):
    """A loaded workspace: metadata, indicators, and the problems met on the way."""

    root: Path
    meta: WorkspaceFile
    indicators: list[Indicator]
    files_by_indicator: dict[str, IndicatorOrigin]  # indicator id -> its file (`meta.sources`: cited reports)
    problems: list[Problem]
    files: list[Path] = field(default_factory=list)
    analyst_ratings: list[AnalystRatings] = field(default_factory=list)  # ratings/*.yaml: never scored

    @property
    def scenarios(self) -> list[Scenario]:
        return self.meta.scenarios

    @cached_property
    def indicator_by_id(self) -> dict[str, Indicator]:
        return {indicator.id: indicator for indicator in self.indicators}

    @cached_property
    def scenario_by_id(self) -> dict[str, Scenario]:
        return {scenario.id: scenario for scenario in self.scenarios}

    @property
    def themes(self) -> list[str]:
        return sorted({i.theme or "" for i in self.indicators})


def _workspace_fallback(root: Path) -> dict[str, Any]:
    """Values for top-level fields of a broken `workspace.yaml`: the board still opens, marked RED."""
    return {
        "title": root.resolve().name or "workspace",
        "question": "(workspace.yaml has errors: see Data health)",
        "marking": Marking.RED,
        "review_cadence_days": 90,
        "sources": [],
        "scenarios": [],
        "warning_levels": _default_levels(),
        "trend_tolerance": 0.05,
    }


def _scenario_or_none(raw: Any) -> Scenario | None:
    try:
        return Scenario.model_validate(raw)
    except Exception:  # already reported by validate_file
        return None


def validate_text(cls: type, text: str, display: str, fallback: dict[str, Any] | None = None) -> FileResult:
    """Parse and validate one file's text: the fast path when it is valid, else located problems."""
    data = fast_parse(text)
    if data is not None:
        try:
            return FileResult(cls.model_validate(data), [])
        except Exception:  # any doubt: the located path below decides, and explains
            pass
    parsed = parse_text(text, display)
    if parsed.data is None:
        return FileResult(None, parsed.problems)
    model, problems = validate_file(cls, parsed.data, text, display, fallback=fallback)
    if model is None and cls is WorkspaceFile and fallback is not None:
        data = parsed.data if isinstance(parsed.data, dict) else {}
        raw = data.get("scenarios")
        scenarios = [s for s in map(_scenario_or_none, raw if isinstance(raw, list) else []) if s]
        model = WorkspaceFile.model_construct(**{**fallback, "scenarios": scenarios})
    return FileResult(model, parsed.problems + problems)


def _load_file(path: Path, root: Path, cls: type, overrides: dict[Path, str] | None, cache: FileCache,
               fallback: dict[str, Any] | None = None) -> FileResult:
    display = display_path(path, root)
    if overrides and path in overrides:
        return validate_text(cls, overrides[path], display, fallback)
    return cache.get(path, display, cls.__name__,
                     lambda: _read_and_validate(path, display, cls, fallback))


def _read_and_validate(path: Path, display: str, cls: type, fallback: dict[str, Any] | None) -> FileResult:
    text, problems = read_text(path, display)
    if text is None:
        return FileResult(None, problems)
    return validate_text(cls, text, display, fallback)


class _Located:
    """Located parses of files, made only when a problem needs a line number."""

    def __init__(self, overrides: dict[Path, str] | None) -> None:
        self._overrides = overrides or {}
        self._parsed: dict[Path, Any] = {}

    def data(self, path: Path) -> Any:
        if path not in self._parsed:
            text = self._overrides.get(path)
            if text is None:
                text, _ = read_text(path, str(path))
            self._parsed[path] = parse_text(text, str(path)).data if text is not None else None
        return self._parsed[path]

    def indicator_index(self, path: Path, indicator_id: str, occurrence: int = 0) -> int | None:
        items = self.data(path).get("indicators") if isinstance(self.data(path), dict) else None
        hits = [i for i, item in enumerate(items or []) if isinstance(item, dict) and item.get("id") == indicator_id]
        return hits[occurrence] if occurrence < len(hits) else (hits[-1] if hits else None)

    def pos(self, path: Path, *loc: Any) -> Pos:
        data = self.data(path)
        return locate(data, tuple(loc)) if data is not None else Pos(1, 1)

    def in_indicator(self, path: Path, indicator_id: str, *loc: Any) -> Pos:
        index = self.indicator_index(path, indicator_id)
        return self.pos(path, "indicators", index, *loc) if index is not None else Pos(1, 1)

    def list_index(self, path: Path, indicator_id: str, key: str, wanted_id: str, occurrence: int = 0) -> int | None:
        index = self.indicator_index(path, indicator_id)
        try:
            items = self.data(path)["indicators"][index][key]
        except (KeyError, IndexError, TypeError):
            return None
        hits = [i for i, item in enumerate(items if isinstance(items, LocList) else [])
                if isinstance(item, dict) and item.get("id") == wanted_id]
        return hits[occurrence] if occurrence < len(hits) else None


def _outside(path: Path, root: Path) -> Problem | None:
    """The problem of a file that links out of the workspace (it is not read), else None."""
    try:
        target, inside = path.resolve(), root.resolve()
    except (OSError, RuntimeError):  # a link loop: reading the file reports it
        return None
    if target.is_relative_to(inside):
        return None
    return Problem(display_path(path, root), 1, 1, Code.OUTSIDE_FOLDER,
                   f"{path.name} links to a file outside the workspace ({target})",
                   "copy the file into the workspace instead of linking to it")


def _yaml_files(folder: Path, root: Path, kind: str = "indicator") -> list[Path] | Problem:
    """The `kind` files in `folder` (.yaml, then .yml, each sorted by name), or the problem
    when the folder is there but is not a readable folder (a file, a named pipe, a broken link)."""
    if not os.path.lexists(folder):
        return []
    if not folder.is_dir():
        return Problem(display_path(folder, root), 1, 1, Code.NOT_A_FOLDER, f"is {describe(folder)}, not a folder",
                       f"keep {kind} files in a folder named {folder.name}/")
    try:
        names = os.listdir(folder)
    except OSError as err:
        return Problem(display_path(folder, root), 1, 1, Code.UNREADABLE,
                       f"cannot list the folder: {err.strerror or err}",
                       "check the folder's permissions: the board must be able to read it")
    return ([folder / name for name in sorted(names) if name.endswith(".yaml")]
            + [folder / name for name in sorted(names) if name.endswith(".yml")])


def folder_files(root: Path, folder: Path, kind: str, overrides: dict[Path, str] | None = None) -> list[Path] | Problem:
    """`_yaml_files` of a workspace folder, with the new files of that folder that `overrides` proposes
    (a change may create one: it is validated with the rest)."""
    listed = _yaml_files(folder, root, kind)
    if overrides and isinstance(listed, list):
        listed += sorted(p for p in overrides if p.parent == folder and p.suffix in (".yaml", ".yml")
                         and p not in listed)
    return listed


def read_each(paths: list[Path], root: Path, cls: type, overrides: dict[Path, str] | None, cache: FileCache,
              problems: list[Problem], files: list[Path]) -> Iterator[tuple[Path, FileResult]]:
    """Each file through the parse cache, its problems added to `problems` and its path to `files`;
    a link out of the workspace is reported and not read."""
    for path in paths:
        outside = _outside(path, root)
        if outside is not None:
            problems.append(outside)
            continue
        files.append(path)
        result = _load_file(path, root, cls, overrides, cache)
        problems.extend(result.problems)
        yield path, result


def load_workspace(root: Path | str, *, today: dt.date | None = None,
                   overrides: dict[Path, str] | None = None, cache: FileCache | None = None) -> Workspace:
    """Read a workspace folder and validate it whole; never raises for bad data.

    `overrides` maps file paths to proposed new texts, read instead of the files (to validate
    an edit before writing it). `cache` defaults to the process-wide parse cache. The cyclic garbage
    collector is paused meanwhile (`gc_pause`): the load builds millions of objects and frees none.
    """
    with gc_paused():
        return _load(Path(root), today or dt.date.today(), overrides, cache or FILE_CACHE)


def _load(root: Path, today: dt.date, overrides: dict[Path, str] | None, cache: FileCache) -> Workspace:
    """`load_workspace`'s work."""
    problems: list[Problem] = []
    meta_path = root / WORKSPACE_FILE
    fallback = _workspace_fallback(root)
    present = os.path.lexists(meta_path)  # a broken link is there, to be reported as such
    outside = _outside(meta_path, root) if present else None
    if outside is not None:
        problems.append(outside)
        meta = WorkspaceFile.model_construct(**fallback)
    elif present:
        meta_result = _load_file(meta_path, root, WorkspaceFile, overrides, cache, fallback)
        problems.extend(meta_result.problems)
        meta = meta_result.model or WorkspaceFile.model_construct(**fallback)
    else:
        problems.append(Problem(display_path(meta_path, root), 1, 1, Code.MISSING_WORKSPACE_FILE,
                                f"no {WORKSPACE_FILE} in {root}",
                                "point --data at a workspace folder, or create workspace.yaml"))
        meta = WorkspaceFile.model_construct(**fallback)
    indicators: list[Indicator] = []
    files_by_indicator: dict[str, IndicatorOrigin] = {}
    files = [meta_path]
    folder = root / INDICATOR_DIR
    listed = folder_files(root, folder, "indicator", overrides)
    paths = listed if isinstance(listed, list) else []
    if isinstance(listed, Problem):
        problems.append(listed)
    elif not paths and root.is_dir():
        problems.append(Problem(display_path(folder, root), 1, 1, Code.NO_INDICATORS, "no indicator files found",
                                f"add checklists as {INDICATOR_DIR}/<theme>.yaml", Severity.WARNING))
    located = _Located(overrides)
    memo = _folder_memo(root)  # (for a proposed change too: it is keyed on the objects themselves)
    read: list[Any] = []  # the models of the files read, as the cache gave them
    for path, result in read_each(paths, root, IndicatorFile, overrides, cache, problems, files):
        read.append(result.model)
        if result.model is None:
            continue
        seen_here: dict[str, int] = {}
        for indicator in memo.get("prepared", lambda _m=result.model: _prepared(_m), result.model.indicators):
            occurrence = seen_here.get(indicator.id, 0)
            seen_here[indicator.id] = occurrence + 1
            if indicator.id in files_by_indicator:
                first = files_by_indicator[indicator.id].path
                index = located.indicator_index(path, indicator.id, occurrence)
                pos = located.pos(path, "indicators", index) if index is not None else Pos(1, 1)
                first_pos = located.in_indicator(first, indicator.id)
                problems.append(Problem(display_path(path, root), pos.line, pos.column, Code.DUPLICATE_ID,
                                        f"indicator id {indicator.id!r} is already used at "
                                        f"{display_path(first, root)}:{first_pos.line}",
                                        "give this indicator a new id; ids must be unique across files"))
                continue
            indicators.append(indicator)
            files_by_indicator[indicator.id] = IndicatorOrigin(path)
    for scenario in meta.scenarios:
        name_entries(scenario.id, scenario.judgments)
    workspace = Workspace(root, meta, indicators, files_by_indicator, problems, files)
    problems.extend(_checked(workspace, located, today, (meta, *read), memo, reuse=not overrides))
    from indicators.workspace.ratings import read_analyst_ratings  # it builds on this module's helpers

    workspace.analyst_ratings, rating_files, rating_problems = read_analyst_ratings(workspace, located, overrides,
                                                                                     cache)
    files.extend(rating_files)
    problems.extend(rating_problems)
    problems.extend(confusable_analysts(workspace, located))  # needs every file's names, the ratings' too
    return workspace


class _Reuse:
    """What the loads of a folder worked out from the lists they met (a file's indicators, an indicator's
    indications and assessments), reused while the same list objects come back: an unchanged file comes
    from the parse cache as the same objects, so a reload after editing one file works these out for that
    file alone. It also keeps the last cross-file check (`last_check`)."""

    def __init__(self) -> None:
        self._last: dict[tuple[Any, ...], tuple[tuple[Any, ...], Any]] = {}
        self._now: dict[tuple[Any, ...], tuple[tuple[Any, ...], Any]] = {}
        # the day, the file models and the cross-file problems of the last check
        self.last_check: tuple[dt.date, tuple[Any, ...], list[Problem]] | None = None

    def get(self, what: Any, compute: Callable[[], Any], *inputs: list[Any]) -> Any:
        """`compute()`, or what it gave for these very `inputs` lists last time (`what` names the result)."""
        key = (what, *map(id, inputs))
        hit = self._last.get(key) or self._now.get(key)
        same = hit is not None and all(a is b for a, b in zip(hit[0], inputs))
        value = hit[1] if same else compute()
        self._now[key] = (inputs, value)  # holding the lists keeps their ids from being taken by others
        return value

    def done(self) -> None:
        """After a check: what the loads since the last one met is what the next ones may reuse."""
        self._last, self._now = self._now, {}


# Per folder (a server has one; a test run many): what its loads worked out.
_FOLDERS: dict[str, _Reuse] = {}


def _folder_memo(root: Path) -> _Reuse:
    key = str(root)
    memo = _FOLDERS.pop(key, None) or _Reuse()
    while len(_FOLDERS) >= 8:  # the folders loaded last
        _FOLDERS.pop(next(iter(_FOLDERS)))
    _FOLDERS[key] = memo
    return memo


def _checked(workspace: Workspace, located: _Located, today: dt.date, models: tuple[Any, ...], memo: _Reuse,
             reuse: bool) -> list[Problem]:
    """`check_references`, or its problems of the last load when no file changed since (a load whose
    files all came unchanged from the cache, the same model objects, finds the same)."""
    last = memo.last_check
    if reuse and last is not None and last[0] == today and len(last[1]) == len(models) and all(
            a is b for a, b in zip(last[1], models)):
        return list(last[2])
    found = check_references(workspace, located, today, memo)
    memo.done()
    if reuse:
        memo.last_check = (today, models, found)
    return list(found)


def _prepared(model: IndicatorFile) -> list[Indicator]:
    """A file's indicators as a workspace holds them: the file's theme on those without one of their own,
    their assessments named and void reviews marked."""
    out = []
    for indicator in model.indicators:
        if indicator.theme is None:
            indicator = indicator.model_copy(update={"theme": model.theme})
        name_entries(indicator.id, indicator.assessments)
        void_reviews(indicator.assessments)
        out.append(indicator)
    return out


@dataclass
class _Indications:
    """An indicator's indications, indexed: the part of the cross-file check that depends on them alone."""

    dates: dict[str, dt.date]  # id -> date
    home: dict[str, str]  # id -> the indicator's id
    withdrawn: set[str]
    unique: bool  # no id twice in the list
    notable: list[Any]  # those with a source id or a withdrawal, the only ones with checks of their own


@dataclass
class _Assessed:
    """An indicator's assessments checked against its own indications alone."""

    latest: dt.date | None  # the newest date among its indications and assessments (a future one is reported)
    # nothing to report when its indications are its own in the workspace: no assessment withdrawn before its
    # date, no review that changes the status, and every citation of one of its own indications, dated on or
    # before the assessment and not withdrawn (unless the assessment is)
    clean: bool


def _assessed(indicator: Indicator) -> _Assessed:
    own = {o.id: o for o in indicator.indications}
    dates = [o.date for o in indicator.indications] + [a.date for a in indicator.assessments]
    return _Assessed(max(dates, default=None), all(_assessment_clean(indicator.assessments, i, own)
                                                   for i in range(len(indicator.assessments))))


def _assessment_clean(assessments: list[Any], index: int, own: dict[str, Any]) -> bool:
    assessment = assessments[index]
    if assessment.withdrawn is not None and assessment.withdrawn.date < assessment.date:
        return False
    if assessment.review:
        before = _standing_before(assessments, index)
        if before is not None and (before.status, before.confidence) != (assessment.status, assessment.confidence):
            return False
    for cited in assessment.cites:
        indication = own.get(cited)
        if indication is None or indication.date > assessment.date or (
                indication.withdrawn is not None and assessment.withdrawn is None):
            return False
    return True


def _indexed(indicator: Indicator) -> _Indications:
    dates = {o.id: o.date for o in indicator.indications}
    return _Indications(dates, dict.fromkeys(dates, indicator.id),
                        {o.id for o in indicator.indications if o.withdrawn is not None},
                        len(dates) == len(indicator.indications),
                        [o for o in indicator.indications if o.source_id is not None or o.withdrawn is not None])


def check_references(workspace: Workspace, located: _Located, today: dt.date,
                     memo: _Reuse | None = None) -> list[Problem]:
    """Cross-object rules: known scenarios and indications, unique indication ids, dates. `memo` gives
    back what an earlier check worked out from the same lists."""
    memo = memo or _Reuse()
    root = workspace.root
    problems: list[Problem] = []
    scenario_ids = set(workspace.scenario_by_id)
    indication_dates: dict[str, dt.date] = {}
    indication_home: dict[str, str] = {}
    withdrawn_indications: set[str] = set()
    source_ids = {s.id for s in workspace.meta.sources}

    def problem(indicator_id: str, loc: tuple[Any, ...], code: Code, message: str, hint: str,
                severity: Severity = Severity.ERROR) -> Problem:
        path = workspace.files_by_indicator[indicator_id].path
        pos = located.in_indicator(path, indicator_id, *loc)
        return Problem(display_path(path, root), pos.line, pos.column, code, message, hint, severity)

    def indication_loc(indicator_id: str, indication_id: str, occurrence: int = 0) -> tuple[Any, ...]:
        path = workspace.files_by_indicator[indicator_id].path
        return ("indications", located.list_index(path, indicator_id, "indications", indication_id, occurrence))

    def indication_checks(indicator: Indicator, indication: Any) -> None:
        if indication.source_id is not None and indication.source_id not in source_ids:
            problems.append(problem(indicator.id, (*indication_loc(indicator.id, indication.id), "source_id"),
                                    Code.UNKNOWN_SOURCE, f"{indication.id} cites source {indication.source_id!r}, "
                                    "which is not listed under the workspace's sources",
                                    f"sources are: {', '.join(sorted(source_ids)) or '(none)'}"))
        if indication.withdrawn is not None and indication.withdrawn.date < indication.date:
            problems.append(problem(indicator.id, (*indication_loc(indicator.id, indication.id), "withdrawn"),
                                    *_withdrawn_early(indication.id, indication.withdrawn.date, indication.date)))

    in_bulk: set[str] = set()  # indicators whose indications are all theirs (no id used before)
    for indicator in workspace.indicators:
        indexed = memo.get(("index", indicator.id), lambda _i=indicator: _indexed(_i), indicator.indications)
        if indexed.unique and indication_dates.keys().isdisjoint(indexed.dates):  # the common case, in bulk
            in_bulk.add(indicator.id)
            indication_dates.update(indexed.dates)
            indication_home.update(indexed.home)
            withdrawn_indications.update(indexed.withdrawn)
            for indication in indexed.notable:
                indication_checks(indicator, indication)
            continue
        seen_here: dict[str, int] = {}
        for indication in indicator.indications:
            occurrence = seen_here.get(indication.id, 0)
            seen_here[indication.id] = occurrence + 1
            if indication.id in indication_dates:
                problems.append(problem(indicator.id, (*indication_loc(indicator.id, indication.id, occurrence), "id"),
                                        Code.DUPLICATE_ID,
                                        f"indication id {indication.id!r} is already used in "
                                        f"{indication_home[indication.id]}",
                                        "number indications uniquely, e.g. the next free SAT-01.N"))
                continue
            indication_dates[indication.id] = indication.date
            indication_home[indication.id] = indicator.id
            if indication.withdrawn is not None:
                withdrawn_indications.add(indication.id)
            indication_checks(indicator, indication)
    rungs: dict[tuple[str, int], str] = {}
    for indicator in workspace.indicators:
        problems.extend(_life_span_problems(indicator, lambda *loc, _i=indicator.id: problem(_i, *loc)))
        if (indicator.ladder is None) != (indicator.rung is None):
            problems.append(problem(indicator.id, ("ladder" if indicator.ladder else "rung",), Code.LADDER_INCOMPLETE,
                                    f"{indicator.id} has a {'ladder' if indicator.ladder else 'rung'} but no "
                                    f"{'rung' if indicator.ladder else 'ladder'}", Code.LADDER_INCOMPLETE.hint))
        elif indicator.ladder is not None and indicator.rung is not None:
            taken = rungs.setdefault((indicator.ladder, indicator.rung), indicator.id)
            if taken != indicator.id:
                problems.append(problem(indicator.id, ("rung",), Code.LADDER_RUNG_TAKEN,
                                        f"{indicator.id} and {taken} are both rung {indicator.rung} of the "
                                        f"{indicator.ladder} ladder", Code.LADDER_RUNG_TAKEN.hint, Severity.WARNING))
        for k, related in enumerate(indicator.related):
            if related not in workspace.indicator_by_id:
                problems.append(problem(indicator.id, ("related", k), Code.UNKNOWN_RELATED,
                                        f"related indicator {related!r} does not exist",
                                        "list ids of indicators in the workspace"))
        for scenario_id in indicator.ratings:
            if scenario_id not in scenario_ids and scenario_ids:
                problems.append(problem(indicator.id, ("ratings", scenario_id, "[key]"), Code.UNKNOWN_SCENARIO,
                                        f"rating against unknown scenario {scenario_id!r}",
                                        f"scenarios are: {', '.join(sorted(scenario_ids))}"))
        missing = sorted(s for s in scenario_ids - set(indicator.ratings)
                         if _lives_meet(indicator, workspace.scenario_by_id[s]))
        if missing:
            problems.append(problem(indicator.id, ("ratings",), Code.MISSING_RATING,
                                    f"{indicator.id} is not rated against {', '.join(missing)}",
                                    "add a rating (HL, L, C, U or HU) for each scenario; "
                                    "until then it does not count toward that scenario", Severity.WARNING))
        for indication_id, where, code, message in memo.get("series", lambda _i=indicator: _series_findings(_i),
                                                            indicator.indications):
            problems.append(problem(indicator.id, (*indication_loc(indicator.id, indication_id), where), code,
                                    message, code.hint))
        assessed = memo.get(("assessed", indicator.id), lambda _i=indicator: _assessed(_i), indicator.indications,
                            indicator.assessments)
        if assessed.clean and indicator.id in in_bulk and (assessed.latest is None or assessed.latest <= today):
            continue  # its indications and assessments have nothing to report: the loops below would find nothing
        for indication in indicator.indications:
            if indication.date > today:
                problems.append(problem(indicator.id, (*indication_loc(indicator.id, indication.id), "date"),
                                        *_future(indication.date, today)))
        names = memo.get(("names", indicator.id), lambda _i=indicator: dated_ids(_i.id, _i.assessments),
                         indicator.assessments)
        for i, assessment in enumerate(indicator.assessments):
            if assessment.date > today:
                problems.append(problem(indicator.id, ("assessments", i, "date"), *_future(assessment.date, today)))
            if assessment.withdrawn is not None and assessment.withdrawn.date < assessment.date:
                problems.append(problem(indicator.id, ("assessments", i, "withdrawn"),
                                        *_withdrawn_early(names[i], assessment.withdrawn.date, assessment.date)))
            if assessment.review:
                before = _standing_before(indicator.assessments, i)
                if before is not None and (before.status, before.confidence) != (assessment.status,
                                                                                 assessment.confidence):
                    problems.append(problem(indicator.id, ("assessments", i, "review"), Code.REVIEW_CHANGES_STATUS,
                                            f"review {names[i]} says {assessment.status.value} "
                                            f"({assessment.confidence.value} confidence), but "
                                            f"{before.status.value} ({before.confidence.value}) stood before it",
                                            Code.REVIEW_CHANGES_STATUS.hint, Severity.WARNING))
            for j, cited in enumerate(assessment.cites):
                if cited not in indication_dates:
                    problems.append(problem(indicator.id, ("assessments", i, "cites", j), Code.UNKNOWN_INDICATION,
                                            f"cites unknown indication {cited!r}",
                                            "cite the id of an indication recorded in the workspace"))
                elif cited in withdrawn_indications and assessment.withdrawn is None:
                    problems.append(problem(indicator.id, ("assessments", i, "cites", j), Code.CITES_WITHDRAWN,
                                            f"{names[i]} cites {cited!r}, which was withdrawn",
                                            Code.CITES_WITHDRAWN.hint, Severity.WARNING))
                elif indication_home[cited] != indicator.id and indication_home[cited] not in indicator.related:
                    problems.append(problem(indicator.id, ("assessments", i, "cites", j), Code.CITES_OTHER_INDICATOR,
                                            f"cites {cited!r}, an indication of {indication_home[cited]}",
                                            Code.CITES_OTHER_INDICATOR.hint))
                elif indication_dates[cited] > assessment.date:
                    problems.append(problem(indicator.id, ("assessments", i, "cites", j), Code.CITES_LATER_INDICATION,
                                            f"assessment dated {assessment.date} cites {cited!r}, "
                                            f"dated {indication_dates[cited]}",
                                            "an assessment can only rest on what was known on its date: "
                                            "fix one of the dates or drop the citation"))
    meta_path = root / WORKSPACE_FILE

    def in_meta(loc: tuple[Any, ...], code: Code, message: str, hint: str,
                severity: Severity = Severity.ERROR) -> Problem:
        pos = located.pos(meta_path, *loc)
        return Problem(display_path(meta_path, root), pos.line, pos.column, code, message, hint, severity)

    for s_index, scenario in enumerate(workspace.scenarios):
        problems.extend(_life_span_problems(scenario, lambda loc, *rest, _s=s_index: in_meta(
            ("scenarios", _s, *loc), *rest)))
        names = dated_ids(scenario.id, scenario.judgments)
        for j_index, judgment in enumerate(scenario.judgments):
            if judgment.date > today:
                problems.append(in_meta(("scenarios", s_index, "judgments", j_index, "date"),
                                        *_future(judgment.date, today)))
            if judgment.withdrawn is not None and judgment.withdrawn.date < judgment.date:
                problems.append(in_meta(("scenarios", s_index, "judgments", j_index, "withdrawn"),
                                        *_withdrawn_early(names[j_index], judgment.withdrawn.date, judgment.date)))
        problems.extend(_resolution_problems(scenario, names, today, lambda loc, *rest, _s=s_index: in_meta(
            ("scenarios", _s, *loc), *rest)))
        problems.extend(_assumption_problems(scenario, today, lambda loc, *rest, _s=s_index: in_meta(
            ("scenarios", _s, *loc), *rest)))
    for finding in check_access(workspace.meta.access):  # every name under caps listed (else: closed)
        problems.append(in_meta(("access", *finding.loc), finding.code, finding.message, finding.hint,
                                finding.severity))
    return problems


def _assumption_problems(scenario: Any, today: dt.date, problem: Any) -> list[Problem]:
    """Key assumptions: ids used twice, checks out of date order or in the future, and a change of
    status with no rationale (questioned, broken, or holding again after either)."""
    found = []
    seen: set[str] = set()
    for a_index, assumption in enumerate(scenario.assumptions):
        if assumption.id in seen:
            found.append(problem(("assumptions", a_index, "id"), Code.DUPLICATE_ID,
                                 f"assumption id {assumption.id!r} is used twice in {scenario.id}",
                                 "give each key assumption of a scenario its own id"))
        seen.add(assumption.id)
        previous = None
        for c_index, check in enumerate(assumption.checks):
            loc = ("assumptions", a_index, "checks", c_index)
            if check.date > today:
                found.append(problem((*loc, "date"), *_future(check.date, today)))
            if previous is not None and check.date < previous.date:
                found.append(problem((*loc, "date"), Code.ASSUMPTION_CHECKS_ORDER,
                                     f"{scenario.id} {assumption.id}: the check of {check.date} is listed after "
                                     f"the one of {previous.date}", Code.ASSUMPTION_CHECKS_ORDER.hint))
            was = previous.status if previous is not None else AssumptionStatus.HOLDING
            if check.rationale is None and (check.status != AssumptionStatus.HOLDING
                                            or was != AssumptionStatus.HOLDING):
                change = (f"from {was.value} back to holding" if check.status == AssumptionStatus.HOLDING
                          else check.status.value)
                found.append(problem(loc, Code.ASSUMPTION_WITHOUT_RATIONALE,
                                     f"{scenario.id} {assumption.id} goes {change} on {check.date} with no "
                                     "rationale", Code.ASSUMPTION_WITHOUT_RATIONALE.hint))
            previous = check
    return found


def _resolution_problems(scenario: Any, names: list[str], today: dt.date, problem: Any) -> list[Problem]:
    """A resolution in the future, before the first judgment, or followed by judgments."""
    resolved = scenario.resolution
    if resolved is None:
        return []
    found = []
    if resolved.date > today:  # an error, not a warning: a question cannot be settled ahead of time
        found.append(problem(("resolution", "date"), Code.FUTURE_DATE, f"{scenario.id} is resolved on "
                             f"{resolved.date}, in the future (today is {today})", "give the day it was settled"))
    standing = [j for j in scenario.judgments if j.withdrawn is None]
    if standing and resolved.date < min(j.date for j in standing):
        found.append(problem(("resolution", "date"), Code.RESOLVED_BEFORE_JUDGED,
                             f"{scenario.id} is resolved on {resolved.date}, before its first judgment "
                             f"({min(j.date for j in standing)})", Code.RESOLVED_BEFORE_JUDGED.hint))
    for j_index, judgment in enumerate(scenario.judgments):
        if judgment.withdrawn is None and judgment.date > resolved.date:
            found.append(problem(("judgments", j_index, "date"), Code.JUDGED_AFTER_RESOLUTION,
                                 f"{names[j_index]} is dated after {scenario.id} was resolved ({resolved.date})",
                                 Code.JUDGED_AFTER_RESOLUTION.hint))
    return found


def _lives_meet(indicator: Any, scenario: Any) -> bool:
    """True when the indicator and the scenario are watched together on some day (else no rating is needed:
    a scenario added after the indicator was retired, or retired before it was added)."""
    i_start, s_start = watch_start(indicator), watch_start(scenario)
    if indicator.retired is not None and s_start is not None and s_start >= indicator.retired.date:
        return False
    return not (scenario.retired is not None and i_start is not None and i_start >= scenario.retired.date)


def _standing_before(assessments: list[Any], index: int) -> Any:
    """The assessment in force just before assessments[index] was made (withdrawals known by then)."""
    made = assessments[index].date
    earlier = [(a.date, k, a) for k, a in enumerate(assessments) if k != index and (a.date, k) < (made, index)
               and not (a.withdrawn is not None and a.withdrawn.date <= made)]
    return max(earlier, key=lambda t: t[:2])[2] if earlier else None


def _life_span_problems(item: Any, problem: Any) -> list[Problem]:
    """A retirement dated before the item was added."""
    if item.added is not None and item.retired is not None and item.retired.date < item.added:
        return [problem(("retired", "date"), Code.RETIRED_BEFORE_ADDED,
                        f"{item.id} is retired on {item.retired.date}, before it was added ({item.added})",
                        Code.RETIRED_BEFORE_ADDED.hint)]
    return []


def _withdrawn_early(name: str, withdrawn: dt.date, dated: dt.date) -> tuple[str, str, str]:
    return (Code.WITHDRAWN_BEFORE_ENTRY, f"{name} is withdrawn on {withdrawn}, before its own date ({dated})",
            Code.WITHDRAWN_BEFORE_ENTRY.hint)


def _series_findings(indicator: Indicator) -> list[tuple[str, str, Code, str]]:
    """An indicator's indications recorded twice, and values in a unit other than the series' first:
    (indication id, field, code, message) of each."""
    found: list[tuple[str, str, Code, str]] = []
    seen: dict[tuple[Any, ...], str] = {}
    unit: tuple[str | None, str] | None = None  # the series' unit and the indication that set it
    for indication in indicator.indications:
        if indication.withdrawn is not None:  # a duplicate taken back is no longer a duplicate
            continue
        key = (indication.date, indication.summary.strip().casefold(),
               (indication.source or "").strip().casefold(), indication.source_id)
        if key in seen:
            found.append((indication.id, "summary", Code.DUPLICATE_INDICATION,
                          f"{indication.id} repeats {seen[key]} (same date, summary and source)"))
        seen.setdefault(key, indication.id)
        if indication.value is None:
            continue
        if unit is None:
            unit = (indication.unit, indication.id)
        elif (indication.unit or "").strip().casefold() != (unit[0] or "").strip().casefold():
            found.append((indication.id, "unit" if indication.unit else "value", Code.UNIT_MISMATCH,
                          f"{indication.id} gives its value in {indication.unit or 'no unit'!r}, "
                          f"but {unit[1]} set the series' unit to {unit[0] or 'no unit'!r}"))
    return found


def _future(date: dt.date, today: dt.date) -> tuple[str, str, str, Severity]:
    return (Code.FUTURE_DATE, f"date {date} is in the future (today is {today})",
            "check the year and month; future-dated entries are ignored until their date", Severity.WARNING)


__all__ = ["INDICATOR_DIR", "WORKSPACE_FILE", "IndicatorOrigin", "LocDict", "Workspace", "check_references",
           "load_workspace", "validate_text"]
