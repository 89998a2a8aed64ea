"""Inbound messages as a ledger: stored before anything acknowledges them, answered once.

An SME's message is a row of ``bot_messages`` (role ``user``) carrying its channel's
idempotency key (``tg:<update_id>``, ``web:<client id>``) and a status:

- ``accept`` stores it ``pending`` and commits — only then may a channel say "received";
  the same key again finds the stored row (a resend, a retried webhook, a re-fetched update);
- ``claim`` takes a lease on it (``leases``): one process answers it at a time, and one left
  behind by a process that died is taken over;
- ``record_reply`` stores the reply, the conversation's new state and the message's
  ``answered`` status in **one** transaction: a crash leaves either no answer (the message
  is answered again) or the answer (a resend gets it back, never a second turn);
- ``mark_delivered``: a push channel (Telegram) confirmed sending the reply.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.conversation import leases
from bot.conversation.records import Decision
from bot.conversation.tables import MAX_TEXT_CHARS, ContactRow, ConversationRow, MessageRow, UnansweredRow, storable
from knowledge.database import as_utc

InboundStatus = Literal["pending", "answered"]
DEFAULT_LEASE = dt.timedelta(seconds=90)
"""Longer than any turn (a language model's is cut at its timeout, 20 s by default)."""
MAX_KEY_CHARS = 80


@dataclass(frozen=True)
class Inbound:
    """An SME's message as stored."""

    message_id: int
    conversation_id: int
    text: str
    status: InboundStatus
    client_key: str | None = None
    reply_id: int | None = None
    """The reply that answered it, once ``answered``."""
    created: bool = True
    """Stored by this call; ``False``: the key was seen before (a resend)."""


@dataclass(frozen=True)
class ReplyRecord:
    """A reply to store with the state change it makes."""

    text: str
    language: str
    citations: Sequence[dict[str, Any]]
    decision: Decision
    reason: str | None
    confidence: float | None
    latency_ms: float
    payload: dict[str, Any]
    state: dict[str, Any]
    unanswered: tuple[str, float | None] | None = None
    """A question handed off for low confidence (and its confidence), kept for staff."""


@dataclass(frozen=True)
class StoredReply:
    """A stored reply and what a channel needs to show it again."""

    message_id: int
    inbound_id: int
    text: str
    language: str
    citations: list[dict[str, Any]]
    decision: Decision
    reason: str | None
    confidence: float | None
    latency_ms: float
    payload: dict[str, Any]
    delivered: bool


class ConversationGoneError(KeyError):
    """The conversation (or the message) was erased while the turn ran: nothing is stored, nobody
    is answered (a right-to-erasure request can land between a message and its reply)."""


class AlreadyAnsweredError(RuntimeError):
    """The message was answered meanwhile (by another process): its stored reply stands."""


class Inbox:
    """Accept, claim and answer inbound messages; every call commits before it returns."""

    def __init__(
        self, sessions: sessionmaker[Session], now: Callable[[], dt.datetime], lease: dt.timedelta = DEFAULT_LEASE
    ) -> None:
        self._sessions = sessions
        self._now = now
        self.lease = lease

    def accept(self, conversation_id: int, text: str, key: str | None = None) -> Inbound:
        """Store the message (committed) — or find it, when ``key`` was stored before."""
        if key is not None and not 0 < len(key) <= MAX_KEY_CHARS:
            raise ValueError(f"an idempotency key is 1-{MAX_KEY_CHARS} characters")
        if key is not None and (known := self.by_key(conversation_id, key)) is not None:
            return known
        now = self._now()
        try:
            with self._sessions.begin() as session:
                conversation = session.get(ConversationRow, conversation_id)
                if conversation is None:
                    raise ConversationGoneError(f"no conversation {conversation_id}")
                row = MessageRow(
                    conversation_id=conversation_id, role="user", text=storable(text, MAX_TEXT_CHARS) or "",
                    citations_json="[]", client_key=key, status="pending", created_at=now,
                )  # fmt: skip
                session.add(row)
                conversation.last_message_at = now
                session.flush()
                return _inbound(row, None, created=True)
        except IntegrityError:  # the same key stored by a concurrent request a moment ago
            known = self.by_key(conversation_id, key) if key is not None else None
            if known is None:
                raise
            return known

    def by_key(self, conversation_id: int, key: str) -> Inbound | None:
        """The message stored with ``key`` in the conversation, if any."""
        with self._sessions() as session:
            row = session.scalars(
                select(MessageRow).where(MessageRow.conversation_id == conversation_id, MessageRow.client_key == key)
            ).first()
            return _inbound(row, self._reply_id(session, row.id), created=False) if row else None

    def get(self, message_id: int) -> Inbound | None:
        """One inbound message by id."""
        with self._sessions() as session:
            row = session.get(MessageRow, message_id)
            if row is None or row.role != "user":
                return None
            return _inbound(row, self._reply_id(session, row.id), created=False)

    def claim(self, message_id: int) -> str | None:
        """Take the lease to answer a pending message; ``None`` when it is answered or held by a live process.

        Raises ``ConversationGoneError`` when the message was erased."""
        now = self._now()
        claim = leases.new_claim()
        with self._sessions.begin() as session:  # the common case, a message nobody holds: one statement
            taken = session.execute(
                update(MessageRow)
                .where(MessageRow.id == message_id, MessageRow.status == "pending", MessageRow.claimed_by.is_(None))
                .values(claimed_by=claim, claimed_until=now + self.lease)
            )
        if taken.rowcount == 1:  # type: ignore[attr-defined]
            return claim
        with self._sessions() as session:
            row = session.get(MessageRow, message_id)
            if row is None:
                raise ConversationGoneError(f"no message {message_id}")
            if row.status != "pending":
                return None
            held_by, held_until = row.claimed_by, row.claimed_until
        if held_by is None or not leases.is_free(held_by, as_utc(held_until) if held_until else None, now):
            return None  # (nobody held it a moment ago: taken meanwhile, or answered)
        holder = MessageRow.claimed_by == held_by
        with self._sessions.begin() as session:
            taken = session.execute(
                update(MessageRow)
                .where(MessageRow.id == message_id, MessageRow.status == "pending", holder)
                .values(claimed_by=claim, claimed_until=now + self.lease)
            )
            return claim if taken.rowcount == 1 else None  # type: ignore[attr-defined]

    def release(self, message_id: int, claim: str) -> None:
        """Give the lease back without answering (the turn could not run)."""
        with self._sessions.begin() as session:
            session.execute(
                update(MessageRow)
                .where(MessageRow.id == message_id, MessageRow.claimed_by == claim)
                .values(claimed_by=None, claimed_until=None)
            )

    def pending(self, channel: str | None = None, limit: int = 100) -> list[Inbound]:
        """Messages not answered yet whose lease is free (left by a process that stopped), oldest first."""
        query = (
            select(MessageRow)
            .join(ConversationRow, ConversationRow.id == MessageRow.conversation_id)
            .join(ContactRow, ContactRow.id == ConversationRow.contact_id)
            .where(MessageRow.status == "pending")
            .order_by(MessageRow.id)
            .limit(limit)
        )
        if channel is not None:
            query = query.where(ContactRow.channel == channel)
        now = self._now()
        with self._sessions() as session:
            rows = list(session.scalars(query))
        return [
            _inbound(row, None, created=False)
            for row in rows
            if leases.is_free(row.claimed_by, as_utc(row.claimed_until) if row.claimed_until else None, now)
        ]

    def record_reply(self, inbound_id: int, reply: ReplyRecord) -> int:
        """Store the reply, the conversation's state and the message's ``answered`` status at once.

        Raises ``AlreadyAnsweredError`` when another process answered it first (nothing is stored).
        """
        now = self._now()
        with self._sessions.begin() as session:
            inbound = session.get(MessageRow, inbound_id)
            if inbound is None:
                raise ConversationGoneError(f"no message {inbound_id}")
            answered = session.execute(
                update(MessageRow)
                .where(MessageRow.id == inbound_id, MessageRow.status != "answered")
                .values(status="answered", language=reply.language, claimed_by=None, claimed_until=None)
            )
            if answered.rowcount != 1:  # type: ignore[attr-defined]
                raise AlreadyAnsweredError(f"message {inbound_id} is answered already")
            conversation_id = inbound.conversation_id
            row = MessageRow(
                conversation_id=conversation_id, role="assistant", text=storable(reply.text, MAX_TEXT_CHARS) or "",
                language=reply.language, citations_json=json.dumps(list(reply.citations), ensure_ascii=False),
                decision=reply.decision, reason=reply.reason, confidence=reply.confidence,
                latency_ms=reply.latency_ms, reply_to_id=inbound_id,
                payload_json=json.dumps(reply.payload, ensure_ascii=False), created_at=now,
            )  # fmt: skip
            session.add(row)
            conversation = session.get(ConversationRow, conversation_id)
            assert conversation is not None  # foreign key
            conversation.state_json = json.dumps(reply.state, ensure_ascii=False)
            conversation.language = reply.language
            conversation.last_message_at = now
            if reply.unanswered is not None:
                question, confidence = reply.unanswered
                session.add(UnansweredRow(
                    conversation_id=conversation_id, question=storable(question, MAX_TEXT_CHARS) or "",
                    reason="low_confidence", language=reply.language, confidence=confidence, created_at=now,
                ))  # fmt: skip
            session.flush()
            return row.id

    def reply_to(self, inbound_id: int) -> StoredReply | None:
        """The stored reply to a message, if it was answered."""
        with self._sessions() as session:
            row = session.scalars(
                select(MessageRow).where(MessageRow.reply_to_id == inbound_id, MessageRow.role == "assistant")
            ).first()
            if row is None:
                return None
            return StoredReply(
                message_id=row.id, inbound_id=inbound_id, text=row.text, language=row.language or "it",
                citations=json.loads(row.citations_json or "[]"), decision=row.decision,  # type: ignore[arg-type]
                reason=row.reason, confidence=row.confidence, latency_ms=row.latency_ms or 0.0,
                payload=json.loads(row.payload_json or "{}"), delivered=row.delivered_at is not None,
            )  # fmt: skip

    def mark_delivered(self, reply_id: int) -> None:
        """A push channel sent the reply: a retried event will not send it again."""
        with self._sessions.begin() as session:
            row = session.get(MessageRow, reply_id)
            if row is not None and row.delivered_at is None:
                row.delivered_at = self._now()

    @staticmethod
    def _reply_id(session: Session, inbound_id: int) -> int | None:
        return session.scalar(select(MessageRow.id).where(MessageRow.reply_to_id == inbound_id).limit(1))


def _inbound(row: MessageRow, reply_id: int | None, *, created: bool) -> Inbound:
    status: InboundStatus = "answered" if row.status == "answered" else "pending"
    return Inbound(row.id, row.conversation_id, row.text, status, row.client_key, reply_id, created)
