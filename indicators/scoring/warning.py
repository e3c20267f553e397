"""The board: status as of a date, overdue and stale, warning levels, trends and changes.

Everything here takes a loaded `Workspace` (and dates) and returns pandas frames, vectorised
over indicators and dates; nothing imports Streamlit.

Warning score of scenario s as of date d (documented in the README too)::

    v(r)        = HL 1.0, L 0.75, C 0.5, U 0.25, HU 0.0       (chance the indicator appears if s is true)
    w[i, s]     = max(0, v(r[i, s]) - mean over other scenarios t of v(r[i, t]))
                  (how diagnostic indicator i is FOR s; 0 when it is rated alike everywhere
                   or is likelier under the alternatives; v(r[i, s]) when s is the only scenario)
    e[i, d]     = status value x confidence weight of i's latest assessment up to d
                  status: observed 1, emerging 0.5, not_observed 0, negated -1
                  confidence: high 1.0, moderate 0.75, low 0.5
    score[s, d] = clip( sum_i w[i, s] * e[i, d] / sum_i w[i, s], 0, 1 )

Only what is watched on d counts: an indicator before its `added` date (else its first entry) or
from its retirement on adds nothing to the sum or to the denominator, a scenario that is not
watched on d has no score on d (and is not an alternative in the weights), and an assessment
withdrawn on or before d is as if it had never been made (the one before it stands again).

On a ladder, w[i, s] is multiplied by 1 + ladder_step x (rung - 1). With overdue_evidence E, an
indicator past expected_by and still not observed gives e = -E; with stale_evidence {cadences: N,
discount: f}, e is multiplied by f ** floor(age / (N x review cadence)).

The level is the highest warning level in `workspace.yaml` whose `min_score` is at most the
score. The trend compares the score with the score one window earlier (`trend_windows_days`, the first
one; each window's change is given too): a rise of at least `trend_tolerance` is "deteriorated", a
fall of as much is "improved", else "unchanged".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from indicators.scoring.memo import per_workspace
from indicators.workspace.entries import dated_ids, source_citation, source_document, source_name, watch_start
from indicators.workspace.load import Workspace
from indicators.workspace.vocab import (
    BOARD_STATUS,
    CONFIDENCE_WEIGHT,
    LEVEL_PALETTE,
    LIKELIHOOD,
    LIKELIHOOD_RANGE,
    MARKING,
    RATING_VALUE,
    STATUS,
    Status,
    Trend,
    Watch,
)

STATUS_VALUE: dict[Status, float] = {
    Status.OBSERVED: 1.0,
    Status.EMERGING: 0.5,
    Status.NOT_OBSERVED: 0.0,
    Status.NEGATED: -1.0,
}
TREND_WINDOW_DAYS = 30  # the trend compares a score with the score this many days earlier
CHANGES_WINDOW_DAYS = 30  # "what changed" looks back this far when no start date is given
DATE_DTYPE = "datetime64[ns]"
_MARKING_RANK = {value: MARKING.order(value) for value in MARKING.values()}
_RANK_MARKING = {rank: value for value, rank in _MARKING_RANK.items()}
MIN_DIAGNOSTIC = 3  # a scenario with fewer diagnostic indicators than this is flagged


@dataclass(frozen=True)
class Tables:
    """The workspace as flat frames, built once per loaded workspace."""

    indicators: pd.DataFrame  # one row per indicator, index id; start/retired: when it is watched
    assessments: pd.DataFrame  # id, indicator, date, status, confidence, analyst, rationale, cites, seq, withdrawn
    indications: pd.DataFrame  # id, indicator, theme, date, summary, source, url, grade, value, unit, marking, …
    ratings: pd.DataFrame  # indicator x scenario, rating values (NaN when not rated)
    judgments: pd.DataFrame  # id, scenario, date, likelihood, confidence, analyst, rationale, marking, seq, withdrawn
    scenarios: pd.DataFrame  # one row per scenario, index id: title, start, retired


def _withdrawal(entry: object) -> dict[str, object]:
    """The entry's withdrawal columns; a review whose assessment was withdrawn is void from that date."""
    w = getattr(entry, "withdrawn", None)
    void = getattr(entry, "_void", None)
    if void is not None and (w is None or void < w.date):
        return {"withdrawn": void, "withdrawn_reason": "the assessment it repeats was withdrawn",
                "withdrawn_by": "the board"}
    return {"withdrawn": w.date if w else None, "withdrawn_reason": w.reason if w else None,
            "withdrawn_by": w.analyst if w else None}


def _as_dates(frame: pd.DataFrame, *columns: str) -> None:
    for column in columns:
        frame[column] = pd.to_datetime(frame[column]).astype(DATE_DTYPE)


