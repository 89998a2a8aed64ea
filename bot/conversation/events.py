"""What happened at the desk, as events other systems can be told about (outgoing webhooks).

A store method that changes something notes the event inside its transaction
(``note_event``); a sink installed on the session factory (``install_event_sink``) receives
the transaction's events just before it commits, in that same transaction, so an event is
recorded exactly when its change is and never for a change rolled back. The webhooks'
sink (``bot.outbound.webhooks``) turns each into one outbox row per endpoint.

An event's id names the change itself (``handoff.requested:42``), so a resend after a
crash carries the same id and a receiver can drop the repeat.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

EventType = Literal[
    "conversation.started",
    "handoff.requested",
    "request.assigned",
    "staff.replied",
    "request.resolved",
    "feedback.given",
    "knowledge.updated",
]
EVENT_TYPES: tuple[EventType, ...] = (
    "conversation.started", "handoff.requested", "request.assigned", "staff.replied", "request.resolved",
    "feedback.given", "knowledge.updated",
)  # fmt: skip
_NOTED = "sportello_events"


@dataclass(frozen=True)
class DeskEvent:
    """One change, as told to other systems."""

    id: str
    type: EventType
    at: dt.datetime
    data: dict[str, Any]
    """What is safe to send anywhere: ids, channels, reasons, statuses, times."""
    personal: dict[str, Any] = field(default_factory=dict)
    """What the SME or staff wrote or gave (texts, company, e-mail): only to endpoints allowed it."""
    conversation_id: int | None = None
    contact_id: int | None = None


EventSink = Callable[[Session, list[DeskEvent]], None]


def note_event(session: Session, desk_event: DeskEvent) -> None:
    """Record ``desk_event`` with ``session``'s transaction (handed to the sink at commit)."""
    session.info.setdefault(_NOTED, []).append(desk_event)


def event_id(event_type: EventType, *parts: object) -> str:
    """``handoff.requested:42``: the event's kind and what identifies the change."""
    return ":".join([event_type, *(str(part) for part in parts)])


def install_event_sink(sessions: sessionmaker[Session], sink: EventSink) -> None:
    """Hand each transaction's events to ``sink`` inside the transaction, just before it commits."""

    def before_commit(session: Session) -> None:
        noted: list[DeskEvent] = session.info.pop(_NOTED, [])
        if noted:
            sink(session, noted)
            session.flush()  # the sink's rows are written by this commit

    event.listen(sessions, "before_commit", before_commit)
    event.listen(sessions, "after_rollback", _forget)


def _forget(session: Session) -> None:
    session.info.pop(_NOTED, None)
