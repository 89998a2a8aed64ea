"""One SME turn on Telegram: consent first, then the assistant's reply sent as HTML with its buttons.

Thin over the front door (``bot.conversation.front_door``): the message goes in with its
update id as the idempotency key, so an update handled again after a crash finds its
stored turn — sent now if it was never sent, not at all if it was. This finds the chat's
conversation, shows "typing…", runs the turn off the event loop and sends the reply
(editing it as it grows when a language model streams), then records the delivery.
"""

from __future__ import annotations

import asyncio
import logging
import time

from telegram import Bot, Chat, InlineKeyboardMarkup, LinkPreviewOptions, Message, ReplyParameters, User
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest

from bot.conversation.inbox import Inbound
from bot.conversation.phrases import say
from bot.conversation.records import StoredContact
from bot.conversation.replies import DoneEvent, Event, Reply, TokenEvent
from bot.telegram import keyboards
from bot.telegram.config import CHANNEL, TelegramConfig, TelegramDeps
from bot.telegram.formatting import escape, reply_messages
from bot.telegram.texts import LANGUAGES, text

log = logging.getLogger(__name__)

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
_FEEDBACK_OUTCOMES = ("answered", "faq", "catalog", "not_found")
_FOLLOW_UP_OUTCOMES = ("answered", "catalog")


def user_language(user: User | None, fallback: str = "it") -> str:
    """The Telegram app's language when we speak it (``en-GB`` → ``en``)."""
    code = (user.language_code or "")[:2] if user else ""
    return code if code in LANGUAGES else fallback


