"""The `indicators` command line: a thin layer over the library.

Exit status, one rule for every verb (README: Exit status): 0 when the verb did what it was asked;
1 when it could not do it faithfully: a verb that reads the board (`READ_VERBS`) prints what loads, the
problems on stderr, and exits 1 when the workspace has errors (warnings alone leave 0); a write, export,
merge or sync that is refused, or an unknown id, exits 1 too; 2 for wrong usage; 3 only from `alerts`,
for a notice at or above --min-level in a workspace without errors. Problems print as
`path:line:column: error|warning: message — hint`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from indicators import settings
from indicators.editing import updates
from indicators.editing.updates import default_analyst
from indicators.reports import formats
from indicators.workspace.load import Workspace, load_workspace
from indicators.workspace.problems import Code, Problem, ProblemsError
from indicators.workspace.schema import save_schemas, stale_schemas
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
)

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
# The verbs that read the board: each exits 1 when the workspace has errors (`_read_status`); the
# tests run every one of them on a broken and a valid workspace.
READ_VERBS = frozenset({"validate", "status", "show", "list", "search", "disagreement", "scores", "alerts",
                        "export", "diff"})


def _date(text: str) -> dt.date:
    from indicators.workspace.model import EARLIEST_DATE, LATEST_DATE

    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; write YYYY-MM-DD") from None
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise argparse.ArgumentTypeError(f"{text} is outside the dates the board handles "
                                         f"({EARLIEST_DATE} to {LATEST_DATE})")
    return day


def default_data() -> Path:
    """`$INDICATORS_DATA`, else ./data."""
    return settings.data_folder()


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # usage errors exit 2 with a short message, never a traceback
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def _common(p: argparse.ArgumentParser, *, as_of: bool = True, json_out: bool = True) -> None:
    p.add_argument("--data", type=Path, default=None, metavar="PATH",
                   help="workspace folder (default: $INDICATORS_DATA or ./data)")
    if as_of:
        p.add_argument("--as-of", type=_date, default=None, metavar="DATE",
                       help="show the board as it stood on this date (YYYY-MM-DD; default today)")
    if json_out:
        p.add_argument("--json", action="store_true", help="print machine-readable JSON")


def _print_problems(ws: Workspace) -> None:
    # sys.stderr looked up now, not at import: it is main()'s TerminalStream (or a test's capture)
    for problem in ws.problems:
        print(problem.format(), file=sys.stderr)


def _jsonable(value: Any) -> Any:
    import pandas as pd  # only the board verbs need pandas: writers start faster without it

    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if value is None or pd.isna(value):
        return None
    if isinstance(value, (pd.Timestamp, dt.date)):
        return value.date().isoformat() if isinstance(value, pd.Timestamp) else value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    return value


def cmd_validate(args: argparse.Namespace) -> int:
    from indicators.workspace import verdict as kept

    key = kept.verdict_key(args.data, dt.date.today())
    found = kept.recall(key)  # an unchanged workspace: its problems as found last time, no model built
    if found is None:
        ws = load_workspace(args.data)
        found = kept.Verdict(list(ws.problems), len(ws.indicators), len(ws.scenarios))
        kept.keep(key, found)
    if args.json:
        print(json.dumps({"valid": not found.errors, "errors": len(found.errors), "warnings": len(found.warnings),
                          "problems": [p.to_dict() for p in found.problems]}, indent=2))
    else:
        for problem in found.problems:
            print(problem.format())
        state = "invalid" if found.errors else "valid"
        print(f"{args.data}: {state}: {found.indicators} indicators, {found.scenarios} scenarios, "
              f"{len(found.errors)} errors, {len(found.warnings)} warnings")
    return EXIT_PROBLEMS if found.errors else EXIT_OK


def status_report(ws: Workspace, as_of: dt.date | None = None, marking: str | None = None) -> dict[str, Any]:
    """The board as of a date for a marking, as plain data (what `status --json` prints):
    `indicators.reports.status.status_report`, the snapshot every export is made from."""
    from indicators.reports.status import status_report as report  # pandas only for the verbs that need it

    return report(ws, as_of, marking)


EXIT_NOTICES = 3  # `alerts`: a notice at or above --min-level exists (for a scheduled job)


def cmd_alerts(args: argparse.Namespace) -> int:
    """Warning notices of a window; exit 3 when one calls for attention (1 first when the data has errors:
    notices worked out from a workspace that did not all load may be wrong or missing)."""
    from indicators.reports.feed import DEFAULT_BASE_URL, alerts_report, atom_feed, format_notices
    from indicators.reports.markings import ExportRefused
    from indicators.scoring.notices import at_or_above

    ws = _read_board(args)
    if isinstance(ws, int):
        return ws
    as_of = args.as_of or dt.date.today()
    if args.since > as_of:
        return _usage(args, f"--since {args.since} is after the as-of date {as_of}")
    levels = [level.name for level in ws.meta.warning_levels]
    if args.min_level is not None and args.min_level not in levels:
        return _usage(args, f"--min-level {args.min_level!r} is not a warning level: {', '.join(levels)}")
    try:
        data, found = alerts_report(ws, args.since, as_of, args.marking)
    except ExportRefused as refused:
        return _refused(refused.problems)
    if args.atom:
        from indicators.reports.export import save_text

        text = atom_feed(found, title=ws.meta.title, marking=data["marking"], as_of=as_of,
                         base_url=args.base_url or DEFAULT_BASE_URL)
        try:
            save_text(args.atom, text)
        except ExportRefused as refused:
            return _refused(refused.problems)
    if args.json:
        print(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        print(format_notices(data), end="")
    if ws.errors:
        return _read_status(args, ws)
    return EXIT_NOTICES if at_or_above(found, ws, args.min_level) else EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:
    from indicators.reports.markings import ExportRefused
    from indicators.reports.status import format_status

    ws = _read_board(args)
    if isinstance(ws, int):
        return ws
    try:
        report = status_report(ws, args.as_of or dt.date.today(), args.marking)
    except ExportRefused as refused:
        return _refused(refused.problems)
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        sys.stdout.write(format_status(report))
    return _read_status(args, ws)


def _lookup(args: argparse.Namespace, find: Callable[..., dict[str, Any]], fmt: Callable[[dict[str, Any]], str],
            *given: Any, **filters: Any) -> int:
    """Run one of `show`, `list`, `search` (indicators.reports.lookup): JSON or text, exit 0, or 1 for an
    unknown id, a refused marking, a missing workspace or errors in the data (`_read_status`)."""
    from indicators.reports.lookup import NotFound
    from indicators.reports.markings import ExportRefused

    ws = _read_board(args)
    if isinstance(ws, int):
        return ws
    try:
        data = find(ws, *given, args.as_of or dt.date.today(), args.marking, **filters)
    except ExportRefused as refused:
        return _refused(refused.problems)
    except NotFound as missing:
        print(f"indicators {args.verb}: {missing}", file=sys.stderr)
        return EXIT_PROBLEMS
    if args.json:
        print(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        sys.stdout.write(fmt(data))
    return _read_status(args, ws)


def cmd_show(args: argparse.Namespace) -> int:
    from indicators.reports.lookup import format_show, show

    return _lookup(args, show, format_show, args.id)


def cmd_list(args: argparse.Namespace) -> int:
    from indicators.reports.lookup import format_list, list_indicators

    return _lookup(args, list_indicators, format_list, themes=args.theme or [], statuses=args.status or [],
                   priorities=args.priority or [], scenario=args.scenario, stale=args.stale, overdue=args.overdue,
                   retired=args.retired)


def cmd_search(args: argparse.Namespace) -> int:
    from indicators.reports.lookup import format_search, search

    return _lookup(args, search, format_search, args.words)


def _scale_value(scale: Any) -> Callable[[str], str]:
    """An argparse type: a value of `scale`, typed loosely (`Not observed`); anything else is a usage error."""
    def parse(text: str) -> str:
        member = scale.match(text)
        if member is None:
            raise argparse.ArgumentTypeError(f"{text!r} is not one of: {', '.join(scale.values())}")
        return member.value
    return parse


def _reader_marking(p: argparse.ArgumentParser) -> None:
    p.add_argument("--marking", default=None, metavar="TLP",
                   help=f"TLP marking of the readers: {', '.join(MARKING.values())}; items marked above it are "
                        "left out (default: show everything, headed by the highest marking shown; below the "
                        "workspace's marking is refused)")


def cmd_schema(args: argparse.Namespace) -> int:
    if args.check:
        stale = stale_schemas(args.out)
        for path in stale:
            print(f"{path}: out of date — run 'indicators schema --out {args.out}'", file=sys.stderr)
        return EXIT_PROBLEMS if stale else EXIT_OK
    for path in save_schemas(args.out):
        print(path)
    return EXIT_OK


def _write(args: argparse.Namespace, planner: Callable[..., Any], subject: str, **fields: Any) -> int:
    """Plan, validate and write one update; print its id (or the problems) and exit 0/1."""
    from indicators.editing.git import git_commit
    from indicators.editing.updates import EditRefused, update
    analyst = args.analyst or default_analyst()
    fields["analyst"] = analyst
    try:
        if fields.get("date") is not None:
            fields["date"] = _input_date(fields["date"])
        change = update(args.data, planner, subject, **fields)
        message = git_commit(change, analyst) if args.commit else None
    except EditRefused as refused:
        for problem in refused.problems:
            print(problem.format(), file=sys.stderr)
        return EXIT_PROBLEMS
    except OSError as err:  # e.g. the folder is not writable: the write was atomic, the file is as it was
        where = err.filename or args.data
        print(f"{where}: error: cannot write: {err.strerror or err} — check the folder's permissions and the disk",
              file=sys.stderr)
        return EXIT_PROBLEMS
    if args.json:
        print(json.dumps({**change.to_dict(), "entry": _jsonable_entry(change.entry), "committed": message}, indent=2))
    else:
        print(change.new_id)
        _print_notes(change, as_json=False)
    return EXIT_OK


def _input_date(text: str) -> dt.date:
    """`--date` of a write: an ISO date, or 'today' (echoed on stderr, so a back-filled entry is never
    dated today by accident)."""
    from indicators.editing.updates import EditRefused
    from indicators.workspace.problems import Problem

    if text.strip().casefold() == "today":
        today = dt.date.today()
        print(f"--date today: {today.isoformat()}", file=sys.stderr)
        return today
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise EditRefused([Problem("input", 0, 0, Code.BAD_DATE, f"--date {text!r} is not a date",
                                   "write the date as YYYY-MM-DD")]) from None


def _jsonable_entry(entry: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in entry.items()}


def cmd_record(args: argparse.Namespace) -> int:
    if not args.source and not args.source_id:
        return _usage(args, "give --source (the source's name) or --source-id (a shared source's id)")
    return _write(args, updates.plan_indication, args.indicator, date=args.date,
                  summary=args.summary, source=args.source, source_id=args.source_id, url=args.url,
                  reliability=args.reliability, credibility=args.credibility, value=args.value, unit=args.unit,
                  marking=args.marking)


def cmd_withdraw(args: argparse.Namespace) -> int:
    from indicators.editing import checklist
    return _write(args, checklist.plan_withdrawal, args.entry, date=args.date, reason=args.reason)


def cmd_retire(args: argparse.Namespace) -> int:
    from indicators.editing import checklist
    return _write(args, checklist.plan_retirement, args.id, date=args.date, reason=args.reason)


def cmd_review(args: argparse.Namespace) -> int:
    from indicators.editing import checklist
    return _write(args, checklist.plan_review, args.indicator, date=args.date, rationale=args.rationale,
                  marking=args.marking)


def _rating(text: str) -> tuple[str, str]:
    """An argparse type: `ID=RATING` (a scenario or an indicator and its rating)."""
    key, sep, rating = text.partition("=")
    if not sep or not key.strip() or not rating.strip():
        raise argparse.ArgumentTypeError(f"{text!r}: write ID=RATING, e.g. MIL-COOP=HL")
    return key.strip(), rating.strip()


def cmd_add_indicator(args: argparse.Namespace) -> int:
    from indicators.editing import checklist
    return _write(args, checklist.plan_add_indicator, args.id, date=args.date, title=args.title,
                  criteria=args.criteria, theme=args.theme, ratings=dict(args.rate), priority=args.priority,
                  actors=args.actor, expected_by=args.expected_by, description=args.description,
                  related=args.related, marking=args.marking, source_ref=args.source_ref, ladder=args.ladder,
                  rung=args.rung, thresholds={"emerging": args.emerging_at, "observed": args.observed_at},
                  aggregate=args.aggregate, window_days=args.window_days)


def cmd_add_scenario(args: argparse.Namespace) -> int:
    from indicators.editing import checklist
    return _write(args, checklist.plan_add_scenario, args.id, date=args.date, title=args.title,
                  description=args.description, ratings=dict(args.rate), question_close=args.question_close)


def cmd_merge_driver(args: argparse.Namespace) -> int:
    """What git runs to merge a workspace file (see 'git-setup'): exit 0, merged (the file reads as YAML);
    exit 1, a conflict to resolve: conflict markers in the file, each reason on stderr."""
    from indicators.editing.merge import run_driver

    outcome = run_driver(args.base, args.ours, args.theirs, args.path)
    for message in outcome.messages:
        print(f"indicators merge: {message}", file=sys.stderr)
    return EXIT_PROBLEMS if outcome.conflict else EXIT_OK


def cmd_git_setup(args: argparse.Namespace) -> int:
    from indicators.editing.git import git_setup
    from indicators.editing.updates import EditRefused

    try:
        notes = git_setup(args.data)
    except EditRefused as refused:
        return _refused(refused.problems)
    for note in notes:
        print(note)
    return EXIT_OK


def cmd_sync(args: argparse.Namespace) -> int:
    """Commit, pull with the merge driver, push, and say in plain words what came in."""
    from indicators.editing.sync import sync
    from indicators.editing.updates import EditRefused, default_analyst
    from indicators.reports.compare import diff_versions, format_diff, is_empty

    try:
        report = sync(args.data, args.analyst or default_analyst(), push=not args.no_push)
    except EditRefused as refused:
        return _refused(refused.problems)
    for note in report.notes:
        print(note, file=sys.stderr)
    if report.committed:
        print(f"Committed: {report.committed}")
    incoming = None
    if report.incoming is not None:
        old, new = report.incoming
        if old.errors or new.errors:
            print("what came in cannot be summarised: run 'indicators validate'", file=sys.stderr)
        else:
            incoming = diff_versions(old, new, dt.date.today(), old_label=report.before[:7],
                                     new_label=report.after[:7])
    if incoming is None or is_empty(incoming):
        print("Nothing new came in." if report.after == report.before else "Came in: nothing that changes the board.")
    else:
        print("Came in:")
        print(format_diff(incoming), end="")
    print("Pushed." if report.pushed else "Not pushed (--no-push).")
    return EXIT_OK


def cmd_check_push(args: argparse.Namespace) -> int:
    """The push check: what `sync` checks before it pushes, for a plain `git push` (the pre-push hook
    that 'git-setup' installs runs it with --hook) or by hand (HEAD against its upstream)."""
    from indicators.editing.git import configured_workspaces, repository_top, run, workspace_folder
    from indicators.editing.outgoing import Outgoing, check_push, hook_may_skip, read_hook_input
    from indicators.editing.updates import EditRefused

    try:
        if args.hook is not None:
            top = repository_top(Path.cwd())
            outgoing = read_hook_input(sys.stdin)
            if hook_may_skip([ref.commit for ref in outgoing]):
                return EXIT_OK  # `sync` checked this very commit a moment ago
            folders = configured_workspaces(top)
            remote_name = args.hook[0] if args.hook else None  # git passes the remote's name, then its URL
        else:
            remote_name = None
            top = repository_top(args.data)
            upstream = run(top, "rev-parse", "-q", "--verify", "@{u}").stdout.strip() or None
            outgoing = [Outgoing(run(top, "rev-parse", "HEAD").stdout.strip(), upstream)]
            folders = list(dict.fromkeys([workspace_folder(args.data, top), *configured_workspaces(top)]))
        problems = check_push(top, outgoing, folders, remote_name)
    except EditRefused as refused:
        return _refused(refused.problems)
    if problems:
        _refused(problems)
        print(f"indicators check-push: refused: {len(problems)} problem(s) above would reach the team's copy; "
              "nothing was pushed — fix them, commit, and push again", file=sys.stderr)
        return EXIT_PROBLEMS
    if args.hook is None:
        print(f"{len(outgoing)} commit(s) checked: may be pushed")
    return EXIT_OK


def cmd_resolve(args: argparse.Namespace) -> int:
    from indicators.editing import checklist
    return _write(args, checklist.plan_resolution, args.id, date=args.date, outcome=args.outcome,
                  rationale=args.rationale)


def cmd_add_assumption(args: argparse.Namespace) -> int:
    from indicators.editing import checklist
    return _write(args, checklist.plan_assumption, args.scenario, date=args.date, statement=args.statement,
                  assumption_id=args.id, status=args.status, rationale=args.rationale)


def cmd_check_assumption(args: argparse.Namespace) -> int:
    from indicators.editing import checklist
    return _write(args, checklist.plan_assumption_check, args.scenario, assumption_id=args.assumption,
                  date=args.date, status=args.status, rationale=args.rationale)


def cmd_scores(args: argparse.Namespace) -> int:
    """The Brier scores of resolved scenarios' judgments, per scenario and per analyst."""
    from indicators.reports.markings import track_marking
    from indicators.scoring.track import scores

    ws = _read_board(args)
    if isinstance(ws, int):
        return ws
    result = scores(ws)
    marking = track_marking(ws, dt.date.today())
    if args.json:
        print(json.dumps({"marking": MARKING.label(marking), **result}, indent=2, ensure_ascii=False))
        return _read_status(args, ws)
    print(f"{ws.meta.title} — {MARKING.label(marking)} — track record")
    if not result["scenarios"]:
        print("No scenario is resolved yet: nothing to score.")
        return _read_status(args, ws)
    for sc in result["scenarios"]:
        brier = "not scored" if sc["brier"] is None else f"Brier {sc['brier']:.4f} (time-averaged)"
        print(f"  {sc['id']:<20} {sc['outcome']:<14} {sc['resolved']}  {brier}")
        for j in sc["judgments"]:
            own = "" if j["brier"] is None else f"  {j['brier']:.4f}"
            print(f"      {j['date']}  {j['likelihood']:<20} p={j['p']:<6} {j['analyst']}{own}")
    if result["analysts"]:
        print("ANALYSTS (mean of their judgments' scores; lower is better)")
        for a in result["analysts"]:
            print(f"  {a['analyst']:<30} {a['judgments']:>3} judgments  Brier {a['brier']:.4f}")
    if result["calibration"]:
        print("CALIBRATION (per term: the share of its judgments that came true, against its band)")
        for c in result["calibration"]:
            low, high = c["band"]
            print(f"  {c['likelihood']:<20} {c['occurred']}/{c['judgments']} came true ({c['share']:.0%}); "
                  f"band {low:.0%}–{high:.0%}")
    return _read_status(args, ws)


