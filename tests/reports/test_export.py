"""Exports (HTML, Markdown, CSV, JSON), snapshots, diffs and markings.

Golden files in tests/golden/ hold the Markdown, CSV and JSON exports of the tiny fixture with
fixed dates; after an intended change, rewrite them with
`INDICATORS_UPDATE_GOLDEN=1 python -m pytest tests/reports/test_export.py` and review the diff.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from indicators.reports import snapshot
from indicators.reports.compare import diff_dates, diff_snapshots, format_diff, is_empty
from indicators.reports.export import (
    check_output_path,
    export_csv,
    export_html,
    export_json,
    export_markdown,
    md_text,
    save_export,
)
from indicators.reports.html import script_json
from indicators.reports.markings import ExportRefused
from indicators.reports.snapshot import SnapshotError, build_snapshot, list_snapshots, load_snapshot, parse_snapshot
from indicators.workspace.entries import watch_on
from indicators.workspace.load import load_workspace
from indicators.workspace.vocab import Watch

from tests.conftest import DATA, FIXTURES, TODAY

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
FIXED = {"as_of": dt.date(2024, 3, 15), "since": dt.date(2024, 2, 15),
         "generated_at": dt.datetime(2024, 3, 16, 9, 30, tzinfo=dt.UTC)}
# The pieces of the hostile fixture's text (tests/fixtures/hostile), each of which must show literally.
HOSTILE = ["<script>alert(1)</script>", "</style><script>alert(2)</script>", '" onmouseover="alert(3)',
           "[x](javascript:alert(4))", "<img src=x onerror=alert(5)>", "a | b", "`tick`", "```", "*em*", "_u_",
           "~~s~~", "&amp;", "#1", "@user"]


@pytest.fixture(scope="module")
def tiny():
    return load_workspace(FIXTURES / "tiny", today=TODAY)


@pytest.fixture(scope="module")
def marked():
    return load_workspace(FIXTURES / "marked", today=TODAY)


@pytest.fixture(scope="module")
def hostile():
    return load_workspace(FIXTURES / "hostile", today=TODAY)


@pytest.fixture(scope="module")
def data():
    return load_workspace(DATA, today=TODAY)


# ----------------------------------------------------------------------------- golden files


@pytest.mark.parametrize("name, export", [("tiny.md", export_markdown), ("tiny.csv", export_csv),
                                          ("tiny.json", export_json)])
def test_golden_exports_of_the_tiny_fixture(tiny, name: str, export) -> None:
    text = export(tiny, **FIXED)
    path = GOLDEN / name
    if os.environ.get("INDICATORS_UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    assert text == path.read_bytes().decode("utf-8"), f"{name} differs from the golden file"


def test_generated_at_is_fixed_by_the_parameter(tiny) -> None:
    assert '"generated_at": "2024-03-16T09:30:00Z"' in export_json(tiny, **FIXED)
    assert "2024-03-16 09:30 UTC" in export_markdown(tiny, **FIXED)


# ----------------------------------------------------------------------------- snapshot and diff


def test_json_snapshot_loads_back_and_diffs_empty_against_itself(tiny, tmp_path: Path) -> None:
    text = export_json(tiny, **FIXED)
    path = tmp_path / "snap.json"
    path.write_text(text, encoding="utf-8")
    loaded = load_snapshot(path)
    assert loaded == load_snapshot(text) == build_snapshot(tiny, **FIXED)
    assert loaded.format_version == snapshot.FORMAT_VERSION
    diff = diff_snapshots(loaded, loaded)
    assert is_empty(diff)
    assert "No changes." in format_diff(diff)


def test_diff_dates_gives_the_hand_worked_changes(tiny) -> None:
    diff = diff_dates(tiny, dt.date(2024, 2, 15), dt.date(2024, 3, 15))
    assert [(s["indicator"], s["before"], s["after"]) for s in diff["status"]] == [("TT-01", "emerging", "observed")]
    assert [o["id"] for o in diff["new_indications"]] == ["TT-01.2"]
    assert [(j["scenario"], j["before"]["likelihood"], j["after"]["likelihood"]) for j in diff["judgments"]] == [
        ("AA", "unlikely", "likely")]
    assert [(lv["scenario"], lv["before"], lv["after"]) for lv in diff["levels"]] == [("AA", "low", "high")]
    assert not (diff["removed_indications"] or diff["indicators_added"] or diff["indicators_removed"])
    json.dumps(diff)  # plain data


def test_diff_of_snapshot_files_equals_diff_of_dates(tiny) -> None:
    old = load_snapshot(export_json(tiny, as_of=dt.date(2024, 2, 15), since=dt.date(2024, 2, 15)))
    new = load_snapshot(export_json(tiny, as_of=dt.date(2024, 3, 15), since=dt.date(2024, 2, 15)))
    from_files = diff_snapshots(old, new)
    from_dates = diff_dates(tiny, dt.date(2024, 2, 15), dt.date(2024, 3, 15))
    assert {k: v for k, v in from_files.items() if k not in ("from", "to")} == \
           {k: v for k, v in from_dates.items() if k not in ("from", "to")}


def test_format_diff_neutralises_terminal_control_characters(tiny) -> None:
    diff = diff_dates(tiny, dt.date(2024, 2, 15), dt.date(2024, 3, 15))
    diff["new_indications"][0]["summary"] = "evil \x1b[2J\x07 text"
    text = format_diff(diff)
    assert "\x1b" not in text and "\x07" not in text and "evil ?[2J? text" in text


@pytest.mark.parametrize("text, code", [
    ("{", "json-syntax"), ("[1, 2]", "not-a-snapshot"), ('{"format_version": 99}', "snapshot-version"),
    ('{"format_version": true}', "snapshot-version"), ('{"format_version": 1, "title": 5}', "snapshot-invalid"),
    ("[" * 100000 + "]" * 100000, None),
])
def test_bad_snapshots_are_problems_not_tracebacks(text: str, code: str | None) -> None:
    with pytest.raises(SnapshotError) as err:
        parse_snapshot(text, "x.json")
    assert err.value.problems and all(p.path == "x.json" for p in err.value.problems)
    if code:
        assert err.value.problems[0].code == code


def test_bad_snapshot_files_are_problems(tmp_path: Path) -> None:
    (tmp_path / "latin1.json").write_bytes(b'{"title": "\xe9"}')
    for path, code in [(tmp_path / "missing.json", "missing-snapshot"), (tmp_path, "not-a-file"),
                       (tmp_path / "latin1.json", "not-utf8")]:
        with pytest.raises(SnapshotError) as err:
            load_snapshot(path)
        assert err.value.problems[0].code == code


def test_snapshot_with_a_bad_colour_or_url_is_refused(tiny) -> None:
    data = json.loads(export_json(tiny, **FIXED))
    data["levels"][0]["colour"] = "red;background:url(http://x)"
    with pytest.raises(SnapshotError):
        parse_snapshot(json.dumps(data))
    data = json.loads(export_json(tiny, **FIXED))
    data["indicators"][0]["indications"][0]["url"] = "javascript:alert(1)"
    with pytest.raises(SnapshotError):
        parse_snapshot(json.dumps(data))


def test_kept_snapshots_are_listed(tiny, tmp_path: Path) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    ws = load_workspace(FIXTURES / "tiny", today=TODAY)
    ws.root = root
    out = tmp_path / "board.md"
    written = save_export("md", out, ws, dt.date(2024, 3, 15), keep=True)
    assert written == [out, root / "snapshots" / "2024-03-15.json"]
    (root / "snapshots" / "broken.json").write_text("{", encoding="utf-8")
    kept = list_snapshots(root)
    assert [(k.path.name, k.as_of, k.marking) for k in kept] == [
        ("broken.json", None, None, ), ("2024-03-15.json", dt.date(2024, 3, 15), "GREEN")]
    assert kept[0].problems[0].code == "json-syntax"
    assert list_snapshots(tmp_path / "nowhere") == []


# ----------------------------------------------------------------------------- markings

AMBER_TEXT = ["AMBER-ONLY", "MK-01.2", "MK-03"]


@pytest.mark.parametrize("export", [export_markdown, export_csv, export_json, export_html])
def test_green_export_leaves_out_amber_items_and_says_how_many(marked, export) -> None:
    text = export(marked, **FIXED, marking="GREEN")
    for needle in AMBER_TEXT:
        assert needle not in text, f"{needle} leaked into a GREEN {export.__name__}"
    if export is export_json:
        assert json.loads(text)["withheld"] == {"indicators": 1, "indications": 2, "assessments": 2, "judgments": 1,
                                                "total": 6}
    else:
        assert "6 items marked above TLP:GREEN are withheld" in text
    assert "TLP:GREEN" in text or '"marking": "GREEN"' in text


def test_amber_export_includes_amber_items(marked) -> None:
    text = export_markdown(marked, **FIXED, marking="AMBER")
    assert all(needle in text for needle in AMBER_TEXT)
    assert "Nothing withheld" in text and "**TLP:AMBER**" in text


def test_default_marking_is_the_workspaces(marked) -> None:
    snap = build_snapshot(marked, **FIXED)
    assert snap.marking == "GREEN" and snap.withheld.total == 6


def test_levels_and_statuses_rest_only_on_released_items(marked) -> None:
    green = {i.id: i for i in build_snapshot(marked, **FIXED, marking="GREEN").indicators}
    amber = {i.id: i for i in build_snapshot(marked, **FIXED, marking="AMBER").indicators}
    assert (green["MK-01"].status, amber["MK-01"].status) == ("emerging", "observed")
    assert green["MK-01"].cites == ["MK-01.1"]
    green_aa = build_snapshot(marked, **FIXED, marking="GREEN").scenarios[0]
    assert green_aa.judgment.likelihood == "unlikely"


@pytest.mark.parametrize("marking", ["CLEAR", "clear"])
def test_export_below_the_workspace_marking_is_refused(marked, tmp_path: Path, marking: str) -> None:
    with pytest.raises(ExportRefused) as err:
        save_export("md", tmp_path / "x.md", marked, **FIXED, marking=marking)
    problem = err.value.problems[0]
    assert problem.code == "marking-below-workspace"
    assert "choose the workspace's marking or higher" in problem.hint and "GREEN" in problem.hint
    assert list(tmp_path.iterdir()) == []


def test_unknown_marking_is_refused(marked) -> None:
    with pytest.raises(ExportRefused) as err:
        build_snapshot(marked, **FIXED, marking="PURPLE")
    assert err.value.problems[0].code == "unknown-marking"


def test_default_workspace_clear_export_withholds_its_amber_notes(data) -> None:
    day = dt.date(2024, 11, 30)
    clear = build_snapshot(data, day)
    ids = {o.id for i in clear.indicators for o in i.indications}
    assert clear.marking == "CLEAR"
    assert not {"MTEC-01.4", "EX-02.2"} & ids
    assert (clear.withheld.indications, clear.withheld.assessments) == (2, 2)
    amber = build_snapshot(data, day, marking="AMBER")
    assert {"MTEC-01.4", "EX-02.2"} <= {o.id for i in amber.indicators for o in i.indications}
    assert amber.withheld.total == 0


# ----------------------------------------------------------------------------- hostile text


def _unescape_md(text: str) -> str:
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)


def _unescaped(text: str, char: str) -> list[int]:
    """Positions of `char` not preceded by an odd number of backslashes."""
    out = []
    for m in re.finditer(re.escape(char), text):
        run = len(text[:m.start()]) - len(text[:m.start()].rstrip("\\"))
        if run % 2 == 0:
            out.append(m.start())
    return out


def test_markdown_shows_hostile_text_literally(hostile) -> None:
    md = export_markdown(hostile, **FIXED)
    plain = _unescape_md(md)
    for piece in HOSTILE:
        assert piece in plain
    assert not re.search(r"(?<!\\)\]\(javascript", md)
    text = re.sub(r"\]\(https?://[^\s)]*\)", "]()", md)  # link destinations are URLs, not text
    text = re.sub(r"(?m)^\*(.*[^\\])\*$", r"\1", text)  # the question, in italics
    for char in "<>`&~$@*_":
        assert not _unescaped(text.replace("**", ""), char), f"unescaped {char!r} in the Markdown"
    # Links: only our own, to http(s) URLs
    opens = _unescaped(md, "[")
    assert all(re.match(r"\[[^\n]*?\]\(https?://", md[i:]) for i in opens)
    # Tables: every row has as many cell separators as its header
    for block in re.split(r"\n\n", md):
        rows = [line for line in block.splitlines() if line.startswith("|")]
        if rows:
            assert len({len(_unescaped(row, "|")) for row in rows}) == 1, block


def test_md_text_neutralises_line_starts() -> None:
    assert md_text("# title") == "\\# title"
    assert md_text("- item") == "\\- item"
    assert md_text("1. first") == "1\\. first"
    assert md_text("> quote") == "\\> quote"
    assert md_text("a\n\n    code\n===") == "a code ==="  # one line: no code block, no setext heading


def test_csv_guards_formulas_and_keeps_text(hostile) -> None:
    text = export_csv(hostile, **FIXED)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    cells = [cell for row in rows for cell in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")]
    assert "'=HYPERLINK(\"https://evil.example/\",\"click\")" in cells
    assert "'@SUM(1+1)" in cells and "'-2+3 @SUM(A1:A9)" in cells
    header = rows[1]
    assert header[:4] == ["id", "title", "theme", "priority"] and "rating AA" in header
    assert all(len(row) == len(header) for row in rows[2:])
    assert any(HOSTILE[0] in c for c in cells)


def test_csv_has_bom_and_keeps_non_ascii(data) -> None:
    day = dt.date(2024, 11, 30)
    text = export_csv(data, day)
    assert text.startswith("\ufeff") and "Russia–North Korea" in text
    assert "withheld" in text.splitlines()[0]
    watched = [i for i in data.indicators if watch_on(i, day) == Watch.WATCHED]
    assert len(watched) < len(data.indicators)  # indicators added later are not on the list of that day
    assert len(list(csv.reader(io.StringIO(text[1:])))) == 2 + len(watched)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self._in: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in.append(tag)

    def handle_endtag(self, tag):
        if self._in and self._in[-1] == tag:
            self._in.pop()

    def handle_data(self, data):
        if not (self._in and self._in[-1] in ("script", "style")):
            self.text.append(data)


@pytest.fixture(scope="module")
def hostile_html(hostile) -> str:
    return export_html(hostile, **FIXED)


def test_html_escapes_every_hostile_text(hostile_html: str) -> None:
    parser = _Tags()
    parser.feed(hostile_html)
    tags = [t for t, _ in parser.tags]
    assert "img" not in tags and "link" not in tags and "iframe" not in tags
    scripts = [a for t, a in parser.tags if t == "script"]
    assert [a.get("type") for a in scripts] == ["application/json", None, None]  # data, bundle, renderer
    for tag, attrs in parser.tags:
        assert not [k for k in attrs if k.startswith("on")], (tag, attrs)
        assert "src" not in attrs, (tag, attrs)
        if tag == "a":
            href = attrs["href"] or ""
            assert href.startswith(("https://", "http://", "#")), href
            if href.startswith("http"):
                assert attrs.get("rel") == "noopener noreferrer"
    text = "".join(parser.text)
    for piece in HOSTILE:
        assert piece in text
    data = hostile_html.split('<script type="application/json" id="chart-specs">', 1)[1].split("</script>", 1)[0]
    assert "<" not in data and "\u2028" not in data
    assert json.loads(data)


def test_script_json_cannot_close_its_element() -> None:
    out = script_json({"a": "</script><!-- \u2028 \u2029 & >"})
    assert "<" not in out and ">" not in out and "&" not in out and "\u2028" not in out and "\u2029" not in out
    assert json.loads(out) == {"a": "</script><!-- \u2028 \u2029 & >"}


def test_html_is_self_contained_and_marked(marked) -> None:
    page = export_html(marked, **FIXED)
    assert page.count('class="tlp-banner tlp-') == 2 and "TLP:GREEN" in page
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    markup = re.sub(r"(?s)<script\b[^>]*>.*?</script>", "<script></script>", page)
    assert not re.search(r"<(link|img|iframe)\b", markup) and not re.search(r"\ssrc\s*=", markup)
    assert "@page" in page and "size: A4" in page
    assert "15 March 2024" in page and "2024-03-16 09:30 UTC" in page
    assert "6 items marked above TLP:GREEN are withheld" in page
    assert page.count('<div class="vis"') == 3


# ----------------------------------------------------------------------------- output paths


@pytest.mark.parametrize("name", ["sub/", "bad\nname.md", "bad\x1b.md", "missing/x.md", ".", ""])
def test_output_path_must_name_a_file_in_an_existing_folder(tiny, tmp_path: Path, name: str) -> None:
    (tmp_path / "sub").mkdir()
    before = sorted(tmp_path.rglob("*"))
    with pytest.raises(ExportRefused):
        save_export("md", str(tmp_path / name) if name else "", tiny, **FIXED)
    assert sorted(tmp_path.rglob("*")) == before


def test_existing_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ExportRefused) as err:
        check_output_path(tmp_path)
    assert err.value.problems[0].code == "output-is-folder"


def test_save_export_writes_only_the_named_file(tiny, tmp_path: Path) -> None:
    for fmt in ("md", "csv", "json"):
        out = tmp_path / f"board.{fmt}"
        assert save_export(fmt, out, tiny, **FIXED) == [out]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["board.csv", "board.json", "board.md"]
    assert (tmp_path / "board.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_reports_list_the_newest_indications_and_count_the_rest(tmp_path: Path) -> None:
    from benchmarks.generate import generate
    from indicators.reports.wording import SHOWN_INDICATIONS

    ws = load_workspace(generate(tmp_path / "many", indicators=1, indications=30, seed=4))
    as_of = dt.date(2030, 1, 1)
    ids = [o.id for o in ws.indicators[0].indications]
    newest = sorted(ws.indicators[0].indications, key=lambda o: o.date)[-1].id
    oldest = sorted(ws.indicators[0].indications, key=lambda o: o.date)[0].id
    md = export_markdown(ws, as_of=as_of, since=as_of, generated_at=dt.datetime(2030, 1, 1))
    html = export_html(ws, as_of=as_of, since=as_of, generated_at=dt.datetime(2030, 1, 1))
    rest = len(ids) - SHOWN_INDICATIONS
    for text, cell in ((md, "| {} |"), (html, ">{}<")):
        assert f"and {rest} earlier indications" in text
        assert cell.format(newest) in text and cell.format(oldest) not in text
    snapshot = json.loads(export_json(ws, as_of=as_of, since=as_of, generated_at=dt.datetime(2030, 1, 1)))
    assert len(snapshot["indicators"][0]["indications"]) == len(ids)


def test_keeping_a_snapshot_is_refused_when_read_only(tmp_path: Path, monkeypatch) -> None:
    from indicators.reports.export import keep_snapshot

    monkeypatch.setenv("INDICATORS_READ_ONLY", "1")
    snap = build_snapshot(load_workspace(FIXTURES / "tiny"), dt.date(2024, 3, 15), None, None)
    with pytest.raises(ExportRefused):
        keep_snapshot(tmp_path, snap)
    assert not (tmp_path / "snapshots").exists()


def test_a_version_1_snapshot_still_loads() -> None:
    """Version 2 added `made_for` and each change's marking; a kept version-1 snapshot reads with
    `made_for` equal to its marking (the recipients' marking was all version 1 recorded)."""
    data = json.loads((Path(__file__).resolve().parent.parent / "golden" / "tiny.json").read_text(encoding="utf-8"))
    assert data["format_version"] == snapshot.FORMAT_VERSION
    data["format_version"] = 1
    data.pop("made_for")
    for change in data["changes"]:
        change.pop("marking", None)
    old = parse_snapshot(json.dumps(data), "old.json")
    assert old.format_version == 1 and old.made_for == old.marking
