"""Data shaping for the board's pages and charts: pandas in, pandas out, no Streamlit.

The pages of `indicators.app` only lay out widgets; every frame they show or chart comes from
here (or from `warning`), so it is tested without a browser. Everything that depends on a date
takes the "as of" date and uses only what was known on that day.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from indicators.scoring import disagreement, notices, signals, warning
from indicators.scoring.assumptions import assumption_states
from indicators.scoring.memo import per_workspace
from indicators.workspace.entries import watch_on
from indicators.workspace.load import Workspace
from indicators.workspace.model import safe_url
from indicators.workspace.problems import Problem
from indicators.workspace.vocab import (
    ASSUMPTION_STATUS,
    BOARD_STATUS,
    CONFIDENCE,
    CREDIBILITY,
    LIKELIHOOD,
    MARKING,
    OUTCOME,
    PRIORITY,
    RATING,
    RATING_VALUE,
    RELIABILITY,
    STATUS,
    Rating,
    Scale,
    Watch,
    grade_meaning,
    text_colour,
)

HEATMAP_MAX_ROWS = 150  # indicator rows drawn in the heat map; more would be unreadable
TIMELINE_MAX_POINTS = 2000  # above this, the indication timeline is binned by week x theme

_VALUE_RATING = {value: rating for rating, value in RATING_VALUE.items()}

Points = pd.DataFrame | Iterable[Mapping[str, Any]]  # rows of a frame, or dicts (a snapshot's points)


# ----------------------------------------------------------------------------- small helpers


def row_height(texts: Iterable[object], width_px: int, *, max_lines: int = 5) -> int:
    """Table row height (px) that shows the longest of `texts` wrapped in a column `width_px` wide.

    One line keeps Streamlit's default 35 px; the grid wraps text only in rows of about 70 px or
    more, so wrapped rows start there. At most `max_lines` lines; longer text opens on click.
    """
    longest = max((len(str(t)) for t in texts if t is not None and not (isinstance(t, float) and pd.isna(t))),
                  default=0)
    lines = min(max(math.ceil(longest * 7.0 / max(width_px - 16, 40)), 1), max_lines)
    return 35 if lines == 1 else max(72, 16 + 20 * lines)


def fit_rows(table: pd.DataFrame, widths: dict[str, int], *, max_lines: int = 5) -> int:
    """Row height that fits the longest text of every listed column at its width (px)."""
    return max([row_height(table[c], w, max_lines=max_lines) for c, w in widths.items() if c in table.columns],
               default=35)


def portion_label(marking: object, *parents: object, floor: object) -> str:
    """`TLP:AMBER` for an item marked above `floor` (the workspace's marking), else ''.

    The item's marking is its own, else the first of `parents` that has one (its indicator's);
    None and NaN mean "no marking of its own". This is the TLP portion mark of a table row.
    """
    own = next((m for m in (marking, *parents) if isinstance(m, str) and m), None)
    if own is None or MARKING.order(own) <= MARKING.order(str(floor)):
        return ""
    return MARKING.label(own)


def drop_blank(table: pd.DataFrame, column: str) -> pd.DataFrame:
    """The table without `column` when no cell of it holds anything (e.g. no row is portion-marked)."""
    if column in table.columns and not table[column].astype(bool).any():
        return table.drop(columns=column)
    return table


def _label(scale: Scale, value: object, default: str = "") -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return default
    try:
        return scale.label(value)
    except KeyError:
        return str(value)


def level_domain(ws: Workspace) -> tuple[list[str], list[str]]:
    """(labels, colours) of the workspace's warning levels, lowest first."""
    levels = ws.meta.warning_levels
    return [level.label for level in levels], [warning.level_colour(ws, rank) for rank in range(len(levels))]


def grade_help() -> str:
    """The Admiralty scale spelled out (for a column's tooltip)."""
    rel = "; ".join(f"{t} {RELIABILITY.label(t)}" for t in RELIABILITY.values())
    cred = "; ".join(f"{t} {CREDIBILITY.label(t)}" for t in CREDIBILITY.values())
    return f"Admiralty grade: source reliability ({rel}) and information credibility ({cred})."


