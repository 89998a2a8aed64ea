"""Outgoing webhooks: desk events POSTed as signed JSON to the endpoints a cluster configures
(its CRM, a project-reporting sheet, a chat integration). docs/webhooks.md has the payloads.

**Recorded with the change.** ``install_webhooks`` puts a sink on the session factory: every
event a store notes (``bot.conversation.events``) becomes one outbox row per endpoint that
wants it, in the transaction that made the change. The sender (``WebhookSender``, run by
``sportello serve`` or ``sportello worker`` with the other desk tasks) claims due rows with
the outbox's leases, so each event reaches each endpoint once across any number of
processes; a failed POST is retried with backoff, a process killed mid-POST sends it once
more after its lease, with the same event id (receivers drop repeats by ``id``).

**Signed.** Each POST carries ``Sportello-Signature: t=<unix seconds>,v1=<hex>`` where ``v1``
is HMAC-SHA256 with the endpoint's secret over ``f"{t}.{body}"``; a receiver recomputes it
(``verify_signature``) and refuses a timestamp older than five minutes, so a captured request
cannot be replayed later.

**Personal data** (what the SME or staff wrote, company, e-mail, assignee) goes only to
endpoints configured with ``personal: true``; others get ids, channels, reasons, statuses
and times.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy.orm import Session, sessionmaker

from bot.conversation.events import EVENT_TYPES, DeskEvent, EventType, install_event_sink
from bot.outbound.outbox import Outbox, OutboxItem, OutboxRow

log = logging.getLogger(__name__)

WEBHOOK_CHANNEL = "webhook"
SIGNATURE_HEADER = "Sportello-Signature"
TOLERANCE_SECONDS = 300
MAX_ATTEMPTS = 12
"""After this many failed POSTs (about four hours of backoff) a delivery is given up, kept in the log."""
USER_AGENT = "Sportello-Webhooks/1.0 (+https://github.com/sportello)"
MAX_FIELD_CHARS = 4000
"""The longest text an event carries (a console reply's limit); longer ones end with "…"."""
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
_SIGNATURE = re.compile(r"^t=(\d{1,12}),v1=([0-9a-f]{64})$")


@dataclass(frozen=True)
class WebhookEndpoint:
    """Where events go, which ones, and whether they may carry personal data."""

    name: str
    url: str
    secret: str
    events: tuple[EventType, ...] = EVENT_TYPES
    personal: bool = False
    timeout_seconds: float = 10.0

    def __post_init__(self) -> None:
        if not _NAME.match(self.name):
            raise ValueError(f"webhook name {self.name!r}: lower-case letters, digits, - and _ (up to 40)")
        if not self.url.startswith(("https://", "http://")):
            raise ValueError(f"webhook {self.name}: the URL must start with https:// (or http://)")
        if len(self.secret) < 16:
            raise ValueError(f"webhook {self.name}: the secret needs at least 16 characters")
        unknown = set(self.events) - set(EVENT_TYPES)
        if unknown:
            raise ValueError(f"webhook {self.name}: unknown events {sorted(unknown)}")


def event_body(desk_event: DeskEvent, personal: bool) -> str:
    """The JSON an endpoint receives (compact, UTF-8, keys sorted: the same bytes on every resend)."""
    data = _bounded(desk_event.data | (desk_event.personal if personal else {}))
    body = {"id": desk_event.id, "type": desk_event.type, "created_at": desk_event.at.isoformat(), "data": data}
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def _bounded(value: Any) -> Any:
    """Texts cut at ``MAX_FIELD_CHARS`` (the body must stay whole JSON under the outbox's limit)."""
    if isinstance(value, str):
        return value if len(value) <= MAX_FIELD_CHARS else value[: MAX_FIELD_CHARS - 1] + "…"
    if isinstance(value, dict):
        return {key: _bounded(item) for key, item in value.items()}
    return value


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header's value for ``body`` sent at ``timestamp``."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify_signature(secret: str, header: str, body: bytes, now: float, tolerance: float = TOLERANCE_SECONDS) -> bool:
    """What a receiver checks: the signature matches the body and was made within ``tolerance`` seconds."""
    found = _SIGNATURE.match(header.strip())
    if found is None:
        return False
    timestamp = int(found.group(1))
    if abs(now - timestamp) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), header.strip())


def install_webhooks(sessions: sessionmaker[Session], endpoints: Sequence[WebhookEndpoint]) -> None:
    """Record every desk event for the endpoints that want it, in the transaction of its change."""
    if not endpoints:
        return

    def queue(session: Session, events: list[DeskEvent]) -> None:
        for desk_event in events:
            for endpoint in endpoints:
                if desk_event.type in endpoint.events:
                    session.add(_row(desk_event, endpoint))

    install_event_sink(sessions, queue)


