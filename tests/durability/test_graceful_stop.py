"""SIGTERM stops ``sportello telegram`` and ``sportello serve`` gracefully: no new work, the running
turns finish within the grace period, then a clean exit; what is left is handled on the next start."""

from __future__ import annotations

import signal
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from doubles.network import free_port
from doubles.processes import SportelloProcess, sportello_env
from doubles.telegram_api import BotApiDouble
from doubles.telegram_crash import bot_env, consent

pytestmark = pytest.mark.integration

CHATS = (5201, 5202)
QUESTION = "Entro quando devo iscrivermi alla missione in Giappone?"
GRACE_BOUND = 25.0
"""The grace period (10 s) plus the time to close connections and the database, with room."""


@pytest.fixture
def api() -> Iterator[BotApiDouble]:
    with BotApiDouble() as double:
        yield double


def test_the_bot_stops_on_sigterm_and_the_next_start_answers_the_rest(tmp_path: Path, api: BotApiDouble) -> None:
    polls = [0]
    bot = SportelloProcess(
        ["telegram"], bot_env(tmp_path / "data", api), tmp_path / "bot.log",
        lambda: len(api.calls_to("getUpdates")) > polls[0],
    )  # fmt: skip
    bot.start()
    try:
        for chat in CHATS:
            consent(api, chat)
        asked = Counter({chat: 5 for chat in CHATS})
        for _ in range(5):
            for chat in CHATS:
                api.push_update(api.message_update(chat, QUESTION))
        api.wait_for(lambda: bool(api.calls_to("sendChatAction")), timeout=30)
        started = time.monotonic()
        assert bot.terminate(timeout=GRACE_BOUND) == 0, bot.tail()
        assert time.monotonic() - started < GRACE_BOUND
        polls[0] = len(api.calls_to("getUpdates"))
        bot.start()
        api.wait_for(lambda: all(len(api.sent(chat)) - 2 >= n for chat, n in asked.items()), timeout=60)
        assert {chat: len(api.sent(chat)) - 2 for chat in CHATS} == dict(asked)  # none twice
    finally:
        bot.kill()


def test_the_server_stops_on_sigterm_without_waiting_for_open_streams(tmp_path: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = SportelloProcess(
        ["serve"], sportello_env(tmp_path / "data", WEB__PORT=str(port)), tmp_path / "serve.log",
        lambda: httpx.get(f"{url}/readyz", timeout=1).status_code == 200,
    )  # fmt: skip
    server.start()
    try:
        token = httpx.post(f"{url}/api/sessions", json={"consent": True}).json()["token"]
        # A live events stream stays open: the grace period must end it, not wait for it forever.
        with httpx.stream("GET", f"{url}/api/events", headers={"Authorization": f"Bearer {token}"}, timeout=60):
            started = time.monotonic()
            # uvicorn re-raises SIGTERM once it has shut down cleanly: the exit status says "terminated".
            assert server.terminate(timeout=GRACE_BOUND) in (0, -signal.SIGTERM), server.tail()
            stopped_in = time.monotonic() - started
        assert stopped_in < 10, f"{stopped_in:.1f} s: the events stream held the shutdown to its grace period"
        assert "graceful shutdown exceeded" not in server.tail(200)
    finally:
        server.kill()
