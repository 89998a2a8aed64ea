"""Erasure from the widget: ``POST /api/erase`` through a real uvicorn, and the widget's "delete my data"
in a real Chromium (the browser helpers come from test_widget_browser.py)."""

from __future__ import annotations

import json
import threading
import time
import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import MetaData, String, Text, func, select

from api.services import Services
from api.web.chat import CHANNEL, token_hash

JAPAN = "Entro quando devo iscrivermi alla missione in Giappone?"


def text_cells_holding(services: Services, needle: str) -> list[str]:
    """``table.column`` of every text cell of every table (as the database has them) holding ``needle``."""
    metadata = MetaData()
    metadata.reflect(services.engine)
    found = []
    with services.engine.connect() as connection:
        for table in metadata.sorted_tables:
            for column in table.columns:
                if isinstance(column.type, String | Text):
                    query = select(func.count()).select_from(table).where(column.contains(needle, autoescape=True))
                    if connection.execute(query).scalar():
                        found.append(f"{table.name}.{column.name}")
    return found


def test_erase_deletes_the_session_and_everything_it_wrote(live_server: Any) -> None:
    marker = f"zq{uuid.uuid4().hex[:10]}"
    with httpx.Client(base_url=live_server.url, timeout=20) as http:
        assert http.post("/api/erase", json={"confirm": True}).status_code == 401  # no session, nothing to erase
        token = http.post("/api/sessions", json={"consent": True}).json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        reply = http.post("/api/messages", json={"text": f"{JAPAN} {marker}"}, headers=headers).json()["reply"]
        http.post("/api/feedback", json={"message_id": reply["message_id"], "rating": "down",
                                         "comment": f"non chiaro {marker}"}, headers=headers)  # fmt: skip
        http.post("/api/handoff", json={}, headers=headers)  # the details staff need are asked first
        escalated = http.post("/api/messages", json={"text": f"ACME srl, {marker}@example.org"}, headers=headers)
        assert escalated.json()["reply"]["escalation"] is not None
        assert "bot_messages.text" in text_cells_holding(live_server.services, marker)

        refused = http.post("/api/erase", json={"confirm": False}, headers=headers)
        assert refused.status_code == 400 and refused.json()["error"]["code"] == "confirmation_required"
        assert http.get("/api/history", headers=headers).status_code == 200  # nothing erased

        # A live stream open meanwhile (another tab) ends once the session is erased.
        ended = threading.Event()

        def listen() -> None:
            with httpx.stream("GET", f"{live_server.url}/api/events", headers=headers, timeout=30) as events:
                for _ in events.iter_lines():
                    pass
            ended.set()

        listener = threading.Thread(target=listen, daemon=True)
        listener.start()
        time.sleep(1.5)  # the stream has seen the open escalation
        erased = http.post("/api/erase", json={"confirm": True}, headers=headers)
        assert erased.status_code == 200 and erased.json() == {"erased": True}
        assert ended.wait(10), "the event stream of an erased session should end"

        assert text_cells_holding(live_server.services, marker) == []
        assert text_cells_holding(live_server.services, token_hash(token)) == []
        assert live_server.store.find_contact(CHANNEL, token_hash(token)) is None
        gone = http.get("/api/history", headers=headers)
        assert gone.status_code == 401 and gone.json()["error"]["code"] == "unauthorized"
        assert http.post("/api/erase", json={"confirm": True}, headers=headers).status_code == 401


def test_erase_is_in_the_openapi_reference(live_server: Any) -> None:
    spec = httpx.get(f"{live_server.url}/openapi.json").json()
    assert "post" in spec["paths"]["/api/erase"]


# -- the widget -------------------------------------------------------------------------------------

browser_helpers = pytest.importorskip("test_widget_browser")  # skips with it when Chromium is missing
from playwright.sync_api import Page, expect  # noqa: E402
from test_widget_browser import (  # noqa: E402
    ask,
    browser,  # noqa: F401  (the module-scoped Chromium fixture)
    focused,
    open_and_consent,
    page,  # noqa: F401
    token_of,
    watched,  # noqa: F401
)


def test_delete_my_data_asks_then_erases_and_forgets_the_session(page: Page, live_server: Any) -> None:  # noqa: F811
    marker = f"zq{uuid.uuid4().hex[:10]}"
    open_and_consent(page, live_server.url)
    erase = page.get_by_role("button", name="Cancella i miei dati")
    expect(erase).to_be_hidden()  # no session yet: nothing stored
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
