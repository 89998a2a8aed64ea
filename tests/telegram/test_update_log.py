"""The Telegram update inbox: stored once, claimed once, handled once; bad updates refused before storing."""

from __future__ import annotations

import pytest

from api.services import Services
from bot.telegram.updates import MAX_UPDATE_BYTES, UpdateLog

BASE = 9_000_000_000  # 64-bit ids, far from the ids the other tests' double hands out


def test_an_update_is_stored_once_claimed_once_and_handled_once(bot_services: Services) -> None:
    log = UpdateLog(bot_services.sessions, bot_services.now)
    payload = {"update_id": BASE + 1, "message": {"text": "<script>alert(1)</script>'; DROP TABLE x; --"}}
    assert log.record(BASE + 1, payload) is True
    assert log.record(BASE + 1, payload) is False  # a retry, a re-fetch
    assert BASE + 1 in log.pending()
    claimed = log.claim(BASE + 1)
    assert claimed is not None and claimed[1] == payload  # stored as sent, hostile text included
    assert log.claim(BASE + 1) is None  # held by this (live) process
    assert BASE + 1 not in log.pending()
    log.handled(BASE + 1)
    assert log.is_handled(BASE + 1) and log.claim(BASE + 1) is None
    assert log.record(BASE + 1, payload) is False  # a retry after handling: acknowledged, not handled again


def test_a_released_update_is_handled_by_the_next_taker(bot_services: Services) -> None:
    log = UpdateLog(bot_services.sessions, bot_services.now)
    log.record(BASE + 2, {"update_id": BASE + 2})
    claimed = log.claim(BASE + 2)
    assert claimed is not None
    log.release(BASE + 2, claimed[0])  # the process is stopping
    assert BASE + 2 in log.pending() and log.claim(BASE + 2) is not None


def test_an_oversized_update_is_refused_and_nothing_is_stored(bot_services: Services) -> None:
    log = UpdateLog(bot_services.sessions, bot_services.now)
    with pytest.raises(ValueError, match="larger than"):
        log.record(BASE + 3, {"update_id": BASE + 3, "message": {"text": "x" * MAX_UPDATE_BYTES}})
    assert BASE + 3 not in log.pending() and log.claim(BASE + 3) is None
