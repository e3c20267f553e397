"""Indicator & warning board: indicator checklists in YAML, scored and shown as a board."""

__version__ = "0.1.0"

from indicators.workspace.load import Workspace, load_workspace
from indicators.workspace.problems import Problem, Severity

__all__ = ["Problem", "Severity", "Workspace", "load_workspace"]
