"""The bot's handlers: commands, messages, buttons, and what happens when one fails.

Registered once by ``application.build_application`` for both polling and webhook mode.
Each handler is thin: it reads the update, then calls ``Conversations`` (SME turns), the
staff group, the claim desk (``claim_files``: documents, photos, ``/pratica``, claim buttons)
the alerts menu (``alerts_menu``) or the front door (contacts, feedback) — never the
conversation store.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram import Chat, Message, MessageEntity, Update
from telegram.constants import ChatType, ParseMode
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.conversation.phrases import say
from bot.telegram import keyboards
from bot.telegram.alerts_menu import AlertsMenu
from bot.telegram.claim_files import ClaimFiles
from bot.telegram.config import CHANNEL, TelegramConfig, TelegramDeps
from bot.telegram.conversation import Conversations, user_language
from bot.telegram.formatting import escape
from bot.telegram.staff_group import StaffGroup
from bot.telegram.texts import COMMANDS, LANGUAGES, text
from knowledge.catalog import Call, Mission
from knowledge.countries import countries_in
from knowledge.language import detect_language

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
_STATE_ICONS = {"open": "🟢", "closing_soon": "🟠", "upcoming": "🔜"}
ERRORS_BEFORE_HANDOFF = 2


class TelegramHandlers:
    """Every handler of the bot, sharing the channel's services."""

    def __init__(self, deps: TelegramDeps, config: TelegramConfig) -> None:
        self.deps = deps
        self.config = config
        self.chats = Conversations(deps, config)
        self.staff = StaffGroup(deps, config)
        self.claim_files = ClaimFiles(deps, self.chats, self.staff)
        self.alerts = AlertsMenu(deps, self.chats, self.staff)

    def register(self, application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        """Add the handlers (a duplicate update never reaches them: ``receiving`` handles each once)."""
        commands = {
            "start": self.start, "help": self.help, "bandi": self.offers, "operatore": self.person,
            "avvisi": self.alerts.on_command, "pratica": self.claim_files.on_command, "lingua": self.choose_language,
            "privacy": self.privacy, "cancella": self.erase,
        }  # fmt: skip
        assert set(commands) == set(COMMANDS)
        for name, callback in commands.items():
            application.add_handler(CommandHandler(name, callback))
        application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, self.message))
        if self.deps.claims is not None:  # receipts for a claim; a GIF is no receipt (``not_text`` answers it)
            application.add_handler(MessageHandler((filters.Document.ALL | filters.PHOTO) & ~filters.ANIMATION,
                                                   self.claim_files.on_file))  # fmt: skip
        application.add_handler(MessageHandler(~filters.TEXT & ~filters.COMMAND & ~filters.StatusUpdate.ALL,
                                               self.not_text))  # fmt: skip
        application.add_handler(CallbackQueryHandler(self.button))
        application.add_error_handler(self.failed)

    # -- updates ---------------------------------------------------------------------------

    async def message(self, update: Update, context: Context) -> None:
        """A text message: a question from an SME, or staff answering in the staff group."""
        message, chat = update.effective_message, update.effective_chat
        if message is None or chat is None or not message.text:
            return
        if self.staff.is_staff_chat(chat.id):
            await self.staff.on_message(update.update_id, message, context)
            return
        question = message.text
        if chat.type != ChatType.PRIVATE:
            log.info("message in %s chat %s (%r)", chat.type, chat.id, chat.title)  # how admins find a group's id
            addressed = _addressed_text(message, context.bot.username, context.bot.id)
            if addressed is None:
                return  # in a group the bot speaks only when mentioned or replied to
            question = addressed
        await self._ask(
            update, context, question, reply_to=message.message_id if chat.type != ChatType.PRIVATE else None
        )

    async def not_text(self, update: Update, context: Context) -> None:
        """A sticker, a voice note, a video…: say what the bot reads (only in private chats)."""
        chat = update.effective_chat
        if chat is None or chat.type != ChatType.PRIVATE:
            return
        language = await self.chats.language(chat, update.effective_user, context.chat_data or {})
        await context.bot.send_message(chat.id, escape(say("empty", language)), parse_mode=ParseMode.HTML)

    async def _ask(self, update: Update, context: Context, question: str, *, reply_to: int | None = None) -> None:
        chat, user = update.effective_chat, update.effective_user
        assert chat is not None
        chat_data = context.chat_data if context.chat_data is not None else {}
        contact, language = await self.chats.caller(chat, user, chat_data)
        if contact is None or contact.consent_at is None:
            # Telegram was told it arrived: held in the database, answered once the notice is
            # accepted, on whichever process takes the consent; the notice in the question's language.
            if not (contact and contact.language) and "language" not in chat_data:
                detected = await asyncio.to_thread(detect_language, question)
                language = detected if detected in LANGUAGES else language
            await asyncio.to_thread(self.deps.held.hold, chat.id, question, language)
            await self.chats.ask_consent(context.bot, chat, language)
            return
        key = f"{CHANNEL}:{update.update_id}"
        await self.chats.turn(context.bot, chat, user, question, language=language, key=key, reply_to=reply_to)
        chat_data["errors"] = 0

    # -- commands --------------------------------------------------------------------------

    async def start(self, update: Update, context: Context) -> None:
        """Welcome, privacy and consent; ``/start missione_giappone`` opens on that topic."""
        chat = update.effective_chat
        if chat is None or self.staff.is_staff_chat(chat.id):
            return
        chat_data = context.chat_data if context.chat_data is not None else {}
        contact, language = await self.chats.caller(chat, update.effective_user, chat_data)
        topic = await asyncio.to_thread(self._deep_link_question, " ".join(context.args or []), language)
        if contact is None or contact.consent_at is None:
            if topic:
                await asyncio.to_thread(self.deps.held.hold, chat.id, topic, language)
            await self.chats.ask_consent(context.bot, chat, language)
            return
        if topic:
            await self._ask(update, context, topic)
            return
        body = "\n\n".join(escape(t) for t in (text("welcome", language), text("help", language)))
        await context.bot.send_message(chat.id, body, parse_mode=ParseMode.HTML)

    async def help(self, update: Update, context: Context) -> None:
        """What the bot does and its commands."""
        chat = update.effective_chat
        if chat is None:
            return
        language = await self.chats.language(chat, update.effective_user, context.chat_data or {})
        await context.bot.send_message(chat.id, escape(text("help", language)), parse_mode=ParseMode.HTML)

    async def offers(self, update: Update, context: Context) -> None:
        """Open and upcoming calls and missions, one button each."""
        chat = update.effective_chat
        if chat is None:
            return
        language = await self.chats.language(chat, update.effective_user, context.chat_data or {})
        desk = await asyncio.to_thread(self.deps.assistant.catalog_desk)
        offers = desk.offers()
        if not offers:
            await context.bot.send_message(chat.id, escape(text("no_offers", language)), parse_mode=ParseMode.HTML)
            return
        labels = []
        for record in offers:
            entry = record.entry
            assert isinstance(entry, Call | Mission)
            labels.append((entry.id, f"{_STATE_ICONS.get(desk.status(entry).state, '')} {entry.title}".strip()))
        await context.bot.send_message(chat.id, escape(text("offers", language)), parse_mode=ParseMode.HTML,
                                       reply_markup=keyboards.offers(labels))  # fmt: skip

    async def person(self, update: Update, context: Context) -> None:
        """Ask for a person: the same turn as writing it (the details staff need are asked first)."""
        chat = update.effective_chat
        if chat is None or self.staff.is_staff_chat(chat.id):
            return
        language = await self.chats.language(chat, update.effective_user, context.chat_data or {})
        await self._ask(update, context, say("ask_for_person", language))

    async def choose_language(self, update: Update, context: Context) -> None:
        """Language buttons."""
        chat = update.effective_chat
        if chat is None:
            return
        language = await self.chats.language(chat, update.effective_user, context.chat_data or {})
        await context.bot.send_message(chat.id, escape(text("choose_language", language)), parse_mode=ParseMode.HTML,
                                       reply_markup=keyboards.languages())  # fmt: skip

    async def privacy(self, update: Update, context: Context) -> None:
        """The privacy notice and what is kept."""
        chat = update.effective_chat
        if chat is None:
            return
        language = await self.chats.language(chat, update.effective_user, context.chat_data or {})
        body = "\n\n".join(escape(t) for t in (say("privacy_notice", language), text("privacy_stored", language)))
        await context.bot.send_message(chat.id, body, parse_mode=ParseMode.HTML)

    async def erase(self, update: Update, context: Context) -> None:
        """Erase my data, after a confirmation."""
        chat = update.effective_chat
        if chat is None or self.staff.is_staff_chat(chat.id):
            return
        language = await self.chats.language(chat, update.effective_user, context.chat_data or {})
        await context.bot.send_message(chat.id, escape(text("erase_confirm", language)), parse_mode=ParseMode.HTML,
                                       reply_markup=keyboards.erase_confirmation(language))  # fmt: skip

    # -- buttons ---------------------------------------------------------------------------

    async def button(self, update: Update, context: Context) -> None:
        """A pressed inline button."""
        query, chat = update.callback_query, update.effective_chat
        if query is None or chat is None:
            return
        pressed = keyboards.Callback.parse(query.data)
        if pressed.verb == "esc":
            await self.staff.on_button(query, pressed, context)
            return
        chat_data = context.chat_data if context.chat_data is not None else {}
        contact, language = await self.chats.caller(chat, update.effective_user, chat_data)
        notice: str | None = None
        if pressed.verb == "consent":
            await query.answer()
            pending = await asyncio.to_thread(self.deps.held.held, chat.id)
            if pending is not None and pending.language in LANGUAGES and not (contact and contact.language):
                language = pending.language  # the language the SME wrote in, as the notice was
            await self.chats.give_consent(chat, update.effective_user, language)
            intro = text("consent_then_answer" if pending else "consent_done", language)
            await context.bot.send_message(chat.id, escape(intro), parse_mode=ParseMode.HTML)
            if pending is not None:
                await self._ask(update, context, pending.text)  # stored under this update's key, then released
                await asyncio.to_thread(self.deps.held.release, chat.id, pending.text)
            return
        if pressed.verb == "lang" and pressed.arg(0) in LANGUAGES:
            chosen = pressed.arg(0)
            if contact is not None:
                await asyncio.to_thread(self.deps.front_door.set_language, contact.id, chosen)
            chat_data["language"] = chosen
            await query.answer()
            await context.bot.send_message(chat.id, escape(text("language_set", chosen)), parse_mode=ParseMode.HTML)
            return
        if pressed.verb == "erase":
            await query.answer()
            await self._erase(chat, contact.id if contact else None, pressed.arg(0) == "yes", language, context)
            return
        if contact is None or contact.consent_at is None:
            await query.answer()
            await self.chats.ask_consent(context.bot, chat, language)
            return
        if pressed.verb == "claim":
            await self.claim_files.on_button(update, context, pressed, language)
            return
        if pressed.verb == "fb":
            notice = await self._feedback(chat, pressed, language)
        elif pressed.verb in ("al", "sub", "uns"):
            await self.alerts.on_button(query, pressed, contact.id, language)
            return
        else:
            question = await self._question_of(chat, pressed, language)
            if question is None:
                notice = text("expired_button", language)
            else:
                await query.answer()
                await self._ask(update, context, question)
                return
        await query.answer(notice)

    async def _question_of(self, chat: Chat, pressed: keyboards.Callback, language: str) -> str | None:
        """What a button asks the assistant, as if the SME had written it."""
        if pressed.verb == "person":
            return say("ask_for_person", language)
        if pressed.verb == "fu" and pressed.arg(0) in keyboards.FOLLOW_UPS:
            return text(f"follow_up_{pressed.arg(0)}", language)
        if pressed.verb == "e":
            desk = await asyncio.to_thread(self.deps.assistant.catalog_desk)
            record = next((r for r in desk.records if keyboards.entry_key(r.entry.id) == pressed.arg(0)), None)
            return text("about_entry", language, title=record.entry.title) if record else None
        if pressed.verb == "opt" and pressed.arg(0).isdigit():
            door = self.deps.front_door
            conversation = await asyncio.to_thread(door.conversation_of, CHANNEL, str(chat.id))
            stored = await asyncio.to_thread(door.conversation, conversation) if conversation is not None else None
            if stored is None:
                return None
            state = stored.state
            options = (state.get("pending") or {}).get("options") or []
            index = int(pressed.arg(0)) - 1
            return str(options[index]["label"]) if 0 <= index < len(options) else None
        return None

    async def _feedback(self, chat: Chat, pressed: keyboards.Callback, language: str) -> str:
        door = self.deps.front_door
        conversation = await asyncio.to_thread(door.conversation_of, CHANNEL, str(chat.id))
        if conversation is None or not pressed.arg(1).isdigit():
            return text("expired_button", language)
        recorded = await asyncio.to_thread(door.feedback, conversation, int(pressed.arg(1)), pressed.arg(0) == "u")
        return text("feedback_thanks" if recorded else "expired_button", language)

    async def _erase(
        self, chat: Chat, contact_id: int | None, confirmed: bool, language: str, context: Context
    ) -> None:
        if not confirmed:
            await context.bot.send_message(chat.id, escape(text("erase_kept", language)), parse_mode=ParseMode.HTML)
            return
        if contact_id is not None:  # the contact and all derived from it: outbox rows, alerts, staff notices
            await asyncio.to_thread(self.deps.privacy.erase, contact_id)
        await asyncio.to_thread(self.deps.held.release, chat.id)  # a question held before consent, too
        if context.chat_data is not None:
            context.chat_data.clear()
        await context.bot.send_message(chat.id, escape(text("erase_done", language)), parse_mode=ParseMode.HTML)

    # -- failures --------------------------------------------------------------------------

    async def failed(self, update: object, context: Context) -> None:
        """A handler failed: logged; the SME hears it politely, and a second failure in a row hands off."""
        log.error("Telegram update failed", exc_info=context.error)
        if not isinstance(update, Update) or update.effective_chat is None:
            return
        chat = update.effective_chat
        if self.staff.is_staff_chat(chat.id):
            return
        chat_data = context.chat_data if context.chat_data is not None else {}
        errors = int(chat_data.get("errors", 0)) + 1
        chat_data["errors"] = errors
        language = user_language(update.effective_user)
        message = text("error", language)
        try:
            if errors >= ERRORS_BEFORE_HANDOFF:
                escalation = await asyncio.to_thread(self._escalate_error, chat.id)
                if escalation is not None:
                    when = self.deps.assistant.expected_reply(language)
                    created = say("handoff_created", language, id=escalation, when=when)
                    message = f"{say('handoff_error', language)} {created}"
            await context.bot.send_message(chat.id, escape(message), parse_mode=ParseMode.HTML)
        except Exception:  # telling the SME failed too (Telegram down, bot blocked): the log has it
            log.exception("could not tell chat %s about a failure", chat.id)

    def _escalate_error(self, chat_id: int) -> int | None:
        door = self.deps.front_door
        conversation = door.conversation_of(CHANNEL, str(chat_id))
        if conversation is None:
            return None
        return door.escalate_failure(conversation, "Telegram: the bot failed twice in a row on this chat")

    def _deep_link_question(self, payload: str, language: str) -> str:
        """``missione_giappone`` → a question about the Japan mission (or the words themselves)."""
        words = " ".join(payload.replace("_", " ").replace("-", " ").split())[:200]
        if not words:
            return ""
        desk = self.deps.assistant.catalog_desk()
        by_id = [r for r in desk.records if r.entry.id == payload]
        named = by_id or desk.named(words, countries_in(words))
        if len(named) == 1:
            return text("about_entry", language, title=named[0].entry.title)
        return words


def _addressed_text(message: Message, username: str, bot_id: int) -> str | None:
    """In a group: the text without the bot's @mention when the bot is mentioned or replied to; else ``None``."""
    text_ = message.text or ""
    mention = f"@{username}".casefold()
    mentioned = False
    for value in message.parse_entities([MessageEntity.MENTION]).values():
        if value.casefold() == mention:
            mentioned = True
            text_ = text_.replace(value, " ")
    replied = (
        message.reply_to_message is not None
        and message.reply_to_message.from_user is not None
        and (message.reply_to_message.from_user.id == bot_id)
    )
    if not (mentioned or replied):
        return None
    return " ".join(text_.split())
