"""Finding things on the board: `indicators show`, `list` and `search`, as plain data and as text.

Each works on what a reader of a marking may see (`markings.releasable`; default: everything) and on
what was dated on or before the as-of date, and each is headed by the highest marking of what it
shows (the workspace's, raised by any item shown, or that a status, filter or count rests on), never
lower. Ids are matched loosely (`sat 01` is `SAT-01`, `vocab.loose_match`); an unknown one raises
`NotFound` with a 'did you mean'. `show` and `search` need no pandas; `list` draws statuses from
`warning.status_as_of`, the board's own computation.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable, Sequence
from typing import Any

from indicators.reports.markings import (
    WithheldCount,
    check_marking,
    effective,
    highest,
    highest_present,
    latest,
    releasable,
)
from indicators.workspace.load import Workspace
from indicators.workspace.model import Indicator
from indicators.workspace.vocab import MARKING, RATING, Marking, loose, loose_match

KINDS = "indicator, scenario, indication or source"
SNIPPET = 72  # characters of a search hit's text shown around the first match


class NotFound(LookupError):
    """An id (or filter value) that names nothing the reader may see on the date; the message says what was meant."""


def _released(ws: Workspace, as_of: dt.date, marking: Marking | str | None, verb: str) -> tuple[Workspace, Marking,
                                                                                                    WithheldCount]:
    """What a reader of `marking` may see (everything when None), the marking it is made for, and what was left out."""
    limit = check_marking(ws, marking, verb=verb) if marking is not None else highest_present(ws)
    view, withheld = releasable(ws, limit, as_of)
    return view, limit, withheld


def _head(ws: Workspace, as_of: dt.date, limit: Marking, shown: Marking, withheld: WithheldCount) -> dict[str, Any]:
    return {"workspace": ws.meta.title, "marking": shown.value, "made_for": MARKING.member(limit).value,
            "workspace_marking": MARKING.member(ws.meta.marking).value, "as_of": as_of.isoformat(),
            "withheld": {"indicators": withheld.indicators, "indications": withheld.indications,
                         "assessments": withheld.assessments, "judgments": withheld.judgments,
                         "total": withheld.total}}


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _dated(items: Iterable[Any], as_of: dt.date) -> list[Any]:
    """Items dated on or before `as_of`, in date order (file order breaks ties, as the board does)."""
    return sorted((item for item in items if item.date <= as_of), key=lambda item: item.date)


def _number(value: float | None) -> float | int | None:
    return int(value) if value is not None and float(value).is_integer() else value


# ----------------------------------------------------------------------------------------------------- show


def _indication(o: Any, parent: Marking) -> dict[str, Any]:
    return {"id": o.id, "date": o.date.isoformat(), "summary": o.summary, "source": o.source,
            "grade": f"{o.reliability.value}{int(o.credibility)}", "value": _number(o.value), "unit": o.unit,
            "url": o.url, "analyst": o.analyst, "marking": effective(o.marking, parent).value}


def _assessment(a: Any, parent: Marking) -> dict[str, Any]:
    return {"date": a.date.isoformat(), "status": a.status.value, "confidence": a.confidence.value,
            "analyst": a.analyst, "rationale": a.rationale, "cites": list(a.cites),
            "marking": effective(a.marking, parent).value}


def _show_indicator(ind: Indicator, floor: Marking, as_of: dt.date) -> dict[str, Any]:
    own = effective(ind.marking, floor)
    return {"kind": "indicator", "id": ind.id, "title": ind.title, "theme": ind.theme or "",
            "priority": ind.priority.value, "actors": list(ind.actors), "criteria": ind.criteria,
            "description": ind.description, "expected_by": _day(ind.expected_by), "source_ref": ind.source_ref,
            "ratings": {s: r.value for s, r in ind.ratings.items()}, "marking": own.value,
            "indications": [_indication(o, own) for o in _dated(ind.indications, as_of)],
            "assessments": [_assessment(a, own) for a in _dated(ind.assessments, as_of)]}


def _show_scenario(ws: Workspace, scenario_id: str, floor: Marking, as_of: dt.date) -> dict[str, Any]:
    s = ws.scenario_by_id[scenario_id]
    rated = sorted((i for i in ws.indicators if s.id in i.ratings),
                   key=lambda i: (RATING.order(i.ratings[s.id]), i.id))
    return {"kind": "scenario", "id": s.id, "title": s.title, "description": s.description, "marking": floor.value,
            "judgments": [{"date": j.date.isoformat(), "likelihood": j.likelihood.value,
                           "confidence": j.confidence.value, "analyst": j.analyst, "rationale": j.rationale,
                           "marking": effective(j.marking, floor).value} for j in _dated(s.judgments, as_of)],
            "indicators": [{"id": i.id, "title": i.title, "rating": i.ratings[s.id].value,
                            "marking": effective(i.marking, floor).value} for i in rated]}


def _show_indication(ind: Indicator, indication_id: str, floor: Marking, as_of: dt.date) -> dict[str, Any]:
    own = effective(ind.marking, floor)
    o = next(o for o in ind.indications if o.id == indication_id)
    return {"kind": "indication", **_indication(o, own),
            "indicator": {"id": ind.id, "title": ind.title, "marking": own.value},
            "cited_by": [_assessment(a, own) for a in _dated(ind.assessments, as_of) if o.id in a.cites]}


def _show_source(ws: Workspace, source_id: str, floor: Marking) -> dict[str, Any]:
    src = next(s for s in ws.meta.sources if s.id == source_id)
    return {"kind": "source", "id": src.id, "title": src.title, "publisher": src.publisher, "date": _day(src.date),
            "url": src.url, "note": src.note, "marking": floor.value}


def _markings_in(item: dict[str, Any]) -> list[str]:
    """Every marking an item shows: its own and its entries'."""
    found = [item["marking"]]
    for key in ("indications", "assessments", "judgments", "indicators", "cited_by"):
        found += [entry["marking"] for entry in item.get(key, [])]
    if "indicator" in item:
        found.append(item["indicator"]["marking"])
    return found


