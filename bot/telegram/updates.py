"""The update log: Telegram may deliver an update twice (a webhook retry, a restart before
the offset was confirmed); each ``update_id`` is handled once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import BigInteger, DateTime, delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from knowledge.database import Base


class TelegramUpdateRow(Base):
    """An update already taken in."""

    __tablename__ = "bot_telegram_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)


class UpdateLog:
    """Remembers update ids (a week's worth: Telegram keeps undelivered updates for 24 hours)."""

    KEEP = dt.timedelta(days=7)

    def __init__(self, sessions: sessionmaker[Session], now: Callable[[], dt.datetime]) -> None:
        self._sessions = sessions
        self._now = now

    def first_time(self, update_id: int) -> bool:
        """Record ``update_id``; ``False`` when it was already recorded (a duplicate)."""
        try:
            with self._sessions.begin() as session:
                session.add(TelegramUpdateRow(update_id=update_id, received_at=self._now()))
        except IntegrityError:
            return False
        return True

    def prune(self) -> int:
        """Forget ids older than ``KEEP``; returns how many."""
        with self._sessions.begin() as session:
            result = session.execute(
                delete(TelegramUpdateRow).where(TelegramUpdateRow.received_at < self._now() - self.KEEP)
            )
            return int(result.rowcount)  # type: ignore[attr-defined]
