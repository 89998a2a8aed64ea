"""Rendering console pages: Jinja2 with autoescaping on, so whatever an SME wrote shows as text.

Times show in the desk's time zone (``SPORTELLO_ASSISTANT__OFFICE_TIMEZONE``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

from api.console.words import country, word

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"

templates = Jinja2Templates(directory=TEMPLATES)
templates.env.filters["word"] = word
templates.env.filters["country"] = country


def render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    """A page, with the logged-in member and its CSRF token available to every template."""
    session = getattr(request.state, "staff", None)
    state = getattr(request.app.state, "console", None)
    zone = ZoneInfo(state.services.settings.assistant.office_timezone) if state else dt.UTC
    now = state.services.now() if state else dt.datetime.now(dt.UTC)
    base = {"staff": session.account if session else None, "csrf": session.csrf_token if session else "", "now": now}
    base |= {"when": lambda value: when(value, zone), "age": lambda value: age(value, now), "timedelta": dt.timedelta}
    response = templates.TemplateResponse(request, name, base | context, status_code=status)
    response.headers["Cache-Control"] = "no-store"  # staff pages hold personal data
    return response


def when(value: dt.datetime | None, zone: ZoneInfo | dt.timezone) -> str:
    """``22/11/2026 14:05`` in the desk's time zone."""
    return value.astimezone(zone).strftime("%d/%m/%Y %H:%M") if value else "—"


def age(value: dt.datetime, now: dt.datetime) -> str:
    """How long ago, shortly: ``45 min``, ``3 h 10 min``, ``2 g 4 h``."""
    minutes = max(0, int((now - value).total_seconds() // 60))
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes} min"
    days, hours = divmod(hours, 24)
    return f"{days} g {hours} h"


def sla_colour(created: dt.datetime, answered: dt.datetime | None, now: dt.datetime, sla: dt.timedelta) -> str:
    """``ok`` (green), ``soon`` (amber: past half the SLA), ``late`` (red), ``done`` once staff replied."""
    if answered is not None:
        return "done"
    waited = now - created
    if waited >= sla:
        return "late"
    return "soon" if waited >= sla / 2 else "ok"
