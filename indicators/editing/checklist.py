"""Keeping the checklist alive: add indicators and scenarios, retire them, withdraw entries, review.

Each planner returns an `updates.Edit` (the exact new text of each file it touches), validated
against the whole workspace first, like `record`, `assess` and `judge`. Nothing is ever deleted:
a retirement or withdrawal adds keys under the entry (`retired:`, `withdrawn:`), so `git diff`
shows only added lines and the board as of an earlier date is unchanged.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import re
from pathlib import Path
from typing import Any

import yaml

from indicators.editing.splice import SpliceError, add_keys, append_to_list, child, compose, dated_item, find_item
from indicators.editing.updates import (
    Edit,
    EditRefused,
    FileText,
    _check_entry,
    _entry,
    _indicator_file,
    _no_future,
    _read_text,
    canonical_id,
    canonical_value,
    new_errors,
    plan_assessment,
)
from indicators.workspace.entries import DATED_ID, EntryRef, entries_of, find_entry, watch_on
from indicators.workspace.load import INDICATOR_DIR, WORKSPACE_FILE, Workspace
from indicators.workspace.model import (
    INDICATOR_ID,
    SCENARIO_ID,
    THEME,
    Assumption,
    AssumptionCheck,
    IndicatorHeader,
    Resolution,
    Retirement,
    Scenario,
    Withdrawal,
)
from indicators.workspace.problems import Code, Problem
from indicators.workspace.vocab import ASSUMPTION_STATUS, MARKING, OUTCOME, PRIORITY, RATING, Watch, loose_match

# ------------------------------------------------------------------------------------------ shared


def _cannot(path: Path, exc: Exception) -> EditRefused:
    return EditRefused.of(Code.CANNOT_EDIT, f"cannot edit {path.name}: {exc}",
                          "fix the file (see 'indicators validate')", str(path))


def _node(path: Path, text: str, find: Any) -> yaml.MappingNode:
    try:
        return find(compose(text))
    except (SpliceError, yaml.YAMLError) as exc:
        raise _cannot(path, exc) from None


def _with_keys(path: Path, text: str, node: yaml.MappingNode, data: dict[str, Any]) -> str:
    try:
        return add_keys(text, node, data)
    except (SpliceError, yaml.YAMLError) as exc:
        raise _cannot(path, exc) from None


def _finish_all(ws: Workspace, files: list[FileText], kind: str, subject: str, new_id: str,
                entry: dict[str, Any], notes: list[str] | None = None) -> Edit:
    """One change over several files, validated together; refused if it adds any error."""
    added = new_errors(ws, {f.path: f.after for f in files})
    if added:
        raise EditRefused(added)
    first, *more = files
    return Edit(first.path, first.before, first.after, kind, subject, new_id, entry, more, notes or [])


def _dated(day: dt.date | None, today: dt.date | None, what: str) -> dt.date:
    if day is None:
        raise EditRefused.of(Code.MISSING_FIELD, f"the {what} needs a date", "give --date YYYY-MM-DD (or 'today')")
    _no_future(day, today or dt.date.today())
    return day


# ------------------------------------------------------------------------------------------ withdraw


def _unknown_entry(ws: Workspace, text: str) -> EditRefused:
    names = [ref.id for ref in entries_of(ws)]
    near = difflib.get_close_matches(text.strip().upper(), [n.upper() for n in names], n=3, cutoff=0.7)
    shown = [n for n in names if n.upper() in near]
    hint = f"did you mean {', '.join(shown)}?" if shown else Code.UNKNOWN_ENTRY.hint
    return EditRefused.of(Code.UNKNOWN_ENTRY, f"no indication, assessment or judgment {text.strip()!r}", hint)


def _entry_node(ref: EntryRef, siblings: list[Any]) -> Any:
    """How to find the entry's mapping node in its file's tree (`siblings`: the valid entries of its list)."""
    if ref.kind == "indication":
        def find(root: yaml.Node) -> yaml.MappingNode:
            return find_item(find_item(root, "indicators", ref.subject), "indications", ref.id)
        return find
    match = DATED_ID.match(ref.id)
    assert match is not None  # names come from entries.dated_id
    day, n = dt.date.fromisoformat(match["date"]), int(match["n"] or 1)
    list_key, key = ("indicators", "assessments") if ref.kind == "assessment" else ("scenarios", "judgments")
    same_day = sum(1 for other in siblings if other.date == day)
    return lambda root: dated_item(find_item(root, list_key, ref.subject), key, day, n, same_day)


def plan_withdrawal(ws: Workspace, entry_id: str, *, reason: str, analyst: str, date: dt.date | None = None,
                    today: dt.date | None = None) -> Edit:
    """Plan withdrawing an indication, assessment or judgment: from `date` on it counts for nothing.

    `entry_id` is an indication id (`SAT-01.3`) or the name `assess`/`judge` printed
    (`SAT-01@2024-11-21`, `….2` for a second one that day)."""
    ref = find_entry(ws, entry_id)
    if ref is None:
        raise _unknown_entry(ws, entry_id)
    day = _dated(date, today, "withdrawal")
    if ref.entry.withdrawn is not None:
        raise EditRefused.of(Code.ALREADY_WITHDRAWN, f"{ref.id} was already withdrawn on {ref.entry.withdrawn.date} "
                             f"({ref.entry.withdrawn.reason})", "nothing to do: a withdrawal stands as written")
    if day < ref.entry.date:
        raise EditRefused.of(Code.WITHDRAWN_BEFORE_ENTRY, f"{ref.id} is dated {ref.entry.date}: it cannot be "
                             f"withdrawn on {day}, before it was made", Code.WITHDRAWN_BEFORE_ENTRY.hint)
    model = _check_entry(Withdrawal, {"date": day, "reason": reason, "analyst": analyst})
    entry = _entry(model)
    path = _indicator_file(ws, ref.subject) if ref.kind != "judgment" else ws.root / WORKSPACE_FILE
    text = _read_text(path)
    owner = ws.scenario_by_id.get(ref.subject) if ref.kind == "judgment" else ws.indicator_by_id.get(ref.subject)
    siblings = list(getattr(owner, {"indication": "indications", "assessment": "assessments",
                                    "judgment": "judgments"}[ref.kind], []))
    node = _node(path, text, _entry_node(ref, siblings))
    after = _with_keys(path, text, node, {"withdrawn": entry})
    return _finish_all(ws, [FileText(path, text, after)], "withdrawal", ref.subject, ref.id, entry,
                       _cites_note(ws, ref))


def _cites_note(ws: Workspace, ref: EntryRef) -> list[str]:
    """Assessments resting on a withdrawn indication: the analyst should reassess."""
    if ref.kind != "indication":
        return []
    citing = [r.id for r in entries_of(ws) if r.kind == "assessment" and ref.id in r.entry.cites
              and r.entry.withdrawn is None]
    return [f"{name} cites {ref.id}: reassess {name.split('@')[0]} without it" for name in citing]


# ------------------------------------------------------------------------------------------ retire


def plan_retirement(ws: Workspace, item_id: str, *, reason: str, analyst: str, date: dt.date | None = None,
                    today: dt.date | None = None) -> Edit:
    """Plan retiring an indicator or scenario: it stops counting from `date` on and keeps its history."""
    known = [*ws.indicator_by_id, *ws.scenario_by_id]
    item_id = canonical_id(item_id, known)
    item = ws.indicator_by_id.get(item_id) or ws.scenario_by_id.get(item_id)
    if item is None:
        near = difflib.get_close_matches(item_id.upper(), known, n=3)
        raise EditRefused.of(Code.UNKNOWN_INDICATOR, f"no indicator or scenario {item_id!r}",
                             f"did you mean {', '.join(near)}?" if near else "run 'indicators list' for the ids")
    day = _dated(date, today, "retirement")
    if item.retired is not None:
        raise EditRefused.of(Code.ALREADY_RETIRED, f"{item_id} was already retired on {item.retired.date}",
                             Code.ALREADY_RETIRED.hint)
    if item.added is not None and day < item.added:
        raise EditRefused.of(Code.RETIRED_BEFORE_ADDED, f"{item_id} was added on {item.added}: it cannot be retired "
                             f"on {day}", Code.RETIRED_BEFORE_ADDED.hint)
    entry = _entry(_check_entry(Retirement, {"date": day, "reason": reason, "analyst": analyst}))
    return _keyed_on(ws, item_id, "retired", entry, "retirement")


def _keyed_on(ws: Workspace, item_id: str, key: str, entry: dict[str, Any], kind: str) -> Edit:
    """Add `key: entry` under an indicator or scenario (only added lines), validated with the rest."""
    scenario = item_id in ws.scenario_by_id
    path = ws.root / WORKSPACE_FILE if scenario else _indicator_file(ws, item_id)
    text = _read_text(path)
    node = _node(path, text, lambda root: find_item(root, "scenarios" if scenario else "indicators", item_id))
    after = _with_keys(path, text, node, {key: entry})
    return _finish_all(ws, [FileText(path, text, after)], kind, item_id, item_id, entry)


# ------------------------------------------------------------------------------------------ resolve


def plan_resolution(ws: Workspace, scenario_id: str, *, outcome: str, rationale: str, analyst: str,
                    date: dt.date | None = None, today: dt.date | None = None) -> Edit:
    """Plan resolving a scenario's question: how it came out (occurred, did_not_occur, ambiguous),
    on which day, and why; its judgments are then scored (`scoring.track`)."""
    scenario = _scenario_of(ws, scenario_id)
    scenario_id = scenario.id
    day = _dated(date, today, "resolution")
    if scenario.resolution is not None:
        raise EditRefused.of(Code.ALREADY_RESOLVED, f"{scenario_id} was already resolved on {scenario.resolution.date}",
                             Code.ALREADY_RESOLVED.hint)
    entry = _entry(_check_entry(Resolution, {"date": day, "outcome": canonical_value(OUTCOME, outcome),
                                             "rationale": rationale, "analyst": analyst}))
    return _keyed_on(ws, scenario_id, "resolution", entry, "resolution")


# ------------------------------------------------------------------------------------------ assumptions


def _scenario_of(ws: Workspace, scenario_id: str) -> Scenario:
    scenario = ws.scenario_by_id.get(canonical_id(scenario_id, list(ws.scenario_by_id)))
    if scenario is None:
        near = difflib.get_close_matches(scenario_id.upper(), list(ws.scenario_by_id), n=3)
        raise EditRefused.of(Code.UNKNOWN_SCENARIO, f"no scenario {scenario_id!r}",
                             f"did you mean {', '.join(near)}?" if near else
                             f"scenarios are: {', '.join(ws.scenario_by_id)}")
    return scenario


def _check(day: dt.date, status: str, rationale: str | None, analyst: str) -> dict[str, Any]:
    fields = {"date": day, "status": canonical_value(ASSUMPTION_STATUS, status), "analyst": analyst,
              "rationale": rationale or None}
    return _entry(_check_entry(AssumptionCheck, {k: v for k, v in fields.items() if v is not None}))


def plan_assumption(ws: Workspace, scenario_id: str, *, statement: str, analyst: str, date: dt.date | None = None,
                    assumption_id: str | None = None, status: str = "holding", rationale: str | None = None,
                    today: dt.date | None = None) -> Edit:
    """Plan adding a key assumption to a scenario, with its first check (holding unless said otherwise);
    its id is the next free KA-n of the scenario unless given."""
    scenario = _scenario_of(ws, scenario_id)
    day = _dated(date, today, "assumption")
    used = {a.id for a in scenario.assumptions}
    new_id = (assumption_id or "").strip().upper() or next(f"KA-{n}" for n in range(1, len(used) + 2)
                                                           if f"KA-{n}" not in used)
    if new_id in used:
        raise EditRefused.of(Code.ID_TAKEN, f"{scenario.id} already has an assumption {new_id}",
                             f"choose another id (taken: {', '.join(sorted(used))})")
    model = _check_entry(Assumption, {"id": new_id, "statement": statement,
                                      "checks": [_check(day, status, rationale, analyst)]})
    entry = _entry(model)
    path = ws.root / WORKSPACE_FILE
    text = _read_text(path)
    try:
        after = append_to_list(text, find_item(compose(text), "scenarios", scenario.id), "assumptions", entry)
    except (SpliceError, yaml.YAMLError) as exc:
        raise _cannot(path, exc) from None
    return _finish_all(ws, [FileText(path, text, after)], "assumption", scenario.id, f"{scenario.id} {new_id}", entry)


def plan_assumption_check(ws: Workspace, scenario_id: str, *, assumption_id: str, status: str, analyst: str,
                          rationale: str | None = None, date: dt.date | None = None,
                          today: dt.date | None = None) -> Edit:
    """Plan a new check of a key assumption (holding, questioned, broken): from its date, judgments
    made before it are flagged while the assumption is in doubt (`scoring.assumptions`)."""
    scenario = _scenario_of(ws, scenario_id)
    known = {a.id: a for a in scenario.assumptions}
    wanted = assumption_id.strip().upper()
    if wanted not in known:
        raise EditRefused.of(Code.UNKNOWN_ASSUMPTION, f"{scenario.id} has no assumption {assumption_id!r}",
                             f"its assumptions are: {', '.join(known) or '(none: add one first)'}")
    day = _dated(date, today, "check")
    last = max(c.date for c in known[wanted].checks)
    if day < last:
        raise EditRefused.of(Code.ASSUMPTION_CHECKS_ORDER, f"{scenario.id} {wanted} was last checked on {last}: "
                             f"a check dated {day} would come before it", "date the check on or after the last one")
    entry = _check(day, status, rationale, analyst)
    path = ws.root / WORKSPACE_FILE
    text = _read_text(path)
    try:
        node = find_item(find_item(compose(text), "scenarios", scenario.id), "assumptions", wanted)
        after = append_to_list(text, node, "checks", entry)
    except (SpliceError, yaml.YAMLError) as exc:
        raise _cannot(path, exc) from None
    return _finish_all(ws, [FileText(path, text, after)], "assumption check", scenario.id, f"{scenario.id} {wanted}",
                       entry)


# ------------------------------------------------------------------------------------------ review


def plan_review(ws: Workspace, indicator_id: str, *, rationale: str, analyst: str, date: dt.date | None = None,
                marking: str | None = None, today: dt.date | None = None) -> Edit:
    """Plan 'reviewed, no change': an assessment repeating the status standing on `date`, marked as a
    review. It clears staleness and shows as a review in the history."""
    indicator_id = canonical_id(indicator_id, ws.files_by_indicator)
    _indicator_file(ws, indicator_id)
    day = _dated(date, today, "review")
    indicator = ws.indicator_by_id[indicator_id]
    standing = [a for a in indicator.assessments if a.date <= day
                and not (a.withdrawn is not None and a.withdrawn.date <= day)]
    if not standing:
        raise EditRefused.of(Code.MISSING_FIELD, f"{indicator_id} has no assessment on {day} to review",
                             "assess it first ('indicators assess'): a review repeats a status")
    last = max(enumerate(standing), key=lambda pair: (pair[1].date, pair[0]))[1]
    return plan_assessment(ws, indicator_id, status=last.status.value, confidence=last.confidence.value,
                           rationale=rationale, analyst=analyst, date=day, marking=marking, review=True, today=today)


# ------------------------------------------------------------------------------------------ add


def _ratings(ws: Workspace, given: dict[str, str]) -> dict[str, str]:
    """Ratings keyed by canonical scenario id, values canonical; unknown scenarios or values refused."""
    out: dict[str, str] = {}
    problems = []
    for key, value in given.items():
        scenario = loose_match(key, ws.scenario_by_id)
        if scenario is None:
            near = difflib.get_close_matches(key.upper(), list(ws.scenario_by_id), n=3)
            problems.append(Problem("input", 0, 0, Code.UNKNOWN_SCENARIO, f"no scenario {key!r} to rate against",
                                    f"did you mean {', '.join(near)}?" if near else
                                    f"scenarios are: {', '.join(ws.scenario_by_id)}"))
            continue
        rating = RATING.match(value)
        if rating is None:
            problems.append(Problem("input", 0, 0, Code.BAD_VALUE, f"{value!r} is not a rating (against {scenario})",
                                    f"use one of: {', '.join(RATING.values())}"))
            continue
        if scenario in out:
            problems.append(Problem("input", 0, 0, Code.BAD_VALUE, f"{scenario} is rated twice", "rate it once"))
        out[scenario] = rating.value
    if problems:
        raise EditRefused(problems)
    return out


def _free_id(ws: Workspace, prefix: str) -> str:
    used = [int(i.split("-")[1]) for i in ws.indicator_by_id if i.split("-")[0] == prefix]
    return f"{prefix}-{max(used, default=0) + 1:02d}"


def _theme_file(ws: Workspace, theme: str) -> tuple[Path, str | None]:
    """The checklist file for a theme (one named after it, else one holding an indicator of it), and its text
    (None: the file does not exist yet and will be created)."""
    folder = ws.root / INDICATOR_DIR
    for path in _checklists(ws):
        if path.stem == theme:
            return path, _read_text(path)
    for indicator in ws.indicators:
        if indicator.theme == theme:
            path = ws.files_by_indicator[indicator.id].path
            return path, _read_text(path)
    return folder / f"{theme}.yaml", None


def _checklists(ws: Workspace) -> list[Path]:
    """The workspace's indicator files (not workspace.yaml, not the analysts' rating files)."""
    return [path for path in ws.files if path.parent == ws.root / INDICATOR_DIR]


def _schema_line(ws: Workspace) -> str:
    """The `# yaml-language-server: $schema=…` line the workspace's checklists start with, for a new one."""
    for path in _checklists(ws):
        with contextlib.suppress(EditRefused):
            first = _read_text(path).split("\n", 1)[0]
            if first.startswith("# yaml-language-server:"):
                return first + "\n"
    return ""


