"""The staff group: escalations are posted there; staff answer an SME by replying to the post.

Only Telegram users linked to an active staff account (``sportello staff add … --telegram-id``)
or mapped in ``TelegramConfig.staff_users`` may answer, claim or resolve; anyone else in the
group is ignored. A reply goes through ``StaffDesk``: stored in the SME's conversation first,
then queued in the outbox for the SME's channel.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
from typing import Any

from telegram import Message
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.desk.staff import StaffActionError
from bot.telegram.config import CHANNEL, TelegramConfig, TelegramDeps
from bot.telegram.formatting import escape
from bot.telegram.keyboards import Callback
from bot.telegram.texts import text

log = logging.getLogger(__name__)

_POST_ID = re.compile(r"#(\d{1,18})\b")
"""The escalation's number in a notice's first line ("🆘 Richiesta #12 …")."""


class StaffGroup:
    """Handlers for the configured staff group chat."""

    def __init__(self, deps: TelegramDeps, config: TelegramConfig) -> None:
        self.deps = deps
        self.config = config

    def is_staff_chat(self, chat_id: int) -> bool:
        """Whether ``chat_id`` is the staff group."""
        return self.config.staff_chat_id is not None and chat_id == self.config.staff_chat_id

    def staff_name(self, user_id: int | None) -> str | None:
        """The staff member a Telegram user is linked or mapped to, if any (the account first)."""
        if user_id is None:
            return None
        account = self.deps.accounts.by_telegram(user_id) if self.deps.accounts is not None else None
        return account.name if account is not None else self.config.staff_users.get(user_id)

    async def on_message(self, update_id: int, message: Message, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A staff member replying to an escalation's post answers the SME; other messages are chat.

        ``update_id`` keys the reply: handled again after a crash, it is not stored or sent twice.
        """
        replied = message.reply_to_message
        if replied is None or not message.text:
            return
        author = self.staff_name(message.from_user.id if message.from_user else None)
        if author is None:
            log.info("staff group: reply from an unmapped user ignored")
            return
        escalation_id = await self._escalation_of(message.chat_id, replied, context.bot.id)
        if escalation_id is None:
            return
        key = f"{CHANNEL}:{update_id}"
        try:
            actor = f"telegram:{message.from_user.id if message.from_user else '?'}"
            await asyncio.to_thread(
                functools.partial(self.deps.staff.reply, escalation_id, message.text, author, key, actor=actor)
            )
        except StaffActionError as exc:
            await message.reply_text(escape(text("staff_failed", "it", error=str(exc))), parse_mode=ParseMode.HTML)
            return
        await message.reply_text(escape(text("staff_sent", "it", id=escalation_id)), parse_mode=ParseMode.HTML)

    async def _escalation_of(self, chat_id: int, replied: Message, bot_id: int) -> int | None:
        """The escalation a post is about: from the outbox's record of it, or — when its delivery
        was not recorded yet (sent, then the process died) — from the post itself (its buttons, or
        the "#id" of its first line), if the bot wrote it."""
        posted = await asyncio.to_thread(self.deps.outbox.find_sent, CHANNEL, str(chat_id), str(replied.message_id))
        if posted is not None:
            return posted.escalation_id
        if replied.from_user is None or replied.from_user.id != bot_id:
            return None
        markup = replied.reply_markup
        for row in markup.inline_keyboard if markup is not None else ():
            for button in row:
                pressed = Callback.parse(button.callback_data if isinstance(button.callback_data, str) else None)
                if pressed.verb == "esc" and pressed.arg(1).isdigit():
                    return int(pressed.arg(1))
        first_line = (replied.text or "").split("\n", 1)[0]
        found = _POST_ID.search(first_line)
        return int(found.group(1)) if found else None

    async def on_button(self, query: Any, pressed: Callback, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Claim or resolve from the post's buttons."""
        who = self.staff_name(query.from_user.id if query.from_user else None)
        if who is None or query.message is None or not self.is_staff_chat(query.message.chat.id):
            await query.answer(text("staff_not_allowed", "it"), show_alert=True)
            return
        action, raw_id = pressed.arg(0), pressed.arg(1)
        if action not in ("claim", "resolve") or not raw_id.isdigit():
            await query.answer()
            return
        try:
            actor = f"telegram:{query.from_user.id if query.from_user else '?'}"
            if action == "claim":
                await asyncio.to_thread(functools.partial(self.deps.staff.claim, int(raw_id), who, actor=actor))
            else:
                await asyncio.to_thread(functools.partial(self.deps.staff.resolve, int(raw_id), actor=actor))
        except StaffActionError as exc:
            await query.answer(str(exc), show_alert=True)
            return
        await query.answer()
        done = text("staff_claimed" if action == "claim" else "staff_resolved", "it", who=who)
        await query.message.reply_text(escape(done), parse_mode=ParseMode.HTML)
