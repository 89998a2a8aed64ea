"""The widget speaks the conversation's language, not the page's (issue 22): a French and an
English SME on the Italian demo page ask, ask for a person, get the staff's reply from the
console and are handed back to the assistant. Once they have written, no Italian label is
left in their widget, and the banner shows one state at a time: waiting for the staff (with
when a reply may come), answered, then none."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from doubles.console import PASSWORD, csrf_of, login, new_account
from playwright.sync_api import Browser, Page, expect
from test_widget_browser import (
    ask,
    browser,  # noqa: F401  (the module-scoped Chromium fixture; skipped with it when Chromium is missing)
    open_and_consent,
    token_of,
    watched_page,
)

from bot.conversation.phrases import say

pytestmark = pytest.mark.integration

ITALIAN_LABELS = (
    "Scrivi la tua domanda", "Invia", "Parla con una persona", "Operatore", "Assistente", "Avviso", "Fonti",
    "si apre in una nuova scheda", "Risposta utile", "Risposta non utile", "Cancella i miei dati",
    "Nuova conversazione", "Chiudi la chat", "Conversazione", "La conversazione è stata passata",
    "Un operatore ti ha risposto", "Domande frequenti",
)  # fmt: skip
"""The widget's own Italian words (api/web/static/widget.js, TEXT.it): none may show to a French
or English SME, in text or in what a screen reader reads (aria-label, placeholder, title)."""

WIDGET_WORDS = """() => {
    const root = document.querySelector('sportello-chat').shadowRoot;
    const words = [root.querySelector('.root').innerText];
    for (const node of root.querySelectorAll('*'))
        for (const name of ['aria-label', 'placeholder', 'title'])
            if (node.getAttribute(name)) words.push(node.getAttribute(name));
    return words.join('\\n');
}"""

SMES = {
    "fr": {
        "question": "Bonjour, quels documents faut-il envoyer pour le remboursement d'une mission ?",
        "details": "Claire Dubois, Textiles Lyon SARL, claire.dubois@example.fr",
        "labels": {"send": "Envoyer", "human": "Parler à une personne", "input": "Écrivez votre question"},
        "waiting": "La conversation a été transmise à un opérateur.", "answered": "Un opérateur vous a répondu.",
        "staff": "Opérateur:", "reply": "Bonjour Madame Dubois, nous vous envoyons la liste aujourd'hui.",
    },
    "en": {
        "question": "Hello, which documents do I need to send to get a mission reimbursed?",
        "details": "John Smith, Smith Tools Ltd, john.smith@example.co.uk",
        "labels": {"send": "Send", "human": "Talk to a person", "input": "Type your question"},
        "waiting": "Your conversation was passed to a member of staff.", "answered": "A member of staff replied.",
        "staff": "Staff:", "reply": "Hello Mr Smith, we are sending you the list today.",
    },
}  # fmt: skip


def italian_in(page: Page) -> list[str]:
    words = str(page.evaluate(WIDGET_WORDS))
    return [label for label in ITALIAN_LABELS if label in words]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_widget_follows_the_conversation_language_through_a_handoff(
    browser: Browser,  # noqa: F811
    live_server: Any,
    language: str,
) -> None:
    sme = SMES[language]
    account = new_account(live_server.services)
    with watched_page(browser, live_server) as watched, httpx.Client(base_url=live_server.url, timeout=30) as console:
        page = watched.page
        open_and_consent(page, live_server.url)  # the Italian page: Italian until the SME writes
        expect(page.locator("button.send")).to_have_text("Invia")

        answer = ask(page, sme["question"])
        expect(page.locator(".root")).to_have_attribute("lang", language)
        expect(page.locator("button.send")).to_have_text(sme["labels"]["send"])
        expect(page.locator("textarea")).to_have_attribute("placeholder", sme["labels"]["input"])
        assert italian_in(page) == []
        expect(answer.locator(".fb")).to_have_count(2)  # an answer can be rated

        page.get_by_role("button", name=sme["labels"]["human"]).click()
        asked = page.locator(".msg.assistant[data-done]").last
        expect(asked).to_contain_text(say("detail_company", language))
        expect(asked.locator(".fb")).to_have_count(0)  # a question for details is not an answer to rate
        confirmed = ask(page, sme["details"])
        expect(confirmed.locator(".fb")).to_have_count(0)
        banner = page.locator(".banner")
        expect(banner).to_have_attribute("data-state", "waiting")
        expect(banner.locator("strong")).to_have_text(sme["waiting"])
        assert italian_in(page) == []

        history = httpx.get(f"{live_server.url}/api/history",
                            headers={"Authorization": f"Bearer {token_of(page, live_server.url)}"}).json()  # fmt: skip
        escalation = history["escalation"]["id"]
        login(console, account.email, PASSWORD)
        csrf = csrf_of(console)
        replied = console.post(
            f"/console/escalations/{escalation}/reply", data={"csrf_token": csrf, "text": sme["reply"]}
        )
        assert replied.status_code in (200, 303), replied.text[:500]
        expect(page.locator(".msg.staff")).to_contain_text(sme["reply"])
        expect(page.locator(".msg.staff .who")).to_have_text(f"{account.name} · {sme['staff']}")  # signed
        expect(banner).to_have_attribute("data-state", "answered")
        expect(banner).to_have_text(sme["answered"])  # and no "a reply may come from 9:00" beside it

        handed = console.post(f"/console/escalations/{escalation}/handback", data={"csrf_token": csrf})
        assert handed.status_code in (200, 303), handed.text[:500]
        expect(page.locator(".msg.system")).to_contain_text(say("handed_back", language))
        expect(banner).to_be_hidden()
        assert italian_in(page) == []

        page.reload()  # the conversation's language outlives the page
        page.locator("button.launcher").click()
        expect(page.locator("button.send")).to_have_text(sme["labels"]["send"])
        expect(page.locator(".msg.staff")).to_contain_text(sme["reply"])
        assert italian_in(page) == []
