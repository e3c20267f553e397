"""Analyst names that a reader would take for one another: the same letters but for case, spacing
or a look-alike from another script (Cyrillic "Аnn" and Latin "Ann"). Entries signed both ways
split one analyst's track record in two, or let one analyst pass for another; `validate` warns
at each place the less used spelling is written, pointing at the first use of the other.

The test is a small skeleton in the spirit of Unicode's confusables (UTS #39), kept to what names
need: NFKC, format characters dropped, the common Cyrillic, Greek and Armenian look-alikes of Latin
letters mapped to them, case folded and white space collapsed. It runs on every load, so it costs
one dictionary pass over the names (each distinct spelling is folded once) and reads positions only
when there is something to report.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from indicators.workspace.loaded import WORKSPACE_FILE, Workspace
from indicators.workspace.problems import Code, Problem, Severity, display_path

if TYPE_CHECKING:
    from indicators.workspace.located import Located

# Capital letters that look like a Latin capital (whose small letter may look like another one:
# Greek Ν is N, but ν is v), mapped before case folding.
_CAPITALS = {
    # Cyrillic
    "А": "A", "В": "B", "Е": "E", "З": "3", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C",
    "Т": "T", "У": "Y", "Х": "X", "Ѕ": "S", "І": "I", "Ј": "J", "Ү": "Y", "Ԛ": "Q", "Ԝ": "W", "Ӏ": "I",
    "Ь": "b",
    # Greek
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O",
    "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X", "Ϲ": "C", "Ϳ": "J",
    # Armenian
    "Օ": "O", "Ս": "U", "Տ": "S",
}
# Small letters (after case folding) that look like a Latin small letter.
_SMALL = {
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "ë", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "ѕ": "s",
    "і": "i", "ї": "ï", "ј": "j", "һ": "h", "ԛ": "q", "ԝ": "w", "ӏ": "l", "к": "k", "м": "m", "н": "h",
    "т": "t", "ь": "b", "п": "n", "г": "r", "ԁ": "d", "ɡ": "g",
    # Greek
    "α": "a", "β": "b", "ε": "e", "ζ": "z", "η": "n", "ι": "i", "κ": "k", "μ": "u", "ν": "v", "ο": "o",
    "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "γ": "y", "ϲ": "c", "ϳ": "j", "ω": "w",
    # Armenian
    "օ": "o", "ս": "u", "հ": "h", "ո": "n", "ց": "g", "զ": "q",
    # Latin letters that pass for others
    "ı": "i", "ȷ": "j", "ɑ": "a",
}
_CAPITALS_TABLE = str.maketrans(_CAPITALS)
_SMALL_TABLE = str.maketrans(_SMALL)


def skeleton(name: str) -> str:
    """What a name looks like, for comparing names: NFKC, format characters (zero-width, bidi) dropped,
    look-alike capitals mapped to Latin, case folded, look-alike small letters mapped to Latin, and
    white space collapsed. Two names with one skeleton read as one."""
    if name.isascii():
        return " ".join(name.casefold().split())
    # mapped before NFKC too, which turns some look-alikes (the lunate sigma ϲ) into other letters (σ)
    text = unicodedata.normalize("NFKC", name.translate(_CAPITALS_TABLE).translate(_SMALL_TABLE))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf").translate(_CAPITALS_TABLE)
    return " ".join(text.casefold().translate(_SMALL_TABLE).split())


def _differences(spelling: str, other: str) -> str:
    """How two names of one skeleton differ, in words: case, spacing, and the look-alike letters."""
    def shape(name: str) -> str:  # the skeleton but for case
        text = unicodedata.normalize("NFKC", name.translate(_CAPITALS_TABLE).translate(_SMALL_TABLE))
        text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
        return " ".join(text.translate(_CAPITALS_TABLE).translate(_SMALL_TABLE).split())

    how = ["case"] if shape(spelling) != shape(other) else []
    if re.findall(r"\s+", spelling) != re.findall(r"\s+", other):
        how.append("spacing")
    odd = sorted({ch for ch in spelling + other if not ch.isascii() and not ch.isspace() and (
        ch in _CAPITALS or ch in _SMALL or unicodedata.category(ch) == "Cf"
        or unicodedata.normalize("NFKC", ch) != ch)})
    if odd:
        how.append("look-alike letters " + ", ".join(f"{ch!r} ({unicodedata.name(ch, f'U+{ord(ch):04X}').title()})"
                                                     for ch in odd))
    return ", ".join(how) or "case"


def _withdrawal(item: Any) -> Iterator[str]:
    if item.withdrawn is not None:
        yield item.withdrawn.analyst


def _workspace_names(workspace: Workspace) -> Iterator[str]:
    for scenario in workspace.scenarios:
        if scenario.retired is not None:
            yield scenario.retired.analyst
        if scenario.resolution is not None:
            yield scenario.resolution.analyst
        for assumption in scenario.assumptions:
            for check in assumption.checks:
                yield check.analyst
        for judgment in scenario.judgments:
            yield judgment.analyst
            yield from _withdrawal(judgment)


def _indicator_names(indicator: Any) -> Iterator[str]:
    if indicator.retired is not None:
        yield indicator.retired.analyst
    for indication in indicator.indications:
        if indication.analyst is not None:
            yield indication.analyst
        yield from _withdrawal(indication)
    for assessment in indicator.assessments:
        yield assessment.analyst
        yield from _withdrawal(assessment)


def analyst_uses(workspace: Workspace) -> tuple[Counter[str], dict[str, list[Path]]]:
    """How often each spelling of an analyst name is written, and the files it is written in (in the
    order the loader reads them: workspace.yaml, the indicator files, the rating files)."""
    written: list[tuple[Path, list[str]]] = [(workspace.root / WORKSPACE_FILE, list(_workspace_names(workspace)))]
    for indicator in workspace.indicators:  # in file order: one run of names per file
        path = workspace.files_by_indicator[indicator.id].path
        if path is not written[-1][0]:
            written.append((path, []))
        written[-1][1].extend(_indicator_names(indicator))
    written.extend((rated.path, [rated.analyst]) for rated in workspace.analyst_ratings)
    counts: Counter[str] = Counter()
    files: dict[str, list[Path]] = {}
    for path, names in written:
        here = Counter(names)
        counts.update(here)
        for name in here:
            where = files.setdefault(name, [])
            if not where or where[-1] != path:
                where.append(path)
    return counts, files


def _positions(data: Any, spelling: str) -> Iterator[Any]:
    """The positions of every `analyst:` value written as `spelling` in a located parse, in order."""
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            value = node.get("analyst")
            if isinstance(value, str) and value.strip() == spelling:
                pos = getattr(node, "value_pos", {}).get("analyst")
                if pos is not None:
                    yield pos
            stack.extend(reversed([v for v in node.values() if isinstance(v, dict | list)]))
        elif isinstance(node, list):
            stack.extend(reversed([v for v in node if isinstance(v, dict | list)]))


def confusable_analysts(workspace: Workspace, located: Located) -> list[Problem]:
    """A warning at every `analyst:` value spelled like another analyst's name but for case, spacing
    or look-alike letters (`skeleton`), pointing at the first use of the spelling used most."""
    counts, files = analyst_uses(workspace)
    groups: dict[str, list[str]] = {}
    for spelling in counts:  # in the order first met
        groups.setdefault(skeleton(spelling), []).append(spelling)
    problems: list[Problem] = []
    for spellings in groups.values():
        if len(spellings) < 2:
            continue
        main = max(spellings, key=lambda s: counts[s])  # the most used; of equals, the first met
        first = next((pos for path in files[main] for pos in _positions(located.data(path), main)), None)
        there = (f"{display_path(files[main][0], workspace.root)}:{first.line}:{first.column}" if first
                 else display_path(files[main][0], workspace.root))
        for spelling in spellings:
            if spelling == main:
                continue
            for path in files[spelling]:
                for pos in _positions(located.data(path), spelling):
                    problems.append(Problem(
                        display_path(path, workspace.root), pos.line, pos.column, Code.CONFUSABLE_ANALYST,
                        f"analyst {spelling!r} looks like {main!r} (written {counts[main]} "
                        f"time{'s' if counts[main] != 1 else ''}, first at {there}) but differs in "
                        f"{_differences(spelling, main)}",
                        f"if this is the same person, write {main!r}; if not, tell the names apart",
                        Severity.WARNING))
    return problems
