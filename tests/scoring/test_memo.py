"""What is computed from a workspace is remembered on it: once per workspace and arguments, frames
handed out as copies, nothing shared between two loads, and `forget` drops it."""

from __future__ import annotations

import pandas as pd

from indicators.scoring.memo import forget, per_workspace
from indicators.workspace.load import load_workspace

from tests.conftest import FIXTURES

calls: list[tuple] = []


@per_workspace
def _frame(ws, day, *, ids=()) -> pd.DataFrame:
    calls.append((day, tuple(ids)))
    return pd.DataFrame({"n": [len(ws.indicators)]})


def test_computed_once_per_workspace_and_arguments_and_handed_out_as_copies() -> None:
    calls.clear()
    ws = load_workspace(FIXTURES / "tiny")
    first = _frame(ws, "2024-01-01", ids=["TT-01"])
    first.loc[0, "n"] = -1  # a caller changing its copy
    again = _frame(ws, "2024-01-01", ids=["TT-01"])  # a list argument: the same key as before
    assert again.loc[0, "n"] == len(ws.indicators) and len(calls) == 1
    _frame(ws, "2024-02-01", ids=["TT-01"])
    _frame(load_workspace(FIXTURES / "track"), "2024-01-01", ids=["TT-01"])  # another workspace
    assert len(calls) == 3
    forget(ws)
    _frame(ws, "2024-01-01", ids=["TT-01"])
    assert len(calls) == 4


def test_sessions_sharing_a_workspace_never_trip_over_the_memo() -> None:
    """Several threads (a server's sessions) filling and evicting one workspace's memo at once."""
    import sys
    import threading

    ws = load_workspace(FIXTURES / "tiny")
    errors: list[BaseException] = []

    def work(offset: int) -> None:
        try:
            for n in range(600):
                _frame(ws, (n + offset) % 300)
        except BaseException as exc:  # noqa: BLE001 - any error is the failure
            errors.append(exc)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        threads = [threading.Thread(target=work, args=(k * 37,)) for k in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert errors == []
