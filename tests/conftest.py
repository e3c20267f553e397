"""Shared test helpers: fixture paths and a frozen 'today'."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
DATA = ROOT / "data"
TODAY = dt.date(2026, 11, 27)


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


# Fuzz tests run a bounded number of examples in CI; HYPOTHESIS_PROFILE=long runs many more.
from hypothesis import settings as _settings  # noqa: E402

_settings.register_profile("ci", max_examples=60)
_settings.register_profile("long", max_examples=5000)
_settings.load_profile(__import__("os").environ.get("HYPOTHESIS_PROFILE", "ci"))
