"""A language model's answer is shown as it grows: one message, edited, then the checked answer."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import replace

import pytest
from doubles.openai_server import OpenAIServerDouble
from doubles.telegram_api import BotApiDouble
from doubles.telegram_bot import RunningBot, bot_config

from api.services import Services, build_assistant
from api.telegram import telegram_deps
from bot.answers.composers.llm import LlmComposer, LlmConfig
from bot.conversation.front_door import FrontDoor
from bot.conversation.policy import Thresholds
from bot.telegram.application import TelegramChannel

ANSWER = (
    "Il programma rimborsa il 50% delle spese ammissibili, fino a 2.500 euro per PMI e per missione [1]. "
    "Il pagamento arriva con bonifico entro 90 giorni dalla ricezione della domanda completa [1]."
)


@pytest.fixture
def model() -> Iterator[OpenAIServerDouble]:
    with OpenAIServerDouble(reply=ANSWER, mode="slow", delay_seconds=0.12) as server:
        yield server


def test_a_streamed_answer_is_edited_in_place_then_finalised(
    bot_services: Services, bot_api: BotApiDouble, model: OpenAIServerDouble
) -> None:
    composer = LlmComposer(LlmConfig(base_url=model.base_url, model=model.model, timeout_seconds=10))
    assistant = build_assistant(bot_services, llm=composer)
    # With the fake embedder similarity means nothing: let the question reach the documents.
    assistant.config = replace(assistant.config, thresholds=Thresholds(answer=0.0, faq=1.01, router_strong=10,
                                                                       router_weak=10))  # fmt: skip
    deps = replace(telegram_deps(bot_services), assistant=assistant, front_door=FrontDoor(assistant))
    bot = RunningBot(TelegramChannel(deps, bot_config(bot_api, edit_interval_seconds=0.3), polling=True), bot_api)
    bot.start()
    try:
        chat = 7001
        count = len(bot.consent(chat))
        bot.say(chat, "Come si dimostra il pagamento delle spese?")
        bot_api.wait_for(lambda: any("Fonti:" in m.text for m in bot_api.sent(chat)), timeout=20)
    finally:
        bot.stop()
    [answer] = bot_api.sent(chat)[count:]
    assert answer.edits, "the message grew by edits"
    assert answer.edits[0].endswith("…") and len(answer.edits[0]) < len(answer.text)
    assert answer.text.startswith(ANSWER) and "Fonti:" in answer.text and answer.links
    edit_times = [c for c in bot_api.calls if c.method == "editMessageText" and c.params.get("chat_id") == chat]
    assert len(edit_times) >= 2
    assert all(b.at - a.at >= 0.25 for a, b in itertools.pairwise(edit_times))