def watch_mask(start: pd.Series, retired: pd.Series, days: list[pd.Timestamp]) -> pd.DataFrame:
    """date x item: True where the item is watched on the date."""
    d = np.array(days, dtype=DATE_DTYPE)[:, None]
    s, r = start.to_numpy(dtype=DATE_DTYPE)[None, :], retired.to_numpy(dtype=DATE_DTYPE)[None, :]
    ok = (np.isnat(s) | (s <= d)) & (np.isnat(r) | (d < r))
    return pd.DataFrame(ok, index=days, columns=start.index)


def watch_column(start: pd.Series, retired: pd.Series, day: pd.Timestamp) -> pd.Series:
    """Per item: not yet watched, watched or retired on `day`."""
    before = start.notna() & (start > day)
    gone = retired.notna() & (retired <= day)
    return pd.Series(np.where(before, Watch.NOT_YET.value, np.where(gone, Watch.RETIRED.value, Watch.WATCHED.value)),
                     index=start.index)


def day_stamp(value: dt.date | str | pd.Timestamp) -> pd.Timestamp:
    """A date as the midnight timestamp the board's frames are keyed on."""
    return pd.Timestamp(value).normalize().as_unit("ns")


def to_date(value: object) -> dt.date | None:
    """A frame's cell as a date; None for missing values (NaT, NaN, None)."""
    if value is None or value is pd.NaT or (not isinstance(value, (str, list)) and pd.isna(value)):
        return None
    return pd.Timestamp(value).date()


@per_workspace
def tables(ws: Workspace) -> Tables:
    """Flat frames of the workspace (built once per workspace object; treat them as read-only)."""
    scenario_ids = [s.id for s in ws.scenarios]
    ind_rows, ass_rows, obs_rows, rat_rows = [], [], [], []
    for ind in ws.indicators:
        ind_rows.append({
            "id": ind.id, "title": ind.title, "theme": ind.theme or "", "actors": list(ind.actors),
            "priority": ind.priority.value, "expected_by": ind.expected_by, "criteria": ind.criteria,
            "description": ind.description or "", "source_ref": ind.source_ref or "",
            "marking": ind.marking.value if ind.marking else None, "added": ind.added, "start": watch_start(ind),
            "retired": ind.retired.date if ind.retired else None,
            "retired_reason": ind.retired.reason if ind.retired else None, "related": list(ind.related),
        })
        rat_rows.append({s: RATING_VALUE[ind.ratings[s]] if s in ind.ratings else np.nan for s in scenario_ids})
        for seq, (name, a) in enumerate(zip(dated_ids(ind.id, ind.assessments), ind.assessments, strict=True)):
            ass_rows.append({"id": name, "indicator": ind.id, "date": a.date, "status": a.status.value,
                             "confidence": a.confidence.value, "analyst": a.analyst, "rationale": a.rationale,
                             "cites": list(a.cites), "marking": a.marking.value if a.marking else None, "seq": seq,
                             "review": a.review, **_withdrawal(a)})
        for o in ind.indications:
            doc = source_document(ws, o)
            obs_rows.append({"id": o.id, "indicator": ind.id, "theme": ind.theme or "", "date": o.date,
                             "summary": o.summary, "source": source_name(ws, o),
                             "url": o.url or (doc.url if doc else None),
                             "reliability": o.reliability.value, "credibility": int(o.credibility),
                             "grade": f"{o.reliability.value}{int(o.credibility)}", "value": o.value, "unit": o.unit,
                             "marking": o.marking.value if o.marking else None, "source_id": o.source_id,
                             "source_full": source_citation(doc) if doc else None, **_withdrawal(o)})
    withdrawal = ["withdrawn", "withdrawn_reason", "withdrawn_by"]
    indicators = pd.DataFrame(ind_rows, columns=["id", "title", "theme", "actors", "priority", "expected_by",
                                                 "criteria", "description", "source_ref", "marking", "added", "start",
                                                 "retired", "retired_reason", "related"])
    indicators = indicators.set_index("id", drop=False)
    indicators = indicators.rename_axis(None)  # the id is a column and the index: keep one name for sorting
    _as_dates(indicators, "expected_by", "added", "start", "retired")
    assessments = pd.DataFrame(ass_rows, columns=["id", "indicator", "date", "status", "confidence", "analyst",
                                                  "rationale", "cites", "marking", "seq", "review", *withdrawal])
    _as_dates(assessments, "date", "withdrawn")
    assessments["review"] = assessments["review"].astype(bool)
    assessments = assessments.sort_values(["date", "seq"], kind="stable").reset_index(drop=True)
    indications = pd.DataFrame(obs_rows, columns=["id", "indicator", "theme", "date", "summary", "source", "url",
                                                  "reliability", "credibility", "grade", "value", "unit", "marking",
                                                  "source_id", "source_full", *withdrawal])
    _as_dates(indications, "date", "withdrawn")
    indications = indications.sort_values("date", kind="stable").reset_index(drop=True)
    ratings = pd.DataFrame(rat_rows, index=indicators.index, columns=scenario_ids, dtype=float)
    jud_rows = [{"id": name, "scenario": s.id, "date": j.date, "likelihood": j.likelihood.value,
                 "confidence": j.confidence.value, "analyst": j.analyst, "rationale": j.rationale,
                 "marking": j.marking.value if j.marking else None, "seq": seq, **_withdrawal(j)}
                for s in ws.scenarios
                for seq, (name, j) in enumerate(zip(dated_ids(s.id, s.judgments), s.judgments, strict=True))]
    judgments = pd.DataFrame(jud_rows, columns=["id", "scenario", "date", "likelihood", "confidence", "analyst",
                                                "rationale", "marking", "seq", *withdrawal])
    _as_dates(judgments, "date", "withdrawn")
    judgments = judgments.sort_values(["date", "seq"], kind="stable").reset_index(drop=True)
    scenarios = pd.DataFrame([{"id": s.id, "title": s.title, "added": s.added, "start": watch_start(s),
                               "retired": s.retired.date if s.retired else None,
                               "retired_reason": s.retired.reason if s.retired else None} for s in ws.scenarios],
                             columns=["id", "title", "added", "start", "retired", "retired_reason"])
    scenarios = scenarios.set_index("id", drop=False).rename_axis(None)
    _as_dates(scenarios, "added", "start", "retired")
    return Tables(indicators, assessments, indications, ratings, judgments, scenarios)


