"""Claire's request as an English-speaking staff member reads it in Chromium (issue 22): she
writes once in the widget, in French, with her name, company, e-mail and question; the request
page shows them where staff look, the mission she named, and the answer she was given as she
saw it. The screenshots in docs/ come from here."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from doubles.console import new_account
from playwright.sync_api import Browser, expect
from test_widget_browser import (
    SCREENSHOTS,
    ask,
    browser,  # noqa: F401  (the module-scoped Chromium fixture; skipped with it when Chromium is missing)
    open_and_consent,
    token_of,
    watched_page,
)

from bot.desk.accounts import StaffAccountRow

pytestmark = pytest.mark.integration

FIRST = "Quels documents faut-il envoyer pour le remboursement d'une mission ?"
CLAIRE = (
    "Je m'appelle Claire Dubois, de Textiles Lyon SARL (claire.dubois@textiles-lyon.fr). Notre PME française "
    "peut-elle participer à la mission au Japon ? J'aimerais parler à un conseiller."
)


def test_an_english_speaking_member_reads_claires_request(
    browser: Browser,  # noqa: F811
    live_server: Any,
) -> None:
    services = live_server.services
    account = new_account(services, name="Jane Doe")
    with services.sessions.begin() as session:
        session.get(StaffAccountRow, account.id).language = "en"
    with watched_page(browser, live_server) as sme:
        open_and_consent(sme.page, live_server.url)
        ask(sme.page, FIRST)
        ask(sme.page, CLAIRE)
        headers = {"Authorization": f"Bearer {token_of(sme.page, live_server.url)}"}
        escalation = httpx.get(f"{live_server.url}/api/history", headers=headers).json()["escalation"]
        assert escalation is not None
        sme.page.set_viewport_size({"width": 360, "height": 740})
        sme.page.screenshot(path=SCREENSHOTS / "widget-handoff-phone.png")

    with watched_page(browser, live_server, locale="en-GB") as staff:
        page = staff.page
        page.goto(f"{live_server.url}/console/login")
        page.locator("input[name=email]").fill(account.email)
        page.locator("input[name=password]").fill("correct horse battery")
        page.locator("button[type=submit]").click()
        expect(page.locator("h1")).to_contain_text("Requests")
        page.goto(f"{live_server.url}/console/escalations/{escalation['id']}")
        details = page.locator("aside dl.details")
        expect(details).to_contain_text("Claire Dubois")
        expect(details).to_contain_text("Textiles Lyon SARL")
        expect(details).to_contain_text("claire.dubois@textiles-lyon.fr")
        # Her questions (the last two), not "I'd like to talk to an adviser".
        summary = details.locator("dd.summary")
        expect(summary).to_contain_text("Notre PME française peut-elle participer à la mission au Japon ?")
        expect(summary).not_to_contain_text("conseiller")
        expect(details).to_contain_text("Giappone")
        expect(details).to_contain_text("French")
        answer = page.locator("li.msg.assistant").first
        expect(answer.locator(".text ul li").first).to_be_visible()  # the documents are a list, as she saw it
        expect(answer.locator(".citations li").first).to_be_visible()
        expect(answer.locator(".text")).not_to_contain_text("Sources :")
        assert "/knowledge/" not in page.content() and ".yaml#" not in page.content()
        expect(page.get_by_role("button", name="Take")).to_be_visible()
        page.screenshot(path=SCREENSHOTS / "console-request.png", full_page=True)
