"""The desk's figures as the analytics page, the CSV export and the tests read them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

AnswerKind = Literal["catalog", "faq", "documents", "no_source", "clarify", "handoff"]
ANSWER_KINDS: tuple[AnswerKind, ...] = ("catalog", "faq", "documents", "no_source", "clarify", "handoff")


@dataclass(frozen=True)
class StaffReplies:
    """How fast staff answer escalations (wall-clock seconds, office hours not taken out)."""

    escalations: int
    replied: int
    awaiting: int
    """Neither a staff reply nor resolved yet."""
    resolved_without_reply: int
    median_seconds: float | None
    p90_seconds: float | None


@dataclass(frozen=True)
class QuestionGroup:
    """Similar questions the assistant did not answer, or answered with low confidence."""

    representative: str
    count: int
    examples: tuple[str, ...]
    """Up to three other wordings, latest first."""
    languages: tuple[str, ...]
    unanswered: int
    low_confidence: int
    last_asked: dt.datetime


@dataclass(frozen=True)
class EntryCount:
    """Conversations about one call or mission of the catalog."""

    entry_id: str
    kind: str
    title: str
    countries: tuple[str, ...]
    conversations: int


@dataclass(frozen=True)
class AnalyticsReport:
    """The figures for the conversations started in ``[since, until)`` (``since=None``: from the start)."""

    since: dt.datetime | None
    until: dt.datetime
    conversations: int
    by_channel: Mapping[str, int]
    by_language: Mapping[str, int]
    contacts: int
    user_messages: int
    engaged: int
    """Conversations with at least one user message."""
    resolved: int
    """Engaged conversations that never reached a handoff (no escalation, no handoff reply)."""
    handoffs_by_reason: Mapping[str, int]
    staff_replies: StaffReplies
    feedback_up: int
    feedback_down: int
    answers_by_kind: Mapping[str, int]
    questions_total: int
    """Unanswered and low-confidence questions in the period (the latest ``max_questions`` are grouped)."""
    question_groups: tuple[QuestionGroup, ...]
    entries: tuple[EntryCount, ...]
    countries: Mapping[str, int]

    @property
    def resolution_rate(self) -> float | None:
        """Share of engaged conversations resolved without a handoff (``None`` without any)."""
        return self.resolved / self.engaged if self.engaged else None

    @property
    def questions_grouped(self) -> int:
        """How many questions the groups hold."""
        return sum(group.count for group in self.question_groups)
