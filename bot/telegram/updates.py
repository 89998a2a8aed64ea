"""Telegram updates as an inbox: stored (with their JSON) before Telegram is told they arrived,
kept until handled.

Telegram forgets an update once the bot confirms it — by asking ``getUpdates`` for a later
offset, or by answering the webhook's POST with 200. Both happen only after ``record`` has
committed the update here, so a crash loses nothing: the next start handles what is
stored and not ``handled``. A retried or re-fetched update finds its row: handled ones are
acknowledged and dropped, unhandled ones are handled (the turn inside is idempotent too,
keyed by the update id: ``bot.conversation.front_door``).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import BigInteger, DateTime, String, Text, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from bot.conversation import leases
from knowledge.database import Base, as_utc

MAX_UPDATE_BYTES = 1_000_000
"""Telegram's own updates are a few kilobytes; a webhook body larger than this is refused."""


class TelegramUpdateRow(Base):
    """An update taken in, with its payload until handled."""

    __tablename__ = "bot_telegram_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    payload_json: Mapped[str | None] = mapped_column(Text)
    handled_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    claimed_by: Mapped[str | None] = mapped_column(String(120))
    claimed_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class UpdateLog:
    """Store, claim and settle updates (handled ids are remembered a week: Telegram keeps
    undelivered updates for 24 hours)."""

    KEEP = dt.timedelta(days=7)
    LEASE = dt.timedelta(seconds=120)

    def __init__(self, sessions: sessionmaker[Session], now: Callable[[], dt.datetime]) -> None:
        self._sessions = sessions
        self._now = now

    def record(self, update_id: int, payload: dict[str, Any]) -> bool:
        """Record the update (committed); ``False`` when it was stored before (a retry, a re-fetch)."""
        body = json.dumps(payload, ensure_ascii=False)
        if len(body.encode()) > MAX_UPDATE_BYTES:
            raise ValueError(f"update {update_id} is larger than {MAX_UPDATE_BYTES} bytes")
        try:
            with self._sessions.begin() as session:
                session.add(TelegramUpdateRow(update_id=update_id, received_at=self._now(), payload_json=body))
        except IntegrityError:
            return False
        return True

    def claim(self, update_id: int) -> tuple[str, dict[str, Any]] | None:
        """The lease to handle an unhandled update and its payload; ``None`` when handled or held by a live process."""
        now = self._now()
        with self._sessions() as session:
            row = session.get(TelegramUpdateRow, update_id)
            if row is None or row.handled_at is not None or row.payload_json is None:
                return None
            held_by, held_until, body = row.claimed_by, row.claimed_until, row.payload_json
        if not leases.is_free(held_by, as_utc(held_until) if held_until else None, now):
            return None
        claim = leases.new_claim()
        holder = TelegramUpdateRow.claimed_by.is_(None) if held_by is None else TelegramUpdateRow.claimed_by == held_by
        with self._sessions.begin() as session:
            taken = session.execute(
                update(TelegramUpdateRow)
                .where(TelegramUpdateRow.update_id == update_id, TelegramUpdateRow.handled_at.is_(None), holder)
                .values(claimed_by=claim, claimed_until=now + self.LEASE)
            )
        if taken.rowcount != 1:  # type: ignore[attr-defined]
            return None
        return claim, json.loads(body)

    def handled(self, update_id: int) -> None:
        """Done: a retry of it is acknowledged without handling (the payload is no longer needed)."""
        with self._sessions.begin() as session:
            session.execute(
                update(TelegramUpdateRow)
                .where(TelegramUpdateRow.update_id == update_id)
                .values(handled_at=self._now(), payload_json=None, claimed_by=None, claimed_until=None)
            )

    def release(self, update_id: int, claim: str) -> None:
        """Give the lease back unhandled (the process is stopping): the next start handles it."""
        with self._sessions.begin() as session:
            session.execute(
                update(TelegramUpdateRow)
                .where(TelegramUpdateRow.update_id == update_id, TelegramUpdateRow.claimed_by == claim)
                .values(claimed_by=None, claimed_until=None)
            )

    def is_handled(self, update_id: int) -> bool:
        """Whether the update was handled."""
        with self._sessions() as session:
            row = session.get(TelegramUpdateRow, update_id)
            return row is not None and row.handled_at is not None

    def pending(self, limit: int = 200) -> list[int]:
        """Stored, unhandled updates whose lease is free, in the order Telegram sent them."""
        query = (
            select(TelegramUpdateRow.update_id, TelegramUpdateRow.claimed_by, TelegramUpdateRow.claimed_until)
            .where(TelegramUpdateRow.handled_at.is_(None))
            .order_by(TelegramUpdateRow.update_id)
            .limit(limit)
        )
        now = self._now()
        with self._sessions() as session:
            rows = session.execute(query).all()
        return [update_id for update_id, by, until in rows if leases.is_free(by, as_utc(until) if until else None, now)]

    def prune(self) -> int:
        """Forget handled updates older than ``KEEP``; returns how many."""
        with self._sessions.begin() as session:
            result = session.execute(
                delete(TelegramUpdateRow).where(
                    TelegramUpdateRow.handled_at.is_not(None), TelegramUpdateRow.received_at < self._now() - self.KEEP
                )
            )
            return int(result.rowcount)  # type: ignore[attr-defined]
