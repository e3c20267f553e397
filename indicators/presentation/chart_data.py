"""The frames the board's charts draw, app and HTML report alike: labelled, ordered and aggregated
(months, weeks, capped rows) from what `indicators.scoring` computes. Pandas in, pandas out, no Streamlit.

The app's charts and the HTML report's are drawn from the same frames: the `*_chart_frame` builders
take plain points, which the app computes from the workspace and the report takes from a snapshot
(which may come from a re-loaded JSON file). Rows keep the order they arrive in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from indicators.presentation.tables import scale_label
from indicators.scoring import warning
from indicators.scoring.memo import per_workspace
from indicators.workspace.load import Workspace
from indicators.workspace.vocab import (
    BOARD_STATUS,
    CONFIDENCE,
    LIKELIHOOD,
    PRIORITY,
    RATING,
    RATING_VALUE,
    STATUS,
)

HEATMAP_MAX_ROWS = 150  # indicator rows drawn in the heat map; more would be unreadable

TIMELINE_MAX_POINTS = 2000  # above this, the indication timeline is binned by week x theme

_VALUE_RATING = {value: rating for rating, value in RATING_VALUE.items()}

Points = pd.DataFrame | Iterable[Mapping[str, Any]]  # rows of a frame, or dicts (a snapshot's points)


def level_domain(ws: Workspace) -> tuple[list[str], list[str]]:
    """(labels, colours) of the workspace's warning levels, lowest first."""
    levels = ws.meta.warning_levels
    return [level.label for level in levels], [warning.level_colour(ws, rank) for rank in range(len(levels))]


LEVEL_POINT_COLUMNS = ["date", "scenario", "score", "level"]

STATUS_COUNT_COLUMNS = ["date", "status", "count"]

INDICATION_POINT_COLUMNS = ["date", "theme", "indicator", "title", "summary", "source", "grade"]


def _dates(values: pd.Series) -> pd.Series:
    """Dates (date objects, ISO text or timestamps) as the board's timestamps."""
    return pd.to_datetime(values).astype(warning.DATE_DTYPE)


def level_chart_frame(points: Points, titles: Mapping[str, str], labels: Mapping[str, str]) -> pd.DataFrame:
    """Warning-level points (date, scenario, score, level name) for `charts.level_history`.

    Adds the scenario's title and the level's label (a name missing from `titles` or `labels`
    shows as itself) and the month (`YYYY-MM`) for tooltips.
    """
    frame = pd.DataFrame(points, columns=LEVEL_POINT_COLUMNS).reset_index(drop=True)
    out = pd.DataFrame({"date": _dates(frame["date"]), "scenario": frame["scenario"],
                        "title": frame["scenario"].map(lambda sid: titles.get(sid, sid)), "score": frame["score"],
                        "label": frame["level"].map(lambda name: labels.get(name, name))})
    out["month"] = out["date"].dt.strftime("%Y-%m")
    return out


def composition_chart_frame(counts: Points) -> pd.DataFrame:
    """Indicator counts per status and date (date, status, count) for `charts.status_composition`:
    with each status's order (for stacking) and label."""
    frame = pd.DataFrame(counts, columns=STATUS_COUNT_COLUMNS).reset_index(drop=True)
    return frame.assign(date=_dates(frame["date"]), order=frame["status"].map(BOARD_STATUS.order),
                        label=frame["status"].map(BOARD_STATUS.label))


def timeline_chart_frame(indications: Points, max_points: int = TIMELINE_MAX_POINTS) -> tuple[pd.DataFrame, bool]:
    """Indications (date, theme, indicator, title, summary, source, grade) for `charts.indication_timeline`.

    Returns (frame, binned). Up to `max_points` rows: one row each, with count=1. More: binned
    by week x theme, so the chart stays light: date (week start), theme, count, indicators (how
    many distinct).
    """
    frame = pd.DataFrame(indications, columns=INDICATION_POINT_COLUMNS).reset_index(drop=True)
    frame = frame.assign(date=_dates(frame["date"]))
    if len(frame) <= max_points:
        return frame.assign(count=1), False
    week = _dates(frame["date"].dt.to_period("W-SUN").dt.start_time)
    binned = (frame.assign(date=week).groupby(["date", "theme"])
              .agg(count=("indicator", "size"), indicators=("indicator", "nunique")).reset_index())
    return binned, True


def score_history(ws: Workspace, as_of: dt.date, scenario_id: str) -> pd.DataFrame:
    """One scenario's score at each month end up to `as_of` (date, score): its small line on the card."""
    points = warning.levels_over_time(ws, warning.timeline_dates(ws, as_of))
    points = points[points["scenario"] == scenario_id]
    return pd.DataFrame({"date": _dates(points["date"]), "score": points["score"].astype(float)}).reset_index(drop=True)


