"""What the assistant returns to a channel: a reply, or a stream of events ending with one."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from bot.answers.catalog_answers import Option
from bot.answers.composers.base import Citation
from bot.answers.composers.sources import answer_body
from bot.conversation.inbox import StoredReply
from bot.conversation.records import Decision, HandoffReason
from bot.conversation.understanding import Intent

_SENTENCE = re.compile(r".+?(?:[.!?]\s+|\n+|$)", re.DOTALL)
"""Sentence-sized pieces that join back to the exact text (the extractive answer's tokens)."""

Outcome = Literal[
    "answered",  # from the documents (extractive or language model)
    "faq",  # a curated answer, as written
    "catalog",  # computed from the catalog's records (status, lists, estimates)
    "not_found",  # the catalog has nothing for it; what exists is offered instead
    "clarify",  # a question back: which mission or call, or a missing figure
    "details_requested",  # handoff: asking what staff will need first
    "escalated",  # handoff: an escalation exists
    "joined",  # the message joined an open escalation
    "refused",  # prompt injection, off-topic
    "smalltalk",  # greeting, thanks
    "deescalate",  # abuse
    "limit",  # empty or too long
    "rephrase",  # not understood
]


@dataclass(frozen=True)
class Reply:
    """The assistant's reply to one message, as stored and as every channel shows it."""

    text: str
    """As stored and as a text-only channel (the CLI) shows it: the body, then the list of sources."""
    language: str
    decision: Decision
    outcome: Outcome
    intent: Intent
    reason: HandoffReason | None = None
    confidence: float | None = None
    citations: list[Citation] = field(default_factory=list)
    options: list[Option] = field(default_factory=list)
    escalation_id: int | None = None
    message_id: int = 0
    user_message_id: int = 0
    latency_ms: float = 0.0
    composer: str = "extractive"
    notes: list[str] = field(default_factory=list)
    """Why the reply is what it is (fallbacks, checks that failed) — for logs and staff, not the SME."""
    body: str = ""
    """The answer without its sources: a channel that lists ``citations`` itself (the widget, Telegram) shows this."""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "text": self.text, "language": self.language, "decision": self.decision, "outcome": self.outcome,
            "intent": self.intent, "reason": self.reason, "confidence": self.confidence,
            "citations": [c.to_dict() for c in self.citations],
            "options": [{"label": o.label, "entry_id": o.entry_id} for o in self.options],
            "escalation_id": self.escalation_id, "message_id": self.message_id,
            "user_message_id": self.user_message_id, "latency_ms": round(self.latency_ms, 2),
            "composer": self.composer, "notes": self.notes,
        }  # fmt: skip

    def payload(self) -> dict[str, Any]:
        """What is stored beside the reply's text to show it again (``from_stored``)."""
        return {
            "outcome": self.outcome, "intent": self.intent, "escalation_id": self.escalation_id,
            "options": [{"label": o.label, "entry_id": o.entry_id} for o in self.options],
            "composer": self.composer, "notes": self.notes,
        }  # fmt: skip

    @classmethod
    def from_stored(cls, stored: StoredReply) -> Reply:
        """The reply as it was given (a resent message gets it back instead of a second turn)."""
        payload = stored.payload
        citations = [Citation.from_dict(c) for c in stored.citations]
        options = [Option(str(o.get("label", "")), str(o.get("entry_id", ""))) for o in payload.get("options") or []]
        return cls(
            text=stored.text, language=stored.language, decision=stored.decision,
            outcome=payload.get("outcome") or "answered", intent=payload.get("intent") or "question",
            reason=stored.reason, confidence=stored.confidence,  # type: ignore[arg-type]
            citations=citations, options=options,
            escalation_id=payload.get("escalation_id"), message_id=stored.message_id,
            user_message_id=stored.inbound_id, latency_ms=stored.latency_ms,
            composer=str(payload.get("composer") or "extractive"), notes=list(payload.get("notes") or []),
            body=answer_body(stored.text, citations, stored.language),
        )  # fmt: skip


@dataclass(frozen=True)
class TokenEvent:
    """Provisional text as it is produced; the final text is ``DoneEvent.reply.text``."""

    text: str
    part: Literal["answer", "sources"] = "answer"
    """``sources``: the closing list of sources, which a channel showing citations itself skips."""
    type: Literal["token"] = "token"


@dataclass(frozen=True)
class CitationEvent:
    """A source of the final answer."""

    citation: Citation
    type: Literal["citation"] = "citation"


@dataclass(frozen=True)
class DecisionEvent:
    """What the assistant decided for this message."""

    decision: Decision
    reason: HandoffReason | None
    confidence: float | None
    type: Literal["decision"] = "decision"


@dataclass(frozen=True)
class DoneEvent:
    """The reply, stored; channels show ``reply.text`` (it replaces streamed tokens if they differ)."""

    reply: Reply
    type: Literal["done"] = "done"


Event = TokenEvent | CitationEvent | DecisionEvent | DoneEvent


def final_events(reply: Reply, *, streamed: bool) -> Iterator[Event]:
    """The events that end a turn: the text as sentence tokens (unless a model streamed them
    already), then the citations, the decision and ``done``."""
    if not streamed:
        body = reply.body if reply.body and reply.text.startswith(reply.body) else reply.text
        for piece in _SENTENCE.findall(body):
            yield TokenEvent(piece)
        for piece in _SENTENCE.findall(reply.text[len(body) :]):
            yield TokenEvent(piece, part="sources")
    for citation in reply.citations:
        yield CitationEvent(citation)
    yield DecisionEvent(reply.decision, reply.reason, reply.confidence)
    yield DoneEvent(reply)


def reply_of(events: Iterator[Event]) -> Reply:
    """The reply a turn's events end with (the events consumed)."""
    done: Reply | None = None
    for event in events:
        if isinstance(event, DoneEvent):
            done = event.reply
    assert done is not None  # every turn ends with ``done``
    return done
