"""Rate limits: a sliding window of recent hits per key (a session, an IP address).

In memory, per process: right for `sportello serve` (one process). Several processes
behind a balancer would each count on their own — a shared store (Redis) is the
scale-out step, documented in docs/web.md.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable


class RateLimiter:
    """At most ``limit`` hits per ``window`` seconds for each key."""

    def __init__(self, limit: int, window: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self._limit = limit
        self._window = window
        self._clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str) -> float:
        """Count a hit; 0.0 if allowed, else the seconds until the next one would be."""
        now = self._clock()
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - self._window:
                hits.popleft()
            if len(hits) >= self._limit:
                return max(0.001, hits[0] + self._window - now)
            hits.append(now)
            if len(self._hits) > 50_000:  # forget idle keys rather than grow without bound
                self._forget_idle(now)
            return 0.0

    def _forget_idle(self, now: float) -> None:
        for key in [k for k, v in self._hits.items() if not v or v[-1] <= now - self._window]:
            del self._hits[key]


def retry_after_seconds(wait: float) -> int:
    """Whole seconds, at least one (what HTTP's ``Retry-After`` carries)."""
    return max(1, math.ceil(wait))
