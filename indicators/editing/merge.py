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

Every line that is kept keeps its bytes (comments, layout): text is cut from the three versions,
never re-rendered, so `git diff` against the base shows only the lines each side added.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from indicators.editing.splice import SpliceError, _last_line, compose
from indicators.workspace.model import Assessment, Indication, IndicatorHeader, Judgment, Scenario, WorkspaceFile
from indicators.workspace.problems import Code

OURS, THEIRS = "ours", "theirs"
NUMBERED = re.compile(r"^(?P<prefix>.+)\.(?P<n>\d+)$")  # indication ids: SAT-01.3
# Where keys added on one side go among the keys of the base: in the order the models list them.
FIELD_ORDER = {name: n for n, name in enumerate(dict.fromkeys(
    [*WorkspaceFile.model_fields, *Scenario.model_fields, *IndicatorHeader.model_fields, "indications",
     "assessments", *Indication.model_fields, *Assessment.model_fields, *Judgment.model_fields]))}


class MergeError(ValueError):
    """A version could not be read as YAML: the caller falls back to a line merge."""


class _Conflict(Exception):
    """The same block was changed differently on both sides."""


@dataclass(frozen=True)
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


@dataclass
class Merged:
    """The merged text, the true conflicts left in it, and the ids renumbered on the way."""

    text: str
    conflicts: list[str] = field(default_factory=list)
    renumbered: list[tuple[str, str, str]] = field(default_factory=list)  # (side, old id, new id)

    @property
    def clean(self) -> bool:
        return not self.conflicts


# ------------------------------------------------------------------------------------------ reading


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


_Constructor = yaml.CSafeLoader if getattr(yaml, "__with_libyaml__", False) else yaml.SafeLoader


def _document(text: str, side: str) -> tuple[tuple[str, ...], yaml.Node | None, Any]:
    """A version's lines, node tree and data (the data built from the same tree: parsed once, by libyaml)."""
    if text and not text.endswith("\n"):
        text += _newline(text)
    try:
        node = compose(text) if text.strip() else None
        data = _Constructor("").construct_document(node) if node is not None else None
    except (SpliceError, yaml.YAMLError) as exc:
        raise MergeError(f"the {side} version is not valid YAML: {exc}") from None
    return tuple(text.splitlines(keepends=True)), node, data


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


