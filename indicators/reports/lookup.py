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
    releasable,
)
from indicators.workspace.entries import (
    EntryRef,
    dated_ids,
    entries_of,
    find_entry,
    latest,
    source_citation,
    source_document,
    source_name,
    watch_on,
    withdrawn_by,
)
from indicators.workspace.load import Workspace
from indicators.workspace.model import Indicator
from indicators.workspace.vocab import MARKING, RATING, Marking, Watch, loose, loose_match

KINDS = "indicator, scenario, indication, assessment, judgment or source"
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


def _withdrawn(entry: Any, as_of: dt.date) -> dict[str, Any] | None:
    """The entry's withdrawal if it is in force on `as_of` (a later one does not show: history is unchanged)."""
    w = entry.withdrawn
    if w is None or not withdrawn_by(entry, as_of):
        return None
    return {"date": w.date.isoformat(), "reason": w.reason, "analyst": w.analyst}


def _indication(ws: Workspace, o: Any, parent: Marking, as_of: dt.date) -> dict[str, Any]:
    doc = source_document(ws, o)
    return {"id": o.id, "date": o.date.isoformat(), "summary": o.summary, "source": source_name(ws, o),
            "source_id": o.source_id, "source_detail": source_citation(doc) if doc else None,
            "grade": f"{o.reliability.value}{int(o.credibility)}", "value": _number(o.value), "unit": o.unit,
            "url": o.url or (doc.url if doc else None), "analyst": o.analyst,
            "marking": effective(o.marking, parent).value, "withdrawn": _withdrawn(o, as_of)}


def _assessment(name: str, a: Any, parent: Marking, as_of: dt.date, gone: set[str]) -> dict[str, Any]:
    """An assessment as plain data; `cites_withdrawn` flags what it rests on that is withdrawn by `as_of`
    (`gone`: the ids of such indications)."""
    return {"id": name, "date": a.date.isoformat(), "status": a.status.value, "confidence": a.confidence.value,
            "analyst": a.analyst, "rationale": a.rationale, "cites": list(a.cites), "review": a.review,
            "cites_withdrawn": [c for c in a.cites if c in gone],
            "marking": effective(a.marking, parent).value, "withdrawn": _withdrawn(a, as_of)}


def _gone(ws: Workspace, as_of: dt.date) -> set[str]:
    """Ids of the indications withdrawn by `as_of`."""
    return {o.id for i in ws.indicators for o in i.indications if withdrawn_by(o, as_of)}


def _named(subject: str, entries: list[Any], as_of: dt.date) -> list[tuple[str, Any]]:
    """Entries dated on or before `as_of` with their names, in date order (file order breaks ties)."""
    pairs = [(name, e) for name, e in zip(dated_ids(subject, entries), entries, strict=True) if e.date <= as_of]
    return sorted(pairs, key=lambda pair: pair[1].date)


def _life(item: Any, as_of: dt.date) -> dict[str, Any]:
    retired = item.retired if item.retired is not None and item.retired.date <= as_of else None
    return {"added": _day(item.added), "watch": watch_on(item, as_of).value,
            "retired": {"date": retired.date.isoformat(), "reason": retired.reason, "analyst": retired.analyst}
            if retired else None}


def _show_indicator(ws: Workspace, ind: Indicator, floor: Marking, as_of: dt.date) -> dict[str, Any]:
    own = effective(ind.marking, floor)
    return {"kind": "indicator", "id": ind.id, "title": ind.title, "theme": ind.theme or "",
            "priority": ind.priority.value, "actors": list(ind.actors), "criteria": ind.criteria,
            "description": ind.description, "expected_by": _day(ind.expected_by), "source_ref": ind.source_ref,
            "ratings": {s: r.value for s, r in ind.ratings.items()}, "marking": own.value,
            "related": list(ind.related), **_life(ind, as_of),
            "indications": [_indication(ws, o, own, as_of) for o in _dated(ind.indications, as_of)],
            "assessments": [_assessment(n, a, own, as_of, _gone(ws, as_of))
                            for n, a in _named(ind.id, ind.assessments, as_of)]}


