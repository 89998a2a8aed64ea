"""Settings of the channels and the desk: the web app and widget, the Telegram bot, the staff
console and staff e-mail (``SPORTELLO_WEB__*``, ``SPORTELLO_TELEGRAM__*``, ``SPORTELLO_CONSOLE__*``,
``SPORTELLO_EMAIL__*``). Part of ``api.settings``, which reads them; kept apart for size."""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator

from bot.conversation.events import EVENT_TYPES


def ip_networks(values: list[str], setting: str) -> list[str]:
    """``values`` if each is an IP address or network ("10.0.0.0/8", "127.0.0.1"); else which is not, and where."""
    for value in values:
        try:
            ipaddress.ip_network(value, strict=False)
        except ValueError as exc:
            raise ValueError(f"{setting}: {value!r} is not an IP address or network") from exc
    return values


class WebSettings(BaseModel):
    """The chat API and the widget (``sportello serve``)."""

    host: str = Field(default="127.0.0.1", description="Address `sportello serve` listens on.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port `sportello serve` listens on.")
    allowed_origins: list[str] = Field(
        default_factory=list,
        description='Sites allowed to embed the widget (CORS), e.g. ["https://www.cluster.example"]; the app\'s '
        "own origin is always allowed.",
    )
    concurrent_turns: int = Field(
        default=2, ge=1, le=64, description="Extractive turns computed at once (more queue; see docs/web.md)."
    )
    max_body_bytes: int = Field(default=16_384, ge=1024, description="Larger request bodies get 413.")
    desk_tasks: bool = Field(
        default=True,
        description="Run staff notices, e-mail, SLA reminders and the retention purge in `sportello serve`; "
        "false when a `sportello worker` runs them (several processes; each notice goes out once either way).",
    )
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="Reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are believed, as addresses or "
        'networks, e.g. ["127.0.0.1"] for nginx on the same box; none by default (docs/web.md).',
    )
    session_messages_per_minute: int = Field(default=20, ge=1, description="Messages one chat session may send.")
    ip_requests_per_minute: int = Field(default=120, ge=1, description="API calls one IP address may make.")
    suggestions: dict[str, list[str]] = Field(
        default_factory=lambda: {
            "it": ["Quali missioni sono aperte?", "Entro quando mi iscrivo alla missione in Giappone?",
                   "Quali documenti servono per chiedere il rimborso?"],
            "en": ["Which missions are open?", "When does registration close for the Japan mission?",
                   "Which documents do I need to claim a reimbursement?"],
            "fr": ["Quelles missions sont ouvertes ?", "Quelle est la date limite pour la mission au Japon ?",
                   "Quels documents faut-il pour le remboursement ?"],
        },
        description="Suggested questions the widget offers, per language.",
    )  # fmt: skip

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, proxies: list[str]) -> list[str]:
        return ip_networks(proxies, "web.trusted_proxies")


class TelegramSettings(BaseModel):
    """The Telegram bot (``sportello telegram``, or the webhook inside ``sportello serve``)."""

    token: SecretStr | None = Field(default=None, description="The bot's token from @BotFather; unset = no bot.")
    api_url: str = Field(
        default="https://api.telegram.org",
        description="Bot API server root; requests go to {api_url}/bot{token}/{method} (a self-hosted "
        "telegram-bot-api server works too).",
    )
    webhook_secret: SecretStr | None = Field(
        default=None,
        description="Webhook mode: the secret Telegram sends in X-Telegram-Bot-Api-Secret-Token; when set with the "
        "token, `sportello serve` accepts updates at /telegram/webhook.",
    )
    staff_chat_id: int | None = Field(
        default=None, description="Chat id of the staff group where escalations are posted (a negative number)."
    )
    staff_users: dict[int, str] = Field(
        default_factory=dict,
        description='Telegram user id → staff name, e.g. {"123456789": "Anna Rossi"}: only they answer from the '
        "staff group.",
    )
    alert_deadline_days: int = Field(
        default=7, ge=0, le=90, description="Alert subscribers this many days before a deadline."
    )
    alert_scan_minutes: float = Field(default=60.0, gt=0, description="How often the bot looks for alerts to send.")
    messages_per_second: float = Field(
        default=25.0, gt=0, le=30, description="Outgoing messages per second overall (Telegram allows about 30)."
    )

    @model_validator(mode="after")
    def _secret_usable(self) -> TelegramSettings:
        secret = self.webhook_secret.get_secret_value() if self.webhook_secret else None
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{16,256}", secret):
            raise ValueError("telegram.webhook_secret: 16 to 256 characters among A-Z a-z 0-9 _ -")
        return self


