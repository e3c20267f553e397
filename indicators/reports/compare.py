"""Compare two snapshots: status changes, new indications, warning-level and judgment changes.

`diff_snapshots` returns plain data (JSON-ready dicts and lists), the same whether the two
snapshots were read from files or built from the workspace's own history (`diff_dates`). A
snapshot compared with itself gives an empty diff.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from indicators.reports.snapshot import IndicationOut, JudgmentOut, Snapshot, build_snapshot
from indicators.reports.wording import level_label, score_value
from indicators.workspace.load import Workspace
from indicators.workspace.vocab import CONFIDENCE, LIKELIHOOD, MARKING, STATUS, Marking

KINDS = ("levels", "judgments", "status", "new_indications", "withdrawn_indications", "removed_indications",
         "indicators_added", "indicators_retired", "indicators_removed")
KIND_TITLES = {
    "levels": "Warning levels",
    "judgments": "Judgments",
    "status": "Status changes",
    "new_indications": "New indications",
    "withdrawn_indications": "Indications withdrawn",
    "indicators_retired": "Indicators retired",
    "removed_indications": "Indications no longer present",
    "indicators_added": "Indicators added",
    "indicators_removed": "Indicators removed",
}


def _judgment(j: JudgmentOut | None) -> dict[str, Any] | None:
    if j is None:
        return None
    return {"date": j.date.isoformat(), "likelihood": j.likelihood.value, "confidence": j.confidence.value,
            "analyst": j.analyst, "rationale": j.rationale}


def _indication(indicator_id: str, o: IndicationOut) -> dict[str, Any]:
    return {"id": o.id, "indicator": indicator_id, "date": o.date.isoformat(), "summary": o.summary,
            "source": o.source, "url": o.url, "grade": o.grade}


def _side(snap: Snapshot, label: str | None) -> dict[str, Any]:
    return {"label": label or snap.as_of.isoformat(), "as_of": snap.as_of.isoformat(), "marking": snap.marking.value,
            "title": snap.title}


def diff_snapshots(old: Snapshot, new: Snapshot, *, old_label: str | None = None,
                   new_label: str | None = None) -> dict[str, Any]:
    """What differs from `old` to `new`, as plain data.

    Keys: `from`, `to` (label, as_of, marking, title), `marking` (the stricter of the two: the
    diff may show items of either), and one list per kind in `KINDS`; every list is empty when
    nothing changed.
    """
    old_sc = {s.id: s for s in old.scenarios}
    levels, judgments = [], []
    for s in new.scenarios:
        before = old_sc.get(s.id)
        if before is None:
            continue
        if before.level != s.level:
            levels.append({"scenario": s.id, "title": s.title, "before": before.level, "after": s.level,
                           "before_label": level_label(old, before.level), "after_label": level_label(new, s.level),
                           "score_before": before.score, "score_after": s.score,
                           "score_before_text": score_value(before.score, old),
                           "score_after_text": score_value(s.score, new)})
        if _judgment(before.judgment) != _judgment(s.judgment):
            judgments.append({"scenario": s.id, "title": s.title, "before": _judgment(before.judgment),
                              "after": _judgment(s.judgment)})
    old_ind = {i.id: i for i in old.indicators}
    new_ind = {i.id: i for i in new.indicators}
    status = [{"indicator": i.id, "title": i.title, "before": old_ind[i.id].status.value, "after": i.status.value,
               "confidence": i.confidence.value if i.confidence else None,
               "assessed": i.last_assessed.isoformat() if i.last_assessed else None, "rationale": i.rationale}
              for i in new.indicators if i.id in old_ind and old_ind[i.id].status != i.status]
    old_obs = {o.id for i in old.indicators for o in i.indications}
    new_obs = {o.id for i in new.indicators for o in i.indications}
    added = [_indication(i.id, o) for i in new.indicators for o in i.indications if o.id not in old_obs]
    removed = [_indication(i.id, o) for i in old.indicators for o in i.indications if o.id not in new_obs]
    was_withdrawn = {o.id for i in old.indicators for o in i.indications if o.withdrawn is not None}
    withdrawn = [{**_indication(i.id, o), "withdrawn": o.withdrawn.date.isoformat(), "reason": o.withdrawn.reason}
                 for i in new.indicators for o in i.indications
                 if o.withdrawn is not None and o.id not in was_withdrawn]
    stricter = max(old.marking, new.marking, key=MARKING.order)
    return {
        "from": _side(old, old_label),
        "to": _side(new, new_label),
        "marking": stricter.value,
        "levels": levels,
        "judgments": judgments,
        "status": status,
        "new_indications": sorted(added, key=lambda o: (o["date"], o["id"])),
        "withdrawn_indications": sorted(withdrawn, key=lambda o: (o["withdrawn"], o["id"])),
        "removed_indications": sorted(removed, key=lambda o: (o["date"], o["id"])),
        "indicators_added": [{"indicator": i.id, "title": i.title} for i in new.indicators if i.id not in old_ind],
        "indicators_retired": [{"indicator": i.id, "title": i.title, "retired": i.retired.isoformat(),
                                "reason": i.retired_reason} for i in new.indicators
                               if i.retired is not None and (i.id not in old_ind or old_ind[i.id].retired is None)],
        "indicators_removed": [{"indicator": i.id, "title": i.title} for i in old.indicators if i.id not in new_ind],
    }


def diff_dates(ws: Workspace, start: dt.date, end: dt.date, marking: Marking | str | None = None) -> dict[str, Any]:
    """What changed in the workspace from `start` to `end` (the board on each date, for `marking`).

    Raises `markings.ExportRefused` for a marking below the workspace's.
    """
    old = build_snapshot(ws, start, start, marking)
    new = build_snapshot(ws, end, min(start, end), marking)
    return diff_snapshots(old, new)


def diff_versions(old: Workspace, new: Workspace, as_of: dt.date, *, old_label: str | None = None,
                  new_label: str | None = None) -> dict[str, Any]:
    """What changed between two versions of a workspace (before and after a pull), both as of
    `as_of`: the board each version shows that day, compared."""
    return diff_snapshots(build_snapshot(old, as_of, as_of), build_snapshot(new, as_of, as_of),
                          old_label=old_label, new_label=new_label)


def is_empty(diff: dict[str, Any]) -> bool:
    """True when the diff lists no change of any kind."""
    return not any(diff[kind] for kind in KINDS)


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def _clean(text: object) -> str:
    """Data text for a terminal: control characters (escape sequences) shown as `?`, one line."""
    return _CONTROL.sub("?", " ".join(str(text).split()))


def _likelihood(j: dict[str, Any] | None) -> str:
    if j is None:
        return "no judgment"
    return (f"{LIKELIHOOD.label(j['likelihood'])} ({CONFIDENCE.label(j['confidence']).lower()} confidence, "
            f"{j['date']})")


def format_diff(diff: dict[str, Any]) -> str:
    """The diff as text for a terminal (data text on one line, control characters neutralised)."""
    head = (f"Changes from {_clean(diff['from']['label'])} to {_clean(diff['to']['label'])} "
            f"— {MARKING.label(diff['marking'])}")
    lines = [head]
    if is_empty(diff):
        lines.append("No changes.")
        return "\n".join(lines) + "\n"
    for kind in KINDS:
        items = diff[kind]
        if not items:
            continue
        lines.append("")
        lines.append(f"{KIND_TITLES[kind]} ({len(items)})")
        for item in items:
            lines.append("  " + _line(kind, item))
    return "\n".join(lines) + "\n"


def _line(kind: str, item: dict[str, Any]) -> str:
    if kind == "levels":
        return (f"{item['scenario']}  {_clean(item['title'])}: {_clean(item['before_label'])} → "
                f"{_clean(item['after_label'])} (score {item['score_before_text']} → {item['score_after_text']})")
    if kind == "judgments":
        before, after = _likelihood(item["before"]), _likelihood(item["after"])
        return f"{item['scenario']}  {_clean(item['title'])}: {before} → {after}"
    if kind == "status":
        return (f"{item['indicator']}  {_clean(item['title'])}: {STATUS.label(item['before'])} → "
                f"{STATUS.label(item['after'])}")
    if kind == "withdrawn_indications":
        return (f"{item['id']}  {item['date']}  {_clean(item['summary'])}: withdrawn {item['withdrawn']} "
                f"({_clean(item['reason'])})")
    if kind == "indicators_retired":
        return f"{item['indicator']}  {_clean(item['title'])}: retired {item['retired']} ({_clean(item['reason'])})"
    if kind in ("new_indications", "removed_indications"):
        return (f"{item['id']}  {item['date']}  {_clean(item['summary'])} "
                f"({_clean(item['source'])}, {item['grade']})")
    return f"{item['indicator']}  {_clean(item['title'])}"
