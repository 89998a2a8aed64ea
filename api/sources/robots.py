"""Politeness toward a site: its robots.txt rules (RFC 9309) and the pacing of our requests to it.

Parsing is protego's (Scrapy's parser: the longest matching rule wins, ``*`` and ``$``
wildcards, as RFC 9309 says; the standard library's ``urllib.robotparser`` takes the first
rule that matches and ignores wildcards). It is only fed text the fetcher already fetched
through the address guard, the timeouts and the size cap.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from protego import Protego

MAX_ROBOTS_BYTES = 500 * 1024
"""RFC 9309 §2.5: crawlers must parse at least 500 KiB; what lies beyond is ignored, not an error."""


@dataclass(frozen=True)
class RobotsRules:
    """What a site's robots.txt allows; ``reason`` says where the rules came from, for the log."""

    parser: Protego | None
    allow_all: bool
    reason: str

    @classmethod
    def from_text(cls, text: str) -> RobotsRules:
        """Rules parsed from a robots.txt that was served (2xx)."""
        return cls(Protego.parse(text), allow_all=False, reason="robots.txt")

    @classmethod
    def unavailable(cls, reason: str) -> RobotsRules:
        """RFC 9309 §2.3.1.3: robots.txt is 4xx (or lost in redirects), so everything is allowed."""
        return cls(None, allow_all=True, reason=reason)

    @classmethod
    def unreachable(cls, reason: str) -> RobotsRules:
        """RFC 9309 §2.3.1.4: a 5xx or a failed connection means the whole site is disallowed."""
        return cls(None, allow_all=False, reason=reason)

    def allows(self, user_agent: str, url: str) -> bool:
        """Whether ``user_agent`` may fetch ``url``; the parser matches on the product token before '/'."""
        if self.parser is None:
            return self.allow_all
        return bool(self.parser.can_fetch(url, user_agent))


class HostPacer:
    """Spaces the requests to each host by ``interval`` seconds, by waiting.

    Hand-written rather than with ``limits`` (already a dependency): ``limits`` answers "over
    the limit" and leaves the waiting, a poll loop, to the caller. Reserving each host's next
    slot takes a few lines, is fair between threads, and runs on an injected clock and sleep.
    """

    def __init__(self, interval: float, clock: Callable[[], float], sleep: Callable[[float], None]) -> None:
        self._interval, self._clock, self._sleep = interval, clock, sleep
        self._next_slot: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait_turn(self, host: str) -> None:
        """Return when a request to ``host`` may go out."""
        with self._lock:
            now = self._clock()
            slot = max(now, self._next_slot.get(host, now))
            self._next_slot[host] = slot + self._interval
        if slot > now:
            self._sleep(slot - now)
