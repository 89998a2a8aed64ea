"""A real uvicorn serving ``create_app`` on 127.0.0.1, over the real sample index."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from doubles.network import free_port, serve_in_thread

from api.limits import per_minute
from api.services import Services, build_services
from api.settings import AssistantSettings, EmbeddingSettings, Settings
from api.web.app import create_app
from api.web.chat import CHANNEL, token_hash
from bot.conversation.store import ConversationStore
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


@pytest.fixture(scope="session")
def live_server(real_services: tuple[Services, IngestReport]) -> Iterator[LiveServer]:
    services, _ = real_services
    port = free_port()
    app = create_app(services=services)
    server, thread = serve_in_thread(app, port)
    # Every test talks from 127.0.0.1: the per-IP limit (tested in tests/api) would count them all as one visitor.
    app.state.web.ip_limit = per_minute(1_000_000)
    yield LiveServer(f"http://127.0.0.1:{port}", services)
    server.should_exit = True
    thread.join(timeout=10)


HOSTILE_DOCUMENT = """---
title: "Bando Zeta <img src=x onerror=alert(1)>"
url: https://www.sportello-esempio.it/bandi/zeta
language: it
---
# Bando Zeta

La scadenza del bando Zeta è il 3 marzo 2027 <b onmouseover="alert(3)">entro le 12</b> & <u>non oltre</u>.
"""


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server whose only document carries markup in its title and text (fake embedder: fast)."""
    folder = tmp_path_factory.mktemp("hostile-corpus")
    (folder / "bando-zeta.md").write_text(HOSTILE_DOCUMENT, encoding="utf-8")
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=tmp_path_factory.mktemp("hostile-data"),
        embedding=EmbeddingSettings(provider="hashing", dimensions=256),
        assistant=AssistantSettings(answer_threshold=0.0),
    )
    services = build_services(settings)
    assert services.ingest_pipeline().run([folder]).ok
    port = free_port()
    server, thread = serve_in_thread(create_app(services=services), port)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    services.close()
