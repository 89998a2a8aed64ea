"""The one builder of the bot and the channel that runs it, by long polling or behind a webhook.

Both modes use the same ``Application`` and handlers, and take updates in the same way:
stored before Telegram is told they arrived (``receiving``). Beside them runs the
channel's work loop: handle stored updates left unhandled, deliver the outbox, announce
escalations to the staff group, scan for alerts.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import signal
import time
from typing import Any

from telegram import Bot, BotCommand
from telegram.error import TelegramError
from telegram.ext import ApplicationBuilder

from bot.desk.staff import StaffNotices
from bot.telegram.config import CHANNEL, TelegramConfig, TelegramDeps
from bot.telegram.delivery import OutboxSender
from bot.telegram.handlers import TelegramHandlers
from bot.telegram.ordering import ChatOrderedProcessor
from bot.telegram.receiving import ALLOWED_UPDATES, AnyApplication, UpdateReceiver
from bot.telegram.texts import COMMANDS, LANGUAGES, command_description

log = logging.getLogger(__name__)

CONCURRENT_UPDATES = 16
"""Updates of different chats run at once; one chat's run in order (``ChatOrderedProcessor``)."""
PRUNE_SECONDS = 3600.0
STOP_GRACE_SECONDS = 10.0
"""On SIGTERM, running turns get this long to finish; the rest are handled on the next start."""


def build_application(deps: TelegramDeps, config: TelegramConfig) -> AnyApplication:
    """The PTB application with every handler. It has no ``Updater``: updates come in through
    ``UpdateReceiver``, which stores them before confirming them to Telegram."""
    root = config.api_url.rstrip("/")
    builder = (
        ApplicationBuilder()
        .token(config.token)
        .base_url(f"{root}/bot")
        .base_file_url(f"{root}/file/bot")
        .concurrent_updates(ChatOrderedProcessor(CONCURRENT_UPDATES))
        .updater(None)
    )
    application = builder.build()
    TelegramHandlers(deps, config).register(application)
    return application


def make_bot(config: TelegramConfig) -> Bot:
    """A bare client (for one-off calls such as setting the webhook)."""
    root = config.api_url.rstrip("/")
    return Bot(config.token, base_url=f"{root}/bot", base_file_url=f"{root}/file/bot")


async def register_commands(bot: Bot) -> None:
    """The command menu in Italian (the default) and in each language a Telegram app may use."""
    for language in (None, *LANGUAGES):
        commands = [BotCommand(name, command_description(name, language or "it")) for name in COMMANDS]
        await bot.set_my_commands(commands, language_code=language)


async def set_webhook(config: TelegramConfig, url: str) -> None:
    """Tell Telegram to post updates to ``url`` (https) with the secret token header."""
    if not config.webhook_secret:
        raise ValueError("set SPORTELLO_TELEGRAM__WEBHOOK_SECRET before registering a webhook")
    if not url.startswith("https://"):
        raise ValueError("Telegram only posts to an https:// URL")
    try:
        async with make_bot(config) as bot:
            await bot.set_webhook(url, secret_token=config.webhook_secret, allowed_updates=ALLOWED_UPDATES)
    except TelegramError as exc:
        raise TelegramUnavailableError(f"could not set the webhook: {exc}") from exc


async def delete_webhook(config: TelegramConfig) -> None:
    """Back to polling: Telegram stops posting updates."""
    try:
        async with make_bot(config) as bot:
            await bot.delete_webhook()
    except TelegramError as exc:
        raise TelegramUnavailableError(f"could not delete the webhook: {exc}") from exc


class TelegramUnavailableError(RuntimeError):
    """The Bot API refused or could not be reached (wrong token, no network, wrong ``api_url``)."""


class TelegramChannel:
    """The bot running: its application, and the work loop beside it."""

    def __init__(self, deps: TelegramDeps, config: TelegramConfig, *, polling: bool) -> None:
        self.deps = deps
        self.config = config
        self.polling = polling
        self.application = build_application(deps, config)
        self.receiver = UpdateReceiver(self.application, deps.updates, config.poll_timeout_seconds)
        self.sender = OutboxSender(deps, config, self.application.bot)
        self._worker: asyncio.Task[None] | None = None
        self._next_alert_scan = 0.0
        self._next_prune = 0.0

    async def start(self) -> None:
        """Connect (``getMe``), register the commands, handle what a stopped process left, start
        receiving and the work loop."""
        application = self.application
        try:
            await application.initialize()
            await register_commands(application.bot)
        except TelegramError as exc:
            raise TelegramUnavailableError(
                f"the Bot API at {self.config.api_url} refused or did not answer: {exc}"
            ) from exc
        await application.start()
        await self.receiver.handle_pending()
        if self.polling:
            self.receiver.start_polling()
        self._worker = asyncio.create_task(self._work(), name="sportello-telegram-work")
        log.info("Telegram bot @%s started (%s)", application.bot.username, "polling" if self.polling else "webhook")

    async def stop(self, grace_seconds: float = STOP_GRACE_SECONDS) -> None:
        """Stop receiving, let running turns finish (within ``grace_seconds``), stop the work loop, disconnect."""
        await self.receiver.stop(grace_seconds)
        if self._worker is not None:
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker
            self._worker = None
        application = self.application
        if application.running:
            await application.stop()
        await application.shutdown()

    def secret_matches(self, header: str | None) -> bool:
        """Whether a webhook request carries our secret token (compared in constant time)."""
        secret = self.config.webhook_secret
        return bool(secret) and header is not None and hmac.compare_digest(header.encode(), str(secret).encode())

    async def receive(self, payload: dict[str, Any]) -> None:
        """One update from the webhook: stored, then handled (``UpdateReceiver.receive``)."""
        await self.receiver.receive(payload)

    async def run_until_stopped(self) -> None:
        """Polling until SIGINT or SIGTERM (``sportello telegram``)."""
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await self.start()
        try:
            await stop.wait()
        finally:
            await self.stop()

    async def work_once(self) -> None:
        """One round of the work loop: stored updates left unhandled, staff notices, alerts when due, the outbox."""
        await self.receiver.handle_pending()
        if self.config.staff_chat_id is not None:
            notices = StaffNotices(CHANNEL, str(self.config.staff_chat_id))
            await asyncio.to_thread(self.deps.staff.queue_notices, notices)
        now = time.monotonic()
        if now >= self._next_alert_scan:
            self._next_alert_scan = now + self.config.alert_scan_seconds
            desk = await asyncio.to_thread(self.deps.assistant.catalog_desk)
            await asyncio.to_thread(self.deps.alerts.scan, desk.records)
        if now >= self._next_prune:
            self._next_prune = now + PRUNE_SECONDS
            await asyncio.to_thread(self.deps.updates.prune)
        await self.sender.deliver_due()

    async def _work(self) -> None:
        while True:
            try:
                await self.work_once()
            except asyncio.CancelledError:
                raise
            except Exception:  # one bad round (database busy, Telegram down) must not stop the loop
                log.exception("Telegram work loop round failed")
            await asyncio.sleep(self.config.work_seconds)
