"""Load a workspace folder: `workspace.yaml` and `indicators/*.yaml`.

Loading never raises for bad data. It returns a `Workspace` holding everything that is valid and
every problem found, each located by file, line and column. Cross-file rules (unique ids,
references, dates) are checked here once every file has been read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from .model import Indicator, IndicatorFile, Scenario, WorkspaceFile, _default_levels
from .problems import Problem, Severity, display_path
from .validate import locate, validate_file
from .vocab import Marking
from .yamlfile import LocDict, LocList, Parsed, Pos, parse_text, read_yaml

WORKSPACE_FILE = "workspace.yaml"
INDICATOR_DIR = "indicators"


@dataclass
class IndicatorSource:
    """Where an indicator was read from, for messages and for writing back."""

    path: Path
    line: int


@dataclass
class Workspace:
    """A loaded workspace: metadata, indicators, and the problems met on the way."""

    root: Path
    meta: WorkspaceFile
    indicators: list[Indicator]
    sources: dict[str, IndicatorSource]
    problems: list[Problem]
    files: list[Path] = field(default_factory=list)

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
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

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


def _read(path: Path, display: str, overrides: dict[Path, str] | None) -> Parsed:
    """A file's parsed content, or the parse of a proposed new text for it (to validate an edit)."""
    if overrides and path in overrides:
        return parse_text(overrides[path], display)
    return read_yaml(path, display)


def _load_meta(root: Path, problems: list[Problem], overrides: dict[Path, str] | None = None
               ) -> tuple[WorkspaceFile, LocDict | None]:
    path = root / WORKSPACE_FILE
    display = display_path(path, root)
    fallback = _workspace_fallback(root)
    if not path.exists():
        problems.append(Problem(display, 1, 1, "missing-workspace-file", f"no {WORKSPACE_FILE} in {root}",
                                "point --data at a workspace folder, or create workspace.yaml"))
        return WorkspaceFile.model_construct(**fallback), None
    parsed = _read(path, display, overrides)
    problems.extend(parsed.problems)
    if parsed.data is None:
        return WorkspaceFile.model_construct(**fallback), None
    meta, found = validate_file(WorkspaceFile, parsed.data, parsed.text, display, fallback=fallback)
    problems.extend(found)
    if meta is None:
        data = parsed.data if isinstance(parsed.data, dict) else {}
        raw_scenarios = data.get("scenarios")
        scenarios = [s for s in map(_scenario_or_none, raw_scenarios if isinstance(raw_scenarios, list) else []) if s]
        meta = WorkspaceFile.model_construct(**{**fallback, "scenarios": scenarios})
    return meta, parsed.data if isinstance(parsed.data, LocDict) else None


def _scenario_or_none(raw: Any) -> Scenario | None:
    try:
        return Scenario.model_validate(raw)
    except Exception:  # already reported by validate_file
        return None


def _load_indicator_file(path: Path, root: Path, problems: list[Problem],
                         overrides: dict[Path, str] | None = None) -> tuple[IndicatorFile | None, Any]:
    display = display_path(path, root)
    parsed = _read(path, display, overrides)
    problems.extend(parsed.problems)
    if parsed.data is None:
        return None, None
    loaded, found = validate_file(IndicatorFile, parsed.data, parsed.text, display)
    problems.extend(found)
    return loaded, parsed.data


def _item_pos(raw: Any, *loc: Any) -> Pos:
    return locate(raw, tuple(loc)) if raw is not None else Pos(1, 1)


def _find_raw_index(items: Any, wanted_id: str, used: set[int] | None = None) -> int | None:
    """Index of the raw item with this id (skipping `used` ones, so duplicates point at themselves)."""
    if isinstance(items, LocList):
        for i, item in enumerate(items):
            if isinstance(item, dict) and item.get("id") == wanted_id and i not in (used or ()):
                if used is not None:
                    used.add(i)
                return i
    return None


def load_workspace(root: Path | str, *, today: dt.date | None = None,
                   overrides: dict[Path, str] | None = None) -> Workspace:
    """Read a workspace folder and validate it whole; never raises for bad data.

    `overrides` maps file paths to proposed new texts, read instead of the files (to validate
    an edit before writing it).
    """
    root = Path(root)
    today = today or dt.date.today()
    problems: list[Problem] = []
    meta, meta_raw = _load_meta(root, problems, overrides)
    indicators: list[Indicator] = []
    sources: dict[str, IndicatorSource] = {}
    raws: dict[str, tuple[Path, Any, int]] = {}
    files = [root / WORKSPACE_FILE]
    folder = root / INDICATOR_DIR
    paths = sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml")) if folder.is_dir() else []
    if not paths and root.is_dir():
        problems.append(Problem(display_path(folder, root), 1, 1, "no-indicators", "no indicator files found",
                                f"add checklists as {INDICATOR_DIR}/<theme>.yaml", Severity.WARNING))
    for path in paths:
        files.append(path)
        loaded, raw = _load_indicator_file(path, root, problems, overrides)
        if loaded is None:
            continue
        display = display_path(path, root)
        used: set[int] = set()
        for indicator in loaded.indicators:
            index = _find_raw_index(raw.get("indicators"), indicator.id, used)
            pos = _item_pos(raw, "indicators", index) if index is not None else Pos(1, 1)
            if indicator.id in sources:
                first = sources[indicator.id]
                problems.append(Problem(display, pos.line, pos.column, "duplicate-id",
                                        f"indicator id {indicator.id!r} is already used at "
                                        f"{display_path(first.path, root)}:{first.line}",
                                        "give this indicator a new id; ids must be unique across files"))
                continue
            if indicator.theme is None:
                indicator.theme = loaded.theme
            indicators.append(indicator)
            sources[indicator.id] = IndicatorSource(path, pos.line)
            raws[indicator.id] = (path, raw, index if index is not None else -1)
    workspace = Workspace(root, meta, indicators, sources, problems, files)
    problems.extend(check_references(workspace, raws, meta_raw, today))
    return workspace


