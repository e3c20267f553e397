"""`indicators status`: the board as of a date for a marking, as plain data and as text.

Drawn from the same snapshot as every export (`snapshot.build_snapshot`): items marked above the
marking asked for are withheld and counted, and everything shown is computed from what is
released. The report is marked with the highest marking of what it shows (`markings.shown_marking`):
statuses on the as-of date and 30 days earlier (scores and trends), every indication known (the
counts), and each scenario's latest judgment. Each row carries its own marking, and the text
marks the rows above the workspace's marking where they are listed (TLP portion marking).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from indicators.reports import wording as w
from indicators.reports.markings import (
    WithheldCount,
    check_marking,
    highest,
    highest_present,
    releasable,
    shown_marking,
)
from indicators.reports.snapshot import IndicatorOut, Snapshot, build_snapshot
from indicators.workspace.load import Workspace
from indicators.workspace.vocab import MARKING, Marking, Watch

WHERE = "this report"


def status_marking(view: Workspace, as_of: dt.date) -> Marking:
    """The highest marking of what `status` shows of a (released) workspace on `as_of`."""
    return shown_marking(view, as_of, scores=True, indications=True, judged=[as_of])


def indicator_marking(snap: Snapshot, indicator: IndicatorOut) -> Marking:
    """What a status row rests on: the indicator, its latest assessment and the indications it counts."""
    return highest(snap.workspace_marking, [indicator.marking, indicator.assessment_marking]
                   + [o.marking for o in indicator.indications])


def status_report(ws: Workspace, as_of: dt.date | None = None, marking: Marking | str | None = None) -> dict[str, Any]:
    """The board as of `as_of` for recipients of `marking` (what `status --json` prints).

    `marking` None shows everything: the highest marking present in the workspace. A marking below
    the workspace's own raises `ExportRefused`, as an export for it would.
    """
    limit = check_marking(ws, marking, verb="show the board") if marking is not None else highest_present(ws)
    snap = build_snapshot(ws, as_of, None, limit)
    view, _ = releasable(ws, limit, snap.as_of)
    data = snap.model_dump(mode="json")
    scenarios = []
    for s, out in zip(snap.scenarios, data["scenarios"]):
        judgment = None
        if s.judgment is not None:
            j = out["judgment"]
            judgment = {"date": j["date"], "likelihood": j["likelihood"], "confidence": j["confidence"],
                        "analyst": j["analyst"], "rationale": j["rationale"],
                        "marking": highest(snap.workspace_marking, [s.judgment.marking]).value}
        if judgment is not None:
            judgment.update(age_days=s.judgment_age_days, stale=s.judgment_stale)
        scenarios.append({"id": s.id, "title": s.title, "score": s.score,
                          "score_text": w.score_value(s.score, snap), "level": s.level,
                          "level_label": w.level_label(snap, s.level), "trend": out["trend"],
                          "windows": out["windows"], "marginal": s.marginal, "ladders": list(s.ladders),
                          "linchpins": out["linchpins"], "judgment": judgment,
                          "resolution": {"date": s.resolution.date.isoformat(), "outcome": s.resolution.outcome.value,
                                         "analyst": s.resolution.analyst} if s.resolution else None,
                          "question_close": s.question_close.isoformat() if s.question_close else None,
                          "assumptions_in_doubt": [{"id": a.id, "status": a.status.value, "since": a.since.isoformat()}
                                                   for a in s.assumptions if a.flags]})
    indicators = [
        {"id": i.id, "title": i.title, "theme": i.theme, "priority": out["priority"], "status": out["status"],
         "confidence": out["confidence"], "last_assessed": out["last_assessed"], "overdue": i.overdue,
         "stale": i.stale, "indications": len(i.indications), "marking": indicator_marking(snap, i).value,
         "watch": out["watch"], "retired": out["retired"], "reviewed": i.reviewed,
         "proposed_status": out["proposed_status"], "proposal_reason": i.proposal_reason}
        for i, out in zip(snap.indicators, data["indicators"]) if i.watch != Watch.NOT_YET
    ]
    return {"workspace": snap.title, "marking": status_marking(view, snap.as_of).value,
            "made_for": MARKING.member(limit).value, "workspace_marking": data["workspace_marking"],
            "as_of": data["as_of"], "withheld": data["withheld"], "counts": snap.counts, "scenarios": scenarios,
            "indicators": indicators, "newest_evidence": data["newest_evidence"],
            "levels": [{"name": level.name, "label": level.label, "min_score": level.min_score}
                       for level in snap.levels],
            "errors": len(ws.errors), "warnings": len(ws.warnings)}


def _portion(report: dict[str, Any], marking: str | None) -> str:
    """` (TLP:AMBER)` after a row marked above the workspace's marking; empty otherwise."""
    return w.portion(marking) if marking and MARKING.order(marking) > MARKING.order(report["workspace_marking"]) else ""