def cmd_disagreement(args: argparse.Namespace) -> int:
    """Where the analysts' own ratings (ratings/*.yaml) differ, and where the team matrix departs from them."""
    from indicators.reports.markings import ratings_marking
    from indicators.scoring.disagreement import analyst_names, analyst_summary, column_of, disagreement, median_text

    ws = _read_board(args)
    if isinstance(ws, int):
        return ws
    cells = disagreement(ws)
    summary = analyst_summary(ws)
    marking = ratings_marking(ws, cells["indicator"])
    if not args.all:
        cells = cells[(cells["spread"] >= args.min_spread) | cells["departs"]]
    if args.json:
        print(json.dumps({"marking": MARKING.label(marking), "analysts": _jsonable(summary.to_dict("records")),
                          "cells": _jsonable(cells.to_dict("records"))}, indent=2, ensure_ascii=False))
        return _read_status(args, ws)
    print(f"{ws.meta.title} — {MARKING.label(marking)} — analysts' own ratings")
    if not ws.analyst_ratings:
        print("No analyst has rated on their own yet (ratings/<analyst>.yaml): nothing to compare.")
        return _read_status(args, ws)
    for row in summary.itertuples():
        off = "" if row.compared == 0 else f", {row.mean_steps_off:.2f} steps from the team on average"
        print(f"  {row.analyst:<30} {row.rated:>4} rated, {row.agree} of {row.compared} as the team{off}")
    which = "every rated cell" if args.all else f"spread of {args.min_spread} steps or more, or the team departs"
    print(f"CELLS ({which}; steps HL=0 … HU=4)")
    if cells.empty:
        print("  none")
    names = analyst_names(ws)
    for row in cells.to_dict("records"):
        given = ", ".join(f"{name} {row.get(column_of(name)) or '–'}" for name in names)
        departs = (f"  team {row['team']} departs from their median, {median_text(row['median'])}"
                   if row["departs"] else "")
        print(f"  {row['indicator']:<10} {row['scenario']:<18} spread {row['spread']}  {given}{departs}")
    return _read_status(args, ws)


