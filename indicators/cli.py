"""The `indicators` command line: a thin layer over the library.

Exit status: 0 when there are no errors, 1 when the data has errors (or a write is refused),
2 for wrong usage. Problems print as `path:line:column: error|warning: message — hint`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import Any, Callable, Sequence

import pandas as pd

from . import board
from .load import Workspace, load_workspace
from .schema import save_schemas, stale_schemas

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; write YYYY-MM-DD") from None


def default_data() -> Path:
    """`$INDICATORS_DATA`, else ./data."""
    return Path(os.environ.get("INDICATORS_DATA") or "data")


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


def _print_problems(ws: Workspace, stream: Any = sys.stderr) -> None:
    for problem in ws.problems:
        print(problem.format(), file=stream)


def _jsonable(value: Any) -> Any:
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
    ws = load_workspace(args.data)
    if args.json:
        print(json.dumps({"valid": not ws.errors, "errors": len(ws.errors), "warnings": len(ws.warnings),
                          "problems": [p.to_dict() for p in ws.problems]}, indent=2))
    else:
        _print_problems(ws, sys.stdout)
        state = "invalid" if ws.errors else "valid"
        print(f"{args.data}: {state}: {len(ws.indicators)} indicators, {len(ws.scenarios)} scenarios, "
              f"{len(ws.errors)} errors, {len(ws.warnings)} warnings")
    return EXIT_PROBLEMS if ws.errors else EXIT_OK


def status_report(ws: Workspace, as_of: dt.date) -> dict[str, Any]:
    """The board as of a date, as plain data (what `status --json` prints)."""
    levels = board.warning_levels(ws, as_of)
    status = board.status_as_of(ws, as_of)
    scenarios = []
    for sid, row in levels.iterrows():
        judgment = None
        if isinstance(row.get("likelihood"), str):
            judgment = {"date": _jsonable(row["judged"]), "likelihood": row["likelihood"],
                        "confidence": row["confidence"], "analyst": row["analyst"], "rationale": row["rationale"]}
        scenarios.append({"id": sid, "title": row["title"], "score": round(float(row["score"]), 4),
                          "level": row["level"], "level_label": row["label"], "trend": row["trend"],
                          "judgment": judgment})
    indicators = [
        {"id": iid, "title": row["title"], "theme": row["theme"], "priority": row["priority"], "status": row["status"],
         "confidence": _jsonable(row["confidence"]), "last_assessed": _jsonable(row["last_assessed"]),
         "overdue": bool(row["overdue"]), "stale": bool(row["stale"]), "indications": int(row["indications"])}
        for iid, row in status.iterrows()
    ]
    return {"workspace": ws.meta.title, "marking": str(ws.meta.marking), "as_of": as_of.isoformat(),
            "counts": board.counts(status), "scenarios": scenarios, "indicators": indicators,
            "errors": len(ws.errors), "warnings": len(ws.warnings)}


def cmd_status(args: argparse.Namespace) -> int:
    ws = load_workspace(args.data)
    as_of = args.as_of or dt.date.today()
    report = status_report(ws, as_of)
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        _print_problems(ws)
        print(f"{report['workspace']} — TLP:{report['marking']} — as of {report['as_of']}")
        c = report["counts"]
        print(f"{c['indicators']} indicators: {c['observed']} observed, {c['emerging']} emerging, "
              f"{c['negated']} negated, {c['overdue']} overdue, {c['stale']} stale\n")
        print("SCENARIOS")
        for s in report["scenarios"]:
            j = s["judgment"]
            judged = f"{j['likelihood']} ({j['confidence']} confidence, {j['date']})" if j else "no judgment"
            print(f"  {s['id']:<20} {s['level_label']:<10} {s['trend']:<13} score {s['score']:.2f}  {judged}")
        print("\nINDICATORS")
        for i in report["indicators"]:
            flags = " ".join(f for f, on in (("OVERDUE", i["overdue"]), ("stale", i["stale"])) if on)
            print(f"  {i['id']:<8} {i['status']:<13} {i['confidence'] or '-':<9} {i['last_assessed'] or 'never':<11} "
                  f"{i['title'][:60]}  {flags}".rstrip())
    return EXIT_PROBLEMS if ws.errors else EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    if args.check:
        stale = stale_schemas(args.out)
        for path in stale:
            print(f"{path}: out of date — run 'indicators schema --out {args.out}'", file=sys.stderr)
        return EXIT_PROBLEMS if stale else EXIT_OK
    for path in save_schemas(args.out):
        print(path)
    return EXIT_OK


def serve_command(data: Path, port: int, address: str) -> list[str]:
    """The `streamlit run` command line that serves the board (offline settings forced)."""
    entry = Path(__file__).resolve().parent / "app" / "entry.py"
    return [sys.executable, "-m", "streamlit", "run", str(entry),
            "--server.port", str(port), "--server.address", address, "--server.headless", "true",
            "--browser.gatherUsageStats", "false", "--client.toolbarMode", "minimal",
            "--", "--data", str(data.resolve())]


def cmd_serve(args: argparse.Namespace) -> int:
    env = dict(os.environ, INDICATORS_DATA=str(args.data.resolve()))
    if args.read_only:
        env["INDICATORS_READ_ONLY"] = "1"
    command = serve_command(args.data, args.port, args.address)
    print(f"Serving {args.data} at http://{args.address}:{args.port}  (Ctrl+C to stop)", flush=True)
    import subprocess

    return subprocess.call(command, env=env)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="indicators", description="Indicator & warning board: validate, inspect and serve "
                     "a workspace of indicator checklists.", formatter_class=argparse.RawDescriptionHelpFormatter,
                     epilog="Run 'indicators VERB --help' for each verb's options and an example.")
    verbs = parser.add_subparsers(dest="verb", metavar="VERB", parser_class=_Parser)
    verbs.required = True

    def verb(name: str, func: Callable[[argparse.Namespace], int], help_text: str, example: str) -> argparse.ArgumentParser:
        p = verbs.add_parser(name, help=help_text, description=help_text, epilog=f"example:\n  {example}",
                             formatter_class=argparse.RawDescriptionHelpFormatter)
        p.set_defaults(func=func)
        return p

    p = verb("validate", cmd_validate, "Check every file of a workspace and list its problems with their locations.",
             "indicators validate --data data")
    _common(p, as_of=False)
    p = verb("status", cmd_status, "Show each scenario's warning level and each indicator's status as of a date.",
             "indicators status --data data --as-of 2023-09-28")
    _common(p)
    p = verb("schema", cmd_schema, "Write the JSON Schemas of the workspace files (for YAML-aware editors).",
             "indicators schema --out schema")
    p.add_argument("--out", type=Path, default=Path("schema"), metavar="DIR", help="folder to write to (default ./schema)")
    p.add_argument("--check", action="store_true", help="exit 1 if the schemas in DIR are out of date; write nothing")
    p = verb("serve", cmd_serve, "Start the board in the browser (Streamlit) on a workspace.",
             "indicators serve --data data --port 8501")
    _common(p, as_of=False, json_out=False)
    p.add_argument("--port", type=int, default=8501, help="port to listen on (default 8501)")
    p.add_argument("--address", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--read-only", action="store_true", help="hide the Update page and refuse every write")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `indicators` console script."""
    args = build_parser().parse_args(argv)
    if getattr(args, "data", "absent") is None:
        args.data = default_data()
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
