"""A contact's data as JSON (right of access and portability): the pieces ``PrivacyDesk.export`` puts together."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.claims.tables import ClaimFileRow, ClaimRow
from bot.conversation.tables import ContactRow, ConversationRow, EscalationRow, FeedbackRow, MessageRow, UnansweredRow
from bot.desk.escalation_notes import EscalationNoteRow
from bot.outbound.outbox import OutboxRow
from knowledge.database import as_utc

EXPORT_FORMAT = "sportello.contact-export/1"
OPAQUE_IDS = frozenset({"web"})
"""Channels whose external id is a credential's hash rather than the SME's own address: not exported."""
_PUBLIC_CITATION = ("n", "title", "section", "page", "url", "language")
CLAIM_FILES_NOTE = (
    "Each file is listed with what Sportello read from it and what the staff decided; the files themselves "
    "are not included in this export. Ask the desk for copies."
)


def export_contact(row: ContactRow) -> dict[str, Any]:
    return {
        "id": row.id, "channel": row.channel,
        "external_id": None if row.channel in OPAQUE_IDS else row.external_id,
        "name": row.name, "language": row.language, "consent_at": iso_time(row.consent_at),
        "created_at": iso_time(row.created_at),
    }  # fmt: skip


def export_conversation(session: Session, row: ConversationRow) -> dict[str, Any]:
    messages = list(
        session.scalars(select(MessageRow).where(MessageRow.conversation_id == row.id).order_by(MessageRow.id))
    )
    feedback: dict[int, list[dict[str, Any]]] = {}
    query = select(FeedbackRow).where(FeedbackRow.message_id.in_([m.id for m in messages])).order_by(FeedbackRow.id)
    for item in session.scalars(query):
        feedback.setdefault(item.message_id, []).append(
            {
                "rating": "up" if item.rating > 0 else "down",
                "comment": item.comment,
                "created_at": iso_time(item.created_at),
            }
        )
    escalations = list(
        session.scalars(select(EscalationRow).where(EscalationRow.conversation_id == row.id).order_by(EscalationRow.id))
    )
    notes: dict[int, list[dict[str, Any]]] = {}
    query_notes = (
        select(EscalationNoteRow)
        .where(EscalationNoteRow.escalation_id.in_([e.id for e in escalations]))
        .order_by(EscalationNoteRow.id)
    )
    for note in session.scalars(query_notes):
        notes.setdefault(note.escalation_id, []).append(
            {"author": note.author, "text": note.text, "created_at": iso_time(note.created_at)}
        )
    unanswered = session.scalars(
        select(UnansweredRow).where(UnansweredRow.conversation_id == row.id).order_by(UnansweredRow.id)
    )
    return {
        "id": row.id, "language": row.language, "started_at": iso_time(row.started_at),
        "last_message_at": iso_time(row.last_message_at), "state": json.loads(row.state_json or "{}"),
        "messages": [
            {
                "id": m.id, "role": m.role, "text": m.text, "language": m.language, "author": m.author,
                "citations": [{k: c.get(k) for k in _PUBLIC_CITATION} for c in json.loads(m.citations_json or "[]")],
                "decision": m.decision, "reason": m.reason, "confidence": m.confidence,
                "created_at": iso_time(m.created_at), "feedback": feedback.get(m.id, []),
            }
            for m in messages
        ],
        "escalations": [
            {
                "id": e.id, "reason": e.reason, "status": e.status, "summary": e.summary,
                "details": json.loads(e.details_json or "{}"), "assignee": e.assignee,
                "created_at": iso_time(e.created_at), "assigned_at": iso_time(e.assigned_at),
                "answered_at": iso_time(e.answered_at), "resolved_at": iso_time(e.resolved_at), "outcome": e.outcome,
                "notes": notes.get(e.id, []),
            }
            for e in escalations
        ],
        "unanswered": [
            {"question": u.question, "language": u.language, "reason": u.reason, "confidence": u.confidence,
             "created_at": iso_time(u.created_at)}
            for u in unanswered
        ],
        "claims": export_claims(session, row.id),
    }  # fmt: skip


def export_claims(session: Session, conversation_id: int) -> list[dict[str, Any]]:
    """The conversation's reimbursement claims (first to latest) and their files: metadata and
    readings, not the bytes."""
    claims = session.scalars(
        select(ClaimRow).where(ClaimRow.conversation_id == conversation_id).order_by(ClaimRow.number)
    )
    return [_export_claim(session, claim) for claim in claims]


def _export_claim(session: Session, claim: ClaimRow) -> dict[str, Any]:
    files = session.scalars(select(ClaimFileRow).where(ClaimFileRow.claim_id == claim.id).order_by(ClaimFileRow.id))
    return {
        "number": claim.number, "status": claim.status, "mission_id": claim.mission_id,
        "submitted_at": iso_time(claim.submitted_at),
        "created_at": iso_time(claim.created_at), "updated_at": iso_time(claim.updated_at),
        "resolved_by": claim.resolved_by, "outcome_note": claim.outcome_note, "files_note": CLAIM_FILES_NOTE,
        "files": [
            {
                "name": f.name, "media_type": f.media_type, "size": f.size, "sha256": f.sha256,
                "uploaded_at": iso_time(f.uploaded_at), "read_at": iso_time(f.read_at),
                "reading": json.loads(f.read_json) if f.read_json else None,
                "correction": json.loads(f.correction_json) if f.correction_json else None,
                "decision": f.decision, "decided_by": f.decided_by, "decided_at": iso_time(f.decided_at),
            }
            for f in files
        ],
    }  # fmt: skip


def export_outbox(row: OutboxRow, contact: ContactRow) -> dict[str, Any]:
    """A message queued for the contact, or about it for staff (whose address, a group or an e-mail, is the desk's)."""
    to_contact = (row.channel, row.address) == (contact.channel, contact.external_id)
    return {
        "id": row.id, "kind": row.kind, "to": "contact" if to_contact else "staff",
        "channel": row.channel, "text": row.text, "status": row.status, "created_at": iso_time(row.created_at),
        "sent_at": iso_time(row.sent_at),
    }  # fmt: skip


def iso_time(value: dt.datetime | None) -> str | None:
    return as_utc(value).isoformat() if value is not None else None
