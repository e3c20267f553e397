"""Analysts' own ratings: `ratings/<anything>.yaml`, one file per analyst.

Before a team agrees on the Indicators Validator matrix (each indicator's `ratings:`, the matrix
that counts), each analyst rates on their own, so that the team can see where they disagree
(`scoring.disagreement`) instead of anchoring on whoever spoke first. These files never change the
board's scores.

They are read like every other workspace file: through the parse cache, with bad values turned into
located problems and dropped cell by cell (validate.py's DROPPABLE), so the rest of a file still
counts. Then they are checked against the workspace: every rated indicator and scenario must exist,
and each analyst has one file. A workspace without a `ratings/` folder is normal.
"""

from __future__ import annotations

import difflib
from pathlib import Path

from indicators.workspace.loaded import AnalystRatings, Workspace
from indicators.workspace.located import Located
from indicators.workspace.model import AnalystRatingsFile
from indicators.workspace.parse_cache import FILE_CACHE, FileCache
from indicators.workspace.problems import Code, Problem, display_path
from indicators.workspace.reading import folder_files, read_each

RATINGS_DIR = "ratings"


def rating_paths(root: Path, overrides: dict[Path, str] | None = None) -> list[Path] | Problem:
    """The rating files of a workspace (.yaml, then .yml, each sorted by name), plus new ones proposed in
    `overrides`; or the problem when `ratings` is there but is not a readable folder."""
    return folder_files(root, root / RATINGS_DIR, "rating", overrides)


def read_analyst_ratings(workspace: Workspace, located: Located | None = None,
                         overrides: dict[Path, str] | None = None, cache: FileCache | None = None,
                         ) -> tuple[list[AnalystRatings], list[Path], list[Problem]]:
    """Read and check every rating file of a loaded workspace; never raises for bad data.

    Returns the analysts' ratings (a second file for the same analyst is left out), the files read
    and the problems found, each located by file, line and column.
    """
    root = workspace.root
    located = located or Located(overrides)
    cache = cache or FILE_CACHE
    listed = rating_paths(root, overrides)
    if isinstance(listed, Problem):
        return [], [], [listed]
    found: list[AnalystRatings] = []
    files: list[Path] = []
    problems: list[Problem] = []
    first_file: dict[str, Path] = {}
    for path, result in read_each(listed, root, AnalystRatingsFile, overrides, cache, problems, files):
        model = result.model
        if model is None:
            continue
        problems.extend(_unknown_ids(workspace, model, path, located))
        key = model.analyst.casefold()
        if key in first_file:
            pos = located.pos(path, "analyst")
            problems.append(Problem(display_path(path, root), pos.line, pos.column, Code.DUPLICATE_ANALYST,
                                    f"{model.analyst} already has a rating file: {display_path(first_file[key], root)} "
                                    "(this one is not read)", Code.DUPLICATE_ANALYST.hint))
            continue
        first_file[key] = path
        found.append(AnalystRatings(model.analyst, path, model.date, model.marking, model.note,
                                    {i: dict(cells) for i, cells in model.ratings.items()}))
    return found, files, problems


def _unknown_ids(workspace: Workspace, model: AnalystRatingsFile, path: Path, located: Located) -> list[Problem]:
    """Rated indicators and scenarios the workspace does not have (not checked when it has none at all,
    which its own files already report)."""
    display = display_path(path, workspace.root)
    indicator_ids, scenario_ids = set(workspace.indicator_by_id), set(workspace.scenario_by_id)
    problems: list[Problem] = []
    for indicator_id, cells in model.ratings.items():
        if indicator_ids and indicator_id not in indicator_ids:
            pos = located.pos(path, "ratings", indicator_id, "[key]")
            near = difflib.get_close_matches(indicator_id, sorted(indicator_ids), n=1)
            problems.append(Problem(display, pos.line, pos.column, Code.UNKNOWN_INDICATOR,
                                    f"{model.analyst} rates {indicator_id!r}, not an indicator of the workspace",
                                    f"did you mean {near[0]!r}?" if near else
                                    "rate indicators listed in indicators/*.yaml, or remove this entry"))
        for scenario_id in cells:
            if scenario_ids and scenario_id not in scenario_ids:
                pos = located.pos(path, "ratings", indicator_id, scenario_id, "[key]")
                problems.append(Problem(display, pos.line, pos.column, Code.UNKNOWN_SCENARIO,
                                        f"rating of {indicator_id} against unknown scenario {scenario_id!r}",
                                        f"scenarios are: {', '.join(sorted(scenario_ids))}"))
    return problems


__all__ = ["RATINGS_DIR", "AnalystRatings", "rating_paths", "read_analyst_ratings"]
