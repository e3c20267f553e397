"""What the checklist computes (indicators.scoring.frames) on the tiny fixture, against hand-worked answers.

Tiny fixture: TT-01 emerging from 2024-01-10, observed from 2024-03-01; indications TT-01.1
(2024-01-05, https link, B2) and TT-01.2 (2024-02-20, no link, C3, value 4 launches). TT-04 is
expected by 2024-02-29 and never assessed. Scenario AA judged unlikely (2024-01-01) then likely
(2024-03-05); BB has no judgment.
"""

from __future__ import annotations

import datetime as dt

import pytest

from indicators.scoring import frames, warning
from indicators.workspace.load import load_workspace
from indicators.workspace.problems import Problem, Severity

from tests.conftest import FIXTURES, TODAY

MAR_15 = dt.date(2024, 3, 15)


@pytest.fixture(scope="module")
def ws():
    return load_workspace(FIXTURES / "tiny", today=TODAY)


def test_checklist_filters(ws):
    status = warning.status_as_of(ws, MAR_15)
    f = frames.ChecklistFilter
    assert list(frames.filter_checklist(ws, status, f())["id"]) == ["TT-01", "TT-02", "TT-03", "TT-04"]
    assert list(frames.filter_checklist(ws, status, f(statuses=("observed",)))["id"]) == ["TT-01", "TT-02", "TT-03"]
    assert list(frames.filter_checklist(ws, status, f(priorities=("high",)))["id"]) == ["TT-01"]
    assert list(frames.filter_checklist(ws, status, f(overdue=True))["id"]) == ["TT-04"]
    # diagnostic for BB (TT-03) or rated HL/L against it (TT-02 L, TT-03 HL)
    assert list(frames.filter_checklist(ws, status, f(scenario="BB"))["id"]) == ["TT-02", "TT-03"]
    # diagnostic for AA: TT-01 (w 1.0) and TT-04 (w 0.5); TT-02 is rated L
    assert list(frames.filter_checklist(ws, status, f(scenario="AA"))["id"]) == ["TT-01", "TT-02", "TT-04"]
    assert list(frames.filter_checklist(ws, status, f(text="never"))["id"]) == ["TT-04"]
    assert list(frames.filter_checklist(ws, status, f(themes=("other",)))["id"]) == []
    assert frames.filter_checklist(ws, status, f(themes=("core",), statuses=("observed",), priorities=("high",))
                                  )["id"].tolist() == ["TT-01"]


def test_problem_counts():
    problems = [Problem("b.yaml", 3, 1, "yaml11-text", "warn", severity=Severity.WARNING),
                Problem("a.yaml", 9, 2, "yaml-syntax", "err", "fix it")]
    assert frames.problem_counts(problems) == (1, 1)
    assert frames.problem_counts([]) == (0, 0)