def _withheld_of(ws: Workspace, item: dict[str, Any], limit: Marking, as_of: dt.date) -> WithheldCount:
    """What `show` leaves out of this item for readers of `limit` (entries dated on or before `as_of`)."""
    def out(entries: Iterable[Any], parent: Marking) -> int:
        return sum(1 for e in entries if e.date <= as_of and MARKING.order(effective(e.marking, parent))
                   > MARKING.order(limit))

    floor = MARKING.member(ws.meta.marking)
    if item["kind"] == "indicator":
        ind = ws.indicator_by_id[item["id"]]
        own = effective(ind.marking, floor)
        return WithheldCount(indications=out(ind.indications, own), assessments=out(ind.assessments, own))
    if item["kind"] == "indication":
        ind = ws.indicator_by_id[item["indicator"]["id"]]
        own = effective(ind.marking, floor)
        return WithheldCount(assessments=out([a for a in ind.assessments if item["id"] in a.cites], own))
    if item["kind"] == "scenario":
        return WithheldCount(judgments=out(ws.scenario_by_id[item["id"]].judgments, floor))
    return WithheldCount()


def _known_ids(view: Workspace, as_of: dt.date) -> dict[str, str]:
    """Every id `show` can find, with its kind (indicator ids first, then scenarios, indications, sources)."""
    known = {i.id: "indicator" for i in view.indicators}
    known.update({s.id: "scenario" for s in view.scenarios if s.id not in known})
    known.update({o.id: "indication" for i in view.indicators for o in i.indications if o.date <= as_of})
    known.update({s.id: "source" for s in view.meta.sources if s.id not in known})
    return known


def did_you_mean(text: str, known: Iterable[str]) -> list[str]:
    """Up to three known ids close to `text` (compared loosely)."""
    by_loose = {loose(k): k for k in known}
    return [by_loose[m] for m in difflib.get_close_matches(loose(text), list(by_loose), n=3, cutoff=0.6)]


def _not_found(what: str, text: str, known: Iterable[str], hint: str) -> NotFound:
    near = did_you_mean(text, known)
    return NotFound(f"no {what} {text.strip()!r} — " + (f"did you mean {', '.join(near)}?" if near else hint))


