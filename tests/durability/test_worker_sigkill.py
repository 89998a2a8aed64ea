"""``sportello worker`` sending staff e-mail while ``sportello serve`` only enqueues, SIGKILLed
mid-batch and started again: every notice arrives, and a mail in flight at the kill is sent
again at most once, with the same Message-ID (a mail client threads it as one message)."""

from __future__ import annotations

import asyncio
import collections
import json
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from doubles.network import free_port
from doubles.processes import SportelloProcess, sportello_env
from doubles.smtp import Inbox, start_smtp

RECIPIENTS = ["desk@cluster.example.eu", "boss@cluster.example.eu"]
ESCALATIONS = 8


class SlowInbox(Inbox):
    """Takes a moment per mail, so that a kill lands in the middle of a batch."""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        await asyncio.sleep(0.25)
        return await super().handle_DATA(server, session, envelope)


def _wait_for(condition: Any, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@pytest.mark.integration
def test_a_worker_killed_mid_batch_loses_no_notice_and_repeats_at_most_the_one_in_flight(tmp_path: Path) -> None:
    inbox = SlowInbox()
    smtp_port = free_port()
    controller, _ = start_smtp(smtp_port, inbox=inbox)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    database = f"sqlite:///{tmp_path / 'web' / 'sportello.db'}"
    email = {"EMAIL__HOST": "127.0.0.1", "EMAIL__PORT": str(smtp_port), "EMAIL__STARTTLS": "false",
             "EMAIL__RECIPIENTS": json.dumps(RECIPIENTS), "CONSOLE__NOTIFY_SECONDS": "0.2"}  # fmt: skip
    web = SportelloProcess(
        ["serve"], sportello_env(tmp_path / "web", WEB__PORT=str(port), WEB__DESK_TASKS="false", **email),
        tmp_path / "web.log", lambda: httpx.get(f"{url}/readyz", timeout=1).status_code == 200,
    )  # fmt: skip
    worker_log = tmp_path / "worker.log"
    worker = SportelloProcess(
        ["worker"], sportello_env(tmp_path / "worker", DATABASE_URL=database, **email), worker_log,
        lambda: "Sportello worker" in worker_log.read_text(),
    )  # fmt: skip
    try:
        web.start()
        for n in range(ESCALATIONS):
            with httpx.Client(base_url=url, timeout=60) as http:
                token = http.post("/api/sessions", json={"consent": True}).json()["token"]
                headers = {"Authorization": f"Bearer {token}"}
                http.post("/api/handoff", json={}, headers=headers)
                http.post("/api/messages", json={"text": f"Impresa {n} srl, info{n}@example.org"}, headers=headers)
        time.sleep(1)
        assert inbox.received == []  # the web process only enqueues
        worker.start()
        _wait_for(lambda: len(inbox.received) >= 5)
        worker.kill()
        at_kill = len(inbox.received)
        worker.start()
        expected = ESCALATIONS * len(RECIPIENTS)
        ids = lambda: collections.Counter(m["Message-ID"] for m in inbox.messages())  # noqa: E731
        _wait_for(lambda: len(ids()) >= expected)
        time.sleep(1.5)  # more rounds of the worker: nothing more may come
        counts = ids()
        print(f"{len(inbox.received)} mails for {expected} notices; killed after {at_kill}")
        assert len(counts) == expected
        assert sum(counts.values()) - expected <= 1, counts  # only the mail in flight at the kill
    finally:
        worker.kill()
        web.kill()
        controller.stop()