def withheld_line(report: dict[str, Any]) -> str | None:
    """What the report leaves out (a sentence), or None when nothing was withheld."""
    count = report["withheld"]
    if not count["total"]:
        return None
    kinds = WithheldCount(count["indicators"], count["indications"], count["assessments"], count["judgments"])
    counted = w.withheld_counts(kinds, MARKING.label(report["made_for"]), WHERE)
    return counted + " The levels and statuses shown rest only on what is released."


def format_status(report: dict[str, Any]) -> str:
    """The report as the text `indicators status` prints."""
    lines = [f"{report['workspace']} — {MARKING.label(report['marking'])} — as of {report['as_of']}"]
    withheld = withheld_line(report)
    if withheld:
        lines.append(withheld)
    c = report["counts"]
    lines += [f"{c['indicators']} indicators: {c['observed']} observed, {c['emerging']} emerging, "
              f"{c['negated']} negated, {c['overdue']} overdue, {c['stale']} stale", "", "SCENARIOS"]
    for s in report["scenarios"]:
        j = s["judgment"]
        stale = f", STALE: {j['age_days']} days old" if j and j["stale"] and not s.get("resolution") else ""
        judged = (f"{j['likelihood']} ({j['confidence']} confidence, {j['date']}{stale})"
                  f"{_portion(report, j['marking'])}" if j else "no judgment")
        settled = s.get("resolution")
        resolved = f"  RESOLVED {settled['outcome']} {settled['date']}" if settled else ""
        closed = s.get("question_close")
        if not settled and closed and closed < report["as_of"]:
            resolved = f"  QUESTION CLOSED {closed}, NOT RESOLVED"
        lines.append(f"  {s['id']:<20} {s['level_label']:<10} {s['trend']:<13} score {s['score_text']:<5} "
                     f"{judged}{resolved}")
        plan = w.linchpin_text(s["linchpins"], {level["name"]: level["label"] for level in report["levels"]})
        doubt = ", ".join(f"ASSUMPTION {a['id']} {a['status'].upper()} since {a['since']}: judge again"
                          for a in s.get("assumptions_in_doubt", []))
        extra = "; ".join(part for part in (doubt, ", ".join(s["ladders"]), plan) if part)
        if extra:
            lines.append(f"  {'':<20} {extra}")
    lines += ["", "INDICATORS"]
    for i in report["indicators"]:
        flags = " ".join(f for f, on in (("OVERDUE", i["overdue"]), ("stale", i["stale"]),
                                         (f"RETIRED {i['retired']}", i["retired"]),
                                         (f"REASSESSMENT DUE ({i['proposal_reason']})", i["proposed_status"]))
                         if on)
        lines.append(f"  {i['id']:<8} {i['status']:<13} {i['confidence'] or '-':<9} "
                     f"{i['last_assessed'] or 'never':<11} {i['title'][:60]}{_portion(report, i['marking'])}  "
                     f"{flags}".rstrip())
    return "\n".join(lines) + "\n"
