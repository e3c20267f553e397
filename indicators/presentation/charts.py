"""Altair chart builders: a data frame in, a chart out (no Streamlit here).

Every chart has a title, axis titles, tooltips, and colours taken from the vocabularies in
`vocab` (or, for warning levels, from the workspace). Frames arrive already aggregated by
`chart_data` (months, weeks), so a chart never carries more rows than it draws.
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd

from indicators.scoring.warning import STATUS_VALUE
from indicators.workspace.vocab import BOARD_STATUS, LIKELIHOOD, RATING, RELIABILITY, STATUS, Scale, text_colour

# Themes have no scale of their own: a colour-blind-aware categorical palette (Okabe–Ito without
# its pale yellow, then Tol and Tableau) keeps the timeline readable for up to 14 themes; more repeat.
THEME_PALETTE: list[str] = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#999933",
                            "#000000", "#8c564b", "#7f7f7f", "#882255", "#17becf", "#9467bd", "#2ca02c"]
ROW_PX = 20  # height of one row in heat maps
CELL_PX = 64  # width of one scenario column in the validator matrix
NEUTRAL = "#8a8f98"  # lines that join coloured points (vocab.TREND "unchanged" grey)


def _scale(scale: Scale, present: Sequence[str] | None = None) -> alt.Scale:
    """The scale's labels and colours; only those of `present` labels when given (a legend lists what is drawn)."""
    terms = [(label, colour) for label, colour in zip(scale.labels(), scale.colours(), strict=True)
             if present is None or label in set(present)]
    return alt.Scale(domain=[t[0] for t in terms], range=[t[1] for t in terms])


def _drawn(frame: pd.DataFrame) -> list[str]:
    """Status labels a frame draws: every real status, and 'not yet watched' or 'retired' only when present."""
    shown = set(frame.loc[frame["count"] > 0, "label"]) if "count" in frame.columns else set(frame["label"])
    return [label for value, label in zip(BOARD_STATUS.values(), BOARD_STATUS.labels(), strict=True)
            if value in STATUS.values() or label in shown]


def _status_top_down() -> list[str]:
    """Status labels from most to least alarming (observed, emerging, not observed, negated)."""
    return [STATUS.label(s) for s, _ in sorted(STATUS_VALUE.items(), key=lambda kv: -kv[1])]


def _date_x(field: str, title: str) -> alt.X:
    """A time axis labelled by month (one tick per month at most; Vega drops overlapping labels)."""
    return alt.X(field, title=title, axis=alt.Axis(format="%b %Y", tickCount="month", labelOverlap=True))


# Streamlit fits a whole single-view chart (title, axes, legend) into its `height`, squeezing the
# plot; `fit-x` keeps `height` for the plot itself and still fills the container's width.
FIT_X = alt.AutoSizeParams(type="fit-x", contains="padding")


def _title(text: str, subtitle: str | None = None) -> alt.TitleParams:
    return alt.TitleParams(text, subtitle=subtitle or alt.Undefined, anchor="start")


def level_history(frame: pd.DataFrame, labels: Sequence[str], colours: Sequence[str]) -> alt.Chart:
    """Warning level of each scenario per month, as coloured bands (one row per scenario)."""
    data = frame.copy()
    data["start"] = data["date"].dt.to_period("M").dt.start_time
    data["end"] = data["date"] + pd.Timedelta(days=1)
    n = max(data["scenario"].nunique(), 1)
    return (
        alt.Chart(data)
        .mark_rect(stroke="white", strokeWidth=1)
        .encode(
            x=_date_x("start:T", "Month"),
            x2="end:T",
            y=alt.Y("scenario:N", title="Scenario", sort=list(dict.fromkeys(data["scenario"])),
                    axis=alt.Axis(labelLimit=220)),
            color=alt.Color("label:N", title="Warning level", scale=alt.Scale(domain=list(labels), range=list(colours)),
                            legend=alt.Legend(orient="bottom")),
            tooltip=[alt.Tooltip("scenario:N", title="Scenario"), alt.Tooltip("title:N", title="Title"),
                     alt.Tooltip("month:N", title="Month"), alt.Tooltip("label:N", title="Warning level"),
                     alt.Tooltip("score:Q", title="Score", format=".2f")],
        )
        .properties(autosize=FIT_X,
                    title=_title("Warning level over time", "Each scenario's level at the end of each month"),
                    height=max(28 * n, 80))
    )


