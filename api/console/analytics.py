"""The analytics page and its CSV export (the figures EU projects report; docs/analytics.md)."""

from __future__ import annotations

import asyncio
import datetime as dt

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from api.console.auth import StaffDep, require_staff
from api.console.state import ConsoleDep, ConsoleState
from api.console.templating import render
from api.web.protection import CONSOLE_RESPONSES
from bot.desk.analytics_csv import report_csv
from bot.desk.analytics_report import AnalyticsReport

router = APIRouter(
    prefix="/console", tags=["console"], responses=CONSOLE_RESPONSES, dependencies=[Depends(require_staff)]
)
Days = Query(default=30, ge=0, le=3660, description="The last N days; 0 = since the start.")


@router.get("/analytics")
async def analytics_page(request: Request, state: ConsoleDep, days: int = Days) -> Response:
    """Figures for the period, with the questions the assistant could not answer grouped."""
    report = await _report(state, days)
    return render(request, "analytics.html", {"r": report, "days": days})


@router.get("/analytics.csv")
async def analytics_csv(state: ConsoleDep, session: StaffDep, days: int = Days) -> Response:
    """The same figures as one CSV (opens in a spreadsheet)."""
    report = await _report(state, days)
    state.audit.record(session.account.email, "analytics_export", "analytics", {"days": days})
    stamp = report.until.strftime("%Y%m%d")
    headers = {"Content-Disposition": f'attachment; filename="sportello-analytics-{stamp}-{days or "all"}d.csv"'}
    # The byte-order mark tells spreadsheet programs the file is UTF-8 (accents, €).
    return Response("\ufeff" + report_csv(report), media_type="text/csv; charset=utf-8", headers=headers)


async def _report(state: ConsoleState, days: int) -> AnalyticsReport:
    until = state.services.now() + dt.timedelta(seconds=1)  # the period is [since, until): include this moment
    since = until - dt.timedelta(days=days) if days else None
    # Off the event loop: grouping questions embeds them (seconds the first time).
    return await asyncio.to_thread(state.analytics.report, since, until)
