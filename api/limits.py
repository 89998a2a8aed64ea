"""Rate limits and the login throttle, counted by the maintained ``limits`` library.

Counters live in memory for one process (``sportello serve``), or in Redis when
``SPORTELLO_REDIS_URL`` is set, so that every process behind a balancer counts against the
same limit. Keys are the client address the app trusts (``api.web.client_address``), a chat
session, or a login address.

The login throttle is per client address, beside the per-account backoff the database keeps
(``bot.desk.accounts``): an attacker who tries many e-mail addresses from one place meets it
after ``free_failures`` wrong passwords, and then waits twice as long after each further one.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from limits import RateLimitItem, RateLimitItemPerMinute
from limits.storage import Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

NAMESPACE = "sportello"
T = TypeVar("T")
log = logging.getLogger(__name__)


class Limits:
    """Moving-window limits over one storage (``memory://`` or a ``redis://`` URL)."""

    def __init__(self, storage_uri: str = "memory://") -> None:
        storage = storage_from_string(storage_uri)
        if not isinstance(storage, Storage):  # an asyncio storage ("async+redis://"): the app counts in threads
            raise ValueError(f"{storage_uri!r} is not a synchronous storage; use memory:// or redis://")
        self.storage = storage
        self._limiter = MovingWindowRateLimiter(self.storage)
        self._warned_at = float("-inf")

    def hit(self, item: RateLimitItem, *key: str) -> float:
        """Count a hit; 0.0 if allowed, else the seconds until one would be."""

        def count() -> float:
            if self._limiter.hit(item, NAMESPACE, *key):
                return 0.0
            reset = self._limiter.get_window_stats(item, NAMESPACE, *key).reset_time
            return max(0.001, reset - time.time())

        return self.guarded(count, 0.0)

    def guarded(self, action: Callable[[], T], fallback: T) -> T:
        """``action()``, or ``fallback`` while the storage cannot be reached: with Redis down, the
        desk keeps answering unthrottled (logged once a minute) rather than refusing everyone; the
        per-account login backoff, kept in the database, still holds."""
        try:
            return action()
        except Exception as exc:  # the storage's own errors (redis.ConnectionError, timeouts)
            now = time.monotonic()
            if now - self._warned_at > 60:
                self._warned_at = now
                log.warning("rate-limit storage unavailable, limits not applied: %s", exc)
            return fallback


def per_minute(count: int) -> RateLimitItem:
    """``count`` hits a minute."""
    return RateLimitItemPerMinute(count)


def retry_after_seconds(wait: float) -> int:
    """Whole seconds, at least one (what HTTP's ``Retry-After`` carries)."""
    return max(1, math.ceil(wait))


@dataclass(frozen=True)
class LoginPolicy:
    """How many logins one address may try; the defaults let a person mistype and stop a script."""

    attempts_per_minute: int = 20
    """Every attempt counts, right or wrong: it bounds the password hashing one address causes."""
    free_failures: int = 10
    first_wait: float = 30.0
    longest_wait: float = 15 * 60.0
    forget_after: float = 60 * 60.0
    """Failures older than this (since the last one) are forgotten."""


class LoginThrottle:
    """Per client address: a cap on attempts a minute, and an exponential wait after repeated failures."""

    def __init__(self, limits: Limits, policy: LoginPolicy | None = None) -> None:
        self._limits = limits
        self._storage = limits.storage
        self._policy = policy or LoginPolicy()
        self._attempts = per_minute(self._policy.attempts_per_minute)

    def wait(self, address: str) -> float:
        """Seconds ``address`` must wait before this attempt is heard (0.0: go ahead; it is counted)."""

        def locked_for() -> float:
            if self._storage.get(self._key("locked", address)):
                return max(1.0, self._storage.get_expiry(self._key("locked", address)) - time.time())
            return 0.0

        return self._limits.guarded(locked_for, 0.0) or self._limits.hit(self._attempts, "login", address)

    def failed(self, address: str) -> None:
        """A wrong password from ``address``: past the free ones, lock it for twice the last wait."""
        policy = self._policy

        def count() -> None:
            failures = self._storage.incr(self._key("failures", address), int(policy.forget_after))
            beyond = failures - policy.free_failures
            if beyond >= 0:
                wait = min(policy.first_wait * 2 ** min(beyond, 20), policy.longest_wait)
                self._storage.incr(self._key("locked", address), math.ceil(wait))

        self._limits.guarded(count, None)

    def succeeded(self, address: str) -> None:
        """A right password: the address starts afresh."""
        self._limits.guarded(lambda: self._storage.clear(self._key("failures", address)), None)

    @staticmethod
    def _key(kind: str, address: str) -> str:
        return f"{NAMESPACE}/login-{kind}/{address}"