def standing(frame: pd.DataFrame, day: pd.Timestamp) -> pd.DataFrame:
    """Rows of an entries frame (assessments, indications, judgments) dated on or before `day` and not
    withdrawn by then."""
    return frame[(frame["date"] <= day) & (frame["withdrawn"].isna() | (frame["withdrawn"] > day))]


def diagnostic_weights(ws: Workspace, scenarios: list[str] | None = None) -> pd.DataFrame:
    """w[i, s]: how much observing indicator i speaks for scenario s (indicator x scenario), with
    `scenarios` (default: all) as the alternatives."""
    r = tables(ws).ratings
    if scenarios is not None:
        r = r[scenarios]
    if r.shape[1] <= 1:
        return r.fillna(0.0)
    total, count = r.sum(axis=1, skipna=True), r.notna().sum(axis=1)
    others = np.maximum(count.to_numpy()[:, None] - r.notna().to_numpy(), 1)
    others_mean = (total.to_numpy()[:, None] - r.fillna(0).to_numpy()) / others
    w = np.clip(r.to_numpy() - others_mean, 0, None)
    return pd.DataFrame(np.nan_to_num(w), index=r.index, columns=r.columns)


def diagnosticity(ws: Workspace) -> pd.DataFrame:
    """Per indicator: spread of its ratings (max - min value); 0 means not diagnostic."""
    r = tables(ws).ratings
    spread = (r.max(axis=1) - r.min(axis=1)).fillna(0.0)
    out = pd.DataFrame({"spread": spread, "diagnostic": spread > 0})
    out["best_for"] = diagnostic_weights(ws).idxmax(axis=1).where(out["diagnostic"], "")
    return out


def scenario_coverage(ws: Workspace) -> pd.DataFrame:
    """Per scenario: how many indicators are diagnostic for it; flagged when below MIN_DIAGNOSTIC."""
    w = diagnostic_weights(ws)
    counts = (w > 0).sum(axis=0)
    return pd.DataFrame({"diagnostic_indicators": counts.astype(int), "too_few": counts < MIN_DIAGNOSTIC})


