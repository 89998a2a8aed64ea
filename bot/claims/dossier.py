"""What the claim desk hands out: its message to the SME with the buttons under it (``Told``),
and everything the staff look at for one claim (``Dossier``)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.claims.checks import ClaimReview
from bot.claims.stored import StoredClaim, StoredClaimFile
from bot.conversation.records import StoredConversation, StoredEscalation
from knowledge.catalog import Mission, ReimbursementRule


@dataclass(frozen=True)
class Told:
    """A message the desk stored for the SME, and what the channel offers under it."""

    message_id: int
    text: str
    language: str
    actions: tuple[str, ...] = ()
    """Buttons: ``check`` (review the claim now), ``submit`` (send it to the staff)."""
    missions: tuple[tuple[str, str], ...] = ()
    """When the desk asks which mission: ``(entry id, title)`` choices."""
    claim_id: int | None = None
    """The claim the buttons act on: a "send" or a mission pressed under an older claim's message
    is refused once a later claim is open."""


@dataclass(frozen=True)
class Dossier:
    """Everything the staff look at for one claim."""

    claim: StoredClaim
    conversation: StoredConversation
    files: list[StoredClaimFile]
    mission: Mission | None
    rule: ReimbursementRule | None
    candidates: list[Mission]
    review: ClaimReview | None
    """``None`` until the mission is known (and while files are still being read)."""
    escalation: StoredEscalation | None
    unread: int = 0
    """Files still being read."""
    others: tuple[StoredClaim, ...] = ()
    """The conversation's other claims (an SME claims again for a later mission), first to latest."""
