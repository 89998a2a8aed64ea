"""The claims' tables (migrations 0013, 0014): a conversation's claims, one after another, and the
files sent for each."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from knowledge.database import Base

MAX_KEY_CHARS = 200


class ClaimRow(Base):
    """A conversation's reimbursement claim: which mission, and how far the staff have got. A
    conversation holds one claim at a time; a file sent after the staff closed it opens the next."""

    __tablename__ = "claims"
    __table_args__ = (UniqueConstraint("conversation_id", "number", name="uq_claims_conversation_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("bot_conversations.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    """1 for the conversation's first claim, 2 for the one opened after it was closed…: unique, so
    two files opening the next claim at once open one (the second finds the first's)."""
    mission_id: Mapped[str | None] = mapped_column(String(80))
    """The catalog entry of the mission, once known."""
    status: Mapped[str] = mapped_column(String(10))
    submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    """When the SME first submitted it: the claim's date for the deadline check."""
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    resolved_by: Mapped[str | None] = mapped_column(String(200))
    outcome_note: Mapped[str | None] = mapped_column(Text)


class ClaimFileRow(Base):
    """One file sent for a claim: its bytes, what was read from it and what the staff made of it."""

    __tablename__ = "claim_files"
    __table_args__ = (UniqueConstraint("channel", "idempotency_key", name="uq_claim_files_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("bot_conversations.id", ondelete="CASCADE"), index=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    idempotency_key: Mapped[str] = mapped_column(String(MAX_KEY_CHARS))
    name: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(100))
    """As the channel declared it; what the file really is, the reader decides from its bytes."""
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    """Loaded only when asked for (``ClaimStore.content``): listings never carry megabytes."""
    read_json: Mapped[str | None] = mapped_column(Text)
    correction_json: Mapped[str | None] = mapped_column(Text)
    decision: Mapped[str | None] = mapped_column(String(10))
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    read_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), index=True)