def _latest_assessments(ws: Workspace, dates: list[pd.Timestamp]) -> pd.DataFrame:
    """For every (indicator, date): the latest assessment standing on that date (NaN columns if none),
    and whether the indicator is watched then (`watch`).

    Withdrawals split the dates into spans in which the same withdrawals are in force; each span is
    one as-of merge over the assessments standing in it."""
    t = tables(ws)
    days = sorted(set(dates))
    a = t.assessments.drop(columns=["id"]).rename(columns={"date": "assessed"})
    a = a.assign(date=a["assessed"]).sort_values("date", kind="stable")
    cuts = np.array(sorted(a["withdrawn"].dropna().unique()), dtype=DATE_DTYPE)
    span = np.searchsorted(cuts, np.array(days, dtype=DATE_DTYPE), side="right")
    parts = []
    for k in sorted(set(span.tolist())):
        span_days = [d for d, n in zip(days, span, strict=True) if n == k]
        in_force = a if k == 0 else a[a["withdrawn"].isna() | (a["withdrawn"] > cuts[k - 1])]
        parts.append(_merge_latest(t.indicators.index, span_days, in_force))
    merged = pd.concat(parts, ignore_index=True) if parts else _merge_latest(t.indicators.index, [], a)
    merged["status"] = merged["status"].fillna(Status.NOT_OBSERVED.value)
    ind = t.indicators
    keys = merged["indicator"].astype(object)
    start = pd.Series(ind["start"].reindex(keys).to_numpy(dtype=DATE_DTYPE), index=merged.index)
    retired = pd.Series(ind["retired"].reindex(keys).to_numpy(dtype=DATE_DTYPE), index=merged.index)
    merged["watch"] = np.where(start.notna() & (start > merged["date"]), Watch.NOT_YET.value,
                               np.where(retired.notna() & (retired <= merged["date"]), Watch.RETIRED.value,
                                        Watch.WATCHED.value))
    return merged


def _merge_latest(indicators: pd.Index, days: list[pd.Timestamp], a: pd.DataFrame) -> pd.DataFrame:
    grid = pd.MultiIndex.from_product([indicators, days], names=["indicator", "date"]).to_frame(index=False)
    grid["date"] = grid["date"].astype(DATE_DTYPE)
    grid = grid.sort_values("date", kind="stable")
    if len(a) and len(grid):
        return pd.merge_asof(grid, a, on="date", by="indicator", direction="backward", allow_exact_matches=True)
    return grid.assign(**{c: pd.Series(dtype=a[c].dtype) for c in a.columns if c not in grid.columns})


def _evidence(frame: pd.DataFrame) -> pd.Series:
    status = frame["status"].map({k.value: v for k, v in STATUS_VALUE.items()}).fillna(0.0)
    weight = frame["confidence"].map({k.value: v for k, v in CONFIDENCE_WEIGHT.items()}).fillna(0.0)
    return status * weight


@per_workspace
def status_as_of(ws: Workspace, as_of: dt.date | str) -> pd.DataFrame:
    """Every indicator's status on `as_of`, with confidence, last assessed, overdue and stale.

    `marking` is the strictest own marking among the indicator, its latest assessment and its
    indications known on the date (what its row rests on); None when none has one (the workspace's).
    """
    t = tables(ws)
    day = day_stamp(as_of)
    latest = _latest_assessments(ws, [day]).set_index("indicator").reindex(t.indicators.index)
    obs = standing(t.indications, day)
    last_seen = obs.groupby("indicator")["date"].max()
    n_seen = obs.groupby("indicator").size()
    out = t.indicators[["id", "title", "theme", "actors", "priority", "expected_by"]].copy()
    out["status"] = latest["status"].fillna(Status.NOT_OBSERVED.value)
    out["confidence"] = latest["confidence"]
    out["last_assessed"] = latest["assessed"]
    out["analyst"] = latest["analyst"]
    out["rationale"] = latest["rationale"]
    out["indications"] = n_seen.reindex(out.index).fillna(0).astype(int)
    out["last_indication"] = last_seen.reindex(out.index)
    out["review"] = latest["review"].fillna(False).astype(bool)
    out["watch"] = latest["watch"]
    out["added"] = t.indicators["added"]
    out["retired"] = t.indicators["retired"]
    out["retired_reason"] = t.indicators["retired_reason"]
    watched = out["watch"] == Watch.WATCHED.value
    out["overdue"] = (watched & (out["status"] == Status.NOT_OBSERVED.value) & out["expected_by"].notna()
                      & (out["expected_by"] < day))
    cadence = pd.Timedelta(days=ws.meta.review_cadence_days)
    since = out["last_assessed"].fillna(t.indicators["added"])  # a new indicator is stale a cadence after it is added
    out["stale"] = watched & (since.isna() | (day - since > cadence))
    out["status_order"] = out["status"].map(lambda s: STATUS.order(s))
    ranks = pd.DataFrame({"indicator": t.indicators["marking"].map(_MARKING_RANK),
                          "assessment": latest["marking"].map(_MARKING_RANK),
                          "indications": obs["marking"].map(_MARKING_RANK).groupby(obs["indicator"]).max()
                          .reindex(out.index)}, index=out.index)
    out["marking"] = [_RANK_MARKING[int(r)] if pd.notna(r) else None for r in ranks.max(axis=1)]
    out.attrs["as_of"] = day.date()
    return out