def score_sparkline(frame: pd.DataFrame, colour: str) -> alt.Chart:
    """A scenario's score month by month as a small line (no axes): sustained change at a glance."""
    return (
        alt.Chart(frame)
        .mark_line(color=colour, strokeWidth=2, point=alt.OverlayMarkDef(size=12, color=colour))
        .encode(x=alt.X("date:T", axis=None), y=alt.Y("score:Q", axis=None, scale=alt.Scale(domain=[0, 1])),
                tooltip=[alt.Tooltip("date:T", title="Month end", format="%Y-%m-%d"),
                         alt.Tooltip("score:Q", title="Score", format=".3f")])
        .properties(height=46, autosize=FIT_X)
        .configure_view(stroke=None)
    )


def status_history(frame: pd.DataFrame) -> alt.LayerChart:
    """An indicator's status over time as a step line, with a point per assessment (none on `carried` rows)."""
    y = alt.Y("label:N", title="Status", sort=_status_top_down(), scale=alt.Scale(domain=_status_top_down()))
    tooltip = [alt.Tooltip("date:T", title="Date", format="%Y-%m-%d"), alt.Tooltip("label:N", title="Status"),
               alt.Tooltip("confidence_label:N", title="Confidence"), alt.Tooltip("analyst:N", title="Analyst"),
               alt.Tooltip("rationale:N", title="Rationale")]
    x = _date_x("date:T", "Date")
    base = alt.Chart(frame)
    line = base.mark_line(interpolate="step-after", color=NEUTRAL, strokeWidth=2).encode(x=x, y=y)
    points = base.transform_filter("!datum.carried").mark_point(filled=True, size=110, opacity=1).encode(
        x=x, y=y, color=alt.Color("label:N", title="Status", scale=_scale(STATUS)), tooltip=tooltip)
    return alt.layer(line, points).properties(autosize=FIT_X,
                                              title=_title("Status history", "Latest assessment at each date"),
                                              height=170)


def numeric_series(frame: pd.DataFrame) -> alt.Chart | alt.FacetChart:
    """Values carried by indications over time (one panel per unit), points coloured by source reliability."""
    data = frame.copy()
    data["reliability"] = data["grade"].str[0].map(lambda r: RELIABILITY.label(r))
    units = list(dict.fromkeys(data["unit"]))
    x = _date_x("date:T", "Date")
    y = alt.Y("value:Q", title=str(units[0]).capitalize() if len(units) == 1 else "Value")
    tooltip = [alt.Tooltip("date:T", title="Date", format="%Y-%m-%d"),
               alt.Tooltip("value:Q", title="Value", format=",g"),
               alt.Tooltip("unit:N", title="Unit"), alt.Tooltip("source:N", title="Source"),
               alt.Tooltip("grade:N", title="Grade"), alt.Tooltip("summary:N", title="Summary")]
    base = alt.Chart()
    line = base.mark_line(color=NEUTRAL).encode(x=x, y=y)
    points = base.mark_circle(size=90, opacity=1, stroke="#333333", strokeWidth=0.5).encode(
        x=x, y=y, tooltip=tooltip,
        color=alt.Color("reliability:N", title="Source reliability", scale=_scale(RELIABILITY)))
    layer = alt.layer(line, points, data=data)
    title = _title("Numeric series", "Values reported by the indications")
    if data["unit"].nunique() <= 1:
        return layer.properties(autosize=FIT_X, title=title, height=220)
    return (layer.properties(height=160, width=560)
            .facet(row=alt.Row("unit:N", title=None, header=alt.Header(labelAngle=0, labelAlign="left")))
            .resolve_scale(y="independent").properties(title=title))


def status_composition(frame: pd.DataFrame) -> alt.Chart:
    """How many indicators are in each status at each month end (stacked area)."""
    return (
        alt.Chart(frame)
        .mark_area(interpolate="step-after", opacity=0.9)
        .encode(
            x=_date_x("date:T", "Month end"),
            y=alt.Y("count:Q", title="Indicators", stack="zero"),
            color=alt.Color("label:N", title="Status", scale=_scale(BOARD_STATUS, _drawn(frame)),
                            legend=alt.Legend(orient="bottom")),
            order=alt.Order("order:Q", sort="ascending"),
            tooltip=[alt.Tooltip("date:T", title="Month end", format="%Y-%m-%d"),
                     alt.Tooltip("label:N", title="Status"), alt.Tooltip("count:Q", title="Indicators")],
        )
        .properties(autosize=FIT_X, title=_title("Status composition over time", "Number of indicators in each status"),
                    height=260)
    )


