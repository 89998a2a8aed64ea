"""The real python-telegram-bot library against the Bot API double on 127.0.0.1.

``bot_services``: the sample knowledge base behind the fake embedder, SQLite and embedded
Chroma, with a clock the tests can move (the outbox's retries wait on it). ``running_bot``
runs a ``TelegramChannel`` by long polling in its own thread and event loop, as
``sportello telegram`` does, while the test pushes updates into the double and reads what
the bot sent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from doubles.sample import SAMPLE_TODAY, fake_settings
from doubles.telegram_api import BotApiDouble
from doubles.telegram_bot import MovableClock, RunningBot, bot_config

from api.services import SAMPLE_KNOWLEDGE_DIR, Services, build_services
from api.telegram import telegram_deps
from bot.telegram.application import TelegramChannel


@pytest.fixture(scope="module")
def clock() -> MovableClock:
    return MovableClock(SAMPLE_TODAY)


@pytest.fixture(scope="module")
def bot_services(tmp_path_factory: pytest.TempPathFactory, clock: MovableClock) -> Iterator[Services]:
    """The sample knowledge base, fake embedder, SQLite, a movable clock (one per test module)."""
    services = build_services(fake_settings(tmp_path_factory.mktemp("telegram")), now=clock)
    assert services.ingest_pipeline().run([SAMPLE_KNOWLEDGE_DIR]).ok
    yield services
    services.close()


@pytest.fixture(scope="module")
def bot_api() -> Iterator[BotApiDouble]:
    """One double per module, like one bot's Telegram: update ids keep growing (the bot drops repeated ones)."""
    with BotApiDouble() as api:
        yield api


@pytest.fixture
def running_bot(bot_services: Services, bot_api: BotApiDouble) -> Iterator[Callable[..., RunningBot]]:
    """Start a polling bot (``**overrides`` change its configuration); stopped after the test."""
    started: list[RunningBot] = []

    def start(**overrides: Any) -> RunningBot:
        channel = TelegramChannel(telegram_deps(bot_services), bot_config(bot_api, **overrides), polling=True)
        bot = RunningBot(channel, bot_api)
        bot.start()
        started.append(bot)
        return bot

    yield start
    for bot in started:
        bot.stop()
