"""The webhooks' delivery log (``/console/admin/webhooks``): the endpoints configured, each event
posted or waiting, its attempts and last error, and "send again" for one given up."""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from api.console.auth import AdminDep, require_admin
from api.console.state import ConsoleDep
from api.console.templating import render
from api.services import webhook_endpoints
from api.web.protection import CONSOLE_RESPONSES, RowId
from bot.outbound.webhooks import WEBHOOK_CHANNEL

router = APIRouter(
    prefix="/console/admin", tags=["console"], responses=CONSOLE_RESPONSES, dependencies=[Depends(require_admin)]
)
SHOWN = 200
"""The latest deliveries listed."""


@router.get("/webhooks")
def webhook_log(request: Request, state: ConsoleDep) -> Response:
    """Endpoints and the latest deliveries, newest first."""
    endpoints = [
        {"name": e.name, "url": _shown_url(e.url), "events": e.events, "personal": e.personal}
        for e in webhook_endpoints(state.services.settings)
    ]
    deliveries = state.outbox.items(WEBHOOK_CHANNEL, latest=SHOWN)
    return render(request, "webhooks.html", {"endpoints": endpoints, "deliveries": deliveries})


@router.post("/webhooks/{item_id}/retry")
def retry_delivery(state: ConsoleDep, session: AdminDep, item_id: RowId) -> Response:
    """Post a delivery again at the next tick (after the receiver was fixed)."""
    if not state.outbox.retry_now(item_id, WEBHOOK_CHANNEL):
        return RedirectResponse("/console/admin/webhooks?error=failed", status_code=303)
    state.audit.record(session.account.email, "webhook_retry", f"delivery {item_id}")
    return RedirectResponse("/console/admin/webhooks?done=retry_queued", status_code=303)


def _shown_url(url: str) -> str:
    """Scheme, host and path only: a receiver's query string may hold a token."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}{parts.path}"
