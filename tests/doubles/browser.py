"""Headless Debian Chromium for the end-to-end tests, and a page that records what must never happen.

Playwright's own browsers cannot be downloaded here: the tests drive ``/usr/bin/chromium``
(``apt-get install chromium``) and skip when it is missing. Playwright is imported when a
browser starts, so importing this module never fails where it is not installed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]  # fmt: skip
"""No sandbox (tests run as root), nothing that phones home, no QUIC: traffic stays on 127.0.0.1."""


@contextmanager
def chromium() -> Iterator[Browser]:
    """A headless Chromium for a test module (its fixture yields from this)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Watched:
    """A page and what went wrong on it: script errors, dialogs nobody expected, requests off 127.0.0.1."""

    def __init__(self, page: Page, origin: str) -> None:
        self.page = page
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.foreign: list[str] = []
        self.confirm: str | None = None
        """The one confirmation the test is about to accept (any other dialog is dismissed and reported)."""
        self._origin = origin
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("dialog", self._dialog)
        page.on("request", self._request)

    def _dialog(self, dialog: Any) -> None:
        if dialog.type == "confirm" and self.confirm is not None and dialog.message == self.confirm:
            self.confirm = None
            dialog.accept()
            return
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def _request(self, request: Any) -> None:
        url: str = request.url
        if not (url.startswith(self._origin + "/") or url.startswith(("data:", "about:"))):
            self.foreign.append(url)

    def check(self) -> None:
        assert not self.dialogs, f"a dialog fired: {self.dialogs}"
        assert not self.errors, f"script errors: {self.errors}"
        assert not self.foreign, f"requests left 127.0.0.1: {self.foreign}"
