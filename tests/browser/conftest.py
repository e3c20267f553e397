"""Browser-test fixtures shared by every module here (servers, Chromium, screenshot folders)."""

from .test_browser import browser, data_server, new_tab, shots, tiny_server  # noqa: F401
