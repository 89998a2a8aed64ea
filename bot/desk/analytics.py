"""Desk analytics: the figures staff and EU project reports ask for, over the conversations started in a period.

The rows are read through ``bot.conversation.tables``' models with plain, portable queries and counted in
Python, so SQLite and PostgreSQL give the same figures. What each figure means and how it is
computed: docs/analytics.md. The report's shape is in ``analytics_report``, its CSV in
``analytics_csv``.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.conversation.phrases import say
from bot.conversation.records import HANDOFF_REASONS
from bot.conversation.tables import ContactRow, ConversationRow, FeedbackRow, MessageRow, UnansweredRow
from bot.desk.analytics_report import (
    ANSWER_KINDS,
    AnalyticsReport,
    AnswerKind,
    EntryCount,
    QuestionGroup,
)
from bot.desk.analytics_rows import (
    Escalation,
    Message,
    conversations_per_entry,
    entry_countries,
    load_escalations,
    load_messages,
    offers,
    period_filter,
    staff_replies,
    utc_period,
)
from knowledge.database import as_utc
from knowledge.store import CatalogRecord

_FAQ_INTROS = tuple(say("faq_intro", language) for language in ("it", "en", "fr"))
"""A curated answer starts with one of these (``Assistant._answer_one``): the stored message keeps no outcome."""
_SHOWN_CHARS = 300
_VECTORS_KEPT = 5000


@dataclass(frozen=True)
class _Question:
    text: str
    language: str | None
    source: Literal["unanswered", "low_confidence"]
    created_at: dt.datetime


class DeskAnalytics:
    """Computes ``AnalyticsReport`` from the conversation tables and the catalog."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        embed_query: Callable[[str], Sequence[float]],
        catalog: Callable[[], list[CatalogRecord]],
        *,
        similarity: float = 0.92,  # measured with e5: docs/analytics.md
        low_confidence: float = 0.55,
        max_questions: int = 500,
    ) -> None:
        self._sessions = sessions
        self._embed_query = embed_query
        self._catalog = catalog
        self.similarity = similarity
        self.low_confidence = low_confidence
        self.max_questions = max_questions
        # Embedding hundreds of questions takes seconds with the real model; each page view
        # would embed the same ones again.
        self._vectors: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    def report(self, since: dt.datetime | None, until: dt.datetime) -> AnalyticsReport:
        """The figures for conversations started from ``since`` (inclusive) to ``until`` (exclusive)."""
        since, until = utc_period(since, until)
        period = period_filter(since, until)
        with self._sessions() as session:
            conversations = session.execute(
                select(ConversationRow.id, ConversationRow.contact_id, ConversationRow.language, ContactRow.channel)
                .join(ContactRow, ContactRow.id == ConversationRow.contact_id)
                .where(*period)
            ).all()
            messages = load_messages(session, period)
            escalations = load_escalations(session, period)
            ratings = dict(
                session.execute(
                    select(FeedbackRow.rating, func.count())
                    .join(MessageRow, MessageRow.id == FeedbackRow.message_id)
                    .join(ConversationRow, ConversationRow.id == MessageRow.conversation_id)
                    .where(*period)
                    .group_by(FeedbackRow.rating)
                ).all()
            )
            questions, questions_total = self._questions(session, period, messages)

        engaged = {m.conversation_id for m in messages if m.role == "user"}
        handed_off = {e.conversation_id for e in escalations} | {
            m.conversation_id for m in messages if m.role == "assistant" and m.decision == "handoff"
        }
        reasons = Counter(e.reason for e in escalations)
        kinds = Counter(_answer_kind(m) for m in messages if m.role == "assistant")
        entries, countries = _catalog_counts(self._catalog(), messages, escalations)
        return AnalyticsReport(
            since=since,
            until=until,
            conversations=len(conversations),
            by_channel=_by_count(Counter(c.channel for c in conversations)),
            by_language=_by_count(Counter(c.language or "unknown" for c in conversations)),
            contacts=len({c.contact_id for c in conversations}),
            user_messages=sum(1 for m in messages if m.role == "user"),
            engaged=len(engaged),
            resolved=len(engaged - handed_off),
            handoffs_by_reason=dict.fromkeys(HANDOFF_REASONS, 0) | reasons,
            staff_replies=staff_replies(escalations, messages),
            feedback_up=int(ratings.get(1, 0)),
            feedback_down=int(ratings.get(-1, 0)),
            answers_by_kind={kind: kinds[kind] for kind in ANSWER_KINDS},
            questions_total=questions_total,
            question_groups=self._groups(questions),
            entries=entries,
            countries=countries,
        )

    # -- questions ------------------------------------------------------------------------

    def _questions(
        self, session: Session, period: list[ColumnElement[bool]], messages: list[Message]
    ) -> tuple[list[_Question], int]:
        """The latest ``max_questions`` unanswered and low-confidence questions, and how many there are in all."""
        unanswered_total = session.scalar(
            select(func.count())
            .select_from(UnansweredRow)
            .join(ConversationRow, ConversationRow.id == UnansweredRow.conversation_id)
            .where(*period)
        )
        unanswered = [
            _Question(text, language, "unanswered", as_utc(created_at))
            for text, language, created_at in session.execute(
                select(UnansweredRow.question, UnansweredRow.language, UnansweredRow.created_at)
                .join(ConversationRow, ConversationRow.id == UnansweredRow.conversation_id)
                .where(*period)
                .order_by(UnansweredRow.created_at.desc(), UnansweredRow.id.desc())
                .limit(self.max_questions)
            )
        ]
        # A low-confidence answer is paired with the user message just before it (its question).
        asked: dict[int, Message] = {}
        last_user: dict[int, Message] = {}
        for message in messages:
            if message.role == "user":
                last_user[message.conversation_id] = message
            elif (
                _answer_kind(message) == "documents"
                and message.confidence is not None
                and message.confidence < self.low_confidence
                and message.conversation_id in last_user
            ):
                asked[message.id] = last_user[message.conversation_id]
        latest = sorted(asked.values(), key=lambda m: (m.created_at, m.id), reverse=True)[: self.max_questions]
        texts = dict(
            session.execute(
                select(MessageRow.id, MessageRow.text).where(MessageRow.id.in_([m.id for m in latest]))
            ).all()
        )
        low = [_Question(texts[m.id], m.language, "low_confidence", m.created_at) for m in latest if m.id in texts]
        questions = sorted(unanswered + low, key=lambda q: q.created_at, reverse=True)[: self.max_questions]
        return questions, int(unanswered_total or 0) + len(asked)

    def _groups(self, questions: list[_Question]) -> tuple[QuestionGroup, ...]:
        """Greedy grouping, latest first: a question joins the group whose first question is the most
        similar if that similarity reaches ``similarity``, else it starts a group."""
        leaders: list[np.ndarray] = []
        members: list[list[_Question]] = []
        for question in questions:
            vector = self._vector(question.text)
            if leaders:
                scores = np.stack(leaders) @ vector
                best = int(np.argmax(scores))
                if scores[best] >= self.similarity:
                    members[best].append(question)
                    continue
            leaders.append(vector)
            members.append([question])
        groups = [_group(items) for items in members]
        return tuple(sorted(groups, key=lambda g: (-g.count, -g.last_asked.timestamp(), g.representative)))

    def _vector(self, text: str) -> np.ndarray:
        key = " ".join(text.split()).casefold()
        with self._lock:
            cached = self._vectors.get(key)
        if cached is not None:
            return cached
        vector = np.asarray(self._embed_query(text), dtype=np.float32)
        norm = float(np.linalg.norm(vector))
        vector = vector / norm if norm else vector
        with self._lock:
            if len(self._vectors) >= _VECTORS_KEPT:
                del self._vectors[next(iter(self._vectors))]  # the oldest
            self._vectors[key] = vector
        return vector


