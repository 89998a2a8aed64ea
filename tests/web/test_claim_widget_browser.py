"""A reimbursement claim in the widget (api/web/static/widget.js), in a real Chromium against the
real server: the real services, the sample knowledge and the real reader (a child process per
file, OCR for a photo). Every page fails its test on a script error, a dialog or a request that
leaves 127.0.0.1 (``watched_page``)."""

from __future__ import annotations

import base64
import io
import re
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from doubles.claim_samples import write_samples
from playwright.sync_api import Browser, Page, Request, Route, expect
from test_widget_browser import (
    SCREENSHOTS,
    browser,  # noqa: F401  (the module-scoped Chromium fixture; skipped with it when Chromium is missing)
    embedding_page,
    focused,
    open_and_consent,
    shadow_eval,
    token_of,
    watched_page,
)

from api.web.chat import CHANNEL
from api.web.claim_files import file_key

pytestmark = pytest.mark.integration

READ_TIMEOUT_MS = 60_000
"""One file: a child process reads it (about 0.4 s on an idle machine, a photo 2 s; more when busy)."""
ALL_READ_TIMEOUT_MS = 300_000


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_samples(tmp_path_factory.mktemp("claims"))


def received(page: Page) -> Any:
    return page.locator(".msg.user.file[data-received]")


def desk_says(page: Page, text: str) -> Any:
    return page.locator(".msg.assistant", has_text=text)


def conversation_of(page: Page, live_server: Any) -> int:
    conversation: int = live_server.conversation_for_token(token_of(page, live_server.url))
    return conversation


def record_uploads(page: Page) -> list[str]:
    sent: list[str] = []

    def seen(request: Request) -> None:
        if "/api/claim/files" in request.url:
            sent.append(parse_qs(urlparse(request.url).query)["client_id"][0])

    page.on("request", seen)
    return sent


# Each desk message right under its file, and one per file.
EACH_FILE_TOLD_BELOW_IT = """() => {
    const root = document.querySelector('sportello-chat').shadowRoot;
    return [...root.querySelectorAll('.msg.user.file')].map(file => {
        const next = file.nextElementSibling;
        const name = file.querySelector('.name').textContent;
        return [name, next && next.classList.contains('assistant') ? next.querySelector('.body').innerText : null];
    });
}"""


# The log scrolled so that the last desk message starts ``below`` pixels above the log's bottom.
CHECKLIST_IN_VIEW = """(below) => {
    const root = document.querySelector('sportello-chat').shadowRoot;
    const log = root.querySelector('.log'), last = [...root.querySelectorAll('.msg.assistant')].pop();
    log.scrollTop += last.getBoundingClientRect().top - log.getBoundingClientRect().top - (log.clientHeight - below);
}"""


