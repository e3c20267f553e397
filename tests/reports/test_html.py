"""The HTML report is charted from the same frames as the app."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from indicators.reports import html as report
from indicators.reports.snapshot import build_snapshot, load_snapshot
from indicators.scoring import frames
from indicators.workspace.load import load_workspace

from tests.conftest import FIXTURES, TODAY

FIXED = {"as_of": dt.date(2024, 3, 15), "since": dt.date(2024, 2, 15),
         "generated_at": dt.datetime(2024, 3, 16, 9, 30, tzinfo=dt.UTC)}


@pytest.fixture(scope="module")
def tiny():
    return load_workspace(FIXTURES / "tiny", today=TODAY)


# ----------------------------------------------------------------------------- one path for chart data


def test_report_charts_from_the_same_frames_as_the_app(tiny) -> None:
    """A snapshot's points (here from JSON) give the app's own chart frames for the same date."""
    as_of = FIXED["as_of"]
    snap = load_snapshot(build_snapshot(tiny, **FIXED).to_json())
    app_levels = frames.level_history(tiny, as_of)
    levels = frames.level_chart_frame([p.model_dump(mode="json") for p in snap.level_history],
                                      titles={s.id: s.title for s in snap.scenarios},
                                      labels={lv.name: lv.label for lv in snap.levels})
    pd.testing.assert_frame_equal(levels.drop(columns="score"), app_levels.drop(columns="score"))
    assert levels["score"].round(3).tolist() == app_levels["score"].tolist()
    composition = frames.composition_chart_frame([c.model_dump(mode="json") for c in snap.status_history])
    pd.testing.assert_frame_equal(composition, frames.composition(tiny, as_of), check_dtype=False)
    timeline, binned = frames.timeline_chart_frame(report._indication_points(snap))
    app_timeline, app_binned = frames.timeline_frame(tiny, as_of)
    assert binned == app_binned is False
    order = ["date", "indicator", "summary"]
    pd.testing.assert_frame_equal(timeline.sort_values(order).reset_index(drop=True),
                                  app_timeline.sort_values(order).reset_index(drop=True))
    heads = [heading for _, heading, _, _ in report.chart_specs(snap)]
    assert heads == ["Warning level over time", "Status composition over time", "Indications over time"]


def test_chart_frames_bin_many_indications_by_week_and_theme() -> None:
    points = [{"date": dt.date(2024, 1, 1) + dt.timedelta(days=d % 14), "theme": f"t{d % 2}", "indicator": f"I-{d % 3}",
               "title": "x", "summary": "s", "source": "src", "grade": "B2"} for d in range(30)]
    raw, binned = frames.timeline_chart_frame(points, max_points=30)
    assert not binned and len(raw) == 30 and (raw["count"] == 1).all()
    weekly, binned = frames.timeline_chart_frame(points, max_points=29)
    assert binned and weekly["count"].sum() == 30
    assert set(weekly["date"].dt.day_of_week) == {0}  # weeks start on Monday
    assert list(weekly.columns) == ["date", "theme", "count", "indicators"]


def test_level_chart_frame_shows_unknown_names_as_given() -> None:
    frame = frames.level_chart_frame([{"date": "2024-01-31", "scenario": "ZZ", "score": 0.5, "level": "odd"}],
                                     titles={}, labels={"low": "Low"})
    assert frame[["title", "label", "month"]].values.tolist() == [["ZZ", "odd", "2024-01"]]
    assert frames.level_chart_frame([], titles={}, labels={}).empty
