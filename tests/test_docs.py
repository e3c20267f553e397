"""The README, tested against the code: its verb table, its console transcripts and its file links.

Console transcripts (the README's ```console blocks) are run and compared with what they show:

- Each `$ …` line is a command; a line ending in `\\` continues on the next. The lines up to the next
  `$` are what the command prints, standard output and standard error interleaved as in a terminal.
- A line `…` stands for one or more omitted lines. Trailing spaces do not count.
- Commands run: `indicators …` (as `python -m indicators.cli …`), `git …` and `export NAME=value`
  (which sets the variable for the block's later commands). Anything else fails the test: run
  it here or mark the block illustrative.
- A block whose commands are all `indicators validate|status|diff|show|list|search` runs from the
  repository root on the default data. Any other block may write (`--commit`, `-o`, `--save`…), so
  it runs in a temporary folder holding a copy of `data/` and of `tests/fixtures/living` in a fresh
  git repository; its relative paths mean the same there.
- Commit hashes differ in every repository: in the output of a `git` command, a 7- to 40-digit
  hexadecimal word at the start of a line matches any hash.
- Output must not depend on today: `status`, `show`, `list`, `search` and `export` must be given
  `--as-of`, `diff --from` must be given `--to`, `record`, `assess` and `judge` must be given `--date`.
- A block preceded by the line `<!-- transcript: illustrative -->` is not run (for output no test
  can reproduce). This is the only way a block is skipped, and it is visible in the README.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from indicators.cli import build_parser

from tests.conftest import ROOT

README = ROOT / "README.md"
LIVING = ROOT / "tests" / "fixtures" / "living"  # the README's living-checklist examples write to a copy
TRACK = ROOT / "tests" / "fixtures" / "track"  # … and so does its track-record example
ASSUMPTIONS = ROOT / "tests" / "fixtures" / "assumptions"  # … its key-assumptions example
RATINGS = ROOT / "tests" / "fixtures" / "ratings"  # … and its example of analysts' own ratings (read only)
ILLUSTRATIVE = "<!-- transcript: illustrative -->"
GAP = "…"
READ_ONLY_VERBS = {"validate", "status", "diff", "show", "list", "search"}
HASH = re.compile(r"^[0-9a-f]{7,40}\b")
DATED = {"status": "--as-of", "export": "--as-of", "show": "--as-of", "list": "--as-of", "search": "--as-of",
         "record": "--date", "assess": "--date", "judge": "--date", "review": "--date", "withdraw": "--date",
         "retire": "--date", "add-indicator": "--date", "add-scenario": "--date", "alerts": "--as-of",
         "resolve": "--date", "add-assumption": "--date", "check-assumption": "--date"}


@dataclass
class Command:
    text: str  # as written after "$ ", continuation lines joined
    argv: list[str]
    shown: list[str] = field(default_factory=list)  # the lines the README shows it printing


@dataclass
class Transcript:
    line: int  # of the ```console fence, 1-based
    commands: list[Command]
    illustrative: bool

    @property
    def read_only(self) -> bool:
        return all(c.argv[:1] == ["indicators"] and len(c.argv) > 1 and c.argv[1] in READ_ONLY_VERBS
                   and "--save" not in c.argv and "-o" not in c.argv and "--output" not in c.argv
                   for c in self.commands)


def transcripts(text: str) -> list[Transcript]:
    lines = text.splitlines()
    found: list[Transcript] = []
    previous = ""
    n = 0
    while n < len(lines):
        if lines[n].strip() != "```console":
            if lines[n].strip():
                previous = lines[n].strip()
            n += 1
            continue
        fence, n = n + 1, n + 1
        commands: list[Command] = []
        while n < len(lines) and lines[n].strip() != "```":
            line = lines[n].rstrip()
            n += 1
            if line.startswith("$ "):
                text_ = line[2:]
                while text_.endswith("\\") and n < len(lines):
                    text_ = text_[:-1].rstrip() + " " + lines[n].strip()
                    n += 1
                commands.append(Command(text_, shlex.split(text_, comments=True)))
            elif commands:
                commands[-1].shown.append(line)
            else:
                raise AssertionError(f"README.md:{n}: a console block must start with a '$ ' command line")
        found.append(Transcript(fence, commands, previous == ILLUSTRATIVE))
        previous = ""
        n += 1
    return found


def shows(shown: list[str], printed: list[str], hashes: bool = False) -> bool:
    """True when the printed lines are what the README shows, each `…` standing for one line or more."""
    def same(want: str, got: str) -> bool:
        if hashes and HASH.match(want) and HASH.match(got):
            want, got = HASH.sub("", want), HASH.sub("", got)
        return want.rstrip() == got.rstrip()

    def at(segment: list[str], start: int) -> bool:
        return start + len(segment) <= len(printed) and all(
            same(w, g) for w, g in zip(segment, printed[start:start + len(segment)]))

    segments: list[list[str]] = [[]]
    for line in shown:
        if line.strip() == GAP:
            segments.append([])
        else:
            segments[-1].append(line)
    first, *middle, last = segments if len(segments) > 1 else (segments[0], segments[0])
    if len(segments) == 1:
        return len(shown) == len(printed) and at(shown, 0)
    if not at(first, 0) or not at(last, len(printed) - len(last)):
        return False
    position, end = len(first) + 1, len(printed) - len(last) - 1  # each gap hides at least one line
    for segment in middle:
        while position + len(segment) <= end and not at(segment, position):
            position += 1
        if position + len(segment) > end:
            return False
        position += len(segment) + 1
    return position - 1 <= end


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("INDICATORS_", "GIT_")) and k not in {"SOURCE_DATE_EPOCH", "VIRTUAL_ENV"}}
    return {**env, "PYTHONUNBUFFERED": "1", "INDICATORS_CACHE_DIR": str(home / "cache"),
            "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": "Docs Test", "GIT_AUTHOR_EMAIL": "docs@example.org",
            "GIT_COMMITTER_NAME": "Docs Test", "GIT_COMMITTER_EMAIL": "docs@example.org"}


def _copy_of_the_data(folder: Path, env: dict[str, str]) -> Path:
    shutil.copytree(ROOT / "data", folder / "data")
    shutil.copytree(LIVING, folder / LIVING.relative_to(ROOT))
    for fixture in (TRACK, ASSUMPTIONS, RATINGS):
        shutil.copytree(fixture, folder / fixture.relative_to(ROOT))
    for command in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-q", "-m", "data"]):
        subprocess.run(command, cwd=folder, env=env, check=True, capture_output=True)
    return folder


@dataclass
class Run:
    cwd: Path
    printed: list[list[str]]  # per command


def run(transcript: Transcript, home: Path) -> Run:
    env = _env(home)
    cwd = ROOT if transcript.read_only else _copy_of_the_data(home / "copy", env)
    printed = []
    for command in transcript.commands:
        where = f"README.md:{transcript.line}: `{command.text}`"
        argv = command.argv
        if argv[:1] == ["export"] and len(argv) == 2 and "=" in argv[1]:
            name, value = argv[1].split("=", 1)
            env[name] = value
            printed.append([])
            continue
        if argv[:1] == ["indicators"]:
            assert argv[1:2] != ["serve"], f"{where}: a server never returns: mark the block {ILLUSTRATIVE}"
            verb = argv[1] if len(argv) > 1 else ""
            needs = "--to" if verb == "diff" and "--from" in argv else DATED.get(verb)
            assert needs is None or needs in argv, f"{where}: give it {needs}, or its output changes with the calendar"
            argv = [sys.executable, "-m", "indicators.cli", *argv[1:]]
        elif argv[:1] != ["git"]:
            pytest.fail(f"{where}: this test runs only `indicators …`, `git …` and `export NAME=value`; "
                        f"run this another way or mark the block {ILLUSTRATIVE}")
        done = subprocess.run(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              timeout=300)
        lines = done.stdout.splitlines()
        while lines and not lines[-1].strip():
            lines.pop()
        printed.append(lines)
    return Run(cwd, printed)


TRANSCRIPTS = transcripts(README.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Run]:
    """Each transcript is run once per session, on first use."""
    cache: dict[int, Run] = {}

    def get(transcript: Transcript) -> Run:
        if transcript.line not in cache:
            cache[transcript.line] = run(transcript, tmp_path_factory.mktemp(f"readme-{transcript.line}"))
        return cache[transcript.line]

    return get  # type: ignore[return-value]


# --- the transcripts ----------------------------------------------------------------------------------

def test_the_readme_has_transcripts_that_run() -> None:
    """Guards against a parser that finds nothing: the README's transcripts are found and most run."""
    runnable = [t for t in TRANSCRIPTS if not t.illustrative]
    assert len(runnable) >= 4
    verbs = {c.argv[1] for t in runnable for c in t.commands if c.argv[:1] == ["indicators"]}
    assert {"validate", "status", "record", "assess", "export", "diff"} <= verbs


