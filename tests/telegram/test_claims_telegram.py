"""Reimbursement claims on Telegram (issue 24): an SME sends its receipts in the chat, the real
python-telegram-bot downloads them from the Bot API double, the services read them in a child
process (``read_isolated``: text layers, OCR for photos), the SME checks the claim and sends it to
the staff, and the staff's outcome comes back to the chat. The claims are scripts/make_sample_claims.py's
for the Japan mission (14–18 June 2027, claims due within 30 days: by 18 July 2027); the
services' clock says 1 July 2027.

Reading takes ~1.5 s a file in a child process here and ~4 s a photo, one file after the other in
one chat: the complete claim (13 files, two of them photos) takes about half a minute.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from doubles.claim_samples import write_samples
from doubles.telegram_api import BotApiDouble, SentMessage
from doubles.telegram_bot import STAFF_CHAT, STAFF_NAME, STAFF_USER, MovableClock, RunningBot
from telegram import Bot
from telegram.error import BadRequest

from api.services import Services
from bot.conversation.phrases import say
from bot.telegram.keyboards import entry_key

Start = Callable[..., RunningBot]
ON_TIME = dt.datetime(2027, 7, 1, 8, 0, tzinfo=dt.UTC)
LATE = dt.datetime(2027, 7, 25, 8, 0, tzinfo=dt.UTC)
READING = 90.0
"""Seconds a batch of files may take to be read (generous: a busy machine reads slower)."""
JAPAN = "missione-giappone-2027"
CRASHED_UPDATE = 8_000_000_001
"""An update id far from those the double hands out: stored by a process that then died."""


@pytest.fixture(scope="module")
def clock() -> MovableClock:
    """The services' clock (this module's, over the conftest's): two weeks after the Japan mission."""
    return MovableClock(ON_TIME)


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_samples(tmp_path_factory.mktemp("claims"))


@pytest.fixture
def late(clock: MovableClock) -> Iterator[None]:
    """The clock a week past the claims' deadline, set back after the test."""
    before = clock.now
    clock.now = LATE
    yield
    clock.now = before


def send_file(bot: RunningBot, chat: int, path: Path, **options: Any) -> dict[str, Any]:
    """The SME sends ``path`` as a document (a file, not a compressed photo); the message sent."""
    update = bot.api.document_update(chat, path.read_bytes(), path.name, **options)
    bot.api.push_update(update)
    return dict(update["message"])


def send_photo(bot: RunningBot, chat: int, path: Path, **options: Any) -> dict[str, Any]:
    """The SME sends ``path`` as a photo (Telegram re-encodes it, in several sizes); the message sent."""
    update = bot.api.photo_update(chat, path.read_bytes(), **options)
    bot.api.push_update(update)
    return dict(update["message"])


def buttons(message: SentMessage) -> list[str]:
    markup = message.reply_markup or {}
    return [b.get("callback_data", "") for row in markup.get("inline_keyboard", []) for b in row]


def labels(message: SentMessage) -> list[str]:
    markup = message.reply_markup or {}
    return [b.get("text", "") for row in markup.get("inline_keyboard", []) for b in row]


def conversation_of(services: Services, chat: int) -> int:
    conversation = services.assistant().store.latest_conversation("telegram", str(chat))
    assert conversation is not None
    return conversation


def quiet(api: BotApiDouble, chat: int, seconds: float = 0.8) -> list[SentMessage]:
    """The chat's messages once nothing more arrives for ``seconds`` (the work loop runs every 50 ms)."""
    count = -1
    while count != len(api.sent(chat)):
        count = len(api.sent(chat))
        time.sleep(seconds)
    return api.sent(chat)


def fetched(api: BotApiDouble) -> tuple[set[str], set[str]]:
    """The file ids the bot asked ``getFile`` about, and the paths it downloaded."""
    return {c["file_id"] for c in api.calls_to("getFile")}, {c["file_path"] for c in api.calls_to("download")}


