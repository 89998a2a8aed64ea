"""The desk's words about a claim that are not phrases alone: what one file was read as, and the
escalation's one line for the staff's queue."""

from __future__ import annotations

from bot.claims.checks import ClaimReview
from bot.claims.documents import ReadDocument
from bot.claims.stored import StoredClaim
from bot.conversation.phrases import say
from knowledge.catalog import Mission
from knowledge.catalog_text import format_amount, format_date


def file_message(document: ReadDocument, language: str, max_file_mb: int, *, next_step: bool = True) -> str:
    """What the SME is told about one file: what it was read as, or why it could not be; with
    ``next_step``, what to press once every file is sent (said under a claim's first file only:
    repeated under each of twenty receipts, it is noise)."""
    name = _shown_name(document.name)
    refusal = document.refusal
    if refusal is not None:
        reason = _reason(refusal, language)
        return say("claim_file_refused", language, name=name, reason=reason, mb=max_file_mb)
    if document.readable == "unreadable":
        problem = document.problems[0] if document.problems else "other"
        return say("claim_file_unreadable", language, name=name, reason=_reason(problem, language))
    details = [say(f"claim_kind_{document.kind}", language)]
    if document.date is not None:
        # Italian elides before a vowel sound ("dell'8", "dell'11 giugno") and writes the first of a
        # month as an ordinal ("del 1º luglio").
        shown = format_date(document.date, language)
        if language == "it" and document.date.day == 1:
            shown = "1º" + shown[1:]
        dated = "claim_file_dated_elided" if document.date.day in (8, 11) else "claim_file_dated"
        details[0] += " " + say(dated, language, date=shown)
    if document.amount is not None:
        details.append(format_amount(document.amount, document.currency or "EUR", language))
    if document.supplier:
        details.append(_shown_name(document.supplier).rstrip(". "))  # the message's own full stop follows
    check = say("claim_button_check", language)
    read = say("claim_file_read", language, name=name, details=", ".join(details))
    return f"{read} {say('claim_next_step', language, check=check)}" if next_step else read


def _reason(code: str, language: str) -> str:
    key = f"claim_reason_{code}"
    try:
        return say(key, language)
    except KeyError:
        return say("claim_reason_other", language)


def _shown_name(value: str) -> str:
    """A name from a file, short and without the quotes and controls the messages use."""
    cleaned = "".join(c for c in value if c.isprintable() and c not in '«»"<>')
    return cleaned[:60] + ("…" if len(cleaned) > 60 else "")


def staff_summary(claim: StoredClaim, files: int, mission: Mission | None, review: ClaimReview | None) -> str:
    """The escalation's one line for the queue (the dossier has the rest)."""
    parts = [f"Pratica di rimborso #{claim.id}", f"{files} file"]
    if mission is not None:
        parts.append(mission.title)
    if review is not None:
        state = "completa" if review.complete else "da completare"
        parts.append(f"{state}, stima {format_amount(review.reimbursable_total, 'EUR', 'it')}")
    return " — ".join(parts)
