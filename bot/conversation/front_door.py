"""The front door: the one way an SME's message becomes a turn, whatever the channel.

It owns the order every channel used to decide for itself:

1. ``accept`` — store the message with the channel's idempotency key and commit. A channel
   acknowledges nothing (no 200, no confirmed Telegram offset) before this returns.
2. ``events`` / ``reply`` — run the turn once: take the message's lease, let the assistant
   answer, and store the reply with the state change in one transaction. A message already
   answered gets its stored reply back (a resend, a retried webhook); one being answered by
   another live process is waited for.
3. The channel delivers the reply (a push channel records the delivery: ``mark_delivered``).
4. ``recover`` — messages accepted but never answered (the process died mid-turn) are
   answered on the next start and then periodically.

Channels are thin adapters around it: parse, ``accept``, ``events``, render. What else a
channel reads or records about a conversation (its contact and consent, the history, the
open escalation, feedback) goes through here too: channels never touch the store.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator

from bot.conversation.assistant import Assistant
from bot.conversation.inbox import ConversationGoneError, Inbound, Inbox, StoredReply
from bot.conversation.records import StoredContact, StoredConversation, StoredEscalation, StoredMessage
from bot.conversation.replies import Event, Reply, final_events, reply_of
from bot.conversation.store import ConversationStore

log = logging.getLogger(__name__)

DEFAULT_WAIT_SECONDS = 100.0
"""How long a resend waits for another process's turn (past the lease, the turn is taken over)."""


class TurnBusyError(RuntimeError):
    """The message is still being answered elsewhere after the wait (a resend may try again)."""


class FrontDoor:
    """Accept, answer once, recover."""

    def __init__(
        self,
        assistant: Assistant,
        *,
        wait_seconds: float = DEFAULT_WAIT_SECONDS,
        poll_seconds: float = 0.1,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.assistant = assistant
        self.inbox: Inbox = assistant.inbox
        self._store: ConversationStore = assistant.store
        self._wait_seconds = wait_seconds
        self._poll_seconds = poll_seconds
        self._sleep = sleep

    def accept(self, conversation_id: int, text: str, key: str | None = None) -> Inbound:
        """Store the message (committed), or find the one stored with ``key``."""
        return self.inbox.accept(conversation_id, text, key)

    def events(self, inbound: Inbound) -> Iterator[Event]:
        """The turn's events, ending with ``done``: computed once, replayed after."""
        stored = None if inbound.created else self.inbox.reply_to(inbound.message_id)  # just stored: no reply yet
        if stored is not None:
            yield from final_events(Reply.from_stored(stored), streamed=False)
            return
        claim = self.inbox.claim(inbound.message_id)
        if claim is None:
            stored, claim = self._wait(inbound)
            if stored is not None:
                yield from final_events(Reply.from_stored(stored), streamed=False)
                return
        assert claim is not None
        finished = False
        try:
            yield from self.assistant.answer(inbound)
            finished = True
        finally:
            if not finished:  # the channel went away mid-stream: the next recovery answers it
                self.inbox.release(inbound.message_id, claim)

    def reply(self, inbound: Inbound) -> Reply:
        """The turn's reply (``events``, consumed)."""
        return reply_of(self.events(inbound))

    def stored_reply(self, inbound: Inbound) -> Reply | None:
        """The reply already given to the message, if any."""
        stored = self.inbox.reply_to(inbound.message_id)
        return Reply.from_stored(stored) if stored is not None else None

    def delivery(self, inbound: Inbound) -> tuple[Reply | None, bool]:
        """The reply already given to the message (if any), and whether a push channel delivered it."""
        stored = self.inbox.reply_to(inbound.message_id)
        return (Reply.from_stored(stored), stored.delivered) if stored is not None else (None, False)

    def mark_delivered(self, reply: Reply) -> None:
        """A push channel sent the reply; a retried event will not send it again."""
        self.inbox.mark_delivered(reply.message_id)

    def recover(self, channel: str, limit: int = 50) -> list[Reply]:
        """Answer ``channel``'s messages that were accepted and never answered (oldest first)."""
        replies: list[Reply] = []
        for inbound in self.inbox.pending(channel, limit):
            try:
                claim = self.inbox.claim(inbound.message_id)
            except ConversationGoneError:
                continue  # erased meanwhile: nobody to answer
            if claim is None:
                continue  # taken by another process meanwhile
            try:
                replies.append(reply_of(self.assistant.answer(inbound)))
            except Exception:
                self.inbox.release(inbound.message_id, claim)
                log.exception("could not answer stored message %s; retried later", inbound.message_id)
        if replies:
            log.info("answered %d %s message(s) left unanswered by a stopped process", len(replies), channel)
        return replies

    # -- what a channel reads and records about a conversation ---------------------------------

    def contact(self, channel: str, external_id: str) -> StoredContact | None:
        """The contact writing from ``external_id`` (a chat, a web session), if it ever wrote."""
        return self._store.find_contact(channel, external_id)

    def consent(self, channel: str, external_id: str, name: str | None = None, language: str | None = None) -> int:
        """The contact (created on first contact) accepted the privacy notice now; returns its id."""
        contact = self._store.contact(channel, external_id, name=name, language=language)
        self._store.record_consent(contact)
        return contact

    def set_language(self, contact_id: int, language: str) -> None:
        """The interface language the contact chose."""
        self._store.set_contact_language(contact_id, language)

    def start(self, channel: str, external_id: str, name: str | None = None, language: str | None = None) -> int:
        """A new conversation for the contact (created on first contact); returns its id."""
        return self.assistant.start(channel, external_id, name, language)

    def conversation_of(self, channel: str, external_id: str) -> int | None:
        """The contact's current conversation, if any."""
        return self._store.latest_conversation(channel, external_id)

    def conversation(self, conversation_id: int) -> StoredConversation | None:
        """The conversation (its contact, language, the assistant's state), or ``None`` once erased."""
        try:
            return self._store.conversation(conversation_id)
        except KeyError:
            return None

    def messages(self, conversation_id: int, after: int | None = None) -> list[StoredMessage]:
        """The conversation's messages in order (those newer than message ``after``, if given)."""
        return self._store.messages(conversation_id, after=after)

    def active_escalation(self, conversation_id: int) -> StoredEscalation | None:
        """The conversation's escalation staff have not resolved yet."""
        return self._store.active_escalation(conversation_id)

    def feedback(self, conversation_id: int, message_id: int, up: bool, comment: str | None = None) -> bool:
        """Thumbs up or down on one of the conversation's answers; ``False`` when it is not one of them."""
        messages = self._store.messages(conversation_id)
        if not any(m.id == message_id and m.role == "assistant" for m in messages):
            return False
        self._store.add_feedback(message_id, 1 if up else -1, comment)
        return True

    def escalate_failure(self, conversation_id: int, summary: str) -> int:
        """Hand the conversation to staff because the channel kept failing on it (or join the open escalation)."""
        return self._store.open_escalation(conversation_id, "error", summary)

    def _wait(self, inbound: Inbound) -> tuple[StoredReply | None, str | None]:
        """Another process holds the message: its reply, or the lease once that process is gone."""
        deadline = time.monotonic() + self._wait_seconds
        while time.monotonic() < deadline:
            stored = self.inbox.reply_to(inbound.message_id)
            if stored is not None:
                return stored, None
            claim = self.inbox.claim(inbound.message_id)
            if claim is not None:
                return None, claim
            self._sleep(self._poll_seconds)
        raise TurnBusyError(f"message {inbound.message_id} is still being answered elsewhere")