def press_and_answer(bot: RunningBot, chat: int, data: str, under: SentMessage, **options: Any) -> dict[str, Any]:
    """Press a button and wait until the bot answers the callback; the answer's parameters."""
    answered = len(bot.api.calls_to("answerCallbackQuery"))
    bot.press(chat, data, under, **options)
    bot.api.wait_for(lambda: len(bot.api.calls_to("answerCallbackQuery")) > answered, 20)
    return bot.api.calls_to("answerCallbackQuery")[answered]


def test_a_complete_claim_is_read_checked_submitted_and_resolved(
    running_bot: Start, bot_api: BotApiDouble, bot_services: Services, samples: Path
) -> None:
    bot = running_bot()
    chat = 5101
    before = len(bot.consent(chat))
    files = sorted((samples / "complete").iterdir())
    photo = samples / "complete" / "boarding-pass-ritorno.jpg"  # taken with a phone: sent as a photo
    sizes: list[dict[str, Any]] = []
    for path in files:  # PDFs, the DOCX, and a PNG sent as a file
        if path == photo:
            sizes = send_photo(bot, chat, path)["photo"]
        else:
            send_file(bot, chat, path)

    bot.wait_sent(chat, before + len(files), timeout=READING)
    receipts = quiet(bot_api, chat)[before:]
    assert len(receipts) == len(files)  # one message a file, each once
    for path in files:
        if path != photo:
            assert sum(f"«{path.name}»" in m.text for m in receipts) == 1, path.name
    assert all(buttons(m) == ["claim:check"] and labels(m) == ["Verifica la pratica"] for m in receipts)
    hotel = next(m for m in receipts if "«hotel-sakura-shinjuku.pdf»" in m.text)
    assert hotel.text.startswith(
        "Ho ricevuto «hotel-sakura-shinjuku.pdf»: conto d'albergo del 14 giugno 2027, JPY 88.000, HOTEL SAKURA "
        "SHINJUKU."
    )
    # What to press once every file is sent: said under the claim's first file only, not thirteen times.
    assert sum("Quando hai mandato tutti i documenti, premi «Verifica la pratica»." in m.text for m in receipts) == 1
    assert any(
        "«dichiarazione-de-minimis.docx»: dichiarazione de minimis del 1º luglio 2027" in m.text for m in receipts
    )
    assert any("«taxi-haneda-hotel.png»: trasporto locale del 14 giugno 2027, JPY 7.820" in m.text for m in receipts)
    # The photo was read by OCR from its largest size; Telegram's thumbnails were never fetched.
    [boarding] = [m for m in receipts if "carta d'imbarco del 18 giugno 2027" in m.text]
    assert boarding.text.startswith("Ho ricevuto «foto-")
    asked, downloaded = fetched(bot_api)
    assert sizes[-1]["file_id"] in asked and not {s["file_id"] for s in sizes[:-1]} & asked
    desk = bot_services.claims()
    conversation = conversation_of(bot_services, chat)
    stored = desk.claims.files(conversation_id=conversation)
    assert len(stored) == len(files) and all(f.channel == "telegram" and f.reading is not None for f in stored)
    largest = bot_api.files.data(sizes[-1]["file_id"])
    assert bot_api.files.path_of(sizes[-1]["file_id"]) in downloaded
    assert hashlib.sha256(largest).hexdigest() in {f.sha256 for f in stored}

    bot.press(chat, "claim:check", receipts[-1])
    checklist = bot.wait_sent(chat, before + len(files) + 1, timeout=20)[-1]
    assert checklist.text.startswith(
        "Ho controllato i documenti della tua domanda di rimborso: ci sono tutti quelli richiesti.\n\n"
        "Stima, che lo staff dovrà confermare: spese ammissibili € 2.905,91, rimborso stimato € 1.452,97"
    )
    assert checklist.text.endswith(
        "non è una conferma di pagamento.\n\nSe va bene così, premi «Invia la pratica allo staff»."
    )
    first = desk.claims.claim_of(conversation_of(bot_services, chat))
    assert first is not None
    assert buttons(checklist) == ["claim:check", f"claim:submit:{first.id}"]  # "send" acts on this claim only
    assert labels(checklist) == ["Verifica la pratica", "Invia la pratica allo staff"]

    press_and_answer(bot, chat, f"claim:submit:{first.id}", checklist)
    submitted = bot.wait_sent(chat, before + len(files) + 2, timeout=20)[-1]
    assert submitted.text == (
        "Ho inviato la pratica allo staff con 13 documenti: la controlleranno e ti risponderanno qui. Questo "
        "messaggio non è una conferma di pagamento."
    )
    assert buttons(submitted) == []
    # A double tap on "send": the claim is sent once, and the SME told once.
    press_and_answer(bot, chat, f"claim:submit:{first.id}", checklist)
    assert len(quiet(bot_api, chat)) == before + len(files) + 2
    claim = desk.claims.claim_of(conversation)
    assert claim is not None and claim.status == "submitted"
    escalation = desk.dossier(claim.id).escalation
    assert escalation is not None and escalation.reason == "expense_claim"
    assert [e.id for e in bot_services.assistant().store.escalations_of(conversation)] == [escalation.id]
    bot_api.wait_for(lambda: any(f"#{escalation.id} " in m.text for m in bot_api.sent(STAFF_CHAT)), 20)
    notice = next(m for m in bot_api.sent(STAFF_CHAT) if f"#{escalation.id} " in m.text)
    assert notice.text.startswith(f"🆘 Richiesta #{escalation.id} (telegram, motivo: pratica di rimborso)\n")
    assert f"Pratica di rimborso #{claim.id} — 13 file — Missione EU-ALLIANCE in Giappone 2027" in notice.text
    assert "completa, stima € 1.452,97" in notice.text

    # The staff close the claim (from the console): the outcome reaches the chat, under their name.
    outcome = "Pratica approvata: rimborso di 1.452,97 euro, bonifico entro 30 giorni."
    desk.resolve(claim.id, outcome, author=STAFF_NAME, actor="anna@cluster.example")
    told = bot.wait_sent(chat, before + len(files) + 3, timeout=20)[-1]
    assert told.text == f"{STAFF_NAME} (sportello)\n\n{outcome}"
    final = desk.dossier(claim.id)
    assert final.claim.status == "resolved" and final.escalation is not None
    assert final.escalation.status == "resolved"

    # Next year's mission, in the same chat: the receipt opens a new claim, and the SME is told so.
    send_file(bot, chat, samples / "complete" / "taxi-osaka.pdf")
    opened = bot.wait_sent(chat, before + len(files) + 4, timeout=20)[-1]
    assert opened.text.startswith("La tua pratica precedente è stata chiusa dallo staff, quindi ho aperto una nuova")
    assert "Ho ricevuto «taxi-osaka.pdf»" in opened.text and buttons(opened) == ["claim:check"]
    later = desk.claims.claim_of(conversation)
    assert later is not None and later.id != claim.id and (later.number, later.status) == (2, "open")
    closed = desk.claims.claim(claim.id)
    assert closed is not None and closed.status == "resolved" and len(desk.claims.files(claim.id)) == len(files)
    # The old checklist's "send", pressed now: it was the closed claim's, so it sends nothing.
    answer = press_and_answer(bot, chat, f"claim:submit:{claim.id}", checklist)
    assert answer.get("text") == "Questa scelta non è più valida: scrivimi la domanda."
    assert len(quiet(bot_api, chat)) == before + len(files) + 4 and desk.claims.claim(later.id).status == "open"


