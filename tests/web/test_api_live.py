"""The chat API through a real uvicorn on 127.0.0.1 (the real model and index behind it)."""

from __future__ import annotations

import json
import threading
import time
import uuid
from typing import Any

import httpx
from sqlalchemy import MetaData, String, Text, func, select

from api.services import Services
from api.web.chat import CHANNEL, token_hash

JAPAN = "Entro quando devo iscrivermi alla missione in Giappone?"


def test_against_uvicorn_a_staff_reply_arrives_live(live_server: Any) -> None:
    """Through a real server: a session, a question, and a staff message pushed over /api/events."""
    with httpx.Client(base_url=live_server.url, timeout=10) as http:
        token = http.post("/api/sessions", json={"consent": True}).json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        reply = http.post("/api/messages", json={"text": JAPAN}, headers=headers).json()["reply"]
        assert "15 marzo 2027" in reply["text"]
        conversation = live_server.conversation_for_token(token)
        with http.stream("GET", "/api/events", params={"after": reply["message_id"]}, headers=headers) as events:
            live_server.staff_reply(conversation, "Buongiorno, la richiamiamo domani. <b>Staff</b>")
            for line in events.iter_lines():
                if line.startswith("data: "):
                    message = json.loads(line[6:])
                    assert message["role"] == "staff" and message["text"].endswith("<b>Staff</b>")
                    break


def text_cells_holding(services: Services, needle: str) -> list[str]:
    """``table.column`` of every text cell of every table (as the database has them) holding ``needle``."""
    metadata = MetaData()
    metadata.reflect(services.engine)
    found = []
    with services.engine.connect() as connection:
        for table in metadata.sorted_tables:
            for column in table.columns:
                if isinstance(column.type, String | Text):
                    query = select(func.count()).select_from(table).where(column.contains(needle, autoescape=True))
                    if connection.execute(query).scalar():
                        found.append(f"{table.name}.{column.name}")
    return found


def test_erase_deletes_the_session_and_everything_it_wrote(live_server: Any) -> None:
    marker = f"zq{uuid.uuid4().hex[:10]}"
    with httpx.Client(base_url=live_server.url, timeout=20) as http:
        assert http.post("/api/erase", json={"confirm": True}).status_code == 401  # no session, nothing to erase
        token = http.post("/api/sessions", json={"consent": True}).json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        reply = http.post("/api/messages", json={"text": f"{JAPAN} {marker}"}, headers=headers).json()["reply"]
        http.post("/api/feedback", json={"message_id": reply["message_id"], "rating": "down",
                                         "comment": f"non chiaro {marker}"}, headers=headers)  # fmt: skip
        http.post("/api/handoff", json={}, headers=headers)  # the details staff need are asked first
        escalated = http.post("/api/messages", json={"text": f"ACME srl, {marker}@example.org"}, headers=headers)
        assert escalated.json()["reply"]["escalation"] is not None
        assert "bot_messages.text" in text_cells_holding(live_server.services, marker)

        refused = http.post("/api/erase", json={"confirm": False}, headers=headers)
        assert refused.status_code == 400 and refused.json()["error"]["code"] == "confirmation_required"
        assert http.get("/api/history", headers=headers).status_code == 200  # nothing erased

        # A live stream open meanwhile (another tab) ends once the session is erased.
        ended = threading.Event()

        def listen() -> None:
            with httpx.stream("GET", f"{live_server.url}/api/events", headers=headers, timeout=30) as events:
                for _ in events.iter_lines():
                    pass
            ended.set()

        listener = threading.Thread(target=listen, daemon=True)
        listener.start()
        time.sleep(1.5)  # the stream has seen the open escalation
        erased = http.post("/api/erase", json={"confirm": True}, headers=headers)
        assert erased.status_code == 200 and erased.json() == {"erased": True}
        assert ended.wait(10), "the event stream of an erased session should end"

        assert text_cells_holding(live_server.services, marker) == []
        assert text_cells_holding(live_server.services, token_hash(token)) == []
        assert live_server.store.find_contact(CHANNEL, token_hash(token)) is None
        gone = http.get("/api/history", headers=headers)
        assert gone.status_code == 401 and gone.json()["error"]["code"] == "unauthorized"
        assert http.post("/api/erase", json={"confirm": True}, headers=headers).status_code == 401


def test_erase_is_in_the_openapi_reference(live_server: Any) -> None:
    spec = httpx.get(f"{live_server.url}/openapi.json").json()
    assert "post" in spec["paths"]["/api/erase"]
