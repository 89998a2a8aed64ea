"""The staff console end to end, in a real Chromium against a real uvicorn, over the real e5 model.

One server (``desk``) runs the whole app: the widget, the console and the Telegram channel in
webhook mode against the Bot API double on 127.0.0.1. SMEs write from the widget (a browser
page each) and from Telegram (updates posted to the webhook); staff work in a third page. The
knowledge base is two small documents, so the model embeds it in seconds; documents uploaded
from the console change this module's index, which is why it does not use ``real_services``.

Every page fails its test on a JavaScript error, on a dialog (an ``alert`` that ran) and on a
request that leaves 127.0.0.1.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher
from doubles.browser import CHROMIUM, Watched, chromium
from doubles.network import free_port, serve_in_thread
from doubles.sample import SAMPLE_TODAY
from doubles.telegram_api import BotApiDouble

from api.services import Services, build_services
from api.settings import EmbeddingSettings, Settings
from api.settings_channels import ConsoleSettings, TelegramSettings, WebSettings
from api.telegram import SECRET_HEADER, WEBHOOK_PATH
from api.web.app import create_app
from bot.conversation.phrases import say
from bot.desk.accounts import StaffAccount, StaffAccounts

pytest.importorskip("playwright.sync_api")
from playwright.sync_api import Browser, Locator, Page, expect

pytestmark = pytest.mark.integration

if not CHROMIUM.exists():
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
TIMEOUT_MS = 20_000
STAFF_LOCALE = "it-IT"
"""The staff's browsers speak Italian, so the login page does too (after it, each account's language)."""
expect.set_options(timeout=TIMEOUT_MS)  # a turn on a cold model, or an upload being embedded, takes seconds

PASSWORD = "correct horse battery"
SECRET = "console-webhook-secret_0123"
STAFF_CHAT = -100_700
UPDATE_IDS = itertools.count(700_000)
FAQ_INTRO = say("faq_intro", "it")

KNOWLEDGE = {
    "rimborsi-missioni.md": """---
title: "Rimborso delle spese di missione"
kind: reimbursement
url: https://www.sportello-esempio.it/rimborsi
language: it
---
# Rimborso delle spese di missione

## Che cosa si rimborsa

Lo sportello rimborsa il viaggio in classe economica e l'alloggio fino a 150 euro a notte
per una persona per impresa. I pasti non sono rimborsati.

## Come si chiede il rimborso

Entro 30 giorni dal rientro si inviano a rimborsi@sportello-esempio.it il modulo di
rendicontazione firmato, le fatture intestate all'impresa e le carte d'imbarco.
Il rimborso arriva con bonifico entro 60 giorni.
""",
    "iscrizione-missioni.md": """---
title: "Iscrizione alle missioni commerciali"
kind: other
url: https://www.sportello-esempio.it/iscrizione
language: it
---
# Iscrizione alle missioni commerciali

## Chi può iscriversi

Possono iscriversi le piccole e medie imprese con sede in Piemonte iscritte al Registro
delle imprese. Ogni impresa indica un solo referente.

## Come ci si iscrive

Si compila il modulo online sul sito dello sportello e si allega la visura camerale.
La quota di partecipazione è di 350 euro e si paga dopo la conferma della selezione.
""",
}

UPLOADED_NAME = "certificato-origine.md"
UPLOADED_TITLE = "Certificato di origine delle merci"
UPLOADED = """---
title: "Certificato di origine delle merci"
url: https://www.sportello-esempio.it/certificato-origine
language: it
---
# Certificato di origine delle merci