def test_the_incomplete_claim_names_each_problem_with_its_clause_in_french(
    running_bot: Start, bot_api: BotApiDouble, samples: Path
) -> None:
    bot = running_bot()
    chat = 5102
    french = {"language_code": "fr"}  # the SME's Telegram app is in French
    before = len(bot.consent(chat, **french))
    files = sorted((samples / "incomplete").iterdir())
    for path in files:
        if path.name == "recu-taxi.png":  # a PNG sent as a photo arrives as Telegram's JPEG
            send_photo(bot, chat, path, **french)
        else:
            send_file(bot, chat, path, **french)
    bot.wait_sent(chat, before + len(files), timeout=READING)
    receipts = quiet(bot_api, chat)[before:]
    assert len(receipts) == len(files)
    assert all(m.text.startswith("J'ai reçu « ") and labels(m) == ["Vérifier mon dossier"] for m in receipts)
    assert any("transport local du 24 juin 2027, 3 400 JPY" in m.text for m in receipts)  # the photo

    press_and_answer(bot, chat, "claim:check", receipts[-1], **french)
    checklist = bot.wait_sent(chat, before + len(files) + 1, timeout=20)[-1]
    lines = checklist.text.splitlines()
    assert lines[0] == (
        "J'ai vérifié les documents de votre demande de remboursement : elle n'est pas encore complète. Voici ce qui "
        "manque ou doit être vérifié :"
    )
    # Each point quotes the rule's clause as the catalog writes it (in Italian).
    assert "- Il manque : « carte d'imbarco di andata e ritorno (o biglietti del treno) »." in lines
    meal = "dépense non éligible selon la règle : « pasti, bevande e spese di rappresentanza »"
    assert f"- « ricevuta-ristorante.jpg » : {meal}." in lines
    assert any(
        line.startswith("- « foto-") and "il date du 24 juin 2027, hors des dates admises pour cette dépense" in line
        for line in lines
    )
    assert any(
        line.startswith("- « facture-hotel-7-nuits.pdf » : 154 000 JPY, sans relevé bancaire en euros")
        for line in lines
    )
    assert "ce message ne confirme aucun paiement" in checklist.text
    assert labels(checklist) == ["Vérifier mon dossier", "Envoyer le dossier à l'équipe"]