class _Merger:
    """One merge of three versions; `renames` ({side: {old: new}}) are applied to what each side added."""

    def __init__(self, all_text: str, renames: dict[str, dict[str, str]] | None = None, newline: str = "\n") -> None:
        self.all_text = all_text  # the three versions, to find free ids
        self.newline = newline
        self.renames = renames if renames is not None else {OURS: {}, THEIRS: {}}
        self.found: dict[str, dict[str, str]] = {OURS: {}, THEIRS: {}}
        self.conflicts: list[str] = []
        self._taken: dict[str, int] = {}

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
        ok = _keys(o) if o else {}
        ak, bk = _keys(a), _keys(b)
        head = self._guard(lambda: _three_way(_head(o) if o else None, _head(a), _head(b)), top, where,
                           _head(a), _head(b))
        out = list(head)
        added = sorted((set(ak) | set(bk)) - set(ok), key=lambda k: (FIELD_ORDER.get(k, len(FIELD_ORDER)), k))
        for key in [*ok, *added]:
            ov, av, bv = ok.get(key), ak.get(key), bk.get(key)
            out += self._guard(lambda ov=ov, av=av, bv=bv, key=key: self._key(ov, av, bv, f"{where}{key}"), top,
                               f"{where}{key}", av.text if av else [], bv.text if bv else [])
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

    # ------------------------------------------------------------------ entry lists

    def entries(self, o: _View | None, a: _View, b: _View, where: str) -> list[str]:
        """An entry list: base entries in base order, each merged; added entries placed by date."""
        base = _entries(o) if o else []
        a_base, a_new = self._match(base, _entries(a))
        b_base, b_new = self._match(base, _entries(b))
        out_base: list[list[str]] = []
        for n, entry in enumerate(base):
            ours, theirs = a_base.get(n), b_base.get(n)
            name = self._name(entry)
            try:
                if ours is not None and theirs is not None:
                    out_base.append(self.value(entry, ours, theirs, f"{where}{name}."))
                else:
                    out_base.append(self._key(entry, ours, theirs, f"{where}{name}"))
            except _Conflict:
                self.conflicts.append(f"{where}{name}")
                out_base.append(_markers(ours.text if ours else [], theirs.text if theirs else [], self.newline))
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

    def _added(self, ours: list[_View], theirs: list[_View], where: str) -> list[tuple[tuple, list[str]]]:
        """Entries added on either side, each once, with their sort key; an id taken on both sides
        for different entries renumbers the one that sorts second (indications), else is a conflict."""
        found: list[tuple[str, _View]] = []
        for side, entries in ((OURS, ours), (THEIRS, theirs)):
            for entry in entries:
                same = [(s, e) for s, e in found if _canonical(e.data) == _canonical(entry.data)]
                if not same:
                    found.append((side, entry))
        by_id: dict[str, list[tuple[str, _View]]] = {}
        for side, entry in found:
            ident = entry.data.get("id") if isinstance(entry.data, dict) else None
            if ident is not None:
                by_id.setdefault(str(ident), []).append((side, entry))
        out: list[tuple[tuple, list[str]]] = []
        # New numbers are handed out in the entries' own order, not by side: the same either way round.
        for side, entry in sorted(found, key=lambda f: self._order(f[1])):
            ident = entry.data.get("id") if isinstance(entry.data, dict) else None
            text = self._renamed(side, entry.text)
            rivals = by_id.get(str(ident), []) if ident is not None else []
            if len(rivals) > 1 and (side, entry) != min(rivals, key=lambda r: self._order(r[1])):
                match = NUMBERED.match(str(ident))
                if match is None:  # an indicator, scenario or source id chosen twice: the analysts decide
                    self.conflicts.append(f"{where}{ident}")
                    other = next((e for s, e in rivals if s != side), rivals[0][1])
                    ours_text, theirs_text = (text, other.text) if side == OURS else (other.text, text)
                    out.append((self._order(entry), _markers(ours_text, theirs_text, self.newline)))
                    continue
                new_id = self.renames[side].get(str(ident)) or self._free(match["prefix"])
                self.found[side][str(ident)] = new_id
                text = self._renamed(side, entry.text, {str(ident): new_id})
            out.append((self._order(entry), text))
        return out

    @staticmethod
    def _order(entry: _View) -> tuple:
        day = _date_of(entry.data)
        return (day is None, day or dt.date.min, _canonical(entry.data, drop="id"))

    def _free(self, prefix: str) -> str:
        """The next indication number under `prefix` used in none of the three versions."""
        if prefix not in self._taken:
            used = [int(n) for n in re.findall(rf"\b{re.escape(prefix)}\.(\d+)\b", self.all_text)]
            self._taken[prefix] = max(used, default=0)
        self._taken[prefix] += 1
        return f"{prefix}.{self._taken[prefix]}"

    def _renamed(self, side: str, lines: list[str], extra: dict[str, str] | None = None) -> list[str]:
        renames = {**self.renames[side], **(extra or {})}
        if not renames:
            return lines
        pattern = re.compile(r"(?<![\w.-])(" + "|".join(map(re.escape, renames)) + r")(?![\w-]|\.\d)")
        return [pattern.sub(lambda m: renames[m.group(1)], line) for line in lines]

    def _placed(self, base: list[_View], merged: list[list[str]], added: list[tuple[tuple, list[str]]]) -> list[str]:
        """Base entries in base order; each added entry after the last base entry dated on or before
        it (undated lists: at the end), added entries of one gap in their sort order."""
        gaps: dict[int, list[tuple[tuple, list[str]]]] = {}
        dates = [_date_of(entry.data) for entry in base]
        for order, text in added:
            day = None if order[0] else order[1]
            if day is None or not any(d is not None for d in dates):
                at = len(base)
            else:
                earlier = [n for n, d in enumerate(dates) if d is not None and d <= day]
                at = earlier[-1] + 1 if earlier else 0
            gaps.setdefault(at, []).append((order, text))
        out: list[str] = []
        for n in range(len(base) + 1):
            for _, text in sorted(gaps.get(n, []), key=lambda g: g[0]):
                out += _ended(text, self.newline)
            if n < len(base):
                out += _ended(merged[n], self.newline)
        return out


