"""The chat API through a real uvicorn on 127.0.0.1 (the real model and index behind it)."""

from __future__ import annotations

import json
from typing import Any

import httpx

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
