"""Telegram speaks the conversation's language (issue 22): a French and an English SME ask, ask for
a person, give their details, get the staff's reply from the console and are handed back to the
assistant. Once they have written, nothing the bot sends them — texts or buttons — is Italian."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from doubles.telegram_api import BotApiDouble, SentMessage
from doubles.telegram_bot import RunningBot

from api.services import Services
from bot.conversation.phrases import _PHRASES, say

Start = Callable[..., RunningBot]

SMES = {
    "fr": (
        4101,
        "Bonjour, quels documents faut-il envoyer pour le remboursement d'une mission ?",
        "Je voudrais parler à un conseiller, s'il vous plaît.",
        "Claire Dubois, Textiles Lyon SARL, claire.dubois@example.fr",
        "Bonjour Madame Dubois, nous vous envoyons la liste aujourd'hui.",
    ),
    "en": (
        4102,
        "Hello, which documents do I need to send to get a mission reimbursed?",
        "I'd like to talk to a person, please.",
        "John Smith, Smith Tools Ltd, john.smith@example.co.uk",
        "Hello Mr Smith, we are sending you the list today.",
    ),
}
ITALIAN_WORDS = ("Fonti:", "Parla con una persona", "Operatore", "richiesta n.", " dello staff", "sportello)")
"""The bot's own Italian words (a quoted Italian document may use any word: sources are quoted as written)."""


def italian_phrases() -> list[str]:
    """The opening words of each of the assistant's Italian phrases that differ from the other languages
    (not the names of claim documents: "dichiarazione de minimis" is also in the Italian clauses an
    answer quotes from its source)."""
    openings = []
    for key, (italian, english, french) in _PHRASES.items():
        if key.startswith("claim_kind_"):
            continue
        head = italian.split("{", 1)[0].strip()[:30]
        if len(head) >= 12 and head not in english and head not in french:
            openings.append(head)
    return openings


def shown(message: SentMessage) -> str:
    """What the SME sees of a message: its text and its buttons' labels."""
    markup = message.reply_markup or {}
    labels = [button.get("text", "") for row in markup.get("inline_keyboard", []) for button in row]
    return "\n".join([message.text, *labels])


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_message_follows_the_conversation_language(
    running_bot: Start, bot_api: BotApiDouble, bot_services: Services, language: str
) -> None:
    chat, question, person, details, reply = SMES[language]
    bot = running_bot()
    before = len(bot.consent(chat))
    bot.say(chat, question)
    bot.wait_sent(chat, before + 1)
    bot.say(chat, person)
    asked = bot.wait_sent(chat, before + 2)[-1]
    assert say("detail_company", language) in asked.text
    bot.say(chat, details)
    bot.wait_sent(chat, before + 3)
    store = bot_services.assistant().store
    conversation = store.latest_conversation("telegram", str(chat))
    assert conversation is not None
    escalation = store.active_escalation(conversation)
    assert escalation is not None

    desk = bot_services.staff_desk()
    desk.reply(escalation.id, reply, "Anna Rossi")
    delivered = bot.wait_sent(chat, before + 4, timeout=20)[-1]
    assert reply in delivered.text
    desk.hand_back(escalation.id, "Anna Rossi")
    handed = bot.wait_sent(chat, before + 5, timeout=20)[-1]
    assert say("handed_back", language) in handed.text

    after_writing = bot_api.sent(chat)[before:]
    italian = [p for p in (*ITALIAN_WORDS, *italian_phrases()) for m in after_writing if p in shown(m)]
    assert italian == [], "\n---\n".join(shown(m) for m in after_writing)
