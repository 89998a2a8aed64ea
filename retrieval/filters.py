"""Metadata filters: the rules, in one place.

The keyword index evaluates them over numpy columns (``keyword_index._FilterColumns``)
and the dense search is restricted to the ids that pass. Chroma's own ``where`` clauses
are not used: their cost grows with how many chunks each condition matches (150 ms at
50k chunks), not with how many pass.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

Status = Literal["open", "closed", "upcoming"]
STATUSES: tuple[Status, ...] = ("open", "closed", "upcoming")


@dataclass(frozen=True)
class SearchFilters:
    """Restrict a search by kind, programme, country, language, or open/closed at a date.

    ``status`` keeps only dated items (calls, missions): ``open`` means opened (at
    midnight of the opening day, in the deadline's time zone) and deadline not yet
    passed; ``closed`` means deadline passed; ``upcoming`` means not yet open. ``at``
    defaults to the searcher's clock.
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
