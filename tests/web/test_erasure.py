"""The widget's "delete my data" in a real Chromium against the real server (the browser, its
fixtures and helpers are test_widget_browser.py's: this module is skipped with it when Chromium is missing)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from test_api_live import text_cells_holding
from test_widget_browser import (
    ask,
    browser,  # noqa: F401  (the module-scoped Chromium fixture)
    focused,
    open_and_consent,
    page,  # noqa: F401
    token_of,
    watched,  # noqa: F401
)

from api.web.chat import CHANNEL, token_hash

JAPAN = "Entro quando devo iscrivermi alla missione in Giappone?"


def test_delete_my_data_asks_then_erases_and_forgets_the_session(page: Page, live_server: Any) -> None:  # noqa: F811
    marker = f"zq{uuid.uuid4().hex[:10]}"
    open_and_consent(page, live_server.url)
    erase = page.get_by_role("button", name="Cancella i miei dati")
    expect(erase).to_be_visible()  # consenting started a session
    page.get_by_role("button", name="Nuova conversazione").click()
    expect(erase).to_be_hidden()  # the browser holds no session: nothing of it to erase
    ask(page, f"{JAPAN} {marker}")
    token = token_of(page, live_server.url)
    expect(erase).to_be_visible()

    # The question comes first, in the panel; the safe answer has the focus; Escape and "Annulla" keep everything.
    erase.click()
    confirm = page.get_by_role("group", name="Cancellare i tuoi dati?")
    expect(confirm).to_be_visible()
    expect(confirm).to_contain_text("Non si può annullare")
    expect(page.locator("textarea")).to_be_hidden()
    assert focused(page) == "button.secondary.erase-no"
    page.keyboard.press("Escape")
    expect(confirm).to_be_hidden()
    expect(page.locator("[role=dialog]")).to_be_visible()  # Escape closed the question, not the chat
    assert focused(page) == "button.link.erase"
    erase.click()
    page.get_by_role("button", name="Annulla").click()
    expect(confirm).to_be_hidden()
    assert live_server.store.find_contact(CHANNEL, token_hash(token)) is not None

    erase.click()
    with page.expect_response(lambda r: r.url.endswith("/api/erase")) as response:
        page.get_by_role("button", name="Sì, cancella").click()
    assert response.value.status == 200
    assert json.loads(response.value.request.post_data or "{}") == {"confirm": True}
    expect(page.locator(".msg.erased")).to_have_text("I tuoi dati sono stati cancellati.")
    expect(page.locator("[aria-live=polite]")).to_have_text("I tuoi dati sono stati cancellati.")
    expect(page.locator(".msg.user")).to_have_count(0)
    expect(page.locator("button.agree")).to_be_focused()  # a new conversation needs consent again
    expect(erase).to_be_hidden()
    assert page.evaluate("key => localStorage.getItem(key)", f"sportello:{live_server.url}") is None
    assert live_server.store.find_contact(CHANNEL, token_hash(token)) is None
    assert text_cells_holding(live_server.services, marker) == []

    page.reload()
    page.locator("button.launcher").click()
    expect(page.locator(".msg")).to_have_count(0)
    expect(page.locator("button.agree")).to_be_visible()


def test_the_erasure_question_has_no_serious_accessibility_violations(page: Page, live_server: Any) -> None:  # noqa: F811
    axe = pytest.importorskip("axe_playwright_python.sync_playwright")
    open_and_consent(page, live_server.url)
    ask(page, JAPAN)
    page.get_by_role("button", name="Cancella i miei dati").click()
    expect(page.get_by_role("group", name="Cancellare i tuoi dati?")).to_be_visible()
    results = axe.Axe().run(page)
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, results.generate_report()
    page.get_by_role("button", name="Sì, cancella").click()
    expect(page.locator(".msg.erased")).to_be_visible()
    results = axe.Axe().run(page)
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, results.generate_report()