def status_heatmap(frame: pd.DataFrame) -> alt.Chart:
    """Indicator x month grid coloured by each indicator's status at the month's end."""
    rows = list(dict.fromkeys(frame["indicator"]))
    return (
        alt.Chart(frame)
        .mark_rect(stroke="white", strokeWidth=0.5)
        .encode(
            x=alt.X("month:O", title="Month", axis=alt.Axis(labelAngle=0 if frame["month"].nunique() <= 12 else -90)),
            y=alt.Y("indicator:N", title="Indicator", sort=rows, axis=alt.Axis(labelOverlap=False)),
            color=alt.Color("label:N", title="Status", scale=_scale(BOARD_STATUS, _drawn(frame)),
                            legend=alt.Legend(orient="bottom")),
            tooltip=[alt.Tooltip("indicator:N", title="Indicator"), alt.Tooltip("title:N", title="Title"),
                     alt.Tooltip("theme:N", title="Theme"), alt.Tooltip("month:N", title="Month"),
                     alt.Tooltip("label:N", title="Status")],
        )
        .properties(autosize=FIT_X, title=_title("Status by indicator and month", "Status at the end of each month"),
                    height=max(ROW_PX * len(rows), 60))
    )


def indication_timeline(frame: pd.DataFrame, binned: bool = False) -> alt.Chart:
    """Indications over time, one row per theme; binned frames draw one circle per week x theme."""
    themes = sorted(frame["theme"].unique()) if len(frame) else []
    colour = alt.Color("theme:N", title="Theme", scale=alt.Scale(domain=themes, range=THEME_PALETTE),
                       legend=None)
    y = alt.Y("theme:N", title="Theme", sort=themes, axis=alt.Axis(labelLimit=200))
    height = max(34 * len(themes), 80)
    if binned:
        data = frame.assign(end=frame["date"] + pd.Timedelta(days=7))
        return (
            alt.Chart(data)
            .mark_rect(height=22)
            .encode(
                x=_date_x("date:T", "Week"), x2="end:T", y=y, color=colour,
                opacity=alt.Opacity("count:Q", title="Indications per week", scale=alt.Scale(range=[0.15, 1]),
                                    legend=alt.Legend(orient="bottom")),
                tooltip=[alt.Tooltip("date:T", title="Week of", format="%Y-%m-%d"),
                         alt.Tooltip("theme:N", title="Theme"), alt.Tooltip("count:Q", title="Indications"),
                         alt.Tooltip("indicators:Q", title="Indicators")],
            )
            .properties(autosize=FIT_X, title=_title("Indications over time", "Indications per week and theme: "
                                                      "the darker, the more"), height=height)
        )
    return (
        alt.Chart(frame)
        .mark_tick(thickness=2, size=22, opacity=0.85)
        .encode(
            x=_date_x("date:T", "Date").scale(nice="month"), y=y, color=colour,
            tooltip=[alt.Tooltip("date:T", title="Date", format="%Y-%m-%d"), alt.Tooltip("theme:N", title="Theme"),
                     alt.Tooltip("indicator:N", title="Indicator"), alt.Tooltip("title:N", title="Title"),
                     alt.Tooltip("summary:N", title="Summary"), alt.Tooltip("source:N", title="Source"),
                     alt.Tooltip("grade:N", title="Grade")],
        )
        .properties(autosize=FIT_X, title=_title("Indications over time", "Each mark is one dated indication"),
                    height=height)
    )


