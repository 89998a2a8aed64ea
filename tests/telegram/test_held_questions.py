"""A question sent before consent is held in the database until released, replaced by a later
one, and ignored then dropped after a week."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from api.services import Services
from bot.telegram.held import MAX_HELD_CHARS, HeldQuestion, HeldQuestions


def test_a_held_question_is_taken_once_and_a_later_one_replaces_it(make_services: Callable[..., Services]) -> None:
    services = make_services()
    held = HeldQuestions(services.sessions, services.now)
    held.hold(501, "Entro quando ci si iscrive?")
    held.hold(501, "E quanto costa?", "it")  # the latest question wins
    held.hold(502, "x" * (MAX_HELD_CHARS + 500) + "'); DROP TABLE bot_telegram_held_questions; --")
    other_process = HeldQuestions(services.sessions, services.now)  # the consent lands elsewhere
    assert other_process.held(501) == HeldQuestion("E quanto costa?", "it")
    assert other_process.held(501) == HeldQuestion("E quanto costa?", "it")  # until stored and released
    held.hold(501, "Una domanda ancora")  # written while the first was being answered
    other_process.release(501, "E quanto costa?")
    assert held.held(501) == HeldQuestion("Una domanda ancora", None)  # the newer one stays
    held.release(501)
    assert held.held(501) is None
    assert held.held(502) == HeldQuestion("x" * MAX_HELD_CHARS, None)
    assert held.held(999) is None


def test_questions_older_than_a_week_are_dropped(make_services: Callable[..., Services]) -> None:
    services = make_services()
    now = [services.now()]
    held = HeldQuestions(services.sessions, lambda: now[0])
    held.hold(601, "vecchia domanda")
    now[0] += HeldQuestions.KEEP + dt.timedelta(minutes=1)
    assert held.held(601) is None  # too old to answer
    held.hold(602, "nuova domanda")  # and the next hold drops it
    now[0] -= HeldQuestions.KEEP  # even seen from the past, it is gone
    assert held.held(601) is None
    assert held.held(602) == HeldQuestion("nuova domanda", None)
