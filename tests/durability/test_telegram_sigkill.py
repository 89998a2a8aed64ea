"""``sportello telegram`` (long polling) and ``sportello serve`` (webhook) killed with SIGKILL
mid-traffic against the Bot API double: every update Telegram was told was received is
answered, none twice.

The double keeps Telegram's offset semantics: an update is gone once a later ``getUpdates``
passes its id (``BotApiDouble.confirmed``). The bot is killed at three points of its work,
each chosen by the request it is making at that moment: a turn just accepted (its
"typing…" action), an answer computed and being sent (the send fails: never delivered),
and a ``getUpdates`` that confirms a batch still being handled. The webhook is posted to
as Telegram does — a POST not answered 200 is posted again — and killed at the same kinds
of point plus right after a POST reached it.
"""

from __future__ import annotations

import json
import socket
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from doubles.network import free_port
from doubles.processes import SportelloProcess, sportello_env
from doubles.telegram_api import ApiError, BotApiDouble, SentMessage

pytestmark = pytest.mark.integration

CHATS = (5101, 5102, 5103, 5104)
QUESTION = "Entro quando devo iscrivermi alla missione in Giappone?"
STAFF_CHAT = -100500
STAFF_USER = 77
WEBHOOK_SECRET = "s3cret-token-for-tests"


class KillSwitch:
    """Kills the bot from inside the double at the first request matching a condition.

    Other requests the bot had on the wire at that instant are noted (``on_the_wire``): a
    message Telegram shows whose confirmation the dead bot never read is the one case where
    a restarted bot sends an answer again (Telegram's ``sendMessage`` has no idempotency key).
    """

    def __init__(self, api: BotApiDouble, bot: SportelloProcess) -> None:
        self.api = api
        self.bot = bot
        self.fired = threading.Event()
        self._condition: Callable[[str, dict[str, Any]], bool] | None = None
        self._fail = False
        self._lock = threading.Lock()
        self.on_the_wire: Counter[int] = Counter()
        """SME chat → answers being sent by other requests at a kill."""
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
            self.bot.kill()
            wire = [p for m, p in self.api.in_flight() if m == "sendMessage" and p is not params]
            self.on_the_wire.update(int(p["chat_id"]) for p in wire if p.get("chat_id") in CHATS)
            self.fired.set()
            fail = self._fail
        if fail:
            raise ApiError(502, "Bad Gateway")

    def wait(self, timeout: float = 60.0) -> None:
        assert self.fired.wait(timeout), f"the kill point was never reached:\n{self.bot.tail()}"


@pytest.fixture
def api() -> Iterator[BotApiDouble]:
    with BotApiDouble() as double:
        yield double


def bot_env(data_dir: Path, api: BotApiDouble, **settings: str) -> dict[str, str]:
    return sportello_env(
        data_dir, TELEGRAM__TOKEN=api.token, TELEGRAM__API_URL=api.root, TELEGRAM__STAFF_CHAT_ID=str(STAFF_CHAT),
        TELEGRAM__STAFF_USERS=json.dumps({str(STAFF_USER): "Anna Rossi"}), **settings,
    )  # fmt: skip


@pytest.fixture
def polling_bot(tmp_path: Path, api: BotApiDouble) -> Iterator[SportelloProcess]:
    polls_before = [0]

    def polling() -> bool:
        return len(api.calls_to("getUpdates")) > polls_before[0]

    process = SportelloProcess(["telegram"], bot_env(tmp_path / "data", api), tmp_path / "bot.log", polling)
    original_start = process.start

    def start() -> None:
        polls_before[0] = len(api.calls_to("getUpdates"))
        original_start()

    process.start = start  # type: ignore[method-assign]
    process.start()
    yield process
    api.before_call = None
    process.kill()


