"""Internal notes on an escalation: written by staff for staff, never sent to the SME."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from knowledge.database import Base, as_utc

MAX_NOTE_CHARS = 4000


class EscalationNoteRow(Base):
    """One note (deleted with its escalation)."""

    __tablename__ = "bot_escalation_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    escalation_id: Mapped[int] = mapped_column(ForeignKey("bot_escalations.id", ondelete="CASCADE"), index=True)
    author: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


@dataclass(frozen=True)
class EscalationNote:
    """A note as read back."""

    id: int
    escalation_id: int
    author: str
    text: str
    created_at: dt.datetime


class EscalationNotes:
    """Adds and lists notes."""

    def __init__(self, sessions: sessionmaker[Session], now: Callable[[], dt.datetime]) -> None:
        self._sessions = sessions
        self._now = now

    def add(self, escalation_id: int, author: str, text: str) -> int:
        """Store a note; empty or overlong notes are refused."""
        text = text.strip()
        if not text:
            raise ValueError("a note needs text")
        if len(text) > MAX_NOTE_CHARS:
            raise ValueError(f"a note is at most {MAX_NOTE_CHARS} characters")
        with self._sessions.begin() as session:
            row = EscalationNoteRow(
                escalation_id=escalation_id, author=author[:200], text=text.replace("\x00", "\ufffd"),
                created_at=self._now(),
            )  # fmt: skip
            session.add(row)
            session.flush()
            return row.id

    def of(self, escalation_id: int) -> list[EscalationNote]:
        """An escalation's notes, oldest first."""
        query = select(EscalationNoteRow).where(EscalationNoteRow.escalation_id == escalation_id)
        with self._sessions() as session:
            return [
                EscalationNote(row.id, row.escalation_id, row.author, row.text, as_utc(row.created_at))
                for row in session.scalars(query.order_by(EscalationNoteRow.id))
            ]
