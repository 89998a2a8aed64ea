"""Taking updates in: stored first, confirmed to Telegram after, handled once, recovered on start.

python-telegram-bot's own ``Updater`` confirms an offset with its next ``getUpdates`` call,
milliseconds after fetching and long before the updates are handled; a crash then loses
them for good. So this channel polls itself: fetch, store every update (``UpdateLog``),
and only then ask for the next offset (which confirms the batch to Telegram). A webhook
POST is answered once its update is stored. Stored updates are handled through the
application (per-chat order: ``ChatOrderedProcessor``) and marked handled; on start, and
on every work round, what is stored and not handled is handled.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from typing import Any

from telegram import Update
from telegram.error import InvalidToken, TelegramError
from telegram.ext import Application

from bot.telegram.updates import UpdateLog

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "callback_query"]
POLL_RETRY_SECONDS = (1.0, 30.0)
"""After a failed ``getUpdates``: the first wait, and the longest (doubling in between)."""

AnyApplication = Application[Any, Any, Any, Any, Any, Any]


class UpdateReceiver:
    """Stores, confirms and handles the updates of one application."""

    def __init__(self, application: AnyApplication, updates: UpdateLog, poll_timeout: int) -> None:
        self.application = application
        self.updates = updates
        self.poll_timeout = poll_timeout
        self._running: dict[int, asyncio.Task[None]] = {}
        self._poller: asyncio.Task[None] | None = None
        self._accepting = True

    # -- receiving ----------------------------------------------------------------------------

    def start_polling(self) -> None:
        """Poll in the background until ``stop``."""
        self._poller = asyncio.create_task(self._poll(), name="sportello-telegram-poll")

    async def receive(self, payload: dict[str, Any]) -> None:
        """One update from the webhook: stored (the caller answers 200 after this), then handled
        before returning when it is new or left unhandled. Malformed payloads raise before
        anything is stored."""
        update = Update.de_json(payload, self.application.bot)
        if update is None:
            raise ValueError("not a Telegram update")
        await asyncio.to_thread(self.updates.record, update.update_id, payload)
        claimed = await asyncio.to_thread(self.updates.claim, update.update_id)
        if claimed is not None:  # else handled already, or being handled (here or by a live process)
            await self._handle(update.update_id, *claimed)

    async def _poll(self) -> None:
        bot = self.application.bot
        offset: int | None = None
        wait = POLL_RETRY_SECONDS[0]
        while self._accepting:
            try:
                batch = await bot.get_updates(offset=offset, timeout=self.poll_timeout, allowed_updates=ALLOWED_UPDATES)
            except InvalidToken:
                log.error("Telegram refused the token: polling stops")
                return
            except TelegramError as exc:
                log.warning("getUpdates failed (%s); retrying in %.0f s", exc, wait)
                await asyncio.sleep(wait)
                wait = min(wait * 2, POLL_RETRY_SECONDS[1])
                continue
            wait = POLL_RETRY_SECONDS[0]
            for update in batch:
                await asyncio.to_thread(self.updates.record, update.update_id, update.to_dict())
            if batch:
                # Every update up to here is stored: the next call confirms them to Telegram.
                offset = batch[-1].update_id + 1
                await self.handle_pending()

    # -- handling -----------------------------------------------------------------------------

    async def handle_pending(self) -> int:
        """Start handling every stored, unhandled update not already running here.

        Leases are taken one by one in update order and each task is created right after its
        lease, so the tasks reach the per-chat queue in the order Telegram sent the updates.
        """
        if not self._accepting:
            return 0
        started = 0
        for update_id in await asyncio.to_thread(self.updates.pending):
            if update_id in self._running:
                continue
            claimed = await asyncio.to_thread(self.updates.claim, update_id)
            if claimed is None:
                continue
            task = asyncio.create_task(self._handle(update_id, *claimed), name=f"sportello-telegram-update-{update_id}")
            self._running[update_id] = task
            task.add_done_callback(functools.partial(self._finished, update_id))
            started += 1
        return started

    def _finished(self, update_id: int, _task: asyncio.Task[None]) -> None:
        self._running.pop(update_id, None)

    async def _handle(self, update_id: int, claim: str, payload: dict[str, Any]) -> None:
        application = self.application
        try:
            update = Update.de_json(payload, application.bot)
            # Through the processor, as PTB would: the same per-chat order and concurrency cap.
            await application.update_processor.process_update(update, application.process_update(update))
        except asyncio.CancelledError:
            await asyncio.shield(asyncio.to_thread(self.updates.release, update_id, claim))
            raise
        except Exception:  # a payload PTB cannot read: logged, and not retried forever
            log.exception("Telegram update %s could not be handled", update_id)
        await asyncio.to_thread(self.updates.handled, update_id)

    # -- stopping -----------------------------------------------------------------------------

    async def stop(self, grace_seconds: float) -> None:
        """Stop taking updates, let the running ones finish within ``grace_seconds``, then cancel
        the rest (their updates stay stored and unhandled: the next start handles them)."""
        self._accepting = False
        if self._poller is not None:
            self._poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._poller
            self._poller = None
        running = list(self._running.values())
        if running:
            _done, late = await asyncio.wait(running, timeout=grace_seconds)
            for task in late:
                task.cancel()
            for task in late:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
