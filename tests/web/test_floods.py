"""Floods against a real ``sportello serve``: a login flood from one address meets the throttle
with memory bounded, and a forged ``X-Forwarded-For`` moves no limit unless it comes from a
proxy the settings name."""

from __future__ import annotations

import json
import secrets
import time
from pathlib import Path

import httpx
import pytest
from doubles.console import form_token
from doubles.served import PeakMemory, rss_mib, served

MEMORY_HEADROOM_MIB = 300


@pytest.mark.integration
def test_a_login_flood_from_one_address_is_throttled_with_memory_bounded(tmp_path: Path) -> None:
    with served(tmp_path) as server, httpx.Client(base_url=server.url, timeout=60) as client:
        token = form_token(client.get("/console/login").text)
        idle = rss_mib(server.process.pid)
        statuses: list[int] = []
        started = time.monotonic()
        with PeakMemory(server.process.pid) as memory:
            for _ in range(300):
                email = f"{secrets.token_hex(6)}@example.eu"
                page = client.post("/console/login", data={"email": email, "password": "x" * 12, "csrf_token": token})
                statuses.append(page.status_code)
                token = form_token(page.text)
        took = time.monotonic() - started
        token_for_chat = httpx.post(f"{server.url}/api/sessions", json={"consent": True}, timeout=30)
        print(f"login flood: 300 attempts in {took:.1f} s ({300 / took:.0f}/s), {statuses.count(429)} refused "
              f"with 429; memory idle {idle:.0f} MiB, peak {memory.peak:.0f} MiB")  # fmt: skip
        assert statuses[:10] == [401] * 10
        assert set(statuses[10:]) == {429}
        assert "Troppi tentativi di accesso" in page.text and int(page.headers["Retry-After"]) >= 1
        assert memory.peak - idle < MEMORY_HEADROOM_MIB
        assert token_for_chat.status_code == 201  # the chat is not the one locked out


@pytest.mark.integration
def test_forwarded_addresses_count_only_from_a_configured_proxy(tmp_path: Path) -> None:
    def accepted(url: str, forwarded: list[str]) -> int:
        codes = [
            httpx.get(f"{url}/api/config", headers={"X-Forwarded-For": address}, timeout=30).status_code
            for address in forwarded
        ]
        return codes.count(200)

    randoms = [f"203.0.113.{n}" for n in range(60)]
    with served(tmp_path / "direct", WEB__IP_REQUESTS_PER_MINUTE="20") as server:
        assert accepted(server.url, randoms) == 20  # the peer is what counts: the header is nobody's word
    proxied = served(
        tmp_path / "proxied", WEB__IP_REQUESTS_PER_MINUTE="20", WEB__TRUSTED_PROXIES=json.dumps(["127.0.0.0/8"])
    )
    with proxied as server:
        assert accepted(server.url, randoms) == 60  # each forwarded client has a limit of its own
        assert accepted(server.url, ["198.51.100.7"] * 25) == 20  # and that limit holds
