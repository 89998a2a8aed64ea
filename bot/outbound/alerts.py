"""Alerts: an SME subscribes to a country, a sector or a programme and hears of matching calls and missions.

Two moments send an alert, each once per contact and entry:
- ``new``: an ingest added a call or mission that is not closed (entries present at the
  very first scan are the baseline, not news);
- ``deadline``: an open call or mission closes within ``deadline_days``.

``AlertScanner.scan`` decides and queues the messages in the outbox; a channel's sender
delivers them at the channel's pace. Subscriptions hang from the contact, so erasing the
contact erases them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import DateTime, ForeignKey, Integer, String, UniqueConstraint, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from bot.answers.catalog_answers import CatalogDesk
from bot.answers.catalog_status import entry_countries
from bot.conversation.phrases import say
from bot.conversation.tables import ContactRow
from bot.outbound.outbox import Outbox
from knowledge.catalog import Call, Mission
from knowledge.countries import country_name
from knowledge.database import Base, as_utc
from knowledge.store import CatalogRecord

TopicKind = Literal["country", "sector", "programme"]
TOPIC_KINDS: tuple[TopicKind, ...] = ("country", "sector", "programme")
AlertReason = Literal["new", "deadline"]
PUSH_CHANNELS = ("telegram",)
"""Channels that can reach a contact outside a conversation (the widget cannot)."""


class SubscriptionRow(Base):
    """A contact's interest in a country, sector or programme."""

    __tablename__ = "bot_subscriptions"
    __table_args__ = (UniqueConstraint("contact_id", "kind", "value"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("bot_contacts.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    value: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class AlertLogRow(Base):
    """An alert already queued for a contact (never twice for the same entry and reason)."""

    __tablename__ = "bot_alert_log"
    __table_args__ = (UniqueConstraint("contact_id", "entry_id", "reason"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("bot_contacts.id", ondelete="CASCADE"), index=True)
    entry_id: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class CatalogSeenRow(Base):
    """When the alerts first saw a catalog entry (what makes an entry "new")."""

    __tablename__ = "bot_catalog_seen"

    entry_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    first_seen_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


@dataclass(frozen=True)
class Subscription:
    """A subscription as read back."""

    id: int
    contact_id: int
    kind: TopicKind
    value: str
    created_at: dt.datetime


@dataclass(frozen=True)
class TopicChoice:
    """A value an SME can subscribe to, with a short stable key (fits a button's callback data)."""

    kind: TopicKind
    value: str
    key: str


def topic_key(kind: TopicKind, value: str) -> str:
    """Ten hex digits naming ``kind:value`` (titles are too long for Telegram's 64-byte callback data)."""
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()[:10]


def topic_choices(records: Iterable[CatalogRecord], kind: TopicKind) -> list[TopicChoice]:
    """The countries, sectors or programmes of the catalog's calls and missions, sorted."""
    values: set[str] = set()
    for record in records:
        entry = record.entry
        if not isinstance(entry, Call | Mission):
            continue
        if kind == "country":
            values.update(entry_countries(entry))
        elif kind == "sector":
            values.update(s for s in entry.sectors if s)
        else:
            values.add(entry.programme)
    return [TopicChoice(kind, v, topic_key(kind, v)) for v in sorted(values, key=str.casefold)]


def topic_label(kind: TopicKind, value: str, language: str) -> str:
    """How a subscription reads: a country by its name, the rest as written."""
    return country_name(value, language) if kind == "country" else value


def matches(entry: Call | Mission, kind: TopicKind, value: str) -> bool:
    """Whether a subscription to ``kind:value`` covers ``entry``."""
    if kind == "country":
        return value in entry_countries(entry)
    if kind == "sector":
        return value.casefold() in {s.casefold() for s in entry.sectors}
    return entry.programme.casefold() == value.casefold()


class Subscriptions:
    """A contact's subscriptions; every call commits."""

    def __init__(self, sessions: sessionmaker[Session], now: Callable[[], dt.datetime]) -> None:
        self._sessions = sessions
        self._now = now

    def add(self, contact_id: int, kind: TopicKind, value: str) -> bool:
        """Subscribe; ``False`` when already subscribed."""
        if kind not in TOPIC_KINDS or not value.strip():
            raise ValueError(f"cannot subscribe to {kind!r} {value!r}")
        try:
            with self._sessions.begin() as session:
                session.add(
                    SubscriptionRow(contact_id=contact_id, kind=kind, value=value[:200], created_at=self._now())
                )
        except IntegrityError:
            return False
        return True

    def remove(self, contact_id: int, subscription_id: int | None = None) -> int:
        """Unsubscribe from one subscription, or from all when no id is given; returns how many went."""
        statement = delete(SubscriptionRow).where(SubscriptionRow.contact_id == contact_id)
        if subscription_id is not None:
            statement = statement.where(SubscriptionRow.id == subscription_id)
        with self._sessions.begin() as session:
            return int(session.execute(statement).rowcount)  # type: ignore[attr-defined]

    def of(self, contact_id: int) -> list[Subscription]:
        """The contact's subscriptions, oldest first."""
        query = select(SubscriptionRow).where(SubscriptionRow.contact_id == contact_id).order_by(SubscriptionRow.id)
        with self._sessions() as session:
            return [_subscription(row) for row in session.scalars(query)]

    def count(self) -> int:
        """All subscriptions (for status and tests)."""
        with self._sessions() as session:
            return int(session.scalar(select(func.count(SubscriptionRow.id))) or 0)


@dataclass(frozen=True)
class ScanResult:
    """What a scan queued."""

    new_entries: list[str]
    queued: int


class AlertScanner:
    """Finds new and closing entries, matches them with subscriptions, queues the alerts."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        outbox: Outbox,
        now: Callable[[], dt.datetime],
        *,
        deadline_days: int = 7,
        closing_soon_days: int = 14,
    ) -> None:
        self._sessions = sessions
        self._outbox = outbox
        self._now = now
        self.deadline_days = deadline_days
        self._closing_soon_days = closing_soon_days

    def scan(self, records: list[CatalogRecord]) -> ScanResult:
        """Queue the alerts due now for this catalog."""
        desk = CatalogDesk(records, self._now(), self._closing_soon_days)
        offers = [r.entry for r in records if isinstance(r.entry, Call | Mission)]
        new = self._record_new(offers)
        queued = 0
        for entry in offers:
            status = desk.status(entry)
            if status.state == "closed":
                continue
            if entry.id in new:
                queued += self._alert(desk, entry, "new")
            if status.is_open and status.days_left is not None and status.days_left <= self.deadline_days:
                queued += self._alert(desk, entry, "deadline")
        return ScanResult(sorted(new), queued)

    def _record_new(self, entries: list[Call | Mission]) -> set[str]:
        """Entries not seen before (none on the very first scan: that is the baseline)."""
        with self._sessions.begin() as session:
            seen = set(session.scalars(select(CatalogSeenRow.entry_id)))
            fresh = [e.id for e in entries if e.id not in seen]
            for entry_id in fresh:
                session.add(CatalogSeenRow(entry_id=entry_id, first_seen_at=self._now()))
        return set(fresh) if seen else set()

    def _alert(self, desk: CatalogDesk, entry: Call | Mission, reason: AlertReason) -> int:
        queued = 0
        for contact, subscription in self._subscribers(entry):
            language = contact.language or "it"
            text = alert_text(desk, entry, reason, subscription, language)
            payload = {"entry_id": entry.id, "reason": reason, "url": entry.url}
            try:  # the log and the message in one transaction: alerted once, and never logged but lost
                with self._sessions.begin() as session:
                    session.add(AlertLogRow(contact_id=contact.id, entry_id=entry.id, reason=reason,
                                            created_at=self._now()))  # fmt: skip
                    session.flush()
                    self._outbox.enqueue(contact.channel, contact.external_id, "alert", text, payload=payload,
                                         contact_id=contact.id, within=session)  # fmt: skip
            except IntegrityError:
                continue  # already alerted
            queued += 1
        return queued

    def _subscribers(self, entry: Call | Mission) -> list[tuple[ContactRow, Subscription]]:
        """Contacts on a push channel with a subscription covering ``entry`` (the first that does)."""
        query = (
            select(ContactRow, SubscriptionRow)
            .join(SubscriptionRow, SubscriptionRow.contact_id == ContactRow.id)
            .where(ContactRow.channel.in_(PUSH_CHANNELS))
            .order_by(SubscriptionRow.id)
        )
        found: dict[int, tuple[ContactRow, Subscription]] = {}
        with self._sessions() as session:
            for contact, row in session.execute(query):
                subscription = _subscription(row)
                if contact.id not in found and matches(entry, subscription.kind, subscription.value):
                    found[contact.id] = (contact, subscription)
        return list(found.values())


def alert_text(desk: CatalogDesk, entry: Call | Mission, reason: AlertReason, subscription: Subscription,
               language: str) -> str:  # fmt: skip
    """The alert: why it comes, the entry's status line, its summary and link."""
    topic = topic_label(subscription.kind, subscription.value, language)
    lines = [say(f"alert_{reason}", language, topic=topic), desk.status_line(entry, language)]
    if entry.summary:
        lines.append(entry.summary.strip())
    if entry.url:
        lines.append(entry.url)
    lines.append(say("alert_unsubscribe", language))
    return "\n\n".join(lines)


def _subscription(row: SubscriptionRow) -> Subscription:
    return Subscription(
        id=row.id, contact_id=row.contact_id, kind=row.kind,  # type: ignore[arg-type]
        value=row.value, created_at=as_utc(row.created_at),
    )  # fmt: skip
