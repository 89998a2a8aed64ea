"""The outbox: messages the desk pushes to a channel outside a conversation's turn.

Staff replies, alerts, and the notices and reminders for staff (Telegram group, e-mail) are
written here first (committed) and a channel's sender delivers them later, so a send that
fails is retried with backoff instead of lost. A failure the channel calls permanent (the
user blocked the bot, the chat is gone, the mailbox does not exist) ends as
``undeliverable``, kept with its error for staff to see.

Channel-agnostic: rows name their channel and address (a Telegram chat id, an e-mail
address); each channel's sender claims its own due rows. The web widget needs no outbox: it
reads staff messages from the conversation itself.

Exactly once across processes:
- **Enqueue** with a ``key`` naming the event, channel and recipient (``notice_key`` and
  friends): the key is unique, so a second enqueue of the same notice, by this process or
  another one racing it, is a no-op that returns the first row's id.
- **Send** only what ``claim_due`` hands out: due rows are leased to one sender for
  ``LEASE`` (one ``UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED)`` on PostgreSQL,
  so concurrent senders skip each other's rows instead of waiting; SQLite runs one writer
  at a time anyway). Settling a row ends its lease. A sender killed mid-send leaves the row
  leased: it is claimed again once the lease expires — at once by a process of the same
  host, which sees the holder is gone (``bot.conversation.leases``) — and sent once more at
  most (an e-mail keeps its Message-ID, so the resend threads as the same message).

Leases rather than a job-queue library (procrastinate and the like): the default install
runs on SQLite, which those do not support, and the outbox's rows are also what staff and
the console read (status, attempts, last error), so one table serves both.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from bot.conversation import leases
from knowledge.database import Base, as_utc, transaction

OutboxKind = Literal[
    "staff_reply",
    "alert",
    "staff_notice",
    "staff_followup",
    "staff_reminder",
    "webhook",
    "source_alert",
    "claim_update",
]
OutboxStatus = Literal["pending", "sent", "undeliverable"]
MAX_OUTBOX_TEXT = 20_000
LEASE = dt.timedelta(minutes=2)
"""How long a claimed row is one sender's: longer than an SMTP or Bot API call can take."""


