"""Telegram HTML (escaping, links, the 4,096 limit) and the send throttle, without a network."""

from __future__ import annotations

import asyncio
import html
import itertools
import re

import pytest

from bot.answers.composers.base import Citation
from bot.telegram.delivery import SendThrottle
from bot.telegram.formatting import MESSAGE_LIMIT, escape, pack, plain_messages, reply_messages, utf16_length
from bot.telegram.keyboards import Callback, entry_key

HOSTILE = '<script>alert("x")</script> & &amp; <b>bold</b> <a href="javascript:alert(1)">x</a> 1 < 2 > 0'


def citation(n: int, title: str = "Regolamento", url: str | None = "https://cluster.example/r?a=1&b=2") -> Citation:
    return Citation(n=n, title=title, section="Art. 3", page=2, url=url, source="r.pdf", chunk_id=f"c{n}",
                    language="it")  # fmt: skip


def visible(message: str) -> str:
    """What Telegram shows: tags removed, entities decoded (the double checks the real parsing)."""
    return html.unescape(re.sub(r"<[^>]+>", "", message))


def tags(message: str) -> set[str]:
    return {m.group(1) for m in re.finditer(r"</?([a-z]+)", message)}


def test_hostile_text_is_escaped_and_shown_as_written() -> None:
    [message] = reply_messages(HOSTILE, [], "it")
    assert tags(message) == set()
    assert visible(message) == HOSTILE


def test_sources_become_links_and_only_web_urls_link() -> None:
    citations = [citation(1), citation(2, title="Evil <i>title</i>", url="javascript:alert(1)"),
                 Citation(3, "Briefing", "", None, "https://x.example", "b.md", "c3", "en")]  # fmt: skip
    answer = "Il rimborso è del 70% [1]."
    [message] = reply_messages(answer, citations, "it")
    assert message.startswith(escape(answer))
    assert message.count("Fonti:") == 1
    assert '<a href="https://cluster.example/r?a=1&amp;b=2">Regolamento — Art. 3, p. 2</a>' in message
    assert "javascript" not in message.split("[2]")[1].split("[3]")[0].split('"')[0]
    assert "Evil &lt;i&gt;title&lt;/i&gt;" in message and '<a href="javascript' not in message
    assert "(fonte in inglese)" in message
    assert tags(message) == {"a", "b"}


def test_a_long_answer_is_split_under_the_limit_without_breaking_markup() -> None:
    paragraph = ("Le spese di viaggio sono rimborsate al 70% & entro i massimali <previsti>. " * 12).strip()
    text = "\n\n".join(f"{i}. {paragraph}" for i in range(12))
    citations = [citation(i) for i in range(1, 4)]
    messages = reply_messages(text, citations, "it")
    assert len(messages) >= 3
    assert all(utf16_length(m) <= MESSAGE_LIMIT for m in messages)
    assert "\n\n".join(visible(m) for m in messages).replace("\n\n", "").startswith(text.replace("\n\n", "")[:500])
    assert all(m.count("<a ") == m.count("</a>") for m in messages)
    assert "Fonti:" in messages[-1]


def test_one_huge_paragraph_and_emoji_are_cut_within_the_limit() -> None:
    text = ("😀 <&> " * 3000).strip()  # emoji count twice in UTF-16
    messages = plain_messages(text, heading="Anna <staff>")
    assert messages[0].startswith("<b>Anna &lt;staff&gt;</b>")
    assert all(utf16_length(m) <= MESSAGE_LIMIT for m in messages)
    assert all("&" not in re.sub(r"&(lt|gt|amp);", "", m) for m in messages)  # no entity cut in half
    assert "".join(visible(m) for m in messages[1:]).replace(" ", "") == text.replace(" ", "")


def test_pack_keeps_blocks_whole_when_they_fit() -> None:
    assert pack(["a", "b"], limit=10) == ["a\n\nb"]
    assert pack(["aaaa", "bbbb"], limit=8) == ["aaaa", "bbbb"]
    assert pack([], limit=10) == []


def test_callback_data_parses_and_entry_keys_fit() -> None:
    assert Callback.parse("fb:u:12") == Callback("fb", ("u", "12"))
    assert Callback.parse(None).verb == ""
    assert Callback.parse("opt").arg(3) == ""
    assert len(f"e:{entry_key('x' * 500)}".encode()) <= 64


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_throttle_keeps_overall_and_per_chat_rates() -> None:
    fake = FakeTime()
    throttle = SendThrottle(30, 1.0, clock=fake.clock, sleep=fake.sleep)
    sends: list[tuple[float, str]] = []

    async def run() -> None:
        for i in range(90):
            chat = str(i)
            await throttle.acquire(chat)
            sends.append((fake.now, chat))
        for _ in range(3):
            await throttle.acquire("7")
            sends.append((fake.now, "7"))

    asyncio.run(run())
    times = [t for t, _ in sends]
    assert all(sum(1 for u in times if t <= u < t + 1.0) <= 30 for t in times)
    assert times[89] == pytest.approx(2.0)
    own = [t for t, chat in sends if chat == "7"]
    assert all(b - a >= 1.0 for a, b in itertools.pairwise(own))


def test_throttle_pauses_everything_when_telegram_says_so() -> None:
    fake = FakeTime()
    throttle = SendThrottle(30, 1.0, clock=fake.clock, sleep=fake.sleep)
    throttle.pause(5)
    asyncio.run(throttle.acquire("1"))
    assert fake.now == pytest.approx(5.0)