@pytest.mark.parametrize("transcript", [t for t in TRANSCRIPTS if not t.illustrative],
                         ids=lambda t: f"README.md:{t.line}")
def test_console_transcript_matches_what_the_commands_print(transcript: Transcript, ran) -> None:
    result = ran(transcript)
    for command, printed in zip(transcript.commands, result.printed, strict=True):
        if not shows(command.shown, printed, hashes=command.argv[:1] == ["git"]):
            pytest.fail(f"README.md:{transcript.line}: `$ {command.text}` (run in {result.cwd}) printed\n\n"
                        + "\n".join(printed) + "\n\nbut the README shows\n\n" + "\n".join(command.shown)
                        + f"\n\n('{GAP}' stands for one or more omitted lines)")


def test_the_diff_shown_is_what_the_transcripts_assessment_commits(ran) -> None:
    """The ```diff block after the update transcript is what `git show` prints for its last commit."""
    text = README.read_text(encoding="utf-8")
    update = next(t for t in TRANSCRIPTS if any(c.argv[:2] == ["indicators", "assess"] for c in t.commands))
    shown = re.search(r"```diff\n(.*?)\n```", text, re.S)
    assert shown, "README.md has no ```diff block"
    result = ran(update)
    patch = subprocess.run(["git", "show", "--format=", "HEAD"], cwd=result.cwd, capture_output=True, text=True,
                           check=True).stdout.splitlines()
    hunk = shown.group(1).splitlines()
    assert any(patch[n:n + len(hunk)] == hunk for n in range(len(patch))), "\n".join(patch)
    assert all(line.startswith(("@@", " ", "+")) for line in hunk), "an update adds lines only"


