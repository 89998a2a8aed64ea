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

import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from doubles.processes import SportelloProcess
from doubles.telegram_api import BotApiDouble, SentMessage
from doubles.telegram_crash import (
    KillSwitch,
    TelegramPoster,
    bot_env,
    consent,
    numbered,
    post_then_kill,
    webhook_server,
)

pytestmark = pytest.mark.integration

CHATS = (5101, 5102, 5103, 5104)
QUESTION = "Entro quando devo iscrivermi alla missione in Giappone?"


@pytest.fixture
def api() -> Iterator[BotApiDouble]:
    with BotApiDouble() as double:
        yield double


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
    switch.window = answers_not_recorded(api, Path(polling_bot.env["SPORTELLO_DATA_DIR"]) / "sportello.db", switch)
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
def webhook(tmp_path: Path, api: BotApiDouble) -> Iterator[tuple[SportelloProcess, str]]:
    process, url = webhook_server(tmp_path / "data", api, tmp_path / "serve.log")
    process.start()
    yield process, url
    api.before_call = None
    process.kill()


def test_webhook_loses_no_acknowledged_update_and_answers_none_twice(
    webhook: tuple[SportelloProcess, str], api: BotApiDouble
) -> None:
    webhook_server, url = webhook
    poster = TelegramPoster(url, webhook_server)
    for chat in CHATS:
        consent(api, chat, poster.post)
    switch = KillSwitch(api, webhook_server)
    switch.window = answers_not_recorded(api, Path(webhook_server.env["SPORTELLO_DATA_DIR"]) / "sportello.db", switch)
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
    post_then_kill(url, update, webhook_server)
    poster.post(update)
    asked |= post_all(1)

    assert set(asked) <= poster.acknowledged
    wait_answered(api, asked)
    assert_each_answered_once(api, asked, Path(webhook_server.env["SPORTELLO_DATA_DIR"]) / "sportello.db", switch)


# -- helpers ----------------------------------------------------------------------------------


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
    deadline = time.monotonic() + 30
    while _unhandled(database) and time.monotonic() < deadline:  # the last handlers record their delivery
        time.sleep(0.05)
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


def _unhandled(database: Path) -> int:
    with sqlite3.connect(database) as connection:
        return int(
            connection.execute("SELECT COUNT(*) FROM bot_telegram_updates WHERE handled_at IS NULL").fetchone()[0]
        )


def answers_not_recorded(api: BotApiDouble, database: Path, switch: KillSwitch) -> Callable[[], Counter[int]]:
    """At a kill: per chat, an answer the SME already sees whose delivery the bot had not recorded.

    A chat's turns run one at a time, so at most its latest answer can be in that state:
    stored, not marked delivered, and shown — more answers shown than recorded, counting the
    repeats earlier kills already caused.
    """

    def window() -> Counter[int]:
        with sqlite3.connect(database) as connection:
            rows = connection.execute(
                "SELECT c.external_id, SUM(a.delivered_at IS NOT NULL), SUM(a.delivered_at IS NULL) "
                "FROM bot_messages a JOIN bot_conversations v ON v.id = a.conversation_id "
                "JOIN bot_contacts c ON c.id = v.contact_id WHERE a.reply_to_id IS NOT NULL GROUP BY c.external_id"
            ).fetchall()
        recorded = {int(chat): (int(done), int(pending)) for chat, done, pending in rows if chat.lstrip("-").isdigit()}
        counts: Counter[int] = Counter()
        for chat in CHATS:
            done, pending = recorded.get(chat, (0, 0))
            shown_unrecorded = len(answers(api, chat)) - done - switch.on_the_wire[chat]
            counts[chat] = max(0, min(pending, shown_unrecorded))
        return counts

    return window
