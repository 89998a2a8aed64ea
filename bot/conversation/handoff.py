"""Handing a conversation to staff: office hours, and the details staff will need.

The assistant never promises a follow-up it cannot keep: it says when the desk will
read the request (office hours in the desk's time zone), and it only says "passed to
staff" once an escalation row exists. The details themselves are read in ``contact_details``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.conversation.contact_details import Details, parse_details
from bot.conversation.phrases import say

__all__ = ["Details", "OfficeHours", "missing_details", "parse_details"]

_DAY_NAMES = {
    "it": ("lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
}


@dataclass(frozen=True)
class OfficeHours:
    """When staff read requests: weekdays and opening hours in the desk's time zone."""

    timezone: str = "Europe/Rome"
    days: tuple[int, ...] = (0, 1, 2, 3, 4)
    """Weekdays open, Monday = 0."""
    opens: dt.time = dt.time(9, 0)
    closes: dt.time = dt.time(17, 0)

    def is_open(self, now: dt.datetime) -> bool:
        """True during office hours."""
        local = now.astimezone(ZoneInfo(self.timezone))
        return local.weekday() in self.days and self.opens <= local.time() < self.closes

    def next_opening(self, now: dt.datetime) -> dt.datetime:
        """The next time the desk opens after ``now`` (in the desk's time zone)."""
        zone = ZoneInfo(self.timezone)
        local = now.astimezone(zone)
        for offset in range(8):
            day = local.date() + dt.timedelta(days=offset)
            opening = dt.datetime.combine(day, self.opens, tzinfo=zone)
            if day.weekday() in self.days and opening > local:
                return opening
        raise ValueError("office hours have no open day")

    def expectation(self, now: dt.datetime, language: str) -> str:
        """An honest sentence on when staff will read the request."""
        if self.is_open(now):
            return say("office_open", language, until=self.closes.strftime("%H:%M"))
        opening = self.next_opening(now)
        local_now = now.astimezone(ZoneInfo(self.timezone))
        if opening.date() == local_now.date():
            when = {"it": "oggi alle", "en": "today at", "fr": "aujourd'hui à"}.get(language, "oggi alle")
        elif opening.date() == local_now.date() + dt.timedelta(days=1):
            when = {"it": "domani alle", "en": "tomorrow at", "fr": "demain à"}.get(language, "domani alle")
        else:
            day = _DAY_NAMES.get(language, _DAY_NAMES["it"])[opening.weekday()]
            at = {"it": "alle", "en": "at", "fr": "à"}.get(language, "alle")
            when = f"{day} {opening.day}/{opening.month} {at}"
        return say("office_closed", language, when=f"{when} {opening:%H:%M}")


def missing_details(details: Details, has_topic: bool, language: str) -> list[str]:
    """What to ask for, in ``language`` (nothing once the SME declined)."""
    if details.declined:
        return []
    missing = []
    if not details.company:
        missing.append(say("detail_company", language))
    if not (details.email or details.phone):
        missing.append(say("detail_contact", language))
    if not has_topic:
        missing.append(say("detail_topic", language))
    return missing
