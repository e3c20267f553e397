"""Warning notices: what a watch officer must hear about, in date order.

In the window (since, as_of]:
- **level**: a scenario's warning level crossed a threshold, up or down, on the day an assessment,
  a withdrawal, an indicator's start or retirement, or an expected-by date moved it; with the
  entries of that day behind it;
- **judgment**: a scenario's likelihood judgment changed;
- **observed**: a high-priority indicator became observed;
- **overdue**: an indicator passed its expected-by date still not observed;
and, whatever their date, every **reassessment** due on `as_of` (a numeric series pointing to another
status than the assessed one).

Each notice has a stable key (for feed entry ids). Nothing here imports Streamlit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from indicators.scoring import signals, warning
from indicators.scoring.memo import per_workspace
from indicators.workspace.load import Workspace
from indicators.workspace.vocab import LIKELIHOOD, STATUS, Priority, Status, Watch

KINDS = ("level", "judgment", "observed", "overdue", "reassessment")


@dataclass(frozen=True)
class Notice:
    """One notice: when, what kind, about what, what happened and on what evidence."""

    date: dt.date
    kind: str  # one of KINDS
    subject: str  # scenario or indicator id
    title: str  # the subject's title
    text: str  # what happened, one line
    evidence: tuple[str, ...] = ()  # ids of the entries behind it (a tuple: notices are remembered and shared)
    level: str | None = None  # level notices: the level reached
    rank: int | None = None  # level notices: its rank (0 the lowest)
    up: bool | None = None  # level notices: crossed upward

    def __post_init__(self) -> None:
        object.__setattr__(self, "evidence", tuple(self.evidence))

    @property
    def key(self) -> str:
        """A stable id: the same notice gets the same key in every run."""
        return f"{self.kind}/{self.subject}/{self.date.isoformat()}" + (f"/{self.level}" if self.level else "")

    def to_dict(self) -> dict[str, object]:
        return {"date": self.date.isoformat(), "kind": self.kind, "subject": self.subject, "title": self.title,
                "text": self.text, "evidence": list(self.evidence), "level": self.level, "up": self.up,
                "key": self.key}


@per_workspace
def notices(ws: Workspace, since: dt.date | str, as_of: dt.date | str) -> list[Notice]:
    """The notices of (since, as_of], in date order (ties: kind, then subject)."""
    start, end = warning.day_stamp(since), warning.day_stamp(as_of)
    out = _level_notices(ws, start, end) + _judgment_notices(ws, start, end)
    out += _observed_notices(ws, start, end) + _overdue_notices(ws, start, end)
    out += _reassessments(ws, end)
    return sorted(out, key=lambda n: (n.date, KINDS.index(n.kind), n.subject))


def _level_notices(ws: Workspace, start: pd.Timestamp, end: pd.Timestamp) -> list[Notice]:
    days = warning.change_days(ws, start, end)
    if not days:
        return []
    levels = warning.levels_over_time(ws, [start, *days])
    labels = {level.name: level.label for level in ws.meta.warning_levels}
    t = warning.tables(ws)
    weights = warning.diagnostic_weights(ws)
    out = []
    for sid, rows in levels.groupby("scenario", sort=False):
        rows = rows.sort_values("date")
        prev = None
        resolution = ws.scenario_by_id[str(sid)].resolution
        settled = pd.Timestamp(resolution.date) if resolution is not None else None
        for _, row in rows.iterrows():
            if settled is not None and row["date"] > settled:  # a resolved question warns no more
                break
            if prev is not None and row["rank"] != prev["rank"]:
                day = row["date"]
                speaks = set(weights.index[weights[sid] > 0]) if sid in weights.columns else set()
                made = t.assessments[(t.assessments["date"] > prev["date"]) & (t.assessments["date"] <= day)
                                     & t.assessments["indicator"].isin(speaks)]
                gone = t.assessments[(t.assessments["withdrawn"] > prev["date"]) & (t.assessments["withdrawn"] <= day)
                                     & t.assessments["indicator"].isin(speaks)]
                up = bool(row["rank"] > prev["rank"])
                out.append(Notice(
                    warning.to_date(day), "level", str(sid), ws.scenario_by_id[str(sid)].title,
                    f"warning level {'up' if up else 'down'}: {labels[prev['level']]} → {labels[row['level']]} "
                    f"(score {warning.score_text(prev['score'], _edges(ws))} → "
                    f"{warning.score_text(row['score'], _edges(ws))})",
                    sorted(set(made["id"]) | {f"{i} (withdrawn)" for i in gone["id"]}),
                    str(row["level"]), int(row["rank"]), up))
            prev = row
    return out


def _edges(ws: Workspace) -> list[float]:
    return [level.min_score for level in ws.meta.warning_levels]


def _judgment_notices(ws: Workspace, start: pd.Timestamp, end: pd.Timestamp) -> list[Notice]:
    j = warning.standing(warning.tables(ws).judgments, end)
    out = []
    for sid, rows in j.groupby("scenario", sort=False):
        before = warning.latest_judgments(ws, start)
        prev = before.at[sid, "likelihood"] if sid in before.index else None
        for _, row in rows.sort_values(["date", "seq"]).iterrows():
            if row["date"] > start and row["likelihood"] != prev:
                was = LIKELIHOOD.label(prev) if isinstance(prev, str) else "no judgment"
                out.append(Notice(warning.to_date(row["date"]), "judgment", str(sid),
                                  ws.scenario_by_id[str(sid)].title,
                                  f"likelihood {was} → {LIKELIHOOD.label(row['likelihood'])} "
                                  f"({row['confidence']} confidence, {row['analyst']})", [row["id"]]))
            prev = row["likelihood"]
    return out


def _observed_notices(ws: Workspace, start: pd.Timestamp, end: pd.Timestamp) -> list[Notice]:
    t = warning.tables(ws)
    high = set(t.indicators.index[t.indicators["priority"] == Priority.HIGH.value])
    a = warning.standing(t.assessments, end)
    a = a[(a["date"] > start) & a["indicator"].isin(high) & (a["status"] == Status.OBSERVED.value)]
    out = []
    for _, row in a.iterrows():
        day = row["date"]
        before = warning.status_as_of(ws, day - pd.Timedelta(days=1)).at[row["indicator"], "status"]
        if before != Status.OBSERVED.value:
            out.append(Notice(warning.to_date(day), "observed", row["indicator"],
                              t.indicators.at[row["indicator"], "title"],
                              f"high-priority indicator observed ({STATUS.label(before)} → Observed, "
                              f"{row['confidence']} confidence)", [row["id"]]))
    return out


def _overdue_notices(ws: Workspace, start: pd.Timestamp, end: pd.Timestamp) -> list[Notice]:
    t = warning.tables(ws)
    out = []
    for ident, due in t.indicators["expected_by"].dropna().items():
        day = due + pd.Timedelta(days=1)
        if not start < day <= end:
            continue
        row = warning.status_as_of(ws, day).loc[ident]
        if row["watch"] == Watch.WATCHED.value and row["status"] == Status.NOT_OBSERVED.value:
            out.append(Notice(warning.to_date(day), "overdue", str(ident), t.indicators.at[ident, "title"],
                              f"overdue: expected by {warning.to_date(due)}, still not observed"))
    return out


def _reassessments(ws: Workspace, end: pd.Timestamp) -> list[Notice]:
    t = warning.tables(ws)
    out = []
    for ident, proposal in signals.proposals(ws, end).items():
        o = warning.standing(t.indications[(t.indications["indicator"] == ident) & t.indications["value"].notna()],
                             end)
        day = warning.to_date(o["date"].max()) if len(o) else warning.to_date(end)
        out.append(Notice(day, "reassessment", ident, t.indicators.at[ident, "title"],
                          f"reassessment due: assessed {STATUS.label(proposal.assessed)}, the series points to "
                          f"{STATUS.label(proposal.proposed)} ({proposal.reason})", list(o["id"].tail(1))))
    return out


def at_or_above(found: list[Notice], ws: Workspace, min_level: str | None) -> bool:
    """True when a notice calls for attention: any notice, or with `min_level` a level notice reaching
    that level or a higher one."""
    if min_level is None:
        return bool(found)
    names = [level.name for level in ws.meta.warning_levels]
    wanted = names.index(min_level)
    return any(n.kind == "level" and n.rank is not None and n.rank >= wanted for n in found)