def test_an_sme_sends_the_complete_claim_checks_it_and_submits_it(
    browser: Browser,  # noqa: F811
    live_server: Any,
    samples: Path,
) -> None:
    folder = samples / "complete"
    documents = [*sorted(folder.glob("*.pdf")), *sorted(folder.glob("*.docx"))]
    with watched_page(browser, live_server, viewport={"width": 1280, "height": 900}) as watched:
        page = watched.page
        sent = record_uploads(page)
        open_and_consent(page, live_server.url)
        attach = page.get_by_role("button", name="Allega documenti (PDF, DOCX, JPG, PNG)")
        expect(attach).to_be_visible()
        page.keyboard.press("Tab")  # from the message box to the paperclip
        assert focused(page) == "button.attach"

        page.locator("input[type=file]").set_input_files([str(path) for path in documents])
        # One at a time: the first is read while the others wait, and a screen reader hears it.
        expect(page.locator(".msg.user.file")).to_have_count(len(documents))
        expect(page.locator(".file-state", has_text="Lettura in corso…")).to_have_count(1, timeout=READ_TIMEOUT_MS)
        expect(page.locator(".file-state", has_text="In attesa di invio").first).to_be_visible()
        expect(page.locator(".claimbar .summary")).to_contain_text(
            re.compile(r"Pratica di rimborso: (\d+ document[io], )?\d+ in arrivo")
        )
        expect(page.locator(".root > .uploads[role=status]")).to_contain_text("Lettura in corso…")
        expect(received(page)).to_have_count(len(documents), timeout=ALL_READ_TIMEOUT_MS)

        told = page.evaluate(EACH_FILE_TOLD_BELOW_IT)
        assert [name for name, _ in told] == [path.name for path in documents]
        for name, text in told:
            assert text is not None and text.startswith(f"Ho ricevuto «{name}»: "), (name, text)
            expect(desk_says(page, f"«{name}»")).to_have_count(1)  # told once, whatever the live events brought
        assert told[[n for n, _ in told].index("hotel-sakura-shinjuku.pdf")][1].startswith(
            "Ho ricevuto «hotel-sakura-shinjuku.pdf»: conto d'albergo del 14 giugno 2027, JPY 88.000"
        )
        assert len(sent) == len(documents) == len(set(sent))
        expect(page.locator(".claimbar .summary")).to_have_text(f"Pratica di rimborso: {len(documents)} documenti")

        # The check, from the keyboard: back from the message box to the claim's button.
        check = page.get_by_role("button", name="Verifica la pratica")
        expect(check).not_to_have_attribute("aria-disabled", "true")
        page.locator("textarea").focus()
        page.keyboard.press("Shift+Tab")
        assert focused(page) == "button.secondary.claim-check"
        page.keyboard.press("Enter")
        checklist = desk_says(page, "Ho controllato i documenti")
        expect(checklist).to_have_count(1)
        expect(checklist).to_contain_text(
            "Manca la carta d'imbarco del ritorno (richiesta: «carte d'imbarco di andata e ritorno (o biglietti del "
            "treno)»)."
        )
        expect(checklist.locator("li").first).to_be_visible()
        # On a phone the panel is the whole screen: the last receipts and the checklist's start.
        page.set_viewport_size({"width": 390, "height": 844})
        page.evaluate(CHECKLIST_IN_VIEW, 300)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / "widget-claim.png")
        page.set_viewport_size({"width": 1280, "height": 900})

        # The return flight's boarding pass, as a photo (OCR), and the check again: complete.
        page.locator("input[type=file]").set_input_files(str(folder / "boarding-pass-ritorno.jpg"))
        expect(received(page)).to_have_count(len(documents) + 1, timeout=READ_TIMEOUT_MS)
        expect(
            desk_says(page, "Ho ricevuto «boarding-pass-ritorno.jpg»: carta d'imbarco del 18 giugno 2027")
        ).to_be_visible()
        page.get_by_role("button", name="Verifica la pratica").click()
        complete = desk_says(page, "ci sono tutti quelli richiesti")
        expect(complete).to_contain_text("questo messaggio non è una conferma di pagamento")
        expect(page.locator("[aria-live=polite]").first).to_contain_text("ci sono tutti quelli richiesti")

        axe = pytest.importorskip("axe_playwright_python.sync_playwright")
        results = axe.Axe().run(page)
        serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
        assert not serious, results.generate_report()

        page.get_by_role("button", name="Invia la pratica allo staff").click()
        submitted = desk_says(page, f"Ho inviato la pratica allo staff con {len(documents) + 1} documenti")
        expect(submitted).to_contain_text("Questo messaggio non è una conferma di pagamento.")
        expect(page.locator(".claimbar .summary")).to_have_text(
            f"Pratica di rimborso: {len(documents) + 1} documenti, inviata allo staff"
        )
        expect(page.locator(".banner")).to_contain_text("La conversazione è stata passata a un operatore.")

        # After a reload: the messages from the history, the claim from GET /api/claim.
        page.reload()
        page.locator("button.launcher").click()
        expect(page.locator(".claimbar .summary")).to_have_text(
            f"Pratica di rimborso: {len(documents) + 1} documenti, inviata allo staff"
        )
        expect(desk_says(page, "Ho inviato la pratica allo staff")).to_have_count(1)
        expect(desk_says(page, "Ho ricevuto «")).to_have_count(len(documents) + 1)
        # Sent: nothing to press until the staff answer, before the reload as after it.
        expect(page.get_by_role("button", name="Verifica la pratica")).to_have_count(0)
        expect(page.locator(".suggest")).to_be_hidden()
        desk = live_server.services.claims()
        claim = desk.claims.claim_of(conversation_of(page, live_server))
        assert claim is not None and claim.status == "submitted"

        # The staff's outcome arrives live and closes the bar's claim; the next mission's receipt opens another.
        desk.resolve(claim.id, "Pratica approvata.", author="Anna", actor="anna@cluster.example")
        outcome = page.locator(".msg.staff", has_text="Pratica approvata.")
        expect(outcome.locator(".who")).to_have_text("Anna · Operatore:")  # signed, as on Telegram
        expect(page.locator(".claimbar .summary")).to_have_text(
            f"Pratica di rimborso: {len(documents) + 1} documenti, chiusa"
        )
        page.locator("input[type=file]").set_input_files(str(folder / "taxi-osaka.pdf"))
        expect(desk_says(page, "La tua pratica precedente è stata chiusa dallo staff")).to_be_visible(
            timeout=READ_TIMEOUT_MS
        )
        expect(page.locator(".claimbar .summary")).to_have_text("Pratica di rimborso: 1 documento")
        expect(page.get_by_role("button", name="Invia la pratica allo staff")).to_have_count(0)


