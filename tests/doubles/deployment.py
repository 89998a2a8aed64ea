"""Sportello deployed as an operator runs it, as real processes on 127.0.0.1.

``scaled``: N ``sportello serve`` processes and one ``sportello worker`` on PostgreSQL, a
Chroma server and Redis, each process with the same settings (only its data directory and
port differ). ``single``: the default, one ``sportello serve`` on SQLite and embedded
Chroma. Both use the bundled model, e-mail to an SMTP double and Telegram by webhook
against the Bot API double.

``compose.yaml`` at the repository's root runs the scaled deployment; it must give the same
commands and settings as here (``tests/test_deployment_files.py`` checks that it does).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from doubles.network import free_port
from doubles.processes import PROJECT_ROOT, SportelloProcess, sportello_env

WEB_COMMAND = ["serve"]
WORKER_COMMAND = ["worker"]
WEBHOOK_COMMAND = ["telegram", "set-webhook"]
WEB_ONLY_SETTINGS = {"WEB__DESK_TASKS": "false"}
"""On web processes of a scaled deployment: the worker runs notices, e-mail, reminders, retention."""
SHARED_SETTING_NAMES = (
    "DATABASE_URL", "CHROMA__URL", "CHROMA__COLLECTION", "REDIS_URL", "CONSOLE__UPLOAD_DIR",
    "EMAIL__HOST", "EMAIL__PORT", "EMAIL__STARTTLS", "EMAIL__RECIPIENTS", "TELEGRAM__TOKEN",
    "TELEGRAM__API_URL", "TELEGRAM__STAFF_CHAT_ID", "TELEGRAM__STAFF_USERS", "TELEGRAM__WEBHOOK_SECRET",
)  # fmt: skip
"""What every process of the scaled deployment is given, with the same value on each."""
WEBHOOK_SECRET = "deployment-webhook-secret_01"
STAFF_CHAT = -100_900
STAFF_USER = 99


@dataclass
class Deployment:
    """The processes of one deployment, and how to reach them."""

    webs: list[SportelloProcess]
    urls: list[str]
    worker: SportelloProcess | None
    database_url: str
    settings: dict[str, str]
    logs: Path
    started: list[SportelloProcess] = field(default_factory=list)

    def start(self) -> None:
        """Every process at once, as compose starts them: on an empty index one web process loads
        the sample while the others wait for its ingest."""
        processes = [*self.webs, *([self.worker] if self.worker else [])]
        with ThreadPoolExecutor(max_workers=len(processes)) as pool:
            for process, started in zip(processes, pool.map(_started, processes), strict=True):
                self.started.append(process)
                if started is not None:
                    raise started

    def stop(self) -> None:
        for process in self.started:
            process.kill()

    def cli(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        """``sportello <args>`` with the deployment's settings (as ``docker compose run`` would)."""
        return subprocess.run(
            [sys.executable, "-m", "api.cli", *args], input=stdin, text=True, env=self.webs[0].env,
            cwd=PROJECT_ROOT, capture_output=True, timeout=180, check=False,
        )  # fmt: skip

    @contextmanager
    def running(self) -> Iterator[Deployment]:
        try:
            self.start()
            yield self
        finally:
            self.stop()


def _started(process: SportelloProcess) -> BaseException | None:
    try:
        process.start()
    except BaseException as exc:  # raised by the caller, once every start has ended
        return exc
    return None


def shared_settings(
    tmp_path: Path, *, smtp_port: int, recipients: list[str], bot_api_root: str, bot_token: str, **more: str
) -> dict[str, str]:
    """The settings every process gets (without the scaled deployment's servers)."""
    return {
        "CONSOLE__UPLOAD_DIR": str(tmp_path / "uploads"), "EMAIL__HOST": "127.0.0.1", "EMAIL__PORT": str(smtp_port),
        "EMAIL__STARTTLS": "false", "EMAIL__RECIPIENTS": json.dumps(recipients), "TELEGRAM__TOKEN": bot_token,
        "TELEGRAM__API_URL": bot_api_root, "TELEGRAM__STAFF_CHAT_ID": str(STAFF_CHAT),
        "TELEGRAM__STAFF_USERS": json.dumps({str(STAFF_USER): "Anna Rossi"}),
        "TELEGRAM__WEBHOOK_SECRET": WEBHOOK_SECRET, **more,
    }  # fmt: skip


def scaled(
    tmp_path: Path, web_count: int, settings: dict[str, str], *, postgres_url: str, chroma_url: str, redis_url: str
) -> Deployment:
    """``web_count`` web processes and a worker sharing PostgreSQL, a Chroma server and Redis."""
    common = {
        **settings, "DATABASE_URL": postgres_url, "CHROMA__URL": chroma_url, "REDIS_URL": redis_url,
        "CHROMA__COLLECTION": f"deployment-{tmp_path.name[-12:]}".replace("_", "-"),
    }  # fmt: skip
    webs, urls = [], []
    for n in range(1, web_count + 1):
        process, url = _web(tmp_path, f"web-{n}", {**common, **WEB_ONLY_SETTINGS})
        webs.append(process)
        urls.append(url)
    log = tmp_path / "worker.log"
    worker = SportelloProcess(WORKER_COMMAND, sportello_env(tmp_path / "worker", real_model=True, **common), log, bool)
    worker.ready = _said(log, "Sportello worker", worker)
    return Deployment(webs, urls, worker, postgres_url, common, tmp_path)


def single(tmp_path: Path, settings: dict[str, str]) -> Deployment:
    """The default: one ``sportello serve`` on SQLite and embedded Chroma, doing everything."""
    process, url = _web(tmp_path, "web-1", settings)
    database = f"sqlite:///{tmp_path / 'web-1' / 'sportello.db'}"
    return Deployment([process], [url], None, database, settings, tmp_path)


def _web(tmp_path: Path, name: str, settings: dict[str, str]) -> tuple[SportelloProcess, str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = sportello_env(tmp_path / name, real_model=True, WEB__PORT=str(port), **settings)
    ready = _ready(url)
    return SportelloProcess(WEB_COMMAND, env, tmp_path / f"{name}.log", ready), url


def _ready(url: str) -> Callable[[], bool]:
    def ready() -> bool:
        return httpx.get(f"{url}/readyz", timeout=1).status_code == 200

    return ready


def _said(log: Path, words: str, process: SportelloProcess) -> Callable[[], bool]:
    """Ready once this start's log line is written (the log holds every start's)."""

    def ready() -> bool:
        return log.exists() and log.read_text(errors="replace").count(words) >= process.starts

    return ready