@per_workspace
def level_history(ws: Workspace, as_of: dt.date) -> pd.DataFrame:
    """Each scenario's warning level at each month end up to `as_of` (for the level chart)."""
    points = warning.levels_over_time(ws, warning.timeline_dates(ws, as_of))
    return level_chart_frame(points.assign(score=points["score"].astype(float).round(3)),
                             titles={s.id: s.title for s in ws.scenarios},
                             labels={level.name: level.label for level in ws.meta.warning_levels})


def status_history(ws: Workspace, indicator_id: str, as_of: dt.date) -> pd.DataFrame:
    """The indicator's assessments up to `as_of`, plus a row at `as_of` (`carried`) holding the status on.

    Starts "not observed" at the first recorded event when the first assessment comes later, so
    the step chart shows the whole known history.
    """
    t = warning.tables(ws)
    day = warning.day_stamp(as_of)
    a = warning.standing(t.assessments[t.assessments["indicator"] == indicator_id], day)
    rows = a[["date", "status", "confidence", "analyst", "rationale"]].copy()
    if rows.empty:
        start = warning.history_start(ws)
        added = t.indicators.at[indicator_id, "added"] if indicator_id in t.indicators.index else pd.NaT
        start = added if pd.notna(added) else start
        start = min(start, day) if start is not None else day
        rows = pd.DataFrame([{"date": start, "status": "not_observed", "confidence": None, "analyst": "",
                              "rationale": "No assessment recorded yet."}])
    rows["carried"] = False
    last = rows.iloc[-1]
    if last["date"] < day:
        carry = {**last.to_dict(), "date": day, "carried": True}
        rows = pd.concat([rows, pd.DataFrame([carry])], ignore_index=True)
    rows["date"] = pd.to_datetime(rows["date"]).astype(warning.DATE_DTYPE)
    rows["label"] = rows["status"].map(lambda v: scale_label(STATUS, v))
    rows["confidence_label"] = rows["confidence"].map(lambda v: scale_label(CONFIDENCE, v))
    rows["order"] = rows["status"].map(lambda v: STATUS.order(v))
    return rows.reset_index(drop=True)


def numeric_series(ws: Workspace, indicator_id: str, as_of: dt.date) -> pd.DataFrame:
    """Indications of the indicator that carry a value, up to `as_of` (date, value, unit, …)."""
    t = warning.tables(ws)
    o = warning.standing(t.indications[t.indications["indicator"] == indicator_id], warning.day_stamp(as_of))
    o = o[o["value"].notna()]
    out = o[["date", "id", "value", "unit", "source", "grade", "summary"]].copy()
    out["unit"] = out["unit"].fillna("value")
    out["value"] = out["value"].astype(float)
    return out.reset_index(drop=True)


def composition(ws: Workspace, as_of: dt.date) -> pd.DataFrame:
    """Count of indicators per status at each month end up to `as_of` (for the composition chart)."""
    return composition_chart_frame(warning.status_composition(ws, warning.timeline_dates(ws, as_of)))


def heatmap_frame(ws: Workspace, as_of: dt.date, themes: Iterable[str] = (),
                  max_rows: int = HEATMAP_MAX_ROWS) -> tuple[pd.DataFrame, int]:
    """Status of each indicator at each month end (one cell per indicator x month), and the row total.

    Keeps at most `max_rows` indicators (highest priority, most advanced status first) so the
    chart stays readable; the second value says how many indicators matched.
    """
    t = warning.tables(ws)
    ids = t.indicators
    themes = list(themes)
    if themes:
        ids = ids[ids["theme"].isin(themes)]
    total = len(ids)
    if total == 0:
        return pd.DataFrame(columns=["indicator", "title", "theme", "month", "status", "label", "order"]), 0
    if total > max_rows:
        now = warning.status_as_of(ws, as_of).loc[ids.index]
        now = now.assign(p=now["priority"].map(lambda v: PRIORITY.order(v))).rename_axis(None)
        keep = now.sort_values(["p", "status_order", "id"], ascending=[True, False, True]).index[:max_rows]
        ids = ids.loc[sorted(keep)]
    s = warning.status_over_time(ws, warning.timeline_dates(ws, as_of))
    s = s[s["indicator"].isin(ids.index)].copy()
    s["title"] = s["indicator"].map(ids["title"])
    s["theme"] = s["indicator"].map(ids["theme"])
    s["month"] = s["date"].dt.strftime("%Y-%m")
    s["label"] = s["status"].map(lambda v: scale_label(BOARD_STATUS, v))
    s["order"] = s["status"].map(lambda v: BOARD_STATUS.order(v))
    s = s.sort_values(["theme", "indicator", "date"], kind="stable")
    return s[["indicator", "title", "theme", "month", "status", "label", "order"]].reset_index(drop=True), total


