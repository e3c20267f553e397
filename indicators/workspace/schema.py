"""JSON Schemas of the workspace files, generated from the models for YAML-aware editors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from indicators.workspace.model import IndicatorFile, WorkspaceFile

SCHEMAS: dict[str, type] = {"workspace.json": WorkspaceFile, "indicators.json": IndicatorFile}


def json_schemas() -> dict[str, dict[str, Any]]:
    """File name → JSON Schema, for every kind of workspace file."""
    out = {}
    for name, cls in SCHEMAS.items():
        schema = cls.model_json_schema()
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        out[name] = schema
    return out


def export_schema(name: str) -> str:
    """The text of one schema file, exactly as committed."""
    return json.dumps(json_schemas()[name], indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def save_schemas(folder: Path) -> list[Path]:
    """Write every schema into `folder`; returns the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in SCHEMAS:
        path = folder / name
        path.write_text(export_schema(name), encoding="utf-8")
        written.append(path)
    return written


def stale_schemas(folder: Path) -> list[Path]:
    """Schema files in `folder` that are missing or differ from the models."""
    return [folder / name for name in SCHEMAS
            if not (folder / name).is_file() or (folder / name).read_text(encoding="utf-8") != export_schema(name)]
