"""Rendering console pages: Jinja2 with autoescaping on, so whatever an SME wrote shows as text.

Pages speak the logged-in member's language (``lang``, and ``_`` to translate:
``api.console.translations``; the ``word`` and ``country`` filters speak it too); the login page,
and an error page before anyone is known, speak the browser's best of it/en/fr. Times show in the
desk's time zone (``SPORTELLO_ASSISTANT__OFFICE_TIMEZONE``) whatever the language.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from jinja2.runtime import Context
from starlette.responses import Response

from api.console.translations import LANGUAGE_NAMES, preferred_language, translator
from bot.desk.words import country, word

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
NOTICE_PARAMETERS = frozenset({"done", "error", "detail"})
"""Query parameters that say how the last action went: not kept when a page sends the member back to it."""
DAY = {"it": "g", "en": "d", "fr": "j"}
"""The short unit for days in each language (hours and minutes are ``h`` and ``min`` in all three)."""


@pass_context
def _word(context: Context, code: object, group: str) -> str:
    return word(code, group, context.get("lang", "it"))


@pass_context
def _country(context: Context, code: object) -> str:
    return country(code, context.get("lang", "it"))


templates = Jinja2Templates(directory=TEMPLATES)
templates.env.filters["word"] = _word
templates.env.filters["country"] = _country


def render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    """A page in the reader's language, with the logged-in member and its CSRF token available to every template."""
    session = getattr(request.state, "staff", None)
    state = getattr(request.app.state, "console", None)
    zone = ZoneInfo(state.services.settings.assistant.office_timezone) if state else dt.UTC
    now = state.services.now() if state else dt.datetime.now(dt.UTC)
    lang = session.account.language if session else getattr(request.state, "language", None)
    lang = lang or preferred_language(request.headers.get("accept-language"))
    base = {"staff": session.account if session else None, "csrf": session.csrf_token if session else "", "now": now}
    base |= {"lang": lang, "_": translator(lang), "language_names": LANGUAGE_NAMES, "here": here(request)}
    base |= {
        "when": lambda value: when(value, zone), "age": lambda value: age(value, now, lang), "timedelta": dt.timedelta,
    }  # fmt: skip
    response = templates.TemplateResponse(request, name, base | context, status_code=status)
    response.headers["Cache-Control"] = "no-store"  # staff pages hold personal data
    response.headers["Content-Language"] = lang
    return response


def here(request: Request) -> str:
    """Where a form on this page sends the member back to: this page without its notice (the
    console's home after a form that rendered a page itself)."""
    if request.method != "GET":
        return "/console"
    kept = [(key, value) for key, value in request.query_params.multi_items() if key not in NOTICE_PARAMETERS]
    return request.url.path + (f"?{urlencode(kept)}" if kept else "")


def when(value: dt.datetime | None, zone: ZoneInfo | dt.timezone) -> str:
    """``22/11/2026 14:05`` in the desk's time zone."""
    return value.astimezone(zone).strftime("%d/%m/%Y %H:%M") if value else "—"


def age(value: dt.datetime, now: dt.datetime, language: str = "it") -> str:
    """How long ago, shortly: ``45 min``, ``3 h 10 min``, ``2 g 4 h`` (``2 d 4 h``, ``2 j 4 h``)."""
    minutes = max(0, int((now - value).total_seconds() // 60))
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes} min"
    days, hours = divmod(hours, 24)
    return f"{days} {DAY.get(language, 'g')} {hours} h"


def sla_colour(created: dt.datetime, answered: dt.datetime | None, now: dt.datetime, sla: dt.timedelta) -> str:
    """``ok`` (green), ``soon`` (amber: past half the SLA), ``late`` (red), ``done`` once staff replied."""
    if answered is not None:
        return "done"
    waited = now - created
    if waited >= sla:
        return "late"
    return "soon" if waited >= sla / 2 else "ok"