def _judgment(name: str, j: Any, floor: Marking, as_of: dt.date) -> dict[str, Any]:
    return {"id": name, "date": j.date.isoformat(), "likelihood": j.likelihood.value,
            "confidence": j.confidence.value, "analyst": j.analyst, "rationale": j.rationale,
            "marking": effective(j.marking, floor).value, "withdrawn": _withdrawn(j, as_of)}


def _show_scenario(ws: Workspace, scenario_id: str, floor: Marking, as_of: dt.date) -> dict[str, Any]:
    s = ws.scenario_by_id[scenario_id]
    rated = sorted((i for i in ws.indicators if s.id in i.ratings),
                   key=lambda i: (RATING.order(i.ratings[s.id]), i.id))
    unrated = [i.id for i in ws.indicators if s.id not in i.ratings and watch_on(i, as_of) == Watch.WATCHED]
    return {"kind": "scenario", "id": s.id, "title": s.title, "description": s.description, "marking": floor.value,
            **_life(s, as_of),
            "judgments": [_judgment(n, j, floor, as_of) for n, j in _named(s.id, s.judgments, as_of)],
            "indicators": [{"id": i.id, "title": i.title, "rating": i.ratings[s.id].value,
                            "marking": effective(i.marking, floor).value} for i in rated],
            "unrated": unrated}


def _show_indication(ws: Workspace, ind: Indicator, indication_id: str, floor: Marking,
                     as_of: dt.date) -> dict[str, Any]:
    own = effective(ind.marking, floor)
    o = next(o for o in ind.indications if o.id == indication_id)
    return {"kind": "indication", **_indication(ws, o, own, as_of),
            "indicator": {"id": ind.id, "title": ind.title, "marking": own.value},
            "cited_by": [_assessment(n, a, own, as_of, _gone(ws, as_of))
                         for n, a in _named(ind.id, ind.assessments, as_of) if o.id in a.cites]}


def _show_entry(ws: Workspace, ref: EntryRef, floor: Marking, as_of: dt.date) -> dict[str, Any]:
    """An assessment or judgment by its name, with its subject."""
    if ref.kind == "judgment":
        s = ws.scenario_by_id[ref.subject]
        return {"kind": "judgment", **_judgment(ref.id, ref.entry, floor, as_of),
                "scenario": {"id": s.id, "title": s.title, "marking": floor.value}}
    ind = ws.indicator_by_id[ref.subject]
    own = effective(ind.marking, floor)
    return {"kind": "assessment", **_assessment(ref.id, ref.entry, own, as_of, _gone(ws, as_of)),
            "indicator": {"id": ind.id, "title": ind.title, "marking": own.value}}


def _show_source(ws: Workspace, source_id: str, floor: Marking, as_of: dt.date) -> dict[str, Any]:
    src = next(s for s in ws.meta.sources if s.id == source_id)
    citing = [(i, o) for i in ws.indicators for o in _dated(i.indications, as_of) if o.source_id == src.id]
    return {"kind": "source", "id": src.id, "title": src.title, "publisher": src.publisher, "date": _day(src.date),
            "url": src.url, "note": src.note, "marking": floor.value,
            "indications": [_indication(ws, o, effective(i.marking, floor), as_of) for i, o in citing]}