Il certificato di origine si chiede alla Camera di commercio con la pratica telematica
Cert'O. Costa {fee} euro e si riceve in due giorni lavorativi.
"""

# The question no document answers when it is first asked; staff answer it, then make it a FAQ.
QUESTION = "Come si ottiene il certificato di origine delle merci?"
WEB_DETAILS = "Tessitura Rossi srl, mario.rossi@rossi.example"
WEB_REPLY = "Buongiorno, il certificato di origine si chiede alla Camera di commercio (pratica Cert'O)."
FAQ_ANSWER = "Si chiede alla Camera di commercio con la pratica telematica Cert'O: costa 5 euro."
TELEGRAM_QUESTION = "Vorrei parlare con una persona: sapete consigliarmi uno spedizioniere per i campioni di tessuto?"
TELEGRAM_DETAILS = "Lanificio Bianchi srl, luca@bianchi.example"
TELEGRAM_REPLY = "Buongiorno Luca, per i campioni lavoriamo spesso con Trasporti Alfa: le scrivo i contatti."


@dataclass
class Desk:
    """The running app, the services behind it, the Bot API double and two staff accounts."""

    url: str
    services: Services
    api: BotApiDouble
    staff: StaffAccount
    colleague: StaffAccount
    files: Path
    """A folder of this test's own, where the documents to upload are written first."""

    def telegram(self, update: dict[str, Any]) -> None:
        """Post an update to the webhook as Telegram does; it is handled before the answer comes back."""
        update.setdefault("update_id", next(UPDATE_IDS))
        response = httpx.post(self.url + WEBHOOK_PATH, json=update, headers={SECRET_HEADER: SECRET}, timeout=60)
        assert response.status_code == 200, response.text


def new_account(services: Services, name: str, number: int) -> StaffAccount:
    """A staff account (cheap argon2 parameters: the hash records them, login still checks them)."""
    accounts = StaffAccounts(services.sessions, services.now, hasher=PasswordHasher(time_cost=1, memory_cost=1024))
    return accounts.add(f"desk{number}@cluster.example.eu", PASSWORD, "staff", name)


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    knowledge = tmp_path_factory.mktemp("console-knowledge")
    for name, text in KNOWLEDGE.items():
        (knowledge / name).write_text(text, encoding="utf-8")
    with BotApiDouble() as api:
        settings = Settings(
            _env_file=None,
            data_dir=tmp_path_factory.mktemp("console-data"),
            embedding=EmbeddingSettings(provider="e5"),
            # Every page and API call comes from 127.0.0.1: the per-IP limit would count them as one visitor.
            web=WebSettings(ip_requests_per_minute=100_000),
            console=ConsoleSettings(knowledge_dirs=[knowledge]),
            telegram=TelegramSettings(
                token=api.token, api_url=api.root, webhook_secret=SECRET, staff_chat_id=STAFF_CHAT
            ),
        )
        services = build_services(settings, now=lambda: SAMPLE_TODAY)
        try:
            assert services.ingest_pipeline().run([knowledge]).ok
            staff = new_account(services, "Giulia Verdi", 1)
            colleague = new_account(services, "Paolo Neri", 2)
            port = free_port()
            server, thread = serve_in_thread(create_app(services=services), port)
            try:
                yield Desk(
                    f"http://127.0.0.1:{port}", services, api, staff, colleague, tmp_path_factory.mktemp("files")
                )
            finally:
                server.should_exit = True
                thread.join(timeout=15)
        finally:
            services.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


# -- pages that watch for what must never happen -----------------------------------------------


@contextmanager
def watched_page(browser: Browser, origin: str, locale: str | None = None) -> Iterator[Page]:
    """A fresh browser context (its own cookies and localStorage) with one watched page; ``locale``
    sets the browser's language (the console's login page follows it)."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale=locale)
    context.set_default_timeout(TIMEOUT_MS)
    watched = Watched(context.new_page(), origin)
    try:
        yield watched.page
        watched.check()
    finally:
        context.close()


# -- the widget, as an SME uses it ----------------------------------------------------------------


def open_widget(page: Page, url: str) -> None:
    page.goto(url + "/")
    page.locator("button.launcher").click()
    page.locator("button.agree").click()
    expect(page.locator("textarea")).to_be_focused()


def ask(page: Page, text: str) -> Locator:
    """Send ``text`` and wait for the finished answer; returns it."""
    done = page.locator(".msg.assistant[data-done]")
    before = done.count()
    page.locator("textarea").fill(text)
    page.locator("textarea").press("Enter")
    expect(done).to_have_count(before + 1)
    return done.last


def answer_text(answer: Locator) -> str:
    return " ".join(answer.locator(".body").inner_text().split())


def escalation_number(text: str) -> int:
    # "request no." too: a reply made mostly of markup may read as English to the language guess.
    found = re.search(r"(?:richiesta n\.|request no\.) (\d+)", text)
    assert found is not None, text
    return int(found.group(1))


# -- Telegram, as an SME uses it ------------------------------------------------------------------


def telegram_handoff(desk: Desk, chat: int, first_name: str, *messages: str, details: str) -> int:
    """Consent, ``messages`` (the last one passed to staff by the bot), the details it asks for;
    returns the escalation's number."""
    api = desk.api
    desk.telegram(api.message_update(chat, "/start", first_name=first_name))
    [notice] = api.sent(chat)
    desk.telegram(api.callback_update(chat, "consent", message=notice, first_name=first_name))
    for text in messages:
        desk.telegram(api.message_update(chat, text, first_name=first_name))
    asked = api.sent(chat)[-1].text
    assert say("detail_company", "it") in asked, asked
    desk.telegram(api.message_update(chat, details, first_name=first_name))
    return escalation_number(api.sent(chat)[-1].text)