# ----------------------------------------------------------------------------- chart data
# The app's charts and the HTML report's are drawn from the same frames, built here from plain
# points: the app passes the rows it computes from the workspace, the report a snapshot's points
# (which may come from a re-loaded JSON file). Rows keep the order they arrive in.

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


# ----------------------------------------------------------------------------- overview


@per_workspace
def scenario_summary(ws: Workspace, as_of: dt.date) -> pd.DataFrame:
    """One row per scenario: level, colours, trend and latest judgment as of the date."""
    levels = warning.warning_levels(ws, as_of)
    out = levels.copy()
    out["likelihood_label"] = [_label(LIKELIHOOD, v, "No judgment yet") for v in out.get("likelihood", [])]
    out["confidence_label"] = [_label(CONFIDENCE, v) for v in out.get("confidence", [])]
    out["description"] = [ws.scenario_by_id[s].description or "" for s in out.index]
    edges = [level.min_score for level in ws.meta.warning_levels]
    labels = {level.name: level.label for level in ws.meta.warning_levels}
    out["score_text"] = [warning.score_text(float(v), edges) for v in out["score"]]
    out["windows_text"] = [" · ".join(_window_text(w, edges) for w in windows) for windows in out["windows"]]
    pins = signals.linchpins(ws, as_of)
    out["linchpins_text"] = [linchpin_summary(pins.get(str(sid), []), labels) for sid in out.index]
    known = signals.ladders(ws, as_of)
    out["ladders_text"] = ["; ".join(lad.text for lad in signals.ladders_for(ws, str(sid), as_of, known))
                           for sid in out.index]
    day = warning.day_stamp(as_of)
    age = [(day - pd.Timestamp(j)).days if pd.notna(j) else None for j in out.get("judged", [None] * len(out))]
    out["judgment_age"] = age
    out["judgment_stale"] = [a is not None and a > ws.meta.review_cadence_days for a in age]
    return out


def _window_text(window: dict, edges: list[float]) -> str:
    if window["change"] is None:
        return f"{window['days']} days: no earlier score"
    before = warning.score_text(window["previous_score"], edges)
    return f"{window['days']} days: {window['change']:+.2f} (from {before})"


def linchpin_summary(pins: list[signals.Linchpin], labels: Mapping[str, str]) -> str:
    """`one indicator from Severe: LD-03 (observed); from Low: LD-02 (negated)`: the nearest move each way."""
    parts = []
    for up in (True, False):
        pin = next((p for p in pins if (p.steps > 0) == up), None)
        if pin is not None:
            parts.append(f"one indicator from {labels.get(pin.level, pin.level)}: {pin.indicator} "
                         f"({STATUS.label(pin.to_status).lower()})")
    return "; ".join(parts)


@per_workspace
def freshness(ws: Workspace, as_of: dt.date) -> dict[str, object]:
    """How fresh the board is on `as_of`: the newest evidence (indication or assessment), and how many
    indicators and latest judgments are older than the review cadence."""
    day = warning.day_stamp(as_of)
    judged = warning.latest_judgments(ws, as_of)["judged"]
    stale_judgments = int(((day - judged).dt.days > ws.meta.review_cadence_days).sum()) if len(judged) else 0
    status = warning.status_as_of(ws, as_of)
    return {"newest_evidence": warning.newest_evidence(ws, as_of),
            "stale_indicators": int(status["stale"].sum()), "stale_judgments": stale_judgments,
            "judgments": int(len(judged))}


@per_workspace
def notices_table(ws: Workspace, since: dt.date, as_of: dt.date) -> pd.DataFrame:
    """The warning notices of (since, as_of], readable: date, notice, subject, what happened, evidence."""
    found = notices.notices(ws, since, as_of)
    return pd.DataFrame({"Date": [n.date for n in found], "Notice": [n.kind.capitalize() for n in found],
                         "Subject": [n.subject for n in found], "What happened": [n.text for n in found],
                         "Evidence": [", ".join(n.evidence) for n in found]},
                        columns=["Date", "Notice", "Subject", "What happened", "Evidence"])


