"""Load a workspace folder: `workspace.yaml` and `indicators/*.yaml`.

Loading never raises for bad data. It returns a `Workspace` (`loaded.py`) holding everything that is
valid and every problem found, each located by file, line and column. Cross-file rules (unique ids,
references, dates: the rule table of `checks.py`) are run here once every file has been read.

Each file is read once per change (`reading.py`): `parse_cache.FileCache` keeps the validated result
keyed on the file's size, modification time and content hash (in memory and in a user cache folder),
and a valid file takes the fast path (libyaml + pydantic, no positions); positions are worked out only
for files that have problems (`located.py`).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from indicators.workspace.checks import Reuse, check_references
from indicators.workspace.entries import name_entries, void_reviews
from indicators.workspace.gc_pause import gc_paused
from indicators.workspace.loaded import INDICATOR_DIR, WORKSPACE_FILE, IndicatorOrigin, Workspace
from indicators.workspace.located import Located
from indicators.workspace.model import Indicator, IndicatorFile, WorkspaceFile, _default_levels
from indicators.workspace.names import confusable_analysts
from indicators.workspace.parse_cache import FILE_CACHE, FileCache
from indicators.workspace.problems import Code, Problem, Severity, display_path
from indicators.workspace.ratings import read_analyst_ratings
from indicators.workspace.reading import folder_files, load_file, outside_problem, read_each, validate_text
from indicators.workspace.vocab import Marking
from indicators.workspace.yaml_reader import LocDict, Pos


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
    outside = outside_problem(meta_path, root) if present else None
    if outside is not None:
        problems.append(outside)
        meta = WorkspaceFile.model_construct(**fallback)
    elif present:
        meta_result = load_file(meta_path, root, WorkspaceFile, overrides, cache, fallback)
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
    located = Located(overrides)
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
    workspace.analyst_ratings, rating_files, rating_problems = read_analyst_ratings(workspace, located, overrides,
                                                                                     cache)
    files.extend(rating_files)
    problems.extend(rating_problems)
    problems.extend(confusable_analysts(workspace, located))  # needs every file's names, the ratings' too
    return workspace


# Per folder (a server has one; a test run many): what its loads worked out.
_FOLDERS: dict[str, Reuse] = {}


def _folder_memo(root: Path) -> Reuse:
    key = str(root)
    memo = _FOLDERS.pop(key, None) or Reuse()
    while len(_FOLDERS) >= 8:  # the folders loaded last
        _FOLDERS.pop(next(iter(_FOLDERS)))
    _FOLDERS[key] = memo
    return memo


def _checked(workspace: Workspace, located: Located, today: dt.date, models: tuple[Any, ...], memo: Reuse,
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


__all__ = ["INDICATOR_DIR", "WORKSPACE_FILE", "IndicatorOrigin", "LocDict", "Workspace", "check_references",
           "folder_files", "load_workspace", "read_each", "validate_text"]
