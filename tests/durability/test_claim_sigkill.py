"""A claim's files survive SIGKILL of ``sportello serve``: a file the widget sent is stored before
anything acknowledges it, read once, and told to the SME once, whatever instant the process dies.

The widget sends a file (raw body, a client id: docs/web.md "Claims") and the server is frozen
the moment the file's row is committed, before its reading is recorded, then killed: what it
leaves is exactly what a crash at that instant leaves. The next ``serve`` reads the file on its
own (its recovery loop, past ``SPORTELLO_CLAIMS__RECOVERY_GRACE_SECONDS``) and the SME's history
holds the receipt message once; the widget's resend gets that same file and message back.
Then a file acknowledged in full is killed right after its answer: nothing about it changes.
"""

from __future__ import annotations

import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from doubles.claim_samples import write_samples
from doubles.processes import SportelloProcess
from doubles.served import served

pytestmark = pytest.mark.integration


@pytest.fixture
def server(tmp_path: Path) -> Iterator[SportelloProcess]:
    with served(
        tmp_path, WEB__IP_REQUESTS_PER_MINUTE="1000000", WEB__SESSION_MESSAGES_PER_MINUTE="1000000",
        CLAIMS__RECOVERY_GRACE_SECONDS="1", CLAIMS__OCR="false",
    ) as running:  # fmt: skip
        running.process.url = running.url  # type: ignore[attr-defined]
        yield running.process


def rows(database: Path, query: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(database, timeout=10) as connection:
        return connection.execute(query).fetchall()


def wait_until(predicate: Any, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def upload(url: str, token: str, path: Path, client_id: str) -> httpx.Response:
    return httpx.post(
        f"{url}/api/claim/files", params={"name": path.name, "client_id": client_id}, content=path.read_bytes(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/pdf"}, timeout=60,
    )  # fmt: skip


def receipts(url: str, token: str) -> list[dict[str, Any]]:
    response = httpx.get(f"{url}/api/history", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert response.status_code == 200, response.text
    return [m for m in response.json()["messages"] if m["role"] == "assistant" and "ricevuto" in m["text"]]


def test_a_file_stored_when_the_server_dies_is_read_and_told_once(server: SportelloProcess, tmp_path: Path) -> None:
    url: str = server.url  # type: ignore[attr-defined]
    database = Path(server.env["SPORTELLO_DATA_DIR"]) / "sportello.db"
    samples = write_samples(tmp_path / "samples")
    hotel = samples / "complete" / "hotel-sakura-shinjuku.pdf"
    session = httpx.post(f"{url}/api/sessions", json={"consent": True, "language": "it"}, timeout=10).json()
    token = session["token"]

    # 1. Frozen the moment the file is committed, before its reading: then killed.
    first = uuid.uuid4().hex
    failed: list[BaseException] = []

    def send() -> None:
        try:
            upload(url, token, hotel, first)
        except httpx.HTTPError as exc:  # the server dies under it: what the widget sees
            failed.append(exc)

    sender = threading.Thread(target=send)
    sender.start()
    wait_until(lambda: rows(database, "SELECT count(*) FROM claim_files")[0][0] == 1)
    with server.frozen_then_killed():
        stored = rows(database, "SELECT read_at FROM claim_files")
        told = rows(database, "SELECT count(*) FROM bot_messages WHERE client_key LIKE 'claim:file:%'")
    sender.join(timeout=30)
    assert failed, "the widget never saw the server die"
    assert stored == [(None,)] and told == [(0,)]  # stored, not read, nothing said: the crash's leftovers

    # 2. The next serve reads it by itself; the widget's resend gets the same file and message.
    server.start()
    wait_until(lambda: len(receipts(url, token)) == 1)
    resent = upload(url, token, hotel, first)
    assert resent.status_code == 200, resent.text
    body = resent.json()
    assert body["message"]["id"] == receipts(url, token)[0]["id"]
    assert body["message"]["text"].startswith("Ho ricevuto «hotel-sakura-shinjuku.pdf»: conto d'albergo")

    # 3. Acknowledged in full, then killed: after the restart nothing about it has changed.
    second = uuid.uuid4().hex
    taxi = samples / "complete" / "taxi-osaka.pdf"
    answer = upload(url, token, taxi, second)
    assert answer.status_code == 201, answer.text
    server.kill()
    server.start()
    again = upload(url, token, taxi, second)
    assert again.status_code == 200 and again.json()["message"] == answer.json()["message"]
    assert [m["text"].split("»")[0] for m in receipts(url, token)] == [
        "Ho ricevuto «hotel-sakura-shinjuku.pdf",
        "Ho ricevuto «taxi-osaka.pdf",
    ]
    assert rows(database, "SELECT count(*), count(read_at) FROM claim_files") == [(2, 2)]
