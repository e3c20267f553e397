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