def timeline_frame(ws: Workspace, as_of: dt.date, themes: Iterable[str] = (),
                   max_points: int = TIMELINE_MAX_POINTS) -> tuple[pd.DataFrame, bool]:
    """Indications up to `as_of` (of the given themes), one row each or binned by week x theme when
    there are many: see `timeline_chart_frame`. Returns (frame, binned)."""
    t = warning.tables(ws)
    o = warning.standing(t.indications, warning.day_stamp(as_of))  # a withdrawn indication no longer shows
    themes = list(themes)
    if themes:
        o = o[o["theme"].isin(themes)]
    return timeline_chart_frame(o.assign(title=o["indicator"].map(t.indicators["title"])), max_points)


def likelihood_history(ws: Workspace, as_of: dt.date) -> pd.DataFrame:
    """Every scenario judgment up to `as_of`, in workspace order, and a `carried` row per scenario
    at `as_of` so step lines reach the date."""
    j = warning.judgments_over_time(ws, as_of)
    if j.empty:
        return pd.DataFrame(columns=["date", "scenario", "title", "likelihood", "label", "confidence", "rank",
                                     "analyst", "rationale", "carried"])
    day = warning.day_stamp(as_of)
    last = j.groupby("scenario").tail(1)
    carry = last[last["date"] < day].assign(date=day, carried=True)
    rank = {s.id: i for i, s in enumerate(ws.scenarios)}
    out = pd.concat([j.assign(carried=False), carry], ignore_index=True)
    out = out.assign(_rank=out["scenario"].map(rank)).sort_values(["_rank", "date"], kind="stable")
    out["confidence"] = out["confidence"].map(lambda v: scale_label(CONFIDENCE, v))
    return out[["date", "scenario", "title", "likelihood", "label", "confidence", "rank", "analyst",
                "rationale", "carried"]].reset_index(drop=True)


def validator_matrix(ws: Workspace) -> pd.DataFrame:
    """Indicator x scenario ratings, long: indicator, title, theme, scenario, rating, label, weight."""
    t = warning.tables(ws)
    weights = warning.diagnostic_weights(ws)
    if t.ratings.empty:
        return pd.DataFrame(columns=["indicator", "title", "theme", "scenario", "rating", "label", "weight"])
    long = t.ratings.rename_axis("indicator").reset_index().melt(id_vars="indicator", var_name="scenario",
                                                                  value_name="value")
    long = long[long["value"].notna()]
    long["rating"] = long["value"].map(lambda v: _VALUE_RATING[float(v)].value)
    long["label"] = long["rating"].map(RATING.label)
    long["weight"] = [round(float(weights.at[i, s]), 3) for i, s in zip(long["indicator"], long["scenario"])]
    long["title"] = long["indicator"].map(t.indicators["title"])
    long["theme"] = long["indicator"].map(t.indicators["theme"])
    return long[["indicator", "title", "theme", "scenario", "rating", "label", "weight"]].reset_index(drop=True)


def diagnosticity_table(ws: Workspace) -> pd.DataFrame:
    """Per indicator: rating spread, whether diagnostic, and the scenario it speaks for most."""
    t = warning.tables(ws)
    d = warning.diagnosticity(ws)
    return pd.DataFrame({
        "indicator": d.index,
        "title": t.indicators["title"].reindex(d.index).to_numpy(),
        "theme": t.indicators["theme"].reindex(d.index).to_numpy(),
        "spread": d["spread"].round(3).to_numpy(),
        "diagnostic": d["diagnostic"].astype(bool).to_numpy(),
        "best_for": d["best_for"].fillna("").to_numpy(),
    })


def calibration_frame(record: dict[str, Any]) -> pd.DataFrame:
    """The calibration rows of a `track.scores` result, labelled for the chart."""
    rows = [{"label": LIKELIHOOD.label(c["likelihood"]), "p": c["p"], "low": c["band"][0], "high": c["band"][1],
             "band": f"{c['band'][0]:.0%}–{c['band'][1]:.0%}", "judgments": c["judgments"],
             "occurred": c["occurred"], "share": c["share"]} for c in record["calibration"]]
    return pd.DataFrame(rows, columns=["label", "p", "low", "high", "band", "judgments", "occurred", "share"])
