"""Warning notices on tests/fixtures/signals, in date order, against the board worked out by hand in
tests/scoring/test_signals.py: UP Low -> Guarded on 01-10 (LD-01), DOWN Low -> Elevated on 01-15 (DN-01),
DOWN Elevated -> Guarded on 02-02 (OD-01 overdue since 02-01), UP Guarded -> Elevated on 02-10 (LD-02),
UP Elevated -> Severe on 03-10 (LD-03); TH-01's series (25 containers on 03-05) calls for reassessment."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest

from indicators.cli import main
from indicators.reports.feed import ATOM, atom_feed
from indicators.scoring.notices import at_or_above, notices
from indicators.workspace.load import load_workspace

from tests.conftest import FIXTURES

SIGNALS = FIXTURES / "signals"


@pytest.fixture(scope="module")
def ws():
    return load_workspace(SIGNALS)


def test_the_notices_of_a_small_history_in_order(ws) -> None:
    found = [(n.date.isoformat(), n.kind, n.subject, n.level, n.evidence)
             for n in notices(ws, "2024-01-01", "2024-03-31")]
    assert found == [
        ("2024-01-10", "level", "UP", "guarded", ("LD-01@2024-01-10",)),
        ("2024-01-15", "level", "DOWN", "elevated", ("DN-01@2024-01-15",)),
        ("2024-02-02", "level", "DOWN", "guarded", ()),
        ("2024-02-02", "overdue", "OD-01", None, ()),
        ("2024-02-10", "level", "UP", "elevated", ("LD-02@2024-02-10",)),
        ("2024-03-05", "reassessment", "TH-01", None, ("TH-01.3",)),
        ("2024-03-10", "level", "UP", "severe", ("LD-03@2024-03-10",)),
    ]
    window = [(n.date.isoformat(), n.kind) for n in notices(ws, "2024-02-05", "2024-02-29")]
    assert window == [("2024-02-10", "level")]  # no reassessment is due on 02-29: 12 agrees with 'emerging'


def test_min_level_decides_the_exit(ws) -> None:
    found = notices(ws, "2024-01-01", "2024-02-29")
    assert at_or_above(found, ws, None) and at_or_above(found, ws, "elevated")
    assert not at_or_above(found, ws, "high")
    assert not at_or_above([], ws, None)


@pytest.mark.parametrize(("args", "code"), [
    (["--since", "2024-01-01", "--as-of", "2024-03-31"], 3),
    (["--since", "2024-01-01", "--as-of", "2024-03-31", "--min-level", "severe"], 3),
    (["--since", "2024-01-01", "--as-of", "2024-02-29", "--min-level", "high"], 0),
    (["--since", "2024-03-11", "--as-of", "2024-03-20", "--min-level", "low"], 0),
])
def test_alerts_exit_codes(capsys, args, code) -> None:
    assert main(["alerts", "--data", str(SIGNALS), *args]) == code
    out = capsys.readouterr().out
    assert out.startswith("Signals — TLP:CLEAR — notices from ")


def test_a_bad_min_level_or_window_is_a_usage_error(capsys) -> None:
    assert main(["alerts", "--data", str(SIGNALS), "--since", "2024-01-01", "--min-level", "red"]) == 2
    assert main(["alerts", "--data", str(SIGNALS), "--since", "2024-05-01", "--as-of", "2024-04-01"]) == 2
    assert "is not a warning level: low, guarded, elevated, high, severe" in capsys.readouterr().err


def test_the_atom_feed_has_what_rfc_4287_requires(ws, tmp_path) -> None:
    path = tmp_path / "notices.xml"
    assert main(["alerts", "--data", str(SIGNALS), "--since", "2024-01-01", "--as-of", "2024-03-31",
                 "--atom", str(path), "--json"]) == 3
    root = ET.parse(path).getroot()
    ns = {"a": ATOM}
    assert root.tag == f"{{{ATOM}}}feed"
    for required in ("a:id", "a:title", "a:updated", "a:author/a:name"):
        assert root.find(required, ns) is not None and root.find(required, ns).text, required
    entries = root.findall("a:entry", ns)
    assert len(entries) == 7
    for entry in entries:
        for required in ("a:id", "a:title", "a:updated"):
            assert entry.find(required, ns).text, required
        assert entry.find("a:link", ns).get("href").startswith("http://127.0.0.1:8501/")
        dt.datetime.strptime(entry.find("a:updated", ns).text, "%Y-%m-%dT%H:%M:%SZ")
    ids = [e.find("a:id", ns).text for e in entries]
    assert len(set(ids)) == len(ids)
    again = atom_feed(notices(ws, "2024-01-01", "2024-03-31"), title="Signals", marking="CLEAR",
                      as_of=dt.date(2024, 3, 31))
    assert [e.find("a:id", ns).text for e in ET.fromstring(again).findall("a:entry", ns)] == ids  # stable ids
    assert root.find("a:title", ns).text == "TLP:CLEAR — Signals: warning notices"
