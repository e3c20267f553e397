"""The generated JSON Schemas in the clients others check YAML with: ajv (draft 2020-12, unicode regular
expressions, strict mode; what editors and JavaScript CI tools use) and check-jsonschema with its default
regex dialect (ECMA-262 through regress). Both compile every pattern as ECMA-262 in unicode mode, the
dialect JSON Schema specifies, where Python's `re` is more lenient (`\\"` in a character class)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from filelock import FileLock

from tests.conftest import DATA, ROOT, yaml_as_json

SCHEMA_DIR = ROOT / "schema"
CLIENTS = ROOT / "tests" / "standard_clients"  # package.json + package-lock.json: ajv, ajv-formats
SCHEMAS = ("workspace.json", "indicators.json")


def _data_files() -> list[Path]:
    return [DATA / "workspace.yaml", *sorted((DATA / "indicators").glob("*.yaml"))]


def _schema_for(path: Path) -> str:
    return "workspace.json" if path.name == "workspace.yaml" else "indicators.json"



@pytest.fixture(scope="session")
def ajv(tmp_path_factory: pytest.TempPathFactory) -> Callable[[list[dict[str, Any]]], dict[str, Any]]:
    """Run documents through ajv: `npm ci` in tests/standard_clients once (when node_modules is missing),
    then `node ajv_check.cjs`. Node and npm are required, not optional: CI installs them (.ci/run)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.fail("node and npm are needed for the standard-client tests: apt-get install -y nodejs npm")
    with FileLock(str(tmp_path_factory.getbasetemp().parent / "indicators-npm-ci.lock")):
        if not (CLIENTS / "node_modules" / "ajv" / "package.json").is_file():
            done = subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"], cwd=CLIENTS,
                                  capture_output=True, text=True, timeout=600)
            assert done.returncode == 0, f"npm ci failed in {CLIENTS}:\n{done.stdout}\n{done.stderr}"
    folder = tmp_path_factory.mktemp("ajv")

    def check(documents: list[dict[str, Any]]) -> dict[str, Any]:
        request = folder / "request.json"
        schemas = {name: json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8")) for name in SCHEMAS}
        request.write_text(json.dumps({"schemas": schemas, "documents": documents}), encoding="utf-8")
        done = subprocess.run([node, str(CLIENTS / "ajv_check.cjs"), str(request)], capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    return check


def _documents() -> list[dict[str, Any]]:
    return [{"schema": _schema_for(path), "label": path.name,
             "data": yaml_as_json(yaml.safe_load(path.read_text(encoding="utf-8")))} for path in _data_files()]


def test_ajv_2020_compiles_the_schemas_and_validates_the_default_workspace(ajv) -> None:
    result = ajv(_documents())
    assert result["compiled"] == {"workspace.json": None, "indicators.json": None}
    assert len(result["documents"]) == len(_data_files()) > 5
    assert [d for d in result["documents"] if not d["valid"]] == []


def test_ajv_refuses_what_the_models_refuse(ajv) -> None:
    """The check can fail: a typo, a control character and a bad URL are each refused by ajv too."""
    data = yaml_as_json(yaml.safe_load((DATA / "indicators" / "space.yaml").read_text(encoding="utf-8")))
    typo = json.loads(json.dumps(data))
    typo["indicators"][0]["priorty"] = "high"
    control = json.loads(json.dumps(data))
    control["indicators"][0]["indications"][0]["summary"] = "Screen \x1b[2J cleared"
    control_name = json.loads(json.dumps(data))
    control_name["indicators"][0]["assessments"][0]["analyst"] = "Ann\x08\x08\x08Bob"
    url = json.loads(json.dumps(data))
    url["indicators"][0]["indications"][0]["url"] = 'https://example.org/"quoted"'
    documents = [{"schema": "indicators.json", "label": label, "data": doc}
                 for label, doc in (("typo", typo), ("control", control), ("control-name", control_name),
                                    ("url", url))]
    result = ajv(documents)
    assert result["compiled"] == {"workspace.json": None, "indicators.json": None}
    assert {d["label"]: d["valid"] for d in result["documents"]} == {"typo": False, "control": False,
                                                                     "control-name": False, "url": False}


def _check_jsonschema(schema: str, *files: Path) -> subprocess.CompletedProcess:
    """check-jsonschema as a CI job runs it, with its default regex dialect (no --regex-variant)."""
    return subprocess.run([sys.executable, "-m", "check_jsonschema", "--schemafile", str(SCHEMA_DIR / schema),
                           *map(str, files)], capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("schema", SCHEMAS)
def test_check_jsonschema_validates_the_default_workspace_yaml(schema: str) -> None:
    files = [path for path in _data_files() if _schema_for(path) == schema]
    done = _check_jsonschema(schema, *files)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ok -- validation done" in done.stdout


def test_check_jsonschema_refuses_a_control_character(tmp_path: Path) -> None:
    """The check can fail: the same file with an ESC in one summary (YAML writes it as \\e) is refused."""
    data = yaml.safe_load((DATA / "indicators" / "space.yaml").read_text(encoding="utf-8"))
    data["indicators"][0]["indications"][0]["summary"] = "Screen \x1b[2J cleared"
    bad = tmp_path / "space.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert "\\e[2J" in bad.read_text(encoding="utf-8")
    done = _check_jsonschema("indicators.json", bad)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Screen \\x1b[2J cleared" in done.stdout + done.stderr and "does not match" in done.stdout + done.stderr
