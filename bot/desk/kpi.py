"""KPIs per SME, per call or mission and per country: the rows an EU project report asks for.

Every figure is about the conversations started in the period (as in ``analytics``), split
by who asked (the SME) and what about (a call, a mission, its countries), plus one row for
the whole period. What each column means: docs/analytics.md ("KPI export").

**Who an SME is.** One company may write on the widget and on Telegram: contacts that gave the
same company name (case and spacing aside) are one SME; a contact that gave none is its own
row, keyed by its contact id. The company name an SME gives for staff is business data and
is shown; the person's name and e-mail are personal data, included only when asked for
(``personal=True``, admins only in the console) and only for contacts that accepted the
privacy notice. An erased or anonymised conversation has no details left: its figures
still count, in a row with no company.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.conversation.tables import ContactRow, ConversationRow, FeedbackRow, MessageRow
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
from knowledge.countries import country_name
from knowledge.store import CatalogRecord

KPI_COLUMNS = (
    "dimension", "key", "label", "conversations", "questions", "answers", "handoffs", "requests_resolved",
    "resolved_by_assistant", "feedback_up", "feedback_down", "satisfaction", "median_reply_seconds",
    "p90_reply_seconds", "contact_name", "contact_email",
)  # fmt: skip
"""The CSV's header, in order (documented in docs/analytics.md)."""


@dataclass(frozen=True)
class KpiRow:
    """The figures of one SME, call, mission or country (or ``all``) over the period."""

    dimension: str
    """``all``, ``sme``, ``call``, ``mission`` or ``country``."""
    key: str
    label: str
    conversations: int
    questions: int
    """Messages the SME wrote."""
    answers: int
    """The assistant's answers (not questions back, not handoffs)."""
    handoffs: int
    """Requests to staff (escalations)."""
    requests_resolved: int
    """Of those, closed by staff."""
    resolved_by_assistant: int
    """Conversations with a question and never handed to staff."""
    feedback_up: int
    feedback_down: int
    median_reply_seconds: float | None
    """Time from a request to staff's first reply (wall clock)."""
    p90_reply_seconds: float | None
    contact_name: str = ""
    contact_email: str = ""

    @property
    def satisfaction(self) -> float | None:
        """Share of ratings that were 👍 (None without ratings)."""
        rated = self.feedback_up + self.feedback_down
        return self.feedback_up / rated if rated else None


@dataclass(frozen=True)
class _Contact:
    id: int
    name: str | None
    consented: bool


class KpiBreakdown:
    """Computes the KPI rows from the conversation tables and the catalog."""

    def __init__(self, sessions: sessionmaker[Session], catalog: Callable[[], list[CatalogRecord]]) -> None:
        self._sessions = sessions
        self._catalog = catalog

    def rows(
        self, since: dt.datetime | None, until: dt.datetime, *, personal: bool = False, language: str = "it"
    ) -> list[KpiRow]:
        """``all`` first, then SMEs (most conversations first), calls and missions, countries.

        ``language`` is the language of the labels (country names); ``personal`` adds the contact
        person's name and e-mail where the contact accepted the privacy notice.
        """
        since, until = utc_period(since, until)
        period = period_filter(since, until)
        with self._sessions() as session:
            started = session.execute(
                select(ConversationRow.id, ConversationRow.contact_id, ConversationRow.state_json,
                       ContactRow.name, ContactRow.consent_at)
                .join(ContactRow, ContactRow.id == ConversationRow.contact_id)
                .where(*period)
            ).all()  # fmt: skip
            messages = load_messages(session, period)
            escalations = load_escalations(session, period)
            ratings = session.execute(
                select(MessageRow.conversation_id, FeedbackRow.rating)
                .join(MessageRow, MessageRow.id == FeedbackRow.message_id)
                .join(ConversationRow, ConversationRow.id == MessageRow.conversation_id)
                .where(*period)
            ).all()
        figures = _Figures(messages, escalations, [(int(c), int(r)) for c, r in ratings])
        contacts = {row.id: _Contact(row.contact_id, row.name, row.consent_at is not None) for row in started}
        stated = {row.id: _details(row.state_json, "details") for row in started}
        rows = [figures.row("all", "all", "", {row.id for row in started})]
        rows += _sme_rows(figures, contacts, stated, escalations, personal=personal)
        rows += _topic_rows(figures, self._catalog(), messages, escalations, language)
        return rows


