"""Safe, located YAML reading.

PyYAML's safe loader (libyaml when present) builds plain dicts and lists; ours builds
`LocDict`/`LocList`, which remember where each key and value stood so that a validation error can
name its line and column. It also refuses what PyYAML would silently accept: duplicate keys (the
last one would win and the first be lost), aliases (the root of "billion laughs" bombs), unsafe
tags, nesting deeper than a bound, and files over a size limit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from indicators.settings import max_file_bytes
from indicators.workspace import yaml_rapid
from indicators.workspace.files import DataFileError, read_bounded
from indicators.workspace.problems import Code, Problem, Severity
from indicators.workspace.text import control_name, find_control

_BaseLoader = yaml.CSafeLoader if getattr(yaml, "__with_libyaml__", False) else yaml.SafeLoader

MAX_DEPTH = 64


@dataclass(frozen=True, slots=True)
class Pos:
    """Where a node stands: 1-based line and column, and its source span (for plain scalars)."""

    line: int
    column: int
    start: int = -1
    end: int = -1
    plain: bool = False


class LocDict(dict):
    """A mapping that remembers the position of itself, its keys and its values."""

    __slots__ = ("pos", "key_pos", "value_pos")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pos = Pos(1, 1)
        self.key_pos: dict[Any, Pos] = {}
        self.value_pos: dict[Any, Pos] = {}

    def __reduce__(self):  # keep positions through pickle and deepcopy
        return (_rebuild_dict, (dict(self), self.pos, self.key_pos, self.value_pos))


class LocList(list):
    """A sequence that remembers the position of itself and of each item."""

    __slots__ = ("pos", "item_pos")

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.pos = Pos(1, 1)
        self.item_pos: list[Pos] = []

    def __reduce__(self):
        return (_rebuild_list, (list(self), self.pos, self.item_pos))

    def delete(self, index: int) -> None:
        """Remove an item and its position together."""
        del self[index]
        if index < len(self.item_pos):
            del self.item_pos[index]


def _rebuild_dict(data: dict, pos: Pos, key_pos: dict, value_pos: dict) -> LocDict:
    d = LocDict(data)
    d.pos, d.key_pos, d.value_pos = pos, dict(key_pos), dict(value_pos)
    return d


def _rebuild_list(data: list, pos: Pos, item_pos: list) -> LocList:
    items = LocList(data)
    items.pos, items.item_pos = pos, list(item_pos)
    return items


def _pos(node: yaml.Node) -> Pos:
    mark, end = node.start_mark, node.end_mark
    plain = isinstance(node, yaml.ScalarNode) and not node.style
    return Pos(mark.line + 1, mark.column + 1, mark.index, end.index, plain)


_STR_TAG = "tag:yaml.org,2002:str"
_RESOLVABLE = frozenset(k for k in _BaseLoader.yaml_implicit_resolvers if k)


class _QuickResolve:
    """Skips the resolver's regexes for plain text whose first character no implicit type can
    start with (most prose): exactly the tag the full resolver would give, for less work."""

    def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode and implicit[0] and value and value[0] not in _RESOLVABLE:
            return _STR_TAG
        return super().resolve(kind, value, implicit)  # type: ignore[misc]


class _Refusal(Exception):
    def __init__(self, code: Code, message: str, hint: str, pos: Pos) -> None:
        super().__init__(message)
        self.code, self.message, self.hint, self.pos = code, message, hint, pos


class _LocatingLoader(_QuickResolve, _BaseLoader):  # type: ignore[misc, valid-type]
    """Safe loader building located containers and refusing lossy or dangerous input."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicates: list[tuple[Any, Pos, Pos]] = []
        self._depth: dict[yaml.Node, int] = {}

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        if node in self.constructed_objects or node in self.recursive_objects:
            raise _Refusal(
                Code.ALIAS,
                "the value anchored here (&name) is reused by an alias (*name); aliases are not allowed",
                "write the value out in full; aliases can hide huge expansions",
                _pos(node),
            )
        return super().construct_object(node, deep=deep)

    def _child_depth(self, node: yaml.Node, child: yaml.Node) -> None:
        depth = self._depth.get(node, 1) + 1
        if depth > MAX_DEPTH:
            raise _Refusal(
                Code.TOO_DEEP,
                f"nesting deeper than {MAX_DEPTH} levels",
                "workspace files need only a few levels of nesting; flatten the structure",
                _pos(child),
            )
        if not isinstance(child, yaml.ScalarNode):
            self._depth[child] = depth

    def construct_located_mapping(self, node: yaml.MappingNode):
        data = LocDict()
        data.pos = _pos(node)
        yield data
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise _Refusal(Code.MERGE_KEY, "merge keys (<<) are not allowed", "write the keys out in full",
                               _pos(key_node))
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                raise _Refusal(Code.BAD_KEY, "a mapping key must be a plain value", "use a name as the key",
                               _pos(key_node)) from None
            if key in data:
                self.duplicates.append((key, _pos(key_node), data.key_pos[key]))
                continue
            data.key_pos[key] = _pos(key_node)
            data.value_pos[key] = _pos(value_node)
            self._child_depth(node, value_node)
            data[key] = self.construct_object(value_node, deep=False)

    def construct_located_sequence(self, node: yaml.SequenceNode):
        items = LocList()
        items.pos = _pos(node)
        yield items
        for child in node.value:
            items.item_pos.append(_pos(child))
            self._child_depth(node, child)
            items.append(self.construct_object(child, deep=False))

    def construct_refused(self, node: yaml.Node) -> Any:
        raise _Refusal(
            Code.UNSAFE_TAG,
            f"the tag {node.tag!r} is not allowed",
            "remove the tag; only plain YAML values are read",
            _pos(node),
        )


