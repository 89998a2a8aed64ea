"""Conversation storage: contacts, conversations, messages, escalations, feedback, unanswered questions.

Every method commits before it returns — or, given ``within``, writes in the caller's
transaction (a staff reply, its escalation's status and its outbox row are one state
change). SME messages come in through ``inbox`` (stored with their idempotency key before
anything acknowledges them); the tables are in ``tables``. Channels never use this module:
they go through the front door and the desk.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.conversation.changes import DESK, conversation_topic, note_change
from bot.conversation.events import DeskEvent, EventType, event_id, note_event
from bot.conversation.records import (
    HANDOFF_REASONS,
    Decision,
    EscalationStatus,
    HandoffReason,
    QueuedEscalation,
    Role,
    StoredContact,
    StoredConversation,
    StoredEscalation,
    StoredMessage,
)
from bot.conversation.tables import (
    MAX_TEXT_CHARS,
    ContactRow,
    ConversationRow,
    EscalationRow,
    FeedbackRow,
    MessageRow,
    UnansweredRow,
    storable,
)
from knowledge.database import as_utc, transaction


class ConversationStore:
    """Reads and writes conversations; every write is committed when the call returns."""

    def __init__(self, sessions: sessionmaker[Session], now: Callable[[], dt.datetime]) -> None:
        self._sessions = sessions
        self._now = now

    @property
    def sessions(self) -> sessionmaker[Session]:
        """The database sessions it writes with (for the ledgers beside it: the inbox)."""
        return self._sessions

    @property
    def clock(self) -> Callable[[], dt.datetime]:
        """Its clock."""
        return self._now

    def contact(self, channel: str, external_id: str, name: str | None = None, language: str | None = None) -> int:
        """The contact's id, created on first contact."""
        with self._sessions.begin() as session:
            row = session.scalars(
                select(ContactRow).where(ContactRow.channel == channel, ContactRow.external_id == external_id)
            ).first()
            if row is None:
                row = ContactRow(
                    channel=channel, external_id=external_id, name=storable(name, 200), language=language,
                    created_at=self._now(),
                )  # fmt: skip
                session.add(row)
                session.flush()
            elif language and row.language != language:
                row.language = language
            return row.id

    def find_contact(self, channel: str, external_id: str) -> StoredContact | None:
        """The contact, if it ever wrote (or was erased: then ``None``)."""
        with self._sessions() as session:
            row = session.scalars(
                select(ContactRow).where(ContactRow.channel == channel, ContactRow.external_id == external_id)
            ).first()
            if row is None:
                return None
            consent = as_utc(row.consent_at) if row.consent_at else None
            return StoredContact(row.id, row.channel, row.external_id, row.name, row.language, consent)

    def contact_by_id(self, contact_id: int) -> StoredContact | None:
        """A contact by id (``None`` once erased)."""
        with self._sessions() as session:
            row = session.get(ContactRow, contact_id)
            if row is None:
                return None
            consent = as_utc(row.consent_at) if row.consent_at else None
            return StoredContact(row.id, row.channel, row.external_id, row.name, row.language, consent)

    def set_contact_language(self, contact_id: int, language: str) -> None:
        """The language the contact chose for the interface."""
        with self._sessions.begin() as session:
            row = session.get(ContactRow, contact_id)
            if row is not None:
                row.language = language

    def record_consent(self, contact_id: int) -> None:
        """The contact accepted the privacy notice now."""
        with self._sessions.begin() as session:
            row = session.get(ContactRow, contact_id)
            if row is not None:
                row.consent_at = self._now()

    def start_conversation(self, contact_id: int, language: str | None = None) -> int:
        """A new conversation for the contact."""
        now = self._now()
        with self._sessions.begin() as session:
            row = ConversationRow(contact_id=contact_id, language=language, started_at=now, last_message_at=now)
            session.add(row)
            session.flush()
            contact = session.get(ContactRow, contact_id)
            data = {"conversation_id": row.id, "channel": contact.channel if contact else None, "language": language}
            note_event(session, DeskEvent(event_id("conversation.started", row.id), "conversation.started", now,
                                          data, conversation_id=row.id, contact_id=contact_id))  # fmt: skip
            return row.id

    def conversation(self, conversation_id: int) -> StoredConversation:
        """A conversation with its contact and the assistant's state."""
        with self._sessions() as session:
            row = session.get(ConversationRow, conversation_id)
            if row is None:
                raise KeyError(f"no conversation {conversation_id}")
            contact = session.get(ContactRow, row.contact_id)
            assert contact is not None  # foreign key
            return StoredConversation(
                id=row.id, contact_id=row.contact_id, channel=contact.channel, external_id=contact.external_id,
                contact_name=contact.name, language=row.language, state=json.loads(row.state_json or "{}"),
                started_at=as_utc(row.started_at), last_message_at=as_utc(row.last_message_at),
            )  # fmt: skip

    def save_state(self, conversation_id: int, state: dict[str, Any], language: str | None = None) -> None:
        """Replace the assistant's state (and the conversation's language when given)."""
        with self._sessions.begin() as session:
            row = session.get(ConversationRow, conversation_id)
            if row is None:
                raise KeyError(f"no conversation {conversation_id}")
            row.state_json = json.dumps(state, ensure_ascii=False)
            if language:
                row.language = language

    def add_message(
        self,
        conversation_id: int,
        role: Role,
        text: str,
        *,
        language: str | None = None,
        citations: Sequence[dict[str, Any]] = (),
        decision: Decision | None = None,
        reason: str | None = None,
        confidence: float | None = None,
        latency_ms: float | None = None,
        author: str | None = None,
        client_key: str | None = None,
        within: Session | None = None,
    ) -> int:
        """Store a message (committed on return, or with the transaction it is ``within``) and touch
        the conversation."""
        now = self._now()
        with transaction(self._sessions, within) as session:
            row = MessageRow(
                conversation_id=conversation_id, role=role, text=storable(text, MAX_TEXT_CHARS) or "",
                language=language, citations_json=json.dumps(list(citations), ensure_ascii=False),
                decision=decision, reason=reason, confidence=confidence, latency_ms=latency_ms,
                author=storable(author, 200), client_key=client_key, created_at=now,
            )  # fmt: skip
            session.add(row)
            conversation = session.get(ConversationRow, conversation_id)
            if conversation is None:
                raise KeyError(f"no conversation {conversation_id}")
            conversation.last_message_at = now
            session.flush()
            note_change(session, conversation_topic(conversation_id))
            if role == "staff":
                data = {"message_id": row.id, "conversation_id": conversation_id}
                note_event(session, DeskEvent(event_id("staff.replied", row.id), "staff.replied", now, data,
                                              {"text": row.text, "author": row.author}, conversation_id))  # fmt: skip
            return row.id

    def set_message_language(self, message_id: int, language: str) -> None:
        """Record a message's language once detected (the message is stored before it is read)."""
        with self._sessions.begin() as session:
            row = session.get(MessageRow, message_id)
            if row is not None:
                row.language = language

    def latest_conversation(self, channel: str, external_id: str) -> int | None:
        """The contact's most recent conversation, if the contact exists and has one."""
        query = (
            select(ConversationRow.id)
            .join(ContactRow, ContactRow.id == ConversationRow.contact_id)
            .where(ContactRow.channel == channel, ContactRow.external_id == external_id)
            .order_by(ConversationRow.id.desc())
            .limit(1)
        )
        with self._sessions() as session:
            return session.scalars(query).first()

    def message_with_key(self, conversation_id: int, client_key: str) -> int | None:
        """The id of the conversation's message stored with ``client_key``, if any."""
        query = select(MessageRow.id).where(
            MessageRow.conversation_id == conversation_id, MessageRow.client_key == client_key
        )
        with self._sessions() as session:
            return session.scalars(query).first()

    def messages(self, conversation_id: int, last: int | None = None, after: int | None = None) -> list[StoredMessage]:
        """The conversation's messages in order (only the ``last`` ones, or those newer than message ``after``)."""
        query = select(MessageRow).where(MessageRow.conversation_id == conversation_id).order_by(MessageRow.id.desc())
        if after is not None:
            query = query.where(MessageRow.id > after)
        if last is not None:
            query = query.limit(last)
        with self._sessions() as session:
            rows = list(session.scalars(query))
        return [_message(row) for row in reversed(rows)]

    def open_escalation(
        self,
        conversation_id: int,
        reason: HandoffReason,
        summary: str,
        details: dict[str, str] | None = None,
        *,
        within: Session | None = None,
    ) -> int:
        """Hand the conversation to staff; an escalation already open is returned instead of a second one."""
        if reason not in HANDOFF_REASONS:
            raise ValueError(f"unknown handoff reason {reason!r}")
        with transaction(self._sessions, within) as session:
            existing = session.scalars(
                select(EscalationRow).where(
                    EscalationRow.conversation_id == conversation_id, EscalationRow.status != "resolved"
                )
            ).first()
            if existing is not None:
                return existing.id
            last_message = session.scalar(
                select(MessageRow.id).where(MessageRow.conversation_id == conversation_id).order_by(
                    MessageRow.id.desc()).limit(1)
            )  # fmt: skip
            row = EscalationRow(
                conversation_id=conversation_id, reason=reason, status="open", summary=storable(summary, 2000) or "",
                details_json=json.dumps(details or {}, ensure_ascii=False), since_message_id=last_message,
                created_at=self._now(),
            )  # fmt: skip
            session.add(row)
            session.flush()
            note_change(session, conversation_topic(conversation_id), DESK)
            data = {"request_id": row.id, "conversation_id": conversation_id, "reason": reason}
            personal = {"summary": row.summary, "details": details or {}}
            note_event(session, DeskEvent(event_id("handoff.requested", row.id), "handoff.requested", row.created_at,
                                          data, personal, conversation_id))  # fmt: skip
            return row.id

    def complete_escalation_details(
        self, escalation_id: int, details: dict[str, str], *, within: Session | None = None
    ) -> None:
        """Add the details the SME gave after the escalation opened (those it has already are kept)."""
        with transaction(self._sessions, within) as session:
            row = session.get(EscalationRow, escalation_id)
            known = json.loads(row.details_json or "{}") if row is not None else {}
            added = {key: value for key, value in details.items() if value and not known.get(key)}
            if row is not None and added:
                row.details_json = json.dumps(known | added, ensure_ascii=False)
                note_change(session, conversation_topic(row.conversation_id), DESK)

    def active_escalation(self, conversation_id: int) -> StoredEscalation | None:
        """The conversation's escalation that staff have not resolved yet."""
        with self._sessions() as session:
            row = session.scalars(
                select(EscalationRow).where(
                    EscalationRow.conversation_id == conversation_id, EscalationRow.status != "resolved"
                )
            ).first()
            return _escalation(row) if row else None

    def escalation(self, escalation_id: int) -> StoredEscalation | None:
        """One escalation by id."""
        with self._sessions() as session:
            row = session.get(EscalationRow, escalation_id)
            return _escalation(row) if row else None

    def unresolved_escalations(self) -> list[StoredEscalation]:
        """Escalations staff have not resolved, oldest first."""
        query = select(EscalationRow).where(EscalationRow.status != "resolved").order_by(EscalationRow.id)
        with self._sessions() as session:
            return [_escalation(row) for row in session.scalars(query)]

    def escalation_queue(self, statuses: Sequence[EscalationStatus], limit: int = 500) -> list[QueuedEscalation]:
        """Escalations in these statuses with their contact, oldest first (resolved ones: newest first)."""
        order = EscalationRow.id.desc() if "resolved" in statuses else EscalationRow.id
        query = (
            select(EscalationRow, ContactRow, ConversationRow)
            .join(ConversationRow, ConversationRow.id == EscalationRow.conversation_id)
            .join(ContactRow, ContactRow.id == ConversationRow.contact_id)
            .where(EscalationRow.status.in_(list(statuses)))
            .order_by(order)
            .limit(limit)
        )
        with self._sessions() as session:
            return [
                QueuedEscalation(
                    _escalation(escalation),
                    contact.id,
                    contact.channel,
                    contact.name,
                    conversation.language or contact.language,
                    as_utc(conversation.last_message_at),
                )
                for escalation, contact, conversation in session.execute(query).all()
            ]

    def escalations_of(self, conversation_id: int) -> list[StoredEscalation]:
        """Every escalation of a conversation, oldest first."""
        query = select(EscalationRow).where(EscalationRow.conversation_id == conversation_id).order_by(EscalationRow.id)
        with self._sessions() as session:
            return [_escalation(row) for row in session.scalars(query)]

    def set_escalation_status(
        self, escalation_id: int, status: EscalationStatus, assignee: str | None = None, outcome: str | None = None,
        within: Session | None = None,
    ) -> None:  # fmt: skip
        """Move an escalation along: assigned, answered, resolved (each time is recorded, and how it ended)."""
        now = self._now()
        with transaction(self._sessions, within) as session:
            row = session.get(EscalationRow, escalation_id)
            if row is None:
                raise KeyError(f"no escalation {escalation_id}")
            row.status = status
            note_change(session, conversation_topic(row.conversation_id), DESK)
            if status == "assigned":
                row.assignee, row.assigned_at = assignee, now
            elif status == "answered":
                row.answered_at = now
            elif status == "resolved":
                row.resolved_at, row.outcome = now, outcome or "resolved"
            if status in ("assigned", "resolved"):
                kind: EventType = "request.assigned" if status == "assigned" else "request.resolved"
                data: dict[str, Any] = {"request_id": row.id, "conversation_id": row.conversation_id, "status": status}
                if status == "resolved":
                    data["outcome"] = row.outcome
                personal = {"assignee": assignee} if status == "assigned" else {}
                note_event(session, DeskEvent(event_id(kind, row.id, f"{now.timestamp():.6f}"), kind, now, data,
                                              personal, row.conversation_id))  # fmt: skip

    def add_feedback(self, message_id: int, rating: int, comment: str | None = None) -> int:
        """Thumbs up (+1) or down (-1) on a message."""
        if rating not in (1, -1):
            raise ValueError("rating must be +1 or -1")
        with self._sessions.begin() as session:
            row = FeedbackRow(
                message_id=message_id, rating=rating, comment=storable(comment, 2000), created_at=self._now()
            )
            session.add(row)
            session.flush()
            conversation_id = session.scalar(select(MessageRow.conversation_id).where(MessageRow.id == message_id))
            data = {"feedback_id": row.id, "message_id": message_id, "conversation_id": conversation_id,
                    "rating": rating}  # fmt: skip
            personal = {"comment": row.comment} if row.comment else {}
            note_event(session, DeskEvent(event_id("feedback.given", row.id), "feedback.given", row.created_at, data,
                                          personal, conversation_id))  # fmt: skip
            return row.id

    def record_unanswered(
        self, conversation_id: int, question: str, reason: str, language: str | None, confidence: float | None
    ) -> int:
        """Remember a question the assistant did not answer."""
        with self._sessions.begin() as session:
            row = UnansweredRow(
                conversation_id=conversation_id, question=storable(question, MAX_TEXT_CHARS) or "", reason=reason,
                language=language, confidence=confidence, created_at=self._now(),
            )  # fmt: skip
            session.add(row)
            session.flush()
            return row.id


def _message(row: MessageRow) -> StoredMessage:
    return StoredMessage(
        id=row.id, conversation_id=row.conversation_id, role=row.role,  # type: ignore[arg-type]
        text=row.text, language=row.language, citations=json.loads(row.citations_json),
        decision=row.decision, reason=row.reason, confidence=row.confidence,  # type: ignore[arg-type]
        latency_ms=row.latency_ms, created_at=as_utc(row.created_at), author=row.author,
        client_key=row.client_key, status=row.status,
    )  # fmt: skip


def _escalation(row: EscalationRow) -> StoredEscalation:
    return StoredEscalation(
        id=row.id, conversation_id=row.conversation_id, reason=row.reason,  # type: ignore[arg-type]
        status=row.status, summary=row.summary, details=json.loads(row.details_json),  # type: ignore[arg-type]
        assignee=row.assignee, created_at=as_utc(row.created_at), since_message_id=row.since_message_id,
        assigned_at=_maybe_utc(row.assigned_at), answered_at=_maybe_utc(row.answered_at),
        resolved_at=_maybe_utc(row.resolved_at), outcome=row.outcome,
    )  # fmt: skip


def _maybe_utc(value: dt.datetime | None) -> dt.datetime | None:
    return as_utc(value) if value is not None else None