class Conversations:
    """Turns of SMEs' chats through the assistant."""

    def __init__(self, deps: TelegramDeps, config: TelegramConfig) -> None:
        self.deps = deps
        self.config = config
        self.door = deps.front_door

    async def contact(self, chat: Chat) -> StoredContact | None:
        """The chat's contact, if it exists."""
        return await asyncio.to_thread(self.door.contact, CHANNEL, str(chat.id))

    async def caller(
        self, chat: Chat, user: User | None, chat_data: dict[str, object]
    ) -> tuple[StoredContact | None, str]:
        """The chat's contact (one lookup) and the interface language: chosen with /lingua, else the app's."""
        contact = await self.contact(chat)
        chosen = contact.language if contact and contact.language else chat_data.get("language")
        return contact, chosen if isinstance(chosen, str) and chosen in LANGUAGES else user_language(user)

    async def language(self, chat: Chat, user: User | None, chat_data: dict[str, object]) -> str:
        """The interface language (see ``caller``)."""
        return (await self.caller(chat, user, chat_data))[1]

    async def conversation(self, chat: Chat, user: User | None, language: str) -> int:
        """The chat's conversation (started on first use)."""
        existing = await asyncio.to_thread(self.door.conversation_of, CHANNEL, str(chat.id))
        if existing is not None:
            return existing
        name = chat.title if chat.type != Chat.PRIVATE else (user.full_name if user else None)
        return await asyncio.to_thread(self.door.start, CHANNEL, str(chat.id), name, language)

    async def ask_consent(self, bot: Bot, chat: Chat, language: str) -> None:
        """Welcome, privacy notice and the accept button."""
        parts = [escape(text("welcome", language)), escape(say("privacy_notice", language))]
        if self.config.privacy_url:
            parts.append(f'<a href="{escape(self.config.privacy_url)}">{escape(text("privacy_policy", language))}</a>')
        body = "\n\n".join([*parts, escape(text("consent_ask", language))])
        await bot.send_message(chat.id, body, parse_mode=ParseMode.HTML, reply_markup=keyboards.consent(language))

    async def give_consent(self, chat: Chat, user: User | None, language: str) -> int:
        """Record the accepted notice; returns the conversation."""
        name = chat.title if chat.type != Chat.PRIVATE else (user.full_name if user else None)
        await asyncio.to_thread(self.door.consent, CHANNEL, str(chat.id), name, language)
        return await self.conversation(chat, user, language)

    async def turn(
        self, bot: Bot, chat: Chat, user: User | None, question: str, *, language: str, key: str,
        reply_to: int | None = None,
    ) -> Reply:  # fmt: skip
        """The assistant's reply to ``question`` (``key``: the update's idempotency key), sent to the chat once."""
        door = self.door
        conversation = await self.conversation(chat, user, language)
        inbound = await asyncio.to_thread(door.accept, conversation, question, key)
        # A message just stored has no reply yet; one handled again after a crash may have.
        stored, delivered = (None, False) if inbound.created else await asyncio.to_thread(door.delivery, inbound)
        if stored is not None and delivered:
            return stored  # handled before a crash: the SME has it
        if stored is not None:
            reply = stored  # answered before a crash, never sent
            await self.send_reply(bot, chat.id, reply, conversation, reply_to=reply_to)
        elif self.deps.assistant.streams_from_model:
            await bot.send_chat_action(chat.id, ChatAction.TYPING)
            reply = await self._streamed(bot, chat.id, conversation, inbound, reply_to)
        else:
            await bot.send_chat_action(chat.id, ChatAction.TYPING)
            reply = await asyncio.to_thread(door.reply, inbound)
            await self.send_reply(bot, chat.id, reply, conversation, reply_to=reply_to)
        await asyncio.to_thread(door.mark_delivered, reply)
        return reply

    async def send_reply(
        self, bot: Bot, chat_id: int, reply: Reply, conversation: int, *, reply_to: int | None = None,
        first: Message | None = None,
    ) -> None:  # fmt: skip
        """The reply as HTML messages, buttons under the last one (``first``: a message to turn into the first part)."""
        parts = reply_messages(reply.body or reply.text, reply.citations, reply.language)
        markup = await self._buttons(reply, conversation)
        quote = ReplyParameters(message_id=reply_to, allow_sending_without_reply=True) if reply_to else None
        for index, html in enumerate(parts):
            last = index == len(parts) - 1
            if index == 0 and first is not None:
                try:
                    await first.edit_text(html, parse_mode=ParseMode.HTML, reply_markup=markup if last else None,
                                          link_preview_options=NO_PREVIEW)  # fmt: skip
                except BadRequest as exc:
                    if "not modified" not in str(exc).lower():
                        raise
                continue
            await bot.send_message(
                chat_id, html, parse_mode=ParseMode.HTML, reply_markup=markup if last else None,
                link_preview_options=NO_PREVIEW, reply_parameters=quote if index == 0 else None,
            )  # fmt: skip

    async def _buttons(self, reply: Reply, conversation: int) -> InlineKeyboardMarkup | None:
        if reply.options:
            return keyboards.after_answer(reply.language, reply.message_id, options=reply.options)
        if reply.decision == "handoff" or reply.outcome in ("refused", "deescalate"):
            return None
        feedback = reply.outcome in _FEEDBACK_OUTCOMES
        follow_ups = False
        if reply.outcome in _FOLLOW_UP_OUTCOMES:
            stored = await asyncio.to_thread(self.door.conversation, conversation)
            state = stored.state if stored is not None else {}
            follow_ups = len(state.get("topic", {}).get("entries", [])) == 1
        return keyboards.after_answer(reply.language, reply.message_id if feedback else 0, follow_ups=follow_ups)

    async def _streamed(
        self, bot: Bot, chat_id: int, conversation: int, inbound: Inbound, reply_to: int | None
    ) -> Reply:
        """A language model's answer shown as it grows: one message, edited at most every
        ``edit_interval_seconds`` (Telegram limits edits), then replaced by the checked text."""
        loop = asyncio.get_running_loop()
        events: asyncio.Queue[Event | None] = asyncio.Queue()

        def produce() -> None:
            try:
                for event in self.deps.front_door.events(inbound):
                    loop.call_soon_threadsafe(events.put_nowait, event)
            finally:
                loop.call_soon_threadsafe(events.put_nowait, None)

        producer = asyncio.create_task(asyncio.to_thread(produce))
        draft, shown, message = "", "", None
        last_edit = 0.0
        reply: Reply | None = None
        while (event := await events.get()) is not None:
            if isinstance(event, DoneEvent):
                reply = event.reply
            elif isinstance(event, TokenEvent) and event.part == "answer":
                draft += event.text
                if time.monotonic() - last_edit >= self.config.edit_interval_seconds and draft.strip() != shown:
                    shown = draft.strip()
                    preview = escape(shown[-3500:]) + " …"
                    if message is None:
                        message = await bot.send_message(chat_id, preview, parse_mode=ParseMode.HTML,
                                                         link_preview_options=NO_PREVIEW)  # fmt: skip
                    else:
                        await message.edit_text(preview, parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW)
                    last_edit = time.monotonic()
        await producer
        assert reply is not None  # the assistant always ends with ``done``
        if message is not None:  # the final edit respects the pace too
            await asyncio.sleep(max(0.0, self.config.edit_interval_seconds - (time.monotonic() - last_edit)))
        await self.send_reply(bot, chat_id, reply, conversation, reply_to=reply_to, first=message)
        return reply
