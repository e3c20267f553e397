"""Benchmark the board on a workspace and print a table of timings.

    python -m benchmarks.generate --indicators 1000 --indications 50000 -o /tmp/big
    python -m benchmarks.run --data /tmp/big
    python -m benchmarks.run --data data --import-only   # 'indicators import' on data/ (or --with-import)

Every figure is also shown as a ratio to the raw libyaml parse of the same files
(`yaml.load(..., Loader=yaml.CSafeLoader)` and nothing else). Each step runs in this process;
peak memory is the process's maximum resident set size at the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from indicators.scoring import warning
from indicators.scoring.memo import forget
from indicators.workspace import yaml_rapid
from indicators.workspace.load import load_workspace
from indicators.workspace.model import IndicatorFile, WorkspaceFile
from indicators.workspace.parse_cache import RACY_NS, FileCache

ROOT = Path(__file__).resolve().parent.parent


def _files(data: Path) -> list[Path]:
    return [data / "workspace.yaml", *sorted((data / "indicators").glob("*.yaml"))]


def _timed(func: Callable[[], Any], repeat: int = 1) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def raw_parse(data: Path) -> None:
    for path in _files(data):
        yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)


def raw_rapidyaml(data: Path) -> None:
    """rapidyaml's parse alone (no Python data built): the floor of the fast path."""
    import ryml

    for path in _files(data):
        ryml.parse_in_arena(path.read_bytes())


def fast_parse_only(data: Path) -> int:
    """The fast path's parse of every file into Python data (`yaml_rapid.parse`); how many deferred."""
    return sum(yaml_rapid.parse(path.read_text(encoding="utf-8")) is yaml_rapid.DEFER for path in _files(data))


def exact_load(data: Path) -> Any:
    """A cold load with the rapidyaml path switched off: PyYAML (libyaml) reads every file."""
    saved = yaml_rapid.ryml, yaml_rapid._warned
    yaml_rapid.ryml, yaml_rapid._warned = None, True  # switched off on purpose: nothing to say
    try:
        return load_workspace(data, cache=FileCache(disk=False))
    finally:
        yaml_rapid.ryml, yaml_rapid._warned = saved


def validate_process(data: Path) -> None:
    """`indicators validate` as a user runs it: a whole new process (the disk cache warm)."""
    subprocess.run([sys.executable, "-m", "indicators", "validate", "--data", str(data)], check=False,
                   capture_output=True, env=os.environ.copy(), cwd=ROOT)


def naive_load(data: Path) -> None:
    """What a straightforward loader would do: safe_load every file, then validate with pydantic."""
    WorkspaceFile.model_validate(yaml.safe_load((data / "workspace.yaml").read_text(encoding="utf-8")))
    for path in _files(data)[1:]:
        IndicatorFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


def overview_apptest(data: Path) -> Callable[[], Any]:
    """A function that runs the Overview page through AppTest (first call cold, later warm)."""
    from streamlit.testing.v1 import AppTest

    os.environ["INDICATORS_DATA"] = str(data)
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=600)

    def run() -> Any:
        app.run()
        if app.exception:
            raise RuntimeError(app.exception[0].message)
        return app

    return run


def board_session(data: Path) -> None:
    """What one board process does with the workspace, in this process: a cold load, the Overview's
    computations (frames, statuses, warning levels, status composition, what changed, notices), and an
    HTML export; then print its peak memory (max RSS, MB). Run in a process of its own (`--board-session`)."""
    from indicators.reports.export import export_html
    from indicators.scoring.notices import notices

    ws = load_workspace(data, cache=FileCache(disk=False))
    as_of = (warning.history_start(ws) + dt.timedelta(days=3 * 365)).date()
    since = as_of - dt.timedelta(days=30)
    dates = warning.timeline_dates(ws, as_of)
    warning.status_as_of(ws, as_of)
    warning.levels_over_time(ws, dates)
    warning.status_composition(ws, dates)
    warning.changes_since(ws, since, as_of)
    notices(ws, since, as_of)
    export_html(ws, as_of=as_of, since=since)
    print(_peak_mb(fresh=True))


def _peak_mb(fresh: bool = False) -> float:
    """This process's peak resident memory in MB. A process started by another inherits its parent's
    `ru_maxrss` on Linux, so a `fresh` one reads its own high-water mark (VmHWM) where /proc has it."""
    status = Path("/proc/self/status")
    if fresh and status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def board_session_peak(data: Path) -> float:
    """The peak memory (MB) of `board_session` in a new process."""
    done = subprocess.run([sys.executable, "-m", "benchmarks.run", "--data", str(data), "--board-session"],
                          check=True, capture_output=True, text=True, env=os.environ.copy(), cwd=ROOT)
    return float(done.stdout.split()[-1])