def _ended(lines: list[str], newline: str = "\n") -> list[str]:
    """The lines, the last one ended with the file's line break."""
    if lines and not lines[-1].endswith("\n"):
        return [*lines[:-1], lines[-1] + newline]
    return lines


Document = tuple[tuple[str, ...], yaml.Node | None, Any]


def _merge_once(texts: tuple[str, str, str], docs: tuple[Document, Document, Document],
                renames: dict[str, dict[str, str]] | None) -> tuple[_Merger, list[str]]:
    (lo, no, do), (la, na, da), (lb, nb, db) = docs
    merger = _Merger("".join(texts), renames, _newline(texts[1]))
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


def merge_texts(base: str, ours: str, theirs: str) -> Merged:
    """Merge `ours` and `theirs`, two versions of a workspace file descending from `base`.

    The result does not depend on which side is `ours` when both sides only added and changed
    different entries. Raises MergeError when a version is not YAML."""
    texts = (base, ours, theirs)
    docs = tuple(_document(t, side) for t, side in zip(texts, ("base", OURS, THEIRS), strict=True))
    _LAST.clear()
    try:
        first, _ = _merge_once(texts, docs, None)  # type: ignore[arg-type]
        renames = first.found
        merger, lines = _merge_once(texts, docs, renames)  # type: ignore[arg-type]
    finally:
        _LAST.clear()  # ids of nodes about to be freed must not answer for new ones
    renumbered = [(side, old, new) for side in (OURS, THEIRS) for old, new in sorted(renames[side].items())]
    return Merged("".join(lines), merger.conflicts, renumbered)


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


def _line_merge(base: Path, ours: Path, theirs: Path, path: str, why: str) -> DriverOutcome:
    """git's own line merge into `ours` (conflict markers where lines clash)."""
    done = subprocess.run(["git", "merge-file", "-L", "ours", "-L", "base", "-L", "theirs",
                           str(ours), str(base), str(theirs)], capture_output=True, text=True, check=False)
    return DriverOutcome([f"{path}: {why}; merged line by line"], done.returncode != 0)


def run_driver(base: Path, ours: Path, theirs: Path, path: str, root: Path | None = None) -> DriverOutcome:
    """The git merge driver on one file: merge `theirs` into `ours` (written in place).

    A file that is not YAML on some side gets git's line merge. A merged file that would make the
    workspace invalid is reported as a conflict (the merged text is left for the analyst to fix)."""
    from indicators.workspace.load import load_workspace

    try:
        texts = [p.read_text(encoding="utf-8") for p in (base, ours, theirs)]
        merged = merge_texts(*texts)
    except (MergeError, UnicodeDecodeError) as exc:
        return _line_merge(base, ours, theirs, path, str(exc))
    except Exception as exc:  # noqa: BLE001 — a merge the driver cannot do is git's to do, never a lost side
        return _line_merge(base, ours, theirs, path, f"the merge by identity failed ({type(exc).__name__}: {exc})")
    ours.write_text(merged.text, encoding="utf-8")
    messages = [f"{path}: {side} {old} renumbered to {new}, with its citations"
                for side, old, new in merged.renumbered]
    if not merged.clean:
        messages += [f"{path}: conflict in {where}: {Code.MERGE_CONFLICT.hint}" for where in merged.conflicts]
        return DriverOutcome(messages, True)
    target = (root or Path.cwd()) / path
    workspace = workspace_root(target)
    if workspace is not None:
        before = {(p.code, p.message) for p in load_workspace(workspace, overrides={target: texts[1]}).errors}
        after = load_workspace(workspace, overrides={target: merged.text}).errors
        new = [p for p in after if (p.code, p.message) not in before]
        if new:
            messages += [f"{path}: the merge would not be valid: {p.message} — {Code.MERGE_INVALID.hint}"
                         for p in new]
            return DriverOutcome(messages, True)
    return DriverOutcome(messages, False)
