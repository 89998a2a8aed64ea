"""Alerts on Telegram: ``/avvisi`` and its buttons, to follow the calls and missions of a kind,
country or programme, and to stop following them (``bot.outbound.alerts`` sends what opens).

A subscription needs the privacy notice accepted: the command asks for it first. Each button
answers its callback, and a button whose choice no longer exists (the catalog changed) says so.
"""

from __future__ import annotations

import asyncio
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.answers.catalog_answers import CatalogDesk
from bot.outbound.alerts import matches, topic_choices, topic_label
from bot.telegram import keyboards
from bot.telegram.config import TelegramDeps
from bot.telegram.conversation import Conversations
from bot.telegram.formatting import escape, plain_messages
from bot.telegram.staff_group import StaffGroup
from bot.telegram.texts import text
from knowledge.catalog import Call, Mission

Context = ContextTypes.DEFAULT_TYPE


class AlertsMenu:
    """The alerts menu of one bot."""

    def __init__(self, deps: TelegramDeps, chats: Conversations, staff: StaffGroup) -> None:
        self.deps = deps
        self.chats = chats
        self.staff = staff

    async def on_command(self, update: Update, context: Context) -> None:
        """The contact's alerts and the ways to add one (a subscription needs the notice accepted)."""
        chat = update.effective_chat
        if chat is None or self.staff.is_staff_chat(chat.id):
            return
        contact, language = await self.chats.caller(chat, update.effective_user, context.chat_data or {})
        if contact is None or contact.consent_at is None:
            await self.chats.ask_consent(context.bot, chat, language)
            return
        body, markup = await self.menu(contact.id, language)
        await context.bot.send_message(chat.id, body, parse_mode=ParseMode.HTML, reply_markup=markup)

    async def menu(self, contact_id: int, language: str) -> tuple[str, InlineKeyboardMarkup]:
        """The menu's text and buttons: the contact's alerts, each removable, and the kinds to add."""
        subscriptions = await asyncio.to_thread(self.deps.subscriptions.of, contact_id)
        status = text("alerts_yours" if subscriptions else "alerts_none", language)
        return escape(f"{text('alerts_intro', language)}\n\n{status}"), keyboards.alerts_menu(subscriptions, language)

    async def on_button(self, query: Any, pressed: keyboards.Callback, contact_id: int, language: str) -> None:
        """``al``: the topics of a kind; ``sub``: follow one (and what is open on it now); ``uns``: stop."""
        subscriptions = self.deps.subscriptions
        desk: CatalogDesk = await asyncio.to_thread(self.deps.assistant.catalog_desk)
        if pressed.verb == "al":
            kind = keyboards.KIND_CODES.get(pressed.arg(0))
            if kind is None:
                await query.answer(text("expired_button", language))
                return
            await query.answer()
            await query.message.reply_text(escape(text("alerts_pick", language)), parse_mode=ParseMode.HTML,
                                           reply_markup=keyboards.topic_choices(topic_choices(desk.records, kind),
                                                                                language))  # fmt: skip
            return
        if pressed.verb == "sub":
            kind = keyboards.KIND_CODES.get(pressed.arg(0))
            choice = (
                next((c for c in topic_choices(desk.records, kind) if c.key == pressed.arg(1)), None) if kind else None
            )
            if choice is None:
                await query.answer(text("expired_button", language))
                return
            added = await asyncio.to_thread(subscriptions.add, contact_id, choice.kind, choice.value)
            await query.answer()
            label = topic_label(choice.kind, choice.value, language)
            lines = [text("alerts_added" if added else "alerts_already", language, topic=label)]
            open_now = [r.entry for r in desk.offers() if isinstance(r.entry, Call | Mission)
                        and matches(r.entry, choice.kind, choice.value)]  # fmt: skip
            if open_now:
                lines.append(text("alerts_open_now", language))
                lines.extend(desk.status_line(entry, language) for entry in open_now)
            for part in plain_messages("\n".join(lines)):
                await query.message.reply_text(part, parse_mode=ParseMode.HTML)
            return
        removed = await asyncio.to_thread(
            subscriptions.remove, contact_id, None if pressed.arg(0) == "all" else _int(pressed.arg(0))
        )
        await query.answer(text("alerts_removed_all" if pressed.arg(0) == "all" else "alerts_removed", language)
                           if removed else None)  # fmt: skip
        body, markup = await self.menu(contact_id, language)
        await query.edit_message_text(body, parse_mode=ParseMode.HTML, reply_markup=markup)


def _int(value: str) -> int | None:
    return int(value) if value.isdigit() else None