def test_hostile_files_are_refused_or_left_to_the_staff_and_harm_nothing(
    running_bot: Start, bot_api: BotApiDouble, bot_services: Services, samples: Path, tmp_path: Path
) -> None:
    bot = running_bot()
    chat = 5103
    before = len(bot.consent(chat))
    send_file(bot, chat, samples / "complete" / "taxi-osaka.pdf")
    bot.wait_sent(chat, before + 1, timeout=20)
    hostile = samples / "hostile"
    for name in ("estratto-conto-protetto.pdf", "fattura-rovinata.pdf", "fattura-hotel.pdf", "bomba.docx",
                 "nota-integrativa.pdf"):  # fmt: skip
        send_file(bot, chat, hostile / name)
    blank = tmp_path / "vuoto.pdf"
    blank.write_bytes(b"\n \n\t\n")  # Telegram delivers no 0-byte file: blank is as empty as it gets
    send_file(bot, chat, blank)
    huge = tmp_path / "scansione-enorme.pdf"
    huge.write_bytes(b"%PDF-1.4\n" + b"0" * (11 * 1024 * 1024))
    too_big = send_file(bot, chat, huge)["document"]
    bot.wait_sent(chat, before + 8, timeout=READING)
    said = [m.text for m in quiet(bot_api, chat)[before + 1 :]]
    assert len(said) == 7, said

    def told(start: str) -> str:
        [message] = [text for text in said if text.startswith(start)]
        return message

    assert told("Ho ricevuto «estratto-conto-protetto.pdf»") == (
        "Ho ricevuto «estratto-conto-protetto.pdf», ma non riesco a leggerne il testo (è protetto da password): "
        "lo leggerà lo staff. Se ne hai una versione PDF con il testo, mandala pure."
    )
    limits = "Mandami PDF, DOCX, JPEG o PNG fino a 10 MB ciascuno."
    assert told("Non posso usare «fattura-rovinata.pdf»") == (
        f"Non posso usare «fattura-rovinata.pdf»: il file è danneggiato. {limits}"
    )
    assert told("Non posso usare «fattura-hotel.pdf»") == (  # a zip named .pdf
        f"Non posso usare «fattura-hotel.pdf»: non è un PDF, un DOCX o una foto JPEG/PNG. {limits}"
    )
    assert told("Non posso usare «bomba.docx»") == (
        f"Non posso usare «bomba.docx»: supera i limiti di lettura (pagine, pixel o contenuto compresso). {limits}"
    )
    assert "Il file è vuoto." in said
    assert "Il file è troppo grande: al massimo 10 MB per file." in said
    # The note that gives orders is a document like any other: read, named, never obeyed.
    orders = told("Ho ricevuto «nota-integrativa.pdf»")
    assert orders.startswith("Ho ricevuto «nota-integrativa.pdf»: documento, Nota per l'ufficio rimborsi.")
    assert not any(word in orders.lower() for word in ("approv", "10.000", "administrator", "ignora"))
    # Refused before the download: nothing of the 11 MB file was fetched, nor stored.
    asked, _downloaded = fetched(bot_api)
    assert too_big["file_id"] not in asked

    desk = bot_services.claims()
    conversation = conversation_of(bot_services, chat)
    stored = {f.name: f for f in desk.claims.files(conversation_id=conversation)}
    assert set(stored) == {"taxi-osaka.pdf", "estratto-conto-protetto.pdf", "fattura-rovinata.pdf",
                           "fattura-hotel.pdf", "bomba.docx", "nota-integrativa.pdf"}  # fmt: skip
    taxi = stored["taxi-osaka.pdf"].reading
    assert taxi is not None and taxi.kind == "local_transport" and str(taxi.amount) == "2860"
    bot.press(chat, "claim:check", bot_api.sent(chat)[-1])
    checklist = bot.wait_sent(chat, before + 9, timeout=20)[-1]
    assert checklist.text.startswith("Ho controllato i documenti della tua domanda di rimborso: non è ancora completa.")
    assert "approvat" not in checklist.text
    claim = desk.claims.claim_of(conversation)
    assert claim is not None and claim.status == "open"
    assert bot_services.assistant().store.escalations_of(conversation) == []