def test_polling_loses_no_confirmed_update_and_answers_none_twice(
    polling_bot: SportelloProcess, api: BotApiDouble
) -> None:
    for chat in CHATS:
        consent(api, chat)
    switch = KillSwitch(api, polling_bot)
    asked: dict[int, int] = {}

    # 1. A turn just accepted: killed at its "typing…".
    switch.arm(lambda method, _: method == "sendChatAction", fail_the_call=True)
    asked |= ask_everyone(api, 2)
    switch.wait()
    polling_bot.start()
    wait_answered(api, asked)
    # 2. An answer computed and being sent: the send never arrives.
    switch.arm(lambda method, params: method == "sendMessage" and params.get("chat_id") in CHATS, fail_the_call=True)
    asked |= ask_everyone(api, 2)
    switch.wait()
    polling_bot.start()
    wait_answered(api, asked)
    # 3. A getUpdates confirming a batch while the batch is being handled.
    batch = ask_everyone(api, 2)
    switch.arm(
        lambda method, params: method == "getUpdates" and int(params.get("offset") or 0) > max(batch),
        fail_the_call=False,
    )
    asked |= batch
    switch.wait()
    polling_bot.start()

    wait_answered(api, asked)
    api.wait_for(lambda: set(asked) <= api.confirmed, timeout=30)
    assert_each_answered_once(api, asked, Path(polling_bot.env["SPORTELLO_DATA_DIR"]) / "sportello.db", switch)


@pytest.fixture
def webhook_server(tmp_path: Path, api: BotApiDouble) -> Iterator[SportelloProcess]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = bot_env(tmp_path / "data", api, WEB__PORT=str(port), TELEGRAM__WEBHOOK_SECRET=WEBHOOK_SECRET)
    process = SportelloProcess(
        ["serve"], env, tmp_path / "serve.log", lambda: httpx.get(f"{url}/readyz", timeout=1).status_code == 200
    )
    process.start()
    process.url = url  # type: ignore[attr-defined]
    yield process
    api.before_call = None
    process.kill()


class TelegramPoster:
    """Telegram's side of a webhook: each update is posted until answered 200."""

    def __init__(self, url: str, server: SportelloProcess) -> None:
        self.url = f"{url}/telegram/webhook"
        self.server = server
        self.acknowledged: set[int] = set()
        self._restarting = threading.Lock()

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
            with self._restarting:  # the operator's supervisor restarts the server; Telegram retries
                if not self.server.alive():
                    self.server.start()
            time.sleep(0.1)


def test_webhook_loses_no_acknowledged_update_and_answers_none_twice(
    webhook_server: SportelloProcess, api: BotApiDouble
) -> None:
    url: str = webhook_server.url  # type: ignore[attr-defined]
    poster = TelegramPoster(url, webhook_server)
    for chat in CHATS:
        consent(api, chat, poster.post)
    switch = KillSwitch(api, webhook_server)
    asked: dict[int, int] = {}

    def post_all(per_chat: int) -> dict[int, int]:
        updates = [numbered(api, api.message_update(chat, QUESTION)) for _ in range(per_chat) for chat in CHATS]
        threads = [threading.Thread(target=poster.post, args=(update,)) for update in updates]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        return {int(update["update_id"]): int(update["message"]["chat"]["id"]) for update in updates}

    # 1. A turn just accepted: killed at its "typing…"; Telegram posts the update again.
    switch.arm(lambda method, _: method == "sendChatAction", fail_the_call=True)
    asked |= post_all(2)
    switch.wait(timeout=1)
    # 2. An answer being sent: the send never arrives.
    switch.arm(lambda method, params: method == "sendMessage" and params.get("chat_id") in CHATS, fail_the_call=True)
    asked |= post_all(2)
    switch.wait(timeout=1)
    # 3. Right after a POST reached the server, before any byte went back.
    update = numbered(api, api.message_update(CHATS[0], QUESTION))
    asked[int(update["update_id"])] = CHATS[0]
    _post_then_kill(url, update, webhook_server)
    poster.post(update)
    asked |= post_all(1)

    assert set(asked) <= poster.acknowledged
    wait_answered(api, asked)
    assert_each_answered_once(api, asked, Path(webhook_server.env["SPORTELLO_DATA_DIR"]) / "sportello.db", switch)


