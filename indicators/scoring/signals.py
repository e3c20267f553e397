"""What the data says beyond the latest assessments: thresholds crossed, ladders climbed, linchpins.

- **Thresholds.** An indicator with `thresholds: {emerging: X, observed: Y}` reads its numeric
  series (the values of its standing indications, `aggregate`: the latest value, the max or the
  sum, over `window_days` before the date when given). The status the series points to is
  observed at Y or more, emerging at X or more, else not observed. Where it differs from the
  assessed status, the board proposes it ("reassessment due"); an assessment decides. A negated
  assessment is questioned only by a series pointing to emerging or observed; a series with no
  value proposes nothing.
- **Ladders.** Indicators sharing `ladder: NAME` are rungs 1, 2, … of one development. The highest
  rung reached on a date is the highest rung observed then.
- **Linchpins.** For a scenario on a date: the watched indicators whose single change of status (to
  observed with high confidence, or back to not observed, or to negated) would move the scenario's
  warning level, with the level it would reach, ranked by how many levels it would move and then by
  how far the score moves. This is the collection plan: what to look for next.

Everything takes a loaded `Workspace` and a date and returns plain data; nothing imports Streamlit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from indicators.scoring import warning
from indicators.workspace.load import Workspace
from indicators.workspace.vocab import STATUS, Status, Watch


@dataclass(frozen=True)
class Proposal:
    """A status an indicator's numeric series points to, different from its assessed status."""

    indicator: str
    assessed: str
    proposed: str
    value: float
    aggregate: str  # latest | max | sum
    threshold: float | None  # the threshold reached (None: below every threshold)
    unit: str | None

    @property
    def reason(self) -> str:
        """`latest value 20000 containers ≥ observed threshold 15000` (or `… below the emerging threshold …`)."""
        unit = f" {self.unit}" if self.unit else ""
        what = {"latest": "latest value", "max": "highest value", "sum": "total"}[self.aggregate]
        if self.threshold is None:
            return f"{what} {self.value:g}{unit} is below every threshold"
        return f"{what} {self.value:g}{unit} ≥ {STATUS.label(self.proposed).lower()} threshold {self.threshold:g}"


def series_value(ws: Workspace, indicator_id: str, as_of: dt.date | str) -> float | None:
    """The indicator's numeric series read as its `aggregate` says on `as_of`; None without a value."""
    indicator = ws.indicator_by_id[indicator_id]
    t = warning.tables(ws)
    day = warning.day_stamp(as_of)
    o = warning.standing(t.indications[t.indications["indicator"] == indicator_id], day)
    o = o[o["value"].notna()]
    if indicator.window_days:
        o = o[o["date"] > day - pd.Timedelta(days=indicator.window_days)]
    if o.empty:
        return None
    values = o.sort_values("date", kind="stable")["value"].astype(float)
    if indicator.aggregate == "max":
        return float(values.max())
    if indicator.aggregate == "sum":
        return float(values.sum())
    return float(values.iloc[-1])


def proposals(ws: Workspace, as_of: dt.date | str) -> dict[str, Proposal]:
    """Per indicator with thresholds, watched on `as_of`: the proposal where its series and its assessment
    differ (indicators in agreement are left out)."""
    status = warning.status_as_of(ws, as_of)
    out = {}
    for indicator in ws.indicators:
        limits = indicator.thresholds
        if limits is None or status.at[indicator.id, "watch"] != Watch.WATCHED.value:
            continue
        value = series_value(ws, indicator.id, as_of)
        if value is None:
            continue
        if limits.observed is not None and value >= limits.observed:
            proposed, reached = Status.OBSERVED.value, limits.observed
        elif limits.emerging is not None and value >= limits.emerging:
            proposed, reached = Status.EMERGING.value, limits.emerging
        else:
            proposed, reached = Status.NOT_OBSERVED.value, None
        assessed = str(status.at[indicator.id, "status"])
        if proposed == assessed or (assessed == Status.NEGATED.value and proposed == Status.NOT_OBSERVED.value):
            continue
        unit = next((o.unit for o in reversed(indicator.indications) if o.unit), None)
        out[indicator.id] = Proposal(indicator.id, assessed, proposed, value, indicator.aggregate, reached, unit)
    return out


@dataclass(frozen=True)
class LadderState:
    """A ladder on a date: its rungs (indicator ids, lowest first) and the highest rung observed."""

    name: str
    rungs: list[tuple[int, str]]
    reached: int  # 0: none observed

    @property
    def text(self) -> str:
        return f"{self.name} ladder: rung {self.reached} of {len(self.rungs)}"