def wait_for_telegram(desk: Desk, chat: int, *fragments: str) -> None:
    """Wait until the bot sent the chat a message holding every fragment (the outbox sends on its own time)."""
    desk.api.wait_for(lambda: any(all(f in m.text for f in fragments) for m in desk.api.sent(chat)), timeout=20)


# -- the console, as staff use it -----------------------------------------------------------------


def log_in(page: Page, desk: Desk, account: StaffAccount) -> None:
    page.goto(desk.url + "/console/escalations")  # no session yet: to the login page, and back after it
    expect(page).to_have_url(re.compile(r"/console/login\?next="))
    page.get_by_label("E-mail").fill(account.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    expect(page).to_have_url(desk.url + "/console/escalations")
    expect(page.locator(".who")).to_have_text(f"{account.name} (staff)")


def queue_row(page: Page, escalation_id: int) -> Locator:
    return page.locator("table.queue tbody tr").filter(
        has=page.locator(f'a[href="/console/escalations/{escalation_id}"]')
    )


def detail(page: Page, term: str) -> Locator:
    """The ``<dd>`` after the ``<dt>`` named ``term`` in the escalation's details."""
    return page.locator(f'dl.details dt:text-is("{term}") + dd')


def press(page: Page, button: str) -> None:
    page.get_by_role("button", name=button, exact=True).click()


def notice(page: Page) -> Locator:
    return page.locator("p.notice.ok")


def upload(page: Page, desk: Desk, fee: int) -> None:
    """Upload (or replace) the certificate document through the knowledge page."""
    path = desk.files / UPLOADED_NAME
    path.write_text(UPLOADED.format(fee=fee), encoding="utf-8")
    page.goto(desk.url + "/console/knowledge")
    page.locator("#upload-file").set_input_files(path)
    press(page, "Carica e indicizza")
    expect(notice(page)).to_have_text("Documento caricato e indicizzato.")
    expect(page.locator("table tr", has_text=UPLOADED_TITLE)).to_have_count(1)


def faq_item(page: Page) -> Locator:
    return page.locator("li.faq-item", has_text=QUESTION)


# -- tests ----------------------------------------------------------------------------------------


def test_escalations_from_web_and_telegram_are_answered_and_become_a_faq(browser: Browser, desk: Desk) -> None:
    api = desk.api
    with ExitStack() as pages:
        staff = pages.enter_context(watched_page(browser, desk.url, STAFF_LOCALE))
        sme = pages.enter_context(watched_page(browser, desk.url))
        log_in(staff, desk, desk.staff)

        # An SME on the web asks what no document answers; the assistant asks for details, then hands over.
        open_widget(sme, desk.url)
        asked = ask(sme, QUESTION)
        expect(asked).to_have_attribute("data-decision", "handoff")
        expect(asked).to_contain_text(say("detail_company", "it"))
        web_id = escalation_number(answer_text(ask(sme, WEB_DETAILS)))
        expect(sme.locator(".banner")).to_be_visible()
        # The staff's queue, open since before the request, shows it within seconds: told by the
        # server's live stream (its own timer would reload after 20 s).
        expect(queue_row(staff, web_id)).to_have_count(1, timeout=3000)

        # A second SME asks for a person on Telegram.
        chat = 7001
        telegram_id = telegram_handoff(desk, chat, "Luca", TELEGRAM_QUESTION, details=TELEGRAM_DETAILS)
        assert telegram_id != web_id
        # The staff group hears of both (the bot announces escalations from every channel).
        api.wait_for(
            lambda: (
                {f"#{web_id} (web", f"#{telegram_id} (telegram"}
                <= {part for m in api.sent(STAFF_CHAT) for part in re.findall(r"#\d+ \(\w+", m.text)}
            ),
            timeout=20,
        )

        # The queue, open since before either request, shows both with their channel.
        expect(staff.locator("#queue")).to_have_attribute("data-live", "on")
        expect(queue_row(staff, web_id).locator("td").nth(2)).to_have_text("chat del sito")
        expect(queue_row(staff, telegram_id).locator("td").nth(2)).to_have_text("Telegram")
        expect(queue_row(staff, telegram_id).locator("td").nth(5)).to_contain_text("Luca")
        expect(queue_row(staff, web_id).locator(".status")).to_have_text("da prendere")

        # The web escalation: the conversation and the details, claimed, a note, a reply.
        staff.locator(f'a[href="/console/escalations/{web_id}"]').click()
        expect(staff.locator("h1")).to_contain_text(f"Richiesta #{web_id}")
        expect(staff.locator(".msg.user .text").first).to_have_text(QUESTION)
        expect(detail(staff, "Canale")).to_have_text("chat del sito")
        expect(detail(staff, "Domanda")).to_have_text(QUESTION)
        expect(staff.locator("dl.details")).to_contain_text("Tessitura Rossi srl")
        expect(staff.locator("dl.details")).to_contain_text("mario.rossi@rossi.example")
        press(staff, "Prendi in carico")
        expect(notice(staff)).to_have_text("Salvato.")
        expect(detail(staff, "Assegnata a")).to_have_text(desk.staff.name)
        expect(staff.locator("h1 .status")).to_have_text("presa in carico")
        expect(staff.get_by_role("button", name="Prendi in carico")).to_have_count(0)  # taken: offered no more
        staff.locator("#note-text").fill("Chiedere alla Camera di commercio i tempi aggiornati.")
        press(staff, "Salva nota")
        expect(notice(staff)).to_have_text("Nota salvata.")
        expect(staff.locator("ul.notes")).to_contain_text("Chiedere alla Camera di commercio")
        staff.locator("#reply-text").fill(WEB_REPLY)
        press(staff, "Invia risposta")
        expect(notice(staff)).to_contain_text("Risposta inviata")
        expect(staff.locator("h1 .status")).to_have_text("risposta inviata")
        expect(staff.locator(".msg.staff .text")).to_have_text(WEB_REPLY)

        # The SME sees the reply arrive live, and again after a reload.
        expect(sme.locator(".msg.staff")).to_contain_text(WEB_REPLY, timeout=10_000)
        sme.reload()
        sme.locator("button.launcher").click()
        expect(sme.locator(".msg.staff")).to_contain_text(WEB_REPLY)

        # The Telegram escalation: assigned to a colleague, answered; the reply reaches the chat.
        staff.goto(f"{desk.url}/console/escalations/{telegram_id}")
        expect(detail(staff, "Canale")).to_have_text("Telegram")
        staff.locator("#assignee").select_option(str(desk.colleague.id))
        press(staff, "Assegna")
        expect(detail(staff, "Assegnata a")).to_have_text(desk.colleague.name)
        staff.goto(desk.url + "/console/escalations")
        expect(queue_row(staff, web_id).locator("td").nth(7)).to_have_text(desk.staff.name)
        expect(queue_row(staff, telegram_id).locator("td").nth(7)).to_have_text(desk.colleague.name)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        staff.screenshot(path=SCREENSHOTS / "console-queue.png", full_page=True)
        staff.get_by_role("link", name="Mie", exact=True).click()
        expect(queue_row(staff, web_id)).to_have_count(1)
        expect(queue_row(staff, telegram_id)).to_have_count(0)
        staff.goto(f"{desk.url}/console/escalations/{telegram_id}")
        staff.locator("#reply-text").fill(TELEGRAM_REPLY)
        press(staff, "Invia risposta")
        expect(notice(staff)).to_contain_text("Risposta inviata")
        wait_for_telegram(desk, chat, TELEGRAM_REPLY, desk.staff.name)
        # Handed back: the SME is told the assistant answers again.
        press(staff, "Restituisci all'assistente")
        expect(staff.locator("h1 .status")).to_have_text("chiusa")
        wait_for_telegram(desk, chat, say("handed_back", "it"))

        # The web escalation is closed; the widget drops its "passed to staff" banner.
        staff.goto(f"{desk.url}/console/escalations/{web_id}")
        press(staff, "Chiudi")
        expect(staff.locator("h1 .status")).to_have_text("chiusa")
        expect(staff.locator("#reply-text")).to_have_count(0)
        expect(sme.locator(".banner")).to_be_hidden(timeout=10_000)

        # Staff upload the document the answer rests on, then promote the answer to a FAQ linked to it.
        upload(staff, desk, fee=5)
        staff.goto(f"{desk.url}/console/escalations/{web_id}")
        staff.get_by_role("link", name="Promuovi a FAQ").click()
        expect(staff.locator("#faq-question")).to_have_value(QUESTION)
        expect(staff.locator("#faq-answer")).to_have_value(WEB_REPLY)
        expect(staff.locator("#faq-language")).to_have_value("it")
        staff.locator("#faq-answer").fill(FAQ_ANSWER)
        source = staff.locator("#faq-source option", has_text=UPLOADED_NAME)
        expect(source).to_have_count(1)
        doc_id = source.get_attribute("value")
        assert doc_id
        staff.locator("#faq-source").select_option(doc_id)
        press(staff, "Salva e approva")
        expect(staff).to_have_url(re.compile(r"/console/faqs\?done=faq_saved#faq-\d+$"))
        expect(notice(staff)).to_contain_text("FAQ salvata")
        expect(faq_item(staff).locator(".status")).to_have_text("approvata")
        expect(faq_item(staff).locator(".meta")).to_contain_text(f"fonte: {UPLOADED_TITLE}")

        # A new SME asks the same question: the FAQ answers it as written, at once.
        newcomer = pages.enter_context(watched_page(browser, desk.url))
        open_widget(newcomer, desk.url)
        faq_answer = ask(newcomer, QUESTION)
        assert answer_text(faq_answer).startswith(f"{FAQ_INTRO} {QUESTION} {FAQ_ANSWER}"), answer_text(faq_answer)
        expect(faq_answer.locator(".sources")).to_contain_text(UPLOADED_TITLE)

        # The document changes (same file name): the FAQ waits for review and is no longer served.
        upload(staff, desk, fee=7)
        staff.goto(desk.url + "/console/faqs")
        expect(faq_item(staff).locator(".status")).to_have_text("da rivedere")
        expect(faq_item(staff).locator(".meta")).to_contain_text("source content changed")
        not_faq = ask(newcomer, QUESTION)
        assert not answer_text(not_faq).startswith(FAQ_INTRO), answer_text(not_faq)
        assert FAQ_ANSWER not in answer_text(not_faq)

        # Approved again: served again. A re-ingest of unchanged files leaves it approved.
        faq_item(staff).get_by_role("button", name="Approva").click()
        expect(notice(staff)).to_contain_text("FAQ salvata")
        expect(faq_item(staff).locator(".status")).to_have_text("approvata")
        assert answer_text(ask(newcomer, QUESTION)).startswith(f"{FAQ_INTRO} {QUESTION}")
        staff.goto(desk.url + "/console/knowledge")
        press(staff, "Reindicizza tutto")
        expect(notice(staff)).to_have_text("Base di conoscenza aggiornata.")
        staff.goto(desk.url + "/console/faqs")
        expect(faq_item(staff).locator(".status")).to_have_text("approvata")

        # Both are under "Chiuse" now.
        staff.goto(desk.url + "/console/escalations?view=resolved")
        for escalation_id in (web_id, telegram_id):
            expect(queue_row(staff, escalation_id).locator(".status")).to_have_text("chiusa")

        # Analytics: the conversations of both channels, and the FAQ answers among the answers by kind.
        staff.goto(desk.url + "/console/analytics")
        figures = staff.locator(".figure", has_text="conversazioni").locator("strong")
        assert int(figures.inner_text()) >= 3
        kinds = staff.locator("aside table").nth(0)
        expect(kinds.locator("tr", has=staff.locator('td:text-is("FAQ")')).locator("td").nth(1)).to_have_text("2")
        channels = staff.locator("aside table").nth(2)
        expect(channels.locator('td:text-is("chat del sito")')).to_have_count(1)
        expect(channels.locator('td:text-is("Telegram")')).to_have_count(1)

        # The resolved escalation, with its conversation, note and the FAQ born from it.
        staff.goto(f"{desk.url}/console/escalations/{web_id}")
        expect(staff.locator("aside")).to_contain_text("nasce da questa richiesta")
        staff.screenshot(path=SCREENSHOTS / "console-escalation.png", full_page=True)


HOSTILE_NAME = "Eva <script>alert(2)</script>"
HOSTILE_TEXT = "<img src=x onerror=alert(1)> chi ritira i campioni? <script>alert(4)</script>"
HOSTILE_DETAILS = 'Sartoria <b onmouseover="alert(3)">Blu</b> srl, eva@blu.example'
HOSTILE_COMPANY = 'Sartoria <b onmouseover="alert(3)">Blu</b> srl'
MARKUP = "main img, main script, main b, [onerror], [onmouseover]"


def test_markup_sent_by_smes_shows_as_text_in_the_console(browser: Browser, desk: Desk) -> None:
    # On Telegram: a name and a message carrying markup, then a request for a person and markup in the company.
    person = "Vorrei parlare con una persona"
    telegram_id = telegram_handoff(desk, 7002, HOSTILE_NAME, HOSTILE_TEXT, person, details=HOSTILE_DETAILS)
    # On the web (the API the widget uses): the same message, the "talk to a person" button, the same details.
    session = httpx.post(f"{desk.url}/api/sessions", json={"consent": True, "language": "it"}, timeout=30)
    headers = {"Authorization": f"Bearer {session.json()['token']}"}
    httpx.post(f"{desk.url}/api/messages", json={"text": HOSTILE_TEXT}, headers=headers, timeout=60).raise_for_status()
    httpx.post(f"{desk.url}/api/handoff", json={}, headers=headers, timeout=60).raise_for_status()
    reply = httpx.post(f"{desk.url}/api/messages", json={"text": HOSTILE_DETAILS}, headers=headers, timeout=60)
    web_id = escalation_number(reply.json()["reply"]["text"])

    with watched_page(browser, desk.url, STAFF_LOCALE) as staff:
        log_in(staff, desk, desk.staff)
        expect(queue_row(staff, telegram_id).locator("td").nth(5)).to_contain_text(HOSTILE_NAME)
        for escalation_id in (telegram_id, web_id):
            staff.goto(f"{desk.url}/console/escalations/{escalation_id}")
            expect(staff.locator(".msg.user .text").first).to_have_text(HOSTILE_TEXT)
            expect(staff.locator("dl.details")).to_contain_text(HOSTILE_COMPANY)
            assert staff.evaluate(f"document.querySelectorAll({MARKUP!r}).length") == 0
        staff.goto(f"{desk.url}/console/escalations/{telegram_id}")
        expect(detail(staff, "Contatto")).to_contain_text(HOSTILE_NAME)
        staff.goto(desk.url + "/console/analytics")
        assert staff.evaluate(f"document.querySelectorAll({MARKUP!r}).length") == 0
        # The member's own language, from the header: the same page comes back in it (then back to Italian).
        staff.get_by_label("Lingua della console").select_option("en")
        press(staff, "Applica")
        expect(staff).to_have_url(desk.url + "/console/analytics")
        expect(staff.locator("h1")).to_have_text("Analytics")
        expect(staff.locator("html")).to_have_attribute("lang", "en")
        staff.get_by_label("Console language").select_option("it")
        press(staff, "Apply")
        expect(staff.locator("h1")).to_have_text("Analisi")
        staff.wait_for_timeout(300)  # a late onerror would fire now; watched_page fails on any dialog
