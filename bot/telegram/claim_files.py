"""Reimbursement claims on Telegram: the documents and photos an SME sends, ``/pratica`` and the
claim's buttons. Thin over ``ClaimDesk`` (bot/claims/desk.py), which makes each step durable.

What is decided here, and why:

- Only a private chat of an SME who accepted the privacy notice gives files to a claim. Without
  consent nothing is downloaded or kept, and the SME is told so above the notice: a text question
  may wait in the database for the consent, a receipt (a company's card, a traveller's name) may
  not. In a group the bot answers only when addressed (a caption mentioning it, a reply to it),
  asking for a private chat, and keeps nothing; files in the staff group are the staff's own.
- A document (PDF, DOCX, a JPEG/PNG sent as a file) or a photo, of which only the largest size is
  the picture (the others are Telegram's thumbnails, too small to read). Its declared size is
  checked before anything is downloaded, against the claim's limit and Telegram's 20 MB for bots,
  and again once ``getFile`` and the download say what it really is. What kind of file it is, the
  reader decides from the bytes: the name and MIME type are the sending app's guess and only name
  the file. An animation (a GIF) is not a receipt: it gets the "I read text" answer of stickers.
- The file is stored under ``tg:<chat>:<message>``, then read in a worker thread (the reading runs
  in a child process). The message saying what was read is the desk's, queued in the outbox in the
  reading's transaction: nothing about a stored file is sent from here, so the SME hears it once,
  after a crash too (the stored update is handled again, ``receive`` finds the file, ``read``
  returns the message it stored without queueing it again). A refusal before storing (too large,
  empty, too many files) is sent from here: nothing was stored, so there is nothing to record.
- The reading takes seconds and one chat's updates run in order, so a "check" pressed while files
  are still being read waits for them: the checklist counts every file sent before it.
- Buttons: "check" (and ``/pratica``) reviews the claim under the update's key: each press is a
  fresh checklist, the same update handled twice gives one. "Submit" uses the key of the message
  it sits under, so a double tap sends the claim and tells the SME once. A mission choice travels
  as the entry's ten-digit key and is looked up in the catalog; the desk accepts only a claimable
  mission. Each callback is answered before the desk's work, which may read waiting files.
- A caption is not read as a question: the file is the message.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from telegram import Bot, Message, MessageEntity, ReplyParameters, Update
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.claims.desk import MIB, ClaimDesk, ClaimFileRefusedError, Told
from bot.conversation.phrases import say
from bot.telegram import keyboards
from bot.telegram.config import CHANNEL, TelegramDeps
from bot.telegram.conversation import Conversations
from bot.telegram.formatting import escape
from bot.telegram.staff_group import StaffGroup
from bot.telegram.texts import text
from knowledge.catalog import Mission

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
TELEGRAM_DOWNLOAD_MB = 20
"""Telegram lets a bot download files of up to 20 MB (``getFile`` answers "file is too big")."""


@dataclass(frozen=True)
class Attachment:
    """The file of a message, as Telegram describes it before it is downloaded."""

    file_id: str
    declared_size: int | None
    name: str
    media_type: str


def attachment_of(message: Message) -> Attachment | None:
    """A photo's largest size, or the document; ``None`` for anything else."""
    if message.photo:
        largest = max(message.photo, key=lambda size: (size.width * size.height, size.file_size or 0))
        # Telegram re-encodes every photo as a JPEG and gives it no name.
        return Attachment(largest.file_id, largest.file_size, f"foto-{message.message_id}.jpg", "image/jpeg")
    document = message.document
    if document is None:
        return None
    name = document.file_name or f"documento-{message.message_id}"
    return Attachment(document.file_id, document.file_size, name, document.mime_type or "application/octet-stream")


