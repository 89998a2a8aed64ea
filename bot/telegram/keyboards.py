"""Inline buttons and what their callback data says (Telegram allows 64 bytes of it).

Callback data is ``verb`` or ``verb:argument[:argument]``; long names (entry ids,
sectors) travel as a ten-digit key and are looked up again when the button is pressed.
Claim buttons are ``claim:check``, ``claim:submit:<claim id>`` and ``claim:m:<mission key>:<claim id>``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.answers.catalog_answers import Option
from bot.conversation.phrases import say
from bot.outbound.alerts import Subscription, TopicChoice, TopicKind, topic_label
from bot.telegram.texts import LANGUAGES, text

FOLLOW_UPS = ("deadline", "documents", "costs")
LANGUAGE_NAMES = {"it": "🇮🇹 Italiano", "en": "🇬🇧 English", "fr": "🇫🇷 Français"}
MAX_BUTTON_LABEL = 60
KIND_CODES: dict[str, TopicKind] = {"c": "country", "s": "sector", "p": "programme"}
CLAIM_ACTIONS = ("check", "submit")
"""What a claim message may offer under it (``Told.actions``), in the order the buttons show."""


@dataclass(frozen=True)
class Callback:
    """A pressed button: its verb and arguments."""

    verb: str
    args: tuple[str, ...]

    @classmethod
    def parse(cls, data: str | None) -> Callback:
        """``"fb:u:12"`` → ``Callback("fb", ("u", "12"))``."""
        verb, *args = (data or "").split(":")
        return cls(verb, tuple(args))

    def arg(self, index: int) -> str:
        """The argument at ``index``, or an empty string."""
        return self.args[index] if index < len(self.args) else ""


def entry_key(entry_id: str) -> str:
    """A catalog entry's id in ten hex digits (ids may be longer than callback data allows)."""
    return hashlib.sha256(entry_id.encode()).hexdigest()[:10]


def _rows(buttons: Sequence[InlineKeyboardButton], per_row: int) -> list[list[InlineKeyboardButton]]:
    return [list(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row)]


def _label(value: str) -> str:
    return value if len(value) <= MAX_BUTTON_LABEL else value[: MAX_BUTTON_LABEL - 1] + "…"


def consent(language: str) -> InlineKeyboardMarkup:
    """The privacy notice's accept button."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(text("consent_button", language), callback_data="consent")]])


def languages() -> InlineKeyboardMarkup:
    """One button per language."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(LANGUAGE_NAMES[code], callback_data=f"lang:{code}")
                                  for code in LANGUAGES]])  # fmt: skip


def after_answer(
    language: str, message_id: int, *, options: Sequence[Option] = (), follow_ups: bool = False, person: bool = True
) -> InlineKeyboardMarkup | None:
    """Under a reply: the options of a clarification, or feedback, follow-ups and "talk to a person"."""
    if options:
        buttons = [InlineKeyboardButton(_label(f"{i}. {o.label}"), callback_data=f"opt:{i}")
                   for i, o in enumerate(options, start=1)]  # fmt: skip
        return InlineKeyboardMarkup(_rows(buttons, 1))
    rows: list[list[InlineKeyboardButton]] = []
    if message_id:
        rows.append([
            InlineKeyboardButton(text("feedback_up", language), callback_data=f"fb:u:{message_id}"),
            InlineKeyboardButton(text("feedback_down", language), callback_data=f"fb:d:{message_id}"),
        ])  # fmt: skip
    if follow_ups:
        rows.extend([InlineKeyboardButton(text(f"follow_up_{key}", language), callback_data=f"fu:{key}")]
                    for key in FOLLOW_UPS)  # fmt: skip
    if person:
        rows.append([InlineKeyboardButton(text("person_button", language), callback_data="person")])
    return InlineKeyboardMarkup(rows) if rows else None


def offers(titles: Sequence[tuple[str, str]]) -> InlineKeyboardMarkup:
    """One button per open call or mission: ``(entry_id, label)``."""
    return InlineKeyboardMarkup(_rows([InlineKeyboardButton(_label(label), callback_data=f"e:{entry_key(entry_id)}")
                                       for entry_id, label in titles], 1))  # fmt: skip


def alerts_menu(subscriptions: Sequence[Subscription], language: str) -> InlineKeyboardMarkup:
    """The contact's subscriptions (tap to remove) and the ways to add one."""
    rows = [[InlineKeyboardButton(_label(f"❌ {topic_label(s.kind, s.value, language)}"), callback_data=f"uns:{s.id}")]
            for s in subscriptions]  # fmt: skip
    rows.append([
        InlineKeyboardButton(text("alerts_by_country", language), callback_data="al:c"),
        InlineKeyboardButton(text("alerts_by_sector", language), callback_data="al:s"),
        InlineKeyboardButton(text("alerts_by_programme", language), callback_data="al:p"),
    ])  # fmt: skip
    if subscriptions:
        rows.append([InlineKeyboardButton(text("alerts_remove_all", language), callback_data="uns:all")])
    return InlineKeyboardMarkup(rows)


def topic_choices(choices: Sequence[TopicChoice], language: str) -> InlineKeyboardMarkup:
    """The values of one kind to subscribe to."""
    code = next(c for c, kind in KIND_CODES.items() if choices and kind == choices[0].kind) if choices else "c"
    buttons = [InlineKeyboardButton(_label(topic_label(c.kind, c.value, language)), callback_data=f"sub:{code}:{c.key}")
               for c in choices]  # fmt: skip
    return InlineKeyboardMarkup(_rows(buttons, 2))


def erase_confirmation(language: str) -> InlineKeyboardMarkup:
    """Yes / no before erasing a contact's data."""
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(text("erase_yes", language), callback_data="erase:yes"),
        InlineKeyboardButton(text("erase_no", language), callback_data="erase:no"),
    ]])  # fmt: skip


def staff_notice(escalation_id: int) -> InlineKeyboardMarkup:
    """Under a staff notice: claim and resolve."""
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(text("staff_claim_button", "it"), callback_data=f"esc:claim:{escalation_id}"),
        InlineKeyboardButton(text("staff_resolve_button", "it"), callback_data=f"esc:resolve:{escalation_id}"),
    ]])  # fmt: skip


def claim_actions(
    language: str, actions: Sequence[str], missions: Sequence[tuple[str, str]] = (), claim: int | None = None
) -> InlineKeyboardMarkup | None:
    """Under a claim message: the missions to choose from (``(entry id, title)``), then "check my
    claim" and "send it to the staff" when the desk offers them. A mission and "send" carry the
    claim they act on, so that pressed under an older claim's message they change nothing."""
    tail = "" if claim is None else f":{claim}"
    rows = [[InlineKeyboardButton(_label(title), callback_data=f"claim:m:{entry_key(mission_id)}{tail}")]
            for mission_id, title in missions]  # fmt: skip
    rows.extend([InlineKeyboardButton(say(f"claim_button_{action}", language),
                                      callback_data=f"claim:{action}{tail if action == 'submit' else ''}")]
                for action in CLAIM_ACTIONS if action in actions)  # fmt: skip
    return InlineKeyboardMarkup(rows) if rows else None
