"""The format registry (`reports.formats`): every registered format is offered everywhere it should be.

The CLI's `--format` and the suffixes `-o` understands, the app's downloads (file name, content)
and `export` all read `formats.FORMATS`; these tests hold each of them to the registry, for every
format, so that a format cannot be half-registered. (The Export page's buttons themselves are
checked against the registry in tests/app/test_app_export.py.)
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import re
from pathlib import Path

import pytest

from indicators.app import sharing
from indicators.cli import build_parser, main
from indicators.reports import export, formats
from indicators.reports import snapshot as snapshot_module
from indicators.reports.formats import FORMATS, Format
from indicators.reports.markings import ExportRefused
from indicators.reports.snapshot import Snapshot, build_snapshot, parse_snapshot
from indicators.workspace.load import Workspace, load_workspace

from tests.conftest import FIXTURES

TINY = FIXTURES / "tiny"
AS_OF, SINCE = dt.date(2024, 3, 15), dt.date(2024, 2, 15)
EPOCH = 1710581400  # 2024-03-16 09:30 UTC, as $SOURCE_DATE_EPOCH
GENERATED = dt.datetime.fromtimestamp(EPOCH, dt.UTC)
EVERY_FORMAT = pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.name)


@pytest.fixture(scope="module")
def tiny() -> Workspace:
    return load_workspace(TINY)  # as the CLI loads it


@pytest.fixture(scope="module")
def snap(tiny: Workspace) -> Snapshot:
    return build_snapshot(tiny, AS_OF, SINCE, generated_at=GENERATED)


def as_bytes(content: str | bytes) -> bytes:
    """The bytes written for a rendered export (text is written as UTF-8)."""
    return content if isinstance(content, bytes) else content.encode("utf-8")


def format_option() -> argparse.Action:
    """The `--format` option of `indicators export`, as the parser declares it."""
    verbs = next(a for a in build_parser()._actions if a.dest == "verb")
    return next(a for a in verbs.choices["export"]._actions if a.dest == "format")


# ----------------------------------------------------------------------------- the registry itself


def test_the_registry_is_well_formed() -> None:
    names = [f.name for f in FORMATS]
    suffixes = [s for f in FORMATS for s in f.suffixes]
    assert names == list(formats.names()) and len(set(names)) == len(names)
    assert all(re.fullmatch(r"[a-z][a-z0-9]*", name) for name in names), names
    assert len(set(suffixes)) == len(suffixes), "a suffix may mean one format only"
    assert all(re.fullmatch(r"\.[a-z0-9]+", s) for s in suffixes), suffixes
    assert all(re.fullmatch(r"[a-z]+/[a-z0-9.+-]+", f.media_type) for f in FORMATS)
    assert all(f.label.strip() and f.help.strip() for f in FORMATS)


def test_the_first_four_formats_are_as_before() -> None:
    assert [(f.name, f.label, f.suffixes, f.media_type, f.binary) for f in FORMATS] == [
        ("html", "HTML report", (".html", ".htm"), "text/html", False),
        ("md", "Markdown brief", (".md", ".markdown"), "text/markdown", False),
        ("csv", "CSV checklist", (".csv",), "text/csv", False),
        ("json", "JSON snapshot", (".json",), "application/json", False)]


@EVERY_FORMAT
def test_every_format_renders_what_it_declares(fmt: Format, snap: Snapshot) -> None:
    assert callable(fmt.render_function())
    content = fmt.render(snap)
    assert isinstance(content, bytes if fmt.binary else str) and content
    assert export.render(snap, fmt.name) == content
    assert export.check_format(fmt.name) is fmt


@EVERY_FORMAT
def test_every_suffix_and_name_leads_back_to_its_format(fmt: Format) -> None:
    assert formats.get(fmt.name) is fmt
    assert all(formats.for_path(f"dir.x/board{s}") is fmt and formats.for_path(f"B{s.upper()}") is fmt
               for s in fmt.suffixes)


def test_an_unknown_format_is_refused_with_the_registered_names() -> None:
    assert formats.get("pdf") is None and formats.for_path("board.pdf") is None and formats.for_path("-") is None
    with pytest.raises(ExportRefused) as refused:
        export.check_format("pdf")
    assert refused.value.problems[0].hint == "choose one of html, md, csv, json"


# ----------------------------------------------------------------------------- the CLI


def test_the_cli_offers_exactly_the_registered_formats() -> None:
    option = format_option()
    assert list(option.choices) == list(formats.names())
    assert all(f"{f.name} ({f.help})" in option.help for f in FORMATS)


def test_without_a_format_the_cli_names_every_registered_one(tmp_path: Path, capsys) -> None:
    assert main(["export", "--data", str(TINY), "-o", str(tmp_path / "board.txt")]) == 2
    assert ("say which format with --format html|md|csv|json (or give -o a .html, .md, .csv or .json file name)"
            in capsys.readouterr().err)


@pytest.mark.parametrize("fmt, suffix", [(f, s) for f in FORMATS for s in f.suffixes],
                         ids=[f"{f.name}{s}" for f in FORMATS for s in f.suffixes])
def test_the_cli_writes_every_format_from_its_suffix_as_the_library_renders_it(
        fmt: Format, suffix: str, snap: Snapshot, tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    out = tmp_path / f"board{suffix}"
    assert main(["export", "--data", str(TINY), "--as-of", str(AS_OF), "--since", str(SINCE), "-o", str(out)]) == 0
    assert out.read_bytes() == as_bytes(fmt.render(snap))
    assert capsys.readouterr().err.startswith(f"{fmt.label} for ")


@EVERY_FORMAT
def test_the_cli_writes_every_format_to_standard_output(fmt: Format, snap: Snapshot, monkeypatch,
                                                        capsysbinary) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    assert main(["export", "--data", str(TINY), "--format", fmt.name, "--as-of", str(AS_OF), "--since",
                 str(SINCE), "-o", "-"]) == 0
    assert capsysbinary.readouterr().out == as_bytes(fmt.render(snap))


# ----------------------------------------------------------------------------- the app's downloads


@EVERY_FORMAT
def test_the_app_downloads_every_format_named_and_built_as_the_library_does(
        fmt: Format, tiny: Workspace, snap: Snapshot, monkeypatch) -> None:
    monkeypatch.setattr(snapshot_module, "_now", lambda: GENERATED)  # the download's "generated" time
    name = sharing.download_name(tiny, AS_OF, fmt.name)
    assert name == f"tiny-2024-03-15{fmt.suffix}" and formats.for_path(name) is fmt
    content = sharing.exporter(tiny, AS_OF, SINCE, tiny.meta.marking, fmt.name)()
    assert content == fmt.render(snap) == export.export_as(fmt.name, tiny, AS_OF, SINCE, generated_at=GENERATED)


def test_the_app_refuses_an_unknown_format_before_any_click(tiny: Workspace) -> None:
    with pytest.raises(ExportRefused):
        sharing.exporter(tiny, AS_OF, SINCE, tiny.meta.marking, "pdf")
    with pytest.raises(ExportRefused):
        sharing.download_name(tiny, AS_OF, "pdf")


# ----------------------------------------------------------------------------- round trips


def test_the_json_snapshot_loads_back_to_the_same_file(snap: Snapshot) -> None:
    text = formats.get("json").render(snap)
    assert formats.get("json").render(parse_snapshot(text)) == text


# ----------------------------------------------------------------------------- a new format is one entry


def render_gzipped_json(snap: Snapshot) -> bytes:
    """A binary format for the test below: the JSON snapshot, gzipped (reproducibly: no time in the header)."""
    return gzip.compress(snap.to_json().encode("utf-8"), mtime=0)


GZIPPED = Format("jsongz", "Gzipped JSON snapshot", (".gz",), "application/gzip",
                 "tests.reports.test_formats:render_gzipped_json", "gzipped snapshot", binary=True)


def test_one_registry_entry_is_all_a_new_format_needs(monkeypatch, tiny: Workspace, snap: Snapshot,
                                                      tmp_path: Path, capsysbinary) -> None:
    """A binary format added to the registry alone is offered by the CLI and the app, and written as bytes."""
    monkeypatch.setattr(formats, "FORMATS", (*FORMATS, GZIPPED))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    monkeypatch.setattr(snapshot_module, "_now", lambda: GENERATED)
    expected = render_gzipped_json(snap)
    assert format_option().choices[-1] == "jsongz" and "jsongz (gzipped snapshot)" in format_option().help
    out = tmp_path / "board.GZ"
    dates = ["--as-of", str(AS_OF), "--since", str(SINCE)]
    assert main(["export", "--data", str(TINY), *dates, "-o", str(out)]) == 0
    assert out.read_bytes() == expected
    assert capsysbinary.readouterr().err.startswith(b"Gzipped JSON snapshot for ")
    assert main(["export", "--data", str(TINY), "--format", "jsongz", *dates, "-o", "-"]) == 0
    assert capsysbinary.readouterr().out == expected
    assert sharing.download_name(tiny, AS_OF, "jsongz") == "tiny-2024-03-15.gz"
    assert sharing.exporter(tiny, AS_OF, SINCE, tiny.meta.marking, "jsongz")() == expected
    assert export.save_export("jsongz", tmp_path / "saved.gz", tiny, AS_OF, SINCE, generated_at=GENERATED) == [
        tmp_path / "saved.gz"]
    assert gzip.decompress((tmp_path / "saved.gz").read_bytes()) == snap.to_json().encode("utf-8")