def _file_theme(text: str) -> str | None:
    try:
        node = child(compose(text), "theme")
    except (SpliceError, yaml.YAMLError):
        return None
    return node.value if isinstance(node, yaml.ScalarNode) else None


def plan_add_indicator(ws: Workspace, indicator_id: str, *, title: str, criteria: str, theme: str,
                       ratings: dict[str, str], analyst: str, date: dt.date | None = None,
                       priority: str | None = None, actors: list[str] | None = None,
                       expected_by: dt.date | None = None, description: str | None = None,
                       related: list[str] | None = None, marking: str | None = None,
                       source_ref: str | None = None, ladder: str | None = None, rung: int | None = None,
                       thresholds: dict[str, float] | None = None, aggregate: str | None = None,
                       window_days: int | None = None, today: dt.date | None = None) -> Edit:
    """Plan adding an indicator to the checklist of `theme`, watched from `date` (its `added` date).

    It must be rated against every scenario watched on that date. It may be a rung of a ladder
    (`ladder` and `rung`) and read its numeric series against `thresholds` ({emerging, observed}).
    The theme's file is created when there is none."""
    day = _dated(date, today, "new indicator")
    indicator_id = indicator_id.strip().upper().replace(" ", "-")
    if not re.match(INDICATOR_ID, indicator_id):
        raise EditRefused.of(Code.BAD_ID, f"{indicator_id!r} is not an indicator id", "use the form SAT-01")
    if indicator_id in ws.indicator_by_id:
        raise EditRefused.of(Code.ID_TAKEN, f"indicator id {indicator_id} is already used",
                             f"the next free id is {_free_id(ws, indicator_id.split('-')[0])}")
    rated = _ratings(ws, ratings)
    watched = [s.id for s in ws.scenarios if watch_on(s, day) != Watch.RETIRED]
    missing = [s for s in watched if s not in rated]
    if missing:
        example = " ".join(f"--rate {s}=C" for s in missing)
        raise EditRefused.of(Code.MISSING_RATING, f"{indicator_id} is not rated against {', '.join(missing)}",
                             f"rate it against every scenario, e.g. {example}")
    known = list(ws.indicator_by_id)
    fields = {"id": indicator_id, "title": title, "description": description, "actors": list(actors or []),
              "criteria": criteria, "priority": canonical_value(PRIORITY, priority),
              "expected_by": expected_by, "ratings": rated, "marking": canonical_value(MARKING, marking),
              "added": day, "related": [canonical_id(r, known) for r in related or []],
              "source_ref": source_ref, "ladder": ladder, "rung": rung,
              "thresholds": {k: v for k, v in (thresholds or {}).items() if v is not None} or None,
              "aggregate": aggregate, "window_days": window_days}
    theme = re.sub(r"[\s_]+", "-", theme.strip().lower())
    if not re.fullmatch(THEME, theme):
        raise EditRefused.of(Code.BAD_FORMAT, f"{theme!r} is not a theme name",
                             "use lower-case letters, digits and '-', e.g. air-defence")
    path, text = _theme_file(ws, theme)
    if text is None or _file_theme(text) != theme:
        fields["theme"] = theme if text is not None else None
    model = _check_entry(IndicatorHeader, {k: v for k, v in fields.items() if v is not None})
    entry = _entry(model)
    before = text
    base = text if text is not None else f"{_schema_line(ws)}theme: {theme}\nindicators: []\n"
    try:
        after = append_to_list(base, compose(base), "indicators", entry)
    except (SpliceError, yaml.YAMLError) as exc:
        raise _cannot(path, exc) from None
    return _finish_all(ws, [FileText(path, before, after)], "indicator", indicator_id, indicator_id, entry)


