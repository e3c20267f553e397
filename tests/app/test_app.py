"""The Streamlit app under AppTest: every page renders, filters, dates and URL state work.

Hand-worked facts of the tiny fixture used here: TT-01 is emerging from 2024-01-10 and observed
from 2024-03-01 (so emerging as of 2024-02-15, observed as of 2024-03-15); TT-04 is overdue after
2024-02-29; TT-01.2 is dated 2024-02-20; scenario AA is judged "likely" from 2024-03-05.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from indicators.app import state, ui
from indicators.workspace.load import load_workspace
from indicators.workspace.vocab import LIKELIHOOD, MARKING, RATING

from tests.conftest import FIXTURES, ROOT, TODAY

APP = ROOT / "dashboard.py"
PAGES = ["overview", "checklist", "indicator", "trends", "scenarios", "track", "disagreement", "update", "export",
         "health"]


@pytest.fixture(autouse=True)
def fresh_app(monkeypatch):
    """Tiny fixture, clean caches, no read-only flag, and no pytest arguments mistaken for --data."""
    monkeypatch.setenv("INDICATORS_DATA", str(FIXTURES / "tiny"))
    monkeypatch.delenv("INDICATORS_READ_ONLY", raising=False)
    monkeypatch.delenv("INDICATORS_AUTH", raising=False)
    monkeypatch.setattr(sys, "argv", [str(APP)])
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


def served_copy(fixture: str, tmp_path: Path, monkeypatch, analyst: str | None = None) -> Path:
    """A copy of a fixture workspace, served by the app (and entries signed by `analyst`)."""
    folder = Path(shutil.copytree(FIXTURES / fixture, tmp_path / fixture))
    monkeypatch.setenv("INDICATORS_DATA", str(folder))
    if analyst is not None:
        monkeypatch.setenv("INDICATORS_ANALYST", analyst)
    return folder


def open_app(page: str | None = None, **params: str | list[str]) -> AppTest:
    """Open the app as a browser opens a URL: query parameters first, then the page."""
    at = AppTest.from_file(str(APP), default_timeout=30)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(f"indicators/app/views/{page}.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def plain(text: str) -> str:
    """Text without the markdown escapes the app adds to data text."""
    return text.replace("\\", "")


def table(at: AppTest, index: int = 0):
    return at.dataframe[index].value


def charts(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]


def chart_titles(at: AppTest) -> list[str]:
    titles = []
    for spec in charts(at):
        title = spec.get("title") or {}
        titles.append(title.get("text") if isinstance(title, dict) else title)
    return titles


# ----------------------------------------------------------------------------- every page


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_with_banner_and_dates(page):
    at = open_app(page, as_of="2024-03-15")
    banners = [h.proto.body for h in at.get("html") if "tlp-banner" in h.proto.body]
    assert len(banners) == 2 and all(MARKING.label("GREEN") in b for b in banners)  # top and bottom
    assert MARKING.colour("GREEN") in banners[0]
    dates = {d.key: d.value for d in at.sidebar.date_input}
    assert str(dates[state.AS_OF_KEY]) == "2024-03-15" and str(dates[state.SINCE_KEY]) == "2024-02-14"
    assert not at.error  # the tiny fixture has no problems: no banner


def test_overview_scenarios_counts_changes_and_level_chart():
    at = open_app(as_of="2024-03-15")
    assert plain(at.title[0].value) == "Tiny"
    text = " ".join(plain(m.value) for m in at.markdown)
    assert "Scenario A" in text and "Scenario B" in text
    html = " ".join(h.proto.body for h in at.get("html"))
    assert "High" in html and "Elevated" in html  # warning levels, named
    assert LIKELIHOOD.label("likely") in html and "▲ Deteriorated" in html
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"Observed": "3", "Emerging": "0", "Negated": "0", "Overdue": "1", "Stale": "3"}
    changes = table(at, 1)  # after the warning notices
    assert changes["Kind"].tolist() == ["Judgment", "Status", "Indication"]
    assert chart_titles(at) == [None, None, "Warning level over time"]  # a small score line per scenario first


def test_as_of_changes_the_overview():
    at = open_app(as_of="2024-02-15")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Observed"] == "2" and metrics["Emerging"] == "1" and metrics["Overdue"] == "0"
    html = " ".join(h.proto.body for h in at.get("html"))
    assert LIKELIHOOD.label("unlikely") in html and LIKELIHOOD.label("likely") + "<" not in html


def test_moving_as_of_moves_an_untouched_since():
    at = open_app(as_of="2024-03-15")
    at.sidebar.date_input(key=state.AS_OF_KEY).set_value(dt_date("2024-02-15")).run()
    dates = {d.key: str(d.value) for d in at.sidebar.date_input}
    assert dates == {state.AS_OF_KEY: "2024-02-15", state.SINCE_KEY: "2024-01-16"}
    at.sidebar.date_input(key=state.SINCE_KEY).set_value(dt_date("2024-01-01")).run()
    at.sidebar.date_input(key=state.AS_OF_KEY).set_value(dt_date("2024-03-15")).run()
    assert str(at.sidebar.date_input(key=state.SINCE_KEY).value) == "2024-01-01"  # chosen by hand: kept


def dt_date(text: str):
    import datetime as dt

    return dt.date.fromisoformat(text)


# ----------------------------------------------------------------------------- checklist


def status_of(at: AppTest) -> dict[str, str]:
    frame = table(at)
    return dict(zip(frame["ID"], frame["Status"]))


def test_checklist_as_of_decides_status():
    assert status_of(open_app("checklist", as_of="2024-02-15"))["TT-01"] == "Emerging"
    assert status_of(open_app("checklist", as_of="2024-03-15"))["TT-01"] == "Observed"


def test_checklist_status_is_coloured():
    at = open_app("checklist", as_of="2024-03-15")
    styles = at.dataframe[0].proto.arrow_data.styler.styles
    assert "#d1495b" in styles and "#b0b7c3" in styles  # observed, not observed (vocab.STATUS)


def test_checklist_filters_change_the_rows():
    at = open_app("checklist", as_of="2024-03-15")
    assert list(table(at)["ID"]) == ["TT-01", "TT-02", "TT-03", "TT-04"]
    at.multiselect(key="status").set_value(["observed"]).run()
    assert list(table(at)["ID"]) == ["TT-01", "TT-02", "TT-03"]
    at.multiselect(key="priority").set_value(["high"]).run()
    assert list(table(at)["ID"]) == ["TT-01"]
    at.multiselect(key="status").set_value([]).run()
    at.multiselect(key="priority").set_value([]).run()
    at.checkbox(key="overdue").check().run()
    assert list(table(at)["ID"]) == ["TT-04"]
    at.checkbox(key="overdue").uncheck().run()
    at.selectbox(key="_pick_scenario").set_value("BB").run()
    assert list(table(at)["ID"]) == ["TT-02", "TT-03"]
    assert at.query_params.get("scenario") == "BB"
    at.text_input(key="q").set_value("diagnostic for").run()
    assert list(table(at)["ID"]) == ["TT-03"]
    at.multiselect(key="theme").set_value(["core"]).run()
    assert list(table(at)["ID"]) == ["TT-03"]


def test_checklist_filters_from_url():
    at = open_app("checklist", as_of="2024-02-15", status="Emerging")
    assert list(table(at)["ID"]) == ["TT-01"]
    at = open_app("checklist", as_of="2024-03-15", scenario="AA", stale="true")
    # relevant to AA (TT-01, TT-02, TT-04) and stale on 2024-03-15 (TT-01 was assessed on 03-01)
    assert list(table(at)["ID"]) == ["TT-02", "TT-04"]
    assert at.selectbox(key="_pick_scenario").value == "AA"
    assert at.checkbox(key="stale").value is True


def test_checklist_no_match_says_so():
    at = open_app("checklist", q="no such indicator")
    assert not at.dataframe and "No indicator matches" in at.info[0].value


def test_selecting_a_row_opens_the_indicator():
    at = open_app("checklist", as_of="2024-02-15")
    at.session_state["checklist_table"] = {"selection": {"rows": [2], "columns": [], "cells": []}}
    at.run()
    assert not at.exception
    assert plain(at.header[0].value).startswith("TT-03 · Diagnostic for B")
    assert at.query_params["indicator"] == "TT-03"
    assert at.query_params["as_of"] == "2024-02-15"  # the date travels with the link


# ----------------------------------------------------------------------------- indicator


def test_indicator_from_url_parameters():
    at = open_app("indicator", indicator="TT-03", as_of="2024-03-15")
    assert plain(at.header[0].value) == "TT-03 · Diagnostic for B"
    assert at.selectbox(key="_pick_indicator").value == "TT-03"
    ratings = table(at, -1).set_index("Scenario")
    assert ratings.loc["BB", "Rating"] == "HL" and ratings.loc["BB", "Meaning"] == RATING.label("HL")
    assert ratings.loc["BB", "Diagnostic weight"] == 0.5


def test_indicator_unknown_id_falls_back_to_first():
    at = open_app("indicator", indicator="NOPE-99")
    assert plain(at.header[0].value).startswith("TT-01")
    assert at.query_params["indicator"] == "TT-01"


def test_indicator_page_is_as_of():
    early = open_app("indicator", indicator="TT-01", as_of="2024-02-15")
    assert table(early, 1)["ID"].tolist() == ["TT-01.1"]
    assert "Status history" in chart_titles(early) and "Numeric series" not in chart_titles(early)
    late = open_app("indicator", indicator="TT-01", as_of="2024-03-15")
    indications = table(late, 1)
    assert indications["ID"].tolist() == ["TT-01.2", "TT-01.1"]
    assert indications["Grade"].tolist() == ["C3", "B2"]
    assert indications["Link"].isna().tolist() == [True, False]
    assert "Numeric series" in chart_titles(late)
    history = [c for c in charts(late) if (c.get("title") or {}).get("text") == "Status history"][0]
    assert "step-after" in json.dumps(history)
    html = " ".join(h.proto.body for h in late.get("html"))
    assert "Observed" in html and "High priority" in html


def test_indicator_columns_configured():
    at = open_app("indicator", indicator="TT-01", as_of="2024-03-15")
    config = json.loads(at.dataframe[1].proto.columns)
    assert config["Link"]["type_config"]["type"] == "link"
    assert "Admiralty" in config["Grade"]["help"]


def test_changing_indicator_updates_url():
    at = open_app("indicator", as_of="2024-03-15")
    at.selectbox(key="_pick_indicator").set_value("TT-02").run()
    assert at.query_params["indicator"] == "TT-02"
    assert plain(at.header[0].value).startswith("TT-02")


# ----------------------------------------------------------------------------- trends, scenarios


def test_trends_charts():
    at = open_app("trends", as_of="2024-03-15")
    assert chart_titles(at) == ["Status composition over time", "Status by indicator and month",
                                "Indications over time", "Scenario likelihood over time"]
    likelihood = charts(at)[3]
    assert likelihood["spec"]["layer"][0]["encoding"]["y"]["scale"]["domain"] == list(reversed(LIKELIHOOD.labels()))


def test_trends_before_any_judgment():
    at = open_app("trends", as_of="2023-12-31")
    assert any("No scenario judgments" in i.value for i in at.info)


def test_scenarios_validator_and_flags():
    at = open_app("scenarios")
    assert chart_titles(at)[0] is None  # hconcat: titles are on the two parts
    spec = json.dumps(charts(at)[0])
    assert "Indicators Validator matrix" in spec and "Diagnosticity" in spec
    assert all(colour in spec for colour in RATING.colours())
    flags = [w.value for w in at.warning]
    assert len(flags) == 2 and any("AA" in f for f in flags)
    assert table(at, -1)["Indicator"].tolist() == ["TT-02"]  # the non-diagnostic one, last on the page


# ----------------------------------------------------------------------------- data health, problems


def test_data_health_clean():
    at = open_app("health")
    assert "No problems" in at.success[0].value


def test_problems_banner_and_data_health_on_broken_data(monkeypatch):
    monkeypatch.setenv("INDICATORS_DATA", str(FIXTURES / "broken"))
    ws = load_workspace(FIXTURES / "broken", today=TODAY)
    for page in ["overview", "checklist", "trends"]:
        at = open_app(page)
        assert at.error and "errors" in at.error[0].value
        links = at.get("page_link")
        assert links and links[0].proto.page == "data-health"
    at = open_app("health")
    problems = table(at)
    assert len(problems) == len(ws.problems)
    assert list(problems.columns) == ["File", "Line", "Column", "Severity", "Code", "Message", "Hint"]
    assert set(problems["Severity"]) == {"error", "warning"}
    assert {m.label: m.value for m in at.metric}["Errors"] == str(len(ws.errors))


def test_missing_data_folder_still_opens(monkeypatch, tmp_path):
    monkeypatch.setenv("INDICATORS_DATA", str(tmp_path / "nowhere"))
    for page in PAGES:
        open_app(page)


# ----------------------------------------------------------------------------- live data, settings


def test_edited_yaml_shows_on_next_rerun(tmp_path, monkeypatch):
    folder = tmp_path / "ws"
    shutil.copytree(FIXTURES / "tiny", folder)
    monkeypatch.setenv("INDICATORS_DATA", str(folder))
    at = open_app("checklist", as_of="2024-03-15")
    assert "Diagnostic for A" in table(at)["Title"].tolist()
    path = folder / "indicators" / "core.yaml"
    path.write_text(path.read_text().replace("Diagnostic for A", "Renamed on disk"))
    at.run()
    assert "Renamed on disk" in table(at)["Title"].tolist()


def test_data_dir_from_argv_env_default():
    assert state.data_dir(["--data", "x/y"], {}) == Path("x/y")
    assert state.data_dir(["--data=z"], {"INDICATORS_DATA": "e"}) == Path("z")
    assert state.data_dir(["-q"], {"INDICATORS_DATA": "e"}) == Path("e")
    assert state.data_dir([], {}) == Path("data")


def test_data_from_command_line(monkeypatch):
    monkeypatch.setenv("INDICATORS_DATA", str(FIXTURES / "broken"))
    monkeypatch.setattr(sys, "argv", [str(APP), "--data", str(FIXTURES / "tiny")])
    at = open_app()
    assert plain(at.title[0].value) == "Tiny"


def test_file_signature_changes_with_files(tmp_path):
    folder = tmp_path / "ws"
    shutil.copytree(FIXTURES / "tiny", folder)
    before = state.file_signature(folder)
    assert [Path(entry[0]).name for entry in before] == ["workspace.yaml", "core.yaml"]
    (folder / "indicators" / "extra.yaml").write_text("theme: extra\n")
    assert len(state.file_signature(folder)) == 3
    core = folder / "indicators" / "core.yaml"
    stat = core.stat()
    text = core.read_text()
    core.write_text(text.replace("Diagnostic for A", "Diagnostic for Z"))  # same size
    import os
    os.utime(core, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # and the same mtime
    assert state.file_signature(folder)[1] != before[1]


def test_read_only_flag(monkeypatch):
    assert not state.read_only()
    monkeypatch.setenv("INDICATORS_READ_ONLY", "1")
    assert state.read_only()
    at = open_app()
    assert any("Read-only" in c.value for c in at.sidebar.caption)


def test_streamlit_config_is_offline():
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["browser"]["gatherUsageStats"] is False
    assert config["server"]["headless"] is True and config["server"]["showEmailPrompt"] is False
    assert config["server"]["address"] == "127.0.0.1"
    assert config["client"]["toolbarMode"] == "minimal"


def test_serve_entry_runs_the_same_app(monkeypatch):
    """`indicators serve` runs indicators/app/entry.py with `-- --data PATH`."""
    entry = ROOT / "indicators" / "app" / "entry.py"
    monkeypatch.setenv("INDICATORS_DATA", str(FIXTURES / "broken"))
    monkeypatch.setattr(sys, "argv", [str(entry), "--data", str(FIXTURES / "tiny")])
    at = AppTest.from_file(str(entry), default_timeout=30)
    at.query_params["as_of"] = "2024-02-15"
    at.run()
    at.switch_page("views/checklist.py").run()
    assert not at.exception
    assert dict(zip(table(at)["ID"], table(at)["Status"]))["TT-01"] == "Emerging"


def test_no_pages_folder_beside_an_entry_script():
    """Streamlit switches to its old multipage mode (every file of `pages/` listed in the sidebar,
    each run without the entry script: no banners, no dates) when the script it runs has a `pages/`
    folder beside it, even when the script calls st.navigation."""
    for entry in (ROOT / "dashboard.py", ROOT / "indicators" / "app" / "entry.py"):
        assert not (entry.parent / "pages").exists(), entry
    assert all((ROOT / "indicators" / "app" / spec.file).is_file() for spec in ui.PAGES.values())
