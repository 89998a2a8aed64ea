"""Wiring of the Telegram channel from ``Settings``, and its webhook route.

``sportello telegram`` runs the bot by long polling (one box); with
``SPORTELLO_TELEGRAM__WEBHOOK_SECRET`` set, ``sportello serve`` runs it behind
``POST /telegram/webhook`` instead. docs/telegram.md compares the two.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from pydantic import ValidationError

from api.services import Services
from api.settings import Settings
from api.web.protection import error_body
from bot.outbound.alerts import AlertScanner, Subscriptions
from bot.telegram.application import TelegramChannel
from bot.telegram.config import TelegramConfig, TelegramDeps
from bot.telegram.held import HeldQuestions
from bot.telegram.updates import UpdateLog

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"

router = APIRouter(tags=["telegram"])


class TelegramNotConfiguredError(ValueError):
    """The bot needs a token (and a secret for the webhook)."""


def telegram_config(settings: Settings) -> TelegramConfig:
    """The channel's configuration; a missing token is a clear error."""
    telegram = settings.telegram
    if telegram.token is None or not telegram.token.get_secret_value().strip():
        raise TelegramNotConfiguredError(
            "no bot token: create a bot with @BotFather and set SPORTELLO_TELEGRAM__TOKEN (see README, Telegram)"
        )
    return TelegramConfig(
        token=telegram.token.get_secret_value().strip(),
        api_url=telegram.api_url,
        staff_chat_id=telegram.staff_chat_id,
        staff_users=dict(telegram.staff_users),
        webhook_secret=telegram.webhook_secret.get_secret_value() if telegram.webhook_secret else None,
        alert_scan_seconds=telegram.alert_scan_minutes * 60,
        messages_per_second=telegram.messages_per_second,
        privacy_url=settings.privacy.policy_url,
    )


def telegram_deps(services: Services) -> TelegramDeps:
    """The channel-agnostic services the bot works through."""
    return TelegramDeps(
        assistant=services.assistant(),
        front_door=services.front_door(),
        staff=services.staff_desk(),
        outbox=services.outbox(),
        subscriptions=Subscriptions(services.sessions, services.now),
        alerts=alert_scanner(services),
        updates=UpdateLog(services.sessions, services.now),
        held=HeldQuestions(services.sessions, services.now),
        privacy=services.privacy(),
        accounts=services.accounts(),
        claims=services.claims(),
    )


def alert_scanner(services: Services) -> AlertScanner:
    """The alert scanner over these services (``sportello ingest`` runs it after an ingest)."""
    settings = services.settings
    return AlertScanner(
        services.sessions, services.outbox(), services.now,
        deadline_days=settings.telegram.alert_deadline_days,
        closing_soon_days=settings.assistant.closing_soon_days,
    )  # fmt: skip


def build_channel(services: Services, *, polling: bool) -> TelegramChannel:
    """The bot over ``services``."""
    return TelegramChannel(telegram_deps(services), telegram_config(services.settings), polling=polling)


def webhook_enabled(settings: Settings) -> bool:
    """Whether ``sportello serve`` should take Telegram updates (token and secret both set)."""
    return settings.telegram.token is not None and settings.telegram.webhook_secret is not None


@router.post(WEBHOOK_PATH, include_in_schema=False)
async def webhook(request: Request) -> dict[str, Any]:
    """An update from Telegram: checked against the secret, handled, then acknowledged."""
    channel: TelegramChannel | None = getattr(request.app.state, "telegram", None)
    if channel is None:
        raise HTTPException(404, error_body("not_found", "No Telegram webhook here."))
    if not channel.secret_matches(request.headers.get(SECRET_HEADER)):
        raise HTTPException(403, error_body("forbidden", "Wrong or missing secret token."))
    try:
        payload = await request.json()
    except ValueError as exc:
        raise HTTPException(400, error_body("bad_request", "The body is not JSON.")) from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("update_id"), int):
        raise HTTPException(400, error_body("bad_request", "Not a Telegram update."))
    try:
        await channel.receive(payload)
    except (ValidationError, ValueError, TypeError, KeyError) as exc:
        log.warning("malformed Telegram update %s refused: %s", payload.get("update_id"), exc)
        raise HTTPException(400, error_body("bad_request", "Not a Telegram update.")) from exc
    return {"ok": True}
