"""``sportello serve`` posts the desk's events to a receiver on loopback, as an operator configures
it: an SME asks for a person on the widget and staff reply; the receiver verifies every POST's
signature; after a SIGKILL and a restart nothing is posted twice and nothing is lost."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from doubles.network import free_port
from doubles.processes import SportelloProcess, sportello_env
from doubles.webhook_receiver import WebhookReceiver

pytestmark = pytest.mark.integration

SECRET = "served-webhook-secret-0123456789"


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver(SECRET) as running:
        yield running


def wait_for(condition: object, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "the receiver never got the events"
        time.sleep(0.1)


def test_the_server_posts_signed_events_once_across_a_kill(tmp_path: Path, receiver: WebhookReceiver) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    endpoints = [{"name": "crm", "url": receiver.url, "secret": SECRET, "personal": True}]
    env = sportello_env(
        tmp_path / "data", WEB__PORT=str(port), WEBHOOKS__ENDPOINTS=json.dumps(endpoints),
        CONSOLE__NOTIFY_SECONDS="0.2",
    )  # fmt: skip
    server = SportelloProcess(
        ["serve"], env, tmp_path / "serve.log", lambda: httpx.get(f"{url}/readyz", timeout=1).status_code == 200
    )
    server.start()
    try:
        token = httpx.post(f"{url}/api/sessions", json={"consent": True}, timeout=10).json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        for text in ("Vorrei parlare con una persona", "Tessuti Rossi srl, anna@tessuti.example.it"):
            answer = httpx.post(f"{url}/api/messages", json={"text": text}, headers=headers, timeout=60)
            assert answer.status_code == 200, answer.text
        wait_for(lambda: receiver.events("handoff.requested"))
        server.kill()
        server.start()
        # The restarted server posts what is new, and nothing it had posted before.
        token_two = httpx.post(f"{url}/api/sessions", json={"consent": True}, timeout=10).json()["token"]
        httpx.post(f"{url}/api/messages", json={"text": "ciao"}, headers={"Authorization": f"Bearer {token_two}"},
                   timeout=60)  # fmt: skip
        wait_for(lambda: len(receiver.events("conversation.started")) >= 2)
    finally:
        server.kill()
    events = receiver.events()
    ids = [event["id"] for event in events]
    assert len(ids) == len(set(ids)), f"posted twice: {ids}"
    assert all(attempt.verified for attempt in receiver.attempts)
    (handoff,) = receiver.events("handoff.requested")
    assert handoff["data"]["details"]["company"] == "Tessuti Rossi srl"
    assert handoff["data"]["reason"] == "user_request"
