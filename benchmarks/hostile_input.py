"""Hostile input against `sportello serve`: bombs uploaded in the console and a login flood.

Run from the repository root::

    .venv/bin/python benchmarks/hostile_input.py [--attempts 300] [--json [PATH]]

What runs: `sportello serve` as a child process on a free port over a fresh temporary data
directory (the fake embedder: this measures refusals, not answers), with one admin account.
For each bomb (`tests/doubles/hostile_files.py`) it prints how long the refusal took and the
server's memory, children included (the upload check runs in a child), before, at its peak
during the request and after. Then `--attempts` logins with random e-mail addresses from one
address, while a chat client keeps asking: attempts per second, how many met the throttle,
the chat's latency meanwhile and the memory peak.

Targets (issue 20): each bomb refused in a few seconds with the peak under 300 MiB above
idle; 429s after the throttle's threshold with memory bounded.
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import _common
import httpx

# The bombs and the served process are the tests' own doubles (run from the repository root).
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from doubles.console import csrf_of, form_token, login
from doubles.hostile_files import bombs, docx_bytes
from doubles.served import ADMIN, PeakMemory, rss_mib, served


def upload_round(client: httpx.Client, pid: int, files: list[Path]) -> list[dict[str, object]]:
    csrf = csrf_of(client)
    rows: list[dict[str, object]] = []
    for path in [*files, None]:
        name, data = (path.name, path.read_bytes()) if path else ("bando-normale.docx", docx_bytes())
        idle = rss_mib(pid)
        started = time.monotonic()
        with PeakMemory(pid) as memory:
            page = client.post("/console/knowledge/upload", data={"csrf_token": csrf}, files={"file": (name, data)})
        took = time.monotonic() - started
        outcome = (
            "refused" if "non è stato accettato" in page.text else "indexed" if "indicizzato" in page.text else "?"
        )
        row = {"file": name, "mb": round(len(data) / 2**20, 1), "outcome": outcome, "seconds": round(took, 2),
               "idle_mib": round(idle), "peak_mib": round(memory.peak), "after_mib": round(rss_mib(pid))}  # fmt: skip
        print(f"  {name:24} {row['mb']:>5} MB  {outcome:8} in {took:5.2f} s   memory {idle:4.0f} → peak "
              f"{memory.peak:4.0f} (+{memory.peak - idle:3.0f}) → {row['after_mib']} MiB")  # fmt: skip
        rows.append(row)
    return rows


def login_flood(url: str, pid: int, attempts: int) -> dict[str, object]:
    chat_latencies: list[float] = []
    stop = threading.Event()

    def chat() -> None:
        with httpx.Client(base_url=url, timeout=60) as client:
            token = client.post("/api/sessions", json={"consent": True}).json()["token"]
            while not stop.is_set():
                started = time.monotonic()
                client.post("/api/messages", json={"text": "Entro quando mi iscrivo alla missione in Giappone?"},
                            headers={"Authorization": f"Bearer {token}"})  # fmt: skip
                chat_latencies.append(time.monotonic() - started)

    statuses: list[int] = []
    idle = rss_mib(pid)
    with httpx.Client(base_url=url, timeout=60) as client, PeakMemory(pid) as memory:
        token = form_token(client.get("/console/login").text)
        chatter = threading.Thread(target=chat, daemon=True)
        chatter.start()
        started = time.monotonic()
        for _ in range(attempts):
            page = client.post("/console/login", data={"email": f"{secrets.token_hex(6)}@example.eu",
                                                       "password": "x" * 12, "csrf_token": token})  # fmt: skip
            statuses.append(page.status_code)
            token = form_token(page.text)
        took = time.monotonic() - started
        stop.set()
        chatter.join()
    figures = {
        "attempts": attempts, "seconds": round(took, 2), "per_second": round(attempts / took),
        "refused_429": statuses.count(429), "heard_401": statuses.count(401),
        "chat_turns": len(chat_latencies), "chat_median_ms": round(statistics.median(chat_latencies) * 1000),
        "chat_max_ms": round(max(chat_latencies) * 1000), "idle_mib": round(idle), "peak_mib": round(memory.peak),
    }  # fmt: skip
    print(f"  {attempts} attempts in {took:.1f} s ({figures['per_second']}/s): {figures['heard_401']} heard, "
          f"{figures['refused_429']} refused with 429; chat meanwhile: {len(chat_latencies)} turns, median "
          f"{figures['chat_median_ms']} ms, max {figures['chat_max_ms']} ms; memory {idle:.0f} → peak "
          f"{memory.peak:.0f} MiB")  # fmt: skip
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--attempts", type=int, default=300)
    _common.add_json_option(parser, "hostile_input")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        (root / "files").mkdir()
        files = [path for path, _ in bombs(root / "files")]
        limits = {"CONSOLE__MAX_UPLOAD_MB": "20", "WEB__IP_REQUESTS_PER_MINUTE": "100000",
                  "WEB__SESSION_MESSAGES_PER_MINUTE": "100000"}  # fmt: skip
        with (
            served(root, **limits) as server,
            httpx.Client(base_url=server.url, timeout=120, follow_redirects=True) as client,
        ):
            login(client, ADMIN)
            print("Uploads (console, one admin):")
            uploads = upload_round(client, server.process.pid, files)
            print("Login flood (one address, random e-mails):")
            flood = login_flood(server.url, server.process.pid, args.attempts)
    if args.json:
        results = {"machine": _common.machine_info(), "uploads": uploads, "login": flood}
        print(f"wrote {_common.write_json(args.json, results)}")


if __name__ == "__main__":
    main()
