"""The widget's turns survive SIGKILL of ``sportello serve``: nothing acknowledged is lost, nothing answered twice.

A client speaks the widget's protocol (docs/web.md): every message carries a client id and
is sent again, with the same id, until its answer arrives. The server is killed at three
kinds of point — after acknowledging a message (status and headers out) and before the
answer is read, after a request reached it and before any byte went back, and at whatever
point concurrent traffic from several sessions happens to be in — then started again.
Afterwards every session's stored conversation must hold each acknowledged message once,
each followed by exactly one answer, which is the answer its client finally received.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from doubles.processes import SportelloProcess, send_then_kill
from doubles.served import served

pytestmark = pytest.mark.integration

QUESTIONS = (
    "Entro quando devo iscrivermi alla missione in Giappone?",
    "Quanto rimborsate per il volo?",
    "Quali bandi sono aperti?",
    "ciao",
    "Come si dimostra il pagamento delle spese?",
    "E per il Canada?",
)


class UnconfirmedError(Exception):
    """No answer came back (connection lost, server restarting, stream cut short)."""


@dataclass
class Widget:
    """One browser session: its token and what it was told."""

    url: str
    stream: bool
    token: str = ""
    acknowledged: set[str] = field(default_factory=set)
    answers: dict[str, int] = field(default_factory=dict)
    """client id → the message id of the answer the widget finally showed."""
    sent: list[str] = field(default_factory=list)

    def open(self) -> Widget:
        self.token = _retrying(lambda: httpx.post(f"{self.url}/api/sessions", json={"consent": True}, timeout=10))[
            "token"
        ]
        return self

    @property
    def headers(self) -> dict[str, str]:
        accept = "text/event-stream" if self.stream else "application/json"
        return {"Authorization": f"Bearer {self.token}", "Accept": accept}

    def send_once(self, client_id: str, text: str, on_ack: Callable[[], None] = lambda: None) -> dict[str, Any]:
        """One attempt; the acknowledgement is the response's status and headers (then ``on_ack`` runs)."""
        body = {"text": text, "client_id": client_id}
        try:
            with httpx.stream("POST", f"{self.url}/api/messages", json=body, headers=self.headers, timeout=30) as res:
                if res.status_code != 200:
                    raise UnconfirmedError(f"status {res.status_code}")
                self.acknowledged.add(client_id)
                on_ack()
                if not self.stream:
                    return dict(json.loads(res.read())["reply"])
                for kind, data in _events(res.iter_lines()):
                    if kind == "done":
                        return data
        except (httpx.HTTPError, json.JSONDecodeError, KeyError) as exc:
            raise UnconfirmedError(str(exc)) from exc
        raise UnconfirmedError("the stream ended before its answer")

    def deliver(self, text: str, client_id: str | None = None, on_ack: Callable[[], None] = lambda: None) -> str:
        """Send until answered, as the widget does (same id every time); returns the client id."""
        client_id = client_id or uuid.uuid4().hex
        if client_id not in self.sent:
            self.sent.append(client_id)
        deadline = time.monotonic() + 90
        wait = 0.05
        while True:
            try:
                reply = self.send_once(client_id, text, on_ack)
                self.answers[client_id] = int(reply["message_id"])
                return client_id
            except UnconfirmedError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(wait)
                wait = min(wait * 2, 1.0)
            on_ack = lambda: None  # noqa: E731 - a kill point fires once

    def history(self) -> list[dict[str, Any]]:
        response = httpx.get(f"{self.url}/api/history", headers=self.headers, timeout=10)
        assert response.status_code == 200, response.text
        return list(response.json()["messages"])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[SportelloProcess]:
    with served(
        tmp_path, WEB__IP_REQUESTS_PER_MINUTE="1000000", WEB__SESSION_MESSAGES_PER_MINUTE="1000000",
    ) as running:  # fmt: skip
        running.process.url = running.url  # type: ignore[attr-defined]
        yield running.process