class ProgressBar:
    """A one-line progress bar on a terminal's stderr, redrawn in place with \\r (`plan_import`'s
    `progress` callback); prints nothing when stderr is not a terminal (a pipe, a log file, CI)."""

    WIDTH = 30

    def __init__(self, label: str, stream: Any = None) -> None:
        from indicators.reports.escape import terminal_text

        stream = stream if stream is not None else sys.stderr
        self.label = terminal_text(label)  # a file name is data: its control characters are shown, not sent
        self.stream = getattr(stream, "unfiltered", stream)  # the bar's own \r must reach the terminal
        self.shown = self.stream.isatty()
        self.passes, self.last = 0, ""

    def __call__(self, done: int, total: int, what: str) -> None:
        if not self.shown:
            return
        if done == 0 and what == "planning rows":
            self.passes += 1
        again = " again, under the files' locks" if self.passes > 1 else ""
        filled = self.WIDTH * done // total if total else self.WIDTH
        line = (f"{self.label}: {what}{again} [{'#' * filled}{'-' * (self.WIDTH - filled)}] "
                f"{done:,}/{total:,}")
        self.stream.write("\r" + line.ljust(len(self.last)))
        self.stream.flush()
        self.last = line

    def close(self) -> None:
        """Clear the bar's line (what follows is printed from the start of the line)."""
        if self.shown and self.last:
            self.stream.write("\r" + " " * len(self.last) + "\r")
            self.stream.flush()
            self.last = ""


