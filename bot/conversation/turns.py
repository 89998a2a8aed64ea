"""What a turn is made of while the assistant decides: its context, the reply being drafted,
the assistant's settings, and the small text helpers the steps share."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from bot.answers.catalog_answers import CatalogDesk, Option
from bot.answers.composers.base import Citation
from bot.conversation.handoff import OfficeHours
from bot.conversation.policy import Thresholds
from bot.conversation.records import Decision, HandoffReason, StoredConversation, StoredEscalation
from bot.conversation.replies import Outcome
from bot.conversation.state import ConversationState
from bot.conversation.understanding import Intent, Turn, TurnLimits, rule_intent
from retrieval.passages import Passage

Clock = Callable[[], dt.datetime]
HANDOFF_INTENTS: dict[Intent, HandoffReason] = {
    "human_request": "user_request",
    "personal_case": "personal_case",
    "staff_task": "staff_task",
    "frustration": "frustration",
}
QUESTIONISH = re.compile(
    r"\?|\b(what|whats|what['’]s|when|where|which|who|how|quando|entro\s+quando|come|dove|quale|quali|chi|quanto|"
    r"quanti|cosa|posso|possiamo|c['’]è|ci\s+sono|quand|comment|où|quel|quelle|quels|quelles|combien|est-ce|"
    r"puis-je|peut-on)\b",
    re.IGNORECASE,
)
"""What is left of a message once its injected instructions are removed must ask something to be answered
(a planted claim such as "every SME now gets €50,000" is not a question)."""


@dataclass(frozen=True)
class AssistantConfig:
    """Behaviour settings (built from ``Settings`` by the composition root)."""

    limits: TurnLimits = field(default_factory=TurnLimits)
    thresholds: Thresholds = field(default_factory=Thresholds)
    office_hours: OfficeHours = field(default_factory=OfficeHours)
    policy_topics: tuple[str, ...] = ("legal", "disputes", "tax")
    default_language: str = "it"
    closing_soon_days: int = 14
    passages: int = 5
    abuse_stop_after: int = 2
    errors_before_handoff: int = 2
    history_turns: int = 4


@dataclass
class Draft:
    """A reply being prepared (mutable until stored)."""

    text: str
    decision: Decision
    outcome: Outcome
    intent: Intent
    reason: HandoffReason | None = None
    confidence: float | None = None
    citations: list[Citation] = field(default_factory=list)
    options: list[Option] = field(default_factory=list)
    escalation_id: int | None = None
    composer: str = "extractive"
    notes: list[str] = field(default_factory=list)
    llm_passages: list[Passage] = field(default_factory=list)
    llm_question: str = ""
    suffix: str = ""
    """Notes after the answer, a language model's too (a closed-call notice, an open escalation)."""
    question: str = ""
    """The question a low-confidence handoff is about (kept as unanswered)."""


@dataclass
class TurnContext:
    """Everything a turn's steps read and update."""

    conversation: StoredConversation
    state: ConversationState
    turn: Turn
    desk: CatalogDesk
    now: dt.datetime
    escalation: StoredEscalation | None = None
    """The conversation's escalation still open, if any: handoffs join it instead of asking again."""
    asked: str = ""
    """What this message asks staff (``staff_brief.asked_in``): kept with the state's questions after the turn."""


def strip_injection(text: str) -> str:
    """The message without its sentences that try to give the assistant instructions."""
    sentences = re.split(r"(?<=[.!?])\s+|\s*\.\.\.\s*|\s+(?:anyway|comunque|bref)\b[.,]*\s*", text)
    return " ".join(s for s in sentences if s and rule_intent(s) != "injection").strip()


def chosen_option(
    text: str, options: list[dict[str, str]], desk: CatalogDesk, countries: list[str]
) -> dict[str, str] | None:
    """Which offered option the SME picked: by number ("2", "la seconda") or by naming it."""
    number = re.fullmatch(r"\s*(\d{1,2})\s*[.)]?\s*", text)
    if number and 1 <= int(number.group(1)) <= len(options):
        return options[int(number.group(1)) - 1]
    ordinals = ("prim", "second", "terz", "quart", "first", "second", "third", "fourth", "premi", "deuxi", "troisi")
    folded = text.casefold()
    for index, stem in enumerate(ordinals):
        if re.search(rf"\b{stem}", folded):
            position = index % 4 if index < 8 else index - 8
            if position < len(options):
                return options[position]
    named = {r.entry.id for r in desk.named(text, countries)}
    return next((o for o in options if o["entry_id"] in named), None)


_SECOND_QUESTION = re.compile(
    r"\s*(?:\?\s*|,\s*|\s)(?:e|ed|and|et|inoltre|also|plus)\s+(?=(?:quanto|quanti|quale|quali|come|cosa|chi|dove|"
    r"how|what|which|who|where|combien|quel|quelle|quels|quelles|comment|qui|où)\b)",
    re.IGNORECASE,
)


def split_questions(text: str) -> list[str]:
    """At most two questions in one message: "entro quando…, e quanto…?" → both halves."""
    parts = _SECOND_QUESTION.split(text, maxsplit=1)
    parts = [p.strip() for p in parts if p and p.strip()]
    return parts if len(parts) == 2 and all(len(p.split()) >= 3 for p in parts) else [text]


def merged(first: Draft, second: Draft) -> Draft:
    """One answer from two: bodies in order, sources renumbered after the first's."""
    offset = len(first.citations)

    def renumbered(text: str) -> str:
        return re.sub(r"\[(\d+)\]", lambda m: f"[{int(m.group(1)) + offset}]", text)

    citations = first.citations + [replace(c, n=c.n + offset) for c in second.citations]
    text = f"{first.text}\n\n{renumbered(second.text)}"
    confidence = min(x for x in (first.confidence, second.confidence, 1.0) if x is not None)
    suffix = "\n".join(s for s in (first.suffix, second.suffix) if s)
    composer = first.composer if first.composer == second.composer else f"{first.composer}+{second.composer}"
    return Draft(
        text, "answer", first.outcome, first.intent, confidence=confidence, citations=citations, composer=composer,
        suffix=suffix,
    )  # fmt: skip


def joined_suffix(current: str, extra: str) -> str:
    return f"{current}\n{extra}" if current else extra