def ladders(ws: Workspace, as_of: dt.date | str) -> list[LadderState]:
    """Every ladder of the watched indicators on `as_of`, with the highest rung observed then."""
    status = warning.status_as_of(ws, as_of)
    by_name: dict[str, list[tuple[int, str]]] = {}
    for indicator in ws.indicators:
        if indicator.ladder and indicator.rung and status.at[indicator.id, "watch"] == Watch.WATCHED.value:
            by_name.setdefault(indicator.ladder, []).append((indicator.rung, indicator.id))
    out = []
    for name, rungs in sorted(by_name.items()):
        rungs.sort()
        reached = max((rung for rung, ident in rungs if status.at[ident, "status"] == Status.OBSERVED.value),
                      default=0)
        out.append(LadderState(name, rungs, reached))
    return out


def ladders_for(ws: Workspace, scenario_id: str, as_of: dt.date | str,
                known: list[LadderState] | None = None) -> list[LadderState]:
    """The ladders with at least one rung diagnostic for the scenario (what its card names); `known`: the
    ladders of the date when already worked out."""
    weights = warning.diagnostic_weights(ws)
    if scenario_id not in weights.columns:
        return []
    return [lad for lad in (known if known is not None else ladders(ws, as_of))
            if any(weights.at[ident, scenario_id] > 0 for _, ident in lad.rungs if ident in weights.index)]


@dataclass(frozen=True)
class Linchpin:
    """An indicator whose single change of status would move a scenario's warning level."""

    scenario: str
    indicator: str
    to_status: str
    level: str  # the level it would reach
    steps: int  # levels moved: + up, - down
    score: float  # the score it would reach

    def to_dict(self) -> dict[str, object]:
        return {"indicator": self.indicator, "to_status": self.to_status, "level": self.level,
                "steps": self.steps, "score": round(self.score, 6)}


# The changes tried: status and the evidence it gives (observed with high confidence; not observed; negated).
CHANGES = ((Status.OBSERVED.value, 1.0), (Status.NOT_OBSERVED.value, 0.0), (Status.NEGATED.value, -1.0))


def linchpins(ws: Workspace, as_of: dt.date | str, limit: int = 3) -> dict[str, list[Linchpin]]:
    """Per scenario watched on `as_of`: up to `limit` linchpins moving its level up, then up to `limit`
    moving it down, the largest moves first (ties: the larger score change, then the indicator id)."""
    day = warning.day_stamp(as_of)
    t = warning.tables(ws)
    e = warning.evidence(ws, [day]).iloc[0]
    watched = warning.watch_mask(t.indicators["start"], t.indicators["retired"], [day]).iloc[0]
    watched = watched.reindex(t.ratings.index).fillna(False).astype(bool)
    levels = ws.meta.warning_levels
    edges = np.array([level.min_score for level in levels])

    def rank(score: float) -> int:
        return int(np.clip(np.searchsorted(edges, score + 1e-12, side="right") - 1, 0, len(levels) - 1))

    out: dict[str, list[Linchpin]] = {}
    for scenarios, _ in warning.scenario_spans(ws, [day]):
        w = warning.scoring_weights(ws, scenarios)
        for sid in scenarios:
            col = w[sid].where(watched, 0.0)
            denom = float(col.sum())
            if denom <= 0:
                out[sid] = []
                continue
            raw = float((col * e).sum()) / denom
            now = rank(min(max(raw, 0.0), 1.0))
            speaks = col[col > 0]
            evidence = e.reindex(speaks.index).to_numpy()
            found = []
            for to_status, value in CHANGES:  # every indicator at once: the score if its evidence were `value`
                scores = np.clip(raw + speaks.to_numpy() * (value - evidence) / denom, 0.0, 1.0)
                ranks = np.clip(np.searchsorted(edges, scores + 1e-12, side="right") - 1, 0, len(levels) - 1)
                moved = (ranks != now) & ~np.isclose(evidence, value)
                found += [Linchpin(sid, ident, to_status, levels[int(r)].name, int(r) - now, float(score))
                          for ident, r, score in zip(speaks.index[moved], ranks[moved], scores[moved], strict=True)]
            out[sid] = _ranked(found, raw, limit)
    return out


def _ranked(found: list[Linchpin], raw: float, limit: int) -> list[Linchpin]:
    """One change per indicator and direction (the one moving most levels; a tie goes to the milder
    change, not observed before negated), up to `limit` upward moves first, then up to `limit` downward."""
    best: dict[tuple[str, bool], Linchpin] = {}
    for lp in found:  # CHANGES order: observed, not observed, negated
        key = (lp.indicator, lp.steps > 0)
        if key not in best or abs(lp.steps) > abs(best[key].steps):
            best[key] = lp
    ups = sorted((lp for lp in best.values() if lp.steps > 0), key=lambda lp: (-lp.steps, -(lp.score - raw),
                                                                               lp.indicator))
    downs = sorted((lp for lp in best.values() if lp.steps < 0), key=lambda lp: (lp.steps, lp.score - raw,
                                                                                 lp.indicator))
    return ups[:limit] + downs[:limit]
