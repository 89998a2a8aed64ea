"""Staff notifications: e-mail through a real SMTP server on 127.0.0.1 (aiosmtpd), SLA reminders,
the Telegram staff group's reminder, and handing a conversation back to the assistant."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword
from doubles.network import free_port
from doubles.sample import SAMPLE_TODAY
from doubles.smtp import Inbox, start_smtp
from doubles.telegram_api import BotApiDouble
from doubles.telegram_bot import STAFF_CHAT, STAFF_NAME, STAFF_USER, MovableClock, RunningBot, bot_config

from api.services import Services
from api.telegram import telegram_deps
from bot.conversation.store import ConversationStore
from bot.desk.staff import StaffActionError, StaffDesk, StaffNotices
from bot.outbound.email_delivery import EMAIL_CHANNEL, EmailConfig, EmailSender
from bot.outbound.outbox import Outbox, OutboxItem
from bot.telegram.application import TelegramChannel

SENDER = "sportello@desk.example"
STAFF = "staff@desk.example"
SLA = dt.timedelta(hours=24)
HOSTILE = "Domanda\r\nBcc: evil@x.example\r\nSubject: hacked <script>alert(1)</script>"


@dataclass
class Desk:
    """The staff desk over one database, with the clock the test moves."""

    clock: MovableClock
    store: ConversationStore
    outbox: Outbox
    staff: StaffDesk

    def escalate(self, channel: str, summary: str = "Una domanda", **details: str) -> int:
        conversation = self.store.start_conversation(self.store.contact(channel, f"{channel}-{summary}"), "it")
        self.store.add_message(conversation, "user", summary)
        return self.store.open_escalation(conversation, "low_confidence", summary, details)

    def email(self, address: str = STAFF) -> OutboxItem:
        return next(i for i in self.outbox.items(EMAIL_CHANNEL) if i.address == address)


@pytest.fixture
def desk(make_services: Callable[..., Services]) -> Desk:
    services = make_services()
    clock = MovableClock(SAMPLE_TODAY)
    store, outbox = ConversationStore(services.sessions, clock), Outbox(services.sessions, clock)
    return Desk(clock, store, outbox, StaffDesk(store, outbox))


def config(port: int, **overrides: Any) -> EmailConfig:
    values: dict[str, Any] = {
        "host": "127.0.0.1", "port": port, "starttls": False, "sender": f"Sportello <{SENDER}>",
        "timeout_seconds": 5, "console_url": "https://desk.example/",
    }  # fmt: skip
    return EmailConfig(**(values | overrides))


def test_a_new_escalation_is_mailed_with_the_console_link_and_hostile_text_stays_in_the_body(
    desk: Desk, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    escalation = desk.escalate("telegram", HOSTILE, company="ACME\r\nCc: evil@x.example")
    to = StaffNotices(EMAIL_CHANNEL, STAFF)
    assert desk.staff.queue_notices(to) == 1
    assert desk.staff.queue_notices(to) == 0  # idempotent
    assert "Rispondi a questo messaggio" not in desk.email().text  # that is the Telegram group's how-to

    assert EmailSender(desk.outbox, config(port)).send_due() == 1
    (envelope,) = inbox.received
    assert envelope.mail_from == SENDER and envelope.rcpt_tos == [STAFF]
    (mail,) = inbox.messages()
    assert mail["Subject"] == f"[Sportello] Nuova richiesta #{escalation} (telegram, risposta incerta)"
    assert mail["To"] == STAFF and mail["From"] == f"Sportello <{SENDER}>"
    assert mail["Bcc"] is None and mail["Cc"] is None and mail["Auto-Submitted"] == "auto-generated"
    headers = envelope.content.split(b"\r\n\r\n", 1)[0]
    assert b"evil" not in headers and b"script" not in headers and b"hacked" not in headers
    assert mail.get_content_type() == "text/plain" and mail.get_content_charset() == "utf-8"
    body = mail.get_content()
    assert f"https://desk.example/console/escalations/{escalation}" in body
    assert "<script>alert(1)</script>" in body and "Bcc: evil@x.example" in body and "impresa: ACME" in body
    assert "non arrivano all'impresa" in body  # replying to the mail reaches no one

    sent = desk.email()
    assert sent.status == "sent" and sent.attempts == 1 and sent.sent_ref == mail["Message-ID"]
    assert EmailSender(desk.outbox, config(port)).send_due() == 0  # nothing left, no connection needed

    desk.store.add_message(sent.conversation_id or 0, "user", "Ci siete?")
    assert desk.staff.queue_notices(to) == 0  # e-mail gets no follow-ups: they are read in the console


def test_one_connection_per_batch_one_recipient_per_mail_and_no_link_without_a_console(
    desk: Desk, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    first, second = desk.escalate("web", "prima"), desk.escalate("telegram", "seconda")
    for address in (STAFF, "other@desk.example"):
        assert desk.staff.queue_notices(StaffNotices(EMAIL_CHANNEL, address)) == 2

    assert EmailSender(desk.outbox, config(port, console_url=None)).send_due() == 4
    assert len(inbox.connections) == 1
    assert sorted(e.rcpt_tos[0] for e in inbox.received) == ["other@desk.example"] * 2 + [STAFF] * 2
    assert all(len(e.rcpt_tos) == 1 for e in inbox.received)
    mails = inbox.messages()
    assert {m["Subject"] for m in mails} == {
        f"[Sportello] Nuova richiesta #{first} (web, risposta incerta)",
        f"[Sportello] Nuova richiesta #{second} (telegram, risposta incerta)",
    }
    assert all("Rispondi dalla console dello sportello." in m.get_content() for m in mails)
    assert not any("http" in m.get_content() for m in mails)


def test_connection_refused_is_retried_later(desk: Desk) -> None:
    port = free_port()  # nothing listens there yet
    desk.escalate("web")
    desk.staff.queue_notices(StaffNotices(EMAIL_CHANNEL, STAFF))
    sender = EmailSender(desk.outbox, config(port))
    assert sender.send_due() == 0
    failed = desk.email()
    assert (failed.status, failed.attempts) == ("pending", 1)
    assert failed.next_attempt_at > desk.clock() and f"127.0.0.1:{port}" in (failed.last_error or "")
    assert desk.outbox.due(EMAIL_CHANNEL) == []

    controller, inbox = start_smtp(port)
    try:
        assert sender.send_due() == 0  # not before the backoff
        desk.clock.advance(seconds=2)
        assert sender.send_due() == 1
    finally:
        controller.stop()
    assert desk.email().status == "sent" and len(inbox.received) == 1


def test_recipient_refused_for_good_is_undeliverable_a_temporary_refusal_is_retried(
    desk: Desk, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    inbox.refuse = {"gone@desk.example": "550 5.1.1 No such user", "full@desk.example": "452 4.2.2 Mailbox full"}
    desk.escalate("web")
    for address in ("gone@desk.example", "full@desk.example", STAFF):
        desk.staff.queue_notices(StaffNotices(EMAIL_CHANNEL, address))
    sender = EmailSender(desk.outbox, config(port))

    assert sender.send_due() == 1  # the batch goes on past a refused recipient
    gone, full = desk.email("gone@desk.example"), desk.email("full@desk.example")
    assert gone.status == "undeliverable" and (gone.last_error or "").startswith("550")
    assert (full.status, full.attempts) == ("pending", 1) and (full.last_error or "").startswith("452")
    assert desk.email().status == "sent"

    inbox.refuse = {}
    desk.clock.advance(seconds=2)
    assert sender.send_due() == 1
    assert desk.email("full@desk.example").status == "sent"
    assert desk.email("gone@desk.example").status == "undeliverable"  # never retried
    assert len(inbox.connections) == 2


def test_login_and_a_refused_login_kept_for_retry(desk: Desk) -> None:
    def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (b"desk", b"s3cret")
        return AuthResult(success=ok, handled=False)

    port = free_port()
    controller, inbox = start_smtp(port, authenticator=authenticate, auth_require_tls=False)
    try:
        desk.escalate("web")
        desk.staff.queue_notices(StaffNotices(EMAIL_CHANNEL, STAFF))
        assert EmailSender(desk.outbox, config(port, username="desk", password="wrong")).send_due() == 0
        refused = desk.email()
        assert refused.status == "pending" and "535" in (refused.last_error or "")
        assert "wrong" not in (refused.last_error or "")
        desk.clock.advance(seconds=2)
        assert EmailSender(desk.outbox, config(port, username="desk", password="s3cret")).send_due() == 1
    finally:
        controller.stop()
    assert len(inbox.received) == 1


def test_email_config_is_checked() -> None:
    with pytest.raises(ValueError, match="exclude"):
        EmailConfig(host="smtp.example", sender=SENDER, starttls=True, use_ssl=True)
    with pytest.raises(ValueError, match="sender"):
        EmailConfig(host="smtp.example", sender="desk@example\r\nBcc: evil@x.example")
    with pytest.raises(ValueError, match="console"):
        EmailConfig(host="smtp.example", sender=SENDER, console_url="javascript:alert(1)")
    assert "s3cret" not in repr(EmailConfig(host="smtp.example", sender=SENDER, password="s3cret"))


def test_reminders_once_after_the_sla_never_once_answered_or_resolved(desk: Desk, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    staff = desk.staff
    waiting, claimed = desk.escalate("web", "in attesa"), desk.escalate("telegram", "presa in carico")
    answered, resolved, claimed_after_reply = (desk.escalate("web", name) for name in ("risposta", "chiusa", "dopo"))
    staff.claim(claimed, "Marco Bianchi")
    staff.reply(answered, "Ecco la risposta", "Anna Rossi")
    staff.resolve(resolved)
    staff.reply(claimed_after_reply, "Ecco", "Anna Rossi")
    staff.claim(claimed_after_reply, "Anna Rossi")  # "assigned" again, yet answered
    to = StaffNotices(EMAIL_CHANNEL, STAFF)
    start = desk.clock()

    assert staff.queue_reminders(to, SLA, start + SLA - dt.timedelta(minutes=1)) == 0
    assert staff.queue_reminders(to, SLA, start + SLA) == 2
    reminders = [i for i in desk.outbox.items(EMAIL_CHANNEL) if i.kind == "staff_reminder"]
    assert sorted(i.escalation_id or 0 for i in reminders) == [waiting, claimed]
    on_claimed = next(i for i in reminders if i.escalation_id == claimed)
    assert "In carico a: Marco Bianchi" in on_claimed.text and "24 h" in on_claimed.text
    assert staff.queue_reminders(to, SLA, start + 3 * SLA) == 0  # once, not every period

    group = StaffNotices("telegram", "-100200")  # each address is reminded on its own
    assert staff.queue_reminders(group, SLA, start + SLA) == 2
    assert all("Rispondi a questo messaggio" in i.text for i in desk.outbox.items("telegram") if i.address == "-100200")
    later = desk.escalate("web", "più tardi")
    staff.resolve(later)
    assert staff.queue_reminders(to, SLA, start + 3 * SLA) == 0

    assert EmailSender(desk.outbox, config(port)).send_due() == 2
    subjects = {m["Subject"] for m in inbox.messages()}
    assert f"[Sportello] Promemoria: richiesta #{waiting} senza risposta (web, risposta incerta)" in subjects
    with pytest.raises(ValueError, match="timezone"):
        staff.queue_reminders(to, SLA, dt.datetime(2026, 11, 23))
    with pytest.raises(ValueError, match="positive"):
        staff.queue_reminders(to, dt.timedelta(0), start)


def test_hand_back_tells_the_sme_and_resolves(desk: Desk) -> None:
    conversation = desk.store.start_conversation(desk.store.contact("telegram", "901", language="fr"), "fr")
    desk.store.add_message(conversation, "user", "Je veux parler à quelqu'un")
    escalation = desk.store.open_escalation(conversation, "user_request", "parler")
    message = desk.staff.hand_back(escalation, "Anna Rossi")
    stored = desk.store.messages(conversation)[-1]
    assert (stored.id, stored.role, stored.language) == (message, "system", "fr")
    assert "assistant automatique" in stored.text
    closed = desk.store.escalation(escalation)
    assert closed is not None and (closed.status, closed.outcome) == ("resolved", "handed_back")
    (queued,) = desk.outbox.items("telegram")
    assert (queued.address, queued.kind, queued.text) == ("901", "staff_reply", stored.text)
    with pytest.raises(StaffActionError, match="resolved"):
        desk.staff.hand_back(escalation, "Anna Rossi")


def test_a_reminder_in_the_telegram_group_has_the_buttons_and_takes_replies(
    make_services: Callable[..., Services],
) -> None:
    services = make_services()
    store = ConversationStore(services.sessions, services.now)
    conversation = store.start_conversation(store.contact("web", "hash-of-a-token"))
    store.add_message(conversation, "user", "Domanda dal sito")
    escalation = store.open_escalation(conversation, "low_confidence", "Domanda dal sito")
    with BotApiDouble() as api:
        bot = RunningBot(TelegramChannel(telegram_deps(services), bot_config(api), polling=True), api)
        bot.start()
        try:
            api.wait_for(lambda: any("🆘" in m.text for m in api.sent(STAFF_CHAT)))
            group = StaffNotices("telegram", str(STAFF_CHAT))
            assert bot.deps.staff.queue_reminders(group, SLA, SAMPLE_TODAY + SLA) == 1
            api.wait_for(lambda: any("⏰" in m.text for m in api.sent(STAFF_CHAT)))
            reminder = bot.wait_recorded(next(m for m in api.sent(STAFF_CHAT) if "⏰" in m.text))
            assert f"#{escalation}" in reminder.text and "Rispondi a questo messaggio" in reminder.text
            buttons = [b["callback_data"] for row in (reminder.reply_markup or {})["inline_keyboard"] for b in row]
            assert buttons == [f"esc:claim:{escalation}", f"esc:resolve:{escalation}"]
            bot.say(STAFF_CHAT, "Risposta dal promemoria", chat_type="supergroup", user_id=STAFF_USER,
                    reply_to=reminder)  # fmt: skip
            api.wait_for(lambda: store.messages(conversation)[-1].role == "staff")
        finally:
            bot.stop()
    last = store.messages(conversation)[-1]
    assert (last.text, last.author) == ("Risposta dal promemoria", STAFF_NAME)