def cmd_import(args: argparse.Namespace) -> int:
    """Import a CSV/TSV file of indications: all rows or none; --dry-run prints the diff only. A long
    import shows a progress bar on a terminal."""
    from indicators.editing.importer import plan_import
    from indicators.editing.updates import EditRefused

    bar = ProgressBar(f"import {Path(args.file).name}")
    try:
        if args.dry_run:
            try:
                change = plan_import(load_workspace(args.data), args.file, analyst=args.analyst, progress=bar)
            except EditRefused as refused:
                bar.close()
                return _refused(refused.problems)
            bar.close()
            print(change.diff(args.data), end="")
            _print_notes(change, args.json, dry_run=True)
            return EXIT_OK


        def planned(ws: Workspace, file: str, **fields: Any) -> Any:
            try:
                return plan_import(ws, file, **fields)
            finally:
                bar.close()  # before anything else is printed
        return _write(args, planned, args.file, progress=bar)
    finally:
        bar.close()


def _print_notes(change: Any, as_json: bool, dry_run: bool = False) -> None:
    if not as_json:
        for note in change.notes:
            print(note, file=sys.stderr)
    if dry_run:
        print(f"dry run: {change.new_id} would be written; nothing was written", file=sys.stderr)


def cmd_assess(args: argparse.Namespace) -> int:
    return _write(args, updates.plan_assessment, args.indicator, status=args.status, confidence=args.confidence,
                  rationale=args.rationale, date=args.date, cites=args.cites, marking=args.marking)


def cmd_judge(args: argparse.Namespace) -> int:
    return _write(args, updates.plan_judgment, args.scenario, likelihood=args.likelihood, confidence=args.confidence,
                  rationale=args.rationale, date=args.date, marking=args.marking)


def _one_of(scale: Any) -> str:
    return ", ".join(f"{term.value} ({term.label})" if term.label.lower() != term.value.lower() else term.value
                     for term in (scale.term(m) for m in scale))


def _writer(p: argparse.ArgumentParser, *, marking: bool = True, date: bool = True) -> None:
    _common(p, as_of=False)
    if date:
        p.add_argument("--date", required=True,
                       help="when it happened / was judged: YYYY-MM-DD, or 'today' (required: never guessed)")
    p.add_argument("--analyst", default=None, metavar="NAME",
                   help="who makes the change (default $INDICATORS_ANALYST, else your user name)")
    if marking:
        p.add_argument("--marking", default=None, help=f"TLP marking of this entry: {_one_of(MARKING)}")
    p.add_argument("--commit", action="store_true", help="commit the change with git (data folder in a repository)")


def serve_command(data: Path, port: int, address: str, secrets: Path | None = None) -> list[str]:
    """The `streamlit run` command line that serves the board (offline settings forced); `secrets`:
    the Streamlit secrets file holding the `[auth]` sign-in settings."""
    entry = Path(__file__).resolve().parent / "app" / "entry.py"
    extra = ["--secrets.files", str(secrets.resolve())] if secrets is not None else []
    upload_mb = max(1, math.ceil(settings.max_file_bytes() / 1048576))  # the one file size limit, in whole MB
    return [sys.executable, "-m", "streamlit", "run", str(entry),
            "--server.port", str(port), "--server.address", address, "--server.headless", "true",
            "--server.maxUploadSize", str(upload_mb),
            "--browser.gatherUsageStats", "false", "--client.toolbarMode", "minimal", *extra,
            "--", "--data", str(data.resolve())]


def auth_settings_problem(secrets: Path | None) -> str | None:
    """Why sign-in cannot work with these secrets (no file, no `[auth]` with its keys), or None."""
    import tomllib

    candidates = [secrets] if secrets is not None else [Path(".streamlit/secrets.toml"),
                                                         Path.home() / ".streamlit" / "secrets.toml"]
    found = [path for path in candidates if path.is_file()]
    if not found:
        return (f"sign-in needs Streamlit's secrets file with an [auth] section: none at "
                f"{', '.join(str(c) for c in candidates)} (give --secrets FILE; README: Working as a team)")
    try:
        auth = tomllib.loads(found[0].read_text(encoding="utf-8")).get("auth")
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        return f"{found[0]}: cannot read it: {err}"
    if not isinstance(auth, dict):
        return f"{found[0]} has no [auth] section (README: Working as a team)"
    # The Sign in button signs in with the default provider: its settings belong under [auth] itself.
    needed = ["redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url"]
    missing = [k for k in needed if k not in auth]
    return f"{found[0]} [auth] lacks {', '.join(missing)}" if missing else None

def _generated_at() -> dt.datetime | None:
    """Generation time from $SOURCE_DATE_EPOCH (reproducible exports), else None (now)."""
    return settings.SOURCE_DATE_EPOCH.get()


def _refused(problems: list[Problem]) -> int:
    for problem in problems:
        print(problem.format(), file=sys.stderr)
    return EXIT_PROBLEMS


def _read_board(args: argparse.Namespace) -> Workspace | int:
    """The workspace of --data, its problems printed to stderr; the exit status instead when there is
    no workspace.yaml there (nothing to read a board from)."""
    ws = load_workspace(args.data)
    if _missing_workspace(ws):
        return _refused(ws.errors)
    _print_problems(ws)
    return ws


