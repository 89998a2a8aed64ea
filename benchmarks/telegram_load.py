"""Load on `sportello telegram`: many chats asking at once, and the outbox at Telegram's pace.

Run from the repository root::

    .venv/bin/python benchmarks/telegram_load.py [--chats 20] [--questions 10] [--alerts 200]

What runs: `sportello telegram` as a child process (long polling, the real e5 model,
SQLite, embedded Chroma; data under ``benchmarks/.cache/telegram-load``, the sample is
ingested on the first run) against the Bot API double of the tests on 127.0.0.1. Every
chat accepts the privacy notice, then asks the dev set's questions one after another,
each waiting for its answer: latency is from the update being queued to the bot's first
message back (the double's clock). Then ``--alerts`` alerts to as many chats are written
into the outbox and the time until all are delivered is measured (the bot keeps to 25
messages a second). The bot's peak RSS is read from /proc.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from doubles.telegram_api import BotApiDouble  # noqa: E402

from api.services import build_services  # noqa: E402
from api.settings import Settings  # noqa: E402
from bot.evaluation.questions import load_questions  # noqa: E402
from bot.outbound.outbox import Outbox  # noqa: E402

CACHE = ROOT / "benchmarks" / ".cache" / "telegram-load"
DEV_SET = ROOT / "evaluation" / "dev_questions.jsonl"


def peak_rss_mib(pid: int) -> float:
    """VmHWM of a process, in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=20)
    parser.add_argument("--questions", type=int, default=10)
    parser.add_argument("--alerts", type=int, default=200)
    args = parser.parse_args()
    questions = [q.question for q in load_questions(DEV_SET)][: args.questions]
    CACHE.mkdir(parents=True, exist_ok=True)
    with BotApiDouble() as api:
        env = dict(os.environ, SPORTELLO_DATA_DIR=str(CACHE), SPORTELLO_TELEGRAM__TOKEN=api.token,
                   SPORTELLO_TELEGRAM__API_URL=api.root)  # fmt: skip
        bot = subprocess.Popen([str(ROOT / ".venv" / "bin" / "sportello"), "telegram"], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        try:
            api.wait_for(lambda: bool(api.calls_to("getUpdates")), timeout=600)
            latencies: list[float] = []
            lock = threading.Lock()

            def chat(chat_id: int) -> None:
                api.push_update(api.message_update(chat_id, "/start"))
                api.wait_for(lambda: len(api.sent(chat_id)) >= 1, 60)
                api.push_update(api.callback_update(chat_id, "consent", message=api.sent(chat_id)[0]))
                api.wait_for(lambda: len(api.sent(chat_id)) >= 2, 60)
                for question in questions:
                    before = len(api.sent(chat_id))
                    asked = time.monotonic()
                    api.push_update(api.message_update(chat_id, question))
                    api.wait_for(lambda b=before: len(api.sent(chat_id)) > b, 60)  # type: ignore[misc]
                    with lock:
                        latencies.append(api.sent(chat_id)[before].at - asked)
                    time.sleep(0.05)

            started = time.monotonic()
            threads = [threading.Thread(target=chat, args=(100_000 + n,)) for n in range(args.chats)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.monotonic() - started
            latencies.sort()
            print(f"answers: {len(latencies)} from {args.chats} chats in {elapsed:.1f} s "
                  f"({len(latencies) / elapsed:.1f} answers/s, with consent turns)")  # fmt: skip
            print(f"latency (update queued -> first message back): p50 {statistics.median(latencies) * 1000:.0f} ms, "
                  f"p95 {latencies[int(0.95 * (len(latencies) - 1))] * 1000:.0f} ms, "
                  f"max {latencies[-1] * 1000:.0f} ms")  # fmt: skip

            services = build_services(Settings(data_dir=CACHE))
            outbox = Outbox(services.sessions, services.now)
            before = len(api.sent())
            queued = time.monotonic()
            for n in range(args.alerts):
                outbox.enqueue("telegram", str(200_000 + n), "alert", f"Avviso di prova {n}")
            api.wait_for(lambda: len(api.sent()) - before >= args.alerts, timeout=120)
            sent = [m.at for m in api.sent()[before:]]
            window = max(sum(1 for u in sent if t <= u < t + 1.0) for t in sent)
            print(f"outbox: {args.alerts} alerts delivered in {max(sent) - queued:.1f} s "
                  f"({args.alerts / (max(sent) - min(sent)):.1f} msg/s; busiest second {window} messages)")  # fmt: skip
            services.close()
            print(f"bot peak RSS: {peak_rss_mib(bot.pid):.0f} MiB")
        finally:
            bot.send_signal(signal.SIGINT)
            bot.wait(timeout=30)


if __name__ == "__main__":
    main()
