"""The outbox, alert subscriptions and staff actions, on a real SQLite database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from doubles.sample import SAMPLE_TODAY

from api.services import Services
from bot.conversation.store import ConversationStore
from bot.desk.privacy import PrivacyDesk
from bot.desk.staff import StaffActionError, StaffDesk, StaffNotices
from bot.outbound.alerts import AlertScanner, Subscriptions, topic_choices, topic_key
from bot.outbound.outbox import Outbox, RetryPolicy
from knowledge.catalog import Mission
from knowledge.store import CatalogRecord


class Clock:
    """A clock the test moves."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def services(make_services: Callable[..., Services]) -> Services:
    return make_services()


def test_outbox_retries_with_backoff_until_sent(services: Services) -> None:
    clock = Clock(SAMPLE_TODAY)
    outbox = Outbox(services.sessions, clock, RetryPolicy(first_seconds=2, max_seconds=10))
    item = outbox.enqueue("telegram", "42", "alert", "hello")
    assert [i.id for i in outbox.due("telegram")] == [item]
    assert outbox.due("web") == []
    assert outbox.mark_failed(item, "network down") == 2
    assert outbox.due("telegram") == []  # not before the backoff
    clock.now += dt.timedelta(seconds=2)
    assert outbox.mark_failed(item, "still down") == 4
    assert outbox.mark_failed(item, "down", retry_after=30) == 30  # Telegram's wait wins when longer
    assert outbox.mark_failed(item, "down") == 10  # capped
    clock.now += dt.timedelta(seconds=10)
    assert [i.id for i in outbox.due("telegram")] == [item]
    outbox.mark_sent(item, "1001")
    stored = outbox.get(item)
    assert stored is not None and stored.status == "sent" and stored.attempts == 5 and stored.last_error == "down"
    assert outbox.due("telegram") == []
    assert outbox.find_sent("telegram", "42", "1001") == stored


def test_outbox_undeliverable_is_kept_not_retried(services: Services) -> None:
    outbox = Outbox(services.sessions, services.now)
    item = outbox.enqueue("telegram", "42", "alert", "<b>raw</b> & text")
    outbox.mark_undeliverable(item, "Forbidden: bot was blocked by the user")
    assert outbox.due("telegram") == []
    assert outbox.items(status="undeliverable")[0].text == "<b>raw</b> & text"
    with pytest.raises(ValueError, match="needs text"):
        outbox.enqueue("telegram", "42", "alert", "   ")


def test_subscriptions_add_remove_and_erasure(services: Services) -> None:
    store = ConversationStore(services.sessions, services.now)
    subscriptions = Subscriptions(services.sessions, services.now)
    contact = store.contact("telegram", "7")
    assert subscriptions.add(contact, "country", "JP")
    assert not subscriptions.add(contact, "country", "JP")  # once
    assert subscriptions.add(contact, "sector", "tessile tecnico'; DROP TABLE bot_subscriptions; --")
    assert next(s.value for s in subscriptions.of(contact)) == "JP"
    with pytest.raises(ValueError):
        subscriptions.add(contact, "planet", "Mars")  # type: ignore[arg-type]
    first = subscriptions.of(contact)[0]
    assert subscriptions.remove(contact, first.id) == 1
    assert len(subscriptions.of(contact)) == 1
    PrivacyDesk(services.sessions, services.now).erase(contact)
    assert subscriptions.count() == 0


def _mission(records: list[CatalogRecord], entry_id: str) -> CatalogRecord:
    return next(r for r in records if r.entry.id == entry_id)


def test_alerts_new_entries_and_deadlines_once_each(services: Services, sample_services: Services) -> None:
    records = sample_services.manifest.catalog_entries()
    clock = Clock(SAMPLE_TODAY)
    outbox = Outbox(services.sessions, clock)
    store = ConversationStore(services.sessions, clock)
    subscriptions = Subscriptions(services.sessions, clock)
    scanner = AlertScanner(services.sessions, outbox, clock, deadline_days=7)
    japan = _mission(records, "missione-giappone-2027")
    assert isinstance(japan.entry, Mission)
    without_japan = [r for r in records if r is not japan]

    fan = store.contact("telegram", "100", language="en")
    subscriptions.add(fan, "country", "JP")
    other = store.contact("telegram", "200")
    subscriptions.add(other, "country", "BR")
    web = store.contact("web", "abc")  # the widget cannot be reached outside a conversation
    subscriptions.add(web, "country", "JP")

    baseline = scanner.scan(without_japan)
    assert baseline.new_entries == [] and baseline.queued == 0  # the first scan is the baseline
    added = scanner.scan(records)
    assert added.new_entries == ["missione-giappone-2027"] and added.queued == 1
    alert = outbox.due("telegram")[0]
    assert alert.address == "100" and alert.kind == "alert" and alert.payload["entry_id"] == japan.entry.id
    assert "Japan" in alert.text and japan.entry.title in alert.text and "/avvisi" in alert.text
    assert scanner.scan(records).queued == 0  # never twice

    clock.now = japan.entry.registration_deadline - dt.timedelta(days=3)
    closing = scanner.scan(records)
    assert closing.queued == 1
    assert "Deadline coming up" in outbox.items()[-1].text
    assert scanner.scan(records).queued == 0
    clock.now = japan.entry.registration_deadline + dt.timedelta(days=1)
    assert scanner.scan(records).queued == 0  # closed: no alert


