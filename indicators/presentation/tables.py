"""The tables that pages and reports show, built from `indicators.scoring`: column labels and order,
scale labels, portion marks, struck-through withdrawn text, table row heights and cell colours.
Pandas in, pandas out, no Streamlit.

The pages of `indicators.app` only lay out widgets; every table they show comes from here, so it is
tested without a browser. Everything that depends on a date takes the "as of" date and uses only
what was known on that day.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
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
    CONFIDENCE,
    CREDIBILITY,
    LIKELIHOOD,
    MARKING,
    OUTCOME,
    PRIORITY,
    RATING,
    RELIABILITY,
    STATUS,
    Scale,
    Watch,
    grade_meaning,
    text_colour,
)


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


def scale_label(scale: Scale, value: object, default: str = "") -> str:
    """The scale's label for `value`; `default` when there is none (None, NaN), the value itself when unknown."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return default
    try:
        return scale.label(value)
    except KeyError:
        return str(value)


def grade_help() -> str:
    """The Admiralty scale spelled out (for a column's tooltip)."""
    rel = "; ".join(f"{t} {RELIABILITY.label(t)}" for t in RELIABILITY.values())
    cred = "; ".join(f"{t} {CREDIBILITY.label(t)}" for t in CREDIBILITY.values())
    return f"Admiralty grade: source reliability ({rel}) and information credibility ({cred})."


@per_workspace
def scenario_summary(ws: Workspace, as_of: dt.date) -> pd.DataFrame:
    """One row per scenario: level, colours, trend and latest judgment as of the date."""
    levels = warning.warning_levels(ws, as_of)
    out = levels.copy()
    out["likelihood_label"] = [scale_label(LIKELIHOOD, v, "No judgment yet") for v in out.get("likelihood", [])]
    out["confidence_label"] = [scale_label(CONFIDENCE, v) for v in out.get("confidence", [])]
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
def notices_table(ws: Workspace, since: dt.date, as_of: dt.date) -> pd.DataFrame:
    """The warning notices of (since, as_of], readable: date, notice, subject, what happened, evidence."""
    found = notices.notices(ws, since, as_of)
    return pd.DataFrame({"Date": [n.date for n in found], "Notice": [n.kind.capitalize() for n in found],
                         "Subject": [n.subject for n in found], "What happened": [n.text for n in found],
                         "Evidence": [", ".join(n.evidence) for n in found]},
                        columns=["Date", "Notice", "Subject", "What happened", "Evidence"])


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
        "Status": [f"Retired ({scale_label(STATUS, v)})" if w == Watch.RETIRED.value else scale_label(STATUS, v)
                   for v, w in zip(status["status"], status.get("watch", status["status"]), strict=True)],
        "Confidence": status["confidence"].map(lambda v: scale_label(CONFIDENCE, v)),
        "Priority": status["priority"].map(lambda v: scale_label(PRIORITY, v)),
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
        "Status": a["status"].map(lambda v: scale_label(STATUS, v)),
        "Confidence": a["confidence"].map(lambda v: scale_label(CONFIDENCE, v)),
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
