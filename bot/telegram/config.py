"""The Telegram channel's configuration and collaborators (built by the composition root)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.claims.desk import ClaimDesk
from bot.conversation.assistant import Assistant
from bot.conversation.front_door import FrontDoor
from bot.desk.accounts import StaffAccounts
from bot.desk.privacy import PrivacyDesk
from bot.desk.staff import StaffDesk
from bot.outbound.alerts import AlertScanner, Subscriptions
from bot.outbound.outbox import Outbox
from bot.telegram.held import HeldQuestions
from bot.telegram.updates import UpdateLog

CHANNEL = "telegram"


@dataclass(frozen=True)
class TelegramConfig:
    """How the bot connects and paces itself."""

    token: str
    api_url: str = "https://api.telegram.org"
    """The Bot API server root: requests go to ``{api_url}/bot{token}/{method}``."""
    staff_chat_id: int | None = None
    staff_users: Mapping[int, str] = field(default_factory=dict)
    """Telegram user id → the staff member's name: only they may answer from the staff group."""
    webhook_secret: str | None = None
    poll_timeout_seconds: int = 30
    work_seconds: float = 1.0
    """How often the outbox and the staff notices are looked at."""
    alert_scan_seconds: float = 3600.0
    messages_per_second: float = 25.0
    """Below Telegram's ~30 messages/s for a bot."""
    chat_interval_seconds: float = 1.0
    """At most one message a second to one chat (Telegram's limit)."""
    edit_interval_seconds: float = 1.5
    """Between two edits of a streamed answer."""
    privacy_url: str | None = None
    """The privacy policy the consent links to."""


@dataclass(frozen=True)
class TelegramDeps:
    """The channel-agnostic services the bot works through."""

    assistant: Assistant
    front_door: FrontDoor
    staff: StaffDesk
    outbox: Outbox
    subscriptions: Subscriptions
    alerts: AlertScanner
    updates: UpdateLog
    held: HeldQuestions
    """Questions sent before consent, until it is given."""
    privacy: PrivacyDesk
    """Erasure on ``/cancella``."""
    accounts: StaffAccounts | None = None
    """Console accounts: one linked to a Telegram user id may answer from the staff group."""
    claims: ClaimDesk | None = None
    """Reimbursement claims: documents and photos an SME sends in its private chat."""