def test_files_outside_a_consenting_private_chat_are_never_kept(
    running_bot: Start, bot_api: BotApiDouble, bot_services: Services, samples: Path
) -> None:
    bot = running_bot()
    receipt = samples / "complete" / "taxi-osaka.pdf"
    stranger = 5104  # never accepted the notice
    sent = send_file(bot, stranger, receipt)["document"]
    note, notice = bot.wait_sent(stranger, 2)
    assert note.text == "Non ho conservato il file: prima accetta l'informativa qui sotto, poi mandamelo di nuovo."
    assert buttons(notice) == ["consent"]

    group = -4001
    mentioned = send_file(bot, group, receipt, chat_type="group", caption="@sportello_test_bot ecco la ricevuta")
    [reply] = bot.wait_sent(group, 1)
    assert reply.text == "Mandami i documenti della pratica in chat privata, non nel gruppo."
    assert reply.reply_to_message_id == mentioned["message_id"]
    in_passing = send_file(bot, group, receipt, chat_type="group", caption="la ricevuta del taxi")["document"]
    staff = send_file(bot, STAFF_CHAT, receipt, chat_type="supergroup", user_id=STAFF_USER)["document"]
    # A sticker and a GIF are no receipts: the answer every non-text message had before.
    sticker = bot_api.message_update(5104, "x")
    del sticker["message"]["text"]
    sticker["message"]["sticker"] = {"file_id": "CAACAgIAAxkBAAIB", "file_unique_id": "AgADxx", "type": "regular",
                                     "width": 512, "height": 512, "is_animated": False, "is_video": False}  # fmt: skip
    bot_api.push_update(sticker)
    gif = bot_api.document_update(5104, b"GIF89a" + b"\0" * 64, "ciao.gif")
    gif["message"]["animation"] = {**gif["message"]["document"], "width": 100, "height": 100, "duration": 1}
    bot_api.push_update(gif)
    answers = bot.wait_sent(stranger, 4)[2:]
    assert [m.text for m in answers] == [say("empty", "it")] * 2

    quiet(bot_api, group)
    assert len(bot_api.sent(group)) == 1
    assert not any("ricevuta" in m.text or "Ho ricevuto" in m.text for m in bot_api.sent(STAFF_CHAT))
    asked, _downloaded = fetched(bot_api)
    assert not {sent["file_id"], mentioned["document"]["file_id"], in_passing["file_id"], staff["file_id"]} & asked
    store = bot_services.assistant().store
    assert store.latest_conversation("telegram", str(stranger)) is None
    assert store.latest_conversation("telegram", str(group)) is None


