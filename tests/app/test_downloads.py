"""Downloads built on click expire (indicators/app/downloads.py), on Streamlit's real media file manager.

The hook reaches into Streamlit's MediaFileManager: these tests fail loudly when an upgrade moves what
it relies on. The deletion runs on a clock the test holds (no sleeping); the browser test
(tests/browser/test_download_expiry_browser.py) checks the same through a served board.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.media_file_storage import MediaFileStorageError
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

from indicators import settings
from indicators.app import downloads


class Clock:
    """What the hook scheduled, run when the test says the time has come."""

    def __init__(self) -> None:
        self.pending: list[tuple[float, Callable[[], None]]] = []

    def schedule(self, seconds: float, action: Callable[[], None]) -> None:
        self.pending.append((seconds, action))

    def run_all(self) -> None:
        pending, self.pending = self.pending, []
        for _, action in pending:
            action()


@pytest.fixture
def manager() -> MediaFileManager:
    return MediaFileManager(MemoryMediaFileStorage("/media"))


def _served(manager: MediaFileManager, url: str) -> bytes | None:
    """What `/media/<id>` would answer with (the route reads the storage this way), or None for a 404."""
    try:
        return manager._storage.get_file(url.rsplit("/", 1)[-1]).content
    except MediaFileStorageError:
        return None


def test_streamlit_still_has_what_the_hook_relies_on(manager) -> None:
    assert downloads.missing_internals(manager) == []
    assert downloads.expire_downloads(manager, schedule=Clock().schedule)


def test_a_download_built_on_click_is_deleted_after_the_ttl(manager) -> None:
    clock = Clock()
    assert downloads.expire_downloads(manager, ttl=lambda: 7.0, schedule=clock.schedule)
    placeholder = manager.add_deferred(lambda: "<html>export</html>", "text/html", "1.2.3", "tiny.html")
    url = manager.execute_deferred(placeholder)
    assert url.startswith("/media/") and url.endswith(".html")
    assert _served(manager, url) == b"<html>export</html>"  # the browser fetches it at once
    assert [seconds for seconds, _ in clock.pending] == [7.0]
    clock.run_all()
    assert _served(manager, url) is None
    assert downloads.file_id(url) not in manager._file_metadata
    # The button still works: a second click builds the file again, at the same URL, and it expires again.
    again = manager.execute_deferred(placeholder)
    assert again == url and _served(manager, url) == b"<html>export</html>"
    clock.run_all()
    assert _served(manager, url) is None


def test_an_earlier_clicks_timer_leaves_a_newer_build_alone(manager) -> None:
    clock = Clock()
    downloads.expire_downloads(manager, ttl=lambda: 7.0, schedule=clock.schedule)
    placeholder = manager.add_deferred(lambda: b"same bytes", "text/csv", "1.2.4", "tiny.csv")
    url = manager.execute_deferred(placeholder)
    first = clock.pending.pop()
    manager.execute_deferred(placeholder)  # clicked again just before the first click's file expires
    first[1]()
    assert _served(manager, url) == b"same bytes"  # the second click's download is not cut short
    clock.run_all()
    assert _served(manager, url) is None


def test_a_file_a_session_shows_is_not_deleted(manager) -> None:
    clock = Clock()
    downloads.expire_downloads(manager, ttl=lambda: 7.0, schedule=clock.schedule)
    url = manager.add(b"same bytes", "text/csv", "1.2.5", file_name="tiny.csv", is_for_static_download=True)
    placeholder = manager.add_deferred(lambda: b"same bytes", "text/csv", "1.2.6", "tiny.csv")
    assert manager.execute_deferred(placeholder) == url
    clock.run_all()
    assert _served(manager, url) == b"same bytes"


def test_installing_twice_wraps_once(manager) -> None:
    clock = Clock()
    downloads.expire_downloads(manager, schedule=clock.schedule)
    downloads.expire_downloads(manager, schedule=clock.schedule)
    manager.execute_deferred(manager.add_deferred(lambda: "x", "text/plain", "1.2.7", "x.txt"))
    assert len(clock.pending) == 1


def test_a_manager_without_the_internals_is_refused_loudly(caplog) -> None:
    class Moved:
        def execute_deferred(self, file_id: str) -> str:
            return f"/media/{file_id}"

    assert not downloads.expire_downloads(Moved())
    assert "downloads will not expire" in caplog.text and "_lock" in caplog.text


def test_the_ttl_is_at_most_a_minute(monkeypatch) -> None:
    monkeypatch.delenv("INDICATORS_DOWNLOAD_TTL", raising=False)
    assert 0 < settings.download_ttl() <= 60
    monkeypatch.setenv("INDICATORS_DOWNLOAD_TTL", "2.5")
    assert settings.download_ttl() == 2.5
    for bad in ("0", "61", "3600", "soon"):
        monkeypatch.setenv("INDICATORS_DOWNLOAD_TTL", bad)
        assert settings.download_ttl() == settings.DOWNLOAD_TTL_S.default
        assert any("INDICATORS_DOWNLOAD_TTL" in text for text in settings.environment_problems())
