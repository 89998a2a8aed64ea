"""The Bot API double answers the real python-telegram-bot as Telegram would (it is what the Telegram tests trust)."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator

import httpx
import pytest
from doubles.telegram_api import BotApiDouble
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, InvalidToken, RetryAfter
from telegram.ext import ApplicationBuilder, CommandHandler, ContextTypes

CHAT = 42


@pytest.fixture
def api() -> Iterator[BotApiDouble]:
    with BotApiDouble() as double:
        yield double


def bot_for(api: BotApiDouble, token: str | None = None) -> Bot:
    return Bot(token or api.token, base_url=f"{api.root}/bot", base_file_url=f"{api.root}/file/bot")


def test_get_me_is_the_bot_user(api: BotApiDouble) -> None:
    async def scenario() -> None:
        async with bot_for(api) as bot:
            me = await bot.get_me()
            assert (me.id, me.username, me.is_bot) == (api.bot_id, api.bot_username, True)

    asyncio.run(scenario())
    assert api.calls[0].method == "getMe"


def test_a_wrong_token_is_unauthorized(api: BotApiDouble) -> None:
    async def scenario() -> None:
        # Entering the bot calls getMe (and closes its connections when that fails).
        with pytest.raises(InvalidToken, match="rejected by the server"):
            async with bot_for(api, token="1:WRONG"):
                pass

    asyncio.run(scenario())
    raw = httpx.post(f"{api.root}/bot1:WRONG/getMe")
    assert raw.status_code == 401
    assert raw.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}


def test_an_unknown_method_is_not_found_and_json_bodies_are_accepted(api: BotApiDouble) -> None:
    unknown = httpx.post(f"{api.root}/bot{api.token}/sendTelepathy", json={"chat_id": CHAT})
    assert unknown.status_code == 404
    assert unknown.json() == {"ok": False, "error_code": 404, "description": "Not Found: method not found"}
    sent = httpx.post(f"{api.root}/bot{api.token}/sendMessage", json={"chat_id": CHAT, "text": "[1] ciao"})
    assert sent.json()["result"]["text"] == "[1] ciao"


def test_html_is_recorded_as_plain_text_with_its_links(api: BotApiDouble) -> None:
    html = 'Il <b>Bando Export</b> &amp; altro: <a href="https://example.it/b?x=1&amp;y=2">scheda</a> 😀'
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Sì", callback_data="yes")]])

    async def scenario() -> None:
        async with bot_for(api) as bot:
            message = await bot.send_message(CHAT, html, parse_mode=ParseMode.HTML, reply_markup=keyboard)
            assert message.message_id == 1000 and message.chat.type == "private"
            assert message.text == "Il Bando Export & altro: scheda 😀"
            assert [(e.type, e.url) for e in message.entities] == [
                ("bold", None),
                ("text_link", "https://example.it/b?x=1&y=2"),
            ]
            assert message.reply_markup == keyboard

    asyncio.run(scenario())
    [sent] = api.sent(CHAT)
    assert sent.text == "Il Bando Export & altro: scheda 😀"
    assert sent.html == html and sent.parse_mode == "HTML"
    assert sent.links == ["https://example.it/b?x=1&y=2"]
    assert sent.reply_markup == {"inline_keyboard": [[{"text": "Sì", "callback_data": "yes"}]]}
    # Nested values arrive JSON-encoded inside the form; the double decodes them.
    assert api.calls_to("sendMessage")[0]["chat_id"] == CHAT


# PTB strips "Bad Request: " from the description and capitalizes the rest, hence the (?i).
@pytest.mark.parametrize(
    "html",
    ["<b>non chiuso", "1 < 2", "riga<br>riga", "&nbsp;", "A & B", "<b><i>x</b></i>", '<span class="x">s</span>'],
)
def test_malformed_html_is_a_bad_request(api: BotApiDouble, html: str) -> None:
    async def scenario() -> None:
        async with bot_for(api) as bot:
            with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
                await bot.send_message(CHAT, html, parse_mode=ParseMode.HTML)

    asyncio.run(scenario())
    assert api.sent() == []


def test_length_counts_utf16_units_after_parsing(api: BotApiDouble) -> None:
    async def scenario() -> None:
        async with bot_for(api) as bot:
            await bot.send_message(CHAT, "<b>" + "a" * 4096 + "</b>", parse_mode=ParseMode.HTML)
            with pytest.raises(BadRequest, match=r"(?i)message is too long"):
                await bot.send_message(CHAT, "a" * 4097)
            with pytest.raises(BadRequest, match=r"(?i)message is too long"):
                await bot.send_message(CHAT, "😀" * 2049)
            with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
                await bot.send_message(CHAT, "<b></b>", parse_mode=ParseMode.HTML)

    asyncio.run(scenario())
    assert len(api.sent(CHAT)) == 1


def test_scripted_failures_raise_what_telegram_would(api: BotApiDouble, monkeypatch: pytest.MonkeyPatch) -> None:
    # Without it, reading RetryAfter.retry_after emits PTBDeprecationWarning (an int today, a timedelta in v23).
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    api.fail_next("sendMessage", error_code=429, description="Too Many Requests: retry after 3", retry_after=3)
    api.fail_next("sendMessage", error_code=403, description="Forbidden: bot was blocked by the user", chat_id=7)

    async def scenario() -> None:
        async with bot_for(api) as bot:
            with pytest.raises(RetryAfter) as flood:
                await bot.send_message(CHAT, "uno")
            assert flood.value.retry_after == dt.timedelta(seconds=3)
            await bot.send_message(CHAT, "due")
            with pytest.raises(Forbidden, match="bot was blocked by the user"):
                await bot.send_message(7, "tre")
            await bot.send_message(7, "quattro")

    asyncio.run(scenario())
    assert [m.text for m in api.sent()] == ["due", "quattro"]
    assert len(api.calls_to("sendMessage")) == 4


def test_edits_are_validated_and_kept(api: BotApiDouble) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Sì", callback_data="yes")]])

    async def scenario() -> None:
        async with bot_for(api) as bot:
            message = await bot.send_message(CHAT, "Attendi…", reply_markup=keyboard)
            with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
                await bot.edit_message_text("Attendi…", CHAT, message.message_id, reply_markup=keyboard)
            edited = await bot.edit_message_text("<i>Fatto</i>", CHAT, message.message_id, parse_mode=ParseMode.HTML)
            assert isinstance(edited, Message) and edited.text == "Fatto" and edited.reply_markup is None
            with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
                await bot.edit_message_text("x", CHAT, 1)

    asyncio.run(scenario())
    [sent] = api.sent(CHAT)
    assert (sent.text, sent.edits, sent.reply_markup) == ("Fatto", ["Fatto"], None)


def test_get_updates_confirms_by_offset_and_parses(api: BotApiDouble) -> None:
    command = api.message_update(CHAT, "/start@sportello_test_bot ciao 😀 @anna_rossi")
    first = api.push_update(command)

    async def scenario() -> None:
        async with bot_for(api) as bot:
            [update] = await bot.get_updates(timeout=1)
            assert update.message is not None and update.message.entities[0].type == "bot_command"
            assert update.message.parse_entities(["bot_command", "mention"]) == {
                update.message.entities[0]: "/start@sportello_test_bot",
                update.message.entities[1]: "@anna_rossi",
            }
            keyboard = InlineKeyboardMarkup.from_button(InlineKeyboardButton("A", callback_data="a"))
            sent = await bot.send_message(CHAT, "Scegli", reply_markup=keyboard)
            api.push_update(api.callback_update(CHAT, "a", message=api.sent(CHAT)[0]))
            # Not confirmed yet: the command comes again, with the callback.
            command_again, press = await bot.get_updates(timeout=1)
            assert command_again.update_id == first
            assert press.callback_query is not None and press.callback_query.data == "a"
            assert press.callback_query.message is not None
            assert press.callback_query.message.message_id == sent.message_id
            assert await bot.get_updates(offset=press.update_id + 1, timeout=1) == ()
            api.push_update(command)  # Telegram redelivering the same update
            [redelivered] = await bot.get_updates(offset=press.update_id + 1, timeout=0)
            assert redelivered.update_id == first

    asyncio.run(scenario())


def test_long_polling_wakes_when_an_update_is_pushed(api: BotApiDouble) -> None:
    async def scenario() -> tuple[Update, ...]:
        async with bot_for(api) as bot:
            poll = asyncio.create_task(bot.get_updates(timeout=1))
            await asyncio.sleep(0.1)
            api.push_update(api.message_update(CHAT, "ciao"))
            return await asyncio.wait_for(poll, timeout=0.3)

    [update] = asyncio.run(scenario())
    assert update.message is not None and update.message.text == "ciao"


def test_an_application_polls_and_replies(api: BotApiDouble) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        await update.message.reply_text("Ciao, sono Sportello.")

    async def scenario() -> None:
        app = ApplicationBuilder().token(api.token).base_url(f"{api.root}/bot").base_file_url(f"{api.root}/file/bot")
        application = app.build()
        application.add_handler(CommandHandler("start", start))
        async with application:
            assert application.updater is not None
            await application.updater.start_polling(poll_interval=0.0, timeout=1)
            await application.start()
            api.push_update(api.message_update(CHAT, "/start"))
            await asyncio.to_thread(api.wait_for, lambda: bool(api.sent(CHAT)), 3)
            await application.updater.stop()
            await application.stop()

    asyncio.run(scenario())
    [reply] = api.sent(CHAT)
    assert reply.text == "Ciao, sono Sportello."
    assert api.calls_to("deleteWebhook") and api.calls_to("getUpdates")[-1]["offset"] == 2