def test_pratica_and_the_choice_of_mission(running_bot: Start, bot_api: BotApiDouble, bot_services: Services,
                                           samples: Path) -> None:  # fmt: skip
    bot = running_bot()
    chat = 5105
    before = len(bot.consent(chat))
    bot.say(chat, "/pratica")
    [nothing_yet] = bot.wait_sent(chat, before + 1)[before:]
    assert nothing_yet.text == "Non ho ancora ricevuto documenti per la pratica: mandali qui, anche come foto."
    send_file(bot, chat, samples / "complete" / "coordinate-bancarie.pdf")  # its date is no mission's
    receipt = bot.wait_sent(chat, before + 2, timeout=20)[-1]
    press_and_answer(bot, chat, "claim:check", receipt)
    which = bot.wait_sent(chat, before + 3, timeout=20)[-1]
    assert which.text == "Per quale missione è questa domanda di rimborso?"
    claim = bot_services.claims().claims.claim_of(conversation_of(bot_services, chat))
    assert claim is not None and f"claim:m:{entry_key(JAPAN)}:{claim.id}" in buttons(which)
    assert "Missione EU-ALLIANCE in Giappone 2027 (Tokyo e Osaka)" in labels(which)
    # A choice that is no mission (an old or forged button): answered, and nothing else.
    answer = press_and_answer(bot, chat, "claim:m:0000000000", which)
    assert answer.get("text") == "Questa scelta non è più valida: scrivimi la domanda."
    press_and_answer(bot, chat, f"claim:m:{entry_key(JAPAN)}:{claim.id}", which)
    checklist = bot.wait_sent(chat, before + 4, timeout=20)[-1]
    assert checklist.text.startswith("Ho controllato i documenti della tua domanda di rimborso: non è ancora completa.")
    assert "\n- Manca: «carte d'imbarco di andata e ritorno (o biglietti del treno)».\n" in checklist.text
    assert "Non posso ancora stimare un importo: nessuna spesa è stata verificata." in checklist.text
    assert buttons(checklist) == ["claim:check", f"claim:submit:{claim.id}"]
    assert len(quiet(bot_api, chat)) == before + 4
    claim = bot_services.claims().claims.claim_of(conversation_of(bot_services, chat))
    assert claim is not None and claim.mission_id == JAPAN


def test_a_file_stored_before_a_crash_is_read_and_told_once(
    running_bot: Start, bot_api: BotApiDouble, bot_services: Services, samples: Path
) -> None:
    bot = running_bot()
    chat = 5106
    before = len(bot.consent(chat))
    path = samples / "complete" / "taxi-osaka.pdf"
    # A process stored the update, downloaded and stored the file, and died before reading it.
    update = bot_api.document_update(chat, path.read_bytes(), path.name, update_id=CRASHED_UPDATE)
    key = f"tg:{chat}:{update['message']['message_id']}"
    desk = bot_services.claims()
    conversation = conversation_of(bot_services, chat)
    desk.receive(conversation, "telegram", key, name=path.name, media_type="application/pdf", data=path.read_bytes())
    bot.deps.updates.record(CRASHED_UPDATE, update)
    # This process finds the update unhandled, handles it again: the stored file is read, and told once.
    bot.wait_sent(chat, before + 1, timeout=20)
    [receipt] = quiet(bot_api, chat)[before:]
    assert receipt.text.startswith("Ho ricevuto «taxi-osaka.pdf»: trasporto locale del 17 giugno 2027, JPY 2.860")
    assert bot.deps.updates.is_handled(CRASHED_UPDATE)
    [stored] = desk.claims.files(conversation_id=conversation)
    assert stored.reading is not None and stored.reading.kind == "local_transport"


