"""A question an SME sent before accepting the privacy notice, held until it does.

Telegram was told the update arrived, so the question must survive a restart and reach
whichever process takes the consent (several web processes share Telegram's webhook): it
is kept in the database, one per chat, and answered once the notice is accepted. It is
released only after its turn is stored (a crash in between answers it on the consent's
redelivery, once: the turn is keyed by that update). Held questions older than ``KEEP``
are ignored and dropped: nobody answers a notice after a week.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import BigInteger, DateTime, String, Text, delete
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from knowledge.database import Base, as_utc

MAX_HELD_CHARS = 2000


class HeldQuestionRow(Base):
    __tablename__ = "bot_telegram_held_questions"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(5), nullable=True)
    held_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)


@dataclass(frozen=True)
class HeldQuestion:
    """A question waiting for consent, and the language it was written in (the notice's)."""

    text: str
    language: str | None


class HeldQuestions:
    """Hold a chat's question until consent, then release it once it is answered."""

    KEEP = dt.timedelta(days=7)

    def __init__(self, sessions: sessionmaker[Session], now: Callable[[], dt.datetime]) -> None:
        self._sessions = sessions
        self._now = now

    def hold(self, chat_id: int, text: str, language: str | None = None) -> None:
        """Keep ``text`` as the chat's question (the latest one wins), committed on return."""
        now = self._now()
        with self._sessions.begin() as session:
            session.execute(delete(HeldQuestionRow).where(HeldQuestionRow.held_at < now - self.KEEP))
            row = session.get(HeldQuestionRow, chat_id)
            if row is None:
                row = HeldQuestionRow(chat_id=chat_id)
                session.add(row)
            row.text, row.language, row.held_at = text[:MAX_HELD_CHARS], language, now

    def held(self, chat_id: int) -> HeldQuestion | None:
        """The chat's held question, if one is held and under a week old."""
        with self._sessions() as session:
            row = session.get(HeldQuestionRow, chat_id)
            if row is None or as_utc(row.held_at) < self._now() - self.KEEP:
                return None
            return HeldQuestion(row.text, row.language)

    def release(self, chat_id: int, text: str | None = None) -> None:
        """Forget the chat's held question (only if it is still ``text``, when given: a newer one
        held meanwhile stays) — once the question's turn is stored, or on erasure."""
        with self._sessions.begin() as session:
            query = delete(HeldQuestionRow).where(HeldQuestionRow.chat_id == chat_id)
            if text is not None:
                query = query.where(HeldQuestionRow.text == text)
            session.execute(query)