class ClaimFiles:
    """Files into the SME's claim, and the claim's buttons and command."""

    def __init__(self, deps: TelegramDeps, chats: Conversations, staff: StaffGroup) -> None:
        self.deps = deps
        self.chats = chats
        self.staff = staff

    # -- files ----------------------------------------------------------------------------------

    async def on_file(self, update: Update, context: Context) -> None:
        """A document or a photo: stored in the sender's claim and read (see the module's docstring)."""
        message, chat, user = update.effective_message, update.effective_chat, update.effective_user
        desk = self.deps.claims
        if message is None or chat is None or desk is None or self.staff.is_staff_chat(chat.id):
            return
        chat_data = context.chat_data if context.chat_data is not None else {}
        if chat.type != ChatType.PRIVATE:
            if _addressed(message, context.bot.username, context.bot.id):
                language = await self.chats.language(chat, user, chat_data)
                await _send(context.bot, chat.id, say("claim_refused_not_private", language), message.message_id)
            return
        contact, language = await self.chats.caller(chat, user, chat_data)
        if contact is None or contact.consent_at is None:
            await _send(context.bot, chat.id, text("claim_file_not_kept", language))
            await self.chats.ask_consent(context.bot, chat, language)
            return
        attachment = attachment_of(message)
        if attachment is None:
            return
        data = await self._download(context.bot, chat.id, attachment, desk, language)
        if data is None:
            return
        conversation = await self.chats.conversation(chat, user, language)
        key = f"tg:{chat.id}:{message.message_id}"
        try:
            stored, _new = await asyncio.to_thread(
                desk.receive, conversation, CHANNEL, key, name=attachment.name, media_type=attachment.media_type,
                data=data,
            )  # fmt: skip
        except ClaimFileRefusedError as error:
            await _send(context.bot, chat.id, refusal_text(error, desk, language))
            return
        await context.bot.send_chat_action(chat.id, ChatAction.TYPING)
        await asyncio.to_thread(desk.read, stored)  # its message is queued in the outbox with the reading

    async def _download(
        self, bot: Bot, chat_id: int, attachment: Attachment, desk: ClaimDesk, language: str
    ) -> bytes | None:
        """The file's bytes, or ``None`` once the SME was told it is too large (sizes checked first)."""
        limit_mb = min(desk.max_file_mb, TELEGRAM_DOWNLOAD_MB)
        limit = limit_mb * MIB
        too_large = say("claim_refused_too_large", language, mb=limit_mb)
        if (attachment.declared_size or 0) > limit:
            await _send(bot, chat_id, too_large)
            return None
        try:
            file = await bot.get_file(attachment.file_id)
        except BadRequest as exc:
            if "too big" not in str(exc).lower():
                raise
            await _send(bot, chat_id, too_large)
            return None
        if (file.file_size or 0) > limit:
            await _send(bot, chat_id, too_large)
            return None
        data = bytes(await file.download_as_bytearray())
        if len(data) > limit:  # neither size was declared
            await _send(bot, chat_id, too_large)
            return None
        return data

    # -- /pratica and the buttons ---------------------------------------------------------------

    async def on_command(self, update: Update, context: Context) -> None:
        """``/pratica``: the claim checked now (or, with no file yet, how to start one)."""
        chat, user = update.effective_chat, update.effective_user
        desk = self.deps.claims
        if chat is None or self.staff.is_staff_chat(chat.id):
            return
        chat_data = context.chat_data if context.chat_data is not None else {}
        contact, language = await self.chats.caller(chat, user, chat_data)
        if desk is None:  # a bot without the claim desk: what it does is in /help
            await _send(context.bot, chat.id, text("help", language))
            return
        if chat.type != ChatType.PRIVATE:
            await _send(context.bot, chat.id, say("claim_refused_not_private", language))
            return
        if contact is None or contact.consent_at is None:
            await self.chats.ask_consent(context.bot, chat, language)
            return
        conversation = await self.chats.conversation(chat, user, language)
        await context.bot.send_chat_action(chat.id, ChatAction.TYPING)
        await asyncio.to_thread(desk.check, conversation, f"claim:check:tg:{update.update_id}")

    async def on_button(self, update: Update, context: Context, pressed: keyboards.Callback, language: str) -> None:
        """A claim button (``claim:check``, ``claim:submit:<claim>``, ``claim:m:<key>:<claim>``) of a
        consenting SME; "send" or a mission under an older claim's message is an expired button."""
        query, chat = update.callback_query, update.effective_chat
        if query is None or chat is None:
            return
        desk = self.deps.claims
        conversation = await asyncio.to_thread(self.chats.door.conversation_of, CHANNEL, str(chat.id))
        step = None
        if desk is not None and conversation is not None:
            step = await self._step(desk, conversation, pressed, update)
        if step is None:
            await query.answer(text("expired_button", language))
            return
        await query.answer()
        await context.bot.send_chat_action(chat.id, ChatAction.TYPING)
        await asyncio.to_thread(step)  # the desk's message is queued in the outbox with its work

    async def _step(
        self, desk: ClaimDesk, conversation: int, pressed: keyboards.Callback, update: Update
    ) -> Callable[[], Told] | None:
        action = pressed.arg(0)
        if action == "check":
            return partial(desk.check, conversation, f"claim:check:tg:{update.update_id}")
        if not await self._current(desk, conversation, pressed.arg(1 if action == "submit" else 2)):
            return None
        if action == "submit":
            query = update.callback_query
            under = query.message.message_id if query is not None and query.message is not None else None
            key = f"claim:submit:tg:m{under}" if under is not None else f"claim:submit:tg:{update.update_id}"
            return partial(desk.submit, conversation, key)
        if action == "m":
            mission = await self._mission(pressed.arg(1))
            if mission is not None:
                return partial(desk.choose_mission, conversation, mission.id, f"claim:mission:tg:{update.update_id}")
        return None

    @staticmethod
    async def _current(desk: ClaimDesk, conversation: int, claim: str) -> bool:
        """Whether a button's claim is the conversation's current one (a button sent before claims
        carried their id acts on the current claim)."""
        if not claim:
            return True
        current = await asyncio.to_thread(desk.claims.claim_of, conversation)
        return current is not None and str(current.id) == claim

    async def _mission(self, key: str) -> Mission | None:
        """The catalog's mission whose ten-digit key a button carries."""
        catalog = await asyncio.to_thread(self.deps.assistant.catalog_desk)
        entries = (record.entry for record in catalog.records)
        return next((e for e in entries if isinstance(e, Mission) and keyboards.entry_key(e.id) == key), None)


def refusal_text(error: ClaimFileRefusedError, desk: ClaimDesk, language: str) -> str:
    """What the SME reads about a file refused before it was stored (Telegram's own 20 MB cap included)."""
    return desk.refusal_message(error, language, max_file_mb=TELEGRAM_DOWNLOAD_MB)


def _addressed(message: Message, username: str, bot_id: int) -> bool:
    """In a group: whether the file's caption mentions the bot, or the message replies to it."""
    mention = f"@{username}".casefold()
    if any(value.casefold() == mention for value in message.parse_caption_entities([MessageEntity.MENTION]).values()):
        return True
    replied = message.reply_to_message
    return replied is not None and replied.from_user is not None and replied.from_user.id == bot_id


async def _send(bot: Bot, chat_id: int, body: str, reply_to: int | None = None) -> None:
    quote = ReplyParameters(message_id=reply_to, allow_sending_without_reply=True) if reply_to else None
    await bot.send_message(chat_id, escape(body), parse_mode=ParseMode.HTML, reply_parameters=quote)