class _Figures:
    """The period's rows indexed by conversation, and the figures of any set of conversations."""

    def __init__(self, messages: Sequence[Message], escalations: Sequence[Escalation], ratings: list[tuple[int, int]]):
        self.messages: dict[int, list[Message]] = defaultdict(list)
        for message in messages:
            self.messages[message.conversation_id].append(message)
        self.escalations: dict[int, list[Escalation]] = defaultdict(list)
        for escalation in escalations:
            self.escalations[escalation.conversation_id].append(escalation)
        self.ratings: dict[int, Counter[int]] = defaultdict(Counter)
        for conversation_id, rating in ratings:
            self.ratings[conversation_id][rating] += 1

    def row(self, dimension: str, key: str, label: str, conversations: Iterable[int], **personal: str) -> KpiRow:
        ids = sorted(set(conversations))
        messages = [m for c in ids for m in self.messages.get(c, ())]
        escalations = [e for c in ids for e in self.escalations.get(c, ())]
        engaged = {m.conversation_id for m in messages if m.role == "user"}
        handed_off = {e.conversation_id for e in escalations} | {
            m.conversation_id for m in messages if m.role == "assistant" and m.decision == "handoff"
        }
        replies = staff_replies(escalations, messages)
        return KpiRow(
            dimension=dimension,
            key=key,
            label=label,
            conversations=len(ids),
            questions=sum(1 for m in messages if m.role == "user"),
            answers=sum(1 for m in messages if m.role == "assistant" and m.decision == "answer"),
            handoffs=len(escalations),
            requests_resolved=sum(1 for e in escalations if e.status == "resolved"),
            resolved_by_assistant=len(engaged - handed_off),
            feedback_up=sum(self.ratings[c][1] for c in ids if c in self.ratings),
            feedback_down=sum(self.ratings[c][-1] for c in ids if c in self.ratings),
            median_reply_seconds=replies.median_seconds,
            p90_reply_seconds=replies.p90_seconds,
            **personal,
        )


def _sme_rows(
    figures: _Figures,
    contacts: dict[int, _Contact],
    stated: dict[int, dict[str, str]],
    escalations: Sequence[Escalation],
    *,
    personal: bool,
) -> list[KpiRow]:
    """One row per SME: contacts that gave the same company are one SME."""
    given: dict[int, dict[str, str]] = defaultdict(dict)  # contact id → the latest details it gave
    for conversation_id, contact in contacts.items():
        given[contact.id] |= {k: v for k, v in stated.get(conversation_id, {}).items() if v}
    for escalation in escalations:  # oldest first: later details win
        owner = contacts.get(escalation.conversation_id)
        if owner is not None:
            given[owner.id] |= {k: v for k, v in escalation.details.items() if v}
    groups: dict[str, list[int]] = defaultdict(list)  # SME key → conversations
    labels: dict[str, str] = {}
    people: dict[str, dict[str, str]] = defaultdict(dict)
    for conversation_id, contact in sorted(contacts.items()):
        details = given.get(contact.id, {})
        company = " ".join(details.get("company", "").split())
        key = f"company:{company.casefold()}" if company else f"contact:{contact.id}"
        groups[key].append(conversation_id)
        labels[key] = company
        if personal and contact.consented:
            name = details.get("name") or contact.name or ""
            people[key] |= {k: v for k, v in (("contact_name", name), ("contact_email", details.get("email", ""))) if v}
    rows = [figures.row("sme", key, labels[key], ids, **people.get(key, {})) for key, ids in groups.items()]
    return sorted(rows, key=lambda r: (-r.conversations, r.label.casefold(), r.key))


def _topic_rows(
    figures: _Figures,
    records: list[CatalogRecord],
    messages: Sequence[Message],
    escalations: Sequence[Escalation],
    language: str,
) -> list[KpiRow]:
    """One row per call and mission of the catalog (zeros included), then per country talked about."""
    touched = conversations_per_entry(records, messages, escalations)
    per_country: dict[str, set[int]] = defaultdict(set)
    entries = []
    for record in offers(records):
        entry = record.entry
        conversations = touched.get(entry.id, set())
        for country in entry_countries(entry):
            per_country[country] |= conversations
        entries.append(figures.row(entry.kind, entry.id, entry.title, conversations))
    entries.sort(key=lambda r: (r.dimension, -r.conversations, r.label))
    countries = [
        figures.row("country", code, country_name(code, language), ids) for code, ids in per_country.items() if ids
    ]
    countries.sort(key=lambda r: (-r.conversations, r.key))
    return entries + countries


def _details(state_json: str | None, field: str) -> dict[str, str]:
    """``field`` of a conversation's stored state, as text (empty when unreadable)."""
    try:
        loaded = json.loads(state_json or "{}").get(field, {})
    except (ValueError, AttributeError):
        return {}
    return {str(k): str(v) for k, v in loaded.items()} if isinstance(loaded, dict) else {}


def report_period(
    now: dt.datetime, timezone: str, days: int = 30, since: dt.date | None = None, until: dt.date | None = None
) -> tuple[dt.datetime | None, dt.datetime, str]:
    """A period as ``[start, end)`` instants, and a label for a file name.

    Either the last ``days`` days up to ``now`` included (0: since the start), or a reporting
    period given as dates, both included, in the desk's ``timezone`` (an EU project's
    semester: ``2027-01-01`` to ``2027-06-30``).
    """
    if since is None and until is None:
        if days < 0:
            raise ValueError("days must be 0 or more")
        end = now + dt.timedelta(seconds=1)  # include this moment
        start = end - dt.timedelta(days=days) if days else None
        return start, end, f"{end:%Y%m%d}-{days or 'all'}d"
    if since is None or until is None or since > until:
        raise ValueError("give both since and until (YYYY-MM-DD), since on or before until")
    zone = ZoneInfo(timezone)
    start = dt.datetime.combine(since, dt.time(), tzinfo=zone)
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    return start, end, f"{since:%Y%m%d}-{until:%Y%m%d}"
