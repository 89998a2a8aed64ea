"""SMEs and staff as a deployment's users: widget clients and Telegram chats that resend what
was not acknowledged, and staff answering from the console (``tests/integration/test_scale_out.py``).

A client talks to the web processes the way a balancer spreads it: it starts at one, and when
that one does not answer (killed), it tries the next, resending with the same client id, so
a turn the dead process stored is returned, never stored twice.
"""

from __future__ import annotations

import json
import queue
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx

from doubles.console import login
from doubles.deployment import Deployment
from doubles.served import ADMIN
from doubles.telegram_api import BotApiDouble
from doubles.telegram_crash import numbered

RETRY_SECONDS = 180.0
TELEGRAM_QUESTION = "Entro quando ci si iscrive alla missione in Giappone?"


class Progress:
    """How many conversations are done; ``wait_for`` blocks until there are ``n``."""

    def __init__(self) -> None:
        self._done = 0
        self._changed = threading.Condition()

    def add(self) -> None:
        with self._changed:
            self._done += 1
            self._changed.notify_all()

    def wait_for(self, n: int, timeout: float = 600.0) -> None:
        with self._changed:
            assert self._changed.wait_for(lambda: self._done >= n, timeout), f"only {self._done} of {n} done"


@dataclass
class WidgetConversation:
    token: str
    start: int
    acknowledged: list[tuple[str, int]] = field(default_factory=list)
    """(client id, the reply's message id) of every turn answered 200."""
    escalation: int | None = None

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