@pytest.mark.usefixtures("late")
def test_a_claim_sent_after_the_deadline_is_told_so(
    running_bot: Start, bot_api: BotApiDouble, bot_services: Services, samples: Path
) -> None:
    bot = running_bot()
    chat = 5107
    before = len(bot.consent(chat))
    send_file(bot, chat, samples / "complete" / "carta-imbarco-andata.pdf")
    receipt = bot.wait_sent(chat, before + 1, timeout=20)[-1]
    bot.press(chat, "claim:check", receipt)
    checklist = bot.wait_sent(chat, before + 2, timeout=20)[-1]
    late_text = (
        "Attenzione: la domanda porta la data del 25 luglio 2027, ma andava inviata entro 30 giorni dalla fine "
        "della missione (18 giugno 2027), cioè entro il 18 luglio 2027; il regolamento non ammette domande oltre il "
        "termine. Lo staff la esaminerà e ti risponderà."
    )
    assert late_text in checklist.text
    assert "Stima" not in checklist.text  # no estimate for a claim the rule refuses
    press_and_answer(bot, chat, "claim:submit", checklist)
    submitted = bot.wait_sent(chat, before + 3, timeout=20)[-1]
    assert submitted.text.startswith("Ho inviato la pratica allo staff con il suo unico documento")
    claim = bot_services.claims().claims.claim_of(conversation_of(bot_services, chat))
    assert claim is not None and claim.submitted_at == LATE


def test_the_double_keeps_files_as_telegram_does(bot_api: BotApiDouble, samples: Path) -> None:
    """What the tests above trust: sizes declared, photos in JPEG sizes, 20 MB for bots, downloads by path."""
    photo = bot_api.photo_update(1, (samples / "incomplete" / "recu-taxi.png").read_bytes())["message"]["photo"]
    assert [max(s["width"], s["height"]) for s in photo] == [90, 320, 800, 940]
    assert all(bot_api.files.data(s["file_id"]).startswith(b"\xff\xd8\xff") for s in photo)  # all JPEGs
    zip_as_pdf = (samples / "hostile" / "fattura-hotel.pdf").read_bytes()
    document = bot_api.document_update(1, zip_as_pdf, "fattura-hotel.pdf")["message"]["document"]
    assert document["mime_type"] == "application/pdf" and document["file_size"] == len(zip_as_pdf)  # the name's word
    huge = bot_api.document_update(1, b"0" * (20 * 1024 * 1024 + 1), "enorme.pdf")["message"]["document"]
    with pytest.raises(ValueError, match="no empty file"):
        bot_api.document_update(1, b"", "vuoto.pdf")

    async def scenario() -> None:
        async with Bot(bot_api.token, base_url=f"{bot_api.root}/bot", base_file_url=f"{bot_api.root}/file/bot") as bot:
            file = await bot.get_file(document["file_id"])
            assert file.file_size == len(zip_as_pdf) and file.file_path is not None
            assert file.file_path.startswith(f"{bot_api.root}/file/bot{bot_api.token}/documents/")
            assert bytes(await file.download_as_bytearray()) == zip_as_pdf
            with pytest.raises(BadRequest, match=r"(?i)too big"):
                await bot.get_file(huge["file_id"])
            with pytest.raises(BadRequest, match=r"(?i)invalid file_id"):
                await bot.get_file("AAAA-no-such-file")

    asyncio.run(scenario())
    path = bot_api.files.path_of(document["file_id"])
    assert httpx.get(f"{bot_api.root}/file/bot1:WRONG/{path}").status_code == 401
    assert httpx.get(f"{bot_api.root}/file/bot{bot_api.token}/documents/nothing.pdf").status_code == 404