def score_history(ws: Workspace, as_of: dt.date, scenario_id: str) -> pd.DataFrame:
    """One scenario's score at each month end up to `as_of` (date, score): its small line on the card."""
    points = warning.levels_over_time(ws, warning.timeline_dates(ws, as_of))
    points = points[points["scenario"] == scenario_id]
    return pd.DataFrame({"date": _dates(points["date"]), "score": points["score"].astype(float)}).reset_index(drop=True)


def count_changes(now: dict[str, int], before: dict[str, int]) -> dict[str, int]:
    """Difference of headline counts between two dates (now minus before)."""
    return {key: int(now.get(key, 0)) - int(before.get(key, 0)) for key in now}


CHANGE_KINDS = {"status": "Status", "indication": "Indication", "judgment": "Judgment", "withdrawal": "Withdrawal",
                "checklist": "Checklist"}


@per_workspace
def changes_table(ws: Workspace, since: dt.date, as_of: dt.date) -> pd.DataFrame:
    """`warning.changes_since` made readable: date, kind, subject, marking (when above the workspace's),
    title, what changed."""
    changes = warning.changes_since(ws, since, as_of)
    out = pd.DataFrame({
        "Date": pd.to_datetime(changes["date"]).dt.date,
        "Kind": changes["kind"].map(CHANGE_KINDS).fillna(changes["kind"]),
        "Subject": changes["subject"],
        "Marking": [portion_label(m, floor=ws.meta.marking) for m in changes["marking"]],
        "Title": changes["title"],
        "What changed": changes["detail"],
    })
    return out.reset_index(drop=True)


@per_workspace
def level_history(ws: Workspace, as_of: dt.date) -> pd.DataFrame:
    """Each scenario's warning level at each month end up to `as_of` (for the level chart)."""
    points = warning.levels_over_time(ws, warning.timeline_dates(ws, as_of))
    return level_chart_frame(points.assign(score=points["score"].astype(float).round(3)),
                             titles={s.id: s.title for s in ws.scenarios},
                             labels={level.name: level.label for level in ws.meta.warning_levels})


# ----------------------------------------------------------------------------- checklist


@dataclass(frozen=True)
class ChecklistFilter:
    """What the checklist shows; empty fields mean "any"."""

    themes: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    scenario: str | None = None
    statuses: tuple[str, ...] = ()  # status values (e.g. "observed")
    priorities: tuple[str, ...] = ()  # priority values (e.g. "high")
    overdue: bool = False
    stale: bool = False
    text: str = field(default="")
    retired: bool = False  # also list the indicators retired by the date (never those not yet watched)
    reassess: bool = False  # only indicators whose numeric series points to another status (reassessment due)


def actors(ws: Workspace) -> list[str]:
    """Every actor named by an indicator, sorted."""
    return sorted({a for ind in ws.indicators for a in ind.actors}, key=str.casefold)


def relevant_to(ws: Workspace, scenario_id: str) -> set[str]:
    """Indicators that speak for a scenario: diagnostic for it, or rated HL or L against it."""
    t = warning.tables(ws)
    if scenario_id not in t.ratings.columns:
        return set()
    weights = warning.diagnostic_weights(ws)
    rated = t.ratings[scenario_id] >= RATING_VALUE[Rating.L]
    return set(t.ratings.index[(weights[scenario_id] > 0) | rated])


