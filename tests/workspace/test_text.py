"""The text rule, once in the model: no control character in any text field but tab and line feed,
refused with the code `control-character` at the field's line and column (tests/fixtures/controls)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pydantic import BaseModel, ValidationError

from indicators.cli import main
from indicators.workspace import model as m
from indicators.workspace.load import load_workspace
from indicators.workspace.schema import json_schemas
from indicators.workspace.text import CONTROL_CHAR, NOT_BLANK, TEXT, unify_line_breaks, visible

from tests.conftest import DATA, FIXTURES, TODAY

CONTROLS = FIXTURES / "controls"
# Every control character the rule refuses: C0 but tab and line feed, DEL, C1.
REFUSED = [chr(c) for c in (*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F, *range(0x80, 0xA0))]


@pytest.mark.parametrize(("file", "line", "column", "field", "name"), [
    ("workspace.yaml", 11, 12, "title", "CSI (U+009B)"),
    ("workspace.yaml", 20, 20, "rationale", "ESC (U+001B)"),
    ("core.yaml", 11, 18, "summary", "ESC (U+001B)"),
    ("core.yaml", 18, 17, "source", "BEL (U+0007)"),
    ("core.yaml", 19, 14, "url", "DEL (U+007F)"),
    ("core.yaml", 26, 18, "analyst", "BS (U+0008)"),
    ("core.yaml", 34, 20, "rationale", "CR (U+000D)"),
    ("core.yaml", 48, 12, "title", "VT (U+000B)"),
    ("core.yaml", 49, 15, "criteria", "NEL (U+0085)"),
])
def test_validate_locates_each_control_character(capsys, file, line, column, field, name) -> None:
    assert main(["validate", "--data", str(CONTROLS), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    found = [p for p in report["problems"] if p["path"].endswith(file) and (p["line"], p["column"]) == (line, column)]
    assert len(found) == 1, report["problems"]
    problem = found[0]
    assert problem["code"] == "control-character"
    assert problem["message"].startswith(f"{field} holds the control character {name} at character ")
    assert "delete it" in problem["hint"]


def test_the_fixture_has_no_other_problem_and_keeps_tabs_and_line_breaks() -> None:
    ws = load_workspace(CONTROLS, today=TODAY)
    assert {p.code for p in ws.problems} == {"control-character"} and len(ws.problems) == 9
    kept = ws.indicator_by_id["TT-02"]
    assert kept.title == "Tabs\tand line breaks are text"
    assert kept.criteria == "Seen\tonce,\non two lines.\n"
    assert kept.assessments[0].rationale == "Seen\ton\ntwo lines."


def test_a_raw_control_character_in_a_file_is_located(tmp_path: Path) -> None:
    """YAML itself refuses a raw ESC byte: the whole file is unreadable, and the problem says where."""
    (tmp_path / "indicators").mkdir()
    (tmp_path / "workspace.yaml").write_text((FIXTURES / "tiny" / "workspace.yaml").read_text(encoding="utf-8"),
                                             encoding="utf-8")
    text = (FIXTURES / "tiny" / "indicators" / "core.yaml").read_text(encoding="utf-8")
    assert "summary: Second sighting." in text
    (tmp_path / "indicators" / "core.yaml").write_text(
        text.replace("summary: Second sighting.", "summary: Second \x1b[2J sighting."), encoding="utf-8")
    line = text[:text.index("summary: Second sighting.")].count("\n") + 1
    ws = load_workspace(tmp_path, today=TODAY)
    assert [(p.code, p.line, p.column) for p in ws.errors] == [("control-character", line, 25)]
    assert "ESC (U+001B)" in ws.errors[0].message


def test_a_crlf_file_is_valid_and_its_text_has_no_carriage_return(tmp_path: Path) -> None:
    """YAML reads CRLF line endings as line feeds: a file saved on Windows holds no control character."""
    target = tmp_path / "ws"
    for path in [DATA / "workspace.yaml", *sorted((DATA / "indicators").glob("*.yaml"))]:
        copy = target / path.relative_to(DATA)
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_bytes(path.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))
    ws = load_workspace(target, today=TODAY)
    assert ws.errors == []
    texts = [o.summary for i in ws.indicators for o in i.indications] + [i.criteria for i in ws.indicators]
    assert texts and not any("\r" in t for t in texts)


MODELS = (m.SourceDocument, m.Withdrawal, m.Retirement, m.Judgment, m.Resolution, m.AssumptionCheck, m.Assumption,
          m.Scenario, m.WarningLevel, m.Access, m.WorkspaceFile, m.Indication, m.Assessment, m.IndicatorHeader,
          m.IndicatorFile, m.AnalystRatingsFile)


def _text_fields() -> list[tuple[type[BaseModel], str, bool]]:
    """Every (model, field, is a list) of the workspace files whose value is free text."""
    out = []
    for cls in MODELS:
        for name, prop in cls.model_json_schema()["properties"].items():
            options = [prop, *prop.get("anyOf", [])]
            items = [o["items"] for o in options if "items" in o]
            if any(o.get("pattern") in (TEXT, NOT_BLANK) for o in [*options, *items]):
                out.append((cls, name, bool(items)))
    return out


def test_every_text_field_refuses_every_control_character() -> None:
    """One rule for all: each text field of every model refuses each control character."""
    fields = _text_fields()
    assert len(fields) > 30  # the walk found the models' text fields (ShortText, LongText, Name)
    for cls, name, is_list in fields:
        for char in REFUSED:
            value = f"text {char} here"
            with pytest.raises(ValidationError) as caught:
                cls.__pydantic_validator__.validate_assignment(cls.model_construct(), name,
                                                               [value] if is_list else value)
            assert [e["type"] for e in caught.value.errors()] == ["string_pattern_mismatch"], (cls, name, char)


@pytest.mark.parametrize("text", ["plain", "tab\tand\nline feed", "Ünïcödé — “quotes” 🚀", "\u2028line separator"])
def test_the_rule_accepts_ordinary_text(text: str) -> None:
    assert re.search(TEXT, text) and re.search(NOT_BLANK, text)
    assert m.Indication(id="AB-01.1", date="2024-01-01", summary=text, source=text, reliability="B",
                        credibility=2, analyst=text).summary == text


@pytest.mark.parametrize("char", REFUSED, ids=lambda c: f"U+{ord(c):04X}")
def test_the_json_schemas_carry_the_same_rule(char: str) -> None:
    """The schema patterns refuse what the models refuse (an editor shows it while typing)."""
    patterns = {s["pattern"] for s in _strings(json_schemas()) if "pattern" in s}
    assert TEXT in patterns and NOT_BLANK in patterns
    for pattern in (TEXT, NOT_BLANK, m.URL):
        sample = f"https://example.org/a{char}b" if pattern == m.URL else f"a{char}b"
        assert re.search(pattern, sample) is None, (pattern, char)
    assert CONTROL_CHAR.search(f"a{char}b")


def _strings(node: object) -> list[dict]:
    if isinstance(node, dict):
        found = [node] if node.get("type") == "string" else []
        return found + [s for v in node.values() for s in _strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v)]
    return []


def test_every_string_of_the_schemas_is_constrained() -> None:
    """No text field escapes the rule: every string in the schemas has a pattern, a scale or a format."""
    loose = [s for s in _strings(json_schemas()) if not ({"pattern", "enum", "format", "const"} & set(s))]
    assert loose == []


def test_visible_and_line_breaks() -> None:
    assert visible("a\x1b[2J\x07b\tc\nd\r\ne\rf\x9b") == "a\\u001b[2J\\u0007b\tc\nd\r\ne\\u000df\\u009b"
    assert visible("not UTF-8 \udc9b, pair 🚀") == "not UTF-8 \\udc9b, pair 🚀"  # a lone surrogate cannot be printed
    assert unify_line_breaks("a\r\nb\rc\n") == "a\nb\nc\n"
    assert unify_line_breaks(["x\r\ny", 3]) == ["x\ny", 3]
