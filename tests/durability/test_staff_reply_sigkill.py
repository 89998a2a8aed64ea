"""A staff reply — from the console or from the Telegram staff group — reaches the SME once,
whatever point ``sportello serve`` is killed at.

One server takes Telegram's updates by webhook (the Bot API double plays Telegram) and
serves the console. An SME on Telegram asks for a person; staff answer. The server is
killed: right after a console reply reached it; while the reply was being sent to the SME;
right after the console confirmed a reply; while the group was being told a reply went out;
and after the group's notice of an escalation was posted but before the server recorded it
(staff then reply to that post, which only the post itself can tie to its escalation).
"""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from doubles.console import login_form_token
from doubles.processes import PROJECT_ROOT, SportelloProcess, send_then_kill
from doubles.telegram_api import BotApiDouble, SentMessage
from doubles.telegram_crash import STAFF_CHAT, STAFF_USER, KillSwitch, TelegramPoster, consent, numbered, webhook_server

pytestmark = pytest.mark.integration

SME, OTHER_SME = 6101, 6102
STAFF_EMAIL = "anna@cluster.example.eu"
PASSWORD = "correct horse battery staple"


@pytest.fixture
def desk(tmp_path: Path, api: BotApiDouble) -> Iterator[tuple[SportelloProcess, str]]:
    process, url = webhook_server(tmp_path / "data", api, tmp_path / "serve.log")
    process.start()
    added = subprocess.run(
        [sys.executable, "-m", "api.cli", "staff", "add", STAFF_EMAIL, "--role", "staff", "--name", "Anna Rossi",
         "--telegram-id", str(STAFF_USER), "--password-stdin"],
        input=f"{PASSWORD}\n", text=True, capture_output=True, check=False, env=process.env, cwd=PROJECT_ROOT,
        timeout=60,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    yield process, url
    api.before_call = None
    process.kill()


@pytest.fixture
def api() -> Iterator[BotApiDouble]:
    with BotApiDouble() as double:
        yield double


def test_console_replies_reach_the_sme_once_across_kills(desk: tuple[SportelloProcess, str], api: BotApiDouble) -> None:
    server, url = desk
    poster = TelegramPoster(url, server)
    escalation = open_escalation(api, poster, SME)
    console = Console(url, server)
    switch = KillSwitch(api, server, replies_not_recorded(api, server))

    # 1. Right after the reply form reached the server, before any byte went back; the form is sent again.
    first = console.reply_form(escalation, "Risposta uno dallo sportello.")
    console.post_then_kill(first, server)
    switch.count_window()
    server.ensure_running()
    console.send(first)
    # 2. While the reply was being sent to the SME's chat.
    switch.arm(lambda method, params: method == "sendMessage" and params.get("chat_id") == SME, fail_the_call=True)
    console.send(console.reply_form(escalation, "Risposta due dallo sportello."))
    switch.wait()
    server.ensure_running()
    # 3. Right after the console confirmed a reply (the outbox may not have sent it yet).
    console.send(console.reply_form(escalation, "Risposta tre dallo sportello."))
    server.kill()
    switch.count_window()
    server.ensure_running()

    texts = ("Risposta uno", "Risposta due", "Risposta tre")
    api.wait_for(lambda: all(any(t in m.text for m in api.sent(SME)) for t in texts), timeout=60)
    assert_each_once(api, SME, texts, switch)
    assert staff_messages(server) == Counter({f"{text} dallo sportello.": 1 for text in texts})


def test_group_replies_reach_the_sme_once_across_kills(desk: tuple[SportelloProcess, str], api: BotApiDouble) -> None:
    server, url = desk
    poster = TelegramPoster(url, server)
    escalation = open_escalation(api, poster, SME)
    notice = group_post(api, escalation)
    switch = KillSwitch(api, server, replies_not_recorded(api, server))

    # 1. While the group was being told the reply went out: Telegram posts the staff reply again.
    switch.arm(lambda method, params: method == "sendMessage" and params.get("chat_id") == STAFF_CHAT,
               fail_the_call=True)  # fmt: skip
    poster.post(numbered(api, api.message_update(STAFF_CHAT, "Risposta uno dal gruppo.", user_id=STAFF_USER,
                                                 chat_type="supergroup", reply_to=notice)))  # fmt: skip
    assert switch.fired.is_set()
    # 2. While the reply was being sent to the SME's chat.
    switch.arm(lambda method, params: method == "sendMessage" and params.get("chat_id") == SME, fail_the_call=True)
    poster.post(numbered(api, api.message_update(STAFF_CHAT, "Risposta due dal gruppo.", user_id=STAFF_USER,
                                                 chat_type="supergroup", reply_to=notice)))  # fmt: skip
    switch.wait()
    server.ensure_running()
    # 3. A notice posted in the group whose delivery the server never recorded (killed as it was sent).
    switch.arm(lambda method, params: method == "sendMessage" and params.get("chat_id") == STAFF_CHAT,
               fail_the_call=False)  # fmt: skip
    other = open_escalation(api, poster, OTHER_SME, wait_for_notice=False)
    switch.wait()
    server.ensure_running()
    unrecorded = group_post(api, other)  # the first copy: the restarted server posts it again
    poster.post(numbered(api, api.message_update(STAFF_CHAT, "Risposta tre dal gruppo.", user_id=STAFF_USER,
                                                 chat_type="supergroup", reply_to=unrecorded)))  # fmt: skip

    texts = ("Risposta uno dal gruppo", "Risposta due dal gruppo")
    api.wait_for(lambda: all(any(t in m.text for m in api.sent(SME)) for t in texts), timeout=60)
    api.wait_for(lambda: any("Risposta tre dal gruppo" in m.text for m in api.sent(OTHER_SME)), timeout=60)
    assert_each_once(api, SME, texts, switch)
    assert_each_once(api, OTHER_SME, ("Risposta tre dal gruppo",), switch)
    assert staff_messages(server) == Counter({f"{text}.": 1 for text in (*texts, "Risposta tre dal gruppo")})


# -- helpers ----------------------------------------------------------------------------------


class Console:
    """A staff member's browser on the console (cookies survive the server's restarts: sessions are stored)."""

    def __init__(self, url: str, server: SportelloProcess) -> None:
        self.url = url
        self.server = server
        # No kept-alive connections: one to a server killed meanwhile would fail the next request.
        self.client = httpx.Client(
            base_url=url, timeout=30, follow_redirects=False, limits=httpx.Limits(max_keepalive_connections=0)
        )
        token = login_form_token(self.client)
        answer = self.client.post(
            "/console/login", data={"email": STAFF_EMAIL, "password": PASSWORD, "csrf_token": token}
        )
        assert answer.status_code == 303, answer.text

    def reply_form(self, escalation: int, text: str) -> dict[str, Any]:
        """The escalation page's reply form, filled in (its ``form_id`` is the page's)."""
        page = self._get(f"/console/escalations/{escalation}")
        fields = dict(re.findall(r'name="(csrf_token|form_id)" value="([^"]+)"', page.text))
        assert set(fields) == {"csrf_token", "form_id"}, page.text[:300]
        return {"path": f"/console/escalations/{escalation}/reply", "data": fields | {"text": text}}

    def send(self, form: dict[str, Any]) -> None:
        """Submit until the server confirms (303), as a staff member pressing "send" again would."""
        deadline = time.monotonic() + 90
        while True:
            try:
                if self.client.post(form["path"], data=form["data"]).status_code == 303:
                    return
            except httpx.HTTPError:
                self.server.ensure_running()
            assert time.monotonic() < deadline, "the console never confirmed the reply"
            time.sleep(0.2)

    def _get(self, path: str) -> httpx.Response:
        """A page, reloaded until the server answers (it may be restarting after a kill)."""
        deadline = time.monotonic() + 90
        while True:
            try:
                return self.client.get(path)
            except httpx.HTTPError:
                assert time.monotonic() < deadline, f"the console never served {path}"
                self.server.ensure_running()
                time.sleep(0.2)

    def post_then_kill(self, form: dict[str, Any], server: SportelloProcess) -> None:
        """Send the form and SIGKILL the server before reading its answer."""
        send_then_kill(self.client.build_request("POST", form["path"], data=form["data"]), server)


def open_escalation(api: BotApiDouble, poster: TelegramPoster, chat: int, *, wait_for_notice: bool = True) -> int:
    """The SME accepts the notice, asks for a person and gives no details: an escalation opens."""
    consent(api, chat, poster.post)
    poster.post(numbered(api, api.message_update(chat, "Vorrei parlare con una persona dello sportello.")))
    poster.post(numbered(api, api.message_update(chat, "no")))
    api.wait_for(lambda: _escalation_in(api.sent(chat)) is not None, timeout=30)
    escalation = _escalation_in(api.sent(chat))
    assert escalation is not None
    if wait_for_notice:
        group_post(api, escalation)
    return escalation


def group_post(api: BotApiDouble, escalation: int) -> SentMessage:
    """The first notice of ``escalation`` posted in the staff group (waited for)."""

    def posts() -> list[SentMessage]:
        return [m for m in api.sent(STAFF_CHAT) if f"#{escalation} " in m.text.split("\n", 1)[0]]

    api.wait_for(lambda: bool(posts()), timeout=30)
    return posts()[0]


def _escalation_in(messages: list[SentMessage]) -> int | None:
    for message in messages:
        found = re.search(r"(?:richiesta n\. |#)(\d+)", message.text)
        if found:
            return int(found.group(1))
    return None


def assert_each_once(api: BotApiDouble, chat: int, texts: tuple[str, ...], switch: KillSwitch) -> None:
    seen = Counter(t for m in api.sent(chat) for t in texts if t in m.text)
    assert all(seen[t] >= 1 for t in texts), f"lost: {[t for t in texts if not seen[t]]}"
    twice = sum(count - 1 for count in seen.values())
    assert twice <= switch.on_the_wire[chat], f"sent twice beyond those on the wire at a kill: {dict(seen)}"


def staff_messages(server: SportelloProcess) -> Counter[str]:
    database = Path(server.env["SPORTELLO_DATA_DIR"]) / "sportello.db"
    with sqlite3.connect(database) as connection:
        return Counter(text for (text,) in connection.execute("SELECT text FROM bot_messages WHERE role = 'staff'"))


def replies_not_recorded(api: BotApiDouble, server: SportelloProcess) -> Callable[[], Counter[int]]:
    """At a kill: per SME chat, staff replies it already sees that the outbox had not marked sent."""
    database = Path(server.env["SPORTELLO_DATA_DIR"]) / "sportello.db"

    def window() -> Counter[int]:
        with sqlite3.connect(database) as connection:
            pending = connection.execute(
                "SELECT address, text FROM bot_outbox WHERE kind = 'staff_reply' AND status = 'pending'"
            ).fetchall()
        return Counter(int(address) for address, text in pending if any(text in m.text for m in api.sent(int(address))))

    return window
