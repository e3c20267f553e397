"""Browser-test fixtures shared by every module here (servers, Chromium, screenshot folders)."""

from .test_browser import browser, copy_server, data_server, new_tab, shots, tiny_copy, tiny_server  # noqa: F401
