"""Where claims live (bot/claims/store.py): files stored once per channel key and within limits,
read and corrected, and gone with the conversation's erasure or retention, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
import threading
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from doubles.desk_clock import Clock
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.claims.documents import ReadDocument
from bot.claims.records import MAX_NAME_CHARS, document_from_json, document_to_json, safe_file_name
from bot.claims.store import ClaimFileRefusedError, ClaimStore
from bot.claims.tables import ClaimFileRow, ClaimRow
from bot.conversation.store import ConversationStore
from bot.conversation.tables import ContactRow
from bot.desk.privacy import PrivacyDesk
from knowledge.database import Base, make_engine, session_factory

YEAR = dt.timedelta(days=365)
PDF = b"%PDF-1.4 a receipt"


@pytest.fixture
def claims(sessions: sessionmaker[Session], clock: Clock) -> ClaimStore:
    return ClaimStore(sessions, clock)


def conversation(sessions: sessionmaker[Session], clock: Clock, channel: str = "telegram") -> tuple[int, int]:
    """A new contact and its conversation (the way the front door makes them): their ids."""
    store = ConversationStore(sessions, clock)
    contact = store.contact(channel, uuid.uuid4().hex, name="Maria", language="it")
    return contact, store.start_conversation(contact, language="it")


def marker() -> bytes:
    """Bytes found only in one test's file, to look for after it is gone."""
    return f"zq{uuid.uuid4().hex[:12]}".encode()


def reading(name: str, **fields: object) -> ReadDocument:
    values: dict[str, object] = {"kind": "invoice", "readable": "text", "date": dt.date(2027, 6, 21),
                                 "amount": Decimal("120.50"), "currency": "EUR", "text": f"Fattura {name}"}  # fmt: skip
    return ReadDocument(name=name, **{**values, **fields})  # type: ignore[arg-type]


def count(sessions: sessionmaker[Session], table: type[ClaimFileRow] | type[ClaimRow]) -> int:
    with sessions() as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


def database_bytes(sessions: sessionmaker[Session]) -> bytes:
    """The SQLite database file and its write-ahead log, as bytes (what free pages may still hold)."""
    path = Path(str(sessions.kw["bind"].url.database))
    return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())


# -- storing -------------------------------------------------------------------------------------


def test_a_second_delivery_of_a_key_stores_nothing_and_returns_the_first(
    claims: ClaimStore, sessions: sessionmaker[Session], clock: Clock
) -> None:
    _, talk = conversation(sessions, clock)
    first, new = claims.add_file(talk, "telegram", "AgADf1:42", name="hotel.pdf", media_type="application/pdf",
                                 data=PDF)  # fmt: skip
    again, new_again = claims.add_file(talk, "telegram", "AgADf1:42", name="other.pdf", media_type="image/png",
                                       data=b"different bytes")  # fmt: skip

    assert new and not new_again
    assert again == first and again.name == "hotel.pdf"
    assert count(sessions, ClaimFileRow) == 1 and claims.content(first.id) == PDF
    assert first.size == len(PDF) and first.reading is None and first.uploaded_at == clock.now
    claim = claims.claim_of(talk)
    assert claim is not None and claim.status == "open" and claim.mission_id is None
    # The key is the channel's: the same text from another channel is another file.
    _, other = claims.add_file(talk, "web", "AgADf1:42", name="hotel.pdf", media_type="application/pdf", data=PDF)
    assert other and len(claims.files(claim.id)) == 2


