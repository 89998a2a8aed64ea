"""Changes wake their waiters when they commit, never for a rollback; on PostgreSQL a change
committed through one process's sessions wakes the waiters of another (LISTEN/NOTIFY)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest

from api.services import Services
from bot.conversation.changes import (
    DESK,
    MAX_PAYLOAD,
    ChangeHub,
    _payloads,
    conversation_topic,
    listener_for,
    note_change,
)
from bot.conversation.store import ConversationStore
from bot.conversation.tables import ConversationRow


def _conversation(services: Services) -> tuple[ConversationStore, int]:
    store = services.assistant().store
    return store, store.start_conversation(store.contact("web", "changes-test"))


def test_a_committed_message_wakes_its_waiter_and_no_other(make_services: Callable[..., Services]) -> None:
    services = make_services()
    store, conversation = _conversation(services)
    other = store.start_conversation(store.contact("web", "someone-else"))
    hub = services.changes()

    async def scenario() -> tuple[bool, bool, bool]:
        async with hub.subscribe(conversation_topic(conversation)) as mine, hub.subscribe(DESK) as desk:
            await asyncio.to_thread(store.add_message, other, "user", "not yours")
            quiet = await mine.changed(0.2)
            await asyncio.to_thread(store.add_message, conversation, "staff", "Buongiorno")
            woken = await mine.changed(5)
            await asyncio.to_thread(store.open_escalation, conversation, "user_request", "chiede una persona")
            return quiet, woken, await desk.changed(5)

    assert asyncio.run(scenario()) == (False, True, True)
    assert hub.waiting == 0


def test_a_rolled_back_change_wakes_nobody(make_services: Callable[..., Services]) -> None:
    services = make_services()
    _, conversation = _conversation(services)
    hub = services.changes()

    def fail_inside_a_transaction() -> None:
        with pytest.raises(RuntimeError), services.sessions.begin() as session:
            note_change(session, conversation_topic(conversation))
            raise RuntimeError("rolled back")

    async def scenario() -> bool:
        async with hub.subscribe(conversation_topic(conversation)) as mine:
            await asyncio.to_thread(fail_inside_a_transaction)
            return await mine.changed(0.3)

    assert asyncio.run(scenario()) is False


def test_a_change_made_while_the_waiter_reads_is_not_missed(make_services: Callable[..., Services]) -> None:
    """The waiter subscribes, reads, then waits: a commit between its read and its wait returns at once."""
    services = make_services()
    store, conversation = _conversation(services)
    hub = services.changes()

    async def scenario() -> bool:
        async with hub.subscribe(conversation_topic(conversation)) as mine:
            await asyncio.to_thread(store.messages, conversation)  # the read
            await asyncio.to_thread(store.add_message, conversation, "staff", "arrivata durante la lettura")
            return await mine.changed(0.01)

    assert asyncio.run(scenario()) is True


def test_many_topics_go_in_several_notices_none_cut() -> None:
    topics = [conversation_topic(n) for n in range(2000)]
    payloads = _payloads(topics)
    assert len(payloads) > 1 and all(len(p) <= MAX_PAYLOAD for p in payloads)
    assert [t for p in payloads for t in p.split(",")] == topics


def test_patience_is_short_without_a_listener_and_long_with_one() -> None:
    hub = ChangeHub(recheck_seconds=1.0, listening_recheck_seconds=30.0)
    assert hub.patience == 1.0
    hub.listening = True
    assert hub.patience == 30.0


@pytest.mark.integration
def test_on_postgresql_a_change_in_one_process_wakes_a_waiter_in_another(
    postgres_url: str, make_services: Callable[..., Services], tmp_path: Path
) -> None:
    """Two Services on one database stand for two processes: the second hears the first's commit
    through LISTEN/NOTIFY, not through the first's in-process hook."""
    writer = make_services(data_dir=tmp_path / "a", database_url=postgres_url)
    reader = make_services(data_dir=tmp_path / "b", database_url=postgres_url)
    store, conversation = _conversation(writer)
    hub = reader.changes()
    listener = listener_for(reader.engine, hub)
    assert listener is not None
    assert listener_for(make_services(data_dir=tmp_path / "c").engine, ChangeHub()) is None  # SQLite: none

    async def scenario() -> tuple[bool, bool, bool]:
        listener.start()
        try:
            await asyncio.wait_for(listener.connected.wait(), 10)
            async with hub.subscribe(conversation_topic(conversation)) as mine, hub.subscribe(DESK) as desk:
                await asyncio.to_thread(store.add_message, conversation, "staff", "dall'altro processo")
                woken = await mine.changed(10)
                await asyncio.to_thread(rolled_back)
                quiet = await desk.changed(0.5)
                await asyncio.to_thread(writer.staff_desk().resolve, escalation)
                return woken, quiet, await desk.changed(10)
        finally:
            await listener.stop()

    escalation = store.open_escalation(conversation, "user_request", "chiede una persona")

    def rolled_back() -> None:
        with pytest.raises(RuntimeError), writer.sessions.begin() as session:
            session.get(ConversationRow, conversation)
            note_change(session, DESK)
            raise RuntimeError("rolled back: PostgreSQL sends nothing")

    assert asyncio.run(scenario()) == (True, False, True)
    assert hub.listening is False  # stopped: waiters read on their own again
