"""The audit log: which staff member did what, to which escalation, FAQ, document or contact, and when.

Entries name their target by kind and id (``escalation 12``, ``contact 7``), never by a
person's data, so erasing a contact leaves the log both true and free of that person.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import DateTime, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from knowledge.database import Base, as_utc


class AuditRow(Base):
    """One staff action."""

    __tablename__ = "staff_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(String(100))
    detail_json: Mapped[str] = mapped_column(Text, default="{}")


@dataclass(frozen=True)
class AuditEntry:
    """An action as read back."""

    id: int
    at: dt.datetime
    actor: str
    action: str
    target: str
    detail: dict[str, Any]


class AuditLog:
    """Appends and reads staff actions (never updates or deletes them)."""

    def __init__(self, sessions: sessionmaker[Session], now: Callable[[], dt.datetime]) -> None:
        self._sessions = sessions
        self._now = now

    def record(self, actor: str, action: str, target: str, detail: dict[str, Any] | None = None) -> None:
        """Append one action (``detail`` holds ids, counts and outcomes: no personal data)."""
        with self._sessions.begin() as session:
            session.add(
                AuditRow(
                    at=self._now(),
                    actor=actor[:254],
                    action=action[:40],
                    target=target[:100],
                    detail_json=json.dumps(detail or {}, ensure_ascii=False, default=str),
                )
            )

    def recent(self, limit: int = 200, actor: str | None = None) -> list[AuditEntry]:
        """The latest actions, newest first."""
        query = select(AuditRow).order_by(AuditRow.id.desc()).limit(limit)
        if actor:
            query = query.where(AuditRow.actor == actor)
        with self._sessions() as session:
            return [
                AuditEntry(row.id, as_utc(row.at), row.actor, row.action, row.target, json.loads(row.detail_json))
                for row in session.scalars(query)
            ]
