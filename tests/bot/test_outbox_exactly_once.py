"""The outbox's exactly-once rules: an event queued twice is one row, a due row is leased to one
sender, a lease left by a dead sender expires and the row goes out once more — on SQLite and,
with racing threads standing in for processes, on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import socket
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from doubles.sample import SAMPLE_TODAY

from api.services import IngestBusyError, Services
from bot.outbound.outbox import LEASE, Outbox, OutboxRow, event_key


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


def test_the_same_event_queued_twice_is_one_row(make_services: Callable[..., Services]) -> None:
    services = make_services()
    outbox = Outbox(services.sessions, Clock(SAMPLE_TODAY))
    key = event_key("staff_notice", 7, "email", "desk@cluster.example.eu")
    first = outbox.enqueue("email", "desk@cluster.example.eu", "staff_notice", "Nuova richiesta #7", key=key)
    again = outbox.enqueue("email", "desk@cluster.example.eu", "staff_notice", "Nuova richiesta #7", key=key)
    other = outbox.enqueue("email", "boss@cluster.example.eu", "staff_notice", "Nuova richiesta #7",
                           key=event_key("staff_notice", 7, "email", "boss@cluster.example.eu"))  # fmt: skip
    assert first == again != other
    assert len(outbox.items("email")) == 2


def test_due_rows_are_leased_to_one_sender_until_settled_or_expired(make_services: Callable[..., Services]) -> None:
    services = make_services()
    clock = Clock(SAMPLE_TODAY)
    outbox = Outbox(services.sessions, clock)
    ids = [outbox.enqueue("email", f"staff{n}@cluster.example.eu", "staff_notice", f"#{n}") for n in range(5)]
    first = outbox.claim_due("email", limit=3)
    second = outbox.claim_due("email")
    assert [i.id for i in first] == ids[:3] and [i.id for i in second] == ids[3:]
    assert outbox.claim_due("email") == []  # all leased
    outbox.mark_sent(ids[0])
    outbox.mark_failed(ids[1], "SMTP down")  # back to the backoff, not to this sender
    outbox.release([ids[2]])
    assert [i.id for i in outbox.claim_due("email")] == [ids[2]]
    clock.now += LEASE + dt.timedelta(seconds=1)  # the sender of ids[3:] died mid-send
    assert sorted(i.id for i in outbox.claim_due("email")) == [ids[1], ids[2], ids[3], ids[4]]


@pytest.mark.integration
def test_racing_senders_and_enqueuers_on_postgresql(postgres_url: str, make_services: Callable[..., Services]) -> None:
    services = make_services(database_url=postgres_url)
    assert services.engine.dialect.name == "postgresql"
    outbox = Outbox(services.sessions, lambda: dt.datetime.now(dt.UTC))
    queued: list[int] = []

    def enqueue_all() -> None:  # four processes queueing the same 30 notices at once
        for n in range(30):
            key = event_key("staff_notice", n, "email", "desk@cluster.example.eu")
            queued.append(outbox.enqueue("email", "desk@cluster.example.eu", "staff_notice", f"#{n}", key=key))

    _race(enqueue_all, 4)
    assert len(set(queued)) == 30 and len(outbox.items("email")) == 30
    claimed: list[int] = []

    def send_all() -> None:  # four senders claiming a few at a time until nothing is left
        while batch := outbox.claim_due("email", limit=4):
            for item in batch:
                claimed.append(item.id)
                outbox.mark_sent(item.id)

    _race(send_all, 4)
    assert sorted(claimed) == sorted(set(queued))  # every row once, none twice
    assert {i.status for i in outbox.items("email")} == {"sent"}


def _race(work: Callable[[], None], threads: int) -> None:
    start = threading.Barrier(threads)

    def run() -> None:
        start.wait()
        work()

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()


def test_rows_leased_to_a_dead_process_of_this_host_are_taken_at_once(make_services: Callable[..., Services]) -> None:
    services = make_services()
    outbox = Outbox(services.sessions, Clock(SAMPLE_TODAY))
    item = outbox.enqueue("email", "desk@cluster.example.eu", "staff_notice", "#1")
    outbox.claim_due("email")
    with services.sessions.begin() as session:  # as if a process long gone had claimed it
        session.get(OutboxRow, item).claimed_by = f"{socket.gethostname()}:{2**22 + 17}:dead#0001"  # type: ignore[union-attr]
    assert [i.id for i in outbox.claim_due("email")] == [item]
    with services.sessions.begin() as session:  # a live process elsewhere keeps its lease
        session.get(OutboxRow, item).claimed_by = "another-host:1234:live#0002"  # type: ignore[union-attr]
    assert outbox.claim_due("email") == []


@pytest.mark.integration
def test_one_ingest_at_a_time_for_every_process_on_one_postgresql(
    postgres_url: str, make_services: Callable[..., Services], tmp_path: Path
) -> None:
    # Two processes' data directories (each its own file lock) over one database.
    first = make_services(tmp_path / "web-1", database_url=postgres_url)
    second = make_services(tmp_path / "web-2", database_url=postgres_url)
    busy = pytest.raises(IngestBusyError, match="another process is ingesting")
    with first.ingest_lock(), busy, second.ingest_lock():
        pass
    with second.ingest_lock():  # released: the next one goes ahead
        pass
