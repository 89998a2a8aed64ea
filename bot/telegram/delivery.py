"""Delivering the outbox to Telegram at Telegram's pace.

Telegram allows a bot about 30 messages a second overall and one a second to one chat;
past that it answers 429 with ``retry_after``. ``SendThrottle`` keeps below both, and a
429 pauses every send for as long as Telegram asks. A 403 (the user blocked the bot) is
final: the message is marked undeliverable and the contact's alerts are switched off.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
import warnings
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Bot, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError

from bot.outbound.outbox import OutboxItem
from bot.telegram import keyboards
from bot.telegram.config import CHANNEL, TelegramConfig, TelegramDeps
from bot.telegram.conversation import NO_PREVIEW
from bot.telegram.formatting import plain_messages
from bot.telegram.texts import text

log = logging.getLogger(__name__)

_TO_SME = ("staff_reply", "alert", "claim_update")
"""Kinds addressed to an SME's chat (a 403 there means the SME blocked the bot)."""


def retry_seconds(error: RetryAfter) -> float:
    """``retry_after`` in seconds (PTB 22 warns when the attribute is read as an int: read it either way)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = error.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


class SendThrottle:
    """At most ``per_second`` sends in any second, one per chat every ``chat_interval`` seconds."""

    def __init__(
        self,
        per_second: float,
        chat_interval: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._per_second = max(1, int(per_second))
        self._chat_interval = chat_interval
        self._clock = clock
        self._sleep = sleep
        self._recent: deque[float] = deque()
        self._last_by_chat: dict[str, float] = {}
        self._paused_until = 0.0

    def pause(self, seconds: float) -> None:
        """Send nothing for ``seconds`` (Telegram said so)."""
        self._paused_until = max(self._paused_until, self._clock() + seconds)

    def wait_seconds(self, chat: str) -> float:
        """How long a send to ``chat`` must wait now (0: it may go)."""
        now = self._clock()
        while self._recent and self._recent[0] <= now - 1.0:
            self._recent.popleft()
        waits = [self._paused_until - now, self._last_by_chat.get(chat, float("-inf")) + self._chat_interval - now]
        if len(self._recent) >= self._per_second:
            waits.append(self._recent[0] + 1.0 - now)
        return max(0.0, *waits)

    async def acquire(self, chat: str) -> None:
        """Wait for a send slot to ``chat`` and take it."""
        while (wait := self.wait_seconds(chat)) > 0:
            await self._sleep(wait)
        now = self._clock()
        self._recent.append(now)
        self._last_by_chat[chat] = now
        if len(self._last_by_chat) > 10_000:  # forget chats idle for longer than the interval
            self._last_by_chat = {c: t for c, t in self._last_by_chat.items() if t > now - self._chat_interval}


class OutboxSender:
    """Sends the Telegram channel's due outbox messages and settles each one."""

    def __init__(self, deps: TelegramDeps, config: TelegramConfig, bot: Bot) -> None:
        self.deps = deps
        self.bot = bot
        self.throttle = SendThrottle(config.messages_per_second, config.chat_interval_seconds)

    async def deliver_due(self) -> int:
        """Send what is due; returns how many were delivered."""
        delivered = 0
        for item in await asyncio.to_thread(self.deps.outbox.claim_due, CHANNEL):
            delivered += await self._deliver(item)
        return delivered

    async def _deliver(self, item: OutboxItem) -> int:
        outbox = self.deps.outbox
        parts, markup = render(item)
        chat = int(item.address) if item.address.lstrip("-").isdigit() else item.address
        try:
            first: int | None = None
            # A message in several parts is retried whole: a repeated first part beats a lost second one.
            for index, html in enumerate(parts):
                await self.throttle.acquire(item.address)
                sent = await self.bot.send_message(
                    chat, html, parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW,
                    reply_markup=markup if index == len(parts) - 1 else None,
                )  # fmt: skip
                first = first or sent.message_id
        except RetryAfter as exc:
            seconds = retry_seconds(exc)
            self.throttle.pause(seconds)
            await asyncio.to_thread(outbox.mark_failed, item.id, str(exc), seconds)
            log.warning("Telegram asked to wait %.0f s; outbox message %s will be retried", seconds, item.id)
            return 0
        except Forbidden as exc:
            await asyncio.to_thread(outbox.mark_undeliverable, item.id, str(exc))
            if item.kind in _TO_SME and item.contact_id is not None:
                removed = await asyncio.to_thread(self.deps.subscriptions.remove, item.contact_id)
                log.info("chat %s blocked the bot: %s alert subscriptions removed", item.address, removed)
            return 0
        except BadRequest as exc:  # the same request would fail the same way: kept, not retried
            await asyncio.to_thread(outbox.mark_undeliverable, item.id, str(exc))
            log.error("outbox message %s refused by Telegram: %s", item.id, exc)
            return 0
        except TelegramError as exc:  # network trouble, Telegram unavailable: retried with backoff
            delay = await asyncio.to_thread(outbox.mark_failed, item.id, str(exc))
            log.warning("outbox message %s failed (%s); retry in %.0f s", item.id, exc, delay)
            return 0
        await asyncio.to_thread(outbox.mark_sent, item.id, str(first) if first else None)
        return 1


def render(item: OutboxItem) -> tuple[list[str], InlineKeyboardMarkup | None]:
    """An outbox message as Telegram HTML parts and the buttons under the last one."""
    if item.kind == "claim_update":
        return plain_messages(item.text), claim_buttons(item.payload)
    if item.kind == "staff_reply":
        language = str(item.payload.get("language") or "it")
        author = str(item.payload.get("author") or "")
        return plain_messages(item.text, heading=text("staff_reply_heading", language, author=author).strip()), None
    # A reminder carries the notice's buttons: claim or resolve from whichever post is at hand.
    posts = ("staff_notice", "staff_reminder")
    markup = keyboards.staff_notice(item.escalation_id) if item.kind in posts and item.escalation_id else None
    return plain_messages(item.text), markup


def claim_buttons(payload: dict[str, Any]) -> InlineKeyboardMarkup | None:
    """The buttons the claim desk stored with its message (``Told.actions`` and ``.missions``).

    The payload was written by our own desk, but it is read back from the database: anything
    not shaped as expected is left out rather than failing the delivery.
    """
    language = str(payload.get("language") or "it")
    actions = [a for a in payload.get("actions") or () if isinstance(a, str)]
    missions = [
        (str(choice[0]), str(choice[1]))
        for choice in payload.get("missions") or ()
        if isinstance(choice, list | tuple) and len(choice) == 2
    ]
    claim = payload.get("claim")
    return keyboards.claim_actions(language, actions, missions, claim if isinstance(claim, int) else None)
