"""Updates: only added lines, validated before writing, atomic, safe under concurrency."""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from indicators.cli import main
from indicators.editing import updates
from indicators.workspace.load import load_workspace

from tests.conftest import FIXTURES

STYLED = FIXTURES / "styled"


@pytest.fixture
def styled(tmp_path: Path) -> Path:
    return Path(shutil.copytree(STYLED, tmp_path / "styled"))


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURES / "tiny", tmp_path / "tiny"))


def changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    """(removed, added) lines between two texts."""
    diff = list(difflib.ndiff(before.splitlines(), after.splitlines()))
    return [d[2:] for d in diff if d.startswith("- ")], [d[2:] for d in diff if d.startswith("+ ")]


def digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*.yaml"))}


def test_updates_to_a_hand_styled_file_only_add_lines(styled: Path, capsys) -> None:
    data = ["--data", str(styled), "--analyst", "Tess"]
    assert main(["record", "ST-01", *data, "--date", "2024-02-01", "--summary", "Second: report", "--source", "Wire",
                 "--reliability", "C", "--credibility", "3"]) == 0
    assert main(["record", "ST-02", *data, "--date", "2024-02-02", "--summary", "on", "--source", "Wire",
                 "--reliability", "C", "--credibility", "3", "--value", "5", "--unit", "ships"]) == 0
    assert main(["assess", "ST-01", *data, "--date", "2024-02-03", "--status", "observed", "--confidence", "high",
                 "--rationale", "Two reports.\nBoth credible.", "--cites", "ST-01.1", "ST-01.2"]) == 0
    assert main(["judge", "AA", *data, "--date", "2024-02-04", "--likelihood", "likely", "--confidence", "moderate",
                 "--rationale", "Observed"]) == 0
    assert capsys.readouterr().out.split() == ["ST-01.2", "ST-02.1", "ST-01@2024-02-03", "AA@2024-02-04"]
    for name in ("indicators/styled.yaml", "workspace.yaml"):
        removed, added = changed_lines((STYLED / name).read_text(), (styled / name).read_text())
        assert removed == [], name
        assert added, name
    ws = load_workspace(styled)
    assert ws.problems == []
    st01 = ws.indicator_by_id["ST-01"]
    assert st01.assessments[-1].rationale == "Two reports.\nBoth credible.\n"
    assert [o.id for o in st01.indications] == ["ST-01.1", "ST-01.2"]
    assert ws.indicator_by_id["ST-02"].indications[0].summary == "on"  # quoted, not read as True
    assert ws.indicator_by_id["ST-02"].indications[0].value == 5
    assert ws.scenario_by_id["AA"].judgments[-1].analyst == "Tess"


def test_an_empty_flow_list_is_the_one_changed_line(styled: Path) -> None:
    assert main(["judge", "BB", "--data", str(styled), "--date", "2024-02-04", "--likelihood", "unlikely",
                 "--confidence", "low", "--rationale", "Nothing yet"]) == 0
    removed, added = changed_lines((STYLED / "workspace.yaml").read_text(), (styled / "workspace.yaml").read_text())
    assert removed == ["  judgments: []   # none yet"]
    assert added[0] == "  judgments:  # none yet" and len(added) == 6
    assert load_workspace(styled).scenario_by_id["BB"].judgments[0].rationale == "Nothing yet"


def test_plan_shows_the_diff_and_writes_nothing(tiny: Path) -> None:
    before = digest(tiny)
    planned = updates.plan_indication(load_workspace(tiny), "TT-02", date=dt.date(2024, 5, 1), summary="Seen again",
                                   source="Wire", reliability="B", credibility=2, analyst="Ann")
    assert planned.new_id == "TT-02.1"
    assert "+      - id: TT-02.1" in planned.diff() or "+    indications:" in planned.diff()
    assert digest(tiny) == before
    updates.apply_edit(planned)
    assert load_workspace(tiny).indicator_by_id["TT-02"].indications[0].id == "TT-02.1"