def filter_checklist(ws: Workspace, status: pd.DataFrame, f: ChecklistFilter) -> pd.DataFrame:
    """Rows of a `warning.status_as_of` frame that pass the filter (order kept): the indicators watched on
    its date, and those retired by then when `f.retired`."""
    shown = [Watch.WATCHED.value] + ([Watch.RETIRED.value] if f.retired else [])
    keep = status["watch"].isin(shown) if "watch" in status.columns else pd.Series(True, index=status.index)
    if f.themes:
        keep &= status["theme"].isin(f.themes)
    if f.actors:
        wanted = set(f.actors)
        keep &= status["actors"].map(lambda names: bool(wanted.intersection(names)))
    if f.scenario:
        keep &= status.index.isin(list(relevant_to(ws, f.scenario)))
    if f.statuses:
        keep &= status["status"].isin(f.statuses)
    if f.priorities:
        keep &= status["priority"].isin(f.priorities)
    if f.overdue:
        keep &= status["overdue"].astype(bool)
    if f.stale:
        keep &= status["stale"].astype(bool)
    if f.reassess:
        keep &= status.index.isin(list(signals.proposals(ws, status.attrs.get("as_of", dt.date.today()))))
    if f.text.strip():
        needle = f.text.strip().casefold()
        keep &= (status["id"].str.casefold().str.contains(needle, regex=False)
                 | status["title"].str.casefold().str.contains(needle, regex=False))
    return status[keep]


def checklist_count(status: pd.DataFrame, shown: pd.DataFrame, with_retired: bool) -> str:
    """`3 of 4 indicators watched on this date; 1 retired, not shown`: what the checklist lists of what."""
    def n(frame: pd.DataFrame, watch: Watch) -> int:
        return int((frame["watch"] == watch.value).sum())

    text = f"{n(shown, Watch.WATCHED)} of {n(status, Watch.WATCHED)} indicators watched on this date"
    retired = n(status, Watch.RETIRED)
    if retired and with_retired:
        text += f"; {n(shown, Watch.RETIRED)} of {retired} retired shown"
    elif retired:
        text += f"; {retired} retired, not shown ('Show retired' lists them)"
    return text


CHECKLIST_COLUMNS = ["ID", "Marking", "Title", "Status", "Confidence", "Priority", "Theme", "Actors",
                     "Last assessed", "Indications", "Last indication", "Expected by", "Overdue", "Stale"]


def checklist_table(status: pd.DataFrame, floor: object = MARKING.values()[0]) -> pd.DataFrame:
    """A `status_as_of` frame with readable labels and plain dates, in checklist column order.

    `Marking` is the row's portion mark: what it rests on, when marked above `floor` (the workspace's).
    """
    def dates(column: str) -> pd.Series:
        return pd.to_datetime(status[column]).dt.date

    table = pd.DataFrame({
        "ID": status["id"],
        "Title": status["title"],
        "Status": [f"Retired ({_label(STATUS, v)})" if w == Watch.RETIRED.value else _label(STATUS, v)
                   for v, w in zip(status["status"], status.get("watch", status["status"]), strict=True)],
        "Confidence": status["confidence"].map(lambda v: _label(CONFIDENCE, v)),
        "Priority": status["priority"].map(lambda v: _label(PRIORITY, v)),
        "Theme": status["theme"],
        "Actors": status["actors"].map(lambda names: ", ".join(names)),
        "Last assessed": dates("last_assessed"),
        "Indications": status["indications"].astype(int),
        "Last indication": dates("last_indication"),
        "Expected by": dates("expected_by"),
        "Overdue": status["overdue"].astype(bool),
        "Stale": status["stale"].astype(bool),
        "Marking": [portion_label(m, floor=floor) for m in status["marking"]],
    }, columns=CHECKLIST_COLUMNS)
    return table.reset_index(drop=True)


def colour_cells(table: pd.DataFrame, columns: dict[str, Scale]) -> pd.io.formats.style.Styler:
    """A Styler colouring each named column by its scale's colours (cells hold labels or values).

    Text colour is chosen for contrast, so a coloured status stays readable.
    """
    def css_for(scale: Scale):
        colours = {**dict(zip(scale.values(), scale.colours())), **dict(zip(scale.labels(), scale.colours()))}

        def css(cell: object) -> str:
            colour = colours.get(str(cell))
            return f"background-color: {colour}; color: {text_colour(colour)}" if colour else ""
        return css

    styler = table.style.format(na_rep="")
    for column, scale in columns.items():
        if column in table.columns:
            styler = styler.map(css_for(scale), subset=[column])
    return styler