_LocatingLoader.add_constructor("tag:yaml.org,2002:map", _LocatingLoader.construct_located_mapping)
_LocatingLoader.add_constructor("tag:yaml.org,2002:omap", _LocatingLoader.construct_refused)
_LocatingLoader.add_constructor("tag:yaml.org,2002:pairs", _LocatingLoader.construct_refused)
_LocatingLoader.add_constructor("tag:yaml.org,2002:set", _LocatingLoader.construct_refused)
_LocatingLoader.add_constructor("tag:yaml.org,2002:binary", _LocatingLoader.construct_refused)
_LocatingLoader.add_constructor("tag:yaml.org,2002:seq", _LocatingLoader.construct_located_sequence)
_LocatingLoader.add_constructor(None, _LocatingLoader.construct_refused)


@dataclass
class Parsed:
    """A parsed file: its data (None when unreadable), its text, and what went wrong."""

    data: Any
    text: str = ""
    problems: list[Problem] = field(default_factory=list)


# libyaml's composer recurses in C and crashes the process on nesting some 30,000 levels deep,
# before any Python check can run. Nesting depth is bounded by the longest line (block style)
# plus the flow-bracket depth; only text whose bound is high gets the exact (slower) event scan.
_SCAN_ABOVE = 1000
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def _nesting_bound(text: str, raw: bytes | None = None) -> int:
    """An upper bound of the text's nesting depth (`raw`: its UTF-8 bytes, when the caller has them)."""
    raw = text.encode("utf-8", "surrogatepass") if raw is None else raw
    depth = peak = 0
    for bracket in raw.translate(None, _NOT_BRACKETS):  # only the brackets are left
        depth = depth + 1 if bracket in _OPENING else max(0, depth - 1)
        peak = max(peak, depth)
    return peak + max(map(len, raw.split(b"\n") if text.isascii() else text.split("\n")))


_OPENING = frozenset(b"[{")