# --- the transcript rules themselves -------------------------------------------------------------------

def test_transcripts_are_parsed_with_continuations_comments_and_the_illustrative_mark() -> None:
    text = "\n".join([
        "```console", "$ indicators status --data data \\", "    --as-of 2024-01-01   # a comment", "one", "…",
        "$ git log -1", "abc1234 message", "```", "", ILLUSTRATIVE, "", "```console", "$ indicators serve", "```",
        "```sh", "$ not a transcript", "```"])
    first, second = transcripts(text)
    assert first.line == 1 and not first.illustrative and first.read_only is False
    assert [c.argv for c in first.commands] == [["indicators", "status", "--data", "data", "--as-of", "2024-01-01"],
                                                ["git", "log", "-1"]]
    assert first.commands[0].shown == ["one", GAP] and first.commands[1].shown == ["abc1234 message"]
    assert second.illustrative and second.commands[0].argv == ["indicators", "serve"]


@pytest.mark.parametrize("shown, printed, expected", [
    (["a", "b"], ["a", "b"], True),
    (["a", "b"], ["a", "b", "c"], False),                  # no gap: every line is shown
    (["a", "b "], ["a", "b"], True),                        # trailing spaces do not count
    (["a", GAP], ["a", "b", "c"], True),
    (["a", GAP], ["a"], False),                             # a gap hides at least one line
    ([GAP, "c"], ["a", "b", "c"], True),
    (["a", GAP, "c"], ["a", "x", "y", "c"], True),
    (["a", GAP, "c"], ["a", "c"], False),
    (["a", GAP, "x", GAP, "c"], ["a", "w", "x", "y", "c"], True),
    (["a", GAP, "x", GAP, "c"], ["a", "x", "y", "c"], False),
    (["a", GAP, "y", "x", GAP], ["a", "w", "x", "y", "z"], False),  # order counts
    (["a", "c"], ["a", "b", "c"], False),                   # an omission must be shown as a gap
    ([], [], True),
    ([], ["something"], False),                             # a command shown printing nothing prints nothing
])
def test_shown_lines_match_with_gaps(shown: list[str], printed: list[str], expected: bool) -> None:
    assert shows(shown, printed) is expected


