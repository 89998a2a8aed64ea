"""What the assistant remembers between turns of a conversation (stored as JSON with it)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal


@dataclass
class Topic:
    """The last question answered, for follow-ups ("e per il Canada?", "how much is it?")."""

    query: str = ""
    subject: str = ""
    """What the question was about, e.g. a mission's title, appended to subject-less follow-ups."""
    countries: list[str] = field(default_factory=list)
    entries: list[str] = field(default_factory=list)


@dataclass
class Pending:
    """A question the assistant asked and is waiting for an answer to."""

    kind: Literal["clarify", "handoff_details"]
    query: str
    options: list[dict[str, str]] = field(default_factory=list)
    reason: str | None = None


@dataclass
class ConversationState:
    """Topic, pending question, details and questions for staff, and counters."""

    topic: Topic = field(default_factory=Topic)
    pending: Pending | None = None
    details: dict[str, str] = field(default_factory=dict)
    """The SME's name, company, e-mail and phone, from any of her messages."""
    abuse: int = 0
    errors: int = 0
    questions: list[str] = field(default_factory=list)
    """Her last two questions since the last escalation: what staff read when she then asks for a person."""

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ConversationState:
        """Rebuild from stored JSON; unknown or broken parts are dropped, not fatal."""
        try:
            pending = data.get("pending")
            return cls(
                topic=Topic(**data.get("topic", {})),
                pending=Pending(**pending) if pending else None,
                details=dict(data.get("details", {})),
                abuse=int(data.get("abuse", 0)),
                errors=int(data.get("errors", 0)),
                questions=[str(question) for question in data.get("questions", [])][-2:],
            )
        except (TypeError, ValueError):
            return cls()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return asdict(self)
