"""A real uvicorn serving ``create_app`` on 127.0.0.1, over the real sample index."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
import uvicorn

from api.services import Services
from api.web.app import create_app
from api.web.chat import CHANNEL, token_hash
from api.web.limits import RateLimiter
from bot.store import ConversationStore
from knowledge.ingest import IngestReport


@dataclass
class LiveServer:
    """The server's root URL and the services behind it (to write what staff would)."""

    url: str
    services: Services

    @property
    def store(self) -> ConversationStore:
        return ConversationStore(self.services.sessions, self.services.now)

    def conversation_for_token(self, token: str) -> int:
        """The conversation of a widget session (its token is in the browser's localStorage)."""
        conversation = self.store.latest_conversation(CHANNEL, token_hash(token))
        assert conversation is not None, "no such session"
        return conversation

    def staff_reply(self, conversation_id: int, text: str) -> int:
        """A staff member's reply, as the staff console will write it: a stored ``staff`` message."""
        return self.store.add_message(conversation_id, "staff", text)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve_in_thread(app: object, port: int) -> tuple[uvicorn.Server, threading.Thread]:
    """Start uvicorn on 127.0.0.1:``port`` in a thread and wait until it answers."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))  # type: ignore[arg-type]
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return server, thread
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError("uvicorn did not start")


@pytest.fixture(scope="session")
def live_server(real_services: tuple[Services, IngestReport]) -> Iterator[LiveServer]:
    services, _ = real_services
    port = free_port()
    app = create_app(services=services)
    server, thread = serve_in_thread(app, port)
    # Every test talks from 127.0.0.1: the per-IP limit (tested in tests/api) would count them all as one visitor.
    app.state.web.ip_limit = RateLimiter(1_000_000)
    yield LiveServer(f"http://127.0.0.1:{port}", services)
    server.should_exit = True
    thread.join(timeout=10)
