"""Answering, in the background, what a stopped process accepted and never answered.

``sportello serve`` runs one for the web channel: on start (a crash's leftovers), then every
few seconds (a turn whose process died while this one runs, in a deployment of several).
The Telegram channel recovers from its stored updates instead (``bot.telegram.application``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from bot.conversation.front_door import FrontDoor

log = logging.getLogger(__name__)

RECOVERY_SECONDS = 5.0


class Recovery:
    """Runs ``FrontDoor.recover`` for one channel until stopped."""

    def __init__(self, front_door: FrontDoor, channel: str, every_seconds: float = RECOVERY_SECONDS) -> None:
        self.front_door = front_door
        self.channel = channel
        self.every_seconds = every_seconds
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start the loop (its first round runs at once)."""
        self._task = asyncio.create_task(self._run(), name=f"sportello-recovery-{self.channel}")

    async def stop(self) -> None:
        """Stop the loop (a round in progress finishes in its thread)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            try:
                await asyncio.to_thread(self.front_door.recover, self.channel)
            except Exception:  # a busy database must not end the loop: the next round tries again
                log.exception("recovering %s messages failed; retrying", self.channel)
            await asyncio.sleep(self.every_seconds)
