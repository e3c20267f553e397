"""Chart builders (indicators.presentation.charts): titles, tooltips and vocabulary colours in every spec."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import altair as alt
import pandas as pd
import pytest

from indicators.presentation import chart_data, charts
from indicators.workspace.load import load_workspace
from indicators.workspace.vocab import BOARD_STATUS, LIKELIHOOD, RATING, RELIABILITY, STATUS

from tests.conftest import FIXTURES, TODAY

AS_OF = dt.date(2024, 3, 15)


@pytest.fixture(scope="module")
def ws():
    return load_workspace(FIXTURES / "tiny", today=TODAY)


def _walk(node: Any) -> Iterator[dict]:
    """Every dict in a spec (layers, concats and facets included)."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def _encodings(spec: dict, channel: str) -> list[dict]:
    return [d["encoding"][channel] for d in _walk(spec) if isinstance(d.get("encoding"), dict)
            and channel in d["encoding"]]


def _title(spec: dict) -> str:
    title = spec.get("title")
    return title.get("text") if isinstance(title, dict) else title


def _colour_scales(spec: dict) -> list[dict]:
    return [c["scale"] for c in _encodings(spec, "color") if isinstance(c.get("scale"), dict)
            and "domain" in c["scale"]]


def _check_common(chart: alt.TopLevelMixin, title: str) -> dict:
    spec = chart.to_dict()
    assert title in (_title(spec) or "") or any(title in (_title(d) or "") for d in _walk(spec)), "chart has a title"
    tooltips = _encodings(spec, "tooltip")
    assert tooltips and all(isinstance(t, list) and t for t in tooltips), "every tooltip lists fields"
    assert all("title" in field for t in tooltips for field in t), "tooltip fields are named for people"
    for channel in ("x", "y"):
        for enc in _encodings(spec, channel):
            if enc.get("axis") is not None:
                assert "title" in enc, f"{channel} axis has a title"
    return spec


def _has_scale(spec: dict, labels: list[str], colours: list[str]) -> bool:
    return any(s["domain"] == labels and s["range"] == colours for s in _colour_scales(spec))


def test_level_history_uses_workspace_level_colours(ws):
    labels, colours = chart_data.level_domain(ws)
    spec = _check_common(charts.level_history(chart_data.level_history(ws, AS_OF), labels, colours),
                         "Warning level over time")
    assert _has_scale(spec, labels, colours)
    assert spec["autosize"]["type"] == "fit-x"


def test_status_history_step_chart(ws):
    spec = _check_common(charts.status_history(chart_data.status_history(ws, "TT-01", AS_OF)), "Status history")
    assert _has_scale(spec, STATUS.labels(), STATUS.colours())
    assert any(d["mark"].get("interpolate") == "step-after" for d in _walk(spec) if isinstance(d.get("mark"), dict))
    y = _encodings(spec, "y")[0]
    assert y["scale"]["domain"] == ["Observed", "Emerging", "Not observed", "Negated"]


def test_numeric_series_coloured_by_reliability(ws):
    spec = _check_common(charts.numeric_series(chart_data.numeric_series(ws, "TT-01", AS_OF)), "Numeric series")
    assert _has_scale(spec, RELIABILITY.labels(), RELIABILITY.colours())
    assert _encodings(spec, "y")[0]["title"] == "Launches"


def test_numeric_series_facets_by_unit():
    frame = pd.DataFrame({"date": pd.to_datetime(["2024-01-01", "2024-02-01"]), "id": ["A-01.1", "A-01.2"],
                          "value": [1.0, 2.0], "unit": ["ships", "tonnes"], "source": ["s", "s"],
                          "grade": ["A1", "B2"], "summary": ["x", "y"]})
    spec = charts.numeric_series(frame).to_dict()
    assert spec["facet"]["row"]["field"] == "unit" and spec["resolve"]["scale"]["y"] == "independent"


def _board_scale(*extra: str) -> tuple[list[str], list[str]]:
    """Labels and colours of the four statuses and of the given extra board statuses, in board order."""
    values = [v for v in BOARD_STATUS.values() if v in STATUS.values() or v in extra]
    return [BOARD_STATUS.label(v) for v in values], [BOARD_STATUS.colour(v) for v in values]


def test_status_composition_area(ws):
    spec = _check_common(charts.status_composition(chart_data.composition(ws, AS_OF)), "Status composition over time")
    assert spec["mark"]["type"] == "area"
    # TT-03 is first assessed in February: in January it is not yet watched, which is not 'not observed'
    assert _has_scale(spec, *_board_scale("not_yet_watched"))
    assert spec["encoding"]["y"]["stack"] == "zero"


def test_status_heatmap(ws):
    heat, _ = chart_data.heatmap_frame(ws, AS_OF)
    spec = _check_common(charts.status_heatmap(heat), "Status by indicator and month")
    assert spec["mark"]["type"] == "rect"
    assert _has_scale(spec, *_board_scale("not_yet_watched"))
    assert spec["encoding"]["y"]["sort"] == ["TT-01", "TT-02", "TT-03", "TT-04"]


@pytest.mark.parametrize("max_points", [2000, 1])
def test_indication_timeline(ws, max_points):
    frame, binned = chart_data.timeline_frame(ws, AS_OF, max_points=max_points)
    spec = _check_common(charts.indication_timeline(frame, binned), "Indications over time")
    scale = spec["encoding"]["color"]["scale"]
    assert scale["domain"] == ["core"] and scale["range"] == charts.THEME_PALETTE
    assert ("opacity" in spec["encoding"]) is binned


def test_likelihood_chart_ordinal_icd203_axis(ws):
    spec = _check_common(charts.likelihood_history(chart_data.likelihood_history(ws, AS_OF), ["AA", "BB"]),
                         "Scenario likelihood over time")
    y = _encodings(spec, "y")[0]
    assert y["type"] == "ordinal"
    assert y["scale"]["domain"] == list(reversed(LIKELIHOOD.labels()))  # all seven terms, almost certain on top
    assert _has_scale(spec, LIKELIHOOD.labels(), LIKELIHOOD.colours())
    assert spec["facet"]["row"]["sort"] == ["AA", "BB"]


def test_validator_matrix_rating_colours(ws):
    matrix, diag = chart_data.validator_matrix(ws), chart_data.diagnosticity_table(ws)
    chart = charts.validator_with_diagnosticity(matrix, diag, ["AA", "BB"])
    spec = _check_common(chart, "Indicators Validator matrix")
    assert _has_scale(spec, RATING.labels(), RATING.colours())
    assert any("Diagnosticity" in (_title(d) or "") for d in _walk(spec))
    x = [e for e in _encodings(spec, "x") if e.get("field") == "scenario"][0]
    assert x["sort"] == ["AA", "BB"]


def test_charts_carry_only_aggregated_rows(ws):
    """Rows sent to the browser: one per cell or event, never a raw cross product."""
    heat, _ = chart_data.heatmap_frame(ws, AS_OF)
    spec = charts.status_heatmap(heat).to_dict()
    rows = sum(len(v) for v in spec["datasets"].values())
    assert rows == 12
