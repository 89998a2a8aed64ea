"""Desk analytics on SQLite and PostgreSQL: every figure checked against values computed by hand."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from doubles.desk_clock import T0, Clock
from sqlalchemy.orm import Session, sessionmaker

from api.services import Services, build_assistant
from bot.conversation.records import HANDOFF_REASONS
from bot.conversation.store import ConversationStore
from bot.desk.analytics import DeskAnalytics
from bot.desk.analytics_csv import CSV_HEADER, report_csv
from bot.desk.analytics_report import ANSWER_KINDS, StaffReplies
from knowledge.catalog import Call, CostCategory, Mission, ReimbursementRule
from knowledge.database import Base, make_engine, session_factory
from knowledge.store import CatalogRecord

DAY = dt.timedelta(days=1)
JAPAN = "catalog/eu-alliance.yaml#missione-giappone-2027"
USA = "catalog/eu-alliance.yaml#missione-usa-2027"
HORIZON = "catalog/bandi-europa.yaml#horizon-cascade-smart-textiles-2027"


AXES = ("rimborso", "fiera", "visto")


def keyword_vector(text: str) -> list[float]:
    """A tiny embedding: how often each axis word occurs (cosines are computable by hand)."""
    folded = text.casefold()
    return [float(folded.count(word)) for word in AXES]


def catalog() -> list[CatalogRecord]:
    deadline = dt.datetime(2027, 1, 29, 17, tzinfo=dt.UTC)
    japan = Mission(
        id="missione-giappone-2027", title="Missione EU-ALLIANCE in Giappone 2027", programme="EU-ALLIANCE",
        organiser="Cluster", country="JP", starts=dt.date(2027, 5, 10), ends=dt.date(2027, 5, 14),
        registration_deadline=deadline,
    )  # fmt: skip
    usa = Mission(
        id="missione-usa-2027", title="Missione EU-ALLIANCE negli Stati Uniti 2027", programme="EU-ALLIANCE",
        organiser="Techtera", country="US", starts=dt.date(2027, 4, 19), ends=dt.date(2027, 4, 23),
        registration_deadline=deadline,
    )  # fmt: skip
    horizon = Call(
        id="horizon-cascade-smart-textiles-2027", title="Horizon cascade smart textiles", programme="Horizon Europe",
        organiser="EU", countries=["JP", "US", "CA"], opens=dt.date(2026, 10, 1), deadline=deadline,
    )  # fmt: skip
    voucher = Call(
        id="voucher-piemonte-2026", title="Voucher internazionalizzazione", programme="Regione",
        organiser="Regione", opens=dt.date(2026, 10, 1), deadline=deadline,
    )  # fmt: skip
    rule = ReimbursementRule(
        id="rimborso-missioni-2027", title="Rimborsi", programme="EU-ALLIANCE", rate=50,
        categories=[CostCategory(name="travel", label="Volo")],
    )  # fmt: skip
    return [
        CatalogRecord(japan, JAPAN),
        CatalogRecord(usa, USA),
        CatalogRecord(horizon, HORIZON),
        CatalogRecord(voucher, "catalog/bandi-europa.yaml#voucher-piemonte-2026"),
        CatalogRecord(rule, "catalog/eu-alliance.yaml#rimborso-missioni-2027"),
    ]


@pytest.fixture
def analytics(sessions: sessionmaker[Session]) -> DeskAnalytics:
    return DeskAnalytics(sessions, keyword_vector, catalog)


def conversation(
    store: ConversationStore, clock: Clock, minute: float, channel: str = "web", who: str | None = None,
    language: str | None = None,
) -> int:  # fmt: skip
    clock.at(minute)
    return store.start_conversation(store.contact(channel, who or uuid.uuid4().hex), language=language)


def cite(source: str, chunk_id: str = "c1") -> list[dict[str, Any]]:
    return [{"n": 1, "title": "t", "section": "", "source": source, "chunk_id": chunk_id}]


def answer(
    store: ConversationStore, conversation_id: int, kind: str = "documents", *, confidence: float | None = None,
    citations: Sequence[dict[str, Any]] | None = None, text: str = "Risposta [1]",
) -> int:  # fmt: skip
    """An assistant message of one kind, stored as the assistant stores it."""
    if kind == "catalog":
        return store.add_message(
            conversation_id, "assistant", text, decision="answer", confidence=1.0,
            citations=citations if citations is not None else cite(JAPAN, chunk_id=""),
        )  # fmt: skip
    if kind == "documents":
        return store.add_message(
            conversation_id, "assistant", text, decision="answer", confidence=confidence or 0.7,
            citations=citations if citations is not None else cite("eu-alliance-programma.md"),
        )  # fmt: skip
    if kind == "faq":
        return store.add_message(
            conversation_id, "assistant", "Dalle domande frequenti: Quanto viene rimborsato?\n\nIl 50% [1]",
            decision="answer", confidence=0.97, citations=cite("faq.md", chunk_id="faq.md:5"),
        )  # fmt: skip
    if kind == "no_source":
        return store.add_message(conversation_id, "assistant", "Ciao! Come posso aiutarti?", decision="answer")
    if kind == "clarify":
        return store.add_message(conversation_id, "assistant", "Quale missione?", decision="clarify", confidence=1.0)
    assert kind == "handoff"
    return store.add_message(
        conversation_id, "assistant", "Passo la domanda allo staff.", decision="handoff", reason="user_request"
    )


def test_an_empty_database(analytics: DeskAnalytics) -> None:
    report = analytics.report(None, T0)
    assert (report.conversations, report.contacts, report.user_messages, report.engaged, report.resolved) == (
        0, 0, 0, 0, 0,
    )  # fmt: skip
    assert report.resolution_rate is None
    assert report.by_channel == {} and report.by_language == {}
    assert report.handoffs_by_reason == dict.fromkeys(HANDOFF_REASONS, 0)
    assert report.staff_replies == StaffReplies(0, 0, 0, 0, None, None)
    assert (report.feedback_up, report.feedback_down) == (0, 0)
    assert report.answers_by_kind == dict.fromkeys(ANSWER_KINDS, 0)
    assert (report.questions_total, report.questions_grouped, report.question_groups) == (0, 0, ())
    # Calls and missions are listed even without conversations; reimbursement rules are not.
    assert [(e.entry_id, e.conversations) for e in report.entries] == [
        ("horizon-cascade-smart-textiles-2027", 0),
        ("voucher-piemonte-2026", 0),
        ("missione-giappone-2027", 0),
        ("missione-usa-2027", 0),
    ]
    assert report.countries == {}
    rows = list(csv.reader(io.StringIO(report_csv(report))))
    assert rows[0] == list(CSV_HEADER)
    values = {(row[0], row[1]): row[2] for row in rows[1:]}
    assert values["period", "since"] == ""
    assert values["resolution", "resolution_rate"] == ""
    assert values["staff_replies", "median_seconds"] == ""
    assert values["totals", "conversations"] == "0"


def test_conversations_contacts_and_resolution_in_the_period(
    store: ConversationStore, clock: Clock, analytics: DeskAnalytics
) -> None:
    before = conversation(store, clock, -60, "telegram", "ezio")  # the day before the period starts
    store.add_message(before, "user", "Domanda di ieri")
    answer(store, before)
    # Answered from the catalog: resolved.
    first = conversation(store, clock, 0, "web", "anna", language="it")
    store.add_message(first, "user", "Entro quando mi iscrivo alla missione in Giappone?")
    answer(store, first, "catalog")
    # Two questions, both answered: resolved.
    second = conversation(store, clock, 10, "telegram", "bruno", language="en")
    store.add_message(second, "user", "How are flights reimbursed?")
    answer(store, second)
    store.add_message(second, "user", "How much is reimbursed?")
    answer(store, second, "faq")
    # A handoff the SME never finished (details asked, no escalation): not resolved.
    third = conversation(store, clock, 20, "web", "anna", language="it")
    store.add_message(third, "user", "Voglio parlare con una persona")
    answer(store, third, "handoff")
    # Escalated: not resolved.
    fourth = conversation(store, clock, 30, "web", "carla", language="fr")
    store.add_message(fourth, "user", "Ma facture a été refusée")
    store.open_escalation(fourth, "personal_case", "Facture refusée")
    answer(store, fourth, "handoff")
    # Opened, nothing written: not engaged.
    conversation(store, clock, 40, "web", "dario")
    # Starts exactly at ``until``: outside (the period is half-open).
    after = conversation(store, clock, 24 * 60, "web", "fabio")
    store.add_message(after, "user", "Domanda di domani")

    report = analytics.report(T0 - dt.timedelta(minutes=30), T0 + DAY)
    assert report.conversations == 5
    assert report.by_channel == {"web": 4, "telegram": 1}
    assert list(report.by_language.items()) == [("it", 2), ("en", 1), ("fr", 1), ("unknown", 1)]
    assert report.contacts == 4  # anna twice
    assert report.user_messages == 5
    assert (report.engaged, report.resolved, report.resolution_rate) == (4, 2, 0.5)
    assert report.handoffs_by_reason == dict.fromkeys(HANDOFF_REASONS, 0) | {"personal_case": 1}

    # The same instant given in Rome's time is the same period.
    rome = ZoneInfo("Europe/Rome")
    in_rome = analytics.report((T0 - dt.timedelta(minutes=30)).astimezone(rome), (T0 + DAY).astimezone(rome))
    assert in_rome == report
    everything = analytics.report(None, T0 + 2 * DAY)
    assert (everything.conversations, everything.contacts, everything.user_messages) == (7, 6, 7)
    with pytest.raises(ValueError, match="before"):
        analytics.report(T0, T0)


def test_time_to_the_first_staff_reply(store: ConversationStore, clock: Clock, analytics: DeskAnalytics) -> None:
    def escalated(minute: float, reason: Any = "user_request") -> tuple[int, int]:
        conversation_id = conversation(store, clock, minute)
        store.add_message(conversation_id, "user", "Aiuto")
        return conversation_id, store.open_escalation(conversation_id, reason, "Aiuto")

    def staff_reply(conversation_id: int, minute: float) -> None:
        clock.at(minute)
        store.add_message(conversation_id, "staff", "Eccomi", author="paola@example.org")

    a, _ = escalated(0)
    staff_reply(a, 30)  # 1800 s
    staff_reply(a, 45)  # not the first reply
    b, _ = escalated(60, "low_confidence")
    staff_reply(b, 180)  # 7200 s
    c, closed = escalated(90)
    clock.at(95)
    store.set_escalation_status(closed, "resolved")  # closed with no reply
    clock.at(100)
    store.open_escalation(c, "frustration", "Ancora")
    staff_reply(c, 160)  # 3600 s, for the second escalation only
    escalated(120, "personal_case")  # still waiting
    e, claimed = escalated(200)
    clock.at(205)
    store.set_escalation_status(claimed, "assigned", assignee="paola@example.org")
    staff_reply(e, 210)  # 600 s

    report = analytics.report(T0, T0 + DAY)
    # Replies after 600, 1800, 3600, 7200 s: median (1800 + 3600) / 2, p90 the 4th of 4 (nearest rank).
    assert report.staff_replies == StaffReplies(
        escalations=6, replied=4, awaiting=1, resolved_without_reply=1, median_seconds=2700.0, p90_seconds=7200.0
    )
    assert report.handoffs_by_reason == {
        "user_request": 3, "low_confidence": 1, "personal_case": 1, "staff_task": 0, "frustration": 1,
        "policy_topic": 0, "error": 0, "expense_claim": 0,
    }  # fmt: skip
    assert (report.engaged, report.resolved) == (5, 0)


def test_answers_by_kind_and_feedback(store: ConversationStore, clock: Clock, analytics: DeskAnalytics) -> None:
    outside = conversation(store, clock, -10)
    store.add_feedback(answer(store, outside, "catalog"), 1)
    first = conversation(store, clock, 0)
    store.add_feedback(answer(store, first, "catalog"), 1)
    store.add_feedback(answer(store, first, "faq"), 1)
    store.add_feedback(answer(store, first, "documents"), -1)
    answer(store, first, "no_source")
    second = conversation(store, clock, 10)
    store.add_message(
        second, "assistant", "From the FAQ: How much is reimbursed?\n\n50% [1]", decision="answer",
        confidence=0.95, citations=cite("faq.md", chunk_id="faq.md:5"),
    )  # fmt: skip
    answer(store, second, "clarify")
    answer(store, second, "handoff")
    answer(store, second, "handoff")
    store.add_feedback(answer(store, second, "documents"), -1)

    report = analytics.report(T0, T0 + DAY)
    assert report.answers_by_kind == {
        "catalog": 1, "faq": 2, "documents": 2, "no_source": 1, "clarify": 1, "handoff": 2,
    }  # fmt: skip
    assert (report.feedback_up, report.feedback_down) == (2, 2)


OUTCOME_KIND = {
    "answered": "documents", "faq": "faq", "catalog": "catalog", "clarify": "clarify", "limit": "clarify",
    "rephrase": "clarify", "details_requested": "handoff", "escalated": "handoff", "joined": "handoff",
    "refused": "no_source", "smalltalk": "no_source", "deescalate": "no_source",
}  # fmt: skip


def test_answer_kinds_agree_with_the_assistants_outcomes(
    sample_services: Services, tmp_path: Path, clock: Clock
) -> None:
    """The stored message keeps no outcome: the kinds read back must match what the assistant decided."""
    engine = make_engine(f"sqlite:///{tmp_path / 'desk.db'}")
    Base.metadata.create_all(engine)
    sessions = session_factory(engine)
    assistant = build_assistant(sample_services, store=ConversationStore(sessions, now=clock))
    messages = [
        "Ho perso la carta d'imbarco del ritorno: cosa faccio?",  # a FAQ question as written
        "Quali documenti servono per chiedere il rimborso?",
        "Entro quando posso iscrivermi alla missione negli USA?",
        "Buongiorno!",
        "Che tempo fa a Tokyo?",
        "👍👍👍",
        "Voglio parlare con una persona",
        "Come si dimostra il pagamento delle spese?",
        "Quanto costa la missione?",  # from the documents
        "Ci sono missioni in Brasile?",  # nothing in the catalog: said so, no source
    ]
    outcomes: Counter[str] = Counter()
    for text in messages:
        reply = assistant.reply(assistant.start("web", uuid.uuid4().hex), text)
        kind = OUTCOME_KIND.get(reply.outcome) or ("catalog" if reply.citations else "no_source")
        outcomes[kind] += 1
    report = DeskAnalytics(sessions, keyword_vector, list).report(None, T0 + DAY)
    engine.dispose()
    assert all(outcomes[kind] for kind in ANSWER_KINDS)  # every kind is exercised
    assert report.answers_by_kind == {kind: outcomes[kind] for kind in ANSWER_KINDS}


def test_unanswered_and_low_confidence_questions_grouped_by_similarity(
    store: ConversationStore, clock: Clock, sessions: sessionmaker[Session]
) -> None:
    embedded: list[str] = []

    def embed(text: str) -> list[float]:
        embedded.append(text)
        return keyword_vector(text)

    def unanswered(minute: float, text: str, language: str | None = "it") -> None:
        conversation_id = conversation(store, clock, minute)
        store.add_message(conversation_id, "user", text)
        store.record_unanswered(conversation_id, text, "low_confidence", language, 0.2)

    def answered(minute: float, text: str, confidence: float, kind: str = "documents") -> None:
        conversation_id = conversation(store, clock, minute)
        message = store.add_message(conversation_id, "user", text)
        store.set_message_language(message, "it")
        answer(store, conversation_id, kind, confidence=confidence)

    unanswered(-5, "Rimborso prima del periodo?")  # outside
    unanswered(0, "Come chiedo il rimborso del volo?")
    unanswered(1, "Ci sarà una fiera a Tokyo?")
    unanswered(2, "What   receipts does the\nrimborso need?", "en")
    unanswered(3, "Il rimborso vale anche per la fiera?")  # halfway: cosine 0.71 to both groups
    unanswered(4, "Quando apre la fiera?", "fr")
    answered(5, "come chiedo il RIMBORSO del volo?", confidence=0.5)  # a low-confidence answer
    answered(6, "Serve il rimborso firmato?", confidence=0.7)  # confident enough: not listed
    answered(7, "Il rimborso della fiera è pagato?", confidence=1.0, kind="catalog")  # the catalog's: not listed
    unanswered(8, "=cmd|' /C calc'!A0", None)  # no axis word: a zero vector, alone

    analytics = DeskAnalytics(sessions, embed, catalog)
    report = analytics.report(T0, T0 + DAY)
    assert (report.questions_total, report.questions_grouped) == (7, 7)
    groups = [
        (g.representative, g.count, g.examples, g.languages, g.unanswered, g.low_confidence, g.last_asked)
        for g in report.question_groups
    ]
    assert groups == [
        (
            "come chiedo il RIMBORSO del volo?", 3, ("What receipts does the rimborso need?",), ("en", "it"), 2, 1,
            T0 + dt.timedelta(minutes=5),
        ),
        ("Quando apre la fiera?", 2, ("Ci sarà una fiera a Tokyo?",), ("fr", "it"), 2, 0, T0 + dt.timedelta(minutes=4)),
        ("=cmd|' /C calc'!A0", 1, (), (), 1, 0, T0 + dt.timedelta(minutes=8)),
        ("Il rimborso vale anche per la fiera?", 1, (), ("it",), 1, 0, T0 + dt.timedelta(minutes=3)),
    ]  # fmt: skip
    # The two wordings that differ only in case are embedded once; a second report embeds nothing.
    assert len(embedded) == 6
    analytics.report(T0, T0 + DAY)
    assert len(embedded) == 6

    capped = DeskAnalytics(sessions, keyword_vector, catalog, max_questions=3).report(T0, T0 + DAY)
    assert (capped.questions_total, capped.questions_grouped) == (7, 3)  # the latest three
    assert {g.representative for g in capped.question_groups} == {
        "=cmd|' /C calc'!A0", "come chiedo il RIMBORSO del volo?", "Quando apre la fiera?",
    }  # fmt: skip


def test_conversations_per_mission_call_and_country(
    store: ConversationStore, clock: Clock, analytics: DeskAnalytics
) -> None:
    outside = conversation(store, clock, -10)
    answer(store, outside, "catalog")
    # Cited twice in one conversation: counted once.
    first = conversation(store, clock, 0)
    answer(store, first, "catalog")
    answer(store, first, "catalog")
    # A document answer citing a record from a catalog file since renamed, and a call.
    second = conversation(store, clock, 10)
    answer(store, second, citations=cite("catalog/old-name.yaml#missione-giappone-2027") + cite(HORIZON))
    # Named as an escalation's topic (titles joined with "; "; "Giappone" names no entry).
    third = conversation(store, clock, 20)
    store.open_escalation(
        third, "user_request", "Info", {"company": "Tessile Srl", "topic": "missione eu-alliance negli stati uniti "
                                        "2027; Giappone"}
    )  # fmt: skip
    # A reimbursement rule and a plain document: no entry.
    fourth = conversation(store, clock, 30)
    answer(store, fourth, citations=cite("catalog/eu-alliance.yaml#rimborso-missioni-2027") + cite("faq.md"))

    report = analytics.report(T0, T0 + DAY)
    assert [(e.entry_id, e.kind, e.countries, e.conversations) for e in report.entries] == [
        ("missione-giappone-2027", "mission", ("JP",), 2),
        ("horizon-cascade-smart-textiles-2027", "call", ("JP", "US", "CA"), 1),
        ("missione-usa-2027", "mission", ("US",), 1),
        ("voucher-piemonte-2026", "call", (), 0),
    ]
    # JP: the Japan mission (first, second) and the call (second); US: the USA mission (third), the call (second).
    assert list(report.countries.items()) == [("JP", 2), ("US", 2), ("CA", 1)]


def test_the_csv_is_flat_and_defuses_formulas(store: ConversationStore, clock: Clock, analytics: DeskAnalytics) -> None:
    hostile = ["=cmd|' /C calc'!A0", "<script>alert(1)</script> visto", "+39 015 555 fiera", "@SUM(1) rimborso"]
    for minute, text in enumerate(hostile):
        conversation_id = conversation(store, clock, minute, "web", "sme", language="it")
        store.add_message(conversation_id, "user", text)
        store.record_unanswered(conversation_id, text, "low_confidence", "it", 0.1)
    answer(store, conversation_id, "catalog")

    text = report_csv(analytics.report(T0, T0 + DAY))
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == list(CSV_HEADER)
    assert all(len(row) == 4 for row in rows)
    assert not [cell for row in rows for cell in row if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    groups = {row[1]: row for row in rows if row[0] == "question_group"}
    assert set(groups) == {
        "'=cmd|' /C calc'!A0", "<script>alert(1)</script> visto", "'+39 015 555 fiera", "'@SUM(1) rimborso",
    }  # fmt: skip
    assert groups["<script>alert(1)</script> visto"][2] == "1"  # CSV is data: escaping HTML is the page's job
    assert "languages: it; unanswered: 1; low confidence: 0" in groups["'=cmd|' /C calc'!A0"][3]
    values = {(row[0], row[1]): row[2] for row in rows}
    assert values["period", "since"] == T0.isoformat()
    assert values["totals", "conversations"] == "4"
    assert values["totals", "contacts"] == "1"
    assert values["resolution", "resolution_rate"] == "1.0000"
    assert values["answers_by_kind", "catalog"] == "1"
    assert values["mission", "missione-giappone-2027"] == "1"
    assert values["country", "JP"] == "1"