@pytest.mark.parametrize("stream", [True, False], ids=["streamed", "json"])
def test_no_acknowledged_turn_is_lost_or_answered_twice_across_kills(server: SportelloProcess, stream: bool) -> None:
    url: str = server.url  # type: ignore[attr-defined]
    database = Path(server.env["SPORTELLO_DATA_DIR"]) / "sportello.db"
    kills = 0
    everyone: list[Widget] = []

    def nothing_acknowledged_is_missing() -> None:
        """Checked while the server is dead, before any client could send again: what the
        server acknowledged was stored before it said so."""
        stored = stored_client_ids(database)
        acknowledged = {i for w in everyone for i in w.acknowledged}
        assert acknowledged <= stored, f"acknowledged but not stored: {acknowledged - stored}"

    def kill_and_restart() -> None:
        nonlocal kills
        server.kill()
        kills += 1
        nothing_acknowledged_is_missing()
        server.start()

    # 1. Killed right after acknowledging a message, before its answer was read.
    first = Widget(url, stream).open()
    everyone.append(first)
    first.deliver(QUESTIONS[0])
    killed = threading.Event()

    def kill_now() -> None:
        server.kill()
        killed.set()

    third = uuid.uuid4().hex
    first.sent.append(third)
    read: dict[str, Any] | None = None
    with contextlib.suppress(UnconfirmedError):  # a JSON answer may be in the client's buffer with its headers
        read = first.send_once(third, QUESTIONS[1], on_ack=kill_now)
    assert killed.is_set() and third in first.acknowledged
    kills += 1
    nothing_acknowledged_is_missing()
    server.start()
    if read is None:
        first.deliver(QUESTIONS[1], third)  # the widget's resend
    else:
        first.answers[third] = int(read["message_id"])

    # 2. Killed after a request reached the server, before any byte went back.
    fourth = uuid.uuid4().hex
    first.sent.append(fourth)
    body = {"text": QUESTIONS[2], "client_id": fourth}
    send_then_kill(httpx.Request("POST", f"{url}/api/messages", json=body, headers=first.headers), server)
    kills += 1
    nothing_acknowledged_is_missing()
    server.start()
    first.deliver(QUESTIONS[2], fourth)

    # 3. Killed in the middle of concurrent traffic from several sessions, twice.
    widgets = [Widget(url, stream).open() for _ in range(3)]
    everyone.extend(widgets)
    acknowledged = lambda: sum(len(w.acknowledged) for w in widgets)  # noqa: E731

    def talk(widget: Widget) -> None:
        for question in QUESTIONS:
            widget.deliver(question)

    threads = [threading.Thread(target=talk, args=(w,)) for w in widgets]
    for thread in threads:
        thread.start()
    for threshold in (4, 10):
        _wait_until(lambda t=threshold: acknowledged() >= t)
        kill_and_restart()
    for thread in threads:
        thread.join(timeout=180)
    assert kills == 4

    for widget in (first, *widgets):
        history = widget.history()
        users = [m for m in history if m["role"] == "user"]
        assert [m["client_id"] for m in users] == widget.sent  # each once, in order: none lost, none doubled
        assert widget.acknowledged <= set(widget.sent)
        assert not any(m["pending"] for m in users)
        # Each message is followed by exactly one answer: the one its client was finally given.
        turns = [m for m in history if m["role"] in ("user", "assistant")]
        assert [m["role"] for m in turns] == ["user", "assistant"] * len(users), [m["role"] for m in turns]
        for asked, answer in zip(turns[::2], turns[1::2], strict=True):
            assert widget.answers[asked["client_id"]] == answer["id"]


def stored_client_ids(database: Path) -> set[str]:
    """The client ids of the widget messages stored in the (dead) server's database."""
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT client_key FROM bot_messages WHERE role = 'user' AND client_key LIKE 'web:%'")
        return {key.removeprefix("web:") for (key,) in rows}


def _wait_until(condition: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the traffic did not reach the kill point"
        time.sleep(0.005)


def _retrying(call: Callable[[], httpx.Response]) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while True:
        try:
            response = call()
            if response.status_code < 500:
                return dict(response.json())
        except httpx.HTTPError:
            pass
        assert time.monotonic() < deadline, "the server did not answer"
        time.sleep(0.1)


def _events(lines: Iterator[str]) -> Iterator[tuple[str, dict[str, Any]]]:
    kind, data = "", ""
    for line in lines:
        if line.startswith("event: "):
            kind = line[7:]
        elif line.startswith("data: "):
            data = line[6:]
        elif not line and kind:
            yield kind, json.loads(data)
            kind, data = "", ""