def _answer_kind(message: Message) -> AnswerKind | None:
    """What an assistant message was, from what is stored: the decision, the sources and how it starts."""
    if message.decision in ("handoff", "clarify"):
        return message.decision  # type: ignore[return-value]
    if message.decision != "answer":
        return None
    if message.head.startswith(_FAQ_INTROS):
        return "faq"
    if not message.citations:
        return "no_source"  # small talk, refusals, de-escalation
    # The catalog's own answers cite the record itself, with no chunk (bot.answers.catalog_answers._citation).
    return "catalog" if not message.citations[0].get("chunk_id") else "documents"


def _group(items: list[_Question]) -> QuestionGroup:
    """A group's figures; its representative is its most frequent wording (the latest on a tie)."""
    shown = [_shown(q.text) for q in items]  # latest first
    counts = Counter(text.casefold() for text in shown)
    representative = max(shown, key=lambda text: counts[text.casefold()])  # max keeps the first of equals
    others = _distinct(text for text in shown if text.casefold() != representative.casefold())
    return QuestionGroup(
        representative=representative,
        count=len(items),
        examples=tuple(others[:3]),
        languages=tuple(sorted({q.language for q in items if q.language})),
        unanswered=sum(1 for q in items if q.source == "unanswered"),
        low_confidence=sum(1 for q in items if q.source == "low_confidence"),
        last_asked=max(q.created_at for q in items),
    )


def _distinct(texts: Iterable[str]) -> list[str]:
    """Texts without case-only repeats, in order."""
    seen: dict[str, str] = {}
    for text in texts:
        seen.setdefault(text.casefold(), text)
    return list(seen.values())


def _shown(text: str) -> str:
    """One line, at most ``_SHOWN_CHARS`` characters."""
    line = " ".join(text.split())
    return line if len(line) <= _SHOWN_CHARS else line[: _SHOWN_CHARS - 1] + "…"


def _catalog_counts(
    records: list[CatalogRecord], messages: list[Message], escalations: Sequence[Escalation]
) -> tuple[tuple[EntryCount, ...], dict[str, int]]:
    """Conversations per call or mission (cited by an answer, or named as an escalation's topic), and per country."""
    touched = conversations_per_entry(records, messages, escalations)
    per_country: dict[str, set[int]] = defaultdict(set)
    counts = []
    for record in offers(records):
        entry = record.entry
        countries = entry_countries(entry)
        conversations = touched.get(entry.id, set())
        for country in countries:
            per_country[country] |= conversations
        counts.append(EntryCount(entry.id, entry.kind, entry.title, countries, len(conversations)))
    counts.sort(key=lambda c: (-c.conversations, c.kind, c.title))
    countries_count = {country: len(ids) for country, ids in per_country.items() if ids}
    return tuple(counts), _by_count(Counter(countries_count))


def _by_count(counter: Counter[str]) -> dict[str, int]:
    """Largest first, then by name."""
    return dict(sorted(counter.items(), key=lambda item: (-item[1], item[0])))