def plan_add_scenario(ws: Workspace, scenario_id: str, *, title: str, analyst: str, date: dt.date | None = None,
                      description: str | None = None, ratings: dict[str, str] | None = None,
                      question_close: dt.date | None = None, today: dt.date | None = None) -> Edit:
    """Plan adding a scenario, watched from `date`, with the rating of each indicator against it, and
    the date its question must be resolved by (`question_close`, optional).

    Ratings may be given for some indicators only: the change's `notes` list the indicators still to
    rate (the board counts an unrated indicator for nothing toward the scenario, and says so)."""
    del analyst  # a scenario's author shows in its first judgment; kept for a uniform signature
    day = _dated(date, today, "new scenario")
    scenario_id = scenario_id.strip().upper().replace(" ", "-")
    if not re.match(SCENARIO_ID, scenario_id):
        raise EditRefused.of(Code.BAD_ID, f"{scenario_id!r} is not a scenario id", "use the form MIL-COOP")
    if scenario_id in ws.scenario_by_id:
        raise EditRefused.of(Code.ID_TAKEN, f"scenario id {scenario_id} is already used", "choose another id")
    if question_close is not None and question_close < day:
        raise EditRefused.of(Code.BAD_DATE, f"the question would close on {question_close}, before the scenario is "
                             f"watched ({day})", "give a closing date on or after the date it is watched from")
    fields = {"id": scenario_id, "title": title, "description": description, "added": day,
              "question_close": question_close}
    model = _check_entry(Scenario, {k: v for k, v in fields.items() if v is not None})
    entry = _entry(model)
    meta = ws.root / WORKSPACE_FILE
    texts: dict[Path, str] = {meta: _read_text(meta)}
    try:
        texts[meta] = append_to_list(texts[meta], compose(texts[meta]), "scenarios", entry)
    except (SpliceError, yaml.YAMLError) as exc:
        raise _cannot(meta, exc) from None
    given = _indicator_ratings(ws, ratings or {})
    for indicator_id, rating in given.items():
        path = _indicator_file(ws, indicator_id)
        text = texts.get(path) or _read_text(path)
        node = _node(path, text, lambda root, _i=indicator_id: child(find_item(root, "indicators", _i), "ratings"))
        texts[path] = _with_keys(path, text, node, {scenario_id: rating})
    files = [FileText(p, _read_text(p), after) for p, after in texts.items()]
    left = [i.id for i in ws.indicators if i.id not in given and watch_on(i, day) != Watch.RETIRED]
    notes = [f"left to rate against {scenario_id}: {', '.join(left)}"] if left else []
    return _finish_all(ws, files, "scenario", scenario_id, scenario_id, entry, notes)


def _indicator_ratings(ws: Workspace, given: dict[str, str]) -> dict[str, str]:
    out, problems = {}, []
    for key, value in given.items():
        indicator_id = loose_match(key, ws.indicator_by_id)
        rating = RATING.match(value)
        if indicator_id is None:
            near = difflib.get_close_matches(key.upper(), list(ws.indicator_by_id), n=3)
            problems.append(Problem("input", 0, 0, Code.UNKNOWN_INDICATOR, f"no indicator {key!r} to rate",
                                    f"did you mean {', '.join(near)}?" if near else "run 'indicators list'"))
        elif rating is None:
            problems.append(Problem("input", 0, 0, Code.BAD_VALUE, f"{value!r} is not a rating (for {indicator_id})",
                                    f"use one of: {', '.join(RATING.values())}"))
        elif indicator_id in out:
            problems.append(Problem("input", 0, 0, Code.BAD_VALUE, f"{indicator_id} is rated twice", "rate it once"))
        else:
            out[indicator_id] = rating.value
    if problems:
        raise EditRefused(problems)
    return out
