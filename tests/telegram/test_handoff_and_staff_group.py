"""Handoff on Telegram: the escalation reaches the staff group, a staff member's reply reaches the SME."""

from __future__ import annotations

from collections.abc import Callable

from doubles.telegram_api import BotApiDouble, SentMessage
from doubles.telegram_bot import STAFF_CHAT, STAFF_NAME, STAFF_USER, RunningBot

from api.services import Services

Start = Callable[..., RunningBot]
HOSTILE = '<script>alert("x")</script> & &amp; <b>not bold</b> 1 < 2'


def callback_data(message: SentMessage) -> list[str]:
    markup = message.reply_markup or {}
    return [b.get("callback_data", "") for row in markup.get("inline_keyboard", []) for b in row]


def notice_for(bot: RunningBot, escalation: int) -> SentMessage:
    """The escalation's post in the staff group, once the outbox knows it (replies point at it)."""
    api = bot.api
    api.wait_for(lambda: any(f"#{escalation}" in m.text for m in api.sent(STAFF_CHAT)))
    return bot.wait_recorded(next(m for m in api.sent(STAFF_CHAT) if f"#{escalation}" in m.text and "🆘" in m.text))


def test_handoff_staff_reply_and_follow_ups(running_bot: Start, bot_api: BotApiDouble, bot_services: Services) -> None:
    bot = running_bot()
    chat = 3001
    count = len(bot.consent(chat))
    bot.say(chat, "/operatore")
    asked = bot.wait_sent(chat, count + 1)[-1]
    assert "nome dell'azienda" in asked.text  # the details staff need are asked first
    bot.say(chat, f"ACME srl, anna@acme.example {HOSTILE}")
    escalated = bot.wait_sent(chat, count + 2)[-1]
    store = bot_services.assistant().store
    conversation = store.latest_conversation("telegram", str(chat))
    assert conversation is not None
    escalation = store.active_escalation(conversation)
    assert escalation is not None and str(escalation.id) in escalated.text
    assert callback_data(escalated) == []  # no "talk to a person" under a handoff

    notice = notice_for(bot, escalation.id)
    assert "telegram" in notice.text and "ACME" in notice.text
    assert callback_data(notice) == [f"esc:claim:{escalation.id}", f"esc:resolve:{escalation.id}"]

    # Someone in the group who is not staff: ignored.
    bot.say(STAFF_CHAT, "Ci penso io!", chat_type="supergroup", user_id=12345, reply_to=notice)
    # A staff member replies to the post: the SME gets it, hostile text and all, as text.
    staff_text = f"Buongiorno, la richiamo domani. {HOSTILE}"
    bot.say(STAFF_CHAT, staff_text, chat_type="supergroup", user_id=STAFF_USER, reply_to=notice)
    delivered = bot.wait_sent(chat, count + 3)[-1]
    heading, body = delivered.text.split("\n\n", 1)
    assert heading.startswith(STAFF_NAME) and body == staff_text  # in the language the SME last wrote in
    bot_api.wait_for(lambda: any("Inviato" in m.text for m in bot_api.sent(STAFF_CHAT)))
    assert not any("Ci penso io" in m.text for m in bot_api.sent(chat))
    stored = store.messages(conversation)[-1]
    assert (stored.role, stored.author, stored.text) == ("staff", STAFF_NAME, staff_text)
    assert store.escalation(escalation.id).status == "answered"  # type: ignore[union-attr]

    # The SME writes again while the escalation is open: it joins it and staff see it.
    bot.say(chat, "Grazie, aspetto la chiamata")
    joined = bot.wait_sent(chat, count + 4)[-1]
    assert str(escalation.id) in joined.text
    bot_api.wait_for(lambda: any("aspetto la chiamata" in m.text for m in bot_api.sent(STAFF_CHAT)))

    # Buttons: only staff may claim or resolve.
    bot.press(STAFF_CHAT, f"esc:claim:{escalation.id}", notice, user_id=12345)
    bot_api.wait_for(lambda: any(c.get("show_alert") for c in bot_api.calls_to("answerCallbackQuery")))
    assert store.escalation(escalation.id).assignee is None  # type: ignore[union-attr]
    bot.press(STAFF_CHAT, f"esc:claim:{escalation.id}", notice, user_id=STAFF_USER)
    bot_api.wait_for(lambda: any("Presa in carico" in m.text for m in bot_api.sent(STAFF_CHAT)))
    assert store.escalation(escalation.id).assignee == STAFF_NAME  # type: ignore[union-attr]
    bot.press(STAFF_CHAT, f"esc:resolve:{escalation.id}", notice, user_id=STAFF_USER)
    bot_api.wait_for(lambda: store.active_escalation(conversation) is None)
    bot.say(STAFF_CHAT, "troppo tardi", chat_type="supergroup", user_id=STAFF_USER, reply_to=notice)
    bot_api.wait_for(lambda: any("Non inviato" in m.text for m in bot_api.sent(STAFF_CHAT)))
    # Every action from the group is in the audit log, by the Telegram user who did it.
    actions = [(e.action, e.target) for e in bot_services.audit().recent(actor=f"telegram:{STAFF_USER}")]
    target = f"escalation {escalation.id}"
    assert {("reply", target), ("claim", target), ("resolve", target)} <= set(actions)


def test_escalations_from_the_web_reach_the_staff_group_too(
    running_bot: Start, bot_api: BotApiDouble, bot_services: Services
) -> None:
    store = bot_services.assistant().store
    conversation = store.start_conversation(store.contact("web", "hash-of-a-token"))
    store.add_message(conversation, "user", "Domanda dal sito")
    escalation = store.open_escalation(conversation, "low_confidence", "Domanda dal sito")
    notice = notice_for(running_bot(), escalation)
    assert "web" in notice.text
    bot_api.push_update(bot_api.message_update(STAFF_CHAT, "Risposta per il sito", chat_type="supergroup",
                                               user_id=STAFF_USER, reply_to=notice))  # fmt: skip
    bot_api.wait_for(lambda: store.messages(conversation)[-1].role == "staff")
    assert store.messages(conversation)[-1].text == "Risposta per il sito"  # the widget shows it from here


def test_a_long_staff_reply_is_split_under_telegram_limit(
    running_bot: Start, bot_api: BotApiDouble, bot_services: Services
) -> None:
    bot = running_bot()
    chat = 3002
    count = len(bot.consent(chat))
    store = bot_services.assistant().store
    conversation = store.latest_conversation("telegram", str(chat))
    assert conversation is not None
    escalation = store.open_escalation(conversation, "user_request", "lunga")
    long_text = "\n\n".join(f"Punto {i}: <spese> & rimborsi «ammissibili» — " + "<dettagli> & " * 26 for i in range(9))
    assert len(long_text) <= 4000
    bot.deps.staff.reply(escalation, long_text, STAFF_NAME)
    parts = bot.wait_sent(chat, count + 2)[count:]
    assert len(parts) == 2  # 4,000 characters of text become more than 4,096 once escaped: two messages
    assert "\n\n".join(p.text for p in parts).endswith(long_text.split("\n\n")[-1].strip())