# -- helpers ----------------------------------------------------------------------------------


def consent(api: BotApiDouble, chat: int, post: Callable[[dict[str, Any]], None] | None = None) -> None:
    """/start, then the consent button under the notice (pushed for polling, or ``post``ed)."""
    deliver = post or api.push_update
    before = len(api.sent(chat))
    deliver(numbered(api, api.message_update(chat, "/start")))
    api.wait_for(lambda: len(api.sent(chat)) > before, timeout=30)
    deliver(numbered(api, api.callback_update(chat, "consent", message=api.sent(chat)[-1])))
    api.wait_for(lambda: len(api.sent(chat)) > before + 1, timeout=30)


def ask_everyone(api: BotApiDouble, per_chat: int) -> dict[int, int]:
    """Each chat asks ``per_chat`` questions (pushed for ``getUpdates``); update id → chat."""
    return {api.push_update(api.message_update(chat, QUESTION)): chat for _ in range(per_chat) for chat in CHATS}


def answers(api: BotApiDouble, chat: int) -> list[SentMessage]:
    """The bot's answers in a chat (after the two consent messages)."""
    return api.sent(chat)[2:]


def wait_answered(api: BotApiDouble, asked: dict[int, int]) -> None:
    expected = Counter(asked.values())
    api.wait_for(lambda: all(len(answers(api, chat)) >= n for chat, n in expected.items()), timeout=90)


def assert_each_answered_once(api: BotApiDouble, asked: dict[int, int], database: Path, switch: KillSwitch) -> None:
    """One stored, delivered reply per update, and as many answers as questions in every chat as the SME
    sees it — but for an answer that was on the wire when the bot died (sent again after the restart)."""
    with sqlite3.connect(database) as connection:
        rows = connection.execute(
            "SELECT q.client_key, COUNT(a.id), MIN(a.delivered_at IS NOT NULL) FROM bot_messages q "
            "LEFT JOIN bot_messages a ON a.reply_to_id = q.id WHERE q.client_key LIKE 'telegram:%' GROUP BY q.id"
        ).fetchall()
        unhandled = connection.execute("SELECT COUNT(*) FROM bot_telegram_updates WHERE handled_at IS NULL").fetchone()
    stored = {int(key.split(":")[1]): (count, delivered) for key, count, delivered in rows}
    for update_id in asked:
        assert stored.get(update_id) == (1, 1), f"update {update_id}: (replies, delivered) = {stored.get(update_id)}"
    seen = Counter({chat: len(answers(api, chat)) for chat in CHATS})
    expected = Counter(asked.values())
    assert seen >= expected, "an SME saw fewer answers than it asked questions"
    twice = seen - expected
    assert twice <= switch.on_the_wire, f"answers sent twice {dict(twice)} beyond those on the wire at a kill"
    assert unhandled == (0,)


def numbered(api: BotApiDouble, update: dict[str, Any]) -> dict[str, Any]:
    """Give an update built for posting the next id (as ``push_update`` does for polled ones)."""
    with api._lock:
        api._last_update_id += 1
        update["update_id"] = api._last_update_id
    return update


def _post_then_kill(url: str, update: dict[str, Any], server: SportelloProcess) -> None:
    """Write a whole webhook POST on a raw socket, then SIGKILL the server without reading a byte."""
    body = json.dumps(update).encode()
    port = int(url.rsplit(":", 1)[1])
    head = (
        f"POST /telegram/webhook HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
        f"X-Telegram-Bot-Api-Secret-Token: {WEBHOOK_SECRET}\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(head.encode() + body)
        server.kill()
