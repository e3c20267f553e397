"""The Update page's CSV import under AppTest, on a copy of the tiny fixture: the signed-in rule (rows
signed with the signed-in identity, a file naming analysts refused), the one size limit for an upload,
and the progress bar. Hand-worked: TT-01 has indications TT-01.1 and TT-01.2, so a new one is TT-01.3.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import streamlit as st

from indicators.app import state
from indicators.editing import importer
from indicators.workspace.access import Grant
from indicators.workspace.load import load_workspace

from tests.app.test_app import fresh_app, open_app, plain, served_copy  # noqa: F401 — fresh_app is an autouse fixture

ANN = "Ann Analyst <ann@example.org>"
PLAIN = b"indicator,date,summary,source,reliability,credibility\nTT-01,2024-03-05,Trains seen,Wire,B,2\n"
FORGED = (b"indicator,date,summary,source,reliability,credibility,analyst\n"
          b"TT-01,2024-03-05,Trains seen,Wire,B,2,Chief <chief@example.org>\n")


@pytest.fixture
def tiny(tmp_path: Path, monkeypatch) -> Path:
    return served_copy("tiny", tmp_path, monkeypatch, analyst="Tess")


def _signed_in(monkeypatch) -> None:
    monkeypatch.setenv("INDICATORS_AUTH", "1")
    monkeypatch.setattr(state, "signed_in", lambda: True)
    monkeypatch.setattr(state, "current_grant", lambda: Grant("editor", None, ANN))


def _upload(data: bytes, name: str = "events.csv"):
    at = open_app("update")
    at.radio(key="update_form").set_value("import").run()
    at.file_uploader(key="im_file").set_value((name, data, "text/csv")).run()
    return at


def _errors(at) -> str:
    return " ".join(plain(e.value).replace("*", "") for e in at.error)


def _digest(folder: Path) -> str:
    return hashlib.sha256((folder / "indicators" / "core.yaml").read_bytes()).hexdigest()


def test_signed_in_an_uploaded_file_with_an_analyst_column_is_refused_where_it_names_it(tiny, monkeypatch):
    _signed_in(monkeypatch)
    before = _digest(tiny)
    at = _upload(FORGED)
    at.button(key="preview_import").click().run()
    assert not at.exception
    text = _errors(at)
    assert "events.csv, line 1, column 55:" in text and "'analyst' column" in text and "signed-in" in text
    assert "save_import" not in [b.key for b in at.button]
    assert _digest(tiny) == before


def test_signed_in_every_imported_row_is_signed_with_the_identity(tiny, monkeypatch):
    _signed_in(monkeypatch)
    at = _upload(PLAIN)
    assert at.text_input(key="update_identity").value == ANN
    at.button(key="preview_import").click().run()
    at.button(key="save_import").click().run()
    assert not at.exception and not at.error
    assert load_workspace(tiny).indicator_by_id["TT-01"].indications[-1].analyst == ANN


def test_off_sign_in_the_analyst_column_is_read_as_before(tiny):
    at = _upload(FORGED)
    at.button(key="preview_import").click().run()
    at.button(key="save_import").click().run()
    assert not at.exception and not at.error
    assert load_workspace(tiny).indicator_by_id["TT-01"].indications[-1].analyst == "Chief <chief@example.org>"


def test_a_26_mb_upload_is_refused_before_it_is_read(tiny, monkeypatch):
    monkeypatch.setattr(importer, "read_rows", lambda *a, **k: pytest.fail("the upload was parsed"))
    at = _upload(PLAIN + b"#" * (26 * 1024 * 1024), "big.csv")
    assert not at.exception
    assert _errors(at) == ("big.csv cannot be imported: file is 26.0 MB, over the limit of 20.0 MB — "
                           "split it into several files, or raise INDICATORS_MAX_FILE_MB")
    assert at.button(key="preview_import").disabled


def test_the_upload_limit_is_the_one_limit_set_for_every_file(tiny, monkeypatch):
    monkeypatch.setenv("INDICATORS_MAX_FILE_MB", "0.01")  # 10,485 bytes (the fixture's files are smaller)
    monkeypatch.setattr(importer, "read_rows", lambda *a, **k: pytest.fail("the upload was parsed"))
    at = _upload(PLAIN * 200, "big.csv")
    assert not at.exception
    assert _errors(at).startswith("big.csv cannot be imported: file is 18.0 KB, over the limit of 10.2 KB")
    at = _upload(PLAIN)
    assert not at.error and not at.button(key="preview_import").disabled


def test_the_import_shows_its_progress(tiny, monkeypatch):
    made: list[str] = []
    reported: list[tuple[int, int, str]] = []
    real_bar, real_plan = st.progress, importer.plan_import
    monkeypatch.setattr(st, "progress", lambda value, text=None: made.append(text) or real_bar(value, text=text))

    def planned(*args, progress=None, **kwargs):
        def told(done: int, total: int, what: str) -> None:
            reported.append((done, total, what))
            progress(done, total, what)  # the page's callback moves its bar
        return real_plan(*args, progress=told, **kwargs)
    monkeypatch.setattr(importer, "plan_import", planned)
    at = _upload(PLAIN)
    at.button(key="preview_import").click().run()
    assert not at.exception and at.button(key="save_import")
    assert made == ["Reading events.csv…"] and reported[-1] == (1, 1, "checking the workspace")
    assert not at.get("progress")  # the bar is gone once the import is planned


def test_a_large_import_previews_the_start_of_its_change_and_lists_rows_in_one_box(tiny):
    # 300 rows: 300 notes and a diff of 2,400 lines; a page of one caption a row and the whole diff
    # did not load for 50,000 rows (a minute of rendering, then nothing)
    rows = b"".join(b"TT-01,2024-03-%02d,Report %d,Wire,B,2\n" % (1 + n % 28, n) for n in range(300))
    at = _upload(PLAIN.splitlines(keepends=True)[0] + rows)
    at.button(key="preview_import").click().run()
    assert not at.exception and at.button(key="save_import")
    assert not any(c.value.startswith("line ") for c in at.caption)
    assert [e.label for e in at.expander] == ["What each row adds (300 rows)"]
    shown = [c.value for c in at.caption if c.value.startswith("The change is")]
    assert shown and "its first 2,000 are shown" in shown[0]
    assert len(at.code[-1].value.splitlines()) == 2000
