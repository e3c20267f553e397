"""Listing and reading the files of a workspace folder, each through the parse cache.

Shared by the loader (`workspace.yaml`, `indicators/`) and `ratings` (`ratings/`): a folder's YAML
files in a fixed order, a link out of the workspace reported and not read, and each file's text
validated on the fast path when it is valid, with located problems when it is not.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from indicators.workspace.files import describe
from indicators.workspace.model import Scenario, WorkspaceFile
from indicators.workspace.parse_cache import FileCache, FileResult
from indicators.workspace.problems import Code, Problem, display_path
from indicators.workspace.validate import validate_file
from indicators.workspace.yaml_reader import fast_parse, parse_text, read_text


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


def load_file(path: Path, root: Path, cls: type, overrides: dict[Path, str] | None, cache: FileCache,
              fallback: dict[str, Any] | None = None) -> FileResult:
    """One file validated as `cls`: its proposed text from `overrides`, else through the parse cache."""
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


def outside_problem(path: Path, root: Path) -> Problem | None:
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
        outside = outside_problem(path, root)
        if outside is not None:
            problems.append(outside)
            continue
        files.append(path)
        result = load_file(path, root, cls, overrides, cache)
        problems.extend(result.problems)
        yield path, result


__all__ = ["folder_files", "load_file", "outside_problem", "read_each", "validate_text"]