class ConsoleSettings(BaseModel):
    """The staff console (``/console`` in ``sportello serve``)."""

    public_url: str | None = Field(
        default=None,
        pattern=r"^https?://[^\s/]+(/[^\s]*)?$",
        description="Where staff open Sportello, e.g. https://desk.example.eu (links in e-mails; an https "
        "address also makes the session cookie Secure).",
    )
    session_hours: float = Field(default=12.0, gt=0, le=24 * 30, description="A login lasts this long.")
    login_attempts_per_minute: int = Field(
        default=20, ge=1, description="Login attempts one client address may make in a minute, right or wrong."
    )
    login_free_failures: int = Field(
        default=10, ge=1, description="Wrong passwords from one address before each further one waits twice as long."
    )
    secure_cookies: bool | None = Field(
        default=None,
        description="Send the session cookie over HTTPS only; unset = when public_url is https or the request "
        "came over HTTPS (behind a proxy, list it in web.trusted_proxies).",
    )
    sla_hours: float = Field(
        default=8.0, gt=0, description="An escalation without a staff reply this long turns red and is reminded."
    )
    notify_seconds: float = Field(
        default=10.0, gt=0, description="How often `sportello serve` queues and sends staff notices and reminders."
    )
    upload_dir: Path | None = Field(
        default=None,
        description="Where documents uploaded in the console go; unset = documents/ in the data directory. "
        "With several processes, the same path on each (filled from the database: docs/scaling.md).",
    )
    knowledge_dirs: list[Path] = Field(
        default_factory=list,
        description="Folders the console's re-ingest reads besides the uploads (the sample is re-read when loaded).",
    )
    max_upload_mb: float = Field(default=10.0, gt=0, le=200, description="Larger uploads are refused.")
    ingest_wait_seconds: float = Field(
        default=120.0, ge=0, le=3600,
        description="An upload or re-ingest waits this long for another ingest (any process) to end, then says busy.",
    )  # fmt: skip


class EmailSettings(BaseModel):
    """E-mail notices of new escalations and SLA reminders to staff (SMTP)."""

    host: str | None = Field(default=None, description="SMTP server; unset = no e-mail.")
    port: int = Field(default=587, ge=1, le=65535, description="SMTP port (587 with STARTTLS, 465 with SSL).")
    username: str | None = Field(default=None, description="SMTP login, if the server wants one.")
    password: SecretStr | None = Field(default=None, description="SMTP password.")
    starttls: bool = Field(default=True, description="Upgrade the connection with STARTTLS.")
    ssl: bool = Field(default=False, description="Connect with TLS from the start (port 465).")
    sender: str = Field(default="sportello@localhost", description="The From address.")
    recipients: list[str] = Field(
        default_factory=list, description="Who gets the notices; empty = every active staff account."
    )
    timeout_seconds: float = Field(default=20.0, gt=0, le=300, description="Longest one SMTP exchange may take.")


class WebhookEndpointSettings(BaseModel):
    """One receiver of the desk's events (docs/webhooks.md)."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$", description="A short name, shown in the delivery log.")
    url: str = Field(pattern=r"^https?://", description="Where the events are POSTed.")
    secret: SecretStr = Field(min_length=16, description="The HMAC-SHA256 key the receiver verifies with.")
    events: list[str] = Field(default_factory=list, description="Event types to send; empty = all of them.")
    personal: bool = Field(
        default=False, description="Include what the SME or staff wrote and gave (texts, company, e-mail)."
    )
    timeout_seconds: float = Field(default=10.0, gt=0, le=60, description="Longest one POST may take.")

    @field_validator("events")
    @classmethod
    def _known_events(cls, events: list[str]) -> list[str]:
        unknown = sorted(set(events) - set(EVENT_TYPES))
        if unknown:
            raise ValueError(f"unknown events {unknown}; known: {', '.join(EVENT_TYPES)}")
        return events


class WebhookSettings(BaseModel):
    """Outgoing webhooks: signed JSON events for a CRM or a reporting tool."""

    endpoints: list[WebhookEndpointSettings] = Field(
        default_factory=list,
        description='JSON list, e.g. [{"name": "crm", "url": "https://crm.example.eu/hooks/sportello", '
        '"secret": "…", "events": ["handoff.requested", "request.resolved"], "personal": true}]; empty = none.',
    )