@per_workspace
def levels_over_time(ws: Workspace, dates: list[dt.date] | list[pd.Timestamp]) -> pd.DataFrame:
    """Score and level of every scenario at each date: columns date, scenario, score, level, label, colour."""
    days = sorted({day_stamp(d) for d in dates})
    t = tables(ws)
    if not days or t.ratings.shape[1] == 0:
        return pd.DataFrame(columns=["date", "scenario", "score", "level", "label", "colour", "rank"])
    e = evidence(ws, days)
    watched = watch_mask(t.indicators["start"], t.indicators["retired"], days).reindex(columns=t.ratings.index)
    parts = []
    for scenarios, span in scenario_spans(ws, days):
        w = scoring_weights(ws, scenarios).to_numpy()
        denom = watched.loc[span].to_numpy(dtype=float) @ w
        with np.errstate(invalid="ignore", divide="ignore"):
            scores = (e.loc[span].to_numpy() @ w) / np.where(denom > 0, denom, np.nan)
        parts.append(pd.DataFrame(np.clip(np.nan_to_num(scores), 0, 1), index=span, columns=scenarios))
    if not parts:
        return pd.DataFrame(columns=["date", "scenario", "score", "level", "label", "colour", "rank"])
    frame = pd.concat(parts).sort_index().reindex(columns=[s for s in t.ratings.columns])
    long = frame.rename_axis("date").reset_index().melt(id_vars="date", var_name="scenario", value_name="score")
    long = long.dropna(subset=["score"]).reset_index(drop=True)
    return _with_levels(ws, long)


def scenario_spans(ws: Workspace, days: list[pd.Timestamp]) -> list[tuple[list[str], pd.Index]]:
    """The days grouped by the set of scenarios watched on them: (scenarios, days) for each set."""
    t = tables(ws)
    if t.scenarios.empty or not days:
        return []
    watch = watch_mask(t.scenarios["start"], t.scenarios["retired"], days)
    out = []
    for alive, rows in watch.groupby(list(watch.columns), sort=False):
        flags = alive if isinstance(alive, tuple) else (alive,)
        scenarios = [s for s, on in zip(watch.columns, flags, strict=True) if on]
        if scenarios:
            out.append((scenarios, rows.index))
    return out


def ladder_factor(ws: Workspace) -> pd.Series:
    """Per indicator: 1 + ladder_step x (rung - 1) on a ladder, else 1 (higher rungs weigh more)."""
    rungs = pd.Series({i.id: i.rung if i.ladder and i.rung else 1 for i in ws.indicators}, dtype=float)
    return (1.0 + ws.meta.ladder_step * (rungs - 1)).reindex(tables(ws).ratings.index).fillna(1.0)


def scoring_weights(ws: Workspace, scenarios: list[str] | None = None) -> pd.DataFrame:
    """The weights a score uses: diagnostic weight x ladder factor (indicator x scenario)."""
    return diagnostic_weights(ws, scenarios).mul(ladder_factor(ws), axis=0)


def evidence(ws: Workspace, days: list[pd.Timestamp]) -> pd.DataFrame:
    """date x indicator: the evidence each indicator gives on each date (0 when it is not watched).

    status x confidence of the standing assessment; with `stale_evidence`, x discount ** floor(age /
    (cadences x review cadence)); an overdue indicator (past expected_by, still not observed) gives
    -overdue_evidence instead."""
    t = tables(ws)
    latest = _latest_assessments(ws, days)
    e = _evidence(latest)
    policy = ws.meta.stale_evidence
    if policy is not None:
        age = (latest["date"] - latest["assessed"]).dt.days
        span = policy.cadences * ws.meta.review_cadence_days
        e = e * np.power(policy.discount, np.floor(age.fillna(0) / span))
    if ws.meta.overdue_evidence:
        expected = latest["indicator"].map(t.indicators["expected_by"]).astype(DATE_DTYPE)
        overdue = (latest["status"] == Status.NOT_OBSERVED.value) & expected.notna() & (expected < latest["date"])
        e = e.where(~overdue, -ws.meta.overdue_evidence)
    latest["e"] = e.where(latest["watch"] == Watch.WATCHED.value, 0.0)
    frame = latest.pivot(index="date", columns="indicator", values="e")
    return frame.reindex(index=days, columns=t.ratings.index).fillna(0.0)


def _with_levels(ws: Workspace, frame: pd.DataFrame) -> pd.DataFrame:
    levels = ws.meta.warning_levels
    edges = np.array([level.min_score for level in levels])
    rank = np.clip(np.searchsorted(edges, frame["score"].to_numpy() + 1e-12, side="right") - 1, 0, len(levels) - 1)
    frame = frame.copy()
    frame["rank"] = rank
    frame["level"] = [levels[r].name for r in rank]
    frame["label"] = [levels[r].label for r in rank]
    frame["colour"] = [level_colour(ws, r) for r in rank]
    return frame


