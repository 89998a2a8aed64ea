"""Reimbursement claims in a real Chromium against a real uvicorn: SMEs send the sample claims (read
by the real reader in child processes, photos without OCR), a member of staff logs in, opens the
queue and the dossier, reads the photo nobody could read and corrects it, and closes the claim
with an outcome the SME receives. Takes docs/screenshots/console-claims.png and console-claim.png.

The page fails its test on a JavaScript error, on a dialog it did not expect, and on a request
that leaves 127.0.0.1.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from doubles.browser import CHROMIUM, Watched, chromium
from doubles.console import PASSWORD, new_account
from doubles.network import free_port, serve_in_thread
from test_claims_console import FRENCH_SME, ITALIAN_SME, JULY, MISSION, claim_services, send_and_read

from api.services import Services
from api.web.app import create_app
from bot.claims.desk import ClaimDesk
from bot.desk.accounts import StaffAccount

pytest.importorskip("playwright.sync_api")
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.integration

if not CHROMIUM.exists():
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
VIEWPORT = {"width": 1280, "height": 900}
TIMEOUT_MS = 20_000
STARTED = ("e-ticket-aurora-airways.pdf", "carta-imbarco-andata.pdf")
"""The first files of a claim its SME is still putting together."""
OUTCOME = (
    "Buongiorno Giulia, la pratica è completa: il rimborso di € 1.452,97 sarà pagato con bonifico entro 90 giorni "
    "dalla ricezione della domanda completa."
)
expect.set_options(timeout=TIMEOUT_MS)


@dataclass
class Office:
    """The running app, the services behind it, the claims the SMEs sent and a member of staff."""

    url: str
    services: Services
    staff: StaffAccount
    complete: int
    incomplete: int
    filling: int

    @property
    def desk(self) -> ClaimDesk:
        return self.services.claims()


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Office]:
    with claim_services(tmp_path_factory.mktemp("claims-browser")) as (services, clock, samples):
        desk = services.claims()
        assistant = services.assistant()
        claims = []
        sent = (
            ("telegram", "7001", None, "complete", (), ITALIAN_SME, 74),
            ("web", "claims-browser-fr", None, "incomplete", (), FRENCH_SME, 29),
            ("telegram", "7002", "Luca Bianchi", "complete", STARTED, None, 2),
        )  # the hours before JULY each SME wrote: the queue shows their ages
        for channel, external, name, folder, names, text, hours in sent:
            clock.now = JULY - dt.timedelta(hours=hours)
            language = "fr" if text == FRENCH_SME else "it"
            conversation = assistant.start(channel, external, name=name, language=language)
            send_and_read(desk, conversation, samples / folder, names, channel)
            if text:  # sent to the staff, then the SME says who she is
                desk.check(conversation, f"claim:check:{external}")
                desk.submit(conversation, f"claim:submit:{external}")
                assistant.reply(conversation, text)
            claim = desk.claims.claim_of(conversation)
            assert claim is not None
            claims.append(claim.id)
        clock.now = JULY
        staff = new_account(services, "staff", "Anna Ferraris")
        port = free_port()
        server, thread = serve_in_thread(create_app(services=services), port)
        try:
            yield Office(f"http://127.0.0.1:{port}", services, staff, *claims)
        finally:
            server.should_exit = True
            thread.join(timeout=15)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


def test_a_member_of_staff_works_a_claim_through_to_its_outcome(browser: Browser, office: Office) -> None:
    context = browser.new_context(viewport=VIEWPORT, locale="it-IT")
    context.set_default_timeout(TIMEOUT_MS)
    watched = Watched(context.new_page(), office.url)
    page = watched.page
    try:
        log_in(page, office)
        page.get_by_role("link", name="Pratiche di rimborso").click()
        expect(page).to_have_url(office.url + "/console/claims")
        rows = page.locator("table.claims tbody tr")
        expect(rows).to_have_count(3)
        # Sent to the staff first, oldest first; then the claim still being filled.
        expect(rows.nth(0)).to_contain_text("Tessitura Valle Cervo S.r.l. · Giulia Bianchi")
        expect(rows.nth(0)).to_contain_text("Missione EU-ALLIANCE in Giappone 2027")
        expect(rows.nth(1)).to_contain_text("Textiles Lyon SARL · Claire Dubois")
        expect(rows.nth(2)).to_contain_text("in compilazione")
        page.screenshot(path=SCREENSHOTS / "console-claims.png", full_page=True)

        page.get_by_role("link", name=f"Pratica #{office.complete}", exact=True).click()
        expect(page).to_have_url(f"{office.url}/console/claims/{office.complete}")
        expect(page.locator("h1")).to_contain_text(f"Pratica di rimborso #{office.complete}")
        expect(page.locator(".figures")).to_contain_text("da completare")
        checks = page.locator("table.checks tbody tr")
        expect(checks.first).to_contain_text("Manca la carta d'imbarco: ritorno.")
        expect(checks.first.locator("q.clause")).to_have_text(
            "carte d'imbarco di andata e ritorno (o biglietti del treno)"
        )
        expect(page.locator("aside")).to_contain_text("Tessitura Valle Cervo S.r.l.")
        expect(page.locator("aside .messages")).to_contain_text("Ho ricevuto «hotel-sakura-shinjuku.pdf»")

        # The taxi photo nobody could read: the member opens it, reads it and types what it says.
        taxi = file_card(page, "taxi-haneda-hotel.png")
        download = taxi.get_by_role("link", name="Scarica il file")
        with page.expect_download() as downloaded:
            download.click()
        assert downloaded.value.suggested_filename == "taxi-haneda-hotel.png"
        correct(
            page, "taxi-haneda-hotel.png", kind="trasporto locale", date="2027-06-14", amount="7820", currency="JPY"
        )
        expect(page.locator("p.notice.ok")).to_contain_text("Correzione salvata")
        taxi = file_card(page, "taxi-haneda-hotel.png")
        amount = 2  # the reading's columns: kind, date, amount, currency, nights, supplier
        expect(taxi.locator("table.reading tr.read td").nth(amount)).to_have_text("—")  # what was read stays
        expect(taxi.locator("table.reading tr.fix td").nth(amount)).to_have_text("7.820")  # beside the correction
        expect(taxi).to_contain_text("Corretto da")
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=SCREENSHOTS / "console-claim.png")

        correct(page, "boarding-pass-ritorno.jpg", kind="carta d'imbarco", date="2027-06-18")
        expect(page.locator(".figures")).to_contain_text("completa")
        expect(page.locator(".figures")).to_contain_text("€ 1.452,97")
        expect(page.locator("table.checks .status.check-missing")).to_have_count(0)

        page.locator("#mission").select_option(MISSION)
        page.get_by_role("button", name="Salva la missione").click()
        expect(page.locator("p.notice.ok")).to_contain_text("Missione salvata")

        page.locator("#outcome").fill(OUTCOME)
        watched.confirm = "Chiudere la pratica e inviare l'esito all'impresa?"
        page.get_by_role("button", name="Chiudi e invia l'esito").click()
        expect(page.locator("p.notice.ok")).to_contain_text("Pratica chiusa")
        expect(page.locator("h1 .status")).to_have_text("chiusa")
        expect(page.locator("dl.details")).to_contain_text(OUTCOME)
        expect(page.get_by_role("button", name="Salva la correzione")).to_have_count(0)
        assert watched.confirm is None, "the confirmation was not asked"
        watched.check()
    finally:
        context.close()
    dossier = office.desk.dossier(office.complete)
    last = office.services.assistant().store.messages(dossier.conversation.id)[-1]
    assert dossier.claim.status == "resolved" and last.role == "staff" and last.text == OUTCOME
    assert last.author == "Anna Ferraris"
    sent = [item for item in office.services.outbox().items(channel="telegram") if item.message_id == last.id]
    assert [item.kind for item in sent] == ["staff_reply"]
    actions = [entry.action for entry in office.services.audit().recent(actor=office.staff.email)]
    assert {"claim_correct", "claim_mission", "claim_resolve"} <= set(actions)


def log_in(page: Page, office: Office) -> None:
    page.goto(office.url + "/console/claims")  # no session: the login page, and back after it
    expect(page).to_have_url(re.compile(r"/console/login\?next="))
    page.get_by_label("E-mail").fill(office.staff.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    expect(page).to_have_url(office.url + "/console/claims")


def file_card(page: Page, name: str) -> Any:
    return page.locator("article.claim-file").filter(has=page.locator("h3", has_text=name))


def correct(page: Page, name: str, *, kind: str, date: str, amount: str = "", currency: str = "") -> None:
    """Open the file's correction form, fill it as a member would, and save it."""
    card = file_card(page, name)
    card.locator("details.correct summary").click()
    form = card.locator("form.correction")
    form.locator('select[name="kind"]').select_option(label=kind)
    form.locator('input[name="date"]').fill(date)
    if amount:
        form.locator('input[name="amount"]').fill(amount)
    if currency:
        form.locator('input[name="currency"]').fill(currency)
    form.get_by_role("button", name="Salva la correzione").click()