def _markings_in(item: dict[str, Any]) -> list[str]:
    """Every marking an item shows: its own and its entries'."""
    found = [item["marking"]]
    for key in ("indications", "assessments", "judgments", "indicators", "cited_by"):
        found += [entry["marking"] for entry in item.get(key, [])]
    for key in ("indicator", "scenario"):
        if key in item:
            found.append(item[key]["marking"])
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
    known.update({ref.id: ref.kind for ref in entries_of(view) if ref.kind != "indication" and ref.entry.date <= as_of})
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
        item = _show_indicator(view, view.indicator_by_id[found], floor, as_of)
    elif kind == "scenario":
        item = _show_scenario(view, found, floor, as_of)
    elif kind == "indication":
        item = _show_indication(view, next(i for i in view.indicators if any(o.id == found for o in i.indications)),
                                found, floor, as_of)
    elif kind in ("assessment", "judgment"):
        ref = find_entry(view, found)
        assert ref is not None  # it was listed by entries_of
        item = _show_entry(view, ref, floor, as_of)
    else:
        item = _show_source(view, found, floor, as_of)
    withheld = _withheld_of(ws, item, limit, as_of) if marking is not None else WithheldCount()
    return {**_head(ws, as_of, limit, highest(floor, _markings_in(item)), withheld), "item": item}


# ----------------------------------------------------------------------------------------------------- list


def list_indicators(ws: Workspace, as_of: dt.date, marking: Marking | str | None = None, *,
                    themes: Sequence[str] = (), statuses: Sequence[str] = (), priorities: Sequence[str] = (),
                    scenario: str | None = None, stale: bool = False, overdue: bool = False,
                    retired: bool = False) -> dict[str, Any]:
    """Every indicator watched on `as_of` (filtered) with its status: the heading fields and `indicators`,
    one dict per row (id, title, theme, priority, status, confidence, last_assessed, overdue, stale,
    marking, watch). With `retired`, the indicators retired by `as_of` instead; indicators not yet
    watched on the date are never listed.

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
        if row["watch"] != (Watch.RETIRED if retired else Watch.WATCHED).value:
            continue
        rows.append({"id": ind.id, "title": ind.title, "theme": ind.theme or "", "priority": ind.priority.value,
                     "status": str(row["status"]), "confidence": confidence if isinstance(confidence, str) else None,
                     "last_assessed": _day(last.date if last else None), "overdue": bool(row["overdue"]),
                     "stale": bool(row["stale"]), "watch": str(row["watch"]),
                     "reviewed": bool(row["review"]),
                     "retired": _day(ind.retired.date) if retired and ind.retired else None,
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
    lines.append(f"{item['kind'].upper()} {item['id']}  {_name_of(item)}{_portion(data, item['marking'])}")
    if item["kind"] == "indicator":
        lines += _field("theme", item["theme"]) + _field("priority", item["priority"])
        lines += _field("actors", ", ".join(item["actors"])) + _field("expected by", item["expected_by"])
        lines += _field("criteria", item["criteria"]) + _field("description", item["description"])
        lines += _field("source", item["source_ref"])
        lines += _field("ratings", ", ".join(f"{s} {r}" for s, r in item["ratings"].items()))
        lines += _field("related", ", ".join(item["related"])) + _life_lines(item)
        lines += ["INDICATIONS"] + [_indication_line(data, o) for o in item["indications"]]
        lines += ["ASSESSMENTS"] + [_assessment_line(data, a) for a in item["assessments"]]
    elif item["kind"] == "scenario":
        lines += _field("description", item["description"]) + _life_lines(item) + ["JUDGMENTS"]
        lines += [_judgment_line(data, j) for j in item["judgments"]]
        lines += ["INDICATORS"] + [f"  {i['id']:<8} {i['rating']:<3} {i['title']}{_portion(data, i['marking'])}"
                                   for i in item["indicators"]]
        if item["unrated"]:
            lines += [f"  not rated against it yet: {', '.join(item['unrated'])}"]
    elif item["kind"] == "indication":
        i = item["indicator"]
        lines += _field("date", item["date"]) + _field("source", f"{item['source']} ({item['grade']})")
        lines += _field("source in full", item["source_detail"])
        lines += _field("value", f"{item['value']} {item['unit'] or ''}".strip() if item["value"] is not None
                        else None) + _field("url", item["url"]) + _field("recorded by", item["analyst"])
        lines += _withdrawn_lines(item["withdrawn"])
        lines += [f"  indicator: {i['id']}  {i['title']}{_portion(data, i['marking'])}", "CITED BY"]
        lines += [_assessment_line(data, a) for a in item["cited_by"]]
    elif item["kind"] in ("assessment", "judgment"):
        owner = item.get("indicator") or item["scenario"]
        line = _assessment_line(data, item) if item["kind"] == "assessment" else _judgment_line(data, item)
        lines += [line, f"  {'indicator' if 'indicator' in item else 'scenario'}: {owner['id']}  {owner['title']}"
                        f"{_portion(data, owner['marking'])}"]
    else:
        lines += _field("publisher", item["publisher"]) + _field("date", item["date"]) + _field("url", item["url"])
        lines += _field("note", item["note"])
        if item["indications"]:
            lines += ["INDICATIONS CITING IT"] + [_indication_line(data, o) for o in item["indications"]]
    return "\n".join(lines) + "\n"


def _name_of(item: dict[str, Any]) -> str:
    if item["kind"] == "assessment":
        return f"of {item['indicator']['id']}"
    if item["kind"] == "judgment":
        return f"of {item['scenario']['id']}"
    return item.get("title") or item.get("summary") or ""


def _life_lines(item: dict[str, Any]) -> list[str]:
    retired = item["retired"]
    lines = _field("watched from", item["added"])
    if retired:
        lines += [f"  RETIRED {retired['date']} by {retired['analyst']}: {' '.join(retired['reason'].split())}"]
    elif item["watch"] == Watch.NOT_YET.value:
        lines += ["  not yet watched on this date"]
    return lines


def _withdrawn_lines(w: dict[str, Any] | None) -> list[str]:
    return [f"  WITHDRAWN {w['date']} by {w['analyst']}: {' '.join(w['reason'].split())}"] if w else []


def _struck(entry: dict[str, Any]) -> str:
    """`[WITHDRAWN date: reason] ` before a withdrawn entry's line: it counts for nothing."""
    w = entry.get("withdrawn")
    return f"[WITHDRAWN {w['date']}: {' '.join(w['reason'].split())}] " if w else ""


