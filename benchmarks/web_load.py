"""Load on `sportello serve`: concurrent chat clients against a real server on 127.0.0.1.

Run from the repository root::

    .venv/bin/python benchmarks/web_load.py [--clients 20] [--seconds 60] [--json [PATH]]

What runs: `sportello serve` as a child process on a free port, with its data under
``benchmarks/.cache/web-load`` (the sample is ingested on the first run), the default
extractive composer, SQLite and embedded Chroma. The per-IP and per-session rate limits
are lifted (every client here comes from 127.0.0.1; the limits are tested elsewhere).
Each client opens a session and sends the dev set's questions in turn, each as
``POST /api/messages`` with ``Accept: text/event-stream``, reading the stream to its
``done`` event — what the widget does. An answer is counted when ``done`` arrives; an
error is any other status, an ``error`` event, or a broken stream. The server's peak RSS
is read from /proc.

Targets (issue 4): >= 25 answers/s, 0 errors, p95 <= 1 s; widget.js <= 50 kB gzipped.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx

from bot.evaluation.questions import load_questions

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "benchmarks" / ".cache" / "web-load"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def client(base: str, questions: list[str], offset: int, stop_at: float, latencies: list[float],
                 errors: list[str]) -> None:  # fmt: skip
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        started = await http.post("/api/sessions", json={"consent": True, "language": "it"})
        if started.status_code != 201:
            errors.append(f"session {started.status_code}")
            return
        headers = {"Authorization": f"Bearer {started.json()['token']}", "Accept": "text/event-stream"}
        turn = offset
        while time.monotonic() < stop_at:
            question = questions[turn % len(questions)]
            turn += 1
            began = time.perf_counter()
            try:
                body = {"text": question, "client_id": uuid.uuid4().hex}  # as the widget sends it
                async with http.stream("POST", "/api/messages", json=body, headers=headers) as reply:
                    if reply.status_code != 200:
                        errors.append(f"status {reply.status_code}")
                        continue
                    event = ""
                    done = False
                    async for line in reply.aiter_lines():
                        if line.startswith("event: "):
                            event = line[7:]
                        elif line.startswith("data: ") and event in ("done", "error"):
                            done = event == "done"
                            if not done:
                                errors.append(f"error event {line[6:80]}")
                    if done:
                        latencies.append((time.perf_counter() - began) * 1000)
                    elif event != "error":
                        errors.append("stream ended without done")
            except httpx.HTTPError as exc:
                errors.append(type(exc).__name__)


async def run_load(base: str, questions: list[str], clients: int, seconds: float) -> tuple[list[float], list[str]]:
    latencies: list[float] = []
    errors: list[str] = []
    stop_at = time.monotonic() + seconds
    await asyncio.gather(*(client(base, questions, i * 7, stop_at, latencies, errors) for i in range(clients)))
    return latencies, errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--json", nargs="?", const="-", help="Also print (or write to PATH) the figures as JSON.")
    args = parser.parse_args()

    port = free_port()
    env = {**os.environ, "SPORTELLO_DATA_DIR": str(CACHE), "SPORTELLO_WEB__IP_REQUESTS_PER_MINUTE": "1000000",
           "SPORTELLO_WEB__SESSION_MESSAGES_PER_MINUTE": "1000000"}  # fmt: skip
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "sportello"), "serve", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300  # the first run ingests the sample (~30 s)
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None:
                raise SystemExit(f"server exited: {server.stderr.read().decode() if server.stderr else ''}")
            time.sleep(0.5)
        questions = [q.question for q in load_questions(ROOT / "evaluation" / "dev_questions.jsonl")]
        asyncio.run(run_load(base, questions, 2, 5))  # warm-up: router, FAQ, caches
        latencies, errors = asyncio.run(run_load(base, questions, args.clients, args.seconds))
        rss = peak_rss_mib(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)

    widget = (ROOT / "api" / "web" / "static" / "widget.js").read_bytes()
    ordered = sorted(latencies)
    figures = {
        "clients": args.clients, "seconds": args.seconds, "answers": len(latencies),
        "answers_per_second": round(len(latencies) / args.seconds, 1),
        "p50_ms": round(statistics.median(ordered), 1) if ordered else None,
        "p95_ms": round(statistics.quantiles(ordered, n=100)[94], 1) if len(ordered) > 1 else None,
        "errors": len(errors), "error_kinds": sorted(set(errors))[:5], "server_peak_rss_mib": round(rss, 1),
        "widget_bytes": len(widget), "widget_gzip_bytes": len(gzip.compress(widget, 9)),
    }  # fmt: skip
    print(f"{args.clients} clients for {args.seconds:.0f} s: {figures['answers']} answers, "
          f"{figures['answers_per_second']} answers/s, p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms, "
          f"{figures['errors']} errors; server peak RSS {figures['server_peak_rss_mib']} MiB; "
          f"widget.js {figures['widget_bytes']} B ({figures['widget_gzip_bytes']} B gzipped)")  # fmt: skip
    if args.json:
        text = json.dumps(figures, indent=2)
        if args.json == "-":
            print(text)
        else:
            Path(args.json).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
