"""Add an entry to a list in a YAML file's text, leaving every other line byte for byte.

A full round-trip dump (even ruamel.yaml's) can re-wrap long lines, move trailing comments or
re-indent a file written in another style. We instead find where the list ends (from the node
marks), render only the new entry with ruamel.yaml in the list's own indentation, and insert
those lines. `git diff` then shows only added lines, or one changed line when an empty list
(`indications: []` or `indications:`) becomes a block list.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, FoldedScalarString, LiteralScalarString

_Loader = yaml.CSafeLoader if getattr(yaml, "__with_libyaml__", False) else yaml.SafeLoader
_RESOLVER = yaml.resolver.Resolver()
_STR_TAG = "tag:yaml.org,2002:str"


class SpliceError(ValueError):
    """The place to insert could not be found (the caller reports it as a problem)."""


def _child(node: yaml.Node, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                return v
    return None


def find_item(root: yaml.Node, list_key: str, item_id: str) -> yaml.MappingNode:
    """The mapping with `id: item_id` in the top-level list `list_key` (last one if repeated)."""
    seq = _child(root, list_key)
    found = None
    if isinstance(seq, yaml.SequenceNode):
        for item in seq.value:
            ident = _child(item, "id")
            if isinstance(ident, yaml.ScalarNode) and ident.value == item_id:
                found = item
    if not isinstance(found, yaml.MappingNode):
        raise SpliceError(f"no entry with id {item_id!r} under {list_key!r}")
    return found


def compose(text: str) -> yaml.Node:
    """The node tree of a text (safe; raises yaml.YAMLError on bad text)."""
    node = yaml.compose(text, Loader=_Loader)
    if node is None:
        raise SpliceError("the file is empty")
    return node


def _last_line(node: yaml.Node) -> int:
    """0-based index of the last line holding content of `node` (not trailing blanks/comments)."""
    if isinstance(node, yaml.ScalarNode):
        end = node.end_mark
        return end.line - 1 if end.column == 0 and end.line > node.start_mark.line else end.line
    if isinstance(node, yaml.SequenceNode):
        children = list(node.value)
    else:
        children = [part for pair in node.value for part in pair]
    if node.flow_style or not children:
        return node.end_mark.line
    return max(_last_line(child) for child in children)


def _dash_column(lines: list[str], item: yaml.Node) -> int:
    line = lines[item.start_mark.line]
    col = line.rfind("-", 0, item.start_mark.column + 1)
    if col < 0:
        raise SpliceError("cannot tell the list's indentation")
    return col


def _plain_is_misread(text: str) -> bool:
    """True when a plain scalar would not read back as this same text (YAML 1.1 or 1.2 rules)."""
    if text != text.strip() or not text or any(c in text for c in "#:{}[]&*!|>'\"%@`,"):
        return True
    return _RESOLVER.resolve(yaml.ScalarNode, text, (True, False)) != _STR_TAG


def to_yaml_value(value: Any) -> Any:
    """A value ready for ruamel: text quoted when needed, multi-line text as a block scalar."""
    if isinstance(value, str):
        if "\n" in value.strip("\n"):
            return LiteralScalarString(value if value.endswith("\n") else value + "\n")
        return DoubleQuotedScalarString(value) if _plain_is_misread(value) else value
    if isinstance(value, list):
        seq = CommentedSeq(to_yaml_value(v) for v in value)
        seq.fa.set_flow_style()
        return seq
    if isinstance(value, dict):
        return CommentedMap((k, to_yaml_value(v)) for k, v in value.items())
    return value


class Folding:
    """How a file writes long text: the keys whose values it folds (`summary: >-` then lines), and
    the column its folded lines end by. New text under those keys is folded the same way."""

    def __init__(self, keys: frozenset[str] = frozenset(), width: int = 0) -> None:
        self.keys, self.width = keys, width

    @classmethod
    def of(cls, root: yaml.Node | None, lines: list[str]) -> Folding:
        """The folding found in a composed file (`lines`: its text, line by line)."""
        keys: set[str] = set()
        width = 0
        stack = [root] if root is not None else []
        while stack:
            node = stack.pop()
            if isinstance(node, yaml.MappingNode):
                for key, value in node.value:
                    if isinstance(value, yaml.ScalarNode) and value.style == ">" and isinstance(key, yaml.ScalarNode):
                        keys.add(key.value)
                        body = lines[value.start_mark.line + 1:value.end_mark.line]
                        width = max([width, *(len(line.rstrip("\r\n")) for line in body)])
                    else:
                        stack.append(value)
            elif isinstance(node, yaml.SequenceNode):
                stack.extend(node.value)
        return cls(frozenset(keys), width)

    def apply(self, value: Any, column: int) -> Any:
        """`value` (a ruamel mapping) with its long one-line texts under the folded keys folded so
        that no line passes the width; `column` is where its keys start."""
        if not self.keys or not isinstance(value, CommentedMap):
            return value
        for key in self.keys & set(value):
            text = value[key]
            if not isinstance(text, str) or isinstance(text, LiteralScalarString):
                continue
            if column + len(key) + 2 + len(text) <= self.width or not _foldable(text):
                continue
            folded = FoldedScalarString(str(text))
            folded.fold_pos = _fold_positions(str(text), self.width - column - 2)
            value[key] = folded
        return value


def _foldable(text: str) -> bool:
    """Text that folds back to itself: one line of single-spaced words (YAML folds a break to one space)."""
    return bool(text) and text == text.strip() and "  " not in text and not any(c in text for c in "\n\r\t")


def _fold_positions(text: str, room: int) -> list[int]:
    """The spaces at which to break `text` so that each line holds at most `room` characters (a word
    longer than that stands alone on its line)."""
    positions, start, last_space = [], 0, -1
    for i, char in enumerate(text):
        if char == " ":
            if i - start > room and last_space > start:
                positions.append(last_space)
                start = last_space + 1
            last_space = i
    if len(text) - start > room and last_space > start:
        positions.append(last_space)
    return positions


def render_item(item: dict[str, Any], dash_column: int, content_offset: int = 2, *, width: int = 4096,
                block_lists: frozenset[str] = frozenset(), list_offset: int = 0,
                flow_maps: frozenset[str] = frozenset(), folding: Folding | None = None) -> list[str]:
    """The lines of `- key: value …` for one new list entry, the dash at `dash_column` and the
    keys `content_offset` further right (matching the entries already there); long text folded at
    `width`, lists in flow style (`[a, b]`) but lists of mappings and those named in `block_lists`, whose dashes stand
    `list_offset` columns right of their key; nested mappings in block style but those named in
    `flow_maps` (`{a: 1}`); long text under the keys the file folds, folded as it does (`folding`).

    The lines are read back before they are used: an entry that would not read as the same data
    (a YAML 1.1 surprise, a fold that changes the text) is a SpliceError, never a silent change."""
    if folding is not None and folding.keys:
        try:
            return _render_item(item, dash_column, content_offset, width, block_lists, list_offset, flow_maps,
                                (folding, dash_column + content_offset))
        except SpliceError:
            pass  # folding would change the text: write it on one line instead
    return _render_item(item, dash_column, content_offset, width, block_lists, list_offset, flow_maps, None)


def _render_item(item: dict[str, Any], dash_column: int, content_offset: int, width: int,
                 block_lists: frozenset[str], list_offset: int, flow_maps: frozenset[str],
                 fold: tuple[Folding, int] | None) -> list[str]:
    # a list of mappings is always a block list: entries are appended to it later, one `- …` each
    if not block_lists:  # none beside it to follow: the dashes two columns right of their key
        list_offset = 2
    block_lists = block_lists | {key for key, v in item.items() if isinstance(v, list) and v
                                 and all(isinstance(e, dict) for e in v)}
    y = YAML()
    y.width = width
    offset = max(0, min(list_offset, dash_column)) if block_lists else 0
    y.indent(mapping=2, sequence=max(content_offset, 2) + offset, offset=offset)
    value = to_yaml_value(item)
    if fold is not None:
        value = fold[0].apply(value, fold[1])
    for key in block_lists:
        if isinstance(value.get(key), CommentedSeq):
            value[key].fa.set_block_style()
    for key in flow_maps:
        if isinstance(value.get(key), CommentedMap):
            value[key].fa.set_flow_style()
    buffer = io.StringIO()
    y.dump([value], buffer)
    if yaml.safe_load(buffer.getvalue()) != [value]:  # (multi-line text gains its final line break)
        raise SpliceError("the new entry would not read back as written")
    pad = " " * (dash_column - offset)
    return [pad + line if line.strip() else line for line in buffer.getvalue().splitlines()]


def _file_width(lines: list[str]) -> int:
    """The width the file is written to: its longest line, and never under 80 columns."""
    return max([80, *(len(line.rstrip("\r\n")) for line in lines)])


def _block_lists(node: yaml.SequenceNode, lines: list[str]) -> tuple[frozenset[str], int, frozenset[str]]:
    """Keys whose lists the entries already there write as block lists (`- a` lines), how far
    right of its key such a list puts its dashes, and keys whose mappings they write in flow style."""
    found: dict[str, bool] = {}
    flow: dict[str, bool] = {}
    offset = 0
    for entry in node.value:
        if isinstance(entry, yaml.MappingNode):
            for key, value in entry.value:
                if isinstance(value, yaml.SequenceNode) and value.value:
                    found[key.value] = not value.flow_style
                    if not value.flow_style:
                        offset = _dash_column(lines, value.value[0]) - key.start_mark.column
                elif isinstance(value, yaml.MappingNode) and value.value:
                    flow[key.value] = bool(value.flow_style)
    return (frozenset(key for key, block in found.items() if block), offset,
            frozenset(key for key, is_flow in flow.items() if is_flow))


def append_to_list(text: str, parent: yaml.MappingNode, key: str, item: dict[str, Any]) -> str:
    """The text with `item` appended to the list `key` of the mapping `parent`."""
    lines = text.splitlines(keepends=True)
    newline = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    node = _child(parent, key)
    if isinstance(node, yaml.SequenceNode) and node.value and not node.flow_style:
        last = node.value[-1]
        plain = [ln.rstrip("\r\n") for ln in lines]
        dash = _dash_column(plain, last)
        block_lists, list_offset, flow_maps = _block_lists(node, plain)
        new = render_item(item, dash, last.start_mark.column - dash, width=_file_width(lines),
                          block_lists=block_lists, list_offset=list_offset, flow_maps=flow_maps,
                          folding=Folding.of(parent, plain))
        at = _insertion_line(node, item.get("date"), _last_line(last) + 1)
        return _insert(lines, at, new, newline)
    key_column = parent.start_mark.column
    folding = Folding.of(parent, [ln.rstrip("\r\n") for ln in lines])
    if node is None:  # no such key: add it after the mapping's last content line
        header = [" " * key_column + f"{key}:"]
        new = header + render_item(item, key_column + 2, folding=folding)
        return _insert(lines, _last_line(parent) + 1, new, newline)
    is_empty = (isinstance(node, yaml.SequenceNode) and not node.value) or (
        isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null")
    if not is_empty:
        raise SpliceError(f"{key!r} is not a block list; rewrite it as '- …' entries first")
    # `key: []` or `key:` becomes `key:` followed by the entry (the one line that changes)
    key_node = next(k for k, v in parent.value if v is node)
    line_no = key_node.start_mark.line
    original = lines[line_no]
    ending = original[len(original.rstrip("\r\n")):] or newline
    comment = ""
    if "#" in original[node.end_mark.column:]:
        comment = "  " + original[original.index("#", node.end_mark.column):].rstrip("\r\n")
    lines[line_no] = original[: key_node.start_mark.column] + f"{key}:{comment}" + ending
    return _insert(lines, line_no + 1, render_item(item, key_column + 2, folding=folding), newline)


def _entry_date(entry: yaml.Node) -> dt.date | None:
    value = _child(entry, "date")
    if isinstance(value, yaml.ScalarNode):
        try:
            return dt.date.fromisoformat(value.value.strip())
        except ValueError:
            return None
    return None


def _insertion_line(node: yaml.SequenceNode, day: object, end: int) -> int:
    """Where a new entry dated `day` goes: after the last entry dated on or before it (so it comes last among
    the entries of its day, whatever order the file is in), else before the first entry; at `end` when
    the entry or the list has no dates."""
    if not isinstance(day, dt.date):
        return end
    dated = [(entry, _entry_date(entry)) for entry in node.value]
    earlier = [entry for entry, when in dated if when is not None and when <= day]
    if earlier:
        return _last_line(earlier[-1]) + 1
    later = [entry for entry, when in dated if when is not None]
    return later[0].start_mark.line if later else end


def _insert(lines: list[str], at: int, new: list[str], newline: str) -> str:
    if at > 0 and at <= len(lines) and not lines[at - 1].endswith(("\n", "\r")):
        lines[at - 1] += newline
    block = [line + newline for line in new]
    return "".join(lines[:at] + block + lines[at:])


def child(node: yaml.Node, key: str) -> yaml.Node | None:
    """The value node of `key` in a mapping node (None when absent)."""
    return _child(node, key)


def list_items(parent: yaml.MappingNode, key: str) -> list[yaml.Node]:
    """The item nodes of the list `key` of a mapping (empty when absent)."""
    node = _child(parent, key)
    return list(node.value) if isinstance(node, yaml.SequenceNode) else []


def dated_item(parent: yaml.MappingNode, key: str, day: dt.date, n: int, expected: int) -> yaml.MappingNode:
    """The n-th (1-based, file order) entry dated `day` in the list `key` of a mapping. `expected` is how
    many valid entries the board has on that day: a file holding another number (an invalid entry the
    board dropped) is refused, so a key never lands under the wrong entry."""
    hits = [item for item in list_items(parent, key)
            if isinstance(item, yaml.MappingNode) and _entry_date(item) == day]
    if len(hits) != expected:
        raise SpliceError(f"the file has {len(hits)} entries dated {day} under {key!r} but {expected} valid; "
                          "fix the invalid one first")
    return hits[n - 1]


def render_mapping(data: dict[str, Any], column: int, *, width: int = 4096) -> list[str]:
    """The lines of `key: value …` (block style) starting at `column`, read back before use."""
    y = YAML()
    y.width = width
    y.indent(mapping=2, sequence=2, offset=0)
    value = to_yaml_value(data)
    buffer = io.StringIO()
    y.dump(value, buffer)
    if yaml.safe_load(buffer.getvalue()) != value:
        raise SpliceError("the new keys would not read back as written")
    pad = " " * column
    return [pad + line if line.strip() else line for line in buffer.getvalue().splitlines()]


def add_keys(text: str, mapping: yaml.MappingNode, data: dict[str, Any]) -> str:
    """The text with `data`'s keys added at the end of a block mapping, in its indentation: only added
    lines. A flow mapping (`{a: 1}`) gets them before its closing brace (its one line changes)."""
    for key in data:
        if _child(mapping, key) is not None:
            raise SpliceError(f"the entry already has {key!r}")
    lines = text.splitlines(keepends=True)
    newline = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    if mapping.flow_style:
        return _add_to_flow(lines, mapping, data)
    column = mapping.value[0][0].start_mark.column if mapping.value else mapping.start_mark.column
    new = render_mapping(data, column, width=_file_width(lines))
    return _insert(lines, _last_line(mapping) + 1, new, newline)


def _add_to_flow(lines: list[str], mapping: yaml.MappingNode, data: dict[str, Any]) -> str:
    end = mapping.end_mark  # just after the closing brace
    if end.line != mapping.start_mark.line:
        raise SpliceError("a flow mapping over several lines; rewrite it in block style first")
    parts = []
    for key, value in data.items():
        if isinstance(value, (dict, list)) or (isinstance(value, str) and _plain_is_misread(value)):
            raise SpliceError(f"cannot add {key!r} to a one-line mapping; rewrite it in block style first")
        parts.append(f"{key}: {value}")
    line = lines[end.line]
    close = end.column - 1
    if line[close] != "}":
        raise SpliceError("cannot find the end of the mapping")
    sep = ", " if mapping.value else ""
    lines[end.line] = line[:close].rstrip() + sep + ", ".join(parts) + line[close:]
    return "".join(lines)
