"""Background loops of ``sportello serve``: a step run in a worker thread every few seconds,
whose failures are logged and retried on the next round, never allowed to end the loop.

One of them answers what a stopped process accepted and never answered (the web channel;
Telegram recovers from its stored updates in ``bot.telegram.receiving``): on start — a
crash's leftovers — and every few seconds after (a turn whose process died while this one
runs, in a deployment of several).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from bot.claims.desk import ClaimDesk
from bot.conversation.front_door import FrontDoor

log = logging.getLogger(__name__)

RECOVERY_SECONDS = 5.0


class Periodic:
    """Runs ``step`` (blocking; in a thread) at once, then every ``every_seconds``, until stopped."""

    def __init__(self, name: str, step: Callable[[], object], every_seconds: Callable[[], float]) -> None:
        self.name = name
        self.step = step
        self.every_seconds = every_seconds
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start the loop on the running event loop."""
        self._task = asyncio.create_task(self._run(), name=f"sportello-{self.name}")

    async def stop(self) -> None:
        """Stop the loop (a step in progress finishes in its thread)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            try:
                await asyncio.to_thread(self.step)
            except Exception:  # a busy database must not end the loop: the next round tries again
                log.exception("%s failed; retrying on the next round", self.name)
            await asyncio.sleep(self.every_seconds())


def recovery(front_door: FrontDoor, channel: str, every_seconds: float = RECOVERY_SECONDS) -> Periodic:
    """The loop answering ``channel``'s messages left unanswered by a stopped process."""
    return Periodic(f"recovery-{channel}", lambda: front_door.recover(channel), lambda: every_seconds)


def claim_recovery(claims: ClaimDesk, every_seconds: float = RECOVERY_SECONDS) -> Periodic:
    """The loop reading claim files a stopped process stored and never read (and telling the SME)."""
    return Periodic("recovery-claims", claims.recover, lambda: every_seconds)