def level_colour(ws: Workspace, rank: int) -> str:
    """Colour of the warning level of this rank (workspace's own, else the palette's)."""
    level = ws.meta.warning_levels[rank]
    if level.colour:
        return level.colour
    n = len(ws.meta.warning_levels)
    return LEVEL_PALETTE[round(rank * (len(LEVEL_PALETTE) - 2) / max(n - 1, 1))]


def trend_of(delta: float | None, tolerance: float) -> str:
    """deteriorated / improved / unchanged for a score change (unchanged when there is nothing to compare)."""
    if delta is None or pd.isna(delta):
        return Trend.UNCHANGED.value
    if delta >= tolerance - 1e-12:
        return Trend.DETERIORATED.value
    return Trend.IMPROVED.value if delta <= -tolerance + 1e-12 else Trend.UNCHANGED.value


@per_workspace
def warning_levels(ws: Workspace, as_of: dt.date | str) -> pd.DataFrame:
    """Per scenario on `as_of`: score, level, its change over each of `trend_windows_days`, latest judgment.

    `previous_score` and `trend` are those of the first window; `windows` lists, per window, its days,
    the earlier score, the change and the trend; `marginal` is True when the level differs from the
    level one window earlier although the score moved less than `trend_tolerance`."""
    day = day_stamp(as_of)
    windows = list(ws.meta.trend_windows_days)
    earlier = {n: day - pd.Timedelta(days=n) for n in windows}
    every = levels_over_time(ws, [day, *earlier.values()])
    now = every[every["date"] == day].set_index("scenario")
    out = now.drop(columns="date")
    tol = ws.meta.trend_tolerance
    lists: dict[str, list[dict]] = {sid: [] for sid in out.index}
    first = None
    t = tables(ws)
    start = history_start(ws)
    watched_then = watch_mask(t.indicators["start"], t.indicators["retired"], list(earlier.values())).any(axis=1)
    for n in windows:
        then = every[every["date"] == earlier[n]].set_index("scenario")
        if start is None or earlier[n] < start or not watched_then.get(earlier[n], False):
            then = then.iloc[0:0]  # before the first record, or nothing watched then: no score to compare
        for sid in out.index:
            before = then["score"].get(sid)
            change = None if before is None or pd.isna(before) else float(out.at[sid, "score"]) - float(before)
            lists[sid].append({"days": n, "previous_score": None if change is None else float(before),
                               "change": change, "trend": trend_of(change, tol),
                               "previous_level": then["level"].get(sid)})
        first = first or n
    out["windows"] = [lists[sid] for sid in out.index]
    out["previous_score"] = [w[0]["previous_score"] for w in out["windows"]]
    out["previous_score"] = out["previous_score"].astype(float)
    out["trend"] = [w[0]["trend"] for w in out["windows"]]
    out["marginal"] = [bool(w[0]["previous_level"] is not None and w[0]["previous_level"] != level
                            and w[0]["change"] is not None and abs(w[0]["change"]) < tol)
                       for w, level in zip(out["windows"], out["level"], strict=True)]
    out["title"] = [ws.scenario_by_id[s].title for s in out.index]
    judged = latest_judgments(ws, day)
    out = out.join(judged, how="left")
    return out.reindex([s.id for s in ws.scenarios if s.id in out.index])


def score_text(score: float, edges: Iterable[float]) -> str:
    """The score to the precision at which its level is decided: two decimals, more when two would round it
    onto or across a level's threshold (`edges`, the levels' min_score): 0.196 is '0.196', never '0.20'
    beside 'Low'."""
    edges = list(edges)
    for places in (2, 3, 4):
        shown = round(score, places)
        if all((shown >= edge) == (score >= edge - 1e-12) for edge in edges):
            return f"{score:.{places}f}"
    return f"{np.floor(score * 1e4) / 1e4:.4f}"  # within 0.00005 below a threshold: cut, never round up onto it


def latest_judgments(ws: Workspace, as_of: dt.date | str) -> pd.DataFrame:
    """Each scenario's latest likelihood judgment up to `as_of` (index scenario)."""
    j = standing(tables(ws).judgments, day_stamp(as_of))
    last = j.groupby("scenario").tail(1).set_index("scenario")
    return last.rename(columns={"date": "judged"})[["judged", "likelihood", "confidence", "analyst", "rationale",
                                                     "marking"]]


def judgments_over_time(ws: Workspace, as_of: dt.date | str) -> pd.DataFrame:
    """All judgments up to `as_of` with the ICD 203 rank and range, for likelihood charts."""
    j = standing(tables(ws).judgments, day_stamp(as_of)).copy()
    j["rank"] = j["likelihood"].map(lambda v: LIKELIHOOD.order(v))
    j["label"] = j["likelihood"].map(lambda v: LIKELIHOOD.label(v))
    j["low"] = j["likelihood"].map(lambda v: LIKELIHOOD_RANGE[LIKELIHOOD.member(v)][0])
    j["high"] = j["likelihood"].map(lambda v: LIKELIHOOD_RANGE[LIKELIHOOD.member(v)][1])
    j["title"] = j["scenario"].map(lambda s: ws.scenario_by_id[s].title)
    return j


