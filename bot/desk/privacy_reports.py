"""What erasure and retention report: rows removed (or anonymised) per kind."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Literal

PurgeMode = Literal["delete", "anonymise"]


@dataclass(frozen=True)
class Removed:
    """Rows removed (or, when anonymising, made anonymous) per kind."""

    contacts: int = 0
    conversations: int = 0
    messages: int = 0
    escalations: int = 0
    notes: int = 0
    feedback: int = 0
    unanswered: int = 0
    outbox: int = 0
    subscriptions: int = 0
    alerts: int = 0
    faqs: int = 0
    claims: int = 0
    claim_files: int = 0

    @property
    def total(self) -> int:
        """All rows touched."""
        return sum(getattr(self, f.name) for f in fields(self))

    def plus(self, other: Removed) -> Removed:
        """Both counts added."""
        return Removed(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)})

    def __str__(self) -> str:
        counts = [f"{getattr(self, f.name)} {f.name}" for f in fields(self) if getattr(self, f.name)]
        return ", ".join(counts) or "nothing"


@dataclass(frozen=True)
class ErasureReport:
    """What erasing one contact removed (``found`` is false for an unknown or already erased contact)."""

    contact_id: int
    found: bool
    removed: Removed

    def __str__(self) -> str:
        return f"removed {self.removed}" if self.found else f"no contact {self.contact_id} (already erased?)"


@dataclass(frozen=True)
class PurgeReport:
    """What a retention run did: rows deleted, or made anonymous, and contacts deleted."""

    mode: PurgeMode
    cutoff: dt.datetime
    conversations: Removed
    """The old conversations and what hangs from them (deleted, or anonymised in place)."""
    contacts: Removed
    """Contacts left without conversations, deleted with their outbox rows and alert log."""
    alerts_sent: int
    """Delivered (or undeliverable) alerts older than the cutoff, removed from the outbox."""

    def __str__(self) -> str:
        done = "deleted" if self.mode == "delete" else "anonymised"
        cutoff = self.cutoff.astimezone(dt.UTC)
        return (
            f"conversations last written before {cutoff:%Y-%m-%d %H:%M} UTC {done}: {self.conversations}; "
            f"contacts left without conversations deleted: {self.contacts}; sent alerts deleted: {self.alerts_sent}"
        )
