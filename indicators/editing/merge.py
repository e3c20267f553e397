"""Merge three versions of a workspace YAML file by identity, not by line: the git merge driver.

Two analysts who record on the same indicator in two clones both append to the same list, so a
line merge conflicts although nothing conflicts. Here the file is read as a tree of blocks — the
mappings, and the lists of entries (indicators, indications, assessments, scenarios, judgments,
sources) — and each block is merged by identity:

- a block one side left as it was takes the other side's text; the same change on both sides is
  taken once;
- entries added on either side are all kept, after the entries of the base dated on or before
  them, in one order that does not depend on which side is merged into which (date, then content);
- an indication id taken on both sides for different indications is kept by the one that sorts
  first, and the other is renumbered to the next free id, with every citation of it in the entries
  its side added;
- only a true conflict — the same field of the same entry changed differently on both sides, an
  entry changed on one side and removed on the other — is left to the analyst, between standard
  conflict markers around that entry alone.

Every line that is kept keeps its bytes (comments, layout, line ending): text is cut from the three
versions, never re-rendered, so `git diff` against the base shows only the lines each side added.
A side that changed the file's line endings (LF to CRLF or back) has that change applied to the
lines the other side kept, and lines the driver writes (conflict markers) take the file's dominant
line ending.

The driver (`run_driver`) is bounded and always leaves something editable:

- it reads each version with the loader's limits (`INDICATORS_MAX_FILE_MB`, `MAX_DEPTH`) and never
  expands an alias: a version the loader would refuse, that is not YAML, or that one side
  reformatted (indented differently) falls back to git's line merge;
- the merge runs under a time limit (`INDICATORS_MERGE_TIMEOUT`, in this process, by SIGALRM); one
  that does not finish falls back to the line merge, under the same limit;
- whenever it reports a conflict (exit 1) the file holds standard conflict markers — around the
  entry that conflicts, around the entries that bring the errors when the merged workspace would
  not be valid, or around the part of the file where the two sides differ as a last resort — and
  it never leaves a file that does not read as YAML without markers.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import json
import re
import signal
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from indicators.editing.splice import SpliceError, _last_line, compose
from indicators.settings import max_file_bytes, merge_timeout
from indicators.workspace import yaml_reader
from indicators.workspace.files import DataFileError, check_size, read_bounded
from indicators.workspace.model import Assessment, Indication, IndicatorHeader, Judgment, Scenario, WorkspaceFile
from indicators.workspace.problems import Code, Problem, Severity, display_path
from indicators.workspace.yaml_reader import MAX_DEPTH, fast_parse, parse_text

OURS, THEIRS = "ours", "theirs"
NUMBERED = re.compile(r"^(?P<prefix>.+)\.(?P<n>\d+)$")  # indication ids: SAT-01.3
# Where keys added on one side go among the keys of the base: in the order the models list them.
FIELD_ORDER = {name: n for n, name in enumerate(dict.fromkeys(
    [*WorkspaceFile.model_fields, *Scenario.model_fields, *IndicatorHeader.model_fields, "indications",
     "assessments", *Indication.model_fields, *Assessment.model_fields, *Judgment.model_fields]))}
MARKER = b"<<<<<<< "
GIT_SLACK_S = 5.0  # the line merge's own time-out past the driver's, so the alarm always comes first


class MergeError(ValueError):
    """A version cannot be merged by identity (not YAML, refused by the reader's limits, reformatted):
    the driver falls back to a line merge. `code` says why, as the loader would."""

    def __init__(self, message: str, code: Code = Code.YAML_SYNTAX) -> None:
        super().__init__(message)
        self.code = code


class MergeTimeout(BaseException):
    """The merge ran past its time limit (raised by the alarm; a BaseException, so that no
    `except Exception` on the way swallows it)."""


class _Conflict(Exception):
    """The same block was changed differently on both sides."""


@dataclass(frozen=True, eq=False)
class _View:
    """One block of one version: `node` and its text, lines [start, end) of that version."""

    lines: tuple[str, ...]
    node: yaml.Node
    start: int
    end: int
    data: Any

    @property
    def text(self) -> list[str]:
        return list(self.lines[self.start:self.end])


@dataclass(eq=False)
class _Block:
    """A block of the merged text as each side has it: what conflict markers around it would hold."""

    ours: list[str]
    theirs: list[str]

    @property
    def disputed(self) -> bool:
        return self.ours != self.theirs


class _Tagged(str):
    """A line of merged text that knows the blocks it stands in, outermost first (`tags`)."""

    tags: tuple[_Block, ...] = ()


@dataclass
class Merged:
    """The merged text, the true conflicts left in it, and the ids renumbered on the way."""

    text: str
    conflicts: list[str] = field(default_factory=list)
    renumbered: list[tuple[str, str, str]] = field(default_factory=list)  # (side, old id, new id)
    lines: list[str] = field(default_factory=list, repr=False)  # the text's lines, tagged when asked

    @property
    def clean(self) -> bool:
        return not self.conflicts


# ------------------------------------------------------------------------------------------ reading

_ODD_BREAKS = re.compile("\r(?!\n)|[\x85\u2028\u2029]")  # line breaks to YAML, not to a line merge


def _split(text: str) -> tuple[str, ...]:
    """The text's lines, split after each LF only (a CRLF line keeps its CR), each with its ending."""
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return tuple(lines)


def _dominant(text: str) -> str:
    """The line ending most of the text's lines have ("\\r\\n" or "\\n"; LF on a tie)."""
    crlf = text.count("\r\n")
    return "\r\n" if crlf > text.count("\n") - crlf else "\n"


def _with_endings(text: str, newline: str) -> str:
    """The text with every line ended by `newline`."""
    return re.sub(r"(?<!\r)\n", "\r\n", text) if newline == "\r\n" else text.replace("\r\n", "\n")


def _uniform(text: str) -> str | None:
    """The line ending every line of the text has, or None (mixed, or no line break at all)."""
    crlf, lf = text.count("\r\n"), text.count("\n")
    return None if not lf else "\r\n" if crlf == lf else "\n" if not crlf else None


def _line_endings(texts: tuple[str, str, str]) -> tuple[tuple[str, str, str], str]:
    """The three versions with one side's change of the whole file's line endings (to all CRLF or all
    LF, from anything else) applied to the others too, and the merged file's line ending. Lines a side
    adds in another ending do not count as a change of the file's."""
    base, ours, theirs = (_uniform(t) for t in texts)
    target = ours if ours is not None and ours != base else theirs if theirs is not None and theirs != base else None
    if target is None:
        return texts, _dominant(texts[1])
    return tuple(t if _uniform(t) == target else _with_endings(t, target) for t in texts), target  # type: ignore[return-value]


_Constructor = yaml.CSafeLoader if getattr(yaml, "__with_libyaml__", False) else yaml.SafeLoader
_MERGE_TAG = "tag:yaml.org,2002:merge"


def _checked(root: yaml.Node, side: str) -> None:
    """Refuse what the loader refuses before anything is built from the tree: an alias (a node
    reached twice: building data from it, or canonicalising it, can expand it beyond any bound),
    nesting deeper than MAX_DEPTH, a merge key, a key repeated in a mapping (merged key by key, one
    of the two would be lost). Walks the tree once, without recursion."""
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        line = node.start_mark.line + 1
        if id(node) in seen:
            raise MergeError(f"the {side} version reuses a value through an alias (*name, line {line}): "
                             "aliases are not allowed", Code.ALIAS)
        seen.add(id(node))
        if depth > MAX_DEPTH:
            raise MergeError(f"the {side} version nests deeper than {MAX_DEPTH} levels (line {line})", Code.TOO_DEEP)
        if isinstance(node, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            names = set()
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    if key.value in names:
                        raise MergeError(f"the {side} version repeats the key {key.value!r} (line "
                                         f"{key.start_mark.line + 1}): one of the two would be lost",
                                         Code.DUPLICATE_KEY)
                    names.add(key.value)
                if key.tag == _MERGE_TAG:
                    raise MergeError(f"the {side} version has a merge key (<<, line {key.start_mark.line + 1}): "
                                     "merge keys are not allowed", Code.MERGE_KEY)
                stack += [(key, depth + 1), (value, depth + 1)]


def _document(text: str, side: str) -> tuple[tuple[str, ...], yaml.Node | None, Any]:
    """A version's lines, node tree and data (the data built from the same tree: parsed once, by
    libyaml), read within the loader's limits."""
    odd = _ODD_BREAKS.search(text)
    if odd:
        line = text.count("\n", 0, odd.start()) + 1
        raise MergeError(f"the {side} version has a line break other than LF or CRLF (line {line})")
    if text and not text.endswith("\n"):
        text += _dominant(text)
    try:
        # the loader's own depth screen: libyaml's composer recurses in C, and crashes on deep enough nesting
        if yaml_reader._nesting_bound(text) > yaml_reader._SCAN_ABOVE:
            yaml_reader._check_depth(text)
        node = compose(text) if text.strip() else None
        if node is not None:
            _checked(node, side)
        data = _Constructor("").construct_document(node) if node is not None else None
    except yaml_reader._Refusal as exc:
        raise MergeError(f"the {side} version cannot be read: {exc.message} (line {exc.pos.line})", exc.code) from None
    except (SpliceError, yaml.YAMLError) as exc:
        raise MergeError(f"the {side} version is not valid YAML: {' '.join(str(exc).split())}") from None
    except (ValueError, OverflowError, RecursionError) as exc:
        raise MergeError(f"the {side} version cannot be read: {exc}", Code.BAD_NUMBER) from None
    return _split(text), node, data


def _is_block_map(node: yaml.Node | None) -> bool:
    return isinstance(node, yaml.MappingNode) and not node.flow_style and bool(node.value)


def _is_entry_list(node: yaml.Node | None) -> bool:
    return (isinstance(node, yaml.SequenceNode) and not node.flow_style and bool(node.value)
            and all(_is_block_map(item) for item in node.value))


_LAST: dict[int, int] = {}  # id(node) -> its last content line, for the nodes of the merge under way


def _last_content_line(node: yaml.Node) -> int:
    """`splice._last_line`, remembered per node: every level of the tree asks it of its blocks."""
    found = _LAST.get(id(node))
    if found is None:
        if isinstance(node, yaml.ScalarNode) or node.flow_style or not node.value:
            found = _last_line(node)
        else:
            children = node.value if isinstance(node, yaml.SequenceNode) else [v for pair in node.value for v in pair]
            found = max(_last_content_line(child) for child in children)
        _LAST[id(node)] = found
    return found


def _end(node: yaml.Node, key: yaml.Node | None = None) -> int:
    """The line after the last line holding content of `node` (its key's line at least)."""
    last = _last_content_line(node)
    return max(last, key.start_mark.line if key is not None else last) + 1


def _keys(view: _View) -> dict[str, _View]:
    """The key blocks of a block mapping: each from the end of the one before (so comments above a
    key go with it) to the last line of its own content."""
    out: dict[str, _View] = {}
    start = _first_line(view.node, view.lines)
    for key, value in view.node.value:
        end = _end(value, key)
        data = view.data.get(key.value) if isinstance(view.data, dict) else None
        out[str(key.value)] = _View(view.lines, value, start, end, data)
        start = end
    return out


def _first_line(node: yaml.Node, lines: tuple[str, ...] = ()) -> int:
    """The line a block mapping or entry list begins on: an entry list, its first dash's line (a
    dash may stand alone on the line above the entry's first key)."""
    first = node.value[0]
    start = (first[0] if isinstance(first, tuple) else first).start_mark
    line = start.line
    if isinstance(node, yaml.SequenceNode) and lines and not lines[line][:start.column].strip().endswith("-"):
        while line > 0 and not lines[line].strip().startswith("-"):
            line -= 1
    return line


def _head(view: _View) -> list[str]:
    """The lines of a mapping before its first key (comments above an entry, a file's header)."""
    return list(view.lines[view.start:_first_line(view.node, view.lines)])


def _tail(view: _View) -> list[str]:
    """The lines of a block after its last content (comments at the end of the file)."""
    return list(view.lines[_end(view.node):view.end]) if view.end > _end(view.node) else []


def _entries(view: _View) -> list[_View]:
    """The entries of an entry list: each from the end of the one before to its last content line."""
    datas = view.data if isinstance(view.data, list) else [None] * len(view.node.value)
    out = []
    start = _first_line(view.node, view.lines)
    for item, data in zip(view.node.value, datas, strict=True):
        end = _end(item)
        out.append(_View(view.lines, item, start, end, data))
        start = end
    return out


def _child(view: _View) -> _View:
    """The value of a key block, without the key's own lines: [first item line, end)."""
    return _View(view.lines, view.node, _first_line(view.node, view.lines), view.end, view.data)


def _prefix(view: _View) -> list[str]:
    """The lines of a key block before its value's first item (comments, the `key:` line)."""
    return list(view.lines[view.start:_first_line(view.node, view.lines)])


# ------------------------------------------------------------------------------------------ merging


def _canonical(data: Any, drop: str | None = None) -> str:
    if isinstance(data, dict) and drop:
        data = {k: v for k, v in data.items() if k != drop}
    return json.dumps(data, sort_keys=True, default=str, ensure_ascii=False)


def _date_of(data: Any) -> dt.date | None:
    value = data.get("date") if isinstance(data, dict) else None
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


def _three_way(o: list[str] | None, a: list[str] | None, b: list[str] | None) -> list[str] | None:
    """Plain text three-way choice: the side that changed, or the shared change; else a conflict."""
    if a == o:
        return b
    if b == o or a == b:
        return a
    raise _Conflict


def _markers(ours: list[str], theirs: list[str], newline: str = "\n") -> list[str]:
    """Standard conflict markers around the two versions of one block."""
    return [f"<<<<<<< ours{newline}", *_ended(ours, newline), f"======={newline}", *_ended(theirs, newline),
            f">>>>>>> theirs{newline}"]


def _indent(view: _View) -> int:
    """The column a block mapping's keys, or an entry list's dashes, stand at."""
    line = view.lines[_first_line(view.node, view.lines)]
    if isinstance(view.node, yaml.SequenceNode):
        return len(line) - len(line.lstrip(" "))
    return view.node.value[0][0].start_mark.column


class _Reformatted(MergeError):
    """The two sides indent a block differently: their lines cannot be mixed (one side reformatted)."""


# A token a numbered id can stand in (SAT-01.3, and what it is glued to): a run of word characters,
# dots and dashes with a dot and a digit in it.
_RUN = re.compile(r"(?<![\w.-])[\w.-]*\.\d[\w.-]*")
_NUMBER = re.compile(r"\.(\d+)(?!\w)")
_BOTH = "both"


def _ends(run: str) -> Iterator[int]:
    """Where an id may end in a token: before a dot that no digit follows, or at the token's end."""
    for n, char in enumerate(run):
        if char == "." and (n + 1 == len(run) or not run[n + 1].isdecimal()):
            yield n
    yield len(run)


def _used_numbers(text: str) -> dict[str, int]:
    """For each prefix P written as `P.N` anywhere in the text, the largest N (read once, for every
    prefix: a prefix is counted from the token's start or after any dot or dash in it, so a number
    is never missed, at worst over-counted)."""
    used: dict[str, int] = {}
    for run in set(re.findall(r"[\w.-]+", text)):
        starts = [0, *(n + 1 for n, char in enumerate(run) if char in ".-")]
        for match in _NUMBER.finditer(run):
            if len(match[1]) > 18:
                continue
            end, number = match.start(), int(match[1])
            for start in starts:
                if start < end and used.get(run[start:end], -1) < number:
                    used[run[start:end]] = number
    return used


class _Merger:
    """One merge of three versions; `renames` ({side: {old: new}}) are applied to what each side added.

    With `tagging`, every line of the result knows the blocks it stands in and how each side has
    them (`_Tagged`), so that conflict markers can be put around a block afterwards."""

    def __init__(self, all_text: str, renames: dict[str, dict[str, str]] | None = None, newline: str = "\n",
                 tagging: bool = False) -> None:
        self.all_text = all_text  # the three versions, to find free ids
        self.newline = newline
        self.tagging = tagging
        self.renames = renames if renames is not None else {OURS: {}, THEIRS: {}}
        self.found: dict[str, dict[str, str]] = {OURS: {}, THEIRS: {}}
        self.conflicts: list[str] = []
        self._taken: dict[str, int] = {}
        self._used: dict[str, int] | None = None

    # ------------------------------------------------------------------ blocks

    def value(self, o: _View | None, a: _View | None, b: _View | None, where: str) -> list[str]:
        """The merged text of one block present on both sides (`o` None: added on both)."""
        to, ta, tb = (v.text if v else None for v in (o, a, b))
        if ta == to:  # a block taken whole from one side carries that side's renumbering
            return self._renamed(THEIRS, tb or [])
        if tb == to:
            return self._renamed(OURS, ta or [])
        if ta == tb:
            return ta or []
        if a is None or b is None:
            raise _Conflict
        if all(_is_block_map(v.node) for v in (a, b)) and (o is None or _is_block_map(o.node)):
            return self.mapping(o, a, b, where)
        raise _Conflict

    def keyed(self, o: _View | None, a: _View, b: _View, where: str) -> list[str]:
        """A key block on both sides: its `key:` lines, then its value merged."""
        nodes = [v.node for v in (o, a, b) if v is not None]
        if all(_is_entry_list(n) for n in nodes) or all(_is_block_map(n) for n in nodes):
            head = _three_way(_prefix(o) if o else None, _prefix(a), _prefix(b))
            child = _child(o) if o else None
            if all(_is_entry_list(n) for n in nodes):
                return [*(head or []), *self.entries(child, _child(a), _child(b), where)]
            return [*(head or []), *self.mapping(child, _child(a), _child(b), where)]
        return self.value(o, a, b, where)

    def mapping(self, o: _View | None, a: _View, b: _View, where: str, top: bool = False) -> list[str]:
        """A block mapping changed on both sides: key by key, keys added on either side after the base's."""
        if _indent(a) != _indent(b):
            raise _Reformatted(f"the two sides indent {where.rstrip('.') or 'the file'} differently "
                               "(one side reformatted it)")
        ok = _keys(o) if o else {}
        ak, bk = _keys(a), _keys(b)
        head = self._guard(lambda: _three_way(_head(o) if o else None, _head(a), _head(b)), top, where,
                           _head(a), _head(b))
        out = list(head)
        added = sorted((set(ak) | set(bk)) - set(ok), key=lambda k: (FIELD_ORDER.get(k, len(FIELD_ORDER)), k))
        for key in [*ok, *added]:
            ov, av, bv = ok.get(key), ak.get(key), bk.get(key)
            lines = self._guard(lambda ov=ov, av=av, bv=bv, key=key: self._key(ov, av, bv, f"{where}{key}"), top,
                                f"{where}{key}", av.text if av else [], bv.text if bv else [])
            out += self._tag(lines, av, bv)
        out += self._guard(lambda: _three_way(_tail(o) if o else [], _tail(a), _tail(b)), top, f"{where}(end)",
                           _tail(a), _tail(b))
        return out

    def _key(self, o: _View | None, a: _View | None, b: _View | None, where: str) -> list[str]:
        if a is not None and b is not None:
            return self.keyed(o, a, b, where + ".")
        if o is None:  # added on one side only, with that side's renumbering
            return self._renamed(OURS if a is not None else THEIRS, (a or b).text)  # type: ignore[union-attr]
        present = a or b
        if present is None or present.text == o.text:
            return []  # removed on one side, untouched on the other (or removed on both)
        raise _Conflict

    def _guard(self, merge: Callable[[], list[str] | None], top: bool, where: str, ours: list[str],
               theirs: list[str]) -> list[str]:
        """At the top of the file a conflict is marked where it is; deeper, it goes up to its entry."""
        if not top:
            return merge() or []
        try:
            return merge() or []
        except _Conflict:
            self.conflicts.append(where)
            return _markers(ours, theirs, self.newline)

    def _tag(self, lines: list[str], ours: _View | list[str] | None, theirs: _View | list[str] | None) -> list[str]:
        """The lines, each told it stands in a block that each side has as `ours` / `theirs` (when tagging;
        a side's view is taken with that side's renumbering, a list of lines as it is)."""
        if not self.tagging:
            return lines
        block = _Block(*(self._renamed(side, v.text) if isinstance(v, _View) else list(v or [])
                         for side, v in ((OURS, ours), (THEIRS, theirs))))
        out = []
        for line in lines:
            tagged = _Tagged(line)
            tagged.tags = (block, *getattr(line, "tags", ()))
            out.append(tagged)
        return out

    # ------------------------------------------------------------------ entry lists

    def entries(self, o: _View | None, a: _View, b: _View, where: str) -> list[str]:
        """An entry list: base entries in base order, each merged; added entries placed by date."""
        if _indent(a) != _indent(b):
            raise _Reformatted(f"the two sides indent the entries of {where.rstrip('.') or 'the file'} differently "
                               "(one side reformatted them)")
        base = _entries(o) if o else []
        a_base, a_new = self._match(base, _entries(a))
        b_base, b_new = self._match(base, _entries(b))
        out_base: list[list[str]] = []
        for n, entry in enumerate(base):
            ours, theirs = a_base.get(n), b_base.get(n)
            name = self._name(entry)
            try:
                if ours is not None and theirs is not None:
                    merged = self.value(entry, ours, theirs, f"{where}{name}.")
                else:
                    merged = self._key(entry, ours, theirs, f"{where}{name}")
            except _Conflict:
                self.conflicts.append(f"{where}{name}")
                merged = _markers(ours.text if ours else [], theirs.text if theirs else [], self.newline)
            out_base.append(self._tag(_ended(merged, self.newline), ours, theirs))
        added = self._added(a_new, b_new, where)
        return self._placed(base, out_base, added)

    @staticmethod
    def _identity(entry: _View, ordinal: int) -> tuple:
        data = entry.data if isinstance(entry.data, dict) else {}
        if "id" in data:
            return ("id", str(data["id"]))
        if "date" in data:
            return ("date", str(data["date"]), ordinal)
        return ("content", _canonical(data))

    def _match(self, base: list[_View], side: list[_View]) -> tuple[dict[int, _View], list[_View]]:
        """Which of a side's entries are base entries (by id, else date and rank among that date's
        entries), and which it added."""
        def keyed(entries: list[_View]) -> list[tuple]:
            seen: dict[str, int] = {}
            keys = []
            for entry in entries:
                day = str(_date_of(entry.data))
                seen[day] = seen.get(day, 0) + 1
                keys.append(self._identity(entry, seen[day]))
            return keys
        base_keys = {key: n for n, key in enumerate(keyed(base))}
        matched: dict[int, _View] = {}
        new: list[_View] = []
        for entry, key in zip(side, keyed(side), strict=True):
            if key in base_keys and base_keys[key] not in matched:
                matched[base_keys[key]] = entry
            else:
                new.append(entry)
        return matched, new

    @staticmethod
    def _name(entry: _View) -> str:
        data = entry.data if isinstance(entry.data, dict) else {}
        return str(data.get("id") or data.get("date") or "entry")

    def _added(self, ours: list[_View], theirs: list[_View], where: str) -> list[tuple[tuple, list[str], str]]:
        """Entries added on either side, each once, with their sort key and side (`_BOTH` when both
        added it); an id taken on both sides for different entries renumbers the one that sorts
        second (indications), else is a conflict. Linear: each entry is canonicalised once."""
        found: list[list[Any]] = []  # [side, entry, order]
        index: dict[str, int] = {}
        for side, entries in ((OURS, ours), (THEIRS, theirs)):
            for entry in entries:
                key = _canonical(entry.data)
                if key in index:
                    first = found[index[key]]
                    if first[0] != side:
                        first[0] = _BOTH
                    continue
                index[key] = len(found)
                found.append([side, entry, self._order(entry)])
        by_id: dict[str, list[list[Any]]] = {}
        for item in found:
            ident = item[1].data.get("id") if isinstance(item[1].data, dict) else None
            if ident is not None:
                by_id.setdefault(str(ident), []).append(item)
        keeps = {ident: min(rivals, key=lambda r: r[2]) for ident, rivals in by_id.items() if len(rivals) > 1}
        out: list[tuple[tuple, list[str], str]] = []
        # New numbers are handed out in the entries' own order, not by side: the same either way round.
        for item in sorted(found, key=lambda f: f[2]):
            side, entry, order = item
            renaming = OURS if side == _BOTH else side
            ident = entry.data.get("id") if isinstance(entry.data, dict) else None
            text = self._renamed(renaming, entry.text)
            keep = keeps.get(str(ident)) if ident is not None else None
            if keep is not None and keep is not item:
                match = NUMBERED.match(str(ident))
                if match is None:  # an indicator, scenario or source id chosen twice: the analysts decide
                    self.conflicts.append(f"{where}{ident}")
                    other = next((r[1] for r in by_id[str(ident)] if r[0] != side), keep[1])
                    ours_text, theirs_text = (text, other.text) if side == OURS else (other.text, text)
                    out.append((order, _markers(ours_text, theirs_text, self.newline), _BOTH))
                    continue
                new_id = self.renames[renaming].get(str(ident)) or self._free(match["prefix"])
                self.found[renaming][str(ident)] = new_id
                text = self._renamed(renaming, entry.text, {str(ident): new_id})
            out.append((order, text, side))
        return out

    @staticmethod
    def _order(entry: _View) -> tuple:
        day = _date_of(entry.data)
        return (day is None, day or dt.date.min, _canonical(entry.data, drop="id"))

    def _free(self, prefix: str) -> str:
        """The next indication number under `prefix` used in none of the three versions."""
        if prefix not in self._taken:
            if re.fullmatch(r"[\w.-]+", prefix):
                if self._used is None:
                    self._used = _used_numbers(self.all_text)
                self._taken[prefix] = self._used.get(prefix, 0)
            else:  # a prefix no token holds whole: look for it as it is
                used = [int(n) for n in re.findall(rf"\b{re.escape(prefix)}\.(\d{{1,18}})\b", self.all_text)]
                self._taken[prefix] = max(used, default=0)
        self._taken[prefix] += 1
        return f"{prefix}.{self._taken[prefix]}"

    def _renamed(self, side: str, lines: list[str], extra: dict[str, str] | None = None) -> list[str]:
        """The lines with the side's renumbered ids (and `extra`) replaced wherever they stand whole:
        one pass over the text whatever the number of renames."""
        renames = {**self.renames[side], **extra} if extra else self.renames[side]
        if not renames:
            return lines

        def swap(match: re.Match[str]) -> str:
            run = match[0]
            for end in _ends(run):
                new = renames.get(run[:end])
                if new is not None:
                    return new + run[end:]
            return run

        return [_RUN.sub(swap, line) for line in lines]

    def _placed(self, base: list[_View], merged: list[list[str]], added: list[tuple[tuple, list[str], str]]
                ) -> list[str]:
        """Base entries in base order; each added entry after the last base entry dated on or before
        it (undated lists: at the end), added entries of one gap in their sort order."""
        dated = sorted((d, n) for n, d in enumerate(_date_of(entry.data) for entry in base) if d is not None)
        days = [d for d, _ in dated]
        last = list(_running_max(n for _, n in dated))  # the last base entry dated on or before each day
        gaps: dict[int, list[tuple[tuple, list[str], str]]] = {}
        for order, text, side in added:
            day = None if order[0] else order[1]
            if day is None or not dated:
                at = len(base)
            else:
                k = bisect.bisect_right(days, day)
                at = last[k - 1] + 1 if k else 0
            gaps.setdefault(at, []).append((order, text, side))
        out: list[str] = []
        for n in range(len(base) + 1):
            out += self._gap(sorted(gaps.get(n, []), key=lambda g: g[0]))
            if n < len(base):
                out += merged[n]
        return out

    def _gap(self, entries: list[tuple[tuple, list[str], str]]) -> list[str]:
        """The entries added in one gap between base entries. When tagging, entries that both sides
        added there stand in one block (a conflict about one of them is about what both added)."""
        texts = [(_ended(text, self.newline), side) for _, text, side in entries]
        if not self.tagging:
            return [line for text, _ in texts for line in text]
        sides = {side for _, side in texts}
        if (OURS in sides and THEIRS in sides) or (_BOTH in sides and len(sides) > 1):
            ours = [line for text, side in texts if side != THEIRS for line in text]
            theirs = [line for text, side in texts if side != OURS for line in text]
            return self._tag([line for text, _ in texts for line in text], ours, theirs)
        out: list[str] = []
        for text, side in texts:
            out += self._tag(text, text if side != THEIRS else [], text if side != OURS else [])
        return out


def _running_max(values: Iterable[int]) -> Iterator[int]:
    best = -1
    for value in values:
        best = max(best, value)
        yield best


def _ended(lines: list[str], newline: str = "\n") -> list[str]:
    """The lines, the last one ended with the file's line break."""
    if lines and not lines[-1].endswith("\n"):
        return [*lines[:-1], lines[-1] + newline]
    return lines


Document = tuple[tuple[str, ...], yaml.Node | None, Any]


def _merge_once(texts: tuple[str, str, str], docs: tuple[Document, Document, Document],
                renames: dict[str, dict[str, str]] | None, newline: str, tagging: bool = False
                ) -> tuple[_Merger, list[str]]:
    (lo, no, do), (la, na, da), (lb, nb, db) = docs
    merger = _Merger("".join(texts), renames, newline, tagging)
    if not (_is_block_map(na) and _is_block_map(nb)):
        return merger, list(_three_way_or_mark(lo, la, lb, merger))
    o = _View(lo, no, 0, len(lo), do) if _is_block_map(no) else None
    a, b = _View(la, na, 0, len(la), da), _View(lb, nb, 0, len(lb), db)
    if o is not None and (a.text == o.text or b.text == o.text or a.text == b.text):
        return merger, merger.value(o, a, b, "")
    return merger, merger.mapping(o, a, b, "", top=True)


def _three_way_or_mark(o: tuple[str, ...], a: tuple[str, ...], b: tuple[str, ...], merger: _Merger) -> list[str]:
    try:
        return _three_way(list(o), list(a), list(b)) or []
    except _Conflict:
        merger.conflicts.append("(whole file)")
        return _markers(list(a), list(b), merger.newline)


def merge_texts(base: str, ours: str, theirs: str, tagging: bool = False) -> Merged:
    """Merge `ours` and `theirs`, two versions of a workspace file descending from `base`.

    The result does not depend on which side is `ours` when both sides only added and changed
    different entries. Raises MergeError when a version is not YAML, is refused by the loader's
    limits, or indents a block the other side also changed differently. With `tagging`, the
    result's `lines` know the blocks they stand in (for `_marked`)."""
    texts, newline = _line_endings((base, ours, theirs))
    docs = tuple(_document(t, side) for t, side in zip(texts, ("base", OURS, THEIRS), strict=True))
    _LAST.clear()
    try:
        first, _ = _merge_once(texts, docs, None, newline)  # type: ignore[arg-type]
        renames = first.found
        merger, lines = _merge_once(texts, docs, renames, newline, tagging)  # type: ignore[arg-type]
    finally:
        _LAST.clear()  # ids of nodes about to be freed must not answer for new ones
    renumbered = [(side, old, new) for side in (OURS, THEIRS) for old, new in sorted(renames[side].items())]
    return Merged("".join(lines), merger.conflicts, renumbered, lines)


def _marked(lines: list[str], at: Iterable[int], newline: str) -> list[str] | None:
    """The merged lines with conflict markers around the smallest block each line of `at` (0-based)
    stands in that the two sides have differently (an entry one side added, an entry one side
    changed; entries both sides added in one place together). None when a line stands in no such
    block: the caller marks the whole file."""
    chosen: set[_Block] = set()
    for n in at:
        if not 0 <= n < len(lines):
            return None
        block = next((b for b in reversed(getattr(lines[n], "tags", ())) if b.disputed), None)
        if block is None:
            return None
        chosen.add(block)
    out: list[str] = []
    done: set[_Block] = set()
    for line in lines:
        block = next((b for b in getattr(line, "tags", ()) if b in chosen), None)  # the outermost chosen
        if block is None:
            out.append(str(line))
        elif block not in done:
            done.add(block)
            out += _markers(block.ours, block.theirs, newline)
    return out


# ------------------------------------------------------------------------------------------ the driver


def workspace_root(path: Path) -> Path | None:
    """The workspace folder a file belongs to (the nearest folder holding workspace.yaml)."""
    for folder in [path.parent, *path.parents]:
        if (folder / "workspace.yaml").is_file():
            return folder
    return None


@dataclass
class DriverOutcome:
    """What the merge driver did to one file: what to print, and whether git must stop (conflict)."""

    messages: list[str]
    conflict: bool


@contextlib.contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    """Raise MergeTimeout in the block once `seconds` have passed (SIGALRM: in the main thread of a
    process, as the driver runs; elsewhere the block runs without a limit)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expired(signum: int, frame: object) -> None:
        raise MergeTimeout

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


_BOM = b"\xef\xbb\xbf"


def _lines_of(data: bytes) -> list[bytes]:
    parts = data.split(b"\n")
    lines = [part + b"\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def _whole(ours: bytes, theirs: bytes) -> bytes:
    """The last resort: conflict markers around the part of the file where the two sides differ
    (lines both begin or end with are left outside), in ours' dominant line ending."""
    crlf = ours.count(b"\r\n")
    newline = b"\r\n" if crlf > ours.count(b"\n") - crlf else b"\n"
    a, b = _lines_of(ours), _lines_of(theirs)
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    if head == len(a) == len(b):  # nothing differs: mark it all
        head = tail = 0

    def ended(lines: list[bytes]) -> list[bytes]:
        return [*lines[:-1], lines[-1] + newline] if lines and not lines[-1].endswith(b"\n") else lines

    return b"".join([*a[:head], b"<<<<<<< ours" + newline, *ended(a[head:len(a) - tail]), b"=======" + newline,
                     *ended(b[head:len(b) - tail]), b">>>>>>> theirs" + newline, *a[len(a) - tail:]])


def _whole_streamed(ours: Path, theirs: Path) -> None:
    """`_whole` for files too large to read: both whole between markers, copied through an anonymous
    temporary file (nothing left behind, whatever happens), in bounded memory."""
    with tempfile.TemporaryFile() as tmp:
        tmp.write(b"<<<<<<< ours\n")
        for source, after in ((ours, b"=======\n"), (theirs, b">>>>>>> theirs\n")):
            last = b"\n"
            with open(source, "rb") as handle:
                while chunk := handle.read(1 << 20):
                    tmp.write(chunk)
                    last = chunk[-1:]
            tmp.write(after if last == b"\n" else b"\n" + after)
        tmp.seek(0)
        with open(ours, "wb") as out:
            while chunk := tmp.read(1 << 20):
                out.write(chunk)


class _Check:
    """Whether a merged text may stand without markers: it must read as YAML, within the loader's
    limits, and bring no error into the workspace that ours did not have (errors of any file,
    compared by code and message)."""

    def __init__(self, target: Path, path: str, ours: bytes) -> None:
        self.target, self.path, self.ours = target, path, ours
        self.workspace = workspace_root(target)
        self.display = display_path(target, self.workspace) if self.workspace is not None else path
        self._before: set[tuple[str, str]] | None = None

    def new_errors(self, merged: bytes | str) -> list[Problem]:
        """The errors that keep the merged text from standing without markers: the file's own errors as
        the loader reads it (any of them, even one ours had: a file with one does not load), else the
        workspace's errors that ours did not have."""
        raw = merged.encode("utf-8") if isinstance(merged, str) else merged
        try:
            check_size(len(raw))  # the one limit every incoming file is held to
        except DataFileError as too_large:
            return [too_large.problem(self.display)]
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw[:exc.start].count(b"\n") + 1
            return [Problem(self.display, line, 1, Code.ENCODING, "the merged file is not valid UTF-8",
                            "save the file as UTF-8")]
        if fast_parse(text) is None:  # something unusual (or wrong): the loader's careful parse says what
            parsed = parse_text(text, self.display)
            errors = [p for p in parsed.problems if p.severity is Severity.ERROR]
            if errors or parsed.data is None:
                return errors or parsed.problems
        if self.workspace is None:
            return []
        from indicators.workspace.load import load_workspace

        after = load_workspace(self.workspace, overrides={self.target: text}).errors
        if not after:
            return after
        if self._before is None:
            ours = self.ours.decode("utf-8-sig", "replace")
            self._before = {(p.code, p.message) for p in
                            load_workspace(self.workspace, overrides={self.target: ours}).errors}
        return [p for p in after if (p.code, p.message) not in self._before]



def _invalid(check: _Check, new: list[Problem], how: str) -> list[str]:
    return [f"{check.path if p.path == check.display else p.path}:{p.line}: {how} would not be valid: {p.message} "
            f"[{p.code}]" for p in new]


def _by_identity(texts: tuple[str, str, str], path: str, check: _Check) -> tuple[str, DriverOutcome]:
    """The merge by identity, validated; a merge that would not be valid has its offending entries
    between conflict markers (or, when no entry holds an error, the part of the file where the sides
    differ)."""
    merged = merge_texts(*texts)
    messages = [f"{path}: {side} {old} renumbered to {new}, with its citations" for side, old, new in merged.renumbered]
    if not merged.clean:
        messages += [f"{path}: conflict in {where}: {Code.MERGE_CONFLICT.hint}" for where in merged.conflicts]
        return merged.text, DriverOutcome(messages, True)
    new = check.new_errors(merged.text)
    if not new:
        return merged.text, DriverOutcome(messages, False)
    messages += _invalid(check, new, "the merge")
    at = [p.line - 1 for p in new if p.path == check.display and p.line >= 1]
    marked = None
    if len(at) == len(new):
        tagged = merge_texts(*texts, tagging=True)
        marked = _marked(tagged.lines, at, _dominant(merged.text))
    if marked is None:
        messages.append(f"{path}: both versions are left between conflict markers where they differ: "
                        f"{Code.MERGE_INVALID.hint}")
        return _whole(texts[1].encode("utf-8"), texts[2].encode("utf-8")).decode("utf-8"), DriverOutcome(messages, True)
    messages.append(f"{path}: the entries that bring these errors are left between conflict markers: "
                    f"{Code.MERGE_INVALID.hint}")
    return "".join(marked), DriverOutcome(messages, True)


def _by_line(paths: tuple[Path, Path, Path], raws: list[bytes], path: str, why: str, check: _Check,
             seconds: float) -> tuple[bytes, DriverOutcome]:
    """git's own line merge (conflict markers where lines clash); a clean result that would not be
    valid is left as a conflict, both versions between markers where they differ."""
    base, ours, theirs = paths
    try:
        done = subprocess.run(["git", "merge-file", "-p", "-L", "ours", "-L", "base", "-L", "theirs", str(ours),
                               str(base), str(theirs)], capture_output=True, check=False, timeout=seconds + GIT_SLACK_S)
    except (OSError, subprocess.SubprocessError) as err:
        return _whole(raws[1], raws[2]), DriverOutcome([f"{path}: {why}; git's line merge failed ({err}): both "
                                                         "versions are left between conflict markers"], True)
    if 0 < done.returncode < 128:
        count = f"{done.returncode} conflict{'s' if done.returncode > 1 else ''}"
        return done.stdout, DriverOutcome([f"{path}: {why}; merged line by line, {count} marked"], True)
    if done.returncode != 0:
        error = done.stderr.decode("utf-8", "replace").strip() or f"exit {done.returncode}"
        return _whole(raws[1], raws[2]), DriverOutcome([f"{path}: {why}; git's line merge failed ({error}): both "
                                                         "versions are left between conflict markers"], True)
    new = check.new_errors(done.stdout)
    if not new:
        return done.stdout, DriverOutcome([f"{path}: {why}; merged line by line"], False)
    return _whole(raws[1], raws[2]), DriverOutcome(
        [f"{path}: {why}", *_invalid(check, new, "the line merge"),
         f"{path}: both versions are left between conflict markers where they differ: {Code.MERGE_INVALID.hint}"],
        True)


def run_driver(base: Path, ours: Path, theirs: Path, path: str, root: Path | None = None) -> DriverOutcome:
    """The git merge driver on one file: merge `theirs` into `ours` (written in place, as bytes).

    Each version is read within the loader's limits. A version that is not YAML (or that the
    loader refuses), a side that reformatted the file, or a merge that does not finish within
    `INDICATORS_MERGE_TIMEOUT` seconds gets git's line merge instead (under the same limit). A merge
    that would make the workspace invalid is a conflict with the offending entries between markers.
    Whatever happens, a conflict leaves conflict markers in the file, and a file without markers
    reads as YAML; the reasons are in the messages."""
    seconds = merge_timeout()
    try:
        raws = [read_bounded(p, max_file_bytes()) for p in (base, ours, theirs)]
    except DataFileError as err:
        message = f"{path}: a version cannot be merged: {err.message} ({err.code})"
        try:
            _whole_streamed(ours, theirs)
        except OSError as exc:
            return DriverOutcome([message, f"{path}: the file could not be marked either ({exc})"], True)
        return DriverOutcome([message, f"{path}: both versions are left whole between conflict markers"], True)
    check = _Check((root or Path.cwd()) / path, path, raws[1])
    boms = [raw.startswith(_BOM) for raw in raws]
    bom = _BOM if (boms[1] if boms[1] != boms[0] else boms[2]) else b""
    why = ""
    try:
        texts = tuple(raw[len(_BOM):].decode("utf-8") if has else raw.decode("utf-8")
                      for raw, has in zip(raws, boms, strict=True))
    except UnicodeDecodeError:
        why = "a version is not UTF-8"
    if not why:
        try:
            with _deadline(seconds):
                text, outcome = _by_identity(texts, path, check)  # type: ignore[arg-type]
        except MergeError as exc:
            why = str(exc)
        except MergeTimeout:
            why = f"the merge by identity did not finish within {seconds:g} s (INDICATORS_MERGE_TIMEOUT)"
        except Exception as exc:  # noqa: BLE001 — a merge the driver cannot do is git's to do, never a lost side
            why = f"the merge by identity failed ({type(exc).__name__}: {exc})"
        else:
            return _written(ours, bom + text.encode("utf-8"), outcome, raws, path)
    try:
        with _deadline(seconds):
            data, outcome = _by_line((base, ours, theirs), raws, path, why, check, seconds)
    except MergeTimeout:
        data, outcome = _whole(raws[1], raws[2]), DriverOutcome(
            [f"{path}: {why}; the line merge did not finish within {seconds:g} s either: both versions are left "
             "between conflict markers where they differ"], True)
    except Exception as exc:  # noqa: BLE001 — whatever fails, the analyst gets both sides to choose from
        data, outcome = _whole(raws[1], raws[2]), DriverOutcome(
            [f"{path}: {why}; the line merge failed ({type(exc).__name__}: {exc}): both versions are left "
             "between conflict markers where they differ"], True)
    return _written(ours, data, outcome, raws, path)


def _written(ours: Path, data: bytes, outcome: DriverOutcome, raws: list[bytes], path: str) -> DriverOutcome:
    """Write the result into `ours`; a conflict always leaves markers (the last resort: `_whole`)."""
    if outcome.conflict and MARKER not in data:
        data = _whole(raws[1], raws[2])
        outcome.messages.append(f"{path}: both versions are left between conflict markers where they differ")
    ours.write_bytes(data)
    return outcome