def month_ends(start: dt.date | pd.Timestamp, end: dt.date | pd.Timestamp) -> list[pd.Timestamp]:
    """Month ends from `start` to `end`, with `end` itself last."""
    s, e = day_stamp(start), day_stamp(end)
    if s > e:
        return [e]
    days = list(pd.date_range(s, e, freq="ME"))
    if not days or days[-1] != e:
        days.append(e)
    return days


def newest_evidence(ws: Workspace, as_of: dt.date | str) -> dt.date | None:
    """The date of the newest indication or assessment standing on `as_of` (how fresh the board is)."""
    t = tables(ws)
    day = day_stamp(as_of)
    dates = [f["date"].max() for f in (standing(t.indications, day), standing(t.assessments, day)) if len(f)]
    return to_date(max(dates)) if dates else None


@per_workspace
def history_start(ws: Workspace) -> pd.Timestamp | None:
    """Date of the first assessment, indication or judgment, or of the first item added to the board."""
    t = tables(ws)
    firsts = [f["date"].min() for f in (t.assessments, t.indications, t.judgments) if len(f)]
    firsts += [f["added"].min() for f in (t.indicators, t.scenarios) if f["added"].notna().any()]
    return min(firsts) if firsts else None


def change_days(ws: Workspace, start: pd.Timestamp, end: pd.Timestamp) -> list[pd.Timestamp]:
    """Every day in (start, end] on which a score can change."""
    t = tables(ws)
    days: set[pd.Timestamp] = set()
    for frame in (t.assessments,):
        days |= set(frame["date"]) | set(frame["withdrawn"].dropna())
    for frame in (t.indicators, t.scenarios):
        days |= set(frame["start"].dropna()) | set(frame["retired"].dropna())
    days |= {d + pd.Timedelta(days=1) for d in t.indicators["expected_by"].dropna()}
    return sorted(d for d in days if start < d <= end)


def timeline_dates(ws: Workspace, as_of: dt.date | str) -> list[pd.Timestamp]:
    """Month ends from the first recorded event to `as_of`: the x axis of trend charts."""
    start = history_start(ws)
    return month_ends(start if start is not None else day_stamp(as_of), as_of)


@per_workspace
def status_over_time(ws: Workspace, dates: list[dt.date] | list[pd.Timestamp]) -> pd.DataFrame:
    """Status of every indicator at each date (indicator, date, status): for heat maps and areas.

    `status` is a `BoardStatus`: the indicator's status while watched, else not_yet_watched or retired."""
    latest = _latest_assessments(ws, [day_stamp(d) for d in dates])
    latest["status"] = latest["status"].where(latest["watch"] == Watch.WATCHED.value, latest["watch"])
    return latest[["indicator", "date", "status", "confidence"]].reset_index(drop=True)


@per_workspace
def status_composition(ws: Workspace, dates: list[dt.date] | list[pd.Timestamp]) -> pd.DataFrame:
    """Count of indicators in each board status at each date (date, status, count), every status at every
    date (`BoardStatus`: not yet watched and retired are counted apart from 'not observed')."""
    s = status_over_time(ws, dates)
    counts = s.groupby(["date", "status"]).size().rename("count").reset_index()
    full = pd.MultiIndex.from_product([sorted(s["date"].unique()), BOARD_STATUS.values()], names=["date", "status"])
    return counts.set_index(["date", "status"]).reindex(full, fill_value=0).reset_index()


def _own_or(own: object, parent: object) -> str | None:
    """An item's own marking, else its parent's (None: neither has one, so the workspace's holds)."""
    for value in (own, parent):
        if isinstance(value, str):
            return value
    return None