def test_topic_choices_come_from_the_catalog(sample_services: Services) -> None:
    records = sample_services.manifest.catalog_entries()
    countries = topic_choices(records, "country")
    assert {"JP", "CA", "US", "ID"} <= {c.value for c in countries}
    programmes = topic_choices(records, "programme")
    assert "EU-ALLIANCE" in {c.value for c in programmes}
    assert all(len(f"sub:p:{c.key}".encode()) <= 64 for c in programmes)
    assert topic_key("country", "JP") == countries[[c.value for c in countries].index("JP")].key


def test_staff_reply_is_stored_and_queued_for_push_channels_only(services: Services) -> None:
    store = ConversationStore(services.sessions, services.now)
    outbox = Outbox(services.sessions, services.now)
    staff = StaffDesk(store, outbox)
    telegram_conversation = store.start_conversation(store.contact("telegram", "555", language="fr"), "fr")
    store.add_message(telegram_conversation, "user", "Je veux parler à quelqu'un")
    escalation = store.open_escalation(telegram_conversation, "user_request", "parler à quelqu'un")
    web_conversation = store.start_conversation(store.contact("web", "hash"))
    web_escalation = store.open_escalation(web_conversation, "low_confidence", "question")

    message = staff.reply(escalation, "  Bonjour <b>Anna</b> & co  ", "Anna Rossi")
    stored = store.messages(telegram_conversation)[-1]
    assert (stored.id, stored.role, stored.text, stored.author) == (message, "staff", "Bonjour <b>Anna</b> & co",
                                                                    "Anna Rossi")  # fmt: skip
    assert store.escalation(escalation).status == "answered"  # type: ignore[union-attr]
    queued = outbox.due("telegram")
    assert [(i.address, i.kind, i.payload["language"]) for i in queued] == [("555", "staff_reply", "fr")]
    staff.reply(web_escalation, "Risposta", "Anna Rossi")
    assert len(outbox.items()) == 1  # the widget reads staff messages from the conversation itself

    with pytest.raises(StaffActionError):
        staff.reply(escalation, "   ", "Anna")
    with pytest.raises(StaffActionError):
        staff.reply(escalation, "x" * 5000, "Anna")
    staff.claim(escalation, "Marco")
    assert store.escalation(escalation).assignee == "Marco"  # type: ignore[union-attr]
    staff.resolve(escalation)
    with pytest.raises(StaffActionError, match="resolved"):
        staff.reply(escalation, "late", "Anna")
    with pytest.raises(StaffActionError, match="no escalation"):
        staff.claim(99999, "Anna")


def test_staff_notices_cover_every_channel_once_and_follow_ups(services: Services) -> None:
    store = ConversationStore(services.sessions, services.now)
    outbox = Outbox(services.sessions, services.now)
    staff = StaffDesk(store, outbox)
    to = StaffNotices("telegram", "-100200")
    conversation = store.start_conversation(store.contact("web", "hash"))
    store.add_message(conversation, "user", "Una domanda <script>alert(1)</script>")
    escalation = store.open_escalation(conversation, "low_confidence", "Una domanda <script>", {"company": "ACME"})
    assert staff.queue_notices(to) == 1
    assert staff.queue_notices(to) == 0
    notice = outbox.items()[0]
    assert notice.kind == "staff_notice" and notice.escalation_id == escalation and notice.address == "-100200"
    assert "#" + str(escalation) in notice.text and "impresa: ACME" in notice.text and "web" in notice.text
    later = store.add_message(conversation, "user", "Ci siete?")
    assert staff.queue_notices(to) == 1
    follow_up = outbox.items()[-1]
    assert follow_up.kind == "staff_followup" and follow_up.message_id == later and "Ci siete?" in follow_up.text
    staff.resolve(escalation)
    store.add_message(conversation, "user", "Grazie")
    assert staff.queue_notices(to) == 0