def test_conflict_when_the_file_changed_since_it_was_read(tiny: Path) -> None:
    planned = updates.plan_assessment(load_workspace(tiny), "TT-02", status="negated", confidence="low",
                                   rationale="Retracted.", analyst="Ann", date=dt.date(2024, 5, 1))
    path = tiny / "indicators" / "core.yaml"
    path.write_text(path.read_text() + "# an analyst's hand edit\n")
    with pytest.raises(updates.EditRefused) as refused:
        updates.apply_edit(planned)
    assert refused.value.problems[0].code == "conflict"
    assert path.read_text().endswith("# an analyst's hand edit\n")


BAD_INPUTS = [
    (["record", "NO-99", "--summary", "x", "--source", "s", "--reliability", "B", "--credibility", "2"],
     "no indicator 'NO-99'"),
    (["record", "TT-01", "--summary", "x", "--source", "s", "--reliability", "Z", "--credibility", "2"],
     "'Z' is not an allowed reliability"),
    (["record", "TT-01", "--summary", "x", "--source", "s", "--reliability", "B", "--credibility", "9"], "credibility"),
    (["record", "TT-01", "--summary", "x", "--source", "s", "--reliability", "B", "--credibility", "2",
      "--url", "javascript:alert(1)"], "http"),
    (["record", "TT-01", "--summary", "x", "--source", "s", "--reliability", "B", "--credibility", "2",
      "--unit", "ships"], "'unit' is given without a 'value'"),
    (["record", "TT-01", "--summary", "x", "--source", "s", "--reliability", "B", "--credibility", "2",
      "--date", "2999-01-01"], "in the future"),
    (["record", "TT-01", "--summary", "x", "--source", "s", "--reliability", "B", "--credibility", "2",
      "--date", "yesterday"], "is not a date"),
    (["record", "TT-01", "--summary", "x", "--source", "s", "--reliability", "B", "--credibility", "2",
      "--marking", "PINK"], "'PINK' is not an allowed marking"),
    (["assess", "TT-01", "--status", "seen", "--confidence", "high", "--rationale", "r"],
     "'seen' is not an allowed status"),
    (["assess", "TT-01", "--status", "observed", "--confidence", "sure", "--rationale", "r"], "confidence"),
    (["assess", "TT-01", "--status", "observed", "--confidence", "high", "--rationale", ""], "rationale"),
    (["assess", "TT-01", "--status", "observed", "--confidence", "high", "--rationale", "r", "--cites", "TT-09.1"],
     "cites unknown indication 'TT-09.1'"),
    (["assess", "TT-01", "--status", "observed", "--confidence", "high", "--rationale", "r", "--date", "2024-01-06",
      "--cites", "TT-01.2"], "cites 'TT-01.2', dated 2024-02-20"),
    (["assess", "TT-01", "--status", "observed", "--confidence", "high", "--rationale", "r", "--cites", "bad id"],
     "is not an indication id"),
    (["judge", "ZZ", "--likelihood", "likely", "--confidence", "low", "--rationale", "r"], "no scenario 'ZZ'"),
    (["judge", "AA", "--likelihood", "probable", "--confidence", "low", "--rationale", "r"],
     "'probable' is not an allowed likelihood"),
    (["assess", "TT-01", "--status", "observed", "--confidence", "high", "--rationale", " \n\t "],
     "rationale is empty or only white space"),
    (["record", "TT-01", "--summary", "   ", "--source", "s", "--reliability", "B", "--credibility", "2"],
     "summary is empty or only white space"),
    (["record", "TT-01", "--date", "2024-01-05", "--summary", "First sighting.", "--source", "Wire",
      "--reliability", "A", "--credibility", "1"], "repeats TT-01.1 (same date, summary and source)"),
    (["assess", "TT-02", "--status", "observed", "--confidence", "high", "--rationale", "r", "--cites", "TT-01.1"],
     "cites 'TT-01.1', an indication of TT-01"),
    (["record", "TT-01", "--summary", "x", "--source", "s", "--reliability", "B", "--credibility", "2",
      "--value", "3", "--unit", "trains"], "but TT-01.2 set the series' unit to 'launches'"),
]
DATE = "2024-03-01"  # rows without a --date of their own get this one: --date is required