DROP = """([files]) => {
    const data = new DataTransfer();
    for (const f of files)
        data.items.add(new File([Uint8Array.from(atob(f.data), c => c.charCodeAt(0))], f.name, {type: f.type}));
    window.__dropped = data;
    const panel = document.querySelector('sportello-chat').shadowRoot.querySelector('.panel');
    for (const type of ['dragenter', 'dragover'])
        panel.dispatchEvent(new DragEvent(type, {dataTransfer: data, bubbles: true, cancelable: true, composed: true}));
}"""
RELEASE = """() => {
    const panel = document.querySelector('sportello-chat').shadowRoot.querySelector('.panel');
    panel.dispatchEvent(new DragEvent('drop', {dataTransfer: window.__dropped, bubbles: true, cancelable: true}));
}"""


def dragged(*paths: Path) -> list[dict[str, str]]:
    types = {".pdf": "application/pdf", ".jpg": "image/jpeg", ".png": "image/png"}
    return [
        {"name": p.name, "type": types.get(p.suffix, ""), "data": base64.b64encode(p.read_bytes()).decode()}
        for p in paths
    ]


def test_an_incomplete_claim_dropped_on_the_chat_gets_its_missing_points(
    browser: Browser,  # noqa: F811
    live_server: Any,
    samples: Path,
) -> None:
    folder = samples / "incomplete"
    with watched_page(browser, live_server) as watched:
        page = watched.page
        open_and_consent(page, live_server.url)
        # Two PDFs dragged onto the chat, the restaurant's receipt as a photo through the paperclip.
        page.evaluate(DROP, [dragged(folder / "facture-hotel-7-nuits.pdf", folder / "billet-electronique.pdf")])
        expect(page.locator(".drop")).to_be_visible()
        expect(page.locator(".drop")).to_have_text("Rilascia qui i documenti della pratica")
        page.evaluate(RELEASE)
        expect(page.locator(".drop")).to_be_hidden()
        page.locator("input[type=file]").set_input_files(str(folder / "ricevuta-ristorante.jpg"))
        expect(received(page)).to_have_count(3, timeout=ALL_READ_TIMEOUT_MS)
        expect(
            desk_says(page, "Ho ricevuto «facture-hotel-7-nuits.pdf»: conto d'albergo del 12 giugno 2027")
        ).to_be_visible()

        page.get_by_role("button", name="Verifica la pratica").click()
        checklist = desk_says(page, "Ho controllato i documenti")
        expect(checklist).to_contain_text("non è ancora completa")
        points = checklist.locator("li")
        expect(
            points.filter(has_text="Manca: «carte d'imbarco di andata e ritorno (o biglietti del treno)».")
        ).to_have_count(1)
        expect(
            points.filter(has_text="«facture-hotel-7-nuits.pdf»: JPY 154.000, senza un estratto conto in euro")
        ).to_have_count(1)
        meal = "«ricevuta-ristorante.jpg»: spesa non ammissibile secondo la regola: «pasti, bevande e spese di"
        expect(points.filter(has_text=meal)).to_have_count(1)
        expect(page.get_by_role("button", name="Invia la pratica allo staff")).to_be_visible()


def zip_named_pdf() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("fattura.txt", "Totale 100 EUR")
    return buffer.getvalue()


