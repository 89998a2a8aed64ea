"""What staff do with escalations, whatever the channel they work from (the Telegram staff
group, the console): claim, reply, resolve, and the notices and reminders that tell them.

A staff reply is stored in the SME's conversation (the widget reads it from there, live
and after a reload) and, for a contact on a push channel, queued in the outbox to reach
the SME's chat — the message, the escalation's new status and the outbox row in one
transaction: a failing send is retried, never lost, and a reply taken in twice (a retried
Telegram update, a console form sent again) is stored once, by its idempotency key.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from bot.conversation.phrases import say
from bot.conversation.records import (
    EscalationStatus,
    QueuedEscalation,
    StoredContact,
    StoredConversation,
    StoredEscalation,
    StoredMessage,
)
from bot.conversation.store import ConversationStore
from bot.desk.audit import AuditLog
from bot.desk.words import word
from bot.outbound.alerts import PUSH_CHANNELS
from bot.outbound.outbox import Outbox, event_key

MAX_STAFF_TEXT = 4000
REPLY_IN_PLACE_CHANNELS = frozenset({"telegram"})
"""Where staff answer by replying to the notice itself (the Telegram staff group); elsewhere
(e-mail) they answer from the console, and SME follow-ups are not forwarded one by one."""


class StaffActionError(ValueError):
    """A staff action that cannot apply (unknown or resolved escalation, empty reply)."""


@dataclass(frozen=True)
class StaffNotices:
    """Where escalations are announced: a channel and its address (the staff Telegram group, one staff e-mail)."""

    channel: str
    address: str


class StaffDesk:
    """Staff actions on escalations; each is stored before anything is sent, and audited here —
    whichever door it came through (the console, the Telegram group, the CLI)."""

    def __init__(self, store: ConversationStore, outbox: Outbox, audit: AuditLog | None = None) -> None:
        self.store = store
        self.outbox = outbox
        self.audit = audit

    def _audited(self, actor: str, action: str, escalation_id: int, detail: dict[str, str] | None = None) -> None:
        if self.audit is not None:
            self.audit.record(actor, action, f"escalation {escalation_id}", detail)

    # -- what staff read ----------------------------------------------------------------------

    def queue(self, statuses: Sequence[EscalationStatus], limit: int = 500) -> list[QueuedEscalation]:
        """Escalations in these statuses with their contact, oldest first (resolved ones: newest first)."""
        return self.store.escalation_queue(statuses, limit)

    def escalation(self, escalation_id: int) -> StoredEscalation | None:
        """One escalation (``None`` once erased)."""
        return self.store.escalation(escalation_id)

    def conversation(self, conversation_id: int) -> StoredConversation:
        """The escalation's conversation, with whom it is."""
        return self.store.conversation(conversation_id)

    def contact(self, contact_id: int) -> StoredContact | None:
        """Who the SME is (``None`` once erased)."""
        return self.store.contact_by_id(contact_id)

    def messages(self, conversation_id: int, last: int | None = None, after: int | None = None) -> list[StoredMessage]:
        """The conversation's messages (only the ``last`` ones, or those newer than message ``after``)."""
        return self.store.messages(conversation_id, last=last, after=after)

    # -- what staff do ------------------------------------------------------------------------

    def reply(
        self, escalation_id: int, text: str, author: str, key: str | None = None, *, actor: str | None = None
    ) -> int:
        """Answer the SME; returns the stored message's id (the one stored before, for a ``key`` seen before).

        ``author`` signs the reply for the SME; ``actor`` is who did it, for the audit log (default: the author).
        """
        text = text.strip()
        if not text:
            raise StaffActionError("a reply needs text")
        if len(text) > MAX_STAFF_TEXT:
            raise StaffActionError(f"a reply is at most {MAX_STAFF_TEXT} characters")
        escalation = self.store.escalation(escalation_id)
        if key is not None and escalation is not None:
            known = self.store.message_with_key(escalation.conversation_id, key)
            if known is not None:
                return known  # taken in before: stored and queued then
        escalation = self._open(escalation_id)
        conversation = self.store.conversation(escalation.conversation_id)
        with self.store.sessions.begin() as session:
            message_id = self.store.add_message(
                conversation.id, "staff", text, author=author, client_key=key, within=session
            )
            self.store.set_escalation_status(escalation_id, "answered", within=session)
            if conversation.channel in PUSH_CHANNELS:
                self.outbox.enqueue(
                    conversation.channel, conversation.external_id, "staff_reply", text,
                    payload={"author": author, "language": conversation.language},
                    contact_id=conversation.contact_id, conversation_id=conversation.id,
                    escalation_id=escalation_id, message_id=message_id, within=session,
                )  # fmt: skip
        self._audited(actor or author, "reply", escalation_id)
        return message_id

    def claim(self, escalation_id: int, assignee: str, *, actor: str | None = None) -> StoredEscalation:
        """Take the escalation (``actor``: who, for the audit log; default the assignee)."""
        self._open(escalation_id)
        self.store.set_escalation_status(escalation_id, "assigned", assignee=assignee)
        self._audited(actor or assignee, "claim", escalation_id)
        return self._open(escalation_id)

    def assign(self, escalation_id: int, assignee: str, *, actor: str, to: str) -> StoredEscalation:
        """Hand the escalation to a colleague (``to``: the colleague's account, for the audit log)."""
        self._open(escalation_id)
        self.store.set_escalation_status(escalation_id, "assigned", assignee=assignee)
        self._audited(actor, "assign", escalation_id, {"to": to})
        return self._open(escalation_id)

    def resolve(self, escalation_id: int, *, actor: str = "staff") -> None:
        """Close the escalation: the assistant answers the conversation again."""
        self._open(escalation_id)
        self.store.set_escalation_status(escalation_id, "resolved")
        self._audited(actor, "resolve", escalation_id)

    def hand_back(self, escalation_id: int, author: str, *, actor: str | None = None) -> int:
        """Close the escalation and tell the SME, in its language, that the assistant answers again.

        The message is stored as the desk's (role ``system``: the widget shows it, it is no staff
        answer) and, for a push channel, queued like a staff reply. Returns the stored message's id.
        """
        escalation = self._open(escalation_id)
        conversation = self.store.conversation(escalation.conversation_id)
        language = conversation.language or "it"
        text = say("handed_back", language)
        with self.store.sessions.begin() as session:
            message_id = self.store.add_message(
                conversation.id, "system", text, language=language, author=author, within=session
            )
            self.store.set_escalation_status(escalation_id, "resolved", outcome="handed_back", within=session)
            if conversation.channel in PUSH_CHANNELS:
                self.outbox.enqueue(
                    conversation.channel, conversation.external_id, "staff_reply", text,
                    payload={"author": author, "language": language}, contact_id=conversation.contact_id,
                    conversation_id=conversation.id, escalation_id=escalation_id, message_id=message_id,
                    within=session,
                )  # fmt: skip
        self._audited(actor or author, "hand_back", escalation_id)
        return message_id

    def queue_notices(self, to: StaffNotices) -> int:
        """Announce unresolved escalations not announced yet to ``to``, and (where staff reply in place,
        the Telegram group) SME messages that joined one.

        Idempotent (the outbox remembers what it queued), so it may run on a timer from any
        process: escalations raised on the web reach the staff group too. Returns how many it queued.
        """
        queued = 0
        escalations = self.store.unresolved_escalations()
        if not escalations:
            return 0  # the common case, every second: one query
        in_place = to.channel in REPLY_IN_PLACE_CHANNELS
        noticed, forwarded = self.outbox.announced(to.address, to.channel)
        for escalation in escalations:
            if not in_place and escalation.id in noticed:
                continue  # no follow-ups to forward there: nothing to read
            conversation = self.store.conversation(escalation.conversation_id)
            if escalation.id not in noticed:
                text = notice_text(escalation, conversation.channel, reply_in_place=in_place)
                self.outbox.enqueue(
                    to.channel, to.address, "staff_notice", text,
                    payload={"status": escalation.status, "channel": conversation.channel, "reason": escalation.reason},
                    contact_id=conversation.contact_id, conversation_id=conversation.id, escalation_id=escalation.id,
                    key=event_key("staff_notice", escalation.id, to.channel, to.address),
                )  # fmt: skip
                queued += 1
            if not in_place:
                continue
            for message in self.store.messages(conversation.id, after=escalation.since_message_id or 0):
                if message.role != "user" or message.id in forwarded:
                    continue
                text = say("staff_followup", "it", id=escalation.id, text=message.text)
                self.outbox.enqueue(
                    to.channel, to.address, "staff_followup", text, contact_id=conversation.contact_id,
                    conversation_id=conversation.id, escalation_id=escalation.id, message_id=message.id,
                    key=event_key("staff_followup", message.id, to.channel, to.address),
                )  # fmt: skip
                queued += 1
        return queued

    def queue_reminders(self, to: StaffNotices, sla: dt.timedelta, now: dt.datetime) -> int:
        """Remind ``to`` once of each escalation still waiting for a first staff reply ``sla`` after it opened.

        Waiting means open or assigned with no staff message in the conversation since it opened.
        Idempotent like ``queue_notices`` (one reminder per escalation and address, ever); returns
        how many it queued.
        """
        if sla <= dt.timedelta(0):
            raise ValueError("the SLA must be positive")
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        overdue = [
            e
            for e in self.store.unresolved_escalations()
            if e.status in ("open", "assigned") and e.created_at + sla <= now
        ]
        if not overdue:
            return 0
        reminded = self.outbox.reminded(to.channel, to.address)
        queued = 0
        for escalation in overdue:
            if escalation.id in reminded or self._staff_replied(escalation):
                continue
            conversation = self.store.conversation(escalation.conversation_id)
            text = reminder_text(
                escalation, conversation.channel, sla, reply_in_place=to.channel in REPLY_IN_PLACE_CHANNELS
            )
            self.outbox.enqueue(
                to.channel, to.address, "staff_reminder", text,
                payload={"status": escalation.status, "channel": conversation.channel, "reason": escalation.reason},
                contact_id=conversation.contact_id, conversation_id=conversation.id, escalation_id=escalation.id,
                key=event_key("staff_reminder", escalation.id, to.channel, to.address),
            )  # fmt: skip
            queued += 1
        return queued

    def _staff_replied(self, escalation: StoredEscalation) -> bool:
        # An escalation claimed after a reply is "assigned" again: the conversation tells.
        messages = self.store.messages(escalation.conversation_id, after=escalation.since_message_id or 0)
        return any(message.role == "staff" for message in messages)

    def _open(self, escalation_id: int) -> StoredEscalation:
        escalation = self.store.escalation(escalation_id)
        if escalation is None:
            raise StaffActionError(f"no escalation {escalation_id}")
        if escalation.status == "resolved":
            raise StaffActionError(f"escalation {escalation_id} is resolved")
        return escalation


