"""FAQs written by staff: answers promoted from resolved escalations (the knowledge loop).

A staff FAQ is served as a curated answer as soon as it is approved. It may depend on one
indexed document (a file, or one catalog entry): the document's content hash is kept at
approval, and when an ingest changes or removes that document the FAQ is flagged for
review and no longer served until staff approve it again. A FAQ without a source never
goes stale on its own; staff retire it when it is wrong.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from bot.answers.curated import CuratedAnswer
from knowledge.database import Base, as_utc
from knowledge.store import DocumentRecord

FaqStatus = Literal["approved", "needs_review", "retired"]
MAX_QUESTION_CHARS = 500
MAX_ANSWER_CHARS = 4000
STAFF_FAQ_TITLE = "FAQ dello sportello"


class StaffFaqRow(Base):
    """One staff FAQ and the source it depends on."""

    __tablename__ = "bot_staff_faqs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(14), index=True)
    doc_id: Mapped[str | None] = mapped_column(String(40))
    source: Mapped[str | None] = mapped_column(Text)
    source_title: Mapped[str | None] = mapped_column(String(500))
    source_hash: Mapped[str | None] = mapped_column(String(64))
    review_reason: Mapped[str | None] = mapped_column(Text)
    # SET NULL: retention may delete old conversations, the knowledge they produced stays
    # (erasure of a contact deletes its FAQs explicitly: bot/desk/privacy.py).
    escalation_id: Mapped[int | None] = mapped_column(ForeignKey("bot_escalations.id", ondelete="SET NULL"), index=True)
    created_by: Mapped[str] = mapped_column(String(254))
    updated_by: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


@dataclass(frozen=True)
class StaffFaq:
    """A staff FAQ as read back."""

    id: int
    question: str
    answer: str
    language: str | None
    status: FaqStatus
    doc_id: str | None
    source: str | None
    source_title: str | None
    source_hash: str | None
    review_reason: str | None
    escalation_id: int | None
    created_by: str
    updated_by: str
    created_at: dt.datetime
    updated_at: dt.datetime

    def curated(self) -> CuratedAnswer:
        """The FAQ as the assistant serves it (cited as the desk's FAQ, with its source named)."""
        title = f"{STAFF_FAQ_TITLE}: {self.source_title}" if self.source_title else STAFF_FAQ_TITLE
        return CuratedAnswer(
            question=self.question, answer=self.answer, title=title, source=self.source or f"staff-faq/{self.id}",
            url=None, language=self.language, chunk_id=f"staff-faq:{self.id}",
        )  # fmt: skip


class StaffFaqError(ValueError):
    """A FAQ that cannot be saved as asked (the message says why)."""


class StaffFaqs:
    """Writes and reads staff FAQs."""

    def __init__(self, sessions: sessionmaker[Session], now: Callable[[], dt.datetime]) -> None:
        self._sessions = sessions
        self._now = now

    def create(
        self,
        question: str,
        answer: str,
        *,
        author: str,
        language: str | None,
        source: DocumentRecord | None = None,
        escalation_id: int | None = None,
    ) -> StaffFaq:
        """A new approved FAQ, served from the next turn."""
        question, answer = _checked(question, answer)
        now = self._now()
        with self._sessions.begin() as session:
            row = StaffFaqRow(
                question=question, answer=answer, language=language, status="approved", escalation_id=escalation_id,
                created_by=author, updated_by=author, created_at=now, updated_at=now,
            )  # fmt: skip
            _link(row, source)
            session.add(row)
            session.flush()
            return _faq(row)

    def edit(
        self, faq_id: int, question: str, answer: str, *, author: str, language: str | None,
        source: DocumentRecord | None,
    ) -> StaffFaq:  # fmt: skip
        """Save new text and source; saving approves it against the source as it is now."""
        question, answer = _checked(question, answer)
        with self._sessions.begin() as session:
            row = self._row(session, faq_id)
            row.question, row.answer, row.language = question, answer, language
            _link(row, source)
            self._set(row, "approved", author, None)
            return _faq(row)

    def approve(self, faq_id: int, *, author: str, source: DocumentRecord | None) -> StaffFaq:
        """Approve as written against the source's current content (``None``: the source is gone, unlink it)."""
        with self._sessions.begin() as session:
            row = self._row(session, faq_id)
            _link(row, source)
            self._set(row, "approved", author, None)
            return _faq(row)

    def retire(self, faq_id: int, *, author: str) -> StaffFaq:
        """Stop serving it (kept for the record; it can be approved again)."""
        with self._sessions.begin() as session:
            row = self._row(session, faq_id)
            self._set(row, "retired", author, None)
            return _faq(row)

    def flag_changed(self, documents: Mapping[str, str]) -> list[StaffFaq]:
        """Flag approved FAQs whose source document changed or went away (``documents``: doc_id → content hash)."""
        flagged = []
        now = self._now()
        with self._sessions.begin() as session:
            query = select(StaffFaqRow).where(StaffFaqRow.status == "approved", StaffFaqRow.doc_id.is_not(None))
            for row in session.scalars(query):
                assert row.doc_id is not None  # the query
                current = documents.get(row.doc_id)
                if current == row.source_hash:
                    continue
                reason = "source removed from the knowledge base" if current is None else "source content changed"
                row.status, row.review_reason, row.updated_at = "needs_review", reason, now
                flagged.append(_faq(row))
        return flagged

    def get(self, faq_id: int) -> StaffFaq | None:
        """One FAQ by id."""
        with self._sessions() as session:
            row = session.get(StaffFaqRow, faq_id)
            return _faq(row) if row else None

    def all(self, status: FaqStatus | None = None) -> list[StaffFaq]:
        """FAQs, newest change first."""
        query = select(StaffFaqRow).order_by(StaffFaqRow.updated_at.desc(), StaffFaqRow.id.desc())
        if status is not None:
            query = query.where(StaffFaqRow.status == status)
        with self._sessions() as session:
            return [_faq(row) for row in session.scalars(query)]

    def served(self, documents: Mapping[str, str]) -> list[CuratedAnswer]:
        """The approved FAQs whose source is unchanged (re-checked here, in case no ingest flagged them yet).

        Of two FAQs with the same question only the latest is served: two equal questions would
        otherwise tie, and a tie is never answered as written (bot/answers/curated.py).
        """
        served: dict[str, CuratedAnswer] = {}
        for faq in self.all("approved"):  # latest change first
            if faq.doc_id is not None and documents.get(faq.doc_id) != faq.source_hash:
                continue
            served.setdefault(" ".join(faq.question.lower().split()), faq.curated())
        return list(served.values())

    def revision(self) -> tuple[int, str]:
        """Changes whenever a FAQ does (the assistant reloads its curated answers then)."""
        with self._sessions() as session:
            rows = session.execute(
                select(StaffFaqRow.id, StaffFaqRow.status, StaffFaqRow.updated_at).order_by(StaffFaqRow.id)
            ).all()
        fingerprint = hashlib.sha256(repr([tuple(row) for row in rows]).encode()).hexdigest()[:16]
        return len(rows), fingerprint

    def _set(self, row: StaffFaqRow, status: FaqStatus, author: str, reason: str | None) -> None:
        row.status, row.review_reason, row.updated_by, row.updated_at = status, reason, author, self._now()

    @staticmethod
    def _row(session: Session, faq_id: int) -> StaffFaqRow:
        row = session.get(StaffFaqRow, faq_id)
        if row is None:
            raise StaffFaqError(f"no FAQ {faq_id}")
        return row


def _checked(question: str, answer: str) -> tuple[str, str]:
    question, answer = question.strip().replace("\x00", ""), answer.strip().replace("\x00", "")
    if not question or not answer:
        raise StaffFaqError("a FAQ needs a question and an answer")
    if len(question) > MAX_QUESTION_CHARS:
        raise StaffFaqError(f"a FAQ question is at most {MAX_QUESTION_CHARS} characters")
    if len(answer) > MAX_ANSWER_CHARS:
        raise StaffFaqError(f"a FAQ answer is at most {MAX_ANSWER_CHARS} characters")
    return question, answer


def _link(row: StaffFaqRow, source: DocumentRecord | None) -> None:
    row.doc_id = source.doc_id if source else None
    row.source = source.source if source else None
    row.source_title = source.title if source else None
    row.source_hash = source.content_hash if source else None


def _faq(row: StaffFaqRow) -> StaffFaq:
    return StaffFaq(
        id=row.id, question=row.question, answer=row.answer, language=row.language,
        status=row.status, doc_id=row.doc_id, source=row.source,  # type: ignore[arg-type]
        source_title=row.source_title, source_hash=row.source_hash, review_reason=row.review_reason,
        escalation_id=row.escalation_id, created_by=row.created_by, updated_by=row.updated_by,
        created_at=as_utc(row.created_at), updated_at=as_utc(row.updated_at),
    )  # fmt: skip