def check_references(workspace: Workspace, raws: dict[str, tuple[Path, Any, int]],
                     meta_raw: Any, today: dt.date) -> list[Problem]:
    """Cross-object rules: known scenarios and indications, unique indication ids, dates."""
    root = workspace.root
    problems: list[Problem] = []
    scenario_ids = set(workspace.scenario_by_id)
    indication_dates: dict[str, dt.date] = {}
    indication_home: dict[str, str] = {}

    def at(indicator_id: str, *loc: Any) -> tuple[str, Pos]:
        path, raw, index = raws[indicator_id]
        return display_path(path, root), _item_pos(raw, "indicators", index, *loc)

    for indicator in workspace.indicators:
        used: set[int] = set()
        for indication in indicator.indications:
            i = _raw_indication_index(raws[indicator.id], indication.id, used)
            if indication.id in indication_dates:
                display, pos = at(indicator.id, "indications", i, "id")
                problems.append(Problem(display, pos.line, pos.column, "duplicate-id",
                                        f"indication id {indication.id!r} is already used in {indication_home[indication.id]}",
                                        "number indications uniquely, e.g. the next free SAT-01.N"))
                continue
            indication_dates[indication.id] = indication.date
            indication_home[indication.id] = indicator.id
    for indicator in workspace.indicators:
        for scenario_id in indicator.ratings:
            if scenario_id not in scenario_ids and scenario_ids:
                display, pos = at(indicator.id, "ratings", scenario_id, "[key]")
                problems.append(Problem(display, pos.line, pos.column, "unknown-scenario",
                                        f"rating against unknown scenario {scenario_id!r}",
                                        f"scenarios are: {', '.join(sorted(scenario_ids))}"))
        missing = sorted(scenario_ids - set(indicator.ratings))
        if missing:
            display, pos = at(indicator.id, "ratings")
            problems.append(Problem(display, pos.line, pos.column, "missing-rating",
                                    f"{indicator.id} is not rated against {', '.join(missing)}",
                                    "add a rating (HL, L, C, U or HU) for each scenario; "
                                    "until then it does not count toward that scenario", Severity.WARNING))
        for indication in indicator.indications:
            if indication.date > today:
                i = _raw_indication_index(raws[indicator.id], indication.id)
                display, pos = at(indicator.id, "indications", i, "date")
                problems.append(_future(display, pos, indication.date, today))
        for i, assessment in enumerate(indicator.assessments):
            if assessment.date > today:
                display, pos = at(indicator.id, "assessments", i, "date")
                problems.append(_future(display, pos, assessment.date, today))
            for j, cited in enumerate(assessment.cites):
                if cited not in indication_dates:
                    display, pos = at(indicator.id, "assessments", i, "cites", j)
                    problems.append(Problem(display, pos.line, pos.column, "unknown-indication",
                                            f"cites unknown indication {cited!r}",
                                            "cite the id of an indication recorded in the workspace"))
                elif indication_dates[cited] > assessment.date:
                    display, pos = at(indicator.id, "assessments", i, "cites", j)
                    problems.append(Problem(display, pos.line, pos.column, "cites-later-indication",
                                            f"assessment dated {assessment.date} cites {cited!r}, "
                                            f"dated {indication_dates[cited]}",
                                            "an assessment can only rest on what was known on its date: "
                                            "fix one of the dates or drop the citation"))
    for s_index, scenario in enumerate(workspace.scenarios):
        for j_index, judgment in enumerate(scenario.judgments):
            if judgment.date > today and meta_raw is not None:
                pos = locate(meta_raw, ("scenarios", s_index, "judgments", j_index, "date"))
                problems.append(_future(display_path(root / WORKSPACE_FILE, root), pos, judgment.date, today))
    return problems


def _raw_indication_index(raw_entry: tuple[Path, Any, int], indication_id: str,
                          used: set[int] | None = None) -> int | None:
    _, raw, index = raw_entry
    try:
        items = raw["indicators"][index]["indications"]
    except (KeyError, IndexError, TypeError):
        return None
    return _find_raw_index(items, indication_id, used)


def _future(display: str, pos: Pos, date: dt.date, today: dt.date) -> Problem:
    return Problem(display, pos.line, pos.column, "future-date", f"date {date} is in the future (today is {today})",
                   "check the year and month; future-dated entries are ignored until their date", Severity.WARNING)
