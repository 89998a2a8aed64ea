"""Metadata filters: the rules, in one place.

``SearchFilters.matches`` is the reference; the keyword index evaluates the same rules
over numpy columns (``keyword_index._FilterColumns``) and the dense search is restricted
to the ids that pass. Chroma's own ``where`` clauses are not used: their cost grows with
how many chunks each condition matches (150 ms at 50k chunks), not with how many pass.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

Status = Literal["open", "closed", "upcoming"]
STATUSES: tuple[Status, ...] = ("open", "closed", "upcoming")


@dataclass(frozen=True)
class SearchFilters:
    """Restrict a search by kind, programme, country, language, or open/closed at a date.

    ``status`` keeps only dated items (calls, missions): ``open`` means opened on or
    before ``at`` and deadline not yet passed; ``closed`` means deadline passed;
    ``upcoming`` means not yet open. ``at`` defaults to the searcher's clock.
    """

    kinds: tuple[str, ...] = ()
    programme: str | None = None
    country: str | None = None
    language: str | None = None
    status: Status | None = None
    at: dt.datetime | None = None

    @property
    def empty(self) -> bool:
        """No restriction at all."""
        return not (self.kinds or self.programme or self.country or self.language or self.status)

    def matches(self, metadata: dict[str, Any], now: dt.datetime) -> bool:
        """Whether a chunk with this stored metadata passes."""
        if self.kinds and metadata.get("kind") not in self.kinds:
            return False
        if self.programme and metadata.get("programme") != self.programme:
            return False
        if self.country and self.country.upper() not in (metadata.get("countries") or ()):
            return False
        if self.language and metadata.get("language") != self.language:
            return False
        if self.status:
            at = self.at or now
            deadline_ts = int(metadata.get("deadline_ts", 0))
            opens_day = int(metadata.get("opens_day", 0))
            if deadline_ts <= 0:
                return False
            if self.status == "open":
                return opens_day <= day_number(at) and deadline_ts >= int(at.timestamp())
            if self.status == "closed":
                return deadline_ts < int(at.timestamp())
            return opens_day > day_number(at)
        return True


def day_number(value: dt.date) -> int:
    """``2027-03-15`` → ``20270315``: comparable as an integer in Chroma."""
    return value.year * 10000 + value.month * 100 + value.day