def enqueue_event(outbox: Outbox, endpoints: Sequence[WebhookEndpoint], desk_event: DeskEvent) -> int:
    """Queue an event noticed outside a store's transaction (``knowledge.updated``, from a sync run's
    row); its key makes a second enqueue a no-op. Returns how many rows were new."""
    fresh = 0
    for endpoint in endpoints:
        if desk_event.type not in endpoint.events:
            continue
        key = _key(endpoint, desk_event)
        before = outbox.find_key(key)
        if before is None:
            outbox.enqueue(
                WEBHOOK_CHANNEL, endpoint.name, "webhook", event_body(desk_event, endpoint.personal),
                payload={"event": desk_event.type, "event_id": desk_event.id}, key=key,
            )  # fmt: skip
            fresh += 1
    return fresh


def _key(endpoint: WebhookEndpoint, desk_event: DeskEvent) -> str:
    return f"webhook:{endpoint.name}:{desk_event.id}"[:200]


def _row(desk_event: DeskEvent, endpoint: WebhookEndpoint) -> OutboxRow:
    return OutboxRow(
        channel=WEBHOOK_CHANNEL, address=endpoint.name, kind="webhook",
        text=event_body(desk_event, endpoint.personal),
        payload_json=json.dumps({"event": desk_event.type, "event_id": desk_event.id}),
        conversation_id=desk_event.conversation_id, contact_id=desk_event.contact_id, status="pending",
        attempts=0, next_attempt_at=desk_event.at, created_at=desk_event.at, dedupe_key=_key(endpoint, desk_event),
    )  # fmt: skip


@dataclass
class WebhookSender:
    """POSTs the due webhook rows this process leases, and settles each."""

    outbox: Outbox
    endpoints: Sequence[WebhookEndpoint]
    clock: Callable[[], float]
    """Unix seconds, for the signature's timestamp."""
    client: httpx.Client = field(default_factory=lambda: httpx.Client(follow_redirects=False))

    def send_due(self) -> int:
        """Deliver what is due; returns how many were delivered."""
        by_name = {endpoint.name: endpoint for endpoint in self.endpoints}
        delivered = 0
        for item in self.outbox.claim_due(WEBHOOK_CHANNEL):
            endpoint = by_name.get(item.address)
            if endpoint is None:
                self.outbox.mark_undeliverable(item.id, "this endpoint is no longer configured")
                continue
            delivered += self._post(endpoint, item)
        return delivered

    def close(self) -> None:
        """Close the HTTP connections kept alive."""
        self.client.close()

    def _post(self, endpoint: WebhookEndpoint, item: OutboxItem) -> int:
        body = item.text.encode()
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": USER_AGENT,
            "Sportello-Event": str(item.payload.get("event", "")),
            "Sportello-Event-Id": str(item.payload.get("event_id", "")),
            SIGNATURE_HEADER: sign(endpoint.secret, int(self.clock()), body),
        }
        try:
            response = self.client.post(endpoint.url, content=body, headers=headers, timeout=endpoint.timeout_seconds)
        except httpx.HTTPError as exc:
            self._failed(item, f"{type(exc).__name__}: {exc}"[:300])
            return 0
        if response.is_success:
            self.outbox.mark_sent(item.id, str(response.status_code))
            return 1
        error = f"HTTP {response.status_code}: {response.text[:200]}"
        if response.status_code == 410:  # the receiver says this endpoint is gone for good
            self.outbox.mark_undeliverable(item.id, error)
        else:
            self._failed(item, error, _retry_after(response))
        return 0

    def _failed(self, item: OutboxItem, error: str, retry_after: float | None = None) -> None:
        if item.attempts + 1 >= MAX_ATTEMPTS:
            self.outbox.mark_undeliverable(item.id, f"gave up after {MAX_ATTEMPTS} attempts; last: {error}")
            return
        delay = self.outbox.mark_failed(item.id, error, retry_after)
        log.warning("webhook %s to %s failed (%s); again in %.0f s", item.payload.get("event_id"), item.address,
                    error, delay)  # fmt: skip


def _retry_after(response: httpx.Response) -> float | None:
    """A 429's or 503's Retry-After in seconds (capped at an hour), if it says one."""
    value = response.headers.get("Retry-After", "")
    return min(float(value), 3600.0) if value.isdigit() else None


def knowledge_event(run_id: int, finished_at: dt.datetime, counts: dict[str, Any]) -> DeskEvent:
    """``knowledge.updated`` for a sync run that changed something."""
    data = {"run_id": run_id, **{k: counts.get(k, 0) for k in ("added", "updated", "removed", "failed")}}
    return DeskEvent(f"knowledge.updated:{run_id}", "knowledge.updated", finished_at, data)
