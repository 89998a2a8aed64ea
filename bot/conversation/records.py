"""What the conversation store gives back, and the vocabularies its rows use.

Apart from the store so that channels can name these types without importing the store
(an import-linter contract keeps them out of it: they go through the front door and the desk).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

Role = Literal["user", "assistant", "staff", "system"]
Decision = Literal["answer", "clarify", "handoff"]
HandoffReason = Literal[
    "user_request", "low_confidence", "personal_case", "staff_task", "frustration", "policy_topic", "error",
    "expense_claim",
]  # fmt: skip
EscalationStatus = Literal["open", "assigned", "answered", "resolved"]
HANDOFF_REASONS: tuple[HandoffReason, ...] = (
    "user_request", "low_confidence", "personal_case", "staff_task", "frustration", "policy_topic", "error",
    "expense_claim",
)  # fmt: skip


@dataclass(frozen=True)
class StoredMessage:
    """A message as read back."""

    id: int
    conversation_id: int
    role: Role
    text: str
    language: str | None
    citations: list[dict[str, Any]]
    decision: Decision | None
    reason: str | None
    confidence: float | None
    latency_ms: float | None
    created_at: dt.datetime
    author: str | None = None
    client_key: str | None = None
    status: str | None = None
    """An inbound message's: ``pending`` (not answered yet) or ``answered``."""


@dataclass(frozen=True)
class StoredContact:
    """A contact as read back."""

    id: int
    channel: str
    external_id: str
    name: str | None
    language: str | None
    consent_at: dt.datetime | None


@dataclass(frozen=True)
class StoredConversation:
    """A conversation as read back, with who it is with."""

    id: int
    contact_id: int
    channel: str
    external_id: str
    contact_name: str | None
    language: str | None
    state: dict[str, Any]
    started_at: dt.datetime
    last_message_at: dt.datetime


@dataclass(frozen=True)
class StoredEscalation:
    """An escalation as read back."""

    id: int
    conversation_id: int
    reason: HandoffReason
    status: EscalationStatus
    summary: str
    details: dict[str, str]
    assignee: str | None
    created_at: dt.datetime
    since_message_id: int | None = None
    assigned_at: dt.datetime | None = None
    answered_at: dt.datetime | None = None
    resolved_at: dt.datetime | None = None
    outcome: str | None = None


@dataclass(frozen=True)
class QueuedEscalation:
    """An escalation with whom it is with, as the staff queue lists it."""

    escalation: StoredEscalation
    contact_id: int
    channel: str
    contact_name: str | None
    language: str | None
    last_message_at: dt.datetime