def _read_status(args: argparse.Namespace, ws: Workspace) -> int:
    """The exit status of a verb that answered from the board `ws` (README: Exit status): 1 when the
    workspace has errors, since what it printed leaves out what did not load (so a script notices);
    0 otherwise, warnings included. The problems themselves are on stderr already (`_read_board`)."""
    if not ws.errors:
        return EXIT_OK
    print(f"indicators {args.verb}: {len(ws.errors)} error(s) in the data (above): items in files with errors "
          "are missing", file=sys.stderr)
    return EXIT_PROBLEMS


def _missing_workspace(ws: Workspace) -> bool:
    """True when there is no workspace.yaml: nothing worth exporting or comparing."""
    return any(p.code == Code.MISSING_WORKSPACE_FILE for p in ws.problems)


def _usage(args: argparse.Namespace, message: str) -> int:
    print(f"indicators {args.verb}: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def _format_of(args: argparse.Namespace) -> formats.Format | None:
    """--format, else the format the output file's suffix means (both from the `formats` registry)."""
    return formats.get(args.format) if args.format else formats.for_path(args.output)


def _format_hint() -> str:
    """`--format html|md|csv|json (or give -o a .html, .md, .csv or .json file name)`, from the registry."""
    *rest, last = [f.suffix for f in formats.FORMATS]
    suffixes = f"{', '.join(rest)} or {last}" if rest else last
    return f"--format {'|'.join(formats.names())} (or give -o a {suffixes} file name)"


def cmd_export(args: argparse.Namespace) -> int:
    from indicators.reports.export import check_output_path, keep_snapshot, save_rendered
    from indicators.reports.markings import ExportRefused
    from indicators.reports.snapshot import build_snapshot
    from indicators.reports.wording import made_for_label, marking_label, withheld_text

    fmt = _format_of(args)
    if fmt is None:
        return _usage(args, f"say which format with {_format_hint()}")
    ws = _read_board(args)
    if isinstance(ws, int):
        return ws
    try:
        if args.output != "-":
            check_output_path(args.output)  # before the (slow) build: a bad path fails fast
        snap = build_snapshot(ws, args.as_of, args.since, args.marking, generated_at=_generated_at())
        if args.output == "-":
            content = fmt.render(snap)
            kept = [keep_snapshot(ws.root, snap)] if args.save else []
            if isinstance(content, bytes):  # a binary format: its bytes as they are
                sys.stdout.flush()
                sys.stdout.buffer.write(content)
            else:
                sys.stdout.write(content)
            sys.stdout.flush()
            for path in kept:
                print(f"snapshot kept in {path}", file=sys.stderr)
        else:
            for path in save_rendered(snap, fmt.name, args.output, keep_in=ws.root if args.save else None):
                print(path)
            print(f"{fmt.label} for {made_for_label(snap)} as of {snap.as_of}, marked {marking_label(snap)} "
                  f"(the highest marking of what it holds). {withheld_text(snap)}", file=sys.stderr)
    except ExportRefused as refused:
        return _refused(refused.problems)
    if ws.errors:
        print(f"exported despite {len(ws.errors)} error(s) in the data: items in files with errors are missing",
              file=sys.stderr)
        return EXIT_PROBLEMS
    return EXIT_OK


def cmd_diff(args: argparse.Namespace) -> int:
    from indicators.reports.compare import diff_dates, diff_snapshots, format_diff
    from indicators.reports.markings import ExportRefused
    from indicators.reports.snapshot import SnapshotError, load_snapshot

    if args.snapshots:
        if len(args.snapshots) != 2:
            return _usage(args, "give two snapshots, OLD and NEW (or --from and --to dates instead)")
        if args.from_date or args.to_date or args.marking:
            return _usage(args, "--from, --to and --marking compare the workspace's history; "
                                "they cannot be used with two snapshot files")
        try:
            old, new = (load_snapshot(Path(path)) for path in args.snapshots)
        except SnapshotError as err:
            return _refused(err.problems)
        result = diff_snapshots(old, new, old_label=args.snapshots[0], new_label=args.snapshots[1])
        errors = 0
    else:
        if args.from_date is None:
            return _usage(args, "give two snapshot files OLD NEW, or --from DATE (and --to DATE, default today)")
        end = args.to_date or dt.date.today()
        if args.from_date > end:
            return _usage(args, f"--from {args.from_date} is after --to {end}")
        ws = load_workspace(args.data)
        if _missing_workspace(ws):
            return _refused(ws.errors)
        _print_problems(ws)
        try:
            result = diff_dates(ws, args.from_date, end, args.marking)
        except ExportRefused as refused:
            return _refused(refused.problems)
        errors = len(ws.errors)
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        sys.stdout.write(format_diff(result))
    return EXIT_PROBLEMS if errors else EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    env = dict(os.environ, INDICATORS_DATA=str(args.data.resolve()))
    if args.read_only:
        env["INDICATORS_READ_ONLY"] = "1"
    if args.auth:
        problem = auth_settings_problem(args.secrets)
        if problem:
            print(f"indicators serve: error: {problem}", file=sys.stderr)
            return EXIT_PROBLEMS
        env["INDICATORS_AUTH"] = "1"
    elif args.secrets is not None:
        return _usage(args, "--secrets holds the sign-in settings: give --auth too")
    command = serve_command(args.data, args.port, args.address, args.secrets)
    print(f"Serving {args.data} at http://{args.address}:{args.port}  (Ctrl+C to stop)", flush=True)
    os.execvpe(command[0], command, env)  # become the server, so signals (Ctrl+C, SIGTERM) reach it


def cmd_cache(args: argparse.Namespace) -> int:
    from indicators.workspace.parse_cache import FILE_CACHE, cache_dir

    folder = cache_dir()
    files = [p for p in folder.rglob("*") if p.is_file()] if folder.is_dir() else []
    if args.clear:
        FILE_CACHE.clear()
        for path in files:
            path.unlink(missing_ok=True)
        print(f"cleared {folder} ({len(files)} files)")
    else:
        size = sum(p.stat().st_size for p in files)
        print(f"{folder}: {len(files)} files, {size / 1048576:.1f} MB (safe to delete; rebuilt when needed)")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="indicators", description="Indicator & warning board: validate, inspect and serve "
                     "a workspace of indicator checklists.", formatter_class=argparse.RawDescriptionHelpFormatter,
                     epilog="Run 'indicators VERB --help' for each verb's options and an example.")
    verbs = parser.add_subparsers(dest="verb", metavar="VERB", parser_class=_Parser)
    verbs.required = True

    def verb(name: str, func: Callable[[argparse.Namespace], int], help_text: str,
             example: str) -> argparse.ArgumentParser:
        p = verbs.add_parser(name, help=help_text, description=help_text, epilog=f"example:\n  {example}",
                             formatter_class=argparse.RawDescriptionHelpFormatter)
        p.set_defaults(func=func)
        return p

    p = verb("validate", cmd_validate, "Check every file of a workspace and list its problems with their locations.",
             "indicators validate --data data")
    _common(p, as_of=False)
    p = verb("status", cmd_status, "Show each scenario's warning level and each indicator's status as of a date, "
             "headed by the highest TLP marking of what it shows. Items marked above --marking are left out and "
             "counted, and everything shown is computed from what is released.",
             "indicators status --data data --as-of 2024-11-30 --marking CLEAR")
    _common(p)
    p.add_argument("--marking", default=None, metavar="TLP",
                   help=f"TLP marking of the readers: {', '.join(MARKING.values())}; items marked above it are "
                        "left out (default: show everything, headed by the highest marking shown; below the "
                        "workspace's marking is refused)")
    p = verb("alerts", cmd_alerts, "List the warning notices of a window in date order: warning-level crossings "
             "(with the evidence behind them), likelihood changes, high-priority indicators observed, indicators "
             "overdue, and every reassessment due. Exit 3 when a notice at or above --min-level exists (any "
             "notice without it), for a scheduled job.",
             "indicators alerts --data data --since 2024-06-30 --as-of 2024-11-30 --atom notices.xml")
    _common(p)
    p.add_argument("--since", type=_date, required=True, metavar="DATE", help="start of the window (YYYY-MM-DD)")
    p.add_argument("--min-level", default=None, metavar="LEVEL",
                   help="exit 3 only for a level crossing to this warning level or a higher one")
    p.add_argument("--atom", default=None, metavar="FILE", help="also write the notices as an Atom feed")
    p.add_argument("--base-url", default=None, metavar="URL",
                   help="where the board is served, for the feed's links (default http://127.0.0.1:8501)")
    p.add_argument("--marking", default=None, metavar="TLP",
                   help="TLP marking of the readers: items marked above it are left out and the notices "
                        "computed from what is released")
    p = verb("show", cmd_show, "Show an indicator, scenario, indication or source (ids typed loosely: sat 01 is "
             "SAT-01) with its history as of a date: an indicator's indications and assessments, a scenario's "
             "judgments and the indicators rated against it, an indication's indicator and the assessments citing "
             "it. Headed by the highest TLP marking of what it shows; exit 1 for an unknown id.",
             "indicators show SAT-02 --data data --as-of 2024-11-30 --marking CLEAR")
    p.add_argument("id", metavar="ID", help="an indicator, scenario, indication or source id")
    _common(p)
    _reader_marking(p)
    p = verb("list", cmd_list, "List the indicators with their status as of a date, one line each, filtered "
             "(filters combine; a repeated filter matches any of its values). Headed by the highest TLP marking "
             "of what it shows.",
             "indicators list --data data --as-of 2024-11-30 --scenario MIL-COOP --status emerging")
    _common(p)
    _reader_marking(p)
    p.add_argument("--theme", action="append", metavar="THEME", help="only this theme (repeatable)")
    p.add_argument("--status", action="append", type=_scale_value(STATUS), metavar="STATUS",
                   help=f"only this status (repeatable): {', '.join(STATUS.values())}")
    p.add_argument("--priority", action="append", type=_scale_value(PRIORITY), metavar="PRIORITY",
                   help=f"only this priority (repeatable): {', '.join(PRIORITY.values())}")
    p.add_argument("--scenario", default=None, metavar="SCENARIO_ID",
                   help="only indicators that speak for this scenario (rated HL or L against it, or diagnostic "
                        "for it), as the Checklist page's filter")
    p.add_argument("--stale", action="store_true", help="only indicators not reassessed within the review cadence")
    p.add_argument("--overdue", action="store_true", help="only indicators past expected_by and still not observed")
    p.add_argument("--retired", action="store_true",
                   help="the indicators retired by the date instead of those watched on it")
    p = verb("search", cmd_search, "Find words (all of them, any case) in indicator titles, criteria and "
             "descriptions, scenarios, indication summaries and assessment and judgment rationales dated on or "
             "before a date; one line per text. Headed by the highest TLP marking of what it shows.",
             "indicators search satellite launch --data data --as-of 2024-11-30")
    p.add_argument("words", nargs="+", metavar="WORD", help="words that must all occur in the same text")
    _common(p)
    _reader_marking(p)
    p = verb("schema", cmd_schema, "Write the JSON Schemas of the workspace files (for YAML-aware editors).",
             "indicators schema --out schema")
    p.add_argument("--out", type=Path, default=Path("schema"), metavar="DIR",
                   help="folder to write to (default ./schema)")
    p.add_argument("--check", action="store_true", help="exit 1 if the schemas in DIR are out of date; write nothing")
    p = verb("record", cmd_record, "Record an indication: a dated, sourced observation of an indicator.",
             'indicators record SAT-01 --date 2023-11-21 --summary "Launch reported" --source KCNA '
             "--reliability C --credibility 3")
    p.add_argument("indicator", metavar="INDICATOR_ID")
    p.add_argument("--summary", required=True, help="what was observed")
    p.add_argument("--source", default=None, help="name of the source (or give --source-id)")
    p.add_argument("--source-id", default=None, metavar="ID",
                   help="id of a report listed under 'sources:' in workspace.yaml (shown in full on the board)")
    p.add_argument("--url", default=None, help="link to the source (http or https)")
    p.add_argument("--reliability", required=True, help=f"Admiralty source reliability: {_one_of(RELIABILITY)}")
    p.add_argument("--credibility", required=True, help=f"Admiralty information credibility: {_one_of(CREDIBILITY)}")
    p.add_argument("--value", default=None, help="a measured value (e.g. 1000)")
    p.add_argument("--unit", default=None, help="unit of --value (e.g. containers)")
    _writer(p)
    p = verb("assess", cmd_assess, "Assess an indicator's status, with confidence and the reason for it.",
             'indicators assess SAT-01 --status observed --confidence high --rationale "Launch confirmed" '
             "--cites SAT-01.4")
    p.add_argument("indicator", metavar="INDICATOR_ID")
    p.add_argument("--status", required=True, help=_one_of(STATUS))
    p.add_argument("--confidence", required=True, help=_one_of(CONFIDENCE))
    p.add_argument("--rationale", required=True, help="why (ICD 203: explain every change in judgment)")
    p.add_argument("--cites", nargs="*", default=[], metavar="INDICATION_ID", help="indications it rests on")
    _writer(p)
    p = verb("judge", cmd_judge, "Judge a scenario's likelihood in ICD 203 terms, with confidence and rationale.",
             'indicators judge MIL-COOP --likelihood "very likely" --confidence moderate --rationale "Treaty signed"')
    p.add_argument("scenario", metavar="SCENARIO_ID")
    p.add_argument("--likelihood", required=True, help=_one_of(LIKELIHOOD))
    p.add_argument("--confidence", required=True, help=_one_of(CONFIDENCE))
    p.add_argument("--rationale", required=True, help="why, and what changed since the last judgment")
    _writer(p)
    p = verb("withdraw", cmd_withdraw, "Withdraw an indication, assessment or judgment: from --date on it counts "
             "for nothing and shows struck through with the reason; the board as of an earlier date is unchanged. "
             "Nothing is deleted.",
             'indicators withdraw SAT-01.3 --date 2024-12-02 --reason "Report retracted by its source"')
    p.add_argument("entry", metavar="ENTRY",
                   help="an indication id (SAT-01.3) or the id 'assess'/'judge' printed (SAT-01@2024-11-21)")
    p.add_argument("--reason", required=True, help="why it is withdrawn (shown with it)")
    _writer(p, marking=False)
    p = verb("retire", cmd_retire, "Retire an indicator or scenario: it stops counting from --date on and keeps "
             "its history.", 'indicators retire SAT-03 --date 2025-01-15 --reason "Superseded by SAT-05"')
    p.add_argument("id", metavar="ID", help="indicator or scenario id")
    p.add_argument("--reason", required=True, help="why the team stops watching it")
    _writer(p, marking=False)
    p = verb("review", cmd_review, "Reviewed, no change: repeat an indicator's standing status as of --date. "
             "Clears staleness and shows as a review in its history.",
             'indicators review SAT-01 --date 2025-02-01 --rationale "Checked KCNA and 38 North: nothing new"')
    p.add_argument("indicator", metavar="INDICATOR_ID")
    p.add_argument("--rationale", required=True, help="what was checked")
    _writer(p)
    p = verb("add-indicator", cmd_add_indicator, "Add an indicator to a theme's checklist, watched from --date "
             "(its 'added' date), rated against every scenario.",
             'indicators add-indicator MSUP-05 --date 2024-11-05 --theme military-supply --title "DPRK troops in '
             'combat" --criteria "Observed when…" --rate MIL-COOP=HL --rate LIMITED=U')
    p.add_argument("id", metavar="INDICATOR_ID", help="the new id, e.g. MSUP-05")
    p.add_argument("--title", required=True)
    p.add_argument("--criteria", required=True, help="when it counts as observed")
    p.add_argument("--theme", required=True, help="the checklist it belongs to (a new theme makes a new file)")
    p.add_argument("--rate", action="append", default=[], type=_rating, metavar="SCENARIO=RATING",
                   help=f"rating against a scenario ({_one_of(RATING)}); one for every scenario")
    p.add_argument("--priority", default=None, help=_one_of(PRIORITY))
    p.add_argument("--actor", action="append", default=[], metavar="NAME", help="an actor (repeat for more)")
    p.add_argument("--expected-by", type=_date, default=None, metavar="DATE", help="overdue if not observed by then")
    p.add_argument("--description", default=None)
    p.add_argument("--related", action="append", default=[], metavar="INDICATOR_ID",
                   help="an indicator whose indications its assessments may cite")
    p.add_argument("--source-ref", default=None, metavar="TEXT", help="where in the source documents it comes from")
    p.add_argument("--ladder", default=None, metavar="NAME", help="the escalation ladder it is a rung of")
    p.add_argument("--rung", type=int, default=None, metavar="N", help="its rung on the ladder, 1 the lowest")
    p.add_argument("--emerging-at", type=float, default=None, metavar="VALUE",
                   help="value of its numeric series from which it reads emerging")
    p.add_argument("--observed-at", type=float, default=None, metavar="VALUE",
                   help="value of its numeric series from which it reads observed")
    p.add_argument("--aggregate", choices=["latest", "max", "sum"], default=None,
                   help="how the series is read against the thresholds (default latest)")
    p.add_argument("--window-days", type=int, default=None, metavar="DAYS",
                   help="only values within this many days count (with max or sum)")
    _writer(p)
    p = verb("add-scenario", cmd_add_scenario, "Add a scenario, watched from --date, with the rating of each "
             "indicator against it; prints what is left to rate.",
             'indicators add-scenario ARMS-UA --date 2024-11-20 --title "South Korea arms Ukraine" '
             "--rate MSUP-01=HL --rate CN-01=C")
    p.add_argument("id", metavar="SCENARIO_ID")
    p.add_argument("--title", required=True)
    p.add_argument("--description", default=None)
    p.add_argument("--rate", action="append", default=[], type=_rating, metavar="INDICATOR=RATING",
                   help=f"rating of an indicator against the new scenario ({_one_of(RATING)})")
    p.add_argument("--question-close", type=_date, default=None, metavar="DATE",
                   help="when its question must be resolved by (YYYY-MM-DD); past it, the board asks for a resolution")
    _writer(p, marking=False)
    p = verb("git-setup", cmd_git_setup, "Set this clone up for the team: install the merge driver that merges "
             "workspace files by identity and the pre-push hook that runs 'check-push' (git takes neither from the "
             "repository, only from each clone) and register the workspace's YAML files for the driver in "
             ".gitattributes.", "indicators git-setup --data data")
    p.add_argument("--data", type=Path, default=None, metavar="PATH",
                   help="workspace folder (default: $INDICATORS_DATA or ./data)")
    p = verb("sync", cmd_sync, "Commit the workspace's changes, pull the team's with the merge driver, check the "
             "commit to be pushed (as 'check-push'), push, and say what came in (as 'diff' does). Refused when the "
             "clone has changes outside the workspace; a refused merge is undone.",
             "indicators sync --data data")
    p.add_argument("--data", type=Path, default=None, metavar="PATH",
                   help="workspace folder (default: $INDICATORS_DATA or ./data)")
    p.add_argument("--analyst", default=None, metavar="NAME",
                   help="named in the commit (default $INDICATORS_ANALYST, else your user name)")
    p.add_argument("--no-push", action="store_true", help="commit and pull, but do not push")
    p = verb("check-push", cmd_check_push, "Check what a push would send, as 'sync' does before it pushes: every "
             "workspace folder of the commit parses and has no error the remote's commit lacks, and no file holds a "
             "conflict marker. Exit 1 refuses. The pre-push hook that 'git-setup' installs runs it.",
             "indicators check-push --data data")
    p.add_argument("--data", type=Path, default=None, metavar="PATH",
                   help="workspace folder (default: $INDICATORS_DATA or ./data); HEAD is checked against its upstream")
    p.add_argument("--hook", nargs="*", default=None, metavar="ARG",
                   help="run as git's pre-push hook: the refs to check come on standard input")
    p = verb("merge-driver", cmd_merge_driver, "Merge three versions of a workspace file by identity (run by git "
             "as the merge driver that 'git-setup' installs; exit 1 leaves a conflict marked in the file).",
             "indicators merge-driver BASE OURS THEIRS data/indicators/space.yaml")
    p.add_argument("base", type=Path, metavar="BASE", help="the common ancestor's version (%%O)")
    p.add_argument("ours", type=Path, metavar="OURS", help="this side's version; the result is written here (%%A)")
    p.add_argument("theirs", type=Path, metavar="THEIRS", help="the other side's version (%%B)")
    p.add_argument("path", metavar="PATH", help="the file's path in the repository (%%P)")
    p = verb("resolve", cmd_resolve, "Resolve a scenario's question: how it came out (occurred, did_not_occur or "
             "ambiguous), when, and why. Its judgments are then scored ('indicators scores').",
             'indicators resolve ESCALATION --date 2025-12-31 --outcome did_not_occur --rationale "No nuclear test"')
    p.add_argument("id", metavar="SCENARIO_ID")
    p.add_argument("--outcome", required=True, help=_one_of(OUTCOME))
    p.add_argument("--rationale", required=True, help="what settled it")
    _writer(p, marking=False)
    p = verb("add-assumption", cmd_add_assumption, "Add a key assumption to a scenario: a statement its judgments "
             "rest on, with its first check (holding unless --status says otherwise).",
             'indicators add-assumption MIL-COOP --statement "Russia still needs shells" --date today')
    p.add_argument("scenario", metavar="SCENARIO_ID")
    p.add_argument("--statement", required=True, help="the assumption, as one sentence")
    p.add_argument("--id", default=None, metavar="KA-N", help="its id (default: the scenario's next free KA-n)")
    p.add_argument("--status", default="holding", help=_one_of(ASSUMPTION_STATUS))
    p.add_argument("--rationale", default=None, help="why (required unless it holds)")
    _writer(p, marking=False)
    p = verb("check-assumption", cmd_check_assumption, "Record a check of a key assumption: holding, questioned or "
             "broken, and why. Judgments made before an assumption was questioned or broken are flagged until the "
             "scenario is judged again.",
             'indicators check-assumption MIL-COOP KA-1 --status broken --date today --rationale "Ceasefire"')
    p.add_argument("scenario", metavar="SCENARIO_ID")
    p.add_argument("assumption", metavar="ASSUMPTION_ID")
    p.add_argument("--status", required=True, help=_one_of(ASSUMPTION_STATUS))
    p.add_argument("--rationale", default=None, help="what changed (required unless it simply holds)")
    _writer(p, marking=False)
    p = verb("scores", cmd_scores, "The track record: time-averaged Brier score of each resolved scenario's "
             "judgments, each judgment's own score, and each analyst's mean (lower is better).",
             "indicators scores --data data --json")
    _common(p, as_of=False)
    p = verb("disagreement", cmd_disagreement, "Compare the analysts' own ratings (ratings/<analyst>.yaml, made "
             "before the team agreed the matrix): each cell's spread in steps, the analysts two steps or more apart, "
             "and where the team matrix departs from their median. They never change the board.",
             "indicators disagreement --data data --min-spread 2")
    _common(p, as_of=False)
    p.add_argument("--min-spread", type=int, default=2, metavar="STEPS",
                   help="list cells whose ratings are this many steps apart or more (default 2), and every cell "
                        "where the team departs from the analysts' median")
    p.add_argument("--all", action="store_true", help="list every cell rated by an analyst")
    p = verb("import", cmd_import, "Import indications (and assessments citing them) from a CSV or TSV file: all "
             "rows or none, every bad row listed with its line; rows already recorded are skipped.",
             "indicators import events.csv --dry-run")
    p.add_argument("file", type=Path, metavar="FILE", help="CSV (comma) or TSV (tab) file; columns in the README")
    p.add_argument("--dry-run", action="store_true", help="print the exact YAML diff and write nothing")
    _writer(p, marking=False, date=False)
    p = verb("export", cmd_export, "Export the board as of a date, in any format --format offers (a JSON snapshot "
             "is what 'diff' compares). Items marked above --marking are left out and counted. "
             "Exit 1 when the export is refused, or written despite errors in the data.",
             "indicators export --data data --format html --as-of 2024-11-30 --marking CLEAR -o board.html")
    _common(p, json_out=False)
    p.add_argument("--format", choices=formats.names(), default=None,
                   help=", ".join(f"{f.name} ({f.help})" for f in formats.FORMATS) + "; default: from the -o file name")
    p.add_argument("--since", type=_date, default=None, metavar="DATE",
                   help="start of 'what changed' (YYYY-MM-DD; default 30 days before --as-of)")
    p.add_argument("--marking", default=None, metavar="TLP",
                   help=f"TLP marking of the recipients: {', '.join(MARKING.values())}; items marked above it are "
                        "left out (default: the workspace's marking; lower is refused)")
    p.add_argument("--save", action="store_true",
                   help="also keep the JSON snapshot as <data>/snapshots/<as-of>.json (for later diffs)")
    p.add_argument("-o", "--output", required=True, metavar="PATH",
                   help="file to write (an existing folder's file; '-' for standard output)")
    p = verb("diff", cmd_diff, "List what changed between two JSON snapshots, or between two dates of the "
             "workspace's history: warning levels, judgments, statuses and new indications.",
             "indicators diff --data data --from 2024-06-30 --to 2024-11-30\n"
             "  indicators diff data/snapshots/2024-06-30.json data/snapshots/2024-11-30.json --json")
    _common(p, as_of=False)
    p.add_argument("snapshots", nargs="*", metavar="SNAPSHOT",
                   help="OLD and NEW JSON snapshots (from 'export --format json')")
    p.add_argument("--from", dest="from_date", type=_date, default=None, metavar="DATE",
                   help="compare the workspace as of this date (YYYY-MM-DD) …")
    p.add_argument("--to", dest="to_date", type=_date, default=None, metavar="DATE",
                   help="… with the workspace as of this date (default today)")
    p.add_argument("--marking", default=None, metavar="TLP",
                   help="with --from/--to: leave out items marked above this TLP marking (default: the workspace's)")
    p = verb("cache", cmd_cache, "Show or clear the parse cache (parsed files and the report's script bundle).",
             "indicators cache --clear")
    p.add_argument("--clear", action="store_true", help="delete everything in the cache folder")
    p = verb("serve", cmd_serve, "Start the board in the browser (Streamlit) on a workspace.",
             "indicators serve --data data --port 8501")
    _common(p, as_of=False, json_out=False)
    p.add_argument("--port", type=int, default=8501, help="port to listen on (default 8501)")
    p.add_argument("--address", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--read-only", action="store_true", help="hide the Update page and refuse every write")
    p.add_argument("--auth", action="store_true",
                   help="serve behind sign-in with the organisation's identity provider (OpenID Connect); roles "
                        "from workspace.yaml 'access:'")
    p.add_argument("--secrets", type=Path, default=None, metavar="FILE",
                   help="Streamlit secrets file with the [auth] settings (default .streamlit/secrets.toml)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `indicators` console script.

    Everything it prints goes through `escape.TerminalStream`, the one place the CLI's output passes:
    a control character in the data (a snapshot, a file from an older version) is shown as `\\u001b`,
    never sent raw to the terminal, where an escape sequence could clear the screen or rewrite lines."""
    from indicators.reports.escape import TerminalStream

    stdout, stderr = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = TerminalStream(stdout), TerminalStream(stderr)
    try:
        return _run(argv)
    finally:
        sys.stdout, sys.stderr = stdout, stderr


def _run(argv: Sequence[str] | None) -> int:
    """Parse the command line and run the verb: exit status 0, 1 (problems), 2 (usage) or 3 (alerts)."""
    args = build_parser().parse_args(argv)
    for text in settings.environment_problems():
        print(f"warning: {text}", file=sys.stderr)
    if getattr(args, "data", "absent") is None:
        args.data = default_data()
    try:
        return args.func(args)
    except ProblemsError as refused:  # any refusal a verb did not word itself: its problems, never a traceback
        for problem in refused.problems:
            print(problem.format(), file=sys.stderr)
        return EXIT_PROBLEMS
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