def test_wrong_and_hostile_files_get_a_clear_message_and_the_page_keeps_working(
    browser: Browser,  # noqa: F811
    live_server: Any,
    samples: Path,
) -> None:
    with watched_page(browser, live_server) as watched:
        page = watched.page
        sent = record_uploads(page)
        open_and_consent(page, live_server.url)
        files = page.locator("input[type=file]")
        # Refused here, before anything is sent.
        files.set_input_files([
            {"name": "programma.exe", "mimeType": "application/x-msdownload", "buffer": b"MZ\x90\x00"},
            {"name": "vuoto.pdf", "mimeType": "application/pdf", "buffer": b""},
            {"name": "enorme.pdf", "mimeType": "application/pdf", "buffer": b"%PDF" + b"0" * (10 * 1024 * 1024)},
        ])  # fmt: skip
        notices = page.locator(".msg.notice[role=alert]")
        expect(notices).to_have_text([
            "«programma.exe»: posso ricevere solo file PDF, DOCX, JPG o PNG.",
            "«vuoto.pdf» è vuoto.",
            "«enorme.pdf» supera il limite di 10 MB per file.",
        ])  # fmt: skip
        assert sent == []

        # Sent, and answered by the desk: a zip named .pdf with markup in its name, a note that
        # asks to approve everything, a file of blanks (refused by the server, nothing stored).
        markup, note = "<img src=x onerror=alert(1)>.pdf", samples / "hostile" / "nota-integrativa.pdf"
        files.set_input_files([
            {"name": markup, "mimeType": "application/pdf", "buffer": zip_named_pdf()},
            {"name": note.name, "mimeType": "application/pdf", "buffer": note.read_bytes()},
            {"name": "spazi.pdf", "mimeType": "application/pdf", "buffer": b" \n \n"},
        ])  # fmt: skip
        expect(received(page)).to_have_count(2, timeout=ALL_READ_TIMEOUT_MS)
        expect(page.locator(".msg.user.file .name").first).to_have_text(markup)  # as text, never markup
        refused = desk_says(page, "Non posso usare «")
        expect(refused).to_contain_text("non è un PDF, un DOCX o una foto JPEG/PNG")
        expect(desk_says(page, "Ho ricevuto «nota-integrativa.pdf»: documento")).to_be_visible()
        blank = page.locator(".msg.user.file.failed", has_text="spazi.pdf")
        expect(blank.locator(".file-state[role=alert]")).to_have_text("Il file è vuoto.")
        # The zip is kept for the staff, but it is no document: its bubble says so and the claim does not count it.
        expect(page.locator(".msg.user.file.failed", has_text=markup).locator(".file-state")).to_have_text(
            "Non utilizzabile"
        )
        assert shadow_eval(page, "return root.querySelectorAll('img, script, iframe, [onerror]').length;") == 0
        expect(page.locator(".claimbar .summary")).to_have_text("Pratica di rimborso: 1 documento")

        # The page keeps working: the check (no dated receipt says which mission: the SME is asked,
        # with the missions as chips), and a question.
        page.get_by_role("button", name="Verifica la pratica").click()
        asked = desk_says(page, "Per quale missione è questa domanda di rimborso?")
        missions = asked.get_by_role("group", name="Scegli la missione")
        expect(missions.get_by_role("button")).to_have_count(4)
        missions.get_by_role("button", name="Missione EU-ALLIANCE in Giappone 2027 (Tokyo e Osaka)").click()
        checked = desk_says(page, "Ho controllato i documenti")
        expect(checked).to_contain_text("non è ancora completa")
        expect(checked).to_contain_text("non posso usarlo (non è un documento leggibile)")
        page.locator("textarea").fill("Entro quando posso iscrivermi alla missione in Giappone?")
        page.locator("textarea").press("Enter")
        expect(page.locator(".msg.assistant[data-done]").last).to_contain_text("15 marzo 2027")
        assert len(sent) == 3
        stored = live_server.services.claims().claims.files(conversation_id=conversation_of(page, live_server))
        assert len(stored) == 2


