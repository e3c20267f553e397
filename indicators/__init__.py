"""Indicator & warning board: indicator checklists in YAML, scored and shown as a board."""

from .load import Workspace, load_workspace
from .problems import Problem, Severity

__all__ = ["Problem", "Severity", "Workspace", "load_workspace"]
__version__ = "0.1.0"
