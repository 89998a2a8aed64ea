"""The rows the desk's figures are counted from: a period's conversations, messages (without
their text) and escalations, and what ties a conversation to a call, a mission or a country.

Shared by the analytics report (``analytics``) and the KPI breakdown per SME, call, mission
and country (``kpi``), so both count a conversation, a reply time or a topic the same way.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from bot.conversation.tables import ConversationRow, EscalationRow, MessageRow
from bot.desk.analytics_report import StaffReplies
from knowledge.catalog import Call, CatalogEntry, Mission
from knowledge.database import as_utc
from knowledge.store import CatalogRecord

HEAD_CHARS = 64
"""How much of each message's text is read (enough to tell a curated answer by its opening)."""


@dataclass(frozen=True)
class Message:
    id: int
    conversation_id: int
    role: str
    language: str | None
    decision: str | None
    confidence: float | None
    citations: list[dict[str, Any]]
    created_at: dt.datetime
    head: str


@dataclass(frozen=True)
class Escalation:
    conversation_id: int
    reason: str
    status: str
    details_json: str
    created_at: dt.datetime

    @property
    def details(self) -> dict[str, str]:
        """The details the SME gave (company, e-mail, topic…); empty when unreadable or erased."""
        try:
            loaded = json.loads(self.details_json or "{}")
        except ValueError:
            return {}
        return {str(k): str(v) for k, v in loaded.items()} if isinstance(loaded, dict) else {}


def utc_period(since: dt.datetime | None, until: dt.datetime) -> tuple[dt.datetime | None, dt.datetime]:
    """``[since, until)`` in UTC (a time in another zone is converted); ``since`` must come first."""
    start = as_utc(since).astimezone(dt.UTC) if since else None
    end = as_utc(until).astimezone(dt.UTC)
    if start is not None and start >= end:
        raise ValueError("since must be before until")
    return start, end


def period_filter(since: dt.datetime | None, until: dt.datetime) -> list[ColumnElement[bool]]:
    """Conversations started in ``[since, until)`` (``since=None``: from the first)."""
    period = [ConversationRow.started_at < until]
    if since is not None:
        period.append(ConversationRow.started_at >= since)
    return period


def load_messages(session: Session, period: list[ColumnElement[bool]]) -> list[Message]:
    """The period's messages in order, without their text (only its first characters)."""
    rows = session.execute(
        select(
            MessageRow.id, MessageRow.conversation_id, MessageRow.role, MessageRow.language, MessageRow.decision,
            MessageRow.confidence, MessageRow.citations_json, MessageRow.created_at,
            func.substr(MessageRow.text, 1, HEAD_CHARS),
        )
        .join(ConversationRow, ConversationRow.id == MessageRow.conversation_id)
        .where(*period)
        .order_by(MessageRow.id)
    )  # fmt: skip
    return [
        Message(id_, conversation, role, language, decision, confidence, _citations(citations), as_utc(at), head or "")
        for id_, conversation, role, language, decision, confidence, citations, at, head in rows
    ]


def load_escalations(session: Session, period: list[ColumnElement[bool]]) -> list[Escalation]:
    """The period's escalations, oldest first."""
    rows = session.execute(
        select(EscalationRow.conversation_id, EscalationRow.reason, EscalationRow.status,
               EscalationRow.details_json, EscalationRow.created_at)
        .join(ConversationRow, ConversationRow.id == EscalationRow.conversation_id)
        .where(*period).order_by(EscalationRow.created_at, EscalationRow.id)
    )  # fmt: skip
    return [
        Escalation(conversation, reason, status, details, as_utc(at))
        for conversation, reason, status, details, at in rows
    ]


def _citations(stored: str | None) -> list[dict[str, Any]]:
    try:
        loaded = json.loads(stored or "[]")
    except ValueError:
        return []
    return [c for c in loaded if isinstance(c, dict)] if isinstance(loaded, list) else []


def staff_replies(escalations: Sequence[Escalation], messages: Sequence[Message]) -> StaffReplies:
    """Seconds from each escalation to the first staff message of its conversation after it.

    Only one escalation per conversation is unresolved at a time and staff can only reply to an
    unresolved one, so a reply after the conversation's next escalation belongs to that one.
    """
    staff: dict[int, list[dt.datetime]] = defaultdict(list)
    for message in messages:
        if message.role == "staff":
            staff[message.conversation_id].append(message.created_at)
    by_conversation: dict[int, list[Escalation]] = defaultdict(list)
    for escalation in escalations:
        by_conversation[escalation.conversation_id].append(escalation)
    seconds: list[float] = []
    awaiting = unreplied_resolved = 0
    for conversation_id, items in by_conversation.items():
        for index, escalation in enumerate(items):
            opened = escalation.created_at
            ends = items[index + 1].created_at if index + 1 < len(items) else None
            reply = next((at for at in staff[conversation_id] if at >= opened and (ends is None or at < ends)), None)
            if reply is not None:
                seconds.append((reply - opened).total_seconds())
            elif escalation.status == "resolved":
                unreplied_resolved += 1
            else:
                awaiting += 1
    ordered = sorted(seconds)
    return StaffReplies(
        escalations=len(escalations),
        replied=len(ordered),
        awaiting=awaiting,
        resolved_without_reply=unreplied_resolved,
        median_seconds=statistics.median(ordered) if ordered else None,
        p90_seconds=ordered[math.ceil(0.9 * len(ordered)) - 1] if ordered else None,  # nearest rank
    )


def offers(records: Sequence[CatalogRecord]) -> list[CatalogRecord]:
    """The catalog's calls and missions (reimbursement rules and the rest are not topics counted)."""
    return [r for r in records if isinstance(r.entry, Call | Mission)]


def conversations_per_entry(
    records: Sequence[CatalogRecord], messages: Sequence[Message], escalations: Sequence[Escalation]
) -> dict[str, set[int]]:
    """Entry id → the conversations about it: an answer cited it, or an escalation's topic names it."""
    listed = offers(records)
    by_source = {r.source: r for r in listed}
    # A catalog file renamed after the answer was stored keeps its entries' ids.
    by_id = {r.entry.id: r for r in listed}
    by_name = {name.casefold(): r for r in listed for name in (r.entry.id, r.entry.title)}
    touched: dict[str, set[int]] = defaultdict(set)
    for message in messages:
        if message.role != "assistant":
            continue
        for citation in message.citations:
            source = str(citation.get("source") or "")
            record = by_source.get(source) or by_id.get(source.rpartition("#")[2] if "#" in source else "")
            if record is not None:
                touched[record.entry.id].add(message.conversation_id)
    for escalation in escalations:
        for name in escalation.details.get("topic", "").split(";"):
            record = by_name.get(name.strip().casefold())
            if record is not None:
                touched[record.entry.id].add(escalation.conversation_id)
    return touched


def entry_countries(entry: CatalogEntry) -> tuple[str, ...]:
    """A mission's country, a call's countries (none for anything else)."""
    if isinstance(entry, Mission):
        return (entry.country,)
    return tuple(entry.countries) if isinstance(entry, Call) else ()
