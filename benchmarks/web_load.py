"""Load on `sportello serve`: concurrent chat clients against a real server on 127.0.0.1.

Run from the repository root::

    .venv/bin/python benchmarks/web_load.py [--clients 20] [--seconds 60] [--processes N] [--scaled] [--json [PATH]]

What runs: `sportello serve` as a child process on a free port, with its data under
``benchmarks/.cache/web-load`` (the sample is ingested on the first run), the default
extractive composer, SQLite and embedded Chroma. The per-IP and per-session rate limits
are lifted (every client here comes from 127.0.0.1; the limits are tested elsewhere).
Each client opens a session and sends the dev set's questions in turn, each as
``POST /api/messages`` with ``Accept: text/event-stream``, reading the stream to its
``done`` event — what the widget does. An answer is counted when ``done`` arrives; an
error is any other status, an ``error`` event, or a broken stream. The server's peak RSS
is read from /proc.

``--processes N`` (N > 1 implies ``--scaled``) starts N web processes with the settings of
docs/scaling.md: a fresh PostgreSQL database on 127.0.0.1:5432 (dropped afterwards), a
Chroma server started here, Redis database 14 for the shared limits; the clients are spread
over the processes round-robin, as a balancer would.

Targets (issue 4): >= 25 answers/s, 0 errors, p95 <= 1 s; widget.js <= 50 kB gzipped.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx

from bot.evaluation.questions import load_questions

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "benchmarks" / ".cache" / "web-load"
POSTGRES_ADMIN = os.environ.get("SPORTELLO_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("SPORTELLO_BENCH_REDIS", "redis://127.0.0.1:6379/14")


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


async def run_load(
    bases: list[str], questions: list[str], clients: int, seconds: float
) -> tuple[list[float], list[str]]:
    """``clients`` widget users for ``seconds``, spread over ``bases`` as a balancer would."""
    latencies: list[float] = []
    errors: list[str] = []
    stop_at = time.monotonic() + seconds
    await asyncio.gather(
        *(client(bases[i % len(bases)], questions, i * 7, stop_at, latencies, errors) for i in range(clients))
    )
    return latencies, errors


@contextmanager
def scaled_backends() -> Iterator[dict[str, str]]:
    """A fresh PostgreSQL database (127.0.0.1:5432, dropped after), a Chroma server and Redis
    database 14: the settings every web process shares."""
    import psycopg
    import redis

    name = f"sportello_bench_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect(POSTGRES_ADMIN, autocommit=True, connect_timeout=5)
    admin.execute(f'CREATE DATABASE "{name}"')
    redis.Redis.from_url(REDIS_URL).flushdb()
    chroma_port = free_port()
    chroma_dir = CACHE / "chroma-server"
    shutil.rmtree(chroma_dir, ignore_errors=True)
    chroma = subprocess.Popen(
        [str(Path(sys.executable).parent / "chroma"), "run", "--path", str(chroma_dir), "--port", str(chroma_port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_until(lambda: httpx.get(f"http://127.0.0.1:{chroma_port}/api/v2/heartbeat", timeout=2).status_code == 200,
                   chroma, 60)  # fmt: skip
        base = POSTGRES_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
        yield {
            "SPORTELLO_DATABASE_URL": f"{base}/{name}", "SPORTELLO_CHROMA__URL": f"http://127.0.0.1:{chroma_port}",
            "SPORTELLO_REDIS_URL": REDIS_URL,
        }  # fmt: skip
    finally:
        chroma.terminate()
        chroma.wait(timeout=30)
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@contextmanager
def web_process(n: int, shared: dict[str, str]) -> Iterator[tuple[str, int]]:
    """``sportello serve`` number ``n`` on a free port: its URL and pid, until the block ends."""
    port = free_port()
    data_dir = CACHE / (f"scaled-{n}" if shared else "")
    if shared:
        shutil.rmtree(data_dir, ignore_errors=True)
    env = {**os.environ, "SPORTELLO_DATA_DIR": str(data_dir), "SPORTELLO_WEB__IP_REQUESTS_PER_MINUTE": "1000000",
           "SPORTELLO_WEB__SESSION_MESSAGES_PER_MINUTE": "1000000", **shared}  # fmt: skip
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "sportello"), "serve", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        # The first run (or the first process on a fresh database) ingests the sample (~30 s).
        wait_until(lambda: httpx.get(f"{base}/readyz", timeout=2).status_code == 200, server, 300)
        yield base, server.pid
    finally:
        server.terminate()
        server.wait(timeout=30)


def cpu_seconds(pid: int) -> float:
    """User and system CPU time the process has used (/proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def model_query_cost(questions: list[str]) -> tuple[float, float]:
    """Wall and CPU milliseconds of one query embedding by the bundled model, in this process
    after the servers stopped (the turn's floor: a search embeds the question once)."""
    from retrieval.embeddings import E5Embedder

    embedder = E5Embedder()
    embedder.embed_query(questions[0])
    wall, cpu = time.perf_counter(), time.process_time()
    for question in questions:
        embedder.embed_query(question)
    return (1000 * (time.perf_counter() - wall) / len(questions), 1000 * (time.process_time() - cpu) / len(questions))


def wait_until(ready: Callable[[], bool], process: subprocess.Popen[bytes], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if ready():
                return
        except httpx.HTTPError:
            pass
        if process.poll() is not None:
            raise SystemExit(f"exited: {process.stderr.read().decode() if process.stderr else ''}")
        time.sleep(0.5)
    raise SystemExit(f"not ready in {seconds:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--processes", type=int, default=1, help="Web processes; the clients are spread over them.")
    parser.add_argument("--scaled", action="store_true",
                        help="PostgreSQL, a Chroma server and Redis (implied by --processes > 1).")  # fmt: skip
    parser.add_argument("--json", nargs="?", const="-", help="Also print (or write to PATH) the figures as JSON.")
    args = parser.parse_args()
    scaled = args.scaled or args.processes > 1

    with ExitStack() as stack:
        shared = stack.enter_context(scaled_backends()) if scaled else {}
        servers = [stack.enter_context(web_process(n, shared)) for n in range(args.processes)]
        bases = [base for base, _ in servers]
        questions = [q.question for q in load_questions(ROOT / "evaluation" / "dev_questions.jsonl")]
        asyncio.run(run_load(bases, questions, 2 * len(bases), 5))  # warm-up: router, FAQ, caches
        cpu_before = sum(cpu_seconds(pid) for _, pid in servers)
        latencies, errors = asyncio.run(run_load(bases, questions, args.clients, args.seconds))
        cpu_used = sum(cpu_seconds(pid) for _, pid in servers) - cpu_before
        rss = [peak_rss_mib(pid) for _, pid in servers]
    model_wall_ms, model_cpu_ms = model_query_cost(questions)

    widget = (ROOT / "api" / "web" / "static" / "widget.js").read_bytes()
    ordered = sorted(latencies)
    figures = {
        "clients": args.clients, "seconds": args.seconds, "answers": len(latencies),
        "answers_per_second": round(len(latencies) / args.seconds, 1),
        "p50_ms": round(statistics.median(ordered), 1) if ordered else None,
        "p95_ms": round(statistics.quantiles(ordered, n=100)[94], 1) if len(ordered) > 1 else None,
        "server_cpu_ms_per_answer": round(1000 * cpu_used / len(latencies), 1) if latencies else None,
        "model_query_ms": round(model_wall_ms, 1), "model_query_cpu_ms": round(model_cpu_ms, 1),
        "processes": args.processes, "backends": "postgresql+chroma-server+redis" if scaled else "sqlite+embedded",
        "errors": len(errors), "error_kinds": sorted(set(errors))[:5],
        "server_peak_rss_mib": [round(r, 1) for r in rss],
        "widget_bytes": len(widget), "widget_gzip_bytes": len(gzip.compress(widget, 9)),
    }  # fmt: skip
    print(f"{args.processes} web process(es) on {figures['backends']}, "
          f"{args.clients} clients for {args.seconds:.0f} s: {figures['answers']} answers, "
          f"{figures['answers_per_second']} answers/s, p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms, "
          f"{figures['errors']} errors; server CPU {figures['server_cpu_ms_per_answer']} ms per answer "
          f"(the model's query alone: {figures['model_query_ms']} ms, {figures['model_query_cpu_ms']} ms of CPU); "
          f"server peak RSS {figures['server_peak_rss_mib']} MiB; "
          f"widget.js {figures['widget_bytes']} B ({figures['widget_gzip_bytes']} B gzipped)")  # fmt: skip
    if args.json:
        text = json.dumps(figures, indent=2)
        if args.json == "-":
            print(text)
        else:
            Path(args.json).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
