"""The HTML report's templates: shipped inside the package, autoescaped in every region, and charted
from the same frames as the app."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from pydantic import ValidationError

from indicators.presentation import chart_data
from indicators.reports import html as report
from indicators.reports.snapshot import Snapshot, build_snapshot, load_snapshot
from indicators.workspace.load import load_workspace

from tests.conftest import FIXTURES, ROOT, TODAY

FIXED = {"as_of": dt.date(2024, 3, 15), "since": dt.date(2024, 2, 15),
         "generated_at": dt.datetime(2024, 3, 16, 9, 30, tzinfo=dt.UTC)}


@pytest.fixture(scope="module")
def tiny():
    return load_workspace(FIXTURES / "tiny", today=TODAY)


# ----------------------------------------------------------------------------- installed templates


def _installed_copy(target: Path) -> Path:
    """The package as a (non-editable) install lays it out: its modules, and the package data that
    pyproject.toml declares (nothing else of the source tree)."""
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    files = list((ROOT / "indicators").rglob("*.py"))
    for package, patterns in setuptools["package-data"].items():
        folder = ROOT.joinpath(*package.split("."))
        files += [path for pattern in patterns for path in folder.glob(pattern)]
    for path in files:
        copy = target / path.relative_to(ROOT)
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, copy)
    return target


def test_report_renders_from_the_installed_templates_not_the_working_folder(tiny, tmp_path: Path) -> None:
    site = _installed_copy(tmp_path / "site")
    assert sorted(p.name for p in (site / "indicators/reports/templates").iterdir()) == \
        sorted(p.name for p in (ROOT / "indicators/reports/templates").iterdir())
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "templates").mkdir(parents=True)  # a decoy where a CWD-relative loader would look
    (elsewhere / "templates" / report.TEMPLATE).write_text("from the working folder", encoding="utf-8")
    snapshot = tmp_path / "snap.json"
    snapshot.write_text(build_snapshot(tiny, **FIXED).to_json(), encoding="utf-8")
    script = ("import sys, indicators.reports.html as h\n"
              "from indicators.reports.snapshot import load_snapshot\n"
              f"assert h.__file__.startswith({str(site)!r}), h.__file__\n"
              f"sys.stdout.write(h.render_html(load_snapshot({str(snapshot)!r})))\n")
    env = {**os.environ, "PYTHONPATH": str(site)}
    done = subprocess.run([sys.executable, "-c", script], cwd=elsewhere, env=env, capture_output=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr.decode()
    page = done.stdout.decode("utf-8")
    assert "from the working folder" not in page
    assert page == report.render_html(build_snapshot(tiny, **FIXED))


def test_a_reloaded_json_snapshot_gives_the_same_page(tiny) -> None:
    snap = build_snapshot(tiny, **FIXED)
    assert report.render_html(load_snapshot(snap.to_json())) == report.render_html(snap)


# ----------------------------------------------------------------------------- autoescaping


def _probe(n: int) -> str:
    return f"<i>P{n}</i>\"'&amp;"


_PROBE = re.compile(r"<i>P(\d+)</i>\"'&amp;")


def _probed(snap: Snapshot) -> tuple[Snapshot, dict[int, tuple]]:
    """The snapshot with a probe of markup and quotes appended to every text it can carry
    (fields whose rules refuse it, such as dates, URLs, colours and scale values, keep their value)."""
    data = json.loads(snap.to_json())
    data["sources"].append({"id": "S1", "title": "Source", "publisher": "Publisher", "date": "2024-01-01",
                            "url": "https://example.org/"})
    data["scenarios"][0]["description"] = "Description"
    originals: dict[tuple, str] = {}

    def walk(node: Any, path: tuple) -> Any:
        if isinstance(node, dict):
            return {key: walk(value, (*path, key)) for key, value in node.items()}
        if isinstance(node, list):
            return [walk(value, (*path, i)) for i, value in enumerate(node)]
        if isinstance(node, str) and path[-1] != "grade":  # a grade must match reliability and credibility
            originals[path] = node
            return node + _probe(len(originals) - 1)
        return node

    probed = walk(data, ())
    numbers = {path: n for n, path in enumerate(originals)}
    for _ in range(20):
        try:
            return Snapshot.model_validate(probed), {n: path for path, n in numbers.items()}
        except ValidationError as err:
            for error in err.errors():
                path = tuple(error["loc"])
                node = probed
                for key in path[:-1]:
                    node = node[key]
                node[path[-1]] = originals[path]
                numbers.pop(path, None)
    raise AssertionError("the probed snapshot never validated")


def _strings(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [s for value in node.values() for s in _strings(value)]
    if isinstance(node, list):
        return [s for value in node for s in _strings(value)]
    return [node] if isinstance(node, str) else []


class _Regions(HTMLParser):
    """Which probes show where: in text or attribute values, under which region of the page."""

    VOID = {"meta", "br", "hr", "img", "input", "link"}
    REGIONS = ("title", "h1", "question", "scenario", "changes", "checklist", "indicator", "indications", "sources",
               "colophon")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict[str, str | None]]] = []
        self.tags: list[str] = []
        self.found: dict[str, set[int]] = {}

    def _region(self) -> str:
        for tag, attrs in reversed(self.stack):
            names = {tag, attrs.get("id") or "", *(attrs.get("class") or "").split()}
            for region in self.REGIONS:
                if region in names:
                    return region
        return "elsewhere"

    def _note(self, text: str) -> None:
        for m in _PROBE.finditer(text):
            self.found.setdefault(self._region(), set()).add(int(m.group(1)))

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag not in self.VOID:
            self.stack.append((tag, dict(attrs)))
        for _, value in attrs:
            self._note(value or "")

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1][0] == tag, (tag, self.stack[-3:])
        self.stack.pop()

    def handle_data(self, data):
        if not (self.stack and self.stack[-1][0] in ("script", "style")):
            self._note(data)


def test_every_region_shows_data_text_escaped(tiny) -> None:
    snap, probes = _probed(build_snapshot(tiny, **FIXED))
    assert len(probes) > 40
    page = report.render_html(snap)
    parsed = _Regions()
    parsed.feed(page)
    assert "i" not in parsed.tags, "a probe became markup"
    assert set(parsed.REGIONS) <= set(parsed.found), f"regions without data text: {parsed.found.keys()}"
    shown = set().union(*parsed.found.values())
    assert len(shown) > 30
    # nowhere in the markup (scripts aside) does a probe stand unescaped
    markup = re.sub(r"(?s)<script>.*?</script>", "", page)
    assert "<i>" not in markup and "\"'&amp;" not in markup
    specs = page.split('<script type="application/json" id="chart-specs">', 1)[1].split("</script>", 1)[0]
    assert "<" not in specs and _probe(0) not in specs
    assert any(_PROBE.search(text) for text in _strings(json.loads(specs)))  # tooltips carry the text, intact


def test_the_stylesheet_is_not_html_escaped(tiny) -> None:
    page = report.render_html(build_snapshot(tiny, **FIXED))
    style = page.split("<style>", 1)[1].split("</style>", 1)[0]
    assert '@top-center { content: "TLP:GREEN";' in style and "&quot;" not in style and "&#" not in style


# ----------------------------------------------------------------------------- one path for chart data


def test_report_charts_from_the_same_frames_as_the_app(tiny) -> None:
    """A snapshot's points (here from JSON) give the app's own chart frames for the same date."""
    as_of = FIXED["as_of"]
    snap = load_snapshot(build_snapshot(tiny, **FIXED).to_json())
    app_levels = chart_data.level_history(tiny, as_of)
    levels = chart_data.level_chart_frame([p.model_dump(mode="json") for p in snap.level_history],
                                      titles={s.id: s.title for s in snap.scenarios},
                                      labels={lv.name: lv.label for lv in snap.levels})
    pd.testing.assert_frame_equal(levels.drop(columns="score"), app_levels.drop(columns="score"))
    assert levels["score"].round(3).tolist() == app_levels["score"].tolist()
    composition = chart_data.composition_chart_frame([c.model_dump(mode="json") for c in snap.status_history])
    pd.testing.assert_frame_equal(composition, chart_data.composition(tiny, as_of), check_dtype=False)
    timeline, binned = chart_data.timeline_chart_frame(report._indication_points(snap))
    app_timeline, app_binned = chart_data.timeline_frame(tiny, as_of)
    assert binned == app_binned is False
    order = ["date", "indicator", "summary"]
    pd.testing.assert_frame_equal(timeline.sort_values(order).reset_index(drop=True),
                                  app_timeline.sort_values(order).reset_index(drop=True))
    heads = [c.heading for c in report.chart_specs(snap)]
    assert heads == ["Warning level over time", "Status composition over time", "Indications over time"]


def test_chart_frames_bin_many_indications_by_week_and_theme() -> None:
    points = [{"date": dt.date(2024, 1, 1) + dt.timedelta(days=d % 14), "theme": f"t{d % 2}", "indicator": f"I-{d % 3}",
               "title": "x", "summary": "s", "source": "src", "grade": "B2"} for d in range(30)]
    raw, binned = chart_data.timeline_chart_frame(points, max_points=30)
    assert not binned and len(raw) == 30 and (raw["count"] == 1).all()
    weekly, binned = chart_data.timeline_chart_frame(points, max_points=29)
    assert binned and weekly["count"].sum() == 30
    assert set(weekly["date"].dt.day_of_week) == {0}  # weeks start on Monday
    assert list(weekly.columns) == ["date", "theme", "count", "indicators"]


def test_level_chart_frame_shows_unknown_names_as_given() -> None:
    frame = chart_data.level_chart_frame([{"date": "2024-01-31", "scenario": "ZZ", "score": 0.5, "level": "odd"}],
                                     titles={}, labels={"low": "Low"})
    assert frame[["title", "label", "month"]].values.tolist() == [["ZZ", "odd", "2024-01"]]
    assert chart_data.level_chart_frame([], titles={}, labels={}).empty
