"""Remember what was computed from a workspace, on the workspace object itself.

A loaded `Workspace` never changes (pages and reports treat it as read-only), and a change to any
file gives a new object, so a result computed from it and the same arguments can be served again:
a page rerun with the same dates does no work whose inputs did not change. Data frames are handed
out as copies (and dicts and lists as shallow copies), so a caller that changes its frame cannot
change what the next one gets.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import pandas as pd

F = TypeVar("F", bound=Callable[..., Any])
_LOCK = threading.Lock()
_MISSING = object()
KEPT = 256  # results kept per workspace (the least recently used go first): dates move, a workspace lives long


def _frozen(value: Any) -> Any:
    """A hashable stand-in for an argument (lists and sets of dates, as the callers pass them)."""
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, (set, frozenset)):
        return frozenset(_frozen(v) for v in value)
    return value


def per_workspace(func: F) -> F:
    """Decorate `func(ws, *args, **kwargs)` to compute once per workspace object and arguments."""
    name = f"{func.__module__}.{func.__qualname__}"

    @functools.wraps(func)
    def remembered(ws: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            key = (name, _frozen(args), _frozen(tuple(sorted(kwargs.items()))))
            hash(key)
        except TypeError:  # an argument that cannot be a key (a generator): just compute
            return func(ws, *args, **kwargs)
        with _LOCK:  # sessions of one server share a workspace: one at a time in its memo
            memo: dict = ws.__dict__.setdefault("_memo", {})
            result = memo.pop(key, _MISSING)
            if result is not _MISSING:
                memo[key] = result  # the most recently used last: the least recent go first
        if result is _MISSING:
            result = func(ws, *args, **kwargs)  # outside the lock: two sessions may both compute it once
            with _LOCK:
                while len(memo) >= KEPT:
                    memo.pop(next(iter(memo)))
                memo[key] = result
        if isinstance(result, (pd.DataFrame, pd.Series, dict, list)):
            return result.copy()
        return result

    return remembered  # type: ignore[return-value]


def forget(ws: Any, *, keep: tuple[str, ...] = ()) -> None:
    """Drop what is remembered of `ws` (but the results of the functions named in `keep`): for a copy
    of a workspace changed in place, as a test does to try a variant, or to time the work itself."""
    with _LOCK:
        memo: dict = ws.__dict__.get("_memo", {})
        for key in [k for k in memo if k[0].rsplit(".", 1)[-1] not in keep]:
            del memo[key]