@pytest.mark.parametrize(("args", "message"), BAD_INPUTS,
                         ids=[" ".join(a[:2]) + f"-{i}" for i, (a, _) in enumerate(BAD_INPUTS)])
def test_invalid_input_exits_1_names_the_problem_and_changes_no_byte(tiny: Path, capsys, args, message) -> None:
    before = digest(tiny)
    dated = args if "--date" in args else [*args, "--date", DATE]
    assert main([*dated, "--data", str(tiny)]) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert digest(tiny) == before


def test_read_only_refuses_every_write(tiny: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("INDICATORS_READ_ONLY", "1")
    before = digest(tiny)
    assert main(["judge", "AA", "--data", str(tiny), "--date", "2024-05-01", "--likelihood", "likely",
                 "--confidence", "low", "--rationale", "r"]) == 1
    assert "read-only" in capsys.readouterr().err
    planned = updates.plan_judgment(load_workspace(tiny), "AA", likelihood="likely", confidence="low", rationale="r",
                                 analyst="A", date=dt.date(2024, 5, 1))
    with pytest.raises(updates.EditRefused):
        updates.apply_edit(planned)
    assert digest(tiny) == before


def test_fifty_concurrent_writers_lose_nothing(tiny: Path) -> None:
    procs = [subprocess.Popen([sys.executable, "-m", "indicators.cli", "record", "TT-02", "--data", str(tiny),
                               "--date", "2024-05-01", "--summary", f"Report number {n}", "--source", f"Source {n}",
                               "--reliability", "C", "--credibility", "3", "--analyst", f"analyst-{n}"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for n in range(50)]
    results = [(p.wait(timeout=600), p.stdout.read(), p.stderr.read()) for p in procs]
    assert [r[0] for r in results] == [0] * 50, [r[2] for r in results if r[0]]
    ids = sorted(r[1].strip() for r in results)
    assert len(set(ids)) == 50
    ws = load_workspace(tiny)
    assert ws.errors == []
    summaries = {o.summary for o in ws.indicator_by_id["TT-02"].indications}
    assert summaries == {f"Report number {n}" for n in range(50)}
    assert sorted(o.id for o in ws.indicator_by_id["TT-02"].indications) == ids


def test_commit_in_a_git_repository(tiny: Path, capsys) -> None:
    git = ["git", "-C", str(tiny), "-c", "user.name=Test", "-c", "user.email=test@example.org"]
    subprocess.run(["git", "init", "-q", str(tiny)], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "start"], check=True)
    env_ok = subprocess.run(["git", "-C", str(tiny), "config", "user.email"], capture_output=True).returncode == 0
    if not env_ok:
        subprocess.run(["git", "-C", str(tiny), "config", "user.email", "test@example.org"], check=True)
        subprocess.run(["git", "-C", str(tiny), "config", "user.name", "Test"], check=True)
    assert main(["judge", "AA", "--data", str(tiny), "--likelihood", "very likely", "--confidence", "high",
                 "--rationale", "Confirmed", "--analyst", "Ann", "--date", "2024-05-01", "--commit"]) == 0
    log = subprocess.run(["git", "-C", str(tiny), "log", "-1", "--format=%s%n%b"], capture_output=True,
                         text=True).stdout
    assert log.startswith("Judgment AA@2024-05-01 (AA) by Ann") and "Analyst: Ann" in log
    status = subprocess.run(["git", "-C", str(tiny), "status", "--porcelain"], capture_output=True, text=True).stdout
    assert status == ""


def test_commit_outside_a_repository_is_refused_after_saving(tiny: Path, capsys) -> None:
    assert main(["judge", "AA", "--data", str(tiny), "--likelihood", "likely", "--confidence", "high",
                 "--rationale", "r", "--date", "2024-05-01", "--commit"]) == 1
    assert "not in a git repository" in capsys.readouterr().err


def test_analyst_defaults_to_environment(tiny: Path, monkeypatch) -> None:
    monkeypatch.setenv("INDICATORS_ANALYST", "Env Analyst")
    assert main(["judge", "AA", "--data", str(tiny), "--likelihood", "likely", "--confidence", "high",
                 "--rationale", "r", "--date", "2024-05-01"]) == 0
    assert load_workspace(tiny).scenario_by_id["AA"].judgments[-1].analyst == "Env Analyst"


def test_app_and_cli_writing_at_once_lose_nothing(tiny: Path) -> None:
    """CLI processes and app-style writers (preview, then save; preview again on a conflict) together."""
    import threading

    procs = [subprocess.Popen([sys.executable, "-m", "indicators.cli", "record", "TT-03", "--data", str(tiny),
                               "--date", "2024-05-01", "--summary", f"CLI report {n}", "--source", "Wire",
                               "--reliability", "C", "--credibility", "3"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for n in range(10)]
    conflicts: list[int] = []

    def app_user(n: int) -> None:
        while True:
            planned = updates.plan_indication(load_workspace(tiny), "TT-03", date=dt.date(2024, 5, 2),
                                           summary=f"App report {n}", source="Form", reliability="B",
                                           credibility=2, analyst=f"user-{n}")
            try:
                updates.apply_edit(planned)
                return
            except updates.EditRefused as refused:
                assert refused.problems[0].code == "conflict"
                conflicts.append(n)

    users = [threading.Thread(target=app_user, args=(n,)) for n in range(5)]
    for user in users:
        user.start()
    for user in users:
        user.join(timeout=600)
    assert [p.wait(timeout=600) for p in procs] == [0] * 10
    ws = load_workspace(tiny)
    assert ws.errors == []
    summaries = sorted(o.summary for o in ws.indicator_by_id["TT-03"].indications)
    assert summaries == sorted([f"CLI report {n}" for n in range(10)] + [f"App report {n}" for n in range(5)])
    assert len({o.id for o in ws.indicator_by_id["TT-03"].indications}) == 15


def _hold_lock(path: Path) -> subprocess.Popen:
    """Another process that takes the file's write lock and keeps it until killed."""
    script = ("import sys, time; from pathlib import Path; from indicators.editing.updates import _lock_for; "
              "lock = _lock_for(Path(sys.argv[1])); lock.acquire(); print('held', flush=True); time.sleep(600)")
    holder = subprocess.Popen([sys.executable, "-c", script, str(path)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    return holder


def test_a_lock_held_by_another_writer_is_a_clear_refusal(tiny: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("INDICATORS_LOCK_TIMEOUT", "0.3")
    before = digest(tiny)
    holder = _hold_lock(tiny / "indicators" / "core.yaml")
    try:
        code = main(["record", "TT-02", "--data", str(tiny), "--date", "2024-05-01", "--summary", "Seen",
                     "--source", "Wire", "--reliability", "C", "--credibility", "3"])
        err = capsys.readouterr().err
        planned = updates.plan_indication(load_workspace(tiny), "TT-02", date=dt.date(2024, 5, 1), summary="Seen",
                                          source="Wire", reliability="C", credibility=3, analyst="A")
        with pytest.raises(updates.EditRefused) as refused:
            updates.apply_edit(planned)
    finally:
        holder.kill()
        holder.wait()
    assert code == 1
    assert "core.yaml is being written by someone else" in err and "try again" in err and "Traceback" not in err
    assert [p.code for p in refused.value.problems] == ["locked"]
    assert digest(tiny) == before


def test_the_lock_is_taken_once(tiny: Path, monkeypatch) -> None:
    """A lock that is free when first asked for is held through the write: it is never released and
    taken again (where a second take could time out and escape as a traceback)."""
    from filelock import Timeout

    real = updates._lock_for
    takes: list[str] = []

    class OnceOnly:
        def __init__(self, path: Path) -> None:
            self.lock = real(path)

        def acquire(self, *args, **kwargs):
            takes.append("acquire")
            if len(takes) > 1:
                raise Timeout(self.lock.lock_file)
            return self.lock.acquire(*args, **kwargs)

        def release(self, *args, **kwargs):
            return self.lock.release(*args, **kwargs)

        def __enter__(self):
            self.acquire()
            return self

        def __exit__(self, *exc):
            self.release()

    monkeypatch.setattr(updates, "_lock_for", OnceOnly)
    planned = updates.plan_indication(load_workspace(tiny), "TT-02", date=dt.date(2024, 5, 1), summary="Seen",
                                      source="Wire", reliability="C", credibility=3, analyst="A")
    updates.apply_edit(planned)
    assert takes == ["acquire"]
    assert "Seen" in (tiny / "indicators" / "core.yaml").read_text()


def test_ids_and_values_are_matched_loosely_and_written_canonically(tiny: Path, capsys) -> None:
    """`tt-01`, `Not Observed`, `HIGH`, `b`, `amber`, `Very_Likely`: what a person types is what they meant."""
    assert main(["assess", "tt-01", "--data", str(tiny), "--date", "2024-03-02", "--status", "Not Observed",
                 "--confidence", "HIGH", "--rationale", "Checked again.", "--cites", "tt-01.2"]) == 0
    assert main(["record", "tt-02", "--data", str(tiny), "--date", "2024-03-02", "--summary", "Seen.",
                 "--source", "Wire", "--reliability", "b", "--credibility", "2", "--marking", "amber"]) == 0
    assert main(["judge", "aa", "--data", str(tiny), "--date", "2024-03-06", "--likelihood", "Very_Likely",
                 "--confidence", "Low", "--rationale", "More seen."]) == 0
    assert capsys.readouterr().out.split() == ["TT-01@2024-03-02", "TT-02.1", "AA@2024-03-06"]
    ws = load_workspace(tiny)
    assert not ws.errors
    tt01, tt02 = ws.indicator_by_id["TT-01"], ws.indicator_by_id["TT-02"]
    latest = tt01.assessments[-1]
    assert (latest.status.value, latest.confidence.value, latest.cites) == ("not_observed", "high", ["TT-01.2"])
    assert (tt02.indications[0].reliability.value, tt02.indications[0].marking.value) == ("B", "AMBER")
    judgment = ws.scenario_by_id["AA"].judgments[-1]
    assert (judgment.likelihood.value, judgment.confidence.value) == ("very likely", "low")
    text = (tiny / "indicators" / "core.yaml").read_text()
    assert "status: not_observed" in text and "cites: [TT-01.2]" in text and "reliability: B" in text


def test_an_unknown_value_gets_a_did_you_mean(tiny: Path, capsys) -> None:
    assert main(["assess", "TT-01", "--data", str(tiny), "--date", "2024-03-02", "--status", "obsrved",
                 "--confidence", "high", "--rationale", "x"]) == 1
    assert "'obsrved' is not an allowed status — did you mean 'observed'?" in capsys.readouterr().err


def test_a_back_filled_entry_goes_in_date_order_with_only_added_lines(tiny: Path) -> None:
    """TT-01 has assessments of 2024-01-10 and 2024-03-01: one of 2024-02-25 goes between them."""
    path = tiny / "indicators" / "core.yaml"
    before = path.read_text()
    assert main(["assess", "TT-01", "--data", str(tiny), "--date", "2024-02-25", "--status", "emerging",
                 "--confidence", "high", "--rationale", "Between.", "--cites", "TT-01.2"]) == 0
    after = path.read_text()
    removed, added = changed_lines(before, after)
    assert removed == [] and added[0] == "      - date: 2024-02-25"
    assert after.index("2024-01-10") < after.index("2024-02-25") < after.index("date: 2024-03-01")
    dates = [a.date.isoformat() for a in load_workspace(tiny).indicator_by_id["TT-01"].assessments]
    assert dates == ["2024-01-10", "2024-02-25", "2024-03-01"]


def test_a_folder_that_cannot_be_written_is_an_error_not_a_traceback(tiny: Path, monkeypatch, capsys) -> None:
    def refuse(path, text):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(updates, "write_atomic", refuse)
    before = digest(tiny)
    assert main(["record", "TT-02", "--data", str(tiny), "--date", "2024-05-01", "--summary", "Seen.",
                 "--source", "Wire", "--reliability", "C", "--credibility", "3"]) == 1
    err = capsys.readouterr().err
    assert "core.yaml: error: cannot write: Permission denied" in err and "Traceback" not in err
    assert digest(tiny) == before


def test_new_entries_take_the_files_own_list_style_and_width(tiny: Path) -> None:
    """tiny writes `cites: [TT-01.1]` (flow); data/ writes cites as `- SAT-01.2` lines two columns
    right of the key (block): a new entry follows each. Long text folds at the file's width."""
    from indicators.editing.splice import render_item

    assert main(["assess", "TT-01", "--data", str(tiny), "--date", "2024-03-02", "--status", "observed",
                 "--confidence", "high", "--rationale", "Again.", "--cites", "TT-01.1"]) == 0
    assert "        cites: [TT-01.1]\n" in (tiny / "indicators" / "core.yaml").read_text().split("Again.")[1]
    block = render_item({"date": dt.date(2024, 1, 1), "cites": ["A-01.1"], "rationale": "word " * 30 + "end"},
                        6, 2, width=80, block_lists=frozenset({"cites"}), list_offset=2)
    at = block.index("        cites:")
    assert block[at + 1] == "          - A-01.1" and block[0] == "      - date: 2024-01-01"
    assert max(len(line) for line in block) <= 90 and len(block) > 4  # folded near 80 columns


def test_an_entry_that_would_not_read_back_as_written_is_refused(monkeypatch) -> None:
    """The read-back guard: simulate an emitter slip (the text 'yes' written plain, which YAML 1.1
    reads as True) and the splice refuses instead of writing something else than was asked."""
    from indicators.editing import splice

    monkeypatch.setattr(splice, "to_yaml_value", lambda value: dict(value))
    with pytest.raises(splice.SpliceError, match="would not read back"):
        splice.render_item({"summary": "yes"}, 0, 2)


FOLDED = """\
indicators:
  - id: FD-01
    indications:
      - id: FD-01.1
        date: 2024-01-01
        summary: >-
          A hand-written summary that the analyst folded by hand at about
          seventy columns, as the default workspace does.
        url: https://example.org/a-very-long-address/that-makes-the-longest-line-of-the-file-far-wider-than-the-folded-text
"""


def test_long_text_is_folded_as_the_file_folds_it() -> None:
    """A file that writes `summary: >-` folded at 73 columns gets new summaries folded the same
    way (not one 120-column line, its longest line being a URL); text that folding would change
    (double spaces) stays on one line; a key the file does not fold is left alone."""
    from indicators.editing.splice import append_to_list, compose, find_item

    text = FOLDED
    assert max(len(line) for line in FOLDED.splitlines()[6:8]) == 73
    words = "Seoul says the shipments went on through the summer, by sea and by rail, " * 3
    entry = {"id": "FD-01.2", "date": dt.date(2024, 2, 1), "summary": words.strip(), "source": words.strip()}
    after = append_to_list(text, find_item(compose(text), "indicators", "FD-01"), "indications", entry)
    new = after[len(text):].splitlines()
    assert new[2] == "        summary: >-"
    body = new[3:new.index(next(line for line in new if line.startswith("        source:")))]
    assert len(body) > 2 and max(len(line) for line in body) <= 73 and all(line.startswith(" " * 10) for line in body)
    assert yaml.safe_load(after)["indicators"][0]["indications"][1] == entry  # folded back to the same text
    spaced = {**entry, "id": "FD-01.3", "summary": "Two  spaces " + words.strip()}
    again = append_to_list(after, find_item(compose(after), "indicators", "FD-01"), "indications", spaced)
    assert yaml.safe_load(again)["indicators"][0]["indications"][2]["summary"] == spaced["summary"]
    assert ">-" not in again[len(after):]
