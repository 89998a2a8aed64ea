"""The conversation's tables: contacts, conversations, messages, escalations, feedback and
unanswered questions (SQLAlchemy models; read and written through ``store`` and ``inbox``)."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from knowledge.database import Base

MAX_TEXT_CHARS = 20_000
"""Longer texts are cut before storing (the assistant refuses long input earlier, politely)."""


class ContactRow(Base):
    """Someone who wrote to the desk on one channel."""

    __tablename__ = "bot_contacts"
    __table_args__ = (UniqueConstraint("channel", "external_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(20))
    external_id: Mapped[str] = mapped_column(String(200))
    name: Mapped[str | None] = mapped_column(String(200))
    language: Mapped[str | None] = mapped_column(String(8))
    consent_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class ConversationRow(Base):
    """A conversation of one contact on one channel."""

    __tablename__ = "bot_conversations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("bot_contacts.id", ondelete="CASCADE"), index=True)
    language: Mapped[str | None] = mapped_column(String(8))
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    last_message_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    state_json: Mapped[str] = mapped_column(Text, default="{}", server_default="{}")
    """What the assistant carries between turns (topic, pending clarification or handoff)."""


class MessageRow(Base):
    """One message, with what the assistant decided and why.

    An SME's message is an inbound event (``bot.conversation.inbox``): stored ``pending`` with
    its channel's idempotency key before anything acknowledges it, ``answered`` in the same
    transaction that stores the assistant's reply (which points back at it).
    """

    __tablename__ = "bot_messages"
    __table_args__ = (UniqueConstraint("conversation_id", "client_key", name="uq_bot_messages_client_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("bot_conversations.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(8))
    citations_json: Mapped[str] = mapped_column(Text, default="[]")
    decision: Mapped[str | None] = mapped_column(String(10))
    reason: Mapped[str | None] = mapped_column(String(20))
    confidence: Mapped[float | None] = mapped_column(Float)
    latency_ms: Mapped[float | None] = mapped_column(Float)
    author: Mapped[str | None] = mapped_column(String(200))
    """Who wrote a staff message (the staff member's name or e-mail)."""
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    client_key: Mapped[str | None] = mapped_column(String(80))
    """The channel's idempotency key (``tg:<update_id>``, ``web:<client id>``): a resend finds this row."""
    status: Mapped[str | None] = mapped_column(String(10), index=True)
    """An inbound message's: ``pending`` until its reply is stored, then ``answered``."""
    reply_to_id: Mapped[int | None] = mapped_column(Integer, index=True)
    """A reply's: the inbound message it answers."""
    payload_json: Mapped[str | None] = mapped_column(Text)
    """A reply's: what a channel needs to show it again (outcome, options, escalation)."""
    delivered_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    """A reply's: when a push channel confirmed sending it."""
    claimed_by: Mapped[str | None] = mapped_column(String(120))
    claimed_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    """The lease of the process answering a pending message (``bot.conversation.leases``)."""


class EscalationRow(Base):
    """A question handed to staff."""

    __tablename__ = "bot_escalations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("bot_conversations.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10), index=True)
    summary: Mapped[str] = mapped_column(Text)
    details_json: Mapped[str] = mapped_column(Text, default="{}")
    assignee: Mapped[str | None] = mapped_column(String(200))
    since_message_id: Mapped[int | None] = mapped_column(Integer)
    """The conversation's last message when the escalation opened: later SME messages joined it."""
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    assigned_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    answered_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    outcome: Mapped[str | None] = mapped_column(String(20))
    """How it ended: ``resolved`` by staff, or ``handed_back`` to the assistant."""


class FeedbackRow(Base):
    """Thumbs up or down on an assistant message."""

    __tablename__ = "bot_feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("bot_messages.id", ondelete="CASCADE"), index=True)
    rating: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class UnansweredRow(Base):
    """A question the assistant could not answer (for staff and analytics)."""

    __tablename__ = "bot_unanswered"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("bot_conversations.id", ondelete="CASCADE"), index=True)
    question: Mapped[str] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(8))
    reason: Mapped[str] = mapped_column(String(20))
    confidence: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
"""NUL (PostgreSQL refuses it) and lone surrogates (no UTF-8 encoding: a badly decoded payload)."""


def storable(text: str | None, limit: int) -> str | None:
    """Unstorable characters replaced by U+FFFD; overlong text is cut."""
    if text is None:
        return None
    return _UNSTORABLE.sub("\ufffd", text)[:limit]