def show(ws: Workspace, text: str, as_of: dt.date, marking: Marking | str | None = None) -> dict[str, Any]:
    """An indicator, scenario, indication or source (id matched loosely) with its history up to `as_of`.

    Returns the heading fields (`workspace`, `marking`, `made_for`, `workspace_marking`, `as_of`,
    `withheld`) and `item`: the object as plain data, its `kind` saying which. Raises `NotFound`,
    and `ExportRefused` for a marking below the workspace's.
    """
    view, limit, _ = _released(ws, as_of, marking, "show")
    floor = MARKING.member(ws.meta.marking)
    known = _known_ids(view, as_of)
    found = loose_match(text, known)
    if found is None:
        later = next((o for i in view.indicators for o in i.indications if loose(o.id) == loose(text)), None)
        if later is not None:
            raise NotFound(f"no {KINDS} {text.strip()!r} as of {as_of} — {later.id} is dated {later.date}")
        raise _not_found(KINDS, text, known, "'indicators list' lists the indicators, 'indicators search' finds words")
    kind = known[found]
    if kind == "indicator":
        item = _show_indicator(view.indicator_by_id[found], floor, as_of)
    elif kind == "scenario":
        item = _show_scenario(view, found, floor, as_of)
    elif kind == "indication":
        item = _show_indication(next(i for i in view.indicators if any(o.id == found for o in i.indications)),
                                found, floor, as_of)
    else:
        item = _show_source(view, found, floor)
    withheld = _withheld_of(ws, item, limit, as_of) if marking is not None else WithheldCount()
    return {**_head(ws, as_of, limit, highest(floor, _markings_in(item)), withheld), "item": item}


# ----------------------------------------------------------------------------------------------------- list


def list_indicators(ws: Workspace, as_of: dt.date, marking: Marking | str | None = None, *,
                    themes: Sequence[str] = (), statuses: Sequence[str] = (), priorities: Sequence[str] = (),
                    scenario: str | None = None, stale: bool = False, overdue: bool = False) -> dict[str, Any]:
    """Every indicator (filtered) with its status on `as_of`: the heading fields and `indicators`, one
    dict per row (id, title, theme, priority, status, confidence, last_assessed, overdue, stale, marking).

    Filters combine with AND; values within one filter with OR. `statuses` and `priorities` are scale
    values; `themes` and `scenario` are matched loosely (an unknown one raises `NotFound`);
    `scenario` keeps the indicators that speak for it, as the Checklist page's filter does
    (`frames.relevant_to`: rated HL or L against it, or diagnostic for it).
    """
    from indicators.scoring import frames, warning  # pandas only for the verbs that need it

    view, limit, withheld = _released(ws, as_of, marking, "list the indicators")
    floor = MARKING.member(ws.meta.marking)
    wanted_themes: set[str] = set()
    for theme in themes:
        found = loose_match(theme, view.themes)
        if found is None:
            raise _not_found("theme", theme, view.themes, f"themes are: {', '.join(view.themes)}")
        wanted_themes.add(found)
    relevant: set[str] | None = None
    if scenario is not None:
        found = loose_match(scenario, view.scenario_by_id)
        if found is None:
            raise _not_found("scenario", scenario, view.scenario_by_id, "'indicators status' lists the scenarios")
        relevant = frames.relevant_to(view, found)
    status = warning.status_as_of(view, as_of)
    rows = []
    for ind in view.indicators:
        row = status.loc[ind.id]
        last = latest(ind.assessments, as_of)
        confidence = row["confidence"]
        rows.append({"id": ind.id, "title": ind.title, "theme": ind.theme or "", "priority": ind.priority.value,
                     "status": str(row["status"]), "confidence": confidence if isinstance(confidence, str) else None,
                     "last_assessed": _day(last.date if last else None), "overdue": bool(row["overdue"]),
                     "stale": bool(row["stale"]),
                     "marking": highest(floor, [ind.marking, last.marking if last else None]).value})
    kept = [r for r in rows
            if (not wanted_themes or r["theme"] in wanted_themes) and (not statuses or r["status"] in statuses)
            and (not priorities or r["priority"] in priorities) and (relevant is None or r["id"] in relevant)
            and (not stale or r["stale"]) and (not overdue or r["overdue"])]
    # a filter on status, staleness or a scenario's diagnostic weights rests on every row, shown or not
    rests_on = rows if (statuses or stale or overdue or scenario is not None) else kept
    shown = highest(floor, [r["marking"] for r in rests_on])
    return {**_head(ws, as_of, limit, shown, withheld), "indicators": kept}


