"""Two ``sportello serve`` processes with the same settings — PostgreSQL, a Chroma server, e-mail
configured on both, as "scale-out is settings" promises — send each staff notice once per
recipient, answer from a document uploaded on the other one, and share one rate limit
through Redis."""

from __future__ import annotations

import collections
import json
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest
from doubles.console import PASSWORD, csrf_of, login
from doubles.hostile_files import docx_bytes
from doubles.network import free_port
from doubles.processes import PROJECT_ROOT, SportelloProcess, sportello_env
from doubles.served import ADMIN
from doubles.smtp import Inbox

pytestmark = pytest.mark.integration
RECIPIENTS = ["desk@cluster.example.eu", "boss@cluster.example.eu"]
ESCALATIONS = 16
NEW_FACT = "Il Premio Vetrina Tessile accetta candidature fino al 3 marzo."


def _serve(tmp_path: Path, name: str, settings: dict[str, str]) -> tuple[SportelloProcess, str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = sportello_env(tmp_path / name, WEB__PORT=str(port), **settings)
    process = SportelloProcess(
        ["serve"], env, tmp_path / f"{name}.log", lambda: httpx.get(f"{url}/readyz", timeout=1).status_code == 200
    )
    process.start()
    return process, url


def _escalate(url: str, n: int) -> int:
    with httpx.Client(base_url=url, timeout=60) as http:
        token = http.post("/api/sessions", json={"consent": True}).json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        http.post("/api/handoff", json={}, headers=headers)  # the details staff need are asked first
        reply = http.post("/api/messages", json={"text": f"Impresa {n} srl, info{n}@example.org"}, headers=headers)
        escalation = reply.json()["reply"]["escalation"]
        assert escalation is not None, reply.text
        return int(escalation["id"])


def test_two_web_processes_with_the_same_settings_send_each_notice_once_and_share_the_index(
    postgres_url: str, chroma_server: str, redis_url: str, smtp: tuple[Inbox, int], tmp_path: Path
) -> None:
    inbox, smtp_port = smtp
    settings = {
        "DATABASE_URL": postgres_url, "CHROMA__URL": chroma_server, "CHROMA__COLLECTION": f"mp-{uuid.uuid4().hex[:8]}",
        "REDIS_URL": redis_url, "EMAIL__HOST": "127.0.0.1", "EMAIL__PORT": str(smtp_port), "EMAIL__STARTTLS": "false",
        "EMAIL__RECIPIENTS": json.dumps(RECIPIENTS), "CONSOLE__NOTIFY_SECONDS": "0.3",
        "WEB__IP_REQUESTS_PER_MINUTE": "1000", "WEB__SESSION_MESSAGES_PER_MINUTE": "1000",
    }  # fmt: skip
    first, first_url = _serve(tmp_path, "web-1", settings)  # loads the sample into the shared index
    second, second_url = _serve(tmp_path, "web-2", settings)
    try:
        escalations = {_escalate(first_url if n % 2 else second_url, n) for n in range(ESCALATIONS)}
        assert len(escalations) == ESCALATIONS
        expected = ESCALATIONS * len(RECIPIENTS)
        deadline = time.monotonic() + 60
        while len(inbox.received) < expected and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(2)  # several more ticks of both processes: nothing more may come
        mails = zip(inbox.received, inbox.messages(), strict=True)
        sent = collections.Counter((tuple(envelope.rcpt_tos), message["Subject"]) for envelope, message in mails)
        print(f"{len(inbox.received)} e-mails for {ESCALATIONS} escalations x {len(RECIPIENTS)} recipients")
        assert len(inbox.received) == expected, sent
        assert set(sent.values()) == {1}
        assert all(any(f"#{e}" in subject for _, subject in sent) for e in escalations)

        # A document uploaded on one process answers on the other: the shared index moved to a new
        # generation, and the other process rebuilds its keyword index from it before searching.
        added = subprocess.run(
            [sys.executable, "-m", "api.cli", "staff", "add", ADMIN, "--role", "admin", "--password-stdin"],
            input=PASSWORD, text=True, env=first.env, cwd=PROJECT_ROOT, capture_output=True, timeout=120, check=False,
        )  # fmt: skip
        assert added.returncode == 0, added.stderr
        with httpx.Client(base_url=first_url, timeout=120, follow_redirects=True) as console:
            login(console, ADMIN)
            page = console.post(
                "/console/knowledge/upload", data={"csrf_token": csrf_of(console)},
                files={"file": ("premio-vetrina-tessile.docx", docx_bytes(NEW_FACT))},
            )  # fmt: skip
            assert "Documento caricato e indicizzato." in page.text, page.text[:1000]
        with httpx.Client(base_url=second_url, timeout=60) as http:
            token = http.post("/api/sessions", json={"consent": True}).json()["token"]
            asked = http.post("/api/messages", json={"text": "Fino a quando ci si candida al Premio Vetrina Tessile?"},
                              headers={"Authorization": f"Bearer {token}"})  # fmt: skip
            assert "3 marzo" in asked.json()["reply"]["text"], asked.text

        # One limit for both processes: 1,200 calls, 600 to each, at 1,000 a minute. Counted per
        # process, every one would pass; counted together in Redis, at most 1,000 do.
        codes = [httpx.get(f"{url}/api/config", timeout=10).status_code for url in [first_url, second_url] * 600]
        assert codes.count(200) <= 1000 and codes.count(429) >= 200
    finally:
        first.kill()
        second.kill()
