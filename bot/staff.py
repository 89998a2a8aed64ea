"""What staff do with escalations, whatever the channel they work from (the Telegram staff
group now, the console later): claim, reply, resolve, and the notices that tell them.

A staff reply is stored in the SME's conversation (the widget reads it from there, live
and after a reload) and, for a contact on a push channel, queued in the outbox to reach
the SME's chat: a failing send is retried, never lost.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.alerts import PUSH_CHANNELS
from bot.outbox import Outbox
from bot.phrases import say
from bot.store import ConversationStore, StoredEscalation

MAX_STAFF_TEXT = 4000


class StaffActionError(ValueError):
    """A staff action that cannot apply (unknown or resolved escalation, empty reply)."""


@dataclass(frozen=True)
class StaffNotices:
    """Where new escalations are announced: a channel and its address (e.g. the staff Telegram group)."""

    channel: str
    address: str


class StaffDesk:
    """Staff actions on escalations; each is stored before anything is sent."""

    def __init__(self, store: ConversationStore, outbox: Outbox) -> None:
        self.store = store
        self.outbox = outbox

    def reply(self, escalation_id: int, text: str, author: str) -> int:
        """Answer the SME; returns the stored message's id."""
        text = text.strip()
        if not text:
            raise StaffActionError("a reply needs text")
        if len(text) > MAX_STAFF_TEXT:
            raise StaffActionError(f"a reply is at most {MAX_STAFF_TEXT} characters")
        escalation = self._open(escalation_id)
        conversation = self.store.conversation(escalation.conversation_id)
        message_id = self.store.add_message(conversation.id, "staff", text, author=author)
        self.store.set_escalation_status(escalation_id, "answered")
        if conversation.channel in PUSH_CHANNELS:
            self.outbox.enqueue(
                conversation.channel, conversation.external_id, "staff_reply", text,
                payload={"author": author, "language": conversation.language},
                contact_id=conversation.contact_id, conversation_id=conversation.id, escalation_id=escalation_id,
                message_id=message_id,
            )  # fmt: skip
        return message_id

    def claim(self, escalation_id: int, assignee: str) -> StoredEscalation:
        """Take the escalation (or hand it to ``assignee``)."""
        self._open(escalation_id)
        self.store.set_escalation_status(escalation_id, "assigned", assignee=assignee)
        return self._open(escalation_id)

    def resolve(self, escalation_id: int) -> None:
        """Close the escalation: the assistant answers the conversation again."""
        self._open(escalation_id)
        self.store.set_escalation_status(escalation_id, "resolved")

    def queue_notices(self, to: StaffNotices) -> int:
        """Announce unresolved escalations not announced yet, and SME messages that joined one.

        Idempotent (the outbox remembers what it queued), so it may run on a timer from any
        process: escalations raised on the web reach the staff group too. Returns how many it queued.
        """
        queued = 0
        escalations = self.store.unresolved_escalations()
        if not escalations:
            return 0  # the common case, every second: one query
        noticed, forwarded = self.outbox.announced(to.address)
        for escalation in escalations:
            conversation = self.store.conversation(escalation.conversation_id)
            if escalation.id not in noticed:
                self.outbox.enqueue(
                    to.channel, to.address, "staff_notice", notice_text(escalation, conversation.channel),
                    payload={"status": escalation.status}, contact_id=conversation.contact_id,
                    conversation_id=conversation.id, escalation_id=escalation.id,
                )  # fmt: skip
                queued += 1
            for message in self.store.messages(conversation.id, after=escalation.since_message_id or 0):
                if message.role != "user" or message.id in forwarded:
                    continue
                text = say("staff_followup", "it", id=escalation.id, text=message.text)
                self.outbox.enqueue(
                    to.channel, to.address, "staff_followup", text, contact_id=conversation.contact_id,
                    conversation_id=conversation.id, escalation_id=escalation.id, message_id=message.id,
                )  # fmt: skip
                queued += 1
        return queued

    def _open(self, escalation_id: int) -> StoredEscalation:
        escalation = self.store.escalation(escalation_id)
        if escalation is None:
            raise StaffActionError(f"no escalation {escalation_id}")
        if escalation.status == "resolved":
            raise StaffActionError(f"escalation {escalation_id} is resolved")
        return escalation


def notice_text(escalation: StoredEscalation, channel: str) -> str:
    """The staff notice of a new escalation (staff read Italian: the desk's working language)."""
    lines = [
        say("staff_notice", "it", id=escalation.id, channel=channel, reason=escalation.reason),
        escalation.summary,
    ]
    lines.extend(f"{name}: {value}" for name, value in escalation.details.items() if value)
    lines.append(say("staff_notice_howto", "it"))
    return "\n".join(lines)