def test_two_deliveries_at_once_store_one_file(
    claims: ClaimStore, sessions: sessionmaker[Session], clock: Clock
) -> None:
    """Two processes handling the same upload at once (a retried webhook), before the claim exists."""
    for _ in range(5):
        _, talk = conversation(sessions, clock)
        start = threading.Barrier(4)
        results: list[bool] = []
        errors: list[BaseException] = []

        def deliver(
            talk: int = talk,
            start: threading.Barrier = start,
            results: list[bool] = results,
            errors: list[BaseException] = errors,
        ) -> None:
            start.wait()
            try:
                results.append(claims.add_file(talk, "web", f"c-{talk}", name="a.pdf", media_type="", data=PDF)[1])
            except BaseException as exc:  # reported below, with the thread's own error
                errors.append(exc)

        threads = [threading.Thread(target=deliver) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert sorted(results) == [False, False, False, True]
        assert len(claims.files(conversation_id=talk)) == 1
    assert count(sessions, ClaimRow) == 5


def test_files_arriving_at_once_after_the_outcome_open_one_next_claim(
    claims: ClaimStore, sessions: sessionmaker[Session], clock: Clock
) -> None:
    """Four receipts of the next mission at once, and a resend of the closed claim's file among them."""
    for _ in range(3):
        _, talk = conversation(sessions, clock)
        old, _ = claims.add_file(talk, "telegram", f"old-{talk}", name="old.pdf", media_type="", data=PDF)
        claims.resolve(old.claim_id, "anna@example.org", "Rimborsata.")
        start = threading.Barrier(5)
        errors: list[BaseException] = []

        def deliver(
            key: str, talk: int = talk, start: threading.Barrier = start, errors: list[BaseException] = errors
        ) -> None:
            start.wait()
            try:
                claims.add_file(talk, "telegram", key, name=f"{key}.pdf", media_type="", data=PDF)
            except BaseException as exc:  # reported below, with the thread's own error
                errors.append(exc)

        keys = [f"new-{talk}-{n}" for n in range(4)] + [f"old-{talk}"]
        threads = [threading.Thread(target=deliver, args=(key,)) for key in keys]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        later = claims.claim_of(talk)
        assert later is not None and later.number == 2 and later.id != old.claim_id
        assert [c.number for c in claims.claims_of(talk)] == [1, 2]
        assert len(claims.files(later.id)) == 4 and [f.name for f in claims.files(old.claim_id)] == ["old.pdf"]


def test_the_limits_hold_when_files_arrive_at_once(sessions: sessionmaker[Session], clock: Clock) -> None:
    """Checked under the claim's lock: four different files at once into a claim of two."""
    claims = ClaimStore(sessions, clock, max_files=2)
    _, talk = conversation(sessions, clock)
    claims.add_file(talk, "web", "first", name="first.pdf", media_type="application/pdf", data=PDF)
    start = threading.Barrier(4)
    outcomes: list[str] = []

    def deliver(key: str) -> None:
        start.wait()
        try:
            claims.add_file(talk, "web", key, name=f"{key}.pdf", media_type="application/pdf", data=PDF)
            outcomes.append("stored")
        except ClaimFileRefusedError as refusal:
            outcomes.append(refusal.code)

    threads = [threading.Thread(target=deliver, args=(f"k{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["stored", "too_many_files", "too_many_files", "too_many_files"]
    assert len(claims.files(conversation_id=talk)) == 2


@pytest.mark.parametrize(
    ("limits", "sizes", "refused", "code"),
    [
        ({}, [10], b"", "empty"),
        ({}, [], b" \n\t ", "empty"),
        ({"max_file_bytes": 100}, [], b"x" * 101, "too_large"),
        ({"max_files": 2}, [10, 10], b"x", "too_many_files"),
        ({"max_claim_bytes": 100}, [60, 30], b"x" * 11, "claim_too_large"),
    ],
)
def test_a_file_past_a_limit_is_refused_before_anything_is_stored(
    sessions: sessionmaker[Session], clock: Clock, limits: dict[str, int], sizes: list[int], refused: bytes, code: str
) -> None:
    claims = ClaimStore(sessions, clock, **limits)
    _, talk = conversation(sessions, clock)
    for n, size in enumerate(sizes):
        claims.add_file(talk, "web", f"k{n}", name=f"{n}.pdf", media_type="application/pdf", data=b"x" * size)

    with pytest.raises(ClaimFileRefusedError) as refusal:
        claims.add_file(talk, "web", "late", name="late.pdf", media_type="application/pdf", data=refused)

    assert refusal.value.code == code and refusal.value.message
    assert [f.name for f in claims.files(conversation_id=talk)] == [f"{n}.pdf" for n in range(len(sizes))]
    assert count(sessions, ClaimRow) == (1 if sizes else 0)  # a refused first file opens no claim
    if sizes:  # a redelivery of a stored file is still answered once the claim is full
        assert claims.add_file(talk, "web", "k0", name="0.pdf", media_type="", data=b"x" * sizes[0])[1] is False


def test_a_file_for_an_unknown_conversation_is_refused(claims: ClaimStore, sessions: sessionmaker[Session]) -> None:
    with pytest.raises(KeyError):
        claims.add_file(10**6, "web", "k", name="a.pdf", media_type="application/pdf", data=PDF)
    assert count(sessions, ClaimFileRow) == count(sessions, ClaimRow) == 0


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\win.ini", "win.ini"),
        ("<script>.pdf", "script_.pdf"),
        ("fattura\x00.exe.pdf", "fattura_.exe.pdf"),
        ("ricevuta\u202efdp.exe", "ricevuta_fdp.exe"),
        (".hidden", "hidden"),
        ("", "file"),
        ("領収書 東京.jpg", "領収書 東京.jpg"),
    ],
)
def test_hostile_names_are_stored_sanitised(
    claims: ClaimStore, sessions: sessionmaker[Session], clock: Clock, sent: str, stored: str
) -> None:
    assert safe_file_name(sent) == stored
    _, talk = conversation(sessions, clock)
    file, _ = claims.add_file(talk, "web", "k", name=sent, media_type="text/html\x00<b>", data=PDF)
    assert claims.files(conversation_id=talk)[0].name == stored == file.name
    assert file.media_type == "application/octet-stream"  # shown and sent back: only a well-formed type


def test_a_long_name_is_cut_keeping_its_extension(
    claims: ClaimStore, sessions: sessionmaker[Session], clock: Clock
) -> None:
    _, talk = conversation(sessions, clock)
    file, _ = claims.add_file(talk, "web", "k", name="a" * 1000 + ".pdf", media_type="application/pdf", data=PDF)
    assert len(file.name) == MAX_NAME_CHARS and file.name.endswith("a.pdf")
    assert len(safe_file_name("b" * 1000)) == MAX_NAME_CHARS


# -- reading and the staff's work ----------------------------------------------------------------


def test_unread_files_are_read_corrected_and_decided(
    claims: ClaimStore, sessions: sessionmaker[Session], clock: Clock
) -> None:
    _, talk = conversation(sessions, clock)
    stored = [
        claims.add_file(talk, "web", f"k{n}", name=name, media_type="application/pdf", data=PDF + name.encode())[0]
        for n, name in enumerate(["hotel.pdf", "taxi.jpg", "volo.pdf", "tardi.pdf"])
    ]
    claim = claims.claim_of(talk)
    assert claim is not None
    assert [f.id for f in claims.unread()] == [f.id for f in stored]  # what a recovery loop finds after a crash
    assert [f.id for f in claims.unread(limit=2)] == [f.id for f in stored[:2]]

    hotel = reading("hotel.pdf", kind="hotel_bill", date=None, nights=4, problems=("no_date", "nights_mismatch"))
    assert claims.record_reading(stored[0].id, hotel)
    assert claims.record_reading(stored[1].id, reading("taxi.jpg", kind="local_transport", readable="ocr"))
    assert claims.record_reading(stored[2].id, reading("volo.pdf", kind="ticket", amount=Decimal("812.40")))
    assert not claims.record_reading(10**6, hotel)  # a file erased meanwhile
    assert [f.id for f in claims.unread()] == [stored[3].id]  # the last one is still being read

    clock.now += dt.timedelta(hours=1)
    claims.correct(stored[0].id, {"date": dt.date(2027, 6, 20)}, "anna@example.org")
    fixed = claims.correct(stored[0].id, {"amount": Decimal("480.00"), "currency": "JPY"}, "luca@example.org")
    assert fixed.correction == {"date": dt.date(2027, 6, 20), "amount": Decimal("480.00"), "currency": "JPY"}
    assert fixed.corrected_by == "luca@example.org"
    assert fixed.reading == hotel  # the reading itself is kept as read
    rejected = claims.decide(stored[1].id, "rejected", "anna@example.org")
    assert (rejected.decision, rejected.decided_by, rejected.decided_at) == ("rejected", "anna@example.org", clock.now)
    claims.decide(stored[2].id, "accepted", "anna@example.org")

    documents = claims.documents(claim.id)

    assert [d.name for d in documents] == ["hotel.pdf", "volo.pdf"]  # rejected and unread files left out
    assert (documents[0].date, documents[0].amount, documents[0].currency) == (
        dt.date(2027, 6, 20), Decimal("480.00"), "JPY"
    )  # fmt: skip
    assert documents[0].problems == ("nights_mismatch",)  # the staff settled the date, not the nights
    assert documents[1] == reading("volo.pdf", kind="ticket", amount=Decimal("812.40"))
    claims.decide(stored[1].id, None, "anna@example.org")  # a decision withdrawn
    assert [d.name for d in claims.documents(claim.id)] == ["hotel.pdf", "taxi.jpg", "volo.pdf"]
    assert claims.files(claim.id) == claims.files(conversation_id=talk)

    with pytest.raises(ValueError, match="supplier"):
        claims.correct(stored[0].id, {"supplier": "ACME"}, "anna@example.org")
    with pytest.raises(ValueError, match="currency"):
        claims.correct(stored[0].id, {"currency": "euro"}, "anna@example.org")
    with pytest.raises(ValueError, match="decision"):
        claims.decide(stored[0].id, "maybe", "anna@example.org")  # type: ignore[arg-type]
    with pytest.raises(KeyError):
        claims.correct(10**6, {"nights": 2}, "anna@example.org")


def test_a_reading_survives_its_json(claims: ClaimStore, sessions: sessionmaker[Session], clock: Clock) -> None:
    full = ReadDocument(
        name="Hôtel «Sakura».pdf", kind="hotel_bill", readable="ocr", date=dt.date(2027, 6, 21),
        end_date=dt.date(2027, 6, 25), amount=Decimal("48200.10"), currency="JPY", supplier="Sakura 桜 Hotel",
        nights=4, language="en", text="Check-in 21/06/2027\nTOTAL ¥48,200.10\x00", problems=("several_totals", "x"),
    )  # fmt: skip
    bare = ReadDocument(name="scan.pdf", kind="other", readable="unreadable", problems=("no_text_layer",))
    for document in (full, bare):
        assert document_from_json(document_to_json(document)) == document
    assert str(document_from_json(document_to_json(full)).amount) == "48200.10"  # not a float's 48200.1
    assert json.loads(document_to_json(full))["problems"] == ["several_totals", "x"]
    _, talk = conversation(sessions, clock)
    file, _ = claims.add_file(talk, "web", "k", name="a.pdf", media_type="application/pdf", data=PDF)
    claims.record_reading(file.id, full)  # and through the database (PostgreSQL refuses a raw NUL in text)
    assert claims.files(conversation_id=talk)[0].reading == full


def test_a_claim_is_submitted_once_and_resolved(
    claims: ClaimStore, sessions: sessionmaker[Session], clock: Clock
) -> None:
    _, talk = conversation(sessions, clock)
    assert claims.claim_of(talk) is None
    claims.add_file(talk, "web", "k", name="a.pdf", media_type="application/pdf", data=PDF)
    claim = claims.claim_of(talk)
    assert claim is not None
    claims.set_mission(claim.id, "missione-giappone-2027")
    submitted = claims.submit(claim.id)
    clock.now += dt.timedelta(days=3)
    again = claims.submit(claim.id)  # a missing receipt sent later, and the claim submitted again
    assert again.submitted_at == submitted.submitted_at != again.updated_at
    assert (again.status, again.mission_id) == ("submitted", "missione-giappone-2027")
    assert [c.id for c in claims.open_claims()] == [claim.id]

    resolved = claims.resolve(claim.id, "Anna Rossi", "Rimborsati 1.452,97 €")

    assert (resolved.status, resolved.resolved_by, resolved.outcome_note) == (
        "resolved", "Anna Rossi", "Rimborsati 1.452,97 €"
    )  # fmt: skip
    assert claims.open_claims() == []
    with pytest.raises(ValueError, match="resolved"):
        claims.submit(claim.id)
    with pytest.raises(KeyError):
        claims.set_mission(10**6, "missione-giappone-2027")


# -- privacy -------------------------------------------------------------------------------------


def test_deleting_a_contact_cascades_to_its_claims(
    claims: ClaimStore, sessions: sessionmaker[Session], clock: Clock
) -> None:
    """The foreign keys are declared ON DELETE CASCADE and enforced (SQLite with its pragma)."""
    contact, talk = conversation(sessions, clock)
    claims.add_file(talk, "web", "k", name="a.pdf", media_type="application/pdf", data=PDF)
    with sessions.begin() as session:
        session.delete(session.get(ContactRow, contact))
    assert count(sessions, ClaimFileRow) == count(sessions, ClaimRow) == 0


def test_erasure_removes_the_contacts_claims_and_files(
    claims: ClaimStore, sessions: sessionmaker[Session], clock: Clock
) -> None:
    secret, kept = marker(), marker()
    contact, talk = conversation(sessions, clock)
    _, other = conversation(sessions, clock)
    file, _ = claims.add_file(talk, "telegram", "k1", name="a.pdf", media_type="application/pdf", data=PDF + secret)
    claims.record_reading(file.id, reading("a.pdf"))
    claims.add_file(other, "telegram", "k2", name="b.pdf", media_type="application/pdf", data=PDF + kept)
    sqlite = sessions.kw["bind"].dialect.name == "sqlite"
    if sqlite:
        assert secret in database_bytes(sessions)  # the scan finds what is there

    report = PrivacyDesk(sessions, clock).erase(contact)

    assert report.removed.claims == 1 and report.removed.claim_files == 1
    assert "1 claims, 1 claim_files" in str(report)
    assert claims.claim_of(talk) is None and claims.files(conversation_id=talk) == []
    with pytest.raises(KeyError):
        claims.content(file.id)
    assert claims.content(claims.files(conversation_id=other)[0].id) == PDF + kept
    if sqlite:  # not in free pages or in the write-ahead log either (secure_delete, checkpoint)
        assert secret not in database_bytes(sessions)


def test_erasure_of_claims_does_not_rely_on_cascades(tmp_path: Path, clock: Clock) -> None:
    """A SQLite connection without ``PRAGMA foreign_keys`` erases the claims all the same."""
    url = f"sqlite:///{tmp_path / 'bare.db'}"
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    sessions = session_factory(engine)
    contact, talk = conversation(sessions, clock)
    ClaimStore(sessions, clock).add_file(talk, "web", "k", name="a.pdf", media_type="application/pdf", data=PDF)
    bare = create_engine(url)
    try:
        PrivacyDesk(session_factory(bare), clock).erase(contact)
    finally:
        bare.dispose()
    assert count(sessions, ClaimFileRow) == count(sessions, ClaimRow) == 0
    engine.dispose()


@pytest.mark.parametrize("mode", ["delete", "anonymise"])
def test_retention_removes_the_claims_of_old_conversations(
    claims: ClaimStore, sessions: sessionmaker[Session], clock: Clock, mode: str
) -> None:
    secret, kept = marker(), marker()
    _, old = conversation(sessions, clock)
    file, _ = claims.add_file(old, "web", "k1", name="old.pdf", media_type="application/pdf", data=PDF + secret)
    claims.record_reading(file.id, reading("old.pdf"))
    clock.now += YEAR + dt.timedelta(days=1)
    _, recent = conversation(sessions, clock)
    claims.add_file(recent, "web", "k2", name="new.pdf", media_type="application/pdf", data=PDF + kept)

    report = PrivacyDesk(sessions, clock).purge(YEAR, mode)  # type: ignore[arg-type]

    assert report.conversations.conversations == 1
    assert report.conversations.claims == 1 and report.conversations.claim_files == 1
    assert claims.claim_of(old) is None and claims.files(conversation_id=old) == []  # anonymised: nothing kept
    assert [f.name for f in claims.files(conversation_id=recent)] == ["new.pdf"]
    if sessions.kw["bind"].dialect.name == "sqlite":
        assert secret not in database_bytes(sessions) and kept in database_bytes(sessions)


def test_export_holds_the_readings_but_not_the_bytes(
    claims: ClaimStore, sessions: sessionmaker[Session], clock: Clock
) -> None:
    secret = marker()
    contact, talk = conversation(sessions, clock)
    file, _ = claims.add_file(talk, "web", "k", name="hotel.pdf", media_type="application/pdf", data=PDF + secret)
    claims.record_reading(file.id, reading("hotel.pdf", supplier="Hotel Sakura"))
    claims.correct(file.id, {"nights": 4}, "anna@example.org")
    claim = claims.claim_of(talk)
    assert claim is not None
    claims.set_mission(claim.id, "missione-giappone-2027")
    _, other = conversation(sessions, clock)
    claims.add_file(other, "web", "k2", name="someone-else.pdf", media_type="application/pdf", data=PDF)

    data = PrivacyDesk(sessions, clock).export(contact)

    dumped = json.dumps(data, ensure_ascii=False)
    assert json.loads(dumped) == data
    [exported] = data["conversations"][0]["claims"]
    assert exported["number"] == 1
    assert (exported["status"], exported["mission_id"]) == ("open", "missione-giappone-2027")
    [listed] = exported["files"]
    assert (listed["name"], listed["size"], listed["sha256"]) == ("hotel.pdf", file.size, file.sha256)
    assert listed["reading"]["supplier"] == "Hotel Sakura" and listed["reading"]["amount"] == "120.50"
    assert listed["correction"]["fields"] == {"nights": 4}
    assert "not included" in exported["files_note"]
    assert secret.decode() not in dumped and "someone-else" not in dumped
