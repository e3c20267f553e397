"""Located parses of workspace files, made only when a problem needs a line and column.

Loading reads valid files on the fast path, with no positions. The rules that find a problem
(`checks`, `ratings`, `names`) ask a `Located` for the position of what they report: it parses
that file again with positions, once per load, and finds the path in it. It lives on its own so
that every rule module can use it without importing the loader (which runs those rules).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from indicators.workspace.validate import locate
from indicators.workspace.yaml_reader import LocList, Pos, parse_text, read_text


class Located:
    """Located parses of files (`overrides`: proposed texts read instead of the files), made on demand."""

    def __init__(self, overrides: dict[Path, str] | None) -> None:
        self._overrides = overrides or {}
        self._parsed: dict[Path, Any] = {}

    def data(self, path: Path) -> Any:
        """The file's located parse (None when it cannot be read), parsed once."""
        if path not in self._parsed:
            text = self._overrides.get(path)
            if text is None:
                text, _ = read_text(path, str(path))
            self._parsed[path] = parse_text(text, str(path)).data if text is not None else None
        return self._parsed[path]

    def indicator_index(self, path: Path, indicator_id: str, occurrence: int = 0) -> int | None:
        """The index in the file's `indicators:` list of the `occurrence`-th indicator with this id."""
        items = self.data(path).get("indicators") if isinstance(self.data(path), dict) else None
        hits = [i for i, item in enumerate(items or []) if isinstance(item, dict) and item.get("id") == indicator_id]
        return hits[occurrence] if occurrence < len(hits) else (hits[-1] if hits else None)

    def pos(self, path: Path, *loc: Any) -> Pos:
        """The position of `loc` (keys and indexes) in the file; the file's start when it is not found."""
        data = self.data(path)
        return locate(data, tuple(loc)) if data is not None else Pos(1, 1)

    def in_indicator(self, path: Path, indicator_id: str, *loc: Any) -> Pos:
        """The position of `loc` inside the indicator with this id."""
        index = self.indicator_index(path, indicator_id)
        return self.pos(path, "indicators", index, *loc) if index is not None else Pos(1, 1)

    def list_index(self, path: Path, indicator_id: str, key: str, wanted_id: str, occurrence: int = 0) -> int | None:
        """The index, in the indicator's `key` list, of the `occurrence`-th item with id `wanted_id`."""
        index = self.indicator_index(path, indicator_id)
        try:
            items = self.data(path)["indicators"][index][key]
        except (KeyError, IndexError, TypeError):
            return None
        hits = [i for i, item in enumerate(items if isinstance(items, LocList) else [])
                if isinstance(item, dict) and item.get("id") == wanted_id]
        return hits[occurrence] if occurrence < len(hits) else None


__all__ = ["Located"]
