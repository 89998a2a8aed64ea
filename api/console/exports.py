"""The KPI export: one CSV row per SME, call, mission and country (docs/analytics.md, "KPI export").

The period is the last ``days`` days, or a reporting period given as dates (``since`` and
``until``, both included, in the desk's time zone) as an EU project report asks. The contact
person's name and e-mail are personal data: only admins may add them (``personal=1``), and
only contacts that accepted the privacy notice have them. Every export is audited.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.responses import Response

from api.console.auth import StaffDep, require_staff
from api.console.state import ConsoleDep
from api.web.protection import CONSOLE_RESPONSES
from bot.desk.analytics_csv import kpi_csv
from bot.desk.kpi import KpiBreakdown, report_period

router = APIRouter(
    prefix="/console", tags=["console"], responses=CONSOLE_RESPONSES, dependencies=[Depends(require_staff)]
)


@router.get("/analytics/kpi.csv")
async def kpi_export(
    state: ConsoleDep,
    session: StaffDep,
    days: Annotated[int, Query(ge=0, le=3660, description="The last N days; 0 = since the start.")] = 30,
    since: Annotated[dt.date | None, Query(description="First day of the period (with ``until``).")] = None,
    until: Annotated[dt.date | None, Query(description="Last day of the period, included.")] = None,
    personal: Annotated[bool, Query(description="Add the contact person's name and e-mail (admins).")] = False,
) -> Response:
    """The KPI rows of the period as a CSV (opens in a spreadsheet)."""
    if personal and not session.account.is_admin:
        raise HTTPException(403, "Only an admin may export personal data.")
    try:
        start, end, label = report_period(
            state.services.now(), state.services.settings.assistant.office_timezone, days, since, until
        )
    except ValueError as exc:
        raise HTTPException(422, str(exc).capitalize() + ".") from exc
    breakdown = KpiBreakdown(state.services.sessions, state.services.manifest.catalog_entries)
    language = getattr(session.account, "language", None) or "it"
    rows = await asyncio.to_thread(breakdown.rows, start, end, personal=personal, language=language)
    state.audit.record(
        session.account.email, "analytics_export", "kpi", {"period": label, "personal": personal, "rows": len(rows)}
    )
    headers = {"Content-Disposition": f'attachment; filename="sportello-kpi-{label}.csv"'}
    # The byte-order mark tells spreadsheet programs the file is UTF-8 (accents, €).
    return Response("\ufeff" + kpi_csv(rows), media_type="text/csv; charset=utf-8", headers=headers)
