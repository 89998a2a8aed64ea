"""``sportello kpi``: the KPI rows per SME, call, mission and country as CSV (docs/analytics.md)."""

from __future__ import annotations

import datetime as dt
import sys
from typing import Annotated

import typer

from api.cli_common import command_services, err
from api.cli_desk import CLI_ACTOR
from bot.desk.analytics_csv import kpi_csv
from bot.desk.kpi import KpiBreakdown, report_period


def kpi(
    days: Annotated[int, typer.Option(help="The last N days; 0 = since the start.", min=0)] = 30,
    since: Annotated[str | None, typer.Option(help="First day of a reporting period (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option(help="Last day of the period, included (YYYY-MM-DD).")] = None,
    personal: Annotated[
        bool, typer.Option(help="Add the contact person's name and e-mail (contacts that accepted the notice).")
    ] = False,
    language: Annotated[str, typer.Option(help="Language of the labels (country names): it, en or fr.")] = "it",
) -> None:
    """Print the KPIs per SME, call, mission and country of a period as CSV."""
    try:
        first = dt.date.fromisoformat(since) if since else None
        last = dt.date.fromisoformat(until) if until else None
    except ValueError as exc:
        err.print(f"Dates are YYYY-MM-DD: {exc}")
        raise typer.Exit(2) from exc
    if language not in ("it", "en", "fr"):
        err.print("The language is it, en or fr.")
        raise typer.Exit(2)
    with command_services() as services:
        try:
            start, end, label = report_period(
                services.now(), services.settings.assistant.office_timezone, days, first, last
            )
        except ValueError as exc:
            err.print(f"{str(exc).capitalize()}.")
            raise typer.Exit(2) from exc
        rows = KpiBreakdown(services.sessions, services.manifest.catalog_entries).rows(
            start, end, personal=personal, language=language
        )
        services.audit().record(
            CLI_ACTOR, "analytics_export", "kpi", {"period": label, "personal": personal, "rows": len(rows)}
        )
    sys.stdout.write(kpi_csv(rows))