def _indication_line(data: dict[str, Any], o: dict[str, Any]) -> str:
    value = f"  {o['value']} {o['unit'] or ''}".rstrip() if o["value"] is not None else ""
    url = f"  {o['url']}" if o["url"] else ""
    return (f"  {o['date']}  {o['id']}  {_struck(o)}{' '.join(o['summary'].split())}  [{o['source']}, {o['grade']}]"
            f"{value}{url}{_portion(data, o['marking'])}")


def _assessment_line(data: dict[str, Any], a: dict[str, Any]) -> str:
    cites = f"  cites {', '.join(a['cites'])}" if a["cites"] else ""
    if a["cites_withdrawn"] and not a["withdrawn"]:
        cites += f"  (FLAGGED: rests on withdrawn {', '.join(a['cites_withdrawn'])})"
    what = "reviewed, no change: " if a["review"] else ""
    return (f"  {a['id']}  {_struck(a)}{a['status']} ({a['confidence']} confidence)  {a['analyst']}: "
            f"{what}{' '.join(a['rationale'].split())}{cites}{_portion(data, a['marking'])}")


def _judgment_line(data: dict[str, Any], j: dict[str, Any]) -> str:
    return (f"  {j['id']}  {_struck(j)}{j['likelihood']} ({j['confidence']} confidence)  {j['analyst']}: "
            f"{' '.join(j['rationale'].split())}{_portion(data, j['marking'])}")


def format_list(data: dict[str, Any]) -> str:
    """What `indicators list` prints."""
    lines = _heading(data)
    width = max((len(r["theme"]) for r in data["indicators"]), default=0)
    for r in data["indicators"]:
        flags = " ".join(f for f, on in (("OVERDUE", r["overdue"]), ("stale", r["stale"]),
                                         (f"retired {r['retired']}", r["retired"])) if on)
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

