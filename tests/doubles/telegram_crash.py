"""Crashing a Telegram bot on purpose: the helpers the SIGKILL tests share.

``KillSwitch`` kills the bot's process from inside the Bot API double, at the first request
of a chosen kind; ``TelegramPoster`` plays Telegram's side of a webhook (posting an update
until it is answered 200, restarting the server the way a supervisor would).
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from doubles.network import free_port
from doubles.processes import SportelloProcess, send_then_kill, sportello_env
from doubles.telegram_api import ApiError, BotApiDouble

STAFF_CHAT = -100500
STAFF_USER = 77
WEBHOOK_SECRET = "s3cret-token-for-tests"


def bot_env(data_dir: Path, api: BotApiDouble, **settings: str) -> dict[str, str]:
    return sportello_env(
        data_dir, TELEGRAM__TOKEN=api.token, TELEGRAM__API_URL=api.root, TELEGRAM__STAFF_CHAT_ID=str(STAFF_CHAT),
        TELEGRAM__STAFF_USERS=json.dumps({str(STAFF_USER): "Anna Rossi"}), **settings,
    )  # fmt: skip


def webhook_server(data_dir: Path, api: BotApiDouble, log: Path) -> tuple[SportelloProcess, str]:
    """``sportello serve`` taking Telegram's updates by webhook (not started yet), and its URL."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = bot_env(data_dir, api, WEB__PORT=str(port), TELEGRAM__WEBHOOK_SECRET=WEBHOOK_SECRET)
    process = SportelloProcess(["serve"], env, log, lambda: httpx.get(f"{url}/readyz", timeout=1).status_code == 200)
    return process, url


Window = Callable[[], "Counter[int]"]
"""SME chat → messages Telegram shows whose sending the dead bot never recorded (read at a kill)."""

SETTLE_SECONDS = 0.3
"""After a kill, what the dead bot had already sent reaches the double within this (loopback)."""


class KillSwitch:
    """Kills the bot from inside the double at the first request matching a condition.

    At each kill, ``window`` counts the messages Telegram already shows whose delivery the
    dead bot had not recorded yet (sent, then killed before its commit; or on the wire): a
    restarted bot sends those again — the one repeat Telegram allows no way around, since
    ``sendMessage`` has no idempotency key. ``on_the_wire`` sums them over the kills.
    """

    def __init__(self, api: BotApiDouble, bot: SportelloProcess, window: Window | None = None) -> None:
        self.api = api
        self.bot = bot
        self.window = window
        self.fired = threading.Event()
        self._condition: Callable[[str, dict[str, Any]], bool] | None = None
        self._fail = False
        self._lock = threading.Lock()
        self.on_the_wire: Counter[int] = Counter()
        api.before_call = self._before_call

    def arm(self, condition: Callable[[str, dict[str, Any]], bool], *, fail_the_call: bool) -> None:
        """Kill at the first request for which ``condition`` holds (and fail that request, if asked)."""
        with self._lock:
            self.fired.clear()
            self._condition, self._fail = condition, fail_the_call

    def _before_call(self, method: str, params: dict[str, Any]) -> None:
        with self._lock:
            condition = self._condition
            if condition is None or not condition(method, params):
                return
            self._condition = None
            fail = self._fail
        with self.bot.killed():
            self.count_window()
        self.fired.set()
        if fail:
            raise ApiError(502, "Bad Gateway")

    def count_window(self) -> None:
        """Count the window of a bot just killed — by this switch or by the test itself (a kill
        right after a request reached the bot can also fall between a send and its commit)."""
        if self.window is not None:
            time.sleep(SETTLE_SECONDS)
            self.on_the_wire.update(self.window())

    def wait(self, timeout: float = 60.0) -> None:
        assert self.fired.wait(timeout), f"the kill point was never reached:\n{self.bot.tail()}"


class TelegramPoster:
    """Telegram's side of a webhook: each update is posted until answered 200."""

    def __init__(self, url: str, server: SportelloProcess) -> None:
        self.url = f"{url}/telegram/webhook"
        self.server = server
        self.acknowledged: set[int] = set()

    def post(self, update: dict[str, Any]) -> None:
        deadline = time.monotonic() + 90
        while True:
            try:
                response = httpx.post(
                    self.url, json=update, timeout=30, headers={"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}
                )
                if response.status_code == 200:
                    self.acknowledged.add(int(update["update_id"]))
                    return
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, f"update {update['update_id']} never acknowledged"
            self.server.ensure_running()  # the operator's supervisor restarts it; Telegram retries
            time.sleep(0.1)


def consent(api: BotApiDouble, chat: int, post: Callable[[dict[str, Any]], None] | None = None) -> None:
    """/start, then the consent button under the notice (pushed for polling, or ``post``ed)."""
    deliver = post or api.push_update
    before = len(api.sent(chat))
    deliver(numbered(api, api.message_update(chat, "/start")))
    api.wait_for(lambda: len(api.sent(chat)) > before, timeout=30)
    deliver(numbered(api, api.callback_update(chat, "consent", message=api.sent(chat)[-1])))
    api.wait_for(lambda: len(api.sent(chat)) > before + 1, timeout=30)


def numbered(api: BotApiDouble, update: dict[str, Any]) -> dict[str, Any]:
    """Give an update built for posting the next id (as ``push_update`` does for polled ones)."""
    with api._lock:
        api._last_update_id += 1
        update["update_id"] = api._last_update_id
    return update


def post_then_kill(url: str, update: dict[str, Any], server: SportelloProcess) -> None:
    """Post an update to the webhook and SIGKILL the server before it answers."""
    headers = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}
    send_then_kill(httpx.Request("POST", f"{url}/telegram/webhook", json=update, headers=headers), server)
