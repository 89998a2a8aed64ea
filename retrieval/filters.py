"""Metadata filters, applied the same way in Chroma (``where``) and to BM25 candidates."""

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

    def chroma_where(self, now: dt.datetime) -> dict[str, Any] | None:
        """The equivalent Chroma ``where`` clause (``None`` when unfiltered)."""
        clauses: list[dict[str, Any]] = []
        if self.kinds:
            clauses.append({"kind": {"$in": list(self.kinds)}})
        if self.programme:
            clauses.append({"programme": self.programme})
        if self.country:
            clauses.append({"countries": {"$contains": self.country.upper()}})
        if self.language:
            clauses.append({"language": self.language})
        if self.status:
            at = self.at or now
            day, ts = day_number(at), int(at.timestamp())
            clauses.append({"deadline_ts": {"$gt": 0}})
            if self.status == "open":
                clauses += [{"opens_day": {"$lte": day}}, {"deadline_ts": {"$gte": ts}}]
            elif self.status == "closed":
                clauses.append({"deadline_ts": {"$lt": ts}})
            else:
                clauses.append({"opens_day": {"$gt": day}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def matches(self, metadata: dict[str, Any], now: dt.datetime) -> bool:
        """Whether a chunk's stored metadata passes (the in-memory twin of ``chroma_where``)."""
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