# ----------------------------------------------------------------------------- indicator


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
    rows["label"] = rows["status"].map(lambda v: _label(STATUS, v))
    rows["confidence_label"] = rows["confidence"].map(lambda v: _label(CONFIDENCE, v))
    rows["order"] = rows["status"].map(lambda v: STATUS.order(v))
    return rows.reset_index(drop=True)


STRIKE = "\u0336"  # combining long stroke overlay: struck-through text in any table cell


def strike(text: object) -> str:
    """The text struck through (each character overlaid by a stroke), for a withdrawn entry."""
    return "".join(ch + STRIKE if not ch.isspace() else ch for ch in str(text))


def withdrawal_text(day: object, analyst: object, reason: object, as_of: pd.Timestamp) -> str:
    """`2024-03-10 by Cat: reason` for a withdrawal in force on `as_of`; empty otherwise (a later one does
    not show: the board as of an earlier date is unchanged)."""
    if pd.isna(day) or pd.Timestamp(day) > as_of:
        return ""
    return f"{pd.Timestamp(day).date()} by {analyst}: {reason}"


def assessments_table(ws: Workspace, indicator_id: str, as_of: dt.date) -> pd.DataFrame:
    """The indicator's assessments up to `as_of`, newest first, as a readable table (portion-marked).

    A review reads "Reviewed, no change"; a withdrawn assessment is struck through with its withdrawal
    (`Withdrawn`), and citations of indications withdrawn by `as_of` are flagged."""
    t = warning.tables(ws)
    parent = t.indicators.at[indicator_id, "marking"] if indicator_id in t.indicators.index else None
    day = warning.day_stamp(as_of)
    a = t.assessments[(t.assessments["indicator"] == indicator_id) & (t.assessments["date"] <= day)]
    a = a.iloc[::-1]
    o = t.indications
    gone = set(o.loc[o["withdrawn"].notna() & (o["withdrawn"] <= day), "id"])
    withdrawn = [withdrawal_text(d, who, why, day)
                 for d, who, why in zip(a["withdrawn"], a["withdrawn_by"], a["withdrawn_reason"], strict=True)]
    rationale = [("Reviewed, no change — " if review else "") + text
                 for review, text in zip(a["review"], a["rationale"], strict=True)]
    return pd.DataFrame({
        "Date": a["date"].dt.date,
        "ID": a["id"],
        "Marking": [portion_label(m, parent, floor=ws.meta.marking) for m in a["marking"]],
        "Status": a["status"].map(lambda v: _label(STATUS, v)),
        "Confidence": a["confidence"].map(lambda v: _label(CONFIDENCE, v)),
        "Analyst": a["analyst"],
        "Rationale": [strike(r) if w else r for r, w in zip(rationale, withdrawn, strict=True)],
        "Cites": a["cites"].map(lambda ids: ", ".join(f"{i} (withdrawn)" if i in gone else i for i in ids)),
        "Withdrawn": withdrawn,
    }).reset_index(drop=True)


def indications_of(ws: Workspace, indicator_id: str, as_of: dt.date) -> pd.DataFrame:
    """The indicator's indications known on `as_of`, newest first, with safe links, grade words and
    portion marks."""
    t = warning.tables(ws)
    parent = t.indicators.at[indicator_id, "marking"] if indicator_id in t.indicators.index else None
    day = warning.day_stamp(as_of)
    o = t.indications[(t.indications["indicator"] == indicator_id) & (t.indications["date"] <= day)]
    o = o.iloc[::-1]
    value = [f"{v:g} {u}" if pd.notna(v) and u else (f"{v:g}" if pd.notna(v) else "")
             for v, u in zip(o["value"], o["unit"].fillna(""))]
    withdrawn = [withdrawal_text(d, who, why, day)
                 for d, who, why in zip(o["withdrawn"], o["withdrawn_by"], o["withdrawn_reason"], strict=True)]
    return pd.DataFrame({
        "Date": o["date"].dt.date,
        "Marking": [portion_label(m, parent, floor=ws.meta.marking) for m in o["marking"]],
        "Summary": [strike(text) if w else text for text, w in zip(o["summary"], withdrawn, strict=True)],
        "Withdrawn": withdrawn,
        "Source": [full if isinstance(full, str) and full else name
                   for name, full in zip(o["source"], o["source_full"], strict=True)],
        "Grade": o["grade"],
        "Grade meaning": [grade_meaning(r, c) for r, c in zip(o["reliability"], o["credibility"])],
        "Link": o["url"].map(safe_url),
        "Value": value,
        "ID": o["id"],
    }).reset_index(drop=True)