class OutboxRow(Base):
    """One message to deliver, with its delivery attempts."""

    __tablename__ = "bot_outbox"
    __table_args__ = (
        Index("ix_bot_outbox_due", "channel", "status", "next_attempt_at"),
        Index("ix_bot_outbox_sent_ref", "channel", "address", "sent_ref"),
        UniqueConstraint("dedupe_key", name="uq_bot_outbox_dedupe_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(20))
    address: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    payload_json: Mapped[str] = mapped_column(Text, default="{}")
    # Deleting a contact (erasure) deletes what was queued for or about it.
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("bot_contacts.id", ondelete="CASCADE"), index=True)
    conversation_id: Mapped[int | None] = mapped_column(
        ForeignKey("bot_conversations.id", ondelete="CASCADE"), index=True
    )
    escalation_id: Mapped[int | None] = mapped_column(ForeignKey("bot_escalations.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("bot_messages.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(14), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_ref: Mapped[str | None] = mapped_column(String(64))
    """The channel's id of the delivered message (a Telegram message id): replies point at it."""
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    dedupe_key: Mapped[str | None] = mapped_column(String(200))
    """The event, channel and recipient this row delivers (unique): a second enqueue is a no-op."""
    claimed_by: Mapped[str | None] = mapped_column(String(120))
    claimed_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


@dataclass(frozen=True)
class OutboxItem:
    """A queued message as read back."""

    id: int
    channel: str
    address: str
    kind: OutboxKind
    text: str
    payload: dict[str, Any]
    contact_id: int | None
    conversation_id: int | None
    escalation_id: int | None
    message_id: int | None
    status: OutboxStatus
    attempts: int
    last_error: str | None
    sent_ref: str | None
    created_at: dt.datetime
    next_attempt_at: dt.datetime
    """When a pending message is tried next (after a failure: the backoff's end)."""


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff between attempts, capped; a send is retried until it succeeds or fails for good."""

    first_seconds: float = 2.0
    max_seconds: float = 900.0

    def delay(self, attempts: int) -> float:
        """Seconds to wait after the ``attempts``-th failure."""
        return float(min(self.max_seconds, self.first_seconds * 2 ** max(0, attempts - 1)))


class Outbox:
    """Queue, lease and settle outgoing messages; every call commits before it returns."""

    def __init__(
        self, sessions: sessionmaker[Session], now: Callable[[], dt.datetime], retry: RetryPolicy | None = None
    ) -> None:
        self._sessions = sessions
        self._now = now
        self.retry = retry or RetryPolicy()

    def enqueue(
        self,
        channel: str,
        address: str,
        kind: OutboxKind,
        text: str,
        *,
        payload: dict[str, Any] | None = None,
        contact_id: int | None = None,
        conversation_id: int | None = None,
        escalation_id: int | None = None,
        message_id: int | None = None,
        key: str | None = None,
        within: Session | None = None,
    ) -> int:
        """Queue a message for delivery now (committed, or with the transaction it is ``within``:
        the state change that causes it); returns its id.

        With ``key`` (the event, channel and recipient), a message queued before under the same
        key is found instead: its id is returned and nothing is added."""
        if not text.strip():
            raise ValueError("an outbox message needs text")
        now = self._now()
        row = OutboxRow(
            channel=channel, address=address, kind=kind, text=text[:MAX_OUTBOX_TEXT],
            payload_json=json.dumps(payload or {}, ensure_ascii=False), contact_id=contact_id,
            conversation_id=conversation_id, escalation_id=escalation_id, message_id=message_id,
            status="pending", attempts=0, next_attempt_at=now, created_at=now, dedupe_key=key,
        )  # fmt: skip
        if key is not None and (known := self._by_key(key, within)) is not None:
            return known
        try:
            with transaction(self._sessions, within) as session:
                session.add(row)
                session.flush()
                return row.id
        except IntegrityError:
            # Another process queued the same event between the lookup and the insert. (Within a
            # caller's transaction the error is the caller's: that state change ran twice.)
            known = self._by_key(key, None) if key is not None and within is None else None
            if known is None:
                raise
            return known

    def claim_due(self, channel: str, limit: int = 100, lease: dt.timedelta = LEASE) -> list[OutboxItem]:
        """Lease ``channel``'s due messages (oldest first) to this sender; nobody else gets them
        until they are settled or the lease runs out. Send only what this returns."""
        now = self._now()
        claim = leases.new_claim()
        free = select(OutboxRow.id).where(
            OutboxRow.channel == channel, OutboxRow.status == "pending", OutboxRow.next_attempt_at <= now,
            (OutboxRow.claimed_until.is_(None)) | (OutboxRow.claimed_until <= now),
        )  # fmt: skip
        chosen = free.order_by(OutboxRow.id).limit(limit).with_for_update(skip_locked=True)
        with self._sessions.begin() as session:
            session.execute(
                update(OutboxRow)
                .where(OutboxRow.id.in_(chosen.scalar_subquery()))
                .values(claimed_by=claim, claimed_until=now + lease)
                .execution_options(synchronize_session=False)
            )
        self._take_over_dead(channel, claim, now + lease)
        with self._sessions() as session:
            rows = session.scalars(select(OutboxRow).where(OutboxRow.claimed_by == claim).order_by(OutboxRow.id))
            return [_item(row) for row in rows]

    def _take_over_dead(self, channel: str, claim: str, until: dt.datetime) -> None:
        """Rows leased to a process of this host that is gone (SIGKILLed mid-send) are taken at once,
        as the inbox does, instead of waiting for the lease to run out."""
        now = self._now()
        held = select(OutboxRow.id, OutboxRow.claimed_by, OutboxRow.claimed_until).where(
            OutboxRow.channel == channel, OutboxRow.status == "pending", OutboxRow.claimed_until > now
        )
        with self._sessions() as session:
            dead = [(row_id, holder) for row_id, holder, held_until in session.execute(held)
                    if leases.is_free(holder, as_utc(held_until) if held_until else None, now)]  # fmt: skip
        for row_id, holder in dead:
            with self._sessions.begin() as session:  # compare-and-set: one taker wins
                session.execute(
                    update(OutboxRow).where(OutboxRow.id == row_id, OutboxRow.claimed_by == holder)
                    .values(claimed_by=claim, claimed_until=until)
                )  # fmt: skip

    def release(self, item_ids: list[int]) -> None:
        """Give back the lease of claimed messages not tried (due again at once, for any sender)."""
        if item_ids:
            with self._sessions.begin() as session:
                session.execute(
                    update(OutboxRow).where(OutboxRow.id.in_(item_ids), OutboxRow.status == "pending")
                    .values(claimed_by=None, claimed_until=None)
                )  # fmt: skip

    def find_key(self, key: str) -> int | None:
        """The id of the row queued under ``key``, if any."""
        return self._by_key(key, None)

    def _by_key(self, key: str, within: Session | None) -> int | None:
        with transaction(self._sessions, within) as session:
            return session.scalar(select(OutboxRow.id).where(OutboxRow.dedupe_key == key))

    def due(self, channel: str, limit: int = 100) -> list[OutboxItem]:
        """Pending messages of ``channel`` whose next attempt is due, oldest first (a view for staff and
        tests: a sender sends what ``claim_due`` leases to it)."""
        query = (
            select(OutboxRow)
            .where(
                OutboxRow.channel == channel, OutboxRow.status == "pending", OutboxRow.next_attempt_at <= self._now()
            )
            .order_by(OutboxRow.id)
            .limit(limit)
        )
        with self._sessions() as session:
            return [_item(row) for row in session.scalars(query)]

    def get(self, item_id: int) -> OutboxItem | None:
        """One message by id."""
        with self._sessions() as session:
            row = session.get(OutboxRow, item_id)
            return _item(row) if row else None

    def mark_sent(self, item_id: int, sent_ref: str | None = None) -> None:
        """Delivered; ``sent_ref`` is the channel's id for the message."""
        with self._sessions.begin() as session:
            row = session.get(OutboxRow, item_id)
            if row is not None:
                row.status, row.sent_ref, row.sent_at = "sent", sent_ref, self._now()
                row.attempts += 1
                row.claimed_by = row.claimed_until = None

    def mark_failed(self, item_id: int, error: str, retry_after: float | None = None) -> float:
        """A failed attempt: try again after the backoff (or the channel's ``retry_after``, if longer).

        Returns the seconds until the next attempt.
        """
        with self._sessions.begin() as session:
            row = session.get(OutboxRow, item_id)
            if row is None:
                return 0.0
            row.attempts += 1
            delay = max(self.retry.delay(row.attempts), retry_after or 0.0)
            row.next_attempt_at = self._now() + dt.timedelta(seconds=delay)
            row.last_error = error[:2000]
            row.claimed_by = row.claimed_until = None
            return delay

    def mark_undeliverable(self, item_id: int, error: str) -> None:
        """The channel refused for good (blocked, chat gone): kept with its error, not retried."""
        with self._sessions.begin() as session:
            row = session.get(OutboxRow, item_id)
            if row is not None:
                row.status, row.last_error = "undeliverable", error[:2000]
                row.attempts += 1
                row.claimed_by = row.claimed_until = None

    def retry_now(self, item_id: int, channel: str) -> bool:
        """Send a pending or given-up message of ``channel`` again at the next tick, with a fresh count of
        attempts (an admin fixed the receiver). False when there is no such message or it was sent."""
        with self._sessions.begin() as session:
            row = session.get(OutboxRow, item_id)
            if row is None or row.channel != channel or row.status == "sent":
                return False
            row.status, row.attempts, row.next_attempt_at = "pending", 0, self._now()
            row.claimed_by = row.claimed_until = None
            return True

    def find_sent(self, channel: str, address: str, sent_ref: str) -> OutboxItem | None:
        """The delivered message the channel knows as ``sent_ref`` in ``address`` (what a reply points at)."""
        query = select(OutboxRow).where(
            OutboxRow.channel == channel, OutboxRow.address == address, OutboxRow.sent_ref == sent_ref
        )
        with self._sessions() as session:
            row = session.scalars(query.limit(1)).first()
            return _item(row) if row else None

    def announced(self, address: str, channel: str | None = None) -> tuple[set[int], set[int]]:
        """Escalations noticed and SME messages forwarded to ``address`` (on ``channel``) so far, in one query."""
        query = select(OutboxRow.kind, OutboxRow.escalation_id, OutboxRow.message_id).where(
            OutboxRow.address == address, OutboxRow.kind.in_(("staff_notice", "staff_followup"))
        )
        if channel is not None:
            query = query.where(OutboxRow.channel == channel)
        escalations: set[int] = set()
        messages: set[int] = set()
        with self._sessions() as session:
            for kind, escalation_id, message_id in session.execute(query):
                if kind == "staff_notice" and escalation_id is not None:
                    escalations.add(escalation_id)
                elif message_id is not None:
                    messages.add(message_id)
        return escalations, messages

    def reminded(self, channel: str, address: str) -> set[int]:
        """Escalations ``address`` on ``channel`` was already reminded of (whatever became of the reminder)."""
        query = select(OutboxRow.escalation_id).where(
            OutboxRow.channel == channel, OutboxRow.address == address, OutboxRow.kind == "staff_reminder"
        )
        with self._sessions() as session:
            return {escalation_id for escalation_id in session.scalars(query) if escalation_id is not None}

    def items(
        self, channel: str | None = None, status: OutboxStatus | None = None, latest: int | None = None
    ) -> list[OutboxItem]:
        """Messages, oldest first, or the ``latest`` ones newest first (for staff, the CLI and tests)."""
        query = select(OutboxRow).order_by(OutboxRow.id.desc() if latest else OutboxRow.id).limit(latest)
        if channel is not None:
            query = query.where(OutboxRow.channel == channel)
        if status is not None:
            query = query.where(OutboxRow.status == status)
        with self._sessions() as session:
            return [_item(row) for row in session.scalars(query)]


def event_key(kind: OutboxKind, event_id: int, channel: str, address: str) -> str:
    """The key of one event's message to one recipient on one channel (``enqueue(key=…)``)."""
    return f"{kind}:{event_id}:{channel}:{address}"[:200]


def _item(row: OutboxRow) -> OutboxItem:
    return OutboxItem(
        id=row.id, channel=row.channel, address=row.address, kind=row.kind,  # type: ignore[arg-type]
        text=row.text, payload=json.loads(row.payload_json or "{}"), contact_id=row.contact_id,
        conversation_id=row.conversation_id, escalation_id=row.escalation_id, message_id=row.message_id,
        status=row.status, attempts=row.attempts, last_error=row.last_error,  # type: ignore[arg-type]
        sent_ref=row.sent_ref, created_at=as_utc(row.created_at), next_attempt_at=as_utc(row.next_attempt_at),
    )  # fmt: skip
