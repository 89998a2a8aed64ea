"""Catalog entries proposed from web pages, waiting for a staff member to confirm them.

A call's or mission's page states its dates and amounts in prose; read automatically they are
a proposal, never a catalog entry: a wrong deadline costs an SME its chance, so a person
confirms (and corrects) what becomes the structured entry the assistant reasons on. When the
page changes, its pending proposal is replaced by the new reading, and a confirmed one is
followed by a new proposal showing what changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from knowledge.database import Base, as_utc

ProposalStatus = Literal["pending", "confirmed", "dismissed", "superseded"]


class ProposalRow(Base):
    __tablename__ = "web_catalog_proposals"
    __table_args__ = (UniqueConstraint("page_id", "fields_sha", name="uq_web_proposals_page_fields"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("web_pages.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(Text)
    fields_json: Mapped[str] = mapped_column(Text)
    fields_sha: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(12), default="pending")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str | None] = mapped_column(String(200))
    entry_id: Mapped[str | None] = mapped_column(String(80))


@dataclass(frozen=True)
class Proposal:
    """What a page's text says about a call or mission, and what staff decided."""

    id: int
    page_id: int
    url: str
    fields: dict[str, Any]
    status: ProposalStatus
    created_at: dt.datetime
    decided_at: dt.datetime | None
    decided_by: str | None
    entry_id: str | None


class Proposals:
    """Proposals per page; every call commits before it returns."""

    def __init__(self, sessions: sessionmaker[Session], now: Callable[[], dt.datetime]) -> None:
        self._sessions = sessions
        self._now = now

    def propose(self, page_id: int, url: str, fields: dict[str, Any]) -> Proposal | None:
        """Record the page's current reading; ``None`` when the same reading was proposed before.
        Any other pending reading of the page is superseded: the page no longer says it. A reading
        seen before and superseded is pending again (the page went back to it); one confirmed or
        dismissed stays as decided."""
        encoded = json.dumps(fields, sort_keys=True, ensure_ascii=False, default=str)
        sha = hashlib.sha256(encoded.encode()).hexdigest()
        now = self._now()
        try:
            with self._sessions.begin() as session:
                session.execute(
                    update(ProposalRow)
                    .where(
                        ProposalRow.page_id == page_id, ProposalRow.status == "pending", ProposalRow.fields_sha != sha
                    )
                    .values(status="superseded", decided_at=now)
                )
                known = session.scalar(
                    select(ProposalRow).where(ProposalRow.page_id == page_id, ProposalRow.fields_sha == sha)
                )
                if known is not None:
                    if known.status == "superseded":
                        known.status, known.decided_at = "pending", None
                    return None
                row = ProposalRow(
                    page_id=page_id, url=url, fields_json=encoded, fields_sha=sha, status="pending", created_at=now
                )
                session.add(row)
                session.flush()
                return _proposal(row)
        except IntegrityError:  # another process proposed the same reading at the same moment
            return None

    def get(self, proposal_id: int) -> Proposal | None:
        """One proposal, or ``None``."""
        with self._sessions() as session:
            row = session.get(ProposalRow, proposal_id)
            return _proposal(row) if row is not None else None

    def listing(self, status: ProposalStatus | None = "pending", limit: int = 200) -> list[Proposal]:
        """Proposals (pending ones by default), newest first."""
        query = select(ProposalRow)
        if status is not None:
            query = query.where(ProposalRow.status == status)
        with self._sessions() as session:
            return [_proposal(row) for row in session.scalars(query.order_by(ProposalRow.id.desc()).limit(limit))]

    def previous_confirmed(self, page_id: int) -> Proposal | None:
        """What staff last confirmed for this page (to show what a new reading changes)."""
        query = select(ProposalRow).where(ProposalRow.page_id == page_id, ProposalRow.status == "confirmed")
        with self._sessions() as session:
            row = session.scalar(query.order_by(ProposalRow.id.desc()).limit(1))
            return _proposal(row) if row is not None else None

    def decide(
        self, proposal_id: int, status: Literal["confirmed", "dismissed"], by: str, entry_id: str | None = None
    ) -> bool:
        """Confirm or dismiss a pending proposal; ``False`` if it is no longer pending."""
        with self._sessions.begin() as session:
            result = session.execute(
                update(ProposalRow)
                .where(ProposalRow.id == proposal_id, ProposalRow.status == "pending")
                .values(status=status, decided_at=self._now(), decided_by=by, entry_id=entry_id)
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]

    def reopen(self, proposal_id: int) -> None:
        """A confirmation that could not be carried out: pending again."""
        with self._sessions.begin() as session:
            session.execute(
                update(ProposalRow)
                .where(ProposalRow.id == proposal_id, ProposalRow.status == "confirmed")
                .values(status="pending", decided_at=None, decided_by=None, entry_id=None)
            )


def _proposal(row: ProposalRow) -> Proposal:
    return Proposal(
        id=row.id, page_id=row.page_id, url=row.url, fields=json.loads(row.fields_json),
        status=row.status,  # type: ignore[arg-type]  # written from ProposalStatus
        created_at=as_utc(row.created_at), decided_at=as_utc(row.decided_at) if row.decided_at else None,
        decided_by=row.decided_by, entry_id=row.entry_id,
    )  # fmt: skip