def numeric_series(ws: Workspace, indicator_id: str, as_of: dt.date) -> pd.DataFrame:
    """Indications of the indicator that carry a value, up to `as_of` (date, value, unit, …)."""
    t = warning.tables(ws)
    o = warning.standing(t.indications[t.indications["indicator"] == indicator_id], warning.day_stamp(as_of))
    o = o[o["value"].notna()]
    out = o[["date", "id", "value", "unit", "source", "grade", "summary"]].copy()
    out["unit"] = out["unit"].fillna("value")
    out["value"] = out["value"].astype(float)
    return out.reset_index(drop=True)


def ratings_of(ws: Workspace, indicator_id: str) -> pd.DataFrame:
    """The indicator's Indicators Validator rating and diagnostic weight against each scenario."""
    indicator = ws.indicator_by_id[indicator_id]
    weights = warning.diagnostic_weights(ws)
    rows = []
    for scenario in ws.scenarios:
        rating = indicator.ratings.get(scenario.id)
        rows.append({
            "Scenario": scenario.id,
            "Title": scenario.title,
            "Rating": rating.value if rating else "",
            "Meaning": RATING.label(rating) if rating else "not rated",
            "Diagnostic weight": round(float(weights.at[indicator_id, scenario.id]), 3)
            if indicator_id in weights.index and scenario.id in weights.columns else 0.0,
        })
    return pd.DataFrame(rows, columns=["Scenario", "Title", "Rating", "Meaning", "Diagnostic weight"])


# ----------------------------------------------------------------------------- trends


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
    s["label"] = s["status"].map(lambda v: _label(BOARD_STATUS, v))
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
    out["confidence"] = out["confidence"].map(lambda v: _label(CONFIDENCE, v))
    return out[["date", "scenario", "title", "likelihood", "label", "confidence", "rank", "analyst",
                "rationale", "carried"]].reset_index(drop=True)


# ----------------------------------------------------------------------------- scenarios


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


def unrated_pairs(ws: Workspace, as_of: dt.date) -> pd.DataFrame:
    """Indicator and scenario pairs, both watched on `as_of`, with no rating: the indicator counts for
    nothing toward that scenario until it is rated (e.g. after `add-scenario` with some ratings)."""
    rows = [{"Scenario": s.id, "Indicator": i.id, "Title": i.title}
            for s in ws.scenarios if watch_on(s, as_of) == Watch.WATCHED
            for i in ws.indicators if s.id not in i.ratings and watch_on(i, as_of) == Watch.WATCHED]
    return pd.DataFrame(rows, columns=["Scenario", "Indicator", "Title"])


def linchpins_table(ws: Workspace, as_of: dt.date) -> pd.DataFrame:
    """Per scenario, the indicators whose single change of status would move its warning level on `as_of`."""
    labels = {level.name: level.label for level in ws.meta.warning_levels}
    now = warning.warning_levels(ws, as_of)["label"]
    rows = [{"Scenario": sid, "Level now": now.get(sid, ""), "Indicator": pin.indicator,
             "Title": ws.indicator_by_id[pin.indicator].title, "If it became": STATUS.label(pin.to_status),
             "Level then": labels.get(pin.level, pin.level), "Move": f"{pin.steps:+d}"}
            for sid, pins in signals.linchpins(ws, as_of).items() for pin in pins]
    return pd.DataFrame(rows, columns=["Scenario", "Level now", "Indicator", "Title", "If it became", "Level then",
                                       "Move"])


