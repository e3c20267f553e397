"""What a load gives: the `Workspace` and the records it holds, with the folder's fixed names.

These sit apart from the loader (`load.py`) so that the modules the loader runs (`checks`, `ratings`,
`names`, `entries`) can name the workspace without importing the loader: the imports stay a DAG.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from indicators.workspace.model import Indicator, Scenario, WorkspaceFile
from indicators.workspace.problems import Checked, Problem
from indicators.workspace.vocab import Marking, Rating

WORKSPACE_FILE = "workspace.yaml"
INDICATOR_DIR = "indicators"


@dataclass
class IndicatorOrigin:
    """The file an indicator was read from, for messages and for writing back."""

    path: Path


@dataclass
class AnalystRatings:
    """One analyst's own ratings, as read from their file (cells with bad values already dropped)."""

    analyst: str
    path: Path
    date: dt.date | None
    marking: Marking | None
    note: str | None
    ratings: dict[str, dict[str, Rating]]  # indicator id -> scenario id -> rating

    def rating(self, indicator_id: str, scenario_id: str) -> Rating | None:
        """The analyst's rating of one cell of the matrix, or None when they did not rate it."""
        return self.ratings.get(indicator_id, {}).get(scenario_id)


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


__all__ = ["INDICATOR_DIR", "WORKSPACE_FILE", "AnalystRatings", "IndicatorOrigin", "Workspace"]
