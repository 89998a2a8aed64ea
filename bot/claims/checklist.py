"""What the SME is told about a reviewed claim: complete or not, one line per point to fix, and
an estimate the staff will confirm.

The wording is built from the checks' figures and clauses, never from a document's text: a
receipt's words reach the SME at most as its (cleaned) file name. No line promises payment.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from bot.claims.checks import Check, ClaimItem, ClaimReview
from bot.conversation.phrases import say
from knowledge.catalog_text import format_amount, format_date

MESSAGE_LIMIT = 2500
"""Characters at most: a chat message the SME reads through, not a report (about 15 points;
Telegram takes 4,096)."""
_NAME_LIMIT = 60
_UNSAFE = re.compile(r"[\x00-\x1f\x7f«»\"<>]+")
_ORDER = {"missing": 0, "refused": 1, "doubtful": 2, "ok": 3}
_SME_ACTS = frozenset({"unreadable", "claimed_before", "duplicate", "doubtful_reading", "outside_dates"})
"""Doubts the SME can settle (send another file, say which receipt): before those the staff settle
(a conversion, a cap), so that the points a long checklist leaves out are the staff's."""
_PROBLEMS = frozenset({"several_totals", "no_amount", "no_currency", "no_date"})


def claim_message(review: ClaimReview, language: str) -> str:
    """The SME's reply, plain text with ``- `` lines, at most ``MESSAGE_LIMIT`` characters."""
    lang = language if language in ("it", "en", "fr") else "it"
    late = next((c for c in review.checks if c.code == "late_claim"), None)
    head: list[str] = []
    if late is not None:
        head.append(say("claim_late", lang, **_dates(late.values, lang), days=late.values["days"]))
    intro = "claim_intro_complete" if review.complete or _only_late(review) else "claim_intro_incomplete"
    head.append(say(intro, lang))
    points = [
        line
        for check in sorted(review.checks, key=lambda c: (_ORDER[c.status], c.code not in _SME_ACTS))
        if (line := _point(check, lang)) is not None
    ]
    tail = [] if late is not None else _estimate(review, lang)
    tail.append(say("claim_closing", lang))
    return _fitted(head, points, tail, lang)


def _point(check: Check, lang: str) -> str | None:
    """One ``- `` line for a check the SME should know about; ``None`` for what is fine."""
    document = _shown(check.document)
    values = check.values
    code = check.code
    if code == "document_missing":
        if "leg" in values:
            leg = say(f"claim_leg_{values['leg']}", lang)
            return say("claim_missing_leg", lang, leg=leg, clause=check.clause)
        return say("claim_missing", lang, clause=check.clause)
    if code == "document_to_check":
        return say("claim_to_check", lang, clause=check.clause)
    if code == "document_too_old":
        return say("claim_too_old", lang, document=document, date=_day(values["date"], lang), clause=check.clause)
    if code == "unreadable":
        return say("claim_unusable" if values.get("refused") == "true" else "claim_unreadable", lang, document=document)
    if code == "doubtful_reading":
        problem = values.get("problem", "")
        problem_text = say(f"claim_problem_{problem if problem in _PROBLEMS else 'other'}", lang)
        return say("claim_doubtful_reading", lang, document=document, problem=problem_text)
    if code == "outside_dates":
        key = "claim_no_date" if check.status == "doubtful" else "claim_outside_dates"
        return say(key, lang, document=document, **_dates(values, lang))
    if code == "not_eligible":
        if check.status == "refused":
            key = "claim_not_eligible"
        else:
            key = "claim_partly_not_eligible" if values.get("partial") == "yes" else "claim_maybe_not_eligible"
        return say(key, lang, document=document, clause=check.clause)
    if code == "unknown_category":
        return say("claim_unknown_category", lang, document=document)
    if code == "nights_over_max":
        return say("claim_nights_over_max", lang, document=document, units=values["units"],
                   counted=values["counted"], clause=check.clause)  # fmt: skip
    if code == "nights_unknown":
        return say("claim_nights_unknown", lang, document=document, clause=check.clause)
    if code == "over_nights":
        subject = say("claim_quoted", lang, text=document) if check.document else say("claim_accommodation", lang)
        eligible, claimed = _euro(values["eligible"], lang), _euro(values["claimed"], lang)
        return say("claim_over_nights", lang, subject=subject, units=values["units"], counted=values["counted"],
                   clause=check.clause, eligible=eligible, claimed=claimed)  # fmt: skip
    if code == "currency_unconverted":
        amount = format_amount(Decimal(values["amount"]), values["currency"], lang)
        return say("claim_unconverted", lang, document=document, amount=amount)
    if code == "claimed_before":
        return say("claim_claimed_before", lang, document=document, other=_shown(values["other"]), n=values["claim"])
    if code == "duplicate":
        return say("claim_duplicate", lang, document=document, other=_shown(values["other"]))
    return None  # ok checks, the late claim (said first), caps (said with the estimate)


def _estimate(review: ClaimReview, lang: str) -> list[str]:
    """The estimate paragraph: totals, caps reached, and whether items were left out."""
    if review.eligible_total == 0:
        return [say("claim_no_estimate", lang)]
    text = say("claim_estimate", lang, eligible=_euro(str(review.eligible_total), lang),
               reimbursable=_euro(str(review.reimbursable_total), lang))  # fmt: skip
    if any(item.eligible is None and (item.category is not None or _maybe_cost(item)) for item in review.items):
        text += say("claim_estimate_partial", lang)
    caps = [
        say("claim_rule_cap", lang, cap=_euro(c.values["cap"], lang))
        if c.clause.startswith("cap: ")
        else say("claim_quoted", lang, text=c.clause)
        for c in review.checks
        if c.code == "over_cap"
    ]
    return [text, say("claim_caps", lang, caps="; ".join(caps))] if caps else [text]


def _fitted(head: list[str], points: list[str], tail: list[str], lang: str) -> str:
    """Head, as many points as fit, a line saying how many were left out, and the tail."""
    shown = list(points)
    while True:
        left_out = len(points) - len(shown)
        more = [say("claim_more", lang, n=left_out)] if left_out else []
        text = "\n".join([*head, *shown, *more, "", *tail])
        if len(text) <= MESSAGE_LIMIT or not shown:
            return text
        shown.pop()


def _maybe_cost(item: ClaimItem) -> bool:
    """A file nobody could read may be a receipt: the estimate may be leaving it out."""
    return item.document.kind == "other" and item.document.readable == "unreadable"


def _only_late(review: ClaimReview) -> bool:
    """Complete but for the deadline: the documents are all there."""
    return not any(c.status in ("missing", "doubtful") for c in review.checks)


def _shown(name: str | None) -> str:
    """A file name as the SME sees it: one line, no quotes to break out of, bounded."""
    cleaned = " ".join(_UNSAFE.sub(" ", name or "").split())
    return cleaned if len(cleaned) <= _NAME_LIMIT else cleaned[: _NAME_LIMIT - 1] + "…"


def _dates(values: dict[str, str], lang: str) -> dict[str, str]:
    """Every ISO date among ``values``, written in ``lang``."""
    return {key: _day(value, lang) for key, value in values.items() if _is_date(value)}


def _is_date(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _day(value: str, lang: str) -> str:
    return format_date(dt.date.fromisoformat(value), lang)


def _euro(value: str, lang: str) -> str:
    return format_amount(Decimal(value), "EUR", lang)
