"""Pausing Python's cyclic garbage collector while a load builds millions of objects.

A workspace load creates millions of small objects (dicts, strings, dates, pydantic models) and
frees almost none of them. The cyclic collector, triggered every few hundred allocations, walks
them again and again as they age, and a full collection walks the whole heap: on the benchmark
workspace this is a fifth of a cold load, more when the process already holds a loaded workspace.
The objects a load builds hold no reference cycles to reclaim, so the collector is paused for the
load and runs again, as usual, afterwards (its first collection then looks at the new objects once).

Pauses nest and may come from several threads (the board serves several sessions): the collector
runs again when the last pause ends, and only if it was running when the first began.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_LOCK = threading.Lock()
_depth = 0
_was_enabled = False


@contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector off for the block (reference counting still frees objects)."""
    global _depth, _was_enabled
    with _LOCK:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _LOCK:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()


__all__ = ["gc_paused"]