def ladders_table(ws: Workspace, as_of: dt.date) -> pd.DataFrame:
    """Every ladder on `as_of`: its rungs (lowest first) and the highest rung observed."""
    rows = [{"Ladder": lad.name, "Rungs": " → ".join(ident for _, ident in lad.rungs),
             "Reached": f"rung {lad.reached} of {len(lad.rungs)}"} for lad in signals.ladders(ws, as_of)]
    return pd.DataFrame(rows, columns=["Ladder", "Rungs", "Reached"])


def retired_scenarios(ws: Workspace, as_of: dt.date) -> pd.DataFrame:
    """Scenarios retired by `as_of`, with when and why (they no longer have a warning level)."""
    rows = [{"Scenario": s.id, "Title": s.title, "Retired": s.retired.date, "Reason": s.retired.reason}
            for s in ws.scenarios if s.retired is not None and s.retired.date <= as_of]
    return pd.DataFrame(rows, columns=["Scenario", "Title", "Retired", "Reason"])


def coverage_table(ws: Workspace) -> pd.DataFrame:
    """Per scenario: title, diagnostic indicator count, and whether that is too few."""
    c = warning.scenario_coverage(ws)
    return pd.DataFrame({
        "Scenario": c.index,
        "Title": [ws.scenario_by_id[s].title for s in c.index],
        "Diagnostic indicators": c["diagnostic_indicators"].astype(int).to_numpy(),
        "Too few": c["too_few"].astype(bool).to_numpy(),
    })


# ----------------------------------------------------------------------------- data health


PROBLEM_COLUMNS = ["File", "Line", "Column", "Severity", "Code", "Message", "Hint"]


def problems_frame(problems: Iterable[Problem], root: Path | str | None = None) -> pd.DataFrame:
    """Every problem as a row, errors first, then by file and line.

    With `root`, files inside the workspace are named relative to it (`indicators/space.yaml`).
    """
    prefix = str(root).rstrip("/") + "/" if root is not None else None

    def short(path: str) -> str:
        return path[len(prefix):] if prefix and path.startswith(prefix) else path

    rows = [{"File": short(p.path), "Line": p.line, "Column": p.column, "Severity": p.severity.value, "Code": p.code,
             "Message": p.message, "Hint": p.hint} for p in problems]
    frame = pd.DataFrame(rows, columns=PROBLEM_COLUMNS)
    if frame.empty:
        return frame
    frame["_rank"] = (frame["Severity"] != "error").astype(int)
    frame = frame.sort_values(["_rank", "File", "Line", "Column"], kind="stable")
    return frame.drop(columns="_rank").reset_index(drop=True)


def problem_counts(problems: Iterable[Problem]) -> tuple[int, int]:
    """(errors, warnings)."""
    problems = list(problems)
    errors = sum(1 for p in problems if p.is_error)
    return errors, len(problems) - errors


# ----------------------------------------------------------------------------- track record


def _four(score: float | None) -> float | None:
    """A score as shown: four decimal places (the exact figures are in `indicators scores --json`)."""
    return None if score is None else round(score, 4)


def track_scenarios(record: dict[str, Any]) -> pd.DataFrame:
    """One row per resolved scenario of a `track.scores` result: outcome, date, judgments, Brier score."""
    rows = [{"Scenario": sc["id"], "Title": sc["title"], "Outcome": OUTCOME.label(sc["outcome"]),
             "Resolved": sc["resolved"], "Judgments": len(sc["judgments"]), "Brier": _four(sc["brier"])}
            for sc in record["scenarios"]]
    return pd.DataFrame(rows, columns=["Scenario", "Title", "Outcome", "Resolved", "Judgments", "Brier"])


def track_judgments(scenario: dict[str, Any]) -> pd.DataFrame:
    """The judgments a resolved scenario was scored on, each with its own score."""
    return pd.DataFrame([{"Date": j["date"], "Likelihood": LIKELIHOOD.label(j["likelihood"]), "p": j["p"],
                          "Analyst": j["analyst"], "Brier": _four(j["brier"])} for j in scenario["judgments"]],
                        columns=["Date", "Likelihood", "p", "Analyst", "Brier"])


