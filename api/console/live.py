"""The console's live queue: ``GET /console/events`` says ``changed`` whenever an escalation is
opened, taken, answered or resolved, by any process (``bot.conversation.changes``), and the
queue page reloads its table then instead of on a timer."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Depends
from sse_starlette import EventSourceResponse

from api.console.auth import StaffDep, require_staff
from api.console.state import ConsoleDep
from api.web.protection import CONSOLE_RESPONSES
from bot.conversation.changes import DESK, ChangeHub

STREAM_SECONDS = 600.0
"""A stream ends after this long and the browser opens a new one: the staff session is checked
again, and a stream never outlives a session that ended."""
PING_SECONDS = 15.0
FALLBACK_SECONDS = 20
LISTENING_FALLBACK_SECONDS = 300

router = APIRouter(
    prefix="/console", tags=["console"], responses=CONSOLE_RESPONSES, dependencies=[Depends(require_staff)]
)


@router.get("/events")
async def desk_events(state: ConsoleDep, session: StaffDep) -> EventSourceResponse:
    """Server-sent events: ``ready`` once (with how often the page should still reload on its own,
    for what no notice reaches), then ``changed`` each time the escalation queue changes."""
    return EventSourceResponse(
        _queue_changes(state.services.changes()), ping=PING_SECONDS, sep="\n", shutdown_grace_period=0
    )


async def _queue_changes(hub: ChangeHub) -> AsyncIterator[dict[str, Any]]:
    deadline = time.monotonic() + STREAM_SECONDS
    async with hub.subscribe(DESK) as subscription:
        # Without a listener, another process (``sportello telegram`` on the same SQLite) may
        # change the queue unheard: the page then also reloads on a short timer.
        fallback = LISTENING_FALLBACK_SECONDS if hub.listening else FALLBACK_SECONDS
        yield {"event": "ready", "data": json.dumps({"fallback_seconds": fallback})}
        while (left := deadline - time.monotonic()) > 0:
            if await subscription.changed(min(left, hub.patience)):
                yield {"event": "changed", "data": "{}"}
