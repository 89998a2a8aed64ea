"""The console's actions in process: reply on each channel, notes, hand back, FAQs and their
review after a source change, uploads, analytics, export and erasure."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient

from api.services import Services
from bot.conversation.store import ConversationStore
from bot.desk.accounts import StaffAccount
from bot.desk.staff_faq import StaffFaqs
from bot.outbound.outbox import Outbox

LoggedIn = Callable[..., tuple[StaffAccount, str]]


def escalation(store: ConversationStore, channel: str, external_id: str, question: str) -> int:
    contact = store.contact(channel, external_id, name="Tessuti Srl")
    conversation = store.start_conversation(contact, "it")
    store.add_message(conversation, "user", question)
    return store.open_escalation(conversation, "low_confidence", question, {"company": "Tessuti Srl"})


def test_a_reply_reaches_the_widget_history_and_the_telegram_outbox(
    client: TestClient, sample_services: Services, logged_in: LoggedIn
) -> None:
    account, csrf = logged_in("staff")
    store = sample_services.assistant().store
    token = client.post("/api/sessions", json={"consent": True}).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    client.post("/api/messages", json={"text": "Voglio parlare con un operatore"}, headers=headers)
    client.post("/api/messages", json={"text": "Tessuti Srl, anna@tessuti.example.it"}, headers=headers)
    web_id = max(e.id for e in store.unresolved_escalations())
    telegram_id = escalation(store, "telegram", "424242", "Posso portare due persone in missione?")

    for escalation_id, text in ((web_id, "Risposta per il widget"), (telegram_id, "Risposta per Telegram")):
        assert client.post(f"/console/escalations/{escalation_id}/claim", data={"csrf_token": csrf}).status_code == 200
        page = client.post(f"/console/escalations/{escalation_id}/reply", data={"csrf_token": csrf, "text": text})
        assert "Risposta inviata" in page.text and text in page.text

    history = client.get("/api/history", headers=headers).json()["messages"]
    assert history[-1]["role"] == "staff" and history[-1]["text"] == "Risposta per il widget"
    queued = [
        i for i in Outbox(sample_services.sessions, sample_services.now).items("telegram") if i.kind == "staff_reply"
    ]
    assert any(i.address == "424242" and i.text == "Risposta per Telegram" for i in queued)
    assert store.escalation(telegram_id).assignee == account.name  # type: ignore[union-attr]


def test_a_reply_form_sent_twice_is_stored_once_and_audited(
    client: TestClient, sample_services: Services, logged_in: LoggedIn
) -> None:
    account, csrf = logged_in("staff")
    store = sample_services.assistant().store
    escalation_id = escalation(store, "telegram", "434343", "Servono due firme?")
    page = client.get(f"/console/escalations/{escalation_id}").text
    form_id = page.split('name="form_id" value="', 1)[1].split('"', 1)[0]
    form = {"csrf_token": csrf, "text": "Basta una firma.", "form_id": form_id}
    for _ in range(2):  # a double click, or the form sent again after the server restarted
        assert "Risposta inviata" in client.post(f"/console/escalations/{escalation_id}/reply", data=form).text
    conversation = store.escalation(escalation_id).conversation_id  # type: ignore[union-attr]
    assert [m.text for m in store.messages(conversation) if m.role == "staff"] == ["Basta una firma."]
    queued = [
        i for i in Outbox(sample_services.sessions, sample_services.now).items("telegram") if i.address == "434343"
    ]
    assert [i.text for i in queued] == ["Basta una firma."]
    replies = [e for e in sample_services.audit().recent(actor=account.email) if e.action == "reply"]
    assert [e.target for e in replies] == [f"escalation {escalation_id}"]  # audited once, by the desk
    for hostile in ("x", "a b c d e f g h", "<script>", "'; DROP TABLE bot_messages; --", "z" * 65):
        refused = client.post(f"/console/escalations/{escalation_id}/reply", data=form | {"form_id": hostile})
        assert refused.status_code == 422
    assert len([m for m in store.messages(conversation) if m.role == "staff"]) == 1


def test_notes_stay_internal_and_hand_back_tells_the_sme(
    client: TestClient, sample_services: Services, logged_in: LoggedIn
) -> None:
    _, csrf = logged_in("staff")
    store = sample_services.assistant().store
    escalation_id = escalation(store, "web", "hand-back-contact", "Domanda difficile")
    client.post(f"/console/escalations/{escalation_id}/notes", data={"csrf_token": csrf, "text": "Chiamare lunedì"})
    empty = client.post(f"/console/escalations/{escalation_id}/notes", data={"csrf_token": csrf, "text": "   "})
    assert "Scrivi un testo" in empty.text
    page = client.post(f"/console/escalations/{escalation_id}/handback", data={"csrf_token": csrf})
    assert "Chiamare lunedì" in page.text and "Promuovi a FAQ" in page.text
    conversation = store.escalation(escalation_id).conversation_id  # type: ignore[union-attr]
    messages = store.messages(conversation)
    assert "Chiamare lunedì" not in " ".join(m.text for m in messages)
    assert messages[-1].role == "system" and "assistente" in messages[-1].text
    again = client.post(f"/console/escalations/{escalation_id}/reply", data={"csrf_token": csrf, "text": "tardi"})
    assert "già chiusa" in again.text


def test_a_promoted_faq_is_served_then_flagged_when_its_source_changes(
    client: TestClient, make_services: Callable[..., Services], tmp_path: Path
) -> None:
    from doubles.console import login, new_account

    from api.web.app import create_app

    services = make_services()
    docs = tmp_path / "docs"
    docs.mkdir()
    source = docs / "corsi.md"
    source.write_text("# Corsi\n\nIl cluster organizza due corsi sull'export ogni anno.\n", encoding="utf-8")
    with TestClient(create_app(services=services)) as console:
        services.ingest_pipeline().run([docs])
        csrf = login(console, new_account(services).email)
        store = services.assistant().store
        question = "Il cluster organizza corsi di formazione sull'export?"
        escalation_id = escalation(store, "web", "faq-contact", question)
        console.post(f"/console/escalations/{escalation_id}/reply", data={"csrf_token": csrf, "text": "Sì, due."})
        console.post(f"/console/escalations/{escalation_id}/resolve", data={"csrf_token": csrf})
        form = console.get(f"/console/escalations/{escalation_id}/faq").text
        assert "Il cluster organizza corsi di formazione sull&#39;export?" in form and "Sì, due." in form
        doc = next(doc for doc in services.manifest.documents() if doc.source.endswith("corsi.md"))
        saved = console.post(
            f"/console/escalations/{escalation_id}/faq",
            data={"csrf_token": csrf, "question": question, "answer": "Sì: a marzo e a ottobre.", "language": "it",
                  "doc_id": doc.doc_id},
        )  # fmt: skip
        assert "FAQ salvata" in saved.text
        faqs = StaffFaqs(services.sessions, services.now)
        served = services.assistant().reply(store.start_conversation(store.contact("web", "next-sme"), "it"), question)
        assert "Sì: a marzo e a ottobre." in served.text and served.citations[0].chunk_id.startswith("staff-faq:")

        source.write_text("# Corsi\n\nDa quest'anno i corsi sono tre.\n", encoding="utf-8")
        from api.knowledge_sync import sync_knowledge

        outcome = sync_knowledge(services, [docs])
        assert [faq.id for faq in outcome.flagged] == [faqs.all()[0].id]
        services.assistant().refresh_knowledge()
        assert faqs.all()[0].status == "needs_review"
        assert "da rivedere" in console.get(f"/console/faqs/{faqs.all()[0].id}").text
        later = services.assistant().reply(store.start_conversation(store.contact("web", "later-sme"), "it"), question)
        assert "Sì: a marzo e a ottobre." not in later.text

        console.post(f"/console/faqs/{faqs.all()[0].id}/approve", data={"csrf_token": csrf})
        assert faqs.all()[0].status == "approved"
        again = services.assistant().reply(store.start_conversation(store.contact("web", "third-sme"), "it"), question)
        assert "Sì: a marzo e a ottobre." in again.text
        console.post(f"/console/faqs/{faqs.all()[0].id}/retire", data={"csrf_token": csrf})
        gone = services.assistant().reply(store.start_conversation(store.contact("web", "fourth-sme"), "it"), question)
        assert "Sì: a marzo e a ottobre." not in gone.text


def test_uploads_are_checked_before_anything_is_stored(
    client: TestClient, sample_services: Services, logged_in: LoggedIn
) -> None:
    _, csrf = logged_in("staff")
    upload_dir = sample_services.settings.upload_dir
    for name, data, problem in (
        ("virus.exe", b"MZ\x90\x00", "Tipo di file non ammesso"),
        ("../../etc/passwd.sh", b"root", "Tipo di file non ammesso"),
        ("vuoto.md", b"   \n", "Il file è vuoto"),
    ):
        page = client.post("/console/knowledge/upload", data={"csrf_token": csrf}, files={"file": (name, data)})
        assert page.status_code == 200 and problem in page.text, (name, page.text[:300])
    assert not upload_dir.exists() or not any(upload_dir.iterdir())
    too_big = b"x" * (int(sample_services.settings.console.max_upload_mb * 1024 * 1024) + 200_000)
    refused = client.post("/console/knowledge/upload", data={"csrf_token": csrf}, files={"file": ("big.md", too_big)})
    assert refused.status_code == 413


def test_analytics_page_csv_export_and_erasure(
    client: TestClient, sample_services: Services, logged_in: LoggedIn
) -> None:
    _, csrf = logged_in("admin")
    store = sample_services.assistant().store
    escalation_id = escalation(store, "web", "erase-me", '=HYPERLINK("http://evil") domanda unica 7781')
    assert "conversazioni" in client.get("/console/analytics").text
    csv = client.get("/console/analytics.csv?days=0")
    assert csv.headers["content-type"].startswith("text/csv") and csv.text.startswith("\ufeffsection,key,value")
    contact = store.conversation(store.escalation(escalation_id).conversation_id).contact_id  # type: ignore[union-attr]
    exported = client.get(f"/console/admin/contacts/{contact}/export")
    assert "attachment" in exported.headers["content-disposition"]
    assert "domanda unica 7781" in json.dumps(exported.json(), ensure_ascii=False)
    erased = client.post(f"/console/admin/contacts/{contact}/erase", data={"csrf_token": csrf})
    assert "cancellati" in erased.text
    assert store.contact_by_id(contact) is None and store.escalation(escalation_id) is None
    assert client.get(f"/console/escalations/{escalation_id}").status_code == 404
    audit = client.get("/console/admin/audit").text
    assert "dati cancellati" in audit and "domanda unica 7781" not in audit