def test_commit_hashes_match_any_hash_only_for_git() -> None:
    assert shows(["e9e0db7 Assessment X"], ["c5b1392 Assessment X"], hashes=True)
    assert not shows(["e9e0db7 Assessment X"], ["c5b1392 Assessment Y"], hashes=True)
    assert not shows(["e9e0db7 Assessment X"], ["c5b1392 Assessment X"], hashes=False)


# --- the verb table ------------------------------------------------------------------------------------

def _section(text: str, heading: str) -> str:
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    assert match, f"README.md has no section '## {heading}'"
    return match.group(1)


def test_the_verb_table_lists_exactly_the_verbs_the_cli_has() -> None:
    section = _section(README.read_text(encoding="utf-8"), "The board from the command line")
    listed = re.findall(r"^\| `([a-z][a-z-]*)` \|", section, re.M)
    parser = build_parser()
    verbs = next(a for a in parser._actions if a.dest == "verb").choices
    assert len(listed) == len(set(listed)), f"listed twice: {sorted(v for v in listed if listed.count(v) > 1)}"
    assert not set(verbs) - set(listed), f"verbs missing from the README's table: {sorted(set(verbs) - set(listed))}"
    assert not set(listed) - set(verbs), f"the README lists verbs the CLI lacks: {sorted(set(listed) - set(verbs))}"


# --- files the README names -----------------------------------------------------------------------------

def tree_paths(block: str) -> list[str]:
    """The paths a folder tree (``` block without a language) shows: `name/` opens a folder, its
    entries are indented under it; a name is followed by the line's end or two spaces and its
    description. Description lines (words separated by single spaces) are not entries."""
    paths: list[str] = []
    folders: list[tuple[int, str]] = []
    for line in block.splitlines():
        entry = re.match(r"^( *)([\w.*/-]+)(?: {2,}.*)?$", line)
        if not entry:
            continue
        indent = len(entry.group(1))
        while folders and folders[-1][0] >= indent:
            folders.pop()
        path = (folders[-1][1] if folders else "") + entry.group(2)
        paths.append(path)
        if path.endswith("/"):
            folders.append((indent, path))
    return paths


def test_folder_trees_are_read_by_indentation() -> None:
    block = "data/\n  a.yaml     what a is\n             and more of it\n  sub/*.yaml  many\nschema/     s\n"
    assert tree_paths(block) == ["data/", "data/a.yaml", "data/sub/*.yaml", "schema/"]
    trees, prose = split_trees("a\n```\nx/\n```\nb\n```sh\ny\n```\nc\n")
    assert trees == ["x/"] and prose.split() == ["a", "b", "y", "c"]


def split_trees(text: str) -> tuple[list[str], str]:
    """The ``` blocks without a language (folder trees), and the text without them."""
    trees: list[list[str]] = []
    prose: list[str] = []
    fence = None  # the opening line of the block we are in
    for line in text.splitlines():
        if line.startswith("```"):
            fence = line if fence is None else None
            if fence == "```":
                trees.append([])
            continue
        (trees[-1] if fence == "```" else prose).append(line)
    return ["\n".join(tree) for tree in trees], "\n".join(prose)


def _exists(path: str) -> bool:
    return any(ROOT.glob(path)) if "*" in path else (ROOT / path).exists()


def test_every_file_the_readme_links_or_names_exists() -> None:
    text = README.read_text(encoding="utf-8")
    trees, prose = split_trees(text)
    links = [t.split("#")[0] for t in re.findall(r"\]\(([^)\s]+)\)", prose)
             if not re.match(r"[a-z]+:|#", t)]
    python_files = re.findall(r"(?<![\w./:-])((?:[\w.-]+/)*\w+\.py)\b", prose)
    modules = [m.replace(".", "/") + ".py"
               for m in re.findall(r"python3? -m ((?:benchmarks|indicators)[\w.]*)", prose)]
    in_trees = [path for block in trees for path in tree_paths(block)]
    # the patterns find what is there (a pattern that finds nothing would pass any README)
    assert len(links) >= 3 and len(python_files) >= 3 and modules and "indicators/cli.py" in in_trees
    missing = sorted({p for p in [*links, *python_files, *modules, *in_trees] if not _exists(p)})
    assert missing == [], f"README.md names files that do not exist: {missing}"
