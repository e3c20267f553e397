"""Life spans, withdrawals, reviews and shared sources edited by hand: each mistake is found at its
place (tests/fixtures/lifespan), and what is right is not reported."""

from __future__ import annotations

import pytest

from indicators.workspace.load import load_workspace

from tests.conftest import FIXTURES

LIFESPAN = FIXTURES / "lifespan"


@pytest.fixture(scope="module")
def problems() -> list[tuple[str, int, int, str, str]]:
    ws = load_workspace(LIFESPAN)
    return [(p.path.rsplit("/", 1)[-1], p.line, p.column, p.code.value, p.severity.value) for p in ws.problems]


@pytest.mark.parametrize("expected", [
    ("core.yaml", 8, 21, "retired-before-added", "error"),  # the retirement's date
    ("core.yaml", 22, 11, "withdrawn-before-entry", "error"),  # the withdrawal
    ("core.yaml", 28, 20, "unknown-source", "error"),  # the source_id
    ("core.yaml", 13, 22, "unknown-related", "error"),  # LS-09 in related
    ("core.yaml", 37, 17, "cites-withdrawn", "warning"),  # LS-02.1 in cites
    ("core.yaml", 43, 17, "review-changes-status", "warning"),  # review: true
    ("workspace.yaml", 15, 13, "retired-before-added", "error"),  # scenario AA
    ("workspace.yaml", 24, 20, "withdrawn-before-entry", "error"),  # judgment AA@2024-03-10
])
def test_each_hand_edit_mistake_is_found_at_its_place(problems, expected) -> None:
    assert expected in problems


def test_nothing_else_is_reported(problems) -> None:
    # LS-02 names LS-03 as related, so citing LS-03.1 is allowed; the shared source panel-report exists
    assert len(problems) == 8, problems


def test_a_shared_source_stands_in_for_the_free_text() -> None:
    ws = load_workspace(LIFESPAN)
    seen = ws.indicator_by_id["LS-02"].indications[0]
    assert (seen.source, seen.source_id) == (None, "panel-report")


def test_a_ladder_needs_a_rung_and_a_rung_is_taken_once(tmp_path) -> None:
    import shutil

    root = shutil.copytree(FIXTURES / "signals", tmp_path / "signals")
    core = root / "indicators" / "core.yaml"
    text = core.read_text().replace("    ladder: deploy\n    rung: 3\n", "    ladder: deploy\n    rung: 2\n", 1)
    text = text.replace("    thresholds: {emerging: 10, observed: 20}\n",
                        "    thresholds: {emerging: 10, observed: 20}\n    rung: 1\n", 1)
    core.write_text(text)
    found = {(p.code.value, p.severity.value, p.line) for p in load_workspace(root).problems}
    assert found == {("ladder-rung-taken", "warning", 27), ("ladder-incomplete", "error", 36)}  # the rungs