class Clients:
    """Widget users of a deployment."""

    def __init__(self, deployment: Deployment) -> None:
        self.urls = deployment.urls
        self.progress = Progress()
        self.conversations: list[WidgetConversation] = []
        self._lock = threading.Lock()
        self._consoles: dict[str, tuple[httpx.Client, str]] = {}

    def call(self, start: int, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """The request on the process at ``start``, then on the next ones until one answers below 500."""
        deadline = time.monotonic() + RETRY_SECONDS
        attempt = start
        while True:
            url = self.urls[attempt % len(self.urls)]
            try:
                response = httpx.request(method, url + path, timeout=120, **kwargs)
                if response.status_code < 500:
                    return response
            except httpx.HTTPError:
                pass  # killed mid-request: not acknowledged, sent again
            assert time.monotonic() < deadline, f"{method} {path} never answered"
            attempt += 1
            if attempt % len(self.urls) == start % len(self.urls):
                time.sleep(0.2)  # every process tried: wait for one to come back

    def converse(self, n: int, question: str, escalate: bool) -> int | None:
        """A session, a question and, every so often, a request for a person with the details
        staff need; returns the escalation's id."""
        start = n % len(self.urls)
        session = self.call(start, "POST", "/api/sessions", json={"consent": True})
        assert session.status_code == 201, session.text
        conversation = WidgetConversation(session.json()["token"], start)
        with self._lock:
            self.conversations.append(conversation)
        reply = self._turn(conversation, "/api/messages", {"text": f"{question} [{n}]"})
        if escalate:
            self._turn(conversation, "/api/handoff", {})
            reply = self._turn(conversation, "/api/messages", {"text": f"Impresa {n} srl, info{n}@example.org"})
            assert reply["escalation"] is not None, reply
            conversation.escalation = int(reply["escalation"]["id"])
        self.progress.add()
        return conversation.escalation

    def _turn(self, conversation: WidgetConversation, path: str, body: dict[str, Any]) -> dict[str, Any]:
        client_id = uuid.uuid4().hex
        response = self.call(
            conversation.start, "POST", path, json={**body, "client_id": client_id}, headers=conversation.headers
        )
        assert response.status_code == 200, response.text
        reply = response.json()["reply"]
        conversation.acknowledged.append((client_id, int(reply["message_id"])))
        return dict(reply)

    def check_history(self, conversation: WidgetConversation) -> None:
        """Every acknowledged turn stored once and answered; none left pending."""
        history = self.call(0, "GET", "/api/history", headers=conversation.headers).json()["messages"]
        mine = [m for m in history if m["role"] == "user"]
        assert sorted(m["client_id"] for m in mine) == sorted(c for c, _ in conversation.acknowledged), history
        assert not any(m["pending"] for m in mine), history
        replies = {m["id"] for m in history if m["role"] == "assistant"}
        assert {reply for _, reply in conversation.acknowledged} <= replies, history

    def ask_once(self, url: str, question: str) -> str:
        """A new session on ``url`` and one question; the reply's text."""
        with httpx.Client(base_url=url, timeout=120) as http:
            token = http.post("/api/sessions", json={"consent": True}).json()["token"]
            asked = http.post("/api/messages", json={"text": question}, headers={"Authorization": f"Bearer {token}"})
            return str(asked.json()["reply"]["text"])

    # -- staff ----------------------------------------------------------------------------------

    def staff_reply(self, url: str, escalation: int, text: str) -> None:
        """Answer from the console on ``url`` (logged in once per process)."""
        with self._lock:
            if url not in self._consoles:
                console = httpx.Client(base_url=url, timeout=60, follow_redirects=True)
                self._consoles[url] = (console, login(console, ADMIN))
            console, csrf = self._consoles[url]
        page = console.post(f"/console/escalations/{escalation}/reply", data={"csrf_token": csrf, "text": text})
        assert page.status_code == 200 and "Risposta inviata" in page.text, page.text[:1500]

    def staff_reply_latency(self, conversation: WidgetConversation, *, reply_on: str, stream_from: str) -> float:
        """Seconds from a staff reply stored on ``reply_on`` to the widget's live stream on
        ``stream_from`` showing it (after a first reply proved the stream open)."""
        assert conversation.escalation is not None
        received: queue.Queue[str] = queue.Queue()
        after = max(reply for _, reply in conversation.acknowledged)
        stop = threading.Event()

        def listen() -> None:
            timeout = httpx.Timeout(60, read=None)
            url = f"{stream_from}/api/events"
            with httpx.stream(
                "GET", url, params={"after": after}, headers=conversation.headers, timeout=timeout
            ) as events:
                kind = ""
                for line in events.iter_lines():
                    if stop.is_set():
                        return
                    if line.startswith("event:"):
                        kind = line.split(":", 1)[1].strip()
                    elif line.startswith("data:") and kind == "message":
                        received.put(json.loads(line.split(":", 1)[1])["text"])

        listener = threading.Thread(target=listen, daemon=True)
        listener.start()
        try:
            self.staff_reply(reply_on, conversation.escalation, "Buongiorno, la ricontattiamo oggi.")
            assert "ricontattiamo" in received.get(timeout=60)  # the stream is open and subscribed
            sent = time.monotonic()
            self.staff_reply(reply_on, conversation.escalation, "Le abbiamo scritto anche per e-mail.")
            assert "per e-mail" in received.get(timeout=60)
            return time.monotonic() - sent
        finally:
            stop.set()

    def close(self) -> None:
        for console, _ in self._consoles.values():
            console.close()


class TelegramClients:
    """SMEs on Telegram: updates posted to either web process's webhook until one answers 200."""

    def __init__(self, deployment: Deployment, api: BotApiDouble) -> None:
        from doubles.deployment import WEBHOOK_SECRET

        self.urls = deployment.urls
        self.api = api
        self.headers = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}
        self.escalations: dict[int, int] = {}
        self._turn = 0
        self._lock = threading.Lock()

    def post(self, update: dict[str, Any], to: int | None = None) -> None:
        """Post until some process answers 200: the process number ``to`` first, else the next in turn."""
        with self._lock:
            self._turn += 1
            attempt = self._turn if to is None else to
        deadline = time.monotonic() + RETRY_SECONDS
        while True:
            url = self.urls[attempt % len(self.urls)]
            try:
                response = httpx.post(f"{url}/telegram/webhook", json=update, headers=self.headers, timeout=60)
                if response.status_code == 200:
                    return
            except httpx.HTTPError:
                pass  # Telegram posts it again
            assert time.monotonic() < deadline, f"update {update['update_id']} never acknowledged"
            attempt += 1
            time.sleep(0.1)

    def say(self, chat: int, text: str, expect: str | None = None, *, callback: str | None = None,
            to: int | None = None) -> str:  # fmt: skip
        """Post a message (or a press of the ``callback`` button under the last message) and wait
        for the bot's next message holding ``expect``; returns its text."""
        before = len(self.api.sent(chat))
        update = (self.api.callback_update(chat, callback, message=self.api.sent(chat)[-1]) if callback
                  else self.api.message_update(chat, text))  # fmt: skip
        self.post(numbered(self.api, update), to)

        def answered() -> bool:
            return any(expect is None or expect in m.text for m in self.api.sent(chat)[before:])

        self.api.wait_for(answered, timeout=RETRY_SECONDS)
        return next(m.text for m in self.api.sent(chat)[before:] if expect is None or expect in m.text)

    def converse(self, chat: int, *, escalate: bool, ask_first: bool = False) -> int | None:
        """Consent and a question (``ask_first``: the question before any /start, to one process,
        and the consent to another, which answers the question held in the database)."""
        if ask_first:
            self.say(chat, f"{TELEGRAM_QUESTION} ({chat})", to=0)  # the privacy notice comes back
            self.say(chat, "", callback="consent", expect="Giappone", to=len(self.urls) - 1)
        else:
            self.say(chat, "/start")
            self.say(chat, "", callback="consent")
            self.say(chat, f"{TELEGRAM_QUESTION} ({chat})")
        if not escalate:
            return None
        self.say(chat, "Vorrei parlare con una persona", expect="azienda")
        confirmed = self.say(chat, f"Tessitura {chat} srl, info{chat}@example.org", expect="richiesta n.")
        found = re.search(r"(?:richiesta n\.|request no\.) (\d+)", confirmed)
        assert found is not None, confirmed
        self.escalations[chat] = int(found.group(1))
        return self.escalations[chat]

    def staff_replies(self, web: Clients) -> None:
        """Staff answer each Telegram request from the console of alternating processes; each
        SME reads its answer exactly once."""
        for n, (chat, escalation) in enumerate(sorted(self.escalations.items())):
            web.staff_reply(self.urls[n % len(self.urls)], escalation, f"Risposta dello staff per la chat {chat}.")
        for chat in self.escalations:
            self.api.wait_for(lambda chat=chat: any(f"chat {chat}." in m.text for m in self.api.sent(chat)), 60)

    def check_staff_replies_once(self) -> None:
        for chat in self.escalations:
            assert sum(f"chat {chat}." in m.text for m in self.api.sent(chat)) == 1, self.api.sent(chat)