def import_rows(folder: Path, count: int, one_indicator: bool) -> Path:
    """A CSV of `count` new rows for the default workspace (data/): on its first indicator, or spread over
    all of them; dated after every entry there (so they add no warning), one row in ten with an assessment."""
    import csv
    import random

    ws = load_workspace(ROOT / "data")
    ids = [i.id for i in ws.indicators if i.retired is None]
    pick = random.Random(7)
    start = dt.date(2025, 11, 1)
    path = folder / f"import-{count}.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["indicator", "date", "summary", "source", "reliability", "credibility", "status", "confidence",
                      "rationale"])
        for n in range(count):
            assessed = n % 10 == 0
            out.writerow([ids[0] if one_indicator else pick.choice(ids), start + dt.timedelta(days=n * 360 // count),
                          f"Imported event {n}: trains seen moving at the border", "Wire", "B", "2",
                          *(("observed", "low", f"Row {n}") if assessed else ("", "", ""))])
    return path


def import_process(work: Path, count: int, one_indicator: bool) -> float:
    """Seconds `indicators import` takes, whole process, to import `count` rows into a copy of data/."""
    data = Path(shutil.copytree(ROOT / "data", work / f"import-data-{count}-{one_indicator}"))
    rows = import_rows(work, count, one_indicator)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "indicators.cli", "import", str(rows), "--data", str(data),
                    "--analyst", "Benchmark"], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, required=True, help="workspace to benchmark (see benchmarks.generate)")
    parser.add_argument("--repeat", type=int, default=3, help="repeats of the fast steps (median is shown)")
    parser.add_argument("--skip-app", action="store_true", help="leave out the AppTest rows")
    parser.add_argument("--with-import", action="store_true",
                        help="add the import rows (on data/, whatever --data is; about a minute)")
    parser.add_argument("--import-only", action="store_true", help="only the import rows (on data/)")
    parser.add_argument("--board-session", action="store_true",
                        help="only run what one board process does and print its peak memory (MB)")
    args = parser.parse_args(argv)
    if args.board_session:
        board_session(args.data)
        return 0
    work = Path(tempfile.mkdtemp(prefix="indicators-bench-"))
    if args.import_only:
        for count, one, target in ((2000, True, "target <= 20 s"), (50000, False, "target <= 60 s")):
            where = "on one indicator" if one else "spread over the indicators"
            print(f"'indicators import' of {count:,} rows {where} of data/, whole process: "
                  f"{import_process(work, count, one):.1f} s ({target})")
        shutil.rmtree(work, ignore_errors=True)
        return 0
    data = Path(shutil.copytree(args.data, work / "data"))
    os.environ["INDICATORS_CACHE_DIR"] = str(work / "cache")
    size_mb = sum(p.stat().st_size for p in _files(data)) / 1048576
    rows: list[tuple[str, float, str]] = []

    raw, _ = _timed(lambda: raw_parse(data))
    rows.append(("raw libyaml parse (CSafeLoader, nothing else)", raw, "baseline"))
    if yaml_rapid.available():
        t_ryml, _ = _timed(lambda: raw_rapidyaml(data), args.repeat)
        rows.append(("raw rapidyaml parse (parse_in_arena, no Python data)", t_ryml, ""))
        t_fast, deferred = _timed(lambda: fast_parse_only(data), args.repeat)
        rows.append((f"fast path: rapidyaml parse to Python data ({deferred} of {len(_files(data))} files deferred)",
                     t_fast, ""))
    naive, _ = _timed(lambda: naive_load(data))
    rows.append(("naive yaml.safe_load + pydantic", naive, ""))
    exact, _ = _timed(lambda: exact_load(data))
    rows.append(("exact path: cold load + validate, PyYAML only", exact, ""))

    cache = FileCache(disk=True)
    cold, ws = _timed(lambda: load_workspace(data, cache=cache))
    rows.append(("cold load + validate (fast path, no cache)", cold, "target <= 0.35 x raw"))
    warm, _ = _timed(lambda: load_workspace(data, cache=cache), args.repeat)
    rows.append(("warm load (nothing changed)", warm, "target <= 0.1 s"))
    edited = _files(data)[len(_files(data)) // 2]

    def edit_and_reload() -> Any:
        with open(edited, "a", encoding="utf-8") as handle:
            handle.write("# benchmark edit\n")
        return load_workspace(data, cache=cache)

    reload, _ = _timed(edit_and_reload, args.repeat)
    size = edited.stat().st_size / 1048576
    rows.append((f"reload after editing one file ({edited.name}, {size:.1f} MB)", reload, "target <= 0.15 s"))
    restart, _ = _timed(lambda: load_workspace(data, cache=FileCache(disk=True)))
    rows.append(("restart: load from the disk cache", restart, ""))
    # A file changed in the last RACY_NS (the edits above) gets no kept verdict, as it may change again
    # unseen (`verdict`): "nothing changed" is a workspace whose files have settled.
    settled = max(p.stat().st_ctime_ns for p in _files(data)) + RACY_NS
    time.sleep(max(0.0, (settled - time.time_ns()) / 1e9))
    validate_process(data)  # the disk cache and the verdict warm for the process below
    t_validate, _ = _timed(lambda: validate_process(data), args.repeat)
    rows.append(("'indicators validate', whole process, warm disk cache", t_validate, "target <= 0.5 s"))

    as_of = (warning.history_start(ws) + dt.timedelta(days=3 * 365)).date()
    dates = warning.timeline_dates(ws, as_of)
    fresh = lambda: load_workspace(data, cache=cache)  # noqa: E731 — new Workspace, tables rebuilt
    t_tables, _ = _timed(lambda: warning.tables(fresh()), args.repeat)
    rows.append(("board: flatten workspace into frames", t_tables, ""))
    def computed(step: Callable[[], Any]) -> Callable[[], Any]:
        """The step's own work, each time: what an earlier call remembered is dropped first (not the frames)."""
        return lambda: (forget(ws, keep=("tables",)), step())

    t_status, _ = _timed(computed(lambda: warning.status_as_of(ws, as_of)), args.repeat)
    rows.append(("board: status of every indicator as of a date", t_status, ""))
    t_levels, _ = _timed(computed(lambda: warning.levels_over_time(ws, dates)), args.repeat)
    rows.append((f"board: warning levels over {len(dates)} month ends", t_levels, ""))
    t_comp, _ = _timed(computed(lambda: warning.status_composition(ws, dates)), args.repeat)
    rows.append(("board: status composition over time", t_comp, ""))
    t_changes, _ = _timed(computed(lambda: warning.changes_since(ws, as_of - dt.timedelta(days=30), as_of)),
                          args.repeat)
    rows.append(("board: what changed in the last 30 days", t_changes, ""))

    if not args.skip_app:
        run = overview_apptest(data)
        t_app_cold, _ = _timed(run)
        rows.append(("Overview page via AppTest, cold", t_app_cold, ""))
        t_app_warm, _ = _timed(run, args.repeat)
        rows.append(("Overview page via AppTest, warm rerun", t_app_warm, "target <= 0.3 s"))

    from indicators.reports.export import export_html
    from indicators.reports.html import vega_bundle

    def html() -> str:
        return export_html(ws, as_of=as_of, since=as_of - dt.timedelta(days=30))

    t_first, _ = _timed(html)
    rows.append(("HTML export, first on this machine (builds the Vega bundle)", t_first, ""))
    vega_bundle.cache_clear()  # as a new process would: the bundle comes from the user cache
    t_html, page = _timed(html)
    rows.append((f"HTML export ({len(page.encode()) / 1048576:.1f} MB)", t_html, "target <= 2 s"))

    if args.with_import:  # on the default workspace (data/), whatever --data is: the targets are set there
        rows.append(("'indicators import', 2,000 rows on one indicator of data/, whole process",
                     import_process(work, 2000, True), "target <= 20 s"))
        rows.append(("'indicators import', 50,000 rows spread over data/'s indicators, whole process",
                     import_process(work, 50000, False), "target <= 60 s"))

    from benchmarks.merge import rows as merge_rows  # the git merge driver (on the tiny workspace, whatever --data is)

    rows += merge_rows([2000])  # one side added 2,000 entries: in-process and through 'git pull'

    peak_mb = _peak_mb()
    session_mb = board_session_peak(data)
    counts = warning.tables(ws)
    print(f"workspace: {args.data} — {len(ws.indicators)} indicators, {len(counts.indications)} indications, "
          f"{len(counts.assessments)} assessments, {len(counts.judgments)} judgments, "
          f"{len(_files(data))} files, {size_mb:.1f} MB")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{dt.datetime.now().isoformat(timespec='minutes')}\n")
    width = max(len(r[0]) for r in rows)
    print(f"{'step':<{width}}  {'seconds':>8}  {'x raw':>6}  note")
    for name, seconds, note in rows:
        print(f"{name:<{width}}  {seconds:>8.3f}  {seconds / raw:>6.2f}  {note}")
    print(f"{'peak memory of a board process (load, Overview, HTML export)':<{width}}  {session_mb:>7.0f}M  {'':>6}"
          "  target <= 500 MB")
    print(f"{'peak memory of this benchmark run (holds several loads at once)':<{width}}  {peak_mb:>7.0f}M")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
