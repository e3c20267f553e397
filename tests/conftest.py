"""Shared test helpers: fixture paths and a frozen 'today'."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
DATA = ROOT / "data"
TODAY = dt.date(2026, 11, 27)


def yaml_as_json(value: Any) -> Any:
    """YAML data as JSON sees it (dates as ISO strings): what an editor's schema check sees."""
    if isinstance(value, dict):
        return {k: yaml_as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [yaml_as_json(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(autouse=True)
def own_cache_folder(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets a cache folder of its own: no test reads or writes the user's real cache,
    and no test sees what another left there. Subprocesses inherit it through the environment."""
    folder = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("INDICATORS_CACHE_DIR", str(folder))
    return folder


# Fuzz tests run a bounded number of examples in CI; HYPOTHESIS_PROFILE=long runs many more.
from hypothesis import settings as _settings  # noqa: E402

_settings.register_profile("ci", max_examples=60)
_settings.register_profile("long", max_examples=5000)
_settings.load_profile(__import__("os").environ.get("HYPOTHESIS_PROFILE", "ci"))
