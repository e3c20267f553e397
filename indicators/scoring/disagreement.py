"""Where analysts disagree on the Indicators Validator matrix, from their own ratings (`ratings/*.yaml`).

Each analyst rates on their own before the team agrees on the matrix (the indicators' `ratings:`, the
one that counts). Comparing those private ratings shows which cells the team should talk through,
and whether the agreed matrix drifted from what the analysts thought on their own. Nothing here
changes the board's scores.

The measures, per cell (indicator x scenario) that at least one analyst rated:

- steps: a rating's place on the ordinal scale, HL=0, L=1, C=2, U=3, HU=4 (`vocab.RATING.order`).
  Ratings are ordered categories, not numbers, so every measure is in whole steps or a median.
- spread: the highest step minus the lowest among the analysts who rated the cell (0 = all agree;
  4 = one said highly likely, another highly unlikely).
- median: the median step of those ratings; with an even number of raters it may fall half-way
  (3.5 = between U and HU).
- departs: the team matrix's rating is at least one whole step from the analysts' median,
  |team - median| >= 1. Half a step (team HU, median 3.5) is not a departure: it sides with one
  half of the analysts.
- apart: the pairs of analysts two steps or more apart. One step (L against C) is the ordinary
  fuzz of a verbal scale; two steps (L against U) means they read the indicator differently.

Only indicators, scenarios and rating files present in the workspace given count, so a copy of the
workspace with some indicators withheld (a marking cap) drops their rows too.
"""

from __future__ import annotations

import statistics
from itertools import combinations

import pandas as pd

from indicators.scoring.memo import per_workspace
from indicators.workspace.load import Workspace
from indicators.workspace.ratings import AnalystRatings
from indicators.workspace.vocab import RATING

APART_STEPS = 2  # analysts this many steps apart or more read the indicator differently
DEPART_STEPS = 1  # the team matrix this far from the analysts' median or more departs from them
MEASURES = ["rated", "spread", "median", "team", "departs", "apart"]
SUMMARY_COLUMNS = ["analyst", "rated", "compared", "agree", "mean_steps_off"]


def step(rating: str) -> int:
    """A rating's place on the ordinal scale, HL=0 … HU=4."""
    return RATING.order(rating)


def median_text(median: float) -> str:
    """A median step as ratings: "HL" for 0, "between U and HU" for 3.5."""
    values = RATING.values()
    low, high = int(median // 1), int(-(-median // 1))
    return values[low] if low == high else f"between {values[low]} and {values[high]}"


def _by_name(ws: Workspace) -> list[AnalystRatings]:
    return sorted(ws.analyst_ratings, key=lambda a: (a.analyst.casefold(), a.analyst))


def analyst_names(ws: Workspace) -> list[str]:
    """The analysts who rated on their own, in the order their columns come (by name)."""
    return [a.analyst for a in _by_name(ws)]


def _cells(ws: Workspace) -> list[tuple[str, str]]:
    """Every (indicator, scenario) of the workspace that at least one analyst rated, sorted by id."""
    scenarios = ws.scenario_by_id
    return sorted({(indicator_id, scenario_id) for analyst in ws.analyst_ratings
                   for indicator_id, cells in analyst.ratings.items() if indicator_id in ws.indicator_by_id
                   for scenario_id in cells if scenario_id in scenarios})


def column_of(name: str) -> str:
    """An analyst's column: their name, unless it is the name of a measure."""
    return f"{name} (analyst)" if name in ("indicator", "scenario", *MEASURES) else name


@per_workspace
def disagreement(ws: Workspace) -> pd.DataFrame:
    """One row per rated cell: each analyst's rating, how far apart they are and whether the team departs.

    Columns: indicator, scenario, one per analyst (their rating, or None), rated, spread, median,
    team (the team matrix's rating, or None), departs, apart (tuples (analyst_a, rating_a,
    analyst_b, rating_b), analysts in name order). Sorted by spread, largest first, then by
    indicator and scenario: the cells most worth talking through come first.
    """
    analysts = _by_name(ws)
    names = [column_of(a.analyst) for a in analysts]
    rows = []
    for indicator_id, scenario_id in _cells(ws):
        given = [(a.analyst, a.rating(indicator_id, scenario_id)) for a in analysts]
        rated = [(name, rating.value) for name, rating in given if rating is not None]
        steps = [step(r) for _, r in rated]
        median = float(statistics.median(steps))
        team = ws.indicator_by_id[indicator_id].ratings.get(scenario_id)
        team_value = team.value if team is not None else None
        apart = [(a, ra, b, rb) for (a, ra), (b, rb) in combinations(rated, 2)
                 if abs(step(ra) - step(rb)) >= APART_STEPS]
        rows.append({"indicator": indicator_id, "scenario": scenario_id,
                     **{col: (r.value if r is not None else None) for col, (_, r) in zip(names, given)},
                     "rated": len(rated), "spread": max(steps) - min(steps), "median": median,
                     "team": team_value,
                     "departs": team_value is not None and abs(step(team_value) - median) >= DEPART_STEPS,
                     "apart": apart})
    # object columns keep None for "not rated" (pandas would otherwise turn it into NaN)
    frame = pd.DataFrame(rows, columns=["indicator", "scenario", *names, *MEASURES], dtype=object).astype(
        {"rated": int, "spread": int, "median": float, "departs": bool})
    if frame.empty:
        return frame
    frame = frame.sort_values(["spread", "indicator", "scenario"], ascending=[False, True, True], kind="stable")
    return frame.reset_index(drop=True)


@per_workspace
def analyst_summary(ws: Workspace) -> pd.DataFrame:
    """Per analyst (name order): how many cells they rated and how close they are to the team matrix.

    Columns: analyst, rated (cells of the workspace they rated), compared (of those, the cells the
    team matrix rates too), agree (of those, how many exactly as the team), mean_steps_off (the
    mean absolute step difference from the team over the compared cells; NaN when there are none).
    A low agreement says whose view the team matrix did not take, not who is wrong.
    """
    cells = _cells(ws)
    rows = []
    for analyst in _by_name(ws):
        offs = []
        rated = 0
        for indicator_id, scenario_id in cells:
            mine = analyst.rating(indicator_id, scenario_id)
            if mine is None:
                continue
            rated += 1
            team = ws.indicator_by_id[indicator_id].ratings.get(scenario_id)
            if team is not None:
                offs.append(abs(step(mine) - step(team)))
        rows.append({"analyst": analyst.analyst, "rated": rated, "compared": len(offs),
                     "agree": sum(1 for off in offs if off == 0),
                     "mean_steps_off": statistics.fmean(offs) if offs else float("nan")})
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)

