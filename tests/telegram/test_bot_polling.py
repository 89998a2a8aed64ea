"""The bot end to end by long polling: the real PTB client, the Bot API double, SQLite."""

from __future__ import annotations

from collections.abc import Callable

from doubles.telegram_api import BotApiDouble
from doubles.telegram_bot import RunningBot

from api.services import Services
from bot.telegram.texts import COMMANDS

Start = Callable[..., RunningBot]


def buttons(message: object) -> list[tuple[str, str]]:
    markup = getattr(message, "reply_markup", None) or {}
    return [(b["text"], b.get("callback_data", "")) for row in markup.get("inline_keyboard", []) for b in row]


def callback_answers(api: BotApiDouble) -> list[str]:
    return [str(call.get("text") or "") for call in api.calls_to("answerCallbackQuery")]


def data_of(message: object, prefix: str) -> str:
    return next(data for _, data in buttons(message) if data.startswith(prefix))


def test_commands_are_registered_in_three_languages(running_bot: Start, bot_api: BotApiDouble) -> None:
    running_bot()
    registered = bot_api.calls_to("setMyCommands")[-4:]
    assert [call.get("language_code") for call in registered] == [None, "it", "en", "fr"]
    for call in registered:
        assert [c["command"] for c in call["commands"]] == list(COMMANDS)
    english = registered[2]["commands"]
    assert english[0]["description"] == "Start and read the privacy notice"


def test_start_asks_consent_then_a_deep_link_opens_on_its_topic(
    running_bot: Start, bot_api: BotApiDouble, bot_services: Services
) -> None:
    bot = running_bot()
    chat = 1001
    bot.say(chat, "/start missione_giappone")
    [notice] = bot.wait_sent(chat, 1)
    assert "Benvenuto" in notice.text and "informativa" in notice.text.lower()
    assert buttons(notice) == [("✅ Accetto", "consent")]
    store = bot_services.assistant().store
    assert store.find_contact("telegram", str(chat)) is None  # nothing kept before consent

    bot.press(chat, "consent", notice)
    messages = bot.wait_sent(chat, 3)
    assert "Grazie" in messages[1].text
    answer = messages[2]
    assert "Giappone" in answer.text
    contact = store.find_contact("telegram", str(chat))
    assert contact is not None and contact.consent_at is not None
    assert bot_api.calls_to("answerCallbackQuery")


def test_a_question_before_consent_is_held_then_answered_and_the_notice_links_the_policy(
    running_bot: Start, bot_api: BotApiDouble, bot_services: Services
) -> None:
    bot = running_bot(privacy_url="https://www.cluster-esempio.it/privacy")
    chat = 1009
    bot.say(chat, "Quels documents faut-il pour le remboursement d'une mission ?")
    [notice] = bot.wait_sent(chat, 1)
    assert "https://www.cluster-esempio.it/privacy" in notice.links
    held = bot.deps.held
    assert held.held(chat) is not None  # kept in the database, not in this process's memory

    bot.press(chat, "consent", notice)
    messages = bot.wait_sent(chat, 3)
    assert "Merci" in messages[1].text and "Sources :" in messages[2].text  # French, as the question
    bot_api.wait_for(lambda: held.held(chat) is None)  # released once its turn was stored


def test_a_question_gets_a_cited_answer_with_buttons_and_feedback(
    running_bot: Start, bot_api: BotApiDouble, bot_services: Services
) -> None:
    bot = running_bot()
    chat = 1002
    count = len(bot.consent(chat))
    bot.say(chat, "Entro quando mi iscrivo alla missione in Giappone?")
    answer = bot.wait_sent(chat, count + 1)[-1]
    assert "Giappone" in answer.text and "Fonti:" in answer.text
    assert answer.links and all(link.startswith("http") for link in answer.links)
    assert any(action == "typing" for action in (c.get("action") for c in bot_api.calls_to("sendChatAction")))
    labels = [label for label, _ in buttons(answer)]
    assert "👍" in labels and "🙋 Parla con una persona" in labels

    bot.press(chat, data_of(answer, "fb:u:"), answer)
    bot_api.wait_for(
        lambda: any(c.get("text") == "Grazie del riscontro!" for c in bot_api.calls_to("answerCallbackQuery"))
    )
    message_id = int(data_of(answer, "fb:u:").split(":")[2])
    with bot_services.sessions() as session:
        from bot.conversation.store import FeedbackRow

        assert session.query(FeedbackRow).filter_by(message_id=message_id, rating=1).count() == 1

    bot.press(chat, "fb:u:999999", answer)  # someone else's message: refused
    bot_api.wait_for(
        lambda: any("non è più valida" in (c.get("text") or "") for c in bot_api.calls_to("answerCallbackQuery"))
    )


def test_help_privacy_language_and_offers(running_bot: Start, bot_api: BotApiDouble) -> None:
    bot = running_bot()
    chat = 1003
    count = len(bot.consent(chat))
    bot.say(chat, "/help")
    assert "/operatore" in bot.wait_sent(chat, count + 1)[-1].text
    bot.say(chat, "/privacy")
    assert "/cancella" in bot.wait_sent(chat, count + 2)[-1].text
    bot.say(chat, "/lingua")
    chooser = bot.wait_sent(chat, count + 3)[-1]
    assert [data for _, data in buttons(chooser)] == ["lang:it", "lang:en", "lang:fr"]
    bot.press(chat, "lang:en", chooser)
    assert "English" in bot.wait_sent(chat, count + 4)[-1].text
    bot.say(chat, "/help")
    assert "Write me a question" in bot.wait_sent(chat, count + 5)[-1].text

    bot.say(chat, "/bandi")
    offers = bot.wait_sent(chat, count + 6)[-1]
    titles = buttons(offers)
    assert any("Giappone" in label for label, _ in titles)
    assert all(data.startswith("e:") for _, data in titles)
    japan = next(data for label, data in titles if "Giappone" in label)
    bot.press(chat, japan, offers)
    assert "Giappone" in bot.wait_sent(chat, count + 7)[-1].text


def test_group_messages_are_answered_only_when_the_bot_is_addressed(running_bot: Start, bot_api: BotApiDouble) -> None:
    bot = running_bot()
    group = -2001
    count = len(bot.consent(group, chat_type="group", user_id=501))
    bot.say(group, "Entro quando mi iscrivo alla missione in Giappone?", chat_type="group", user_id=501)
    bot.say(group, "@sportello_test_bot entro quando mi iscrivo alla missione in Giappone?", chat_type="group",
            user_id=502)  # fmt: skip
    answer = bot.wait_sent(group, count + 1)[-1]
    assert "Giappone" in answer.text
    assert answer.reply_to_message_id is not None  # quotes the question it answers
    bot.say(group, "e quanti posti ci sono?", chat_type="group", user_id=502, reply_to=answer)
    bot.wait_sent(group, count + 2)
    assert len(bot_api.sent(group)) == count + 2  # the first, unaddressed message got nothing