def track_analysts(record: dict[str, Any]) -> pd.DataFrame:
    """Each analyst's number of scored judgments and mean Brier score."""
    return pd.DataFrame([{"Analyst": a["analyst"], "Judgments": a["judgments"], "Brier": _four(a["brier"])}
                         for a in record["analysts"]], columns=["Analyst", "Judgments", "Brier"])


def calibration_frame(record: dict[str, Any]) -> pd.DataFrame:
    """The calibration rows of a `track.scores` result, labelled for the chart."""
    rows = [{"label": LIKELIHOOD.label(c["likelihood"]), "p": c["p"], "low": c["band"][0], "high": c["band"][1],
             "band": f"{c['band'][0]:.0%}–{c['band'][1]:.0%}", "judgments": c["judgments"],
             "occurred": c["occurred"], "share": c["share"]} for c in record["calibration"]]
    return pd.DataFrame(rows, columns=["label", "p", "low", "high", "band", "judgments", "occurred", "share"])


def lead_time_table(record: dict[str, Any]) -> pd.DataFrame:
    """Per resolved scenario, when its warning level first reached each level and how many days
    before the resolution ("—" when it never did)."""
    rows = []
    for sc in record["scenarios"]:
        row = {"Scenario": sc["id"], "Outcome": OUTCOME.label(sc["outcome"]), "Resolved": sc["resolved"]}
        for lead in sc.get("lead_times", []):
            row[lead["label"]] = (f"{lead['reached']} ({lead['days_before']} days before)"
                                  if lead["reached"] else "—")
        rows.append(row)
    return pd.DataFrame(rows)


# ----------------------------------------------------------------------------- analysts' own ratings


def disagreement_table(cells: pd.DataFrame, analysts: Iterable[str]) -> pd.DataFrame:
    """The cells of `disagreement.disagreement` for a page or report: each analyst's rating, the
    spread, the median as ratings, the team's rating and whether it departs, the pairs apart."""
    names = list(analysts)
    rows = [{"Indicator": row["indicator"], "Scenario": row["scenario"],
             **{name: row.get(disagreement.column_of(name)) or "–" for name in names},
             "Spread": row["spread"], "Median": disagreement.median_text(row["median"]),
             "Team": row["team"] or "–", "Team departs": bool(row["departs"]),
             "Two steps or more apart": "; ".join(f"{a} {ra} / {b} {rb}" for a, ra, b, rb in row["apart"])}
            for row in cells.to_dict("records")]
    return pd.DataFrame(rows, columns=["Indicator", "Scenario", *names, "Spread", "Median", "Team", "Team departs",
                                       "Two steps or more apart"])


def analyst_summary_table(summary: pd.DataFrame) -> pd.DataFrame:
    """Each analyst's cells rated and closeness to the team matrix, labelled for a page or report."""
    return summary.rename(columns={"analyst": "Analyst", "rated": "Rated", "compared": "Also rated by the team",
                                   "agree": "Same as the team", "mean_steps_off": "Mean steps from the team"})


@per_workspace
def assumptions_table(ws: Workspace, as_of: dt.date) -> pd.DataFrame:
    """Every key assumption checked by `as_of`: where it stands, since when and why, and whether it
    casts doubt on its scenario's standing judgment (questioned or broken after it was made)."""
    rows = [{"Scenario": scenario.id, "Id": state.assumption.id, "Assumption": state.assumption.statement,
             "Status": ASSUMPTION_STATUS.label(state.check.status), "Since": state.check.date,
             "Rationale": state.check.rationale or "", "Judge again": state.in_doubt}
            for scenario in ws.scenarios for state in assumption_states(scenario, as_of)]
    return pd.DataFrame(rows, columns=["Scenario", "Id", "Assumption", "Status", "Since", "Rationale", "Judge again"])
