"""``sportello serve`` as a real process with a console account, and the memory it uses.

For the tests that attack a server as a whole (bombs, floods, forged headers): they need its
real memory, its real worker and its real client address, none of which an in-process
TestClient has.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from doubles.console import PASSWORD
from doubles.network import free_port
from doubles.processes import PROJECT_ROOT, SportelloProcess, sportello_env

ADMIN = "admin@cluster.example.eu"


@dataclass
class Served:
    """A running ``sportello serve`` and where to reach it."""

    process: SportelloProcess
    url: str
    data_dir: Path


@contextlib.contextmanager
def served(tmp_path: Path, **settings: str) -> Iterator[Served]:
    """``sportello serve`` on a free loopback port over a fresh data directory with ``ADMIN``'s account."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    data_dir = tmp_path / "data"
    env = sportello_env(data_dir, WEB__PORT=str(port), **settings)
    added = subprocess.run(
        [sys.executable, "-m", "api.cli", "staff", "add", ADMIN, "--role", "admin", "--password-stdin"],
        input=PASSWORD, text=True, env=env, cwd=PROJECT_ROOT, capture_output=True, timeout=120, check=False,
    )  # fmt: skip
    assert added.returncode == 0, added.stdout + added.stderr
    process = SportelloProcess(
        ["serve"], env, tmp_path / "serve.log", lambda: httpx.get(f"{url}/readyz", timeout=1).status_code == 200
    )
    process.start()
    try:
        yield Served(process, url, data_dir)
    finally:
        process.kill()


def rss_mib(pid: int) -> float:
    """Resident memory of ``pid`` and all its descendants, in MiB (0 once it is gone)."""
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(child) for child in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
        total += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
    return total / 1024


class PeakMemory:
    """The highest ``rss_mib`` of a process tree while the block runs (sampled every 10 ms)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> PeakMemory:
        self.peak = rss_mib(self.pid)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_mib(self.pid))
            time.sleep(0.01)
