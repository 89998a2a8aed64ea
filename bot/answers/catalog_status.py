"""Where each call and mission stands today: upcoming, open, closing soon or closed.

A wrong deadline costs an SME its chance, so status is computed from the structured
records (never from text) against an injected clock, in the deadline's own time zone.
For a mission, the dates that matter to an SME are those of *registration*.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from knowledge.catalog import Call, CatalogEntry, Mission

EntryState = Literal["upcoming", "open", "closing_soon", "closed"]
STATES: tuple[EntryState, ...] = ("upcoming", "open", "closing_soon", "closed")


@dataclass(frozen=True)
class EntryStatus:
    """A call's or mission's state at a moment, with the dates it was decided on."""

    entry: Call | Mission
    state: EntryState
    opens: dt.date | None
    deadline: dt.datetime
    days_left: int | None
    """Calendar days until the deadline (0 = closes today); ``None`` once closed."""

    @property
    def is_open(self) -> bool:
        """Open or closing soon: an SME can still apply or register."""
        return self.state in ("open", "closing_soon")


def entry_dates(entry: Call | Mission) -> tuple[dt.date | None, dt.datetime]:
    """When an SME can apply or register: opening day (if any) and deadline."""
    if isinstance(entry, Call):
        return entry.opens, entry.deadline
    return entry.registration_opens, entry.registration_deadline


def entry_countries(entry: Call | Mission) -> list[str]:
    """The countries a call targets, or the mission's country."""
    return list(entry.countries) if isinstance(entry, Call) else [entry.country]


def entry_status(entry: Call | Mission, now: dt.datetime, closing_soon_days: int = 14) -> EntryStatus:
    """The state of ``entry`` at ``now`` (an aware datetime)."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    opens, deadline = entry_dates(entry)
    local_now = now.astimezone(deadline.tzinfo)
    if now > deadline:
        return EntryStatus(entry, "closed", opens, deadline, None)
    if opens is not None and local_now.date() < opens:
        state: EntryState = "upcoming"
    else:
        state = "open"
    days_left = (deadline.date() - local_now.date()).days
    if state == "open" and days_left <= closing_soon_days:
        state = "closing_soon"
    return EntryStatus(entry, state, opens, deadline, days_left)


def find_entries(
    entries: Iterable[CatalogEntry],
    now: dt.datetime,
    *,
    kinds: Sequence[Literal["call", "mission"]] = ("call", "mission"),
    country: str | None = None,
    sector: str | None = None,
    states: Sequence[EntryState] = STATES,
    closing_soon_days: int = 14,
) -> list[EntryStatus]:
    """Calls and missions matching the criteria, soonest deadline first.

    ``country`` is an ISO code; ``sector`` matches a sector name by case-insensitive
    substring ("tessil" finds "tessile tecnico").
    """
    found: list[EntryStatus] = []
    for entry in entries:
        if not isinstance(entry, Call | Mission) or entry.kind not in kinds:
            continue
        if country and country.upper() not in entry_countries(entry):
            continue
        if sector and not any(sector.casefold() in s.casefold() for s in entry.sectors):
            continue
        status = entry_status(entry, now, closing_soon_days)
        if status.state in states:
            found.append(status)
    return sorted(found, key=lambda s: (s.state == "closed", s.deadline))
