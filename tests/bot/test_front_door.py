"""The front door and the inbox: stored before acknowledged, answered once, recovered after a crash.

Real SQLite under the sample services; the processes that "die" here are real ones too
(a child process takes a lease and is killed), because a lease is freed by its holder's death.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable

import pytest
from sqlalchemy import func, select, update

from api.services import Services, build_assistant
from bot.conversation import leases
from bot.conversation.assistant import Assistant
from bot.conversation.front_door import FrontDoor
from bot.conversation.inbox import AlreadyAnsweredError, Inbox, ReplyRecord
from bot.conversation.replies import DoneEvent
from bot.conversation.tables import MessageRow

JAPAN = "Entro quando devo iscrivermi alla missione in Giappone?"


@pytest.fixture
def assistant(sample_services: Services) -> Assistant:
    return build_assistant(sample_services)


@pytest.fixture
def door(assistant: Assistant) -> FrontDoor:
    return FrontDoor(assistant, wait_seconds=5, poll_seconds=0.01)


def conversation(assistant: Assistant) -> int:
    return assistant.start("web", uuid.uuid4().hex)


def replies_in(services: Services, conversation_id: int) -> int:
    with services.sessions() as session:
        query = select(func.count()).where(
            MessageRow.conversation_id == conversation_id, MessageRow.role == "assistant"
        )
        return int(session.scalar(query) or 0)


def test_a_message_is_stored_pending_before_any_turn_and_a_resend_finds_it(door: FrontDoor) -> None:
    talk = conversation(door.assistant)
    first = door.accept(talk, JAPAN, "web:abc12345")
    again = door.accept(talk, "other text, same key", "web:abc12345")
    assert first.created and not again.created and again.message_id == first.message_id
    assert again.text == JAPAN and again.status == "pending"
    [stored] = door.assistant.store.messages(talk)
    assert (stored.role, stored.status, stored.client_key) == ("user", "pending", "web:abc12345")
    other = door.accept(conversation(door.assistant), JAPAN, "web:abc12345")  # keys are per conversation
    assert other.message_id != first.message_id


def test_a_turn_runs_once_and_a_resend_gets_the_stored_reply(door: FrontDoor, sample_services: Services) -> None:
    talk = conversation(door.assistant)
    inbound = door.accept(talk, JAPAN, "web:once0001")
    reply = door.reply(inbound)
    resent = door.reply(door.accept(talk, JAPAN, "web:once0001"))
    assert resent.message_id == reply.message_id and resent.text == reply.text
    assert resent.citations == reply.citations and resent.outcome == reply.outcome == "catalog"
    assert replies_in(sample_services, talk) == 1
    assert [m.status for m in door.assistant.store.messages(talk)] == ["answered", None]


def test_the_reply_state_and_status_are_one_transaction(assistant: Assistant, sample_services: Services) -> None:
    inbox = assistant.inbox
    talk = conversation(assistant)
    inbound = inbox.accept(talk, "ciao")
    record = ReplyRecord(
        text="Ciao!", language="it", citations=[], decision="answer", reason=None, confidence=None, latency_ms=1.0,
        payload={"outcome": "smalltalk"}, state={"topic": {"query": "x"}},
    )  # fmt: skip
    inbox.record_reply(inbound.message_id, record)
    with pytest.raises(AlreadyAnsweredError):
        inbox.record_reply(inbound.message_id, record)  # nothing half-written by the second attempt
    assert replies_in(sample_services, talk) == 1
    assert assistant.store.conversation(talk).state == {"topic": {"query": "x"}}


def test_two_threads_answering_one_message_make_one_turn(door: FrontDoor, sample_services: Services) -> None:
    talk = conversation(door.assistant)
    inbound = door.accept(talk, JAPAN, "web:race0001")
    results: list[int] = []
    threads = [threading.Thread(target=lambda: results.append(door.reply(inbound).message_id)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(results)) == 1 and len(results) == 4
    assert replies_in(sample_services, talk) == 1


def test_a_lease_held_by_a_live_process_is_respected_and_a_dead_ones_taken_over(
    assistant: Assistant, sample_services: Services
) -> None:
    inbox = assistant.inbox
    talk = conversation(assistant)
    inbound = inbox.accept(talk, JAPAN, "web:lease001")
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        holder = f"{leases.this_process().split(':')[0]}:{child.pid}:someboot#1"
        _hold(sample_services, inbound.message_id, holder)
        assert inbox.claim(inbound.message_id) is None  # alive: its turn is not taken
        assert inbound.message_id not in [p.message_id for p in inbox.pending("web")]
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    assert inbound.message_id in [p.message_id for p in inbox.pending("web")]
    assert inbox.claim(inbound.message_id) is not None  # its holder died: taken over at once


def test_a_lease_from_an_earlier_life_of_this_pid_is_free(assistant: Assistant, sample_services: Services) -> None:
    inbox = assistant.inbox
    inbound = inbox.accept(conversation(assistant), "ciao", "web:reborn01")
    host, pid, _ = leases.this_process().split(":")
    _hold(sample_services, inbound.message_id, f"{host}:{pid}:oldlife#1")  # a container restarted with our pid
    assert inbox.claim(inbound.message_id) is not None


def test_a_lease_on_another_host_waits_for_its_expiry(sample_services: Services) -> None:
    now = [dt.datetime(2026, 12, 6, 10, 0, tzinfo=dt.UTC)]
    services_inbox = Inbox(sample_services.sessions, lambda: now[0], lease=dt.timedelta(seconds=90))
    assistant = build_assistant(sample_services)
    inbound = services_inbox.accept(conversation(assistant), "ciao", "web:remote01")
    _hold(sample_services, inbound.message_id, "elsewhere:1:boot#1", until=now[0] + dt.timedelta(seconds=90))
    assert services_inbox.claim(inbound.message_id) is None
    now[0] += dt.timedelta(seconds=91)
    assert services_inbox.claim(inbound.message_id) is not None


def test_recovery_answers_what_was_left_and_only_that(door: FrontDoor, sample_services: Services) -> None:
    talk = conversation(door.assistant)
    answered = door.accept(talk, "ciao", "web:done0001")
    door.reply(answered)
    left = door.accept(talk, JAPAN, "web:left0001")
    telegram = door.assistant.start("telegram", uuid.uuid4().hex)
    door.accept(telegram, JAPAN, "tg:1")  # Telegram recovers from its stored updates, not here
    recovered = door.recover("web")
    assert [r.user_message_id for r in recovered if r.user_message_id == left.message_id] == [left.message_id]
    assert all(r.user_message_id != answered.message_id for r in recovered)
    assert all(r.user_message_id != left.message_id for r in door.recover("web"))  # answered once
    assert replies_in(sample_services, talk) == 2 and replies_in(sample_services, telegram) == 0


def test_a_stream_abandoned_midway_leaves_the_message_answered_or_free(door: FrontDoor) -> None:
    talk = conversation(door.assistant)
    inbound = door.accept(talk, JAPAN, "web:gone0001")
    events = door.events(inbound)
    next(events)  # the channel went away after the first token
    events.close()
    # The extractive turn stores its reply before the first token goes out; a model's turn,
    # cut mid-stream, gives its lease back for the recovery. Never held by nobody.
    assert door.stored_reply(inbound) is not None or door.inbox.claim(inbound.message_id) is not None


@pytest.mark.parametrize("key", ["", "k" * 81])
def test_a_bad_key_is_refused_before_anything_is_stored(door: FrontDoor, key: str) -> None:
    talk = conversation(door.assistant)
    with pytest.raises(ValueError, match="idempotency key"):
        door.accept(talk, JAPAN, key)
    assert door.assistant.store.messages(talk) == []


def test_hostile_text_is_stored_as_text(door: FrontDoor) -> None:
    talk = conversation(door.assistant)
    hostile = "'); DROP TABLE bot_messages; -- <script>alert(1)</script>\x00\ud800"
    reply = door.reply(door.accept(talk, hostile, "web:hostile1"))
    stored = door.assistant.store.messages(talk)
    assert stored[0].text.startswith("'); DROP TABLE bot_messages;") and "\x00" not in stored[0].text
    assert any(isinstance(e, DoneEvent) for e in door.events(door.accept(talk, hostile, "web:hostile1")))
    assert reply.message_id == stored[1].id


def _hold(services: Services, message_id: int, holder: str, until: dt.datetime | None = None) -> None:
    until = until or dt.datetime(2100, 1, 1, tzinfo=dt.UTC)
    with services.sessions.begin() as session:
        session.execute(
            update(MessageRow).where(MessageRow.id == message_id).values(claimed_by=holder, claimed_until=until)
        )


@pytest.mark.integration
def test_the_front_door_on_postgresql(postgres_url: str, make_services: Callable[..., Services]) -> None:
    """The same guarantees on PostgreSQL: the key's unique constraint, one turn under racing threads,
    the single transaction of the reply."""
    services = make_services(database_url=postgres_url)
    assert services.engine.dialect.name == "postgresql"
    door = FrontDoor(build_assistant(services), wait_seconds=5, poll_seconds=0.01)
    talk = conversation(door.assistant)
    inbound = door.accept(talk, "ciao", "web:pg000001")
    assert door.accept(talk, "ciao", "web:pg000001").message_id == inbound.message_id
    results: list[int] = []
    threads = [threading.Thread(target=lambda: results.append(door.reply(inbound).message_id)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 4 and len(set(results)) == 1
    assert replies_in(services, talk) == 1
    assert [m.status for m in door.assistant.store.messages(talk)] == ["answered", None]
