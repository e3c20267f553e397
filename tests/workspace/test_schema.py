"""The committed JSON Schemas match the models, and the default workspace files use them."""

from __future__ import annotations

import jsonschema
import pytest
import yaml

from indicators.workspace.schema import SCHEMAS, export_schema, json_schemas, stale_schemas

from tests.conftest import DATA, ROOT, yaml_as_json

SCHEMA_DIR = ROOT / "schema"


def test_committed_schemas_are_up_to_date() -> None:
    stale = stale_schemas(SCHEMA_DIR)
    assert stale == [], "run: indicators schema --out schema"


def test_schema_check_notices_a_change(tmp_path) -> None:
    (tmp_path / "workspace.json").write_text(export_schema("workspace.json"), encoding="utf-8")
    (tmp_path / "indicators.json").write_text(export_schema("indicators.json").replace("Indicator", "Indicat0r"),
                                              encoding="utf-8")
    assert [p.name for p in stale_schemas(tmp_path)] == ["indicators.json"]


def _data_files():
    return [DATA / "workspace.yaml", *sorted((DATA / "indicators").glob("*.yaml"))]


@pytest.mark.parametrize("path", _data_files(), ids=lambda p: p.name)
def test_every_default_file_references_its_schema_and_validates(path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    name = "workspace.json" if path.name == "workspace.yaml" else "indicators.json"
    assert first.startswith("# yaml-language-server: $schema=") and first.endswith(f"schema/{name}")
    assert (path.parent / first.split("=", 1)[1]).resolve() == (SCHEMA_DIR / name).resolve()
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    jsonschema.validate(yaml_as_json(data), json_schemas()[name])


def test_schema_rejects_a_typo() -> None:
    bad = {"theme": "x",
           "indicators": [{"id": "AB-01", "title": "t", "criteria": "c", "ratings": {}, "priorty": "high"}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, json_schemas()["indicators.json"])


def test_one_schema_per_file_kind() -> None:
    assert set(SCHEMAS) == {"workspace.json", "indicators.json"}