def test_a_file_whose_answer_was_lost_is_sent_again_with_the_same_id_also_after_a_reload(
    browser: Browser,  # noqa: F811
    live_server: Any,
    samples: Path,
) -> None:
    uploads = f"{live_server.url}/api/claim/files*"
    hotel = samples / "complete" / "hotel-sakura-shinjuku.pdf"
    with watched_page(browser, live_server) as watched:
        page = watched.page
        sent = record_uploads(page)
        open_and_consent(page, live_server.url)

        # The server stores and reads the file, and its answer is lost on the way back. (Stored here,
        # as the route would: Playwright cannot pass a request's File body on through route.fetch.)
        def lose_the_answer(route: Route) -> None:
            query = parse_qs(urlparse(route.request.url).query)
            desk = live_server.services.claims()
            file, new = desk.receive(
                conversation_of(page, live_server), CHANNEL,
                file_key(conversation_of(page, live_server), query["client_id"][0]),
                name=query["name"][0], media_type="application/pdf", data=hotel.read_bytes(),
            )  # fmt: skip
            assert new and desk.read(file) is not None
            route.abort()

        page.route(uploads, lose_the_answer, times=1)
        page.locator("input[type=file]").set_input_files(str(hotel))
        expect(received(page)).to_have_count(1, timeout=READ_TIMEOUT_MS)  # sent again by itself, after a second
        assert len(sent) == 2 and sent[0] == sent[1]
        expect(desk_says(page, "Ho ricevuto «hotel-sakura-shinjuku.pdf»")).to_have_count(1)
        conversation = conversation_of(page, live_server)
        assert len(live_server.services.claims().claims.files(conversation_id=conversation)) == 1

        # No network at all: the file waits, with its id, and goes once the page is back.
        page.route(uploads, lambda route: route.abort())
        taxi = samples / "complete" / "taxi-osaka.pdf"
        page.locator("input[type=file]").set_input_files(str(taxi))
        expect(page.locator(".msg.user.file").last.locator(".file-state")).to_have_text(
            "Non ancora inviato: riprovo appena possibile…"
        )
        kept = page.evaluate("key => JSON.parse(localStorage.getItem(key))", f"sportello:{live_server.url}:uploads")
        assert [(u["name"], u["size"]) for u in kept] == [(taxi.name, taxi.stat().st_size)]
        page.reload()  # still offline: the file is found again (IndexedDB), with its id, and waits
        page.locator("button.launcher").click()
        expect(page.locator(".msg.user.file .file-state")).to_have_text("Non ancora inviato: riprovo appena possibile…")
        page.unroute(uploads)
        expect(received(page)).to_have_count(1, timeout=READ_TIMEOUT_MS)
        expect(desk_says(page, "Ho ricevuto «taxi-osaka.pdf»")).to_have_count(1)
        assert sent[-1] == kept[0]["id"]
        assert page.evaluate("key => localStorage.getItem(key)", f"sportello:{live_server.url}:uploads") is None
        expect(page.locator(".claimbar .summary")).to_have_text("Pratica di rimborso: 2 documenti")
        assert len(live_server.services.claims().claims.files(conversation_id=conversation)) == 2


def test_a_file_read_by_the_recovery_loop_appears_live_in_english(
    browser: Browser,  # noqa: F811
    live_server: Any,
    samples: Path,
) -> None:
    url = live_server.url
    with watched_page(browser, live_server) as watched:
        page = watched.page
        english = embedding_page(url, "data-lang='en'")
        page.route(f"{url}/embed-en", lambda route: route.fulfill(content_type="text/html", body=english))
        page.goto(f"{url}/embed-en")
        page.locator("button.launcher").click()
        page.locator("button.agree").click()
        expect(page.get_by_role("button", name="Attach documents (PDF, DOCX, JPG, PNG)")).to_be_visible()
        expect(page.locator(".claimbar")).to_be_hidden()

        # Stored by a request that died before reading it; read by `sportello serve`'s recovery loop.
        desk = live_server.services.claims()
        hotel = samples / "complete" / "hotel-sakura-shinjuku.pdf"
        conversation = conversation_of(page, live_server)
        file, _ = desk.receive(conversation, CHANNEL, f"{CHANNEL}:recovered{conversation}", name=hotel.name,
                               media_type="application/pdf", data=hotel.read_bytes())  # fmt: skip
        told = desk.read(file)
        assert told is not None
        live = desk_says(page, "I received «hotel-sakura-shinjuku.pdf»: hotel bill dated 14 June 2027")
        expect(live).to_have_count(1)
        expect(live).to_have_attribute("data-id", str(told.message_id))
        expect(page.locator("[aria-live=polite]").first).to_contain_text("I received «hotel-sakura-shinjuku.pdf»")
        expect(page.locator(".claimbar")).to_have_accessible_name("Reimbursement claim")
        expect(page.locator(".claimbar .summary")).to_have_text("Reimbursement claim: 1 document")
        page.get_by_role("button", name="Check my claim").click()
        expect(desk_says(page, "I checked the documents of your reimbursement claim")).to_contain_text(
            "«carte d'imbarco di andata e ritorno (o biglietti del treno)»"
        )
