"""What the claims' store hands out: a claim, and a file without its bytes (``bot.claims.store``
builds them from the tables; the desk, the console and the channels read them)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from bot.claims.documents import ReadDocument

ClaimStatus = Literal["open", "submitted", "resolved"]
Decision = Literal["accepted", "rejected"]


@dataclass(frozen=True)
class StoredClaim:
    """A claim, as the desk sees it."""

    id: int
    conversation_id: int
    number: int
    """The conversation's first claim is 1; a file sent after the staff closed one opens the next."""
    mission_id: str | None
    status: ClaimStatus
    submitted_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime
    resolved_by: str | None
    outcome_note: str | None


@dataclass(frozen=True)
class StoredClaimFile:
    """A stored file without its bytes; ``reading`` is ``None`` until it has been read."""

    id: int
    conversation_id: int
    claim_id: int
    channel: str
    name: str
    media_type: str
    size: int
    sha256: str
    uploaded_at: dt.datetime
    reading: ReadDocument | None
    read_at: dt.datetime | None
    correction: dict[str, Any] | None
    """The staff's corrections (``date``, ``amount``, ``currency``, ``kind``, ``nights``) as values."""
    corrected_by: str | None
    decision: Decision | None
    decided_by: str | None
    decided_at: dt.datetime | None