def notice_text(escalation: StoredEscalation, channel: str, *, reply_in_place: bool = True) -> str:
    """The staff notice of a new escalation (staff read Italian: the desk's working language).

    ``reply_in_place``: the notice says to reply to it (the Telegram group); otherwise the
    channel's sender says where to answer (the e-mail sender adds the console link).
    """
    reason = word(escalation.reason, "reason", "it")
    lines = [say("staff_notice", "it", id=escalation.id, channel=channel, reason=reason), escalation.summary]
    lines.extend(_detail_lines(escalation.details))
    if reply_in_place:
        lines.append(say("staff_notice_howto", "it"))
    return "\n".join(lines)


def reminder_text(escalation: StoredEscalation, channel: str, sla: dt.timedelta, *, reply_in_place: bool) -> str:
    """The reminder of an escalation still unanswered past the SLA (Italian, as the notices)."""
    hours = f"{sla.total_seconds() / 3600:g}".replace(".", ",")
    reason = word(escalation.reason, "reason", "it")
    lines = [
        say("staff_reminder", "it", id=escalation.id, channel=channel, reason=reason, hours=hours),
        escalation.summary,
    ]
    if escalation.assignee:
        lines.append(say("staff_reminder_assignee", "it", assignee=escalation.assignee))
    if reply_in_place:
        lines.append(say("staff_notice_howto", "it"))
    return "\n".join(lines)


def _detail_lines(details: dict[str, str]) -> list[str]:
    """``impresa: Tessile Rossi srl``, … and the call or mission, marked when the assistant inferred it."""
    lines = [f"{word(key, 'detail', 'it')}: {value}" for key, value in details.items()
             if value and key not in ("topic", "topic_inferred", "declined")]  # fmt: skip
    if details.get("topic"):
        inferred = " (dedotto dalla conversazione)" if details.get("topic_inferred") == "1" else ""
        lines.append(f"bando o missione: {details['topic']}{inferred}")
    if details.get("declined"):
        lines.append("recapiti: l'impresa ha preferito non lasciarli")
    return lines