def likelihood_history(frame: pd.DataFrame, order_rows: Sequence[str] = (), width: int = 620) -> alt.FacetChart:
    """Each scenario's ICD 203 likelihood over time (step line, a point per judgment), one panel per scenario."""
    order = list(reversed(LIKELIHOOD.labels()))  # almost certain on top
    y = alt.Y("label:O", title=None, sort=order, scale=alt.Scale(domain=order), axis=alt.Axis(labelLimit=220))
    x = _date_x("date:T", "Date")
    tooltip = [alt.Tooltip("scenario:N", title="Scenario"), alt.Tooltip("title:N", title="Title"),
               alt.Tooltip("date:T", title="Date", format="%Y-%m-%d"), alt.Tooltip("label:N", title="Likelihood"),
               alt.Tooltip("confidence:N", title="Confidence"), alt.Tooltip("rationale:N", title="Rationale")]
    base = alt.Chart()
    line = base.mark_line(interpolate="step-after", color=NEUTRAL, strokeWidth=2).encode(x=x, y=y)
    points = base.transform_filter("!datum.carried").mark_point(
        filled=True, size=90, opacity=1, stroke="#333333", strokeWidth=0.5).encode(
        x=x, y=y, tooltip=tooltip, color=alt.Color("label:N", title="Likelihood (ICD 203)", scale=_scale(LIKELIHOOD),
                                                   legend=alt.Legend(orient="bottom", columns=4)))
    return (
        alt.layer(line, points, data=frame)
        .properties(width=width, height=118)
        .facet(row=alt.Row("scenario:N", title=None, sort=list(order_rows or dict.fromkeys(frame["scenario"])),
                           header=alt.Header(labelAngle=0, labelAlign="left", labelFontWeight="bold",
                                             labelLimit=160)))
        .properties(title=_title("Scenario likelihood over time",
                                 "ICD 203 estimative terms, latest judgment at each date"))
    )


def validator_matrix(frame: pd.DataFrame, scenarios: Sequence[str]) -> alt.LayerChart:
    """Indicators Validator matrix: indicator x scenario, coloured HL…HU, with the rating as text."""
    data = frame.copy()
    ink = {RATING.label(r): text_colour(RATING.colour(r)) for r in RATING}
    data["ink"] = data["label"].map(ink)
    rows = list(dict.fromkeys(data["indicator"]))
    x = alt.X("scenario:N", title="Scenario", sort=list(scenarios),
              axis=alt.Axis(labelAngle=-40, orient="top", labelOverlap=False, labelAlign="left", labelLimit=180))
    y = alt.Y("indicator:N", title="Indicator", sort=rows, axis=alt.Axis(labelOverlap=False))
    tooltip = [alt.Tooltip("indicator:N", title="Indicator"), alt.Tooltip("title:N", title="Title"),
               alt.Tooltip("scenario:N", title="Scenario"), alt.Tooltip("rating:N", title="Rating"),
               alt.Tooltip("label:N", title="Meaning"),
               alt.Tooltip("weight:Q", title="Diagnostic weight", format=".2f")]
    base = alt.Chart(data).encode(x=x, y=y)
    cells = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.Color("label:N", title="Rating", scale=_scale(RATING), legend=alt.Legend(orient="bottom")),
        tooltip=tooltip)
    text = base.mark_text(fontSize=11).encode(text="rating:N", color=alt.Color("ink:N", scale=None), tooltip=tooltip)
    return alt.layer(cells, text).properties(
        title=_title("Indicators Validator matrix", "How likely each indicator is to appear if the scenario is true"),
        width=alt.Step(CELL_PX), height=alt.Step(ROW_PX))


def diagnosticity(frame: pd.DataFrame) -> alt.Chart:
    """Each indicator's diagnosticity (spread of its ratings); 0 means it cannot tell scenarios apart."""
    data = frame.copy()
    data["kind"] = data["diagnostic"].map({True: "Diagnostic", False: "Not diagnostic"})
    rows = list(dict.fromkeys(data["indicator"]))
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("spread:Q", title="Rating spread", scale=alt.Scale(domain=[0, 1])),
            y=alt.Y("indicator:N", title="Indicator", sort=rows),
            color=alt.Color("kind:N", title="Diagnosticity",
                            scale=alt.Scale(domain=["Diagnostic", "Not diagnostic"],
                                            range=[RATING.colour("HL"), STATUS.colour("not_observed")]),
                            legend=alt.Legend(orient="bottom")),
            tooltip=[alt.Tooltip("indicator:N", title="Indicator"), alt.Tooltip("title:N", title="Title"),
                     alt.Tooltip("spread:Q", title="Spread", format=".2f"),
                     alt.Tooltip("best_for:N", title="Speaks most for")],
        )
        .properties(title=_title("Diagnosticity", "Highest minus lowest rating value"),
                    height=alt.Step(ROW_PX))
    )


