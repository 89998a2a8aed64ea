"""A Telegram channel run by long polling in a thread of its own, for tests against the Bot API double."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from collections.abc import Callable, Coroutine
from concurrent.futures import Future
from dataclasses import replace
from typing import Any, TypeVar

from bot.telegram.application import TelegramChannel
from bot.telegram.config import TelegramConfig, TelegramDeps
from doubles.telegram_api import BotApiDouble, SentMessage

T = TypeVar("T")
STAFF_CHAT = -100500
STAFF_USER = 77
STAFF_NAME = "Anna Rossi"


class MovableClock:
    """``now`` for the services; tests move it forward (never back)."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now
        self._lock = threading.Lock()

    def __call__(self) -> dt.datetime:
        with self._lock:
            return self.now

    def advance(self, **delta: float) -> None:
        with self._lock:
            self.now += dt.timedelta(**delta)


def bot_config(api: BotApiDouble, **overrides: Any) -> TelegramConfig:
    """A configuration pointing at the double, with a staff group and fast work rounds."""
    config = TelegramConfig(
        token=api.token, api_url=api.root, staff_chat_id=STAFF_CHAT, staff_users={STAFF_USER: STAFF_NAME},
        webhook_secret="s3cret-token-for-tests", poll_timeout_seconds=1, work_seconds=0.05,
        alert_scan_seconds=3600, edit_interval_seconds=0.2,
    )  # fmt: skip
    return replace(config, **overrides)


class RunningBot:
    """A channel running by long polling in a thread of its own."""

    def __init__(self, channel: TelegramChannel, api: BotApiDouble) -> None:
        self.channel = channel
        self.api = api
        self.deps: TelegramDeps = channel.deps
        self._loop = asyncio.new_event_loop()
        self._stop: asyncio.Event | None = None
        self._started: Future[None] = Future()
        self._thread = threading.Thread(target=self._run, name="telegram-bot", daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._main())
        self._loop.close()

    async def _main(self) -> None:
        self._stop = asyncio.Event()
        try:
            await self.channel.start()
        except BaseException as exc:
            self._started.set_exception(exc)
            return
        self._started.set_result(None)
        await self._stop.wait()
        await self.channel.stop()

    def start(self) -> None:
        self._thread.start()
        self._started.result(timeout=15)

    def stop(self) -> None:
        if self._stop is not None and self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout=15)
        assert not self._thread.is_alive(), "the bot did not stop"

    def run(self, coroutine: Callable[[], Coroutine[Any, Any, T]]) -> T:
        """Run a coroutine on the bot's loop and wait for its result."""
        return asyncio.run_coroutine_threadsafe(coroutine(), self._loop).result(timeout=15)

    # -- talking to it ---------------------------------------------------------------------

    def say(self, chat_id: int, text: str, **options: Any) -> int:
        """A user writes; returns the update id."""
        return self.api.push_update(self.api.message_update(chat_id, text, **options))

    def press(self, chat_id: int, data: str, message: SentMessage, **options: Any) -> int:
        """A user presses a button under ``message``."""
        return self.api.push_update(self.api.callback_update(chat_id, data, message=message, **options))

    def wait_sent(self, chat_id: int, count: int, timeout: float = 10.0) -> list[SentMessage]:
        """Wait until the bot has sent ``count`` messages to the chat in all; returns them all."""
        self.api.wait_for(lambda: len(self.api.sent(chat_id)) >= count, timeout)
        return self.api.sent(chat_id)

    def wait_recorded(self, post: SentMessage, timeout: float = 10.0) -> SentMessage:
        """Wait until the outbox has recorded ``post`` as delivered, so a reply to it finds its escalation.

        The double shows a message as sent as soon as the bot's request reaches it; the outbox
        stores its message id a moment later. A person needs seconds to reply; a test does not.
        """
        address = str(post.chat_id)
        self.api.wait_for(
            lambda: self.deps.outbox.find_sent("telegram", address, str(post.message_id)) is not None, timeout
        )
        return post

    def consent(self, chat_id: int, **options: Any) -> list[SentMessage]:
        """Accept the privacy notice (``/start``, then the button); returns the chat's messages so far."""
        before = len(self.api.sent(chat_id))
        self.say(chat_id, "/start", **options)
        notice = self.wait_sent(chat_id, before + 1)[-1]
        self.press(chat_id, "consent", notice, **{k: v for k, v in options.items() if k != "chat_type"})
        return self.wait_sent(chat_id, before + 2)
