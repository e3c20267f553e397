"""Problems found in a workspace: data with a location, a stable code and a hint.

Validation returns problems instead of raising, so one bad file never takes the board down and
the CLI, the app and exports all show the same report.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the data, where it is, and how to fix it."""

    path: str
    line: int
    column: int
    code: str
    message: str
    hint: str = ""
    severity: Severity = Severity.ERROR

    def format(self) -> str:
        """`path:line:column: error: message — hint`, the form editors and CI understand.

        Problems with command-line input have no line (0) and print as `input: error: …`.
        """
        place = f"{self.path}:{self.line}:{self.column}" if self.line else self.path
        text = f"{place}: {self.severity.value}: {self.message}"
        return f"{text} — {self.hint}" if self.hint else text

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["severity"] = self.severity.value
        return data

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


def display_path(path: Path, root: Path) -> str:
    """The path as the user named it: the data folder as given, joined with the file's place in it."""
    try:
        return str(root / path.relative_to(root))
    except ValueError:
        return str(path)



class ProblemsError(Exception):
    """Something refused, with the located problems that say why (the CLI prints them and exits 1;
    the app shows them). Each refusal — an edit, an export, an unreadable snapshot — is a subclass."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.format() for p in problems))
        self.problems = problems
