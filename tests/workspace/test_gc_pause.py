"""The cyclic garbage collector is paused for a load, and always runs again afterwards."""

from __future__ import annotations

import gc
import threading

import pytest

from indicators.workspace import load
from indicators.workspace.gc_pause import gc_paused
from indicators.workspace.parse_cache import FileCache

from tests.conftest import FIXTURES, TODAY


@pytest.fixture(autouse=True)
def _collector_running():
    gc.enable()
    yield
    gc.enable()


def test_pauses_nest_and_the_collector_runs_again_after_the_last() -> None:
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_switched_off_before_stays_off() -> None:
    gc.disable()
    with gc_paused():
        pass
    assert not gc.isenabled()


def test_an_error_inside_still_ends_the_pause() -> None:
    with pytest.raises(ValueError), gc_paused():
        raise ValueError("boom")
    assert gc.isenabled()


def test_overlapping_pauses_in_two_threads_end_with_the_last() -> None:
    """Thread A pauses, B pauses, A ends: still paused (B is loading); B ends: running again."""
    a_in, b_in, a_out, b_may_leave = (threading.Event() for _ in range(4))
    seen: dict[str, bool] = {}

    def a() -> None:
        with gc_paused():
            a_in.set()
            b_in.wait(5)
        a_out.set()

    def b() -> None:
        a_in.wait(5)
        with gc_paused():
            b_in.set()
            a_out.wait(5)
            seen["after A left"] = gc.isenabled()
            b_may_leave.wait(5)

    threads = [threading.Thread(target=a), threading.Thread(target=b)]
    for thread in threads:
        thread.start()
    a_out.wait(5)
    b_may_leave.set()
    for thread in threads:
        thread.join(5)
    assert seen == {"after A left": False}
    assert gc.isenabled()


def test_a_load_runs_with_the_collector_paused_and_leaves_it_running(monkeypatch) -> None:
    seen = []
    checked = load.check_references
    monkeypatch.setattr(load, "check_references", lambda *a, **k: (seen.append(gc.isenabled()), checked(*a, **k))[1])
    workspace = load.load_workspace(FIXTURES / "tiny", today=TODAY, cache=FileCache(disk=False))
    assert workspace.indicators and seen == [False]
    assert gc.isenabled()
