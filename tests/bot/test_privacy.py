"""Erasure, export and retention (bot/desk/privacy.py) on a real SQLite database and a real index.

"Nothing left behind" is checked without trusting a list of tables: every table of the
database (reflected, so tables added later are scanned too) is searched for the contact's
unique phrases and ids, and so are the raw bytes of the database file, its write-ahead log
and every other file of the data directory (Chroma, the BM25 index).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from doubles.sample import SAMPLE_TODAY, fake_settings
from sqlalchemy import Engine, MetaData, String, Text, create_engine, func, select, text

from api.services import Services, build_services
from bot.conversation.store import ConversationStore
from bot.conversation.tables import ContactRow, ConversationRow, EscalationRow, MessageRow
from bot.desk.escalation_notes import EscalationNotes
from bot.desk.privacy import ANONYMISED_PREFIX, ANONYMISED_TEXT, PrivacyDesk
from bot.desk.staff import StaffDesk, StaffNotices
from bot.outbound.alerts import AlertLogRow, Subscriptions
from bot.outbound.outbox import Outbox
from knowledge.database import session_factory
from retrieval.embedding_cache import CachedVector
from retrieval.embeddings import text_key

STAFF = StaffNotices("telegram", "-100500")
YEAR = dt.timedelta(days=365)
DOCUMENT = """---
title: Missione in Giappone
url: https://www.sportello-esempio.it/missioni/giappone
language: it
---
# Missione in Giappone

Le iscrizioni alla missione in Giappone chiudono il 15 marzo 2027 alle 17:00.
"""


class Clock:
    """A clock the test moves."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(SAMPLE_TODAY)