# ----------------------------------------------------------------------------------------------------- search


def _snippet(text: str, words: Sequence[str]) -> str:
    """`text` on one line, shortened to about SNIPPET characters around the first match."""
    flat = " ".join(text.split())
    at = min(flat.casefold().find(word) for word in words)
    if len(flat) <= SNIPPET:
        return flat
    start = max(0, min(at - SNIPPET // 3, len(flat) - SNIPPET))
    end = start + SNIPPET
    if start > 0 and flat[start - 1] != " ":  # whole words only
        start = min(flat.find(" ", start) + 1 or at, at)
    if end < len(flat) and flat[end] != " ":
        end = max(flat.rfind(" ", start, end), at + 1)
    piece = flat[start:end].strip()
    return ("…" if start > 0 else "") + piece + ("…" if end < len(flat) else "")


def search(ws: Workspace, words: Sequence[str], as_of: dt.date, marking: Marking | str | None = None) -> dict[str, Any]:
    """Texts holding every one of `words` (case-insensitive): indicator titles, criteria and descriptions,
    scenario titles and descriptions, indication summaries, assessment and judgment rationales dated on
    or before `as_of`. Returns the heading fields and `hits`, one dict per text (kind, id, date, field,
    text, snippet, marking), in workspace order."""
    view, limit, withheld = _released(ws, as_of, marking, "search")
    floor = MARKING.member(ws.meta.marking)
    needles = [w.casefold() for word in words for w in word.split()]
    hits: list[dict[str, Any]] = []

    def look(kind: str, id_: str, date: dt.date | None, field: str, text: str | None, mark: Marking) -> None:
        if text and needles and all(n in text.casefold() for n in needles):
            hits.append({"kind": kind, "id": id_, "date": _day(date), "field": field, "text": text,
                         "snippet": _snippet(text, needles), "marking": mark.value})

    for s in view.scenarios:
        look("scenario", s.id, None, "title", s.title, floor)
        look("scenario", s.id, None, "description", s.description, floor)
        for j in _dated(s.judgments, as_of):
            look("judgment", s.id, j.date, "rationale", j.rationale, effective(j.marking, floor))
    for ind in view.indicators:
        own = effective(ind.marking, floor)
        for field in ("title", "criteria", "description"):
            look("indicator", ind.id, None, field, getattr(ind, field), own)
        for o in _dated(ind.indications, as_of):
            look("indication", o.id, o.date, "summary", o.summary, effective(o.marking, own))
        for a in _dated(ind.assessments, as_of):
            look("assessment", ind.id, a.date, "rationale", a.rationale, effective(a.marking, own))
    shown = highest(floor, [h["marking"] for h in hits])
    return {**_head(ws, as_of, limit, shown, withheld), "words": needles, "hits": hits}


# ----------------------------------------------------------------------------------------------------- text


def _portion(data: dict[str, Any], marking: str | None) -> str:
    """` (TLP:AMBER)` after a line marked above the workspace's marking; empty otherwise."""
    above = marking and MARKING.order(marking) > MARKING.order(data["workspace_marking"])
    return f" ({MARKING.label(marking)})" if above else ""


def _heading(data: dict[str, Any]) -> list[str]:
    lines = [f"{data['workspace']} — {MARKING.label(data['marking'])} — as of {data['as_of']}"]
    count = data["withheld"]
    if count["total"]:
        from indicators.reports.wording import withheld_counts  # pandas only when something is withheld

        kinds = WithheldCount(count["indicators"], count["indications"], count["assessments"], count["judgments"])
        lines.append(withheld_counts(kinds, MARKING.label(data["made_for"]), "this report"))
    return lines


def _field(name: str, value: object) -> list[str]:
    return [f"  {name}: {' '.join(str(value).split())}"] if value not in (None, "", []) else []


def format_show(data: dict[str, Any]) -> str:
    """What `indicators show` prints."""
    item, lines = data["item"], _heading(data)
    lines.append(f"{item['kind'].upper()} {item['id']}  {item.get('title') or item.get('summary')}"
                 f"{_portion(data, item['marking'])}")
    if item["kind"] == "indicator":
        lines += _field("theme", item["theme"]) + _field("priority", item["priority"])
        lines += _field("actors", ", ".join(item["actors"])) + _field("expected by", item["expected_by"])
        lines += _field("criteria", item["criteria"]) + _field("description", item["description"])
        lines += _field("source", item["source_ref"])
        lines += _field("ratings", ", ".join(f"{s} {r}" for s, r in item["ratings"].items()))
        lines += ["INDICATIONS"] + [_indication_line(data, o) for o in item["indications"]]
        lines += ["ASSESSMENTS"] + [_assessment_line(data, a) for a in item["assessments"]]
    elif item["kind"] == "scenario":
        lines += _field("description", item["description"]) + ["JUDGMENTS"]
        lines += [f"  {j['date']}  {j['likelihood']} ({j['confidence']} confidence)  {j['analyst']}: "
                  f"{' '.join(j['rationale'].split())}{_portion(data, j['marking'])}" for j in item["judgments"]]
        lines += ["INDICATORS"] + [f"  {i['id']:<8} {i['rating']:<3} {i['title']}{_portion(data, i['marking'])}"
                                   for i in item["indicators"]]
    elif item["kind"] == "indication":
        i = item["indicator"]
        lines += _field("date", item["date"]) + _field("source", f"{item['source']} ({item['grade']})")
        lines += _field("value", f"{item['value']} {item['unit'] or ''}".strip() if item["value"] is not None
                        else None) + _field("url", item["url"]) + _field("recorded by", item["analyst"])
        lines += [f"  indicator: {i['id']}  {i['title']}{_portion(data, i['marking'])}", "CITED BY"]
        lines += [_assessment_line(data, a) for a in item["cited_by"]]
    else:
        lines += _field("publisher", item["publisher"]) + _field("date", item["date"]) + _field("url", item["url"])
        lines += _field("note", item["note"])
    return "\n".join(lines) + "\n"


def _indication_line(data: dict[str, Any], o: dict[str, Any]) -> str:
    value = f"  {o['value']} {o['unit'] or ''}".rstrip() if o["value"] is not None else ""
    url = f"  {o['url']}" if o["url"] else ""
    return (f"  {o['date']}  {o['id']}  {' '.join(o['summary'].split())}  [{o['source']}, {o['grade']}]"
            f"{value}{url}{_portion(data, o['marking'])}")


def _assessment_line(data: dict[str, Any], a: dict[str, Any]) -> str:
    cites = f"  cites {', '.join(a['cites'])}" if a["cites"] else ""
    return (f"  {a['date']}  {a['status']} ({a['confidence']} confidence)  {a['analyst']}: "
            f"{' '.join(a['rationale'].split())}{cites}{_portion(data, a['marking'])}")


def format_list(data: dict[str, Any]) -> str:
    """What `indicators list` prints."""
    lines = _heading(data)
    width = max((len(r["theme"]) for r in data["indicators"]), default=0)
    for r in data["indicators"]:
        flags = " ".join(f for f, on in (("OVERDUE", r["overdue"]), ("stale", r["stale"])) if on)
        lines.append(f"  {r['id']:<8} {r['status']:<13} {r['confidence'] or '-':<9} {r['priority']:<7} "
                     f"{r['theme']:<{width}}  {r['title']}{_portion(data, r['marking'])}  {flags}".rstrip())
    lines.append(f"{len(data['indicators'])} indicator{'' if len(data['indicators']) == 1 else 's'}")
    return "\n".join(lines) + "\n"


def format_search(data: dict[str, Any]) -> str:
    """What `indicators search` prints."""
    lines = _heading(data)
    for h in data["hits"]:
        lines.append(f"  {h['kind']:<10} {h['id']:<10} {h['date'] or '':<10}  {h['field']}: {h['snippet']}"
                     f"{_portion(data, h['marking'])}")
    n = len(data["hits"])
    lines.append(f"{n} hit{'' if n == 1 else 's'} for {' '.join(data['words'])!r}" if n else
                 f"nothing holds {' '.join(data['words'])!r}")
    return "\n".join(lines) + "\n"

