"""Sportello run as a real process (``python -m api.cli …``), to be killed with SIGKILL and started again.

The durability tests need what a unit test cannot give: a process that dies between two
instructions, with nothing flushed or cleaned up. Each ``SportelloProcess`` owns a data
directory (the fake embedder: a start takes seconds) and logs to a file the failure
messages quote.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx

PROJECT_ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 120.0


def sportello_env(data_dir: Path, *, real_model: bool = False, **settings: str) -> dict[str, str]:
    """The environment of a Sportello process on ``data_dir`` with ``settings``, and the fake
    embedder unless ``real_model`` (the bundled e5: what an operator runs)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("SPORTELLO_")}
    env.update(SPORTELLO_DATA_DIR=str(data_dir), SPORTELLO_LOG_LEVEL="INFO", PYTHONUNBUFFERED="1")
    if not real_model:
        env.update(SPORTELLO_EMBEDDING__PROVIDER="hashing", SPORTELLO_EMBEDDING__DIMENSIONS="256")
    env.update({f"SPORTELLO_{key.upper()}": value for key, value in settings.items()})
    return env


class SportelloProcess:
    """``sportello <args>`` as a child process: started, waited for, killed, started again."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path, ready: Callable[[], bool]) -> None:
        self.args = args
        self.env = env
        self.log = log
        self.ready = ready
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0
        self._restarting = threading.Lock()

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self) -> None:
        """Start it and poll until ``ready`` holds (or fail with the end of its log)."""
        self.starts += 1
        with self.log.open("ab") as out:
            out.write(f"\n===== start {self.starts} =====\n".encode())
            self.process = subprocess.Popen(
                [sys.executable, "-m", "api.cli", *self.args], env=self.env, cwd=PROJECT_ROOT,
                stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        deadline = time.monotonic() + START_TIMEOUT
        while not self._ready():
            if self.process.poll() is not None:
                raise AssertionError(f"sportello {self.args} exited with {self.process.returncode}:\n{self.tail()}")
            if time.monotonic() > deadline:
                self.kill()
                raise AssertionError(f"sportello {self.args} not ready in {START_TIMEOUT} s:\n{self.tail()}")
            time.sleep(0.05)

    def ensure_running(self) -> None:
        """Start it again if it died (from any thread, once: what a process supervisor does)."""
        with self._restarting:
            if not self.alive():
                self.start()

    def _ready(self) -> bool:
        try:
            return self.ready()
        except (httpx.HTTPError, OSError):
            return False

    @contextlib.contextmanager
    def killed(self) -> Iterator[None]:
        """SIGKILL, and no ``ensure_running`` restart until the block ends (to read what the dead
        process left before a new one changes it)."""
        with self._restarting:
            self.kill()
            yield

    @contextlib.contextmanager
    def frozen_then_killed(self) -> Iterator[None]:
        """SIGSTOP now and SIGKILL when the block ends, with no ``ensure_running`` restart between:
        stopped, it does nothing more yet still runs (nothing it holds is taken over), so the
        block reads what it leaves half-done exactly as a kill at that instant leaves it."""
        with self._restarting:
            self._freeze()
            try:
                yield
            finally:
                self.kill()

    def _freeze(self) -> None:
        os.kill(self.pid, signal.SIGSTOP)
        deadline = time.monotonic() + 10
        while Path(f"/proc/{self.pid}/stat").read_text().rpartition(")")[2].split()[0] not in ("T", "t"):
            assert time.monotonic() < deadline, f"process {self.pid} did not stop"
            time.sleep(0.01)

    def kill(self) -> None:
        """SIGKILL: no handler runs, nothing is flushed."""
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def terminate(self, timeout: float = 30.0) -> int:
        """SIGTERM, then wait for the exit (SIGKILL past ``timeout``); returns the exit code."""
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        return int(self.process.returncode)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def send_then_kill(request: httpx.Request, process: SportelloProcess) -> None:
    """Write ``request`` whole on a raw socket, then SIGKILL ``process`` before reading a byte back
    (httpx sends and reads in one call; the kill must fall between the two)."""
    body = request.read()
    head = "".join(f"{name}: {value}\r\n" for name, value in request.headers.items())
    target = request.url.raw_path.decode()
    with socket.create_connection((request.url.host, request.url.port or 80), timeout=10) as connection:
        connection.sendall(f"{request.method} {target} HTTP/1.1\r\n{head}\r\n".encode() + body)
        process.kill()