@pytest.fixture(params=["sqlite", "postgresql"])
def services(request: pytest.FixtureRequest, tmp_path: Path, clock: Clock) -> Iterator[Services]:
    """A small knowledge base (one document, fake embedder, embedded Chroma) on a movable clock, on SQLite
    and on PostgreSQL (skipped when none answers on 127.0.0.1)."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "giappone.md").write_text(DOCUMENT, encoding="utf-8")
    url = request.getfixturevalue("postgres_url") if request.param == "postgresql" else None
    built = build_services(fake_settings(tmp_path / "data", database_url=url), now=clock)
    assert built.ingest_pipeline().run([corpus]).ok
    yield built
    built.close()


@pytest.fixture
def desk(services: Services) -> PrivacyDesk:
    return PrivacyDesk(services.sessions, services.now)


@dataclass
class Person:
    """A contact written through every path that stores something, with the phrase only it wrote."""

    marker: str
    contact: int
    conversation: int
    channel: str
    external_id: str


def marker(hostile: str = "") -> str:
    return f"zq{uuid.uuid4().hex[:10]} {hostile}".strip()


def person(services: Services, channel: str = "telegram", hostile: str = "", *, name: str = "Maria") -> Person:
    """A contact with a conversation, an answer with sources, an escalation with details, a staff reply and
    note, feedback, an unanswered question, alerts, and outbox rows to it and about it."""
    phrase = marker(hostile)
    external_id = f"{uuid.uuid4().int % 10**9}" if channel == "telegram" else uuid.uuid4().hex
    store = ConversationStore(services.sessions, services.now)
    outbox = Outbox(services.sessions, services.now)
    contact = store.contact(channel, external_id, name=f"{name} {phrase}", language="it")
    store.record_consent(contact)
    conversation = store.start_conversation(contact, language="it")
    store.add_message(conversation, "user", f"Quando chiude la missione? {phrase}")
    answer = store.add_message(
        conversation, "assistant", f"Il 15 marzo 2027 [1]. ({phrase})", decision="answer", confidence=0.8,
        citations=[{"n": 1, "title": "Missione in Giappone", "section": "", "page": None,
                    "url": "https://www.sportello-esempio.it/missioni/giappone", "source": "/srv/kb/giappone.md",
                    "chunk_id": "c-1", "language": "it", "label": "Missione in Giappone"}],
    )  # fmt: skip
    store.add_feedback(answer, -1, f"non chiaro {phrase}")
    store.record_unanswered(conversation, f"E il Brasile? {phrase}", "low_confidence", "it", 0.3)
    store.save_state(conversation, {"details": {"email": f"{phrase}@example.org"}, "topic": {"query": phrase}})
    escalation = store.open_escalation(conversation, "personal_case", f"Pratica {phrase}", {"company": phrase})
    EscalationNotes(services.sessions, services.now).add(escalation, "Anna", f"richiamato {phrase}")
    staff = StaffDesk(store, outbox)
    staff.queue_notices(STAFF)  # the notice to the staff group quotes the SME
    store.add_message(conversation, "user", f"Aggiungo: {phrase}")
    staff.queue_notices(STAFF)  # and the follow-up too
    staff.reply(escalation, f"La richiamo, {phrase}", "Anna Rossi")
    if channel == "telegram":  # the widget cannot be written to outside a conversation
        Subscriptions(services.sessions, services.now).add(contact, "country", "JP")
    with services.sessions.begin() as session:
        session.add(AlertLogRow(contact_id=contact, entry_id="missione-giappone-2027", reason="new",
                                created_at=services.now()))  # fmt: skip
    outbox.enqueue(channel, external_id, "alert", f"Nuova missione per {phrase}", contact_id=contact)
    outbox.enqueue(channel, external_id, "alert", f"Senza contatto {phrase}")  # only the address says whose
    return Person(phrase, contact, conversation, channel, external_id)


# -- what is left ---------------------------------------------------------------------------------


def occurrences(engine: Engine, needle: str) -> list[str]:
    """``table.column`` of every text cell of every table holding ``needle``."""
    found: list[str] = []
    metadata = MetaData()
    metadata.reflect(engine)
    with engine.connect() as connection:
        for table in metadata.sorted_tables:
            for column in table.columns:
                if isinstance(column.type, String | Text):
                    hits = connection.execute(
                        select(func.count()).select_from(table).where(column.contains(needle, autoescape=True))
                    ).scalar()
                    if hits:
                        found.append(f"{table.name}.{column.name}")
    return found


ID_COLUMNS = {"contact_id": "contacts", "conversation_id": "conversations", "message_id": "messages",
              "since_message_id": "messages", "escalation_id": "escalations"}  # fmt: skip


def references(engine: Engine, ids: dict[str, set[int]]) -> list[str]:
    """``table.column`` of every row pointing at one of ``ids`` (by kind: contacts, conversations, ...)."""
    found: list[str] = []
    metadata = MetaData()
    metadata.reflect(engine)
    own = {"bot_contacts": "contacts", "bot_conversations": "conversations", "bot_messages": "messages",
           "bot_escalations": "escalations"}  # fmt: skip
    with engine.connect() as connection:
        for table in metadata.sorted_tables:
            for column in table.columns:
                kind = own.get(table.name) if column.name == "id" else ID_COLUMNS.get(column.name)
                if kind and ids.get(kind):
                    query = select(func.count()).select_from(table).where(column.in_(sorted(ids[kind])))
                    if connection.execute(query).scalar():
                        found.append(f"{table.name}.{column.name}")
    return found


def deliver_alerts(services: Services) -> None:
    """Every queued alert delivered (the channel's sender would do it)."""
    outbox = Outbox(services.sessions, services.now)
    for item in outbox.items(status="pending"):
        if item.kind == "alert":
            outbox.mark_sent(item.id, str(item.id))


def ids_of(services: Services, contact: int) -> dict[str, set[int]]:
    with services.sessions() as session:
        conversations = set(session.scalars(select(ConversationRow.id).where(ConversationRow.contact_id == contact)))
        messages = set(session.scalars(select(MessageRow.id).where(MessageRow.conversation_id.in_(conversations))))
        escalations = set(
            session.scalars(select(EscalationRow.id).where(EscalationRow.conversation_id.in_(conversations)))
        )
    return {"contacts": {contact}, "conversations": conversations, "messages": messages, "escalations": escalations}


def database_files(services: Services) -> list[Path]:
    database = Path(str(services.engine.url.database))
    return [path for path in (database, Path(f"{database}-wal")) if path.exists()]


def files_holding(folder: Path, needle: str, skip: tuple[Path, ...] = ()) -> list[Path]:
    """Files under ``folder`` whose bytes contain ``needle`` (UTF-8)."""
    data = needle.encode()
    return [p for p in folder.rglob("*") if p.is_file() and p not in skip and data in p.read_bytes()]


def assert_gone(services: Services, who: Person, ids: dict[str, set[int]]) -> None:
    assert occurrences(services.engine, who.marker) == []
    assert occurrences(services.engine, who.external_id) == []
    assert references(services.engine, ids) == []
    # Not in free pages of the database file or in its write-ahead log either (secure_delete, checkpoint).
    assert files_holding(services.settings.data_dir, who.marker) == []


# -- erasure --------------------------------------------------------------------------------------


def test_foreign_keys_are_enforced_so_cascades_work(services: Services) -> None:
    """Deleting a contact row cascades (ON DELETE CASCADE): SQLite only does it with the pragma."""
    if services.engine.dialect.name == "sqlite":
        with services.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    someone = person(services)
    with services.sessions.begin() as session:
        session.delete(session.get(ContactRow, someone.contact))
    # All that hangs from the contact by a foreign key went with it; a row naming only the chat's address
    # did not (``PrivacyDesk.erase`` finds it).
    assert occurrences(services.engine, someone.marker) == ["bot_outbox.text"]


def test_erasure_leaves_nothing_of_the_contact_and_everything_of_the_others(
    services: Services, desk: PrivacyDesk
) -> None:
    someone = person(services)
    other = person(services, name="Luca")
    web = person(services, channel="web")
    ids = ids_of(services, someone.contact)
    assert occurrences(services.engine, someone.marker)  # the scan does find what is there

    report = desk.erase(someone.contact)

    assert report.found
    removed = report.removed
    assert (removed.contacts, removed.conversations, removed.messages, removed.escalations) == (1, 1, 4, 1)
    assert (removed.notes, removed.feedback, removed.unanswered, removed.subscriptions, removed.alerts) == (
        1,
        1,
        1,
        1,
        1,
    )
    assert removed.outbox == 5  # notice and follow-up to staff, the staff reply, two alerts
    assert_gone(services, someone, ids)
    for kept in (other, web):
        assert set(occurrences(services.engine, kept.marker)) >= {
            "bot_contacts.name", "bot_messages.text", "bot_escalations.summary", "bot_escalations.details_json",
            "bot_escalation_notes.text", "bot_feedback.comment", "bot_unanswered.question",
            "bot_conversations.state_json", "bot_outbox.text",
        }  # fmt: skip
    again = desk.erase(someone.contact)
    assert not again.found and again.removed.total == 0


def test_erasure_does_not_rely_on_cascades(services: Services) -> None:
    """A connection without ``PRAGMA foreign_keys`` (another tool, a misconfigured pool) erases all the same."""
    if services.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL always enforces foreign keys")
    someone = person(services)
    ids = ids_of(services, someone.contact)
    bare = create_engine(services.engine.url)
    try:
        with bare.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 0
        PrivacyDesk(session_factory(bare), services.now).erase(someone.contact)
    finally:
        bare.dispose()
    assert_gone(services, someone, ids)


@pytest.mark.parametrize(
    "hostile",
    ["'); DELETE FROM bot_contacts; --", "<script>alert(1)</script>", "%_\\ LIKE '%' OR 1=1", "🚀 \u202e ﷽"],
)
def test_hostile_text_is_stored_and_erased_as_data(services: Services, desk: PrivacyDesk, hostile: str) -> None:
    someone = person(services, hostile=hostile)
    other = person(services)
    ids = ids_of(services, someone.contact)
    store = ConversationStore(services.sessions, services.now)
    assert hostile in store.messages(someone.conversation)[0].text
    assert desk.erase(someone.contact).found
    assert_gone(services, someone, ids)
    assert occurrences(services.engine, other.marker)
    with services.sessions() as session:
        assert session.scalar(select(func.count(ContactRow.id))) == 1


def test_an_sme_conversation_never_reaches_the_index_or_the_embedding_cache(
    services: Services, desk: PrivacyDesk
) -> None:
    """The assistant embeds questions as queries (never cached) and indexes documents alone."""
    assistant = services.assistant()
    phrase = marker()
    conversation = assistant.start("web", uuid.uuid4().hex, None, "it")
    questions = [f"Quando chiude la missione in Giappone? {phrase}", f"Vorrei parlare con una persona {phrase}", "no"]
    for question in questions:
        assistant.reply(conversation, question)
    # Lower case and cut short: what the BM25 index would keep of the word after folding and stemming.
    stem = phrase[:8]
    database = tuple(database_files(services))
    assert files_holding(services.settings.data_dir, stem, skip=database) == []  # Chroma, BM25, anything else
    assert all(stem not in chunk.casefold() for _, chunk, _ in services.index.vectors.scan())
    with services.sessions() as session:
        cached = set(session.scalars(select(CachedVector.text_hash)))
    assert not cached & {text_key(q) for q in questions}
    contact = assistant.store.conversation(conversation).contact_id
    desk.erase(contact)
    assert files_holding(services.settings.data_dir, phrase) == []


# -- export ---------------------------------------------------------------------------------------


def test_export_holds_all_and_only_the_contacts_data(services: Services, desk: PrivacyDesk) -> None:
    someone = person(services)
    other = person(services)
    web = person(services, channel="web")

    data = desk.export(someone.contact)
    dumped = json.dumps(data, ensure_ascii=False)
    assert json.loads(dumped) == data  # JSON as it is
    assert other.marker not in dumped and web.marker not in dumped
    assert STAFF.address not in dumped  # the staff group's address is the desk's
    assert "/srv/kb" not in dumped and "chunk_id" not in dumped  # no server internals
    assert data["contact"]["external_id"] == someone.external_id and someone.marker in data["contact"]["name"]
    [conversation] = data["conversations"]
    assert someone.marker in conversation["state"]["details"]["email"]
    messages = conversation["messages"]
    assert [m["role"] for m in messages] == ["user", "assistant", "user", "staff"]
    assert all(someone.marker in m["text"] for m in messages)
    assert messages[1]["citations"] == [{"n": 1, "title": "Missione in Giappone", "section": "", "page": None,
                                         "url": "https://www.sportello-esempio.it/missioni/giappone",
                                         "language": "it"}]  # fmt: skip
    assert (messages[1]["decision"], messages[1]["confidence"]) == ("answer", 0.8)
    assert messages[1]["feedback"][0]["rating"] == "down" and someone.marker in messages[1]["feedback"][0]["comment"]
    assert messages[3]["author"] == "Anna Rossi"
    [escalation] = conversation["escalations"]
    assert escalation["details"] == {"company": someone.marker} and escalation["status"] == "answered"
    assert someone.marker in escalation["notes"][0]["text"]
    assert someone.marker in conversation["unanswered"][0]["question"]
    assert data["alert_subscriptions"] == [{"kind": "country", "value": "JP", "created_at": SAMPLE_TODAY.isoformat()}]
    assert data["alerts_sent"][0]["entry_id"] == "missione-giappone-2027"
    kinds = sorted((item["kind"], item["to"]) for item in data["outbox"])
    assert kinds == [("alert", "contact"), ("alert", "contact"), ("staff_followup", "staff"),
                     ("staff_notice", "staff"), ("staff_reply", "contact")]  # fmt: skip
    assert all(someone.marker in item["text"] for item in data["outbox"])

    web_data = desk.export(web.contact)
    assert web_data["contact"]["external_id"] is None  # a web session's token hash is a credential's
    assert web.external_id not in json.dumps(web_data)
    with pytest.raises(KeyError):
        desk.export(10**6)


# -- retention ------------------------------------------------------------------------------------


def test_purge_deletes_old_conversations_and_lapsed_contacts(
    services: Services, desk: PrivacyDesk, clock: Clock
) -> None:
    old = person(services)
    web = person(services, channel="web")
    subscriber = person(services)  # keeps its alerts: it asked to be written to
    returning = person(services)
    Subscriptions(services.sessions, services.now).remove(old.contact)
    Subscriptions(services.sessions, services.now).remove(returning.contact)
    old_ids, web_ids = ids_of(services, old.contact), ids_of(services, web.contact)
    deliver_alerts(services)
    clock.now += YEAR + dt.timedelta(days=1)
    store = ConversationStore(services.sessions, services.now)
    fresh = store.start_conversation(returning.contact)
    store.add_message(fresh, "user", "Sono di nuovo qui")
    recent = person(services)

    report = desk.purge(YEAR, "delete")

    assert report.cutoff == clock.now - YEAR
    assert report.conversations.conversations == 4 and report.conversations.messages == 16
    assert report.contacts.contacts == 2  # old and web; the subscriber and the returning SME stay
    assert report.alerts_sent == 4  # delivered alerts of the subscriber and of the returning SME
    assert_gone(services, old, old_ids)
    assert_gone(services, web, web_ids)
    assert occurrences(services.engine, subscriber.marker) == ["bot_contacts.name"]
    assert store.find_contact("telegram", subscriber.external_id) is not None
    assert Subscriptions(services.sessions, services.now).of(subscriber.contact)
    assert occurrences(services.engine, returning.marker) == ["bot_contacts.name"]
    assert [m.text for m in store.messages(fresh)] == ["Sono di nuovo qui"]
    assert "bot_messages.text" in occurrences(services.engine, recent.marker)
    assert desk.purge(YEAR, "delete").conversations.total == 0  # nothing left to do


def test_purge_anonymises_what_it_keeps(services: Services, desk: PrivacyDesk, clock: Clock) -> None:
    old = person(services)
    Subscriptions(services.sessions, services.now).remove(old.contact)
    subscriber = person(services)
    ids = ids_of(services, old.contact)
    store = ConversationStore(services.sessions, services.now)
    deliver_alerts(services)
    clock.now += YEAR + dt.timedelta(days=1)
    recent = person(services)

    report = desk.purge(YEAR, "anonymise")

    assert report.conversations.conversations == 2 and report.conversations.messages == 8
    assert "anonymised: 2 conversations, 8 messages" in str(report)
    assert report.conversations.outbox == 6  # staff notices, follow-ups and replies of the two conversations
    assert report.contacts.contacts == 1  # the old contact: its conversation moved to an anonymous one
    assert occurrences(services.engine, old.marker) == []
    assert occurrences(services.engine, old.external_id) == []
    assert files_holding(services.settings.data_dir, old.marker) == []
    assert store.find_contact("telegram", old.external_id) is None  # the chat is asked for consent again
    # What stays is for analytics, linked to no one: roles, decisions, ratings, sources, times.
    conversation = store.conversation(old.conversation)
    assert conversation.external_id == f"{ANONYMISED_PREFIX}{old.conversation}" and conversation.contact_name is None
    assert conversation.contact_id not in ids["contacts"] and conversation.state == {"anonymised": True}
    messages = store.messages(old.conversation)
    assert [m.role for m in messages] == ["user", "assistant", "user", "staff"]
    assert {m.text for m in messages} == {ANONYMISED_TEXT}
    assert messages[1].citations[0]["title"] == "Missione in Giappone" and messages[1].decision == "answer"
    [escalation] = store.escalations_of(old.conversation)
    assert (escalation.summary, escalation.details, escalation.status) == (ANONYMISED_TEXT, {}, "resolved")
    # Closed, with its notice rows gone: staff are not told about it again.
    assert StaffDesk(store, Outbox(services.sessions, services.now)).queue_notices(STAFF) == 0
    # The subscriber keeps its address and alerts; its old conversation is anonymous all the same.
    assert occurrences(services.engine, subscriber.marker) == ["bot_contacts.name"]
    assert "bot_messages.text" in occurrences(services.engine, recent.marker)

    assert desk.purge(YEAR, "anonymise").conversations.total == 0  # done once
    clock.now += YEAR
    later = desk.purge(YEAR, "delete")  # a later delete run takes the anonymous rows too (not the recent one)
    assert later.conversations.conversations == 2 and later.contacts.contacts == 2
    with services.engine.connect() as connection:
        leftover = connection.execute(text("SELECT count(*) FROM bot_contacts WHERE external_id LIKE 'anonym%'"))
        assert leftover.scalar() == 0


def test_purge_refuses_a_retention_that_is_not_positive(desk: PrivacyDesk) -> None:
    with pytest.raises(ValueError, match="positive"):
        desk.purge(dt.timedelta(0))
    with pytest.raises(ValueError, match="mode"):
        desk.purge(YEAR, "shred")  # type: ignore[arg-type]