def validator_with_diagnosticity(matrix: pd.DataFrame, diag: pd.DataFrame,
                                 scenarios: Sequence[str]) -> alt.HConcatChart:
    """The validator matrix with each indicator's diagnosticity bar beside it, rows aligned."""
    rows = list(dict.fromkeys(matrix["indicator"]))
    bars = diagnosticity(diag[diag["indicator"].isin(rows)]).encode(
        y=alt.Y("indicator:N", sort=rows, axis=None)).properties(width=150)
    return alt.hconcat(validator_matrix(matrix, scenarios), bars, spacing=8).resolve_scale(color="independent")


def calibration(frame: pd.DataFrame) -> alt.LayerChart:
    """Calibration: per ICD 203 term, the share of its judgments that came true (a point sized by how
    many, labelled with the term) against the term's band (a grey bar) and the diagonal of perfect
    calibration."""
    axis = alt.Axis(format="%")
    x = alt.X("p:Q", title="Probability said (midpoint of the term's band)", axis=axis,
              scale=alt.Scale(domain=[0, 1], nice=False))
    y = alt.Y("share:Q", title="Share that came true", axis=axis, scale=alt.Scale(domain=[0, 1], nice=False))
    diagonal = alt.Chart(pd.DataFrame({"p": [0.0, 1.0], "share": [0.0, 1.0]})).mark_line(
        color=NEUTRAL, strokeDash=[4, 4]).encode(x=x, y=y)
    base = alt.Chart(frame)
    band = base.mark_rule(strokeWidth=16, opacity=0.3, color=NEUTRAL).encode(
        x=x, y=alt.Y("low:Q", title="Share that came true", axis=axis, scale=alt.Scale(domain=[0, 1], nice=False)),
        y2="high:Q")
    tips = [alt.Tooltip("label:N", title="Term"), alt.Tooltip("judgments:Q", title="Judgments"),
            alt.Tooltip("occurred:Q", title="Came true"), alt.Tooltip("share:Q", title="Share", format=".0%"),
            alt.Tooltip("band:N", title="Band")]
    counts = sorted({int(n) for n in frame["judgments"]})
    points = base.mark_circle(opacity=1, stroke="black", strokeWidth=1).encode(
        x=x, y=y, color=alt.Color("label:N", scale=_scale(LIKELIHOOD, list(frame["label"])), legend=None),
        size=alt.Size("judgments:Q", title="Judgments", scale=alt.Scale(domain=[0, max(counts)], range=[0, 600]),
                      legend=alt.Legend(orient="bottom", values=counts, format="d")),
        tooltip=tips)
    labels = base.mark_text(align="left", dx=12, fontSize=12).encode(x=x, y=y, text="label:N", tooltip=tips)
    return alt.layer(diagonal, band, points, labels).properties(
        title=_title("Calibration", "Well calibrated: each point inside its term's band (grey bar)"), height=340,
        autosize=FIT_X)


def disagreement_heatmap(frame: pd.DataFrame, scenarios: Sequence[str]) -> alt.LayerChart:
    """Indicator x scenario cells coloured by how far apart the analysts' own ratings are (steps), with
    a ring where the team matrix departs from their median."""
    rows = list(dict.fromkeys(frame["indicator"]))
    x = alt.X("scenario:N", title="Scenario", sort=list(scenarios), axis=alt.Axis(orient="top", labelAngle=0))
    y = alt.Y("indicator:N", title="Indicator", sort=rows)
    tips = [alt.Tooltip("indicator:N", title="Indicator"), alt.Tooltip("scenario:N", title="Scenario"),
            alt.Tooltip("given:N", title="Analysts"), alt.Tooltip("spread:Q", title="Spread (steps)"),
            alt.Tooltip("team:N", title="Team matrix")]
    cells = alt.Chart(frame).mark_rect(stroke="white", strokeWidth=1).encode(
        x=x, y=y, tooltip=tips,
        color=alt.Color("spread:O", title="Spread (steps)", scale=alt.Scale(
            domain=[0, 1, 2, 3, 4], range=["#f7f7f7", "#fddbc7", "#f4a582", "#d6604d", "#b2182b"]),
            legend=alt.Legend(orient="bottom")))
    rings = alt.Chart(frame[frame["departs"]]).mark_point(shape="circle", size=90, color="black", strokeWidth=2).encode(
        x=x, y=y, tooltip=tips)
    return alt.layer(cells, rings).properties(
        title=_title("Where the analysts disagree", "Spread of their own ratings; ringed: the team matrix departs "
                                                     "from their median"),
        width=alt.Step(CELL_PX), height=alt.Step(ROW_PX))