@per_workspace
def changes_since(ws: Workspace, since: dt.date | str, as_of: dt.date | str) -> pd.DataFrame:
    """What changed in (since, as_of]: status changes, new indications, new judgments, withdrawals, and
    indicators and scenarios added to or retired from the checklist.

    Columns: date, kind (status|indication|judgment|withdrawal|checklist), subject (indicator or
    scenario id), title, detail, before, after, marking (the item's own marking, else its
    indicator's; None: the workspace's). Entries withdrawn by `as_of` are not listed as news.
    """
    t = tables(ws)
    start, end = day_stamp(since), day_stamp(as_of)
    rows: list[dict] = []
    before = status_as_of(ws, start)["status"]
    after = status_as_of(ws, end)
    in_force = standing(t.assessments, end)
    window = in_force[in_force["date"] > start]
    last_in_window = window.groupby("indicator").tail(1).set_index("indicator")
    for ind_id, row in last_in_window.iterrows():
        old, new = before.get(ind_id, Status.NOT_OBSERVED.value), after.at[ind_id, "status"]
        if old != new:
            rows.append({"date": row["date"], "kind": "status", "subject": ind_id,
                         "title": t.indicators.at[ind_id, "title"],
                         "detail": f"{STATUS.label(old)} → {STATUS.label(new)}: {row['rationale']}",
                         "before": old, "after": new,
                         "marking": _own_or(row["marking"], t.indicators.at[ind_id, "marking"])})
    obs = standing(t.indications, end)
    new_obs = obs[obs["date"] > start]
    for _, row in new_obs.iterrows():
        rows.append({"date": row["date"], "kind": "indication", "subject": row["indicator"],
                     "title": t.indicators.at[row["indicator"], "title"],
                     "detail": f"{row['summary']} ({row['source']}, {row['grade']})", "before": None,
                     "after": row["id"],
                     "marking": _own_or(row["marking"], t.indicators.at[row["indicator"], "marking"])})
    j = standing(t.judgments, end)
    prior = latest_judgments(ws, start)["likelihood"]
    for _, row in j[j["date"] > start].iterrows():
        rows.append({"date": row["date"], "kind": "judgment", "subject": row["scenario"],
                     "title": ws.scenario_by_id[row["scenario"]].title,
                     "detail": (f"{LIKELIHOOD.label(row['likelihood'])} ({row['confidence']} confidence): "
                                f"{row['rationale']}"),
                     "before": prior.get(row["scenario"]), "after": row["likelihood"],
                     "marking": _own_or(row["marking"], None)})
    rows += _withdrawals_in(ws, start, end) + _checklist_changes_in(ws, start, end)
    out = pd.DataFrame(rows, columns=["date", "kind", "subject", "title", "detail", "before", "after", "marking"])
    out = out.sort_values(["date", "kind", "subject"], ascending=[False, True, True], kind="stable")
    return out.reset_index(drop=True)


def _withdrawals_in(ws: Workspace, start: pd.Timestamp, end: pd.Timestamp) -> list[dict]:
    t = tables(ws)
    rows = []
    for kind, frame, subject in (("indication", t.indications, "indicator"), ("assessment", t.assessments, "indicator"),
                                 ("judgment", t.judgments, "scenario")):
        hit = frame[(frame["withdrawn"] > start) & (frame["withdrawn"] <= end)]
        for _, row in hit.iterrows():
            owner = row[subject]
            title = t.indicators.at[owner, "title"] if subject == "indicator" else t.scenarios.at[owner, "title"]
            parent = t.indicators.at[owner, "marking"] if subject == "indicator" else None
            rows.append({"date": row["withdrawn"], "kind": "withdrawal", "subject": owner, "title": title,
                         "detail": f"{kind.capitalize()} {row['id']} withdrawn: {row['withdrawn_reason']}",
                         "before": row["id"], "after": None, "marking": _own_or(row["marking"], parent)})
    return rows


def _checklist_changes_in(ws: Workspace, start: pd.Timestamp, end: pd.Timestamp) -> list[dict]:
    t = tables(ws)
    rows = []
    for frame, marked in ((t.indicators, True), (t.scenarios, False)):
        for ident, row in frame.iterrows():
            marking = row["marking"] if marked else None
            if pd.notna(row["added"]) and start < row["added"] <= end:
                rows.append({"date": row["added"], "kind": "checklist", "subject": ident, "title": row["title"],
                             "detail": "Added to the board", "before": None, "after": Watch.WATCHED.value,
                             "marking": _own_or(marking, None)})
            if pd.notna(row["retired"]) and start < row["retired"] <= end:
                rows.append({"date": row["retired"], "kind": "checklist", "subject": ident, "title": row["title"],
                             "detail": f"Retired: {row['retired_reason']}", "before": Watch.WATCHED.value,
                             "after": Watch.RETIRED.value, "marking": _own_or(marking, None)})
    return rows


def counts(status: pd.DataFrame) -> dict[str, int]:
    """Headline counts from a `status_as_of` frame: only what is watched on its date counts."""
    if "watch" in status.columns:
        status = status[status["watch"] == Watch.WATCHED.value]
    return {
        "indicators": int(len(status)),
        "observed": int((status["status"] == Status.OBSERVED.value).sum()),
        "emerging": int((status["status"] == Status.EMERGING.value).sum()),
        "negated": int((status["status"] == Status.NEGATED.value).sum()),
        "overdue": int(status["overdue"].sum()),
        "stale": int(status["stale"].sum()),
    }