def _check_depth(text: str) -> None:
    """Walk the event stream (iterative in libyaml) and refuse nesting over MAX_DEPTH."""
    depth = 0
    for event in yaml.parse(text, Loader=_BaseLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                mark = event.start_mark
                raise _Refusal(Code.TOO_DEEP, f"nesting deeper than {MAX_DEPTH} levels",
                               "workspace files need only a few levels of nesting; flatten the structure",
                               Pos(mark.line + 1, mark.column + 1))
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def parse_text(text: str, display: str) -> Parsed:
    """Parse YAML text into located containers; never raises for bad input."""
    loader = _LocatingLoader(text)
    try:
        if _nesting_bound(text) > _SCAN_ABOVE:
            _check_depth(text)
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = " ".join(filter(None, [exc.context, exc.problem])) or "invalid YAML"
        if exc.context_mark is not None and mark is not None and exc.context_mark.line != mark.line:
            message += f" (the construct began at line {exc.context_mark.line + 1})"
        if "nesting depth" in message:  # newer libyaml refuses deep nesting itself
            return Parsed(None, text, [Problem(display, line, col, Code.TOO_DEEP, f"nesting too deep: {message}",
                                               "workspace files need only a few levels of nesting")])
        return Parsed(None, text, [Problem(display, line, col, Code.YAML_SYNTAX, f"YAML syntax error: {message}",
                                           "check indentation, colons and quotes on this line and the one above")])
    except _Refusal as exc:
        return Parsed(None, text, [Problem(display, exc.pos.line, exc.pos.column, exc.code, exc.message, exc.hint)])
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow in a file (a raw control character)
        return Parsed(None, text, [_bad_character(text, display, exc)])
    except yaml.YAMLError as exc:
        return Parsed(None, text, [Problem(display, 1, 1, Code.YAML_SYNTAX, f"YAML error: {exc}",
                                           "check the file is YAML")])
    except RecursionError:
        return Parsed(None, text, [Problem(display, 1, 1, Code.TOO_DEEP, "nesting too deep to read",
                                           "workspace files need only a few levels of nesting")])
    except (ValueError, OverflowError) as exc:  # e.g. an integer of more than 4,300 digits
        return Parsed(None, text, [Problem(display, 1, 1, Code.BAD_NUMBER, f"a value cannot be read: {exc}",
                                           "shorten the number, or quote it if it is text")])
    finally:
        loader.dispose()
    if data is None:
        return Parsed(None, text, [Problem(display, 1, 1, Code.EMPTY_FILE, "the file holds no data",
                                           "fill it in, or delete it")])
    problems = [
        Problem(display, pos.line, pos.column, Code.DUPLICATE_KEY,
                f"duplicate key {key!r} (first at line {first.line})",
                "YAML keeps only one of them: merge the two or rename one")
        for key, pos, first in loader.duplicates
    ]
    return Parsed(data, text, problems)


def _bad_character(text: str, display: str, exc: yaml.reader.ReaderError) -> Problem:
    """A raw character YAML refuses, at its line and column (libyaml counts bytes, so it is looked up)."""
    char = chr(exc.character) if isinstance(exc.character, int) else str(exc.character)[:1]
    index = text.find(char) if char else -1
    if index < 0:
        return Problem(display, 1, 1, Code.YAML_SYNTAX, f"YAML error: {exc}", "check the file is YAML")
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    if find_control(char) is not None:
        return Problem(display, line, column, Code.CONTROL_CHARACTER,
                       f"the file holds the control character {control_name(char)}, which YAML does not allow",
                       Code.CONTROL_CHARACTER.hint)
    return Problem(display, line, column, Code.YAML_SYNTAX, f"YAML does not allow the character U+{ord(char):04X}",
                   "delete it, or write it as an escape in a double-quoted string")


def read_text(path: Path, display: str) -> tuple[str | None, list[Problem]]:
    """A file's text, or the problems that stop it being read: not a plain file (a named pipe, a
    device, a folder, a broken link), unreadable, too large, not UTF-8, binary data.

    Meant for files just listed in the data folder: one that is gone by now is a warning.
    """
    try:
        raw = read_bounded(path, max_file_bytes())
    except DataFileError as err:
        if err.code == Code.MISSING_FILE:
            return None, [Problem(display, 1, 1, Code.VANISHED,
                                  "the file was removed while the workspace was being read",
                                  "load the workspace again", Severity.WARNING)]
        return None, [err.problem(display)]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [Problem(display, line, col, Code.ENCODING, "file is not valid UTF-8", "save the file as UTF-8")]
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        return None, [Problem(display, line, 1, Code.ENCODING, "file contains a NUL byte (binary data?)",
                              "workspace files must be plain UTF-8 text")]
    return text, []


class _FastLoader(_QuickResolve, _BaseLoader):  # type: ignore[misc, valid-type]
    """libyaml's safe loader building plain dicts, noting duplicate keys instead of overwriting."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicate = False

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        mapping: dict = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in mapping:
                self.duplicate = True
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping


# An anchor (&a), alias (*a), tag (!t) or merge key (<<:) where a node could start. Prose such
# as "R&D" or "Wow!" does not count; a false alarm only costs the slower located parse.
_SPECIAL = re.compile(r"[&*!]\S|<<\s*:")


def _has_special(text: str) -> bool:
    for match in _SPECIAL.finditer(text):
        start = match.start()
        if start == 0 or text[start - 1] in " \t\r\n[{,":
            return True
    return False


def fast_parse(text: str) -> Any:
    """Parse at rapidyaml speed (`yaml_rapid`, exactly what libyaml gives, or it defers), else at libyaml
    speed, or return None when the text needs the careful, located parse.

    None for anything unusual: possible aliases or tags, deep nesting, duplicate keys, errors.
    A valid file (the common case) is then validated without positions, which are worked out
    only when there is a problem to locate.
    """
    raw = text.encode("utf-8", "surrogatepass")
    if _nesting_bound(text, raw) > _SCAN_ABOVE:
        return None
    if yaml_rapid.available():  # its screen holds every check below
        data = yaml_rapid.parse(text, raw)
        if data is not yaml_rapid.DEFER:
            return data
    if _has_special(text):
        return None
    loader = _FastLoader(text)
    try:
        data = loader.get_single_data()
    except Exception:  # noqa: BLE001 — the located parse reports it properly
        return None
    finally:
        loader.dispose()
    return None if loader.duplicate or data is None else data


__all__ = ["LocDict", "LocList", "Parsed", "Pos", "Severity", "fast_parse", "max_file_bytes", "parse_text", "read_text"]
