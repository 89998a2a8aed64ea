"""What the checks of a claim find: one ``Check`` per point, each with the clause it rests on,
and the small predicates the checks share (``bot.claims.checks``, ``bot.claims.items``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from bot.claims.cues import COST_KINDS
from bot.claims.documents import ReadDocument
from knowledge.catalog import CostCategory, ReimbursementRule
from knowledge.catalog_text import category_text

CheckStatus = Literal["ok", "missing", "doubtful", "refused"]
CONVERSION_CLAUSE = (
    "Le spese in valuta estera sono convertite in euro al tasso applicato dalla banca risultante dall'estratto "
    "conto o, in mancanza, al tasso di cambio della Banca centrale europea del giorno del pagamento."
)
"""The sample regulation's art. 3.3; the catalog's records do not hold it."""


@dataclass(frozen=True)
class Check:
    """One finding about a claim, with the clause it rests on and the figures to word it."""

    code: str
    status: CheckStatus
    document: str | None
    clause: str
    values: dict[str, str]


def category_clause(category: CostCategory, rule: ReimbursementRule) -> str:
    """The category as the rule states it, with its cap: quotable to the SME and the staff."""
    return category_text(category, rule, rule.language)


CostKey = tuple[str, dt.date | None, Decimal, str | None]
"""What makes two documents the same cost: kind, date, amount and currency."""


def cost_key(document: ReadDocument) -> CostKey | None:
    """The document's ``CostKey`` (``None`` without an amount: nothing to count twice)."""
    if document.amount is None:
        return None
    return (document.kind, document.date, document.amount, document.currency)


def unreadable_check(document: ReadDocument) -> Check:
    """A file nobody could read yet: the staff read it; or one the reader refused (not a document,
    damaged, a bomb), which the SME was told it cannot be used."""
    refused = "true" if document.refusal is not None else "false"
    return Check("unreadable", "doubtful", document.name, "", {"kind": document.kind, "refused": refused})


def is_other_cost(document: ReadDocument) -> bool:
    """A document of no known kind that shows an amount: maybe a cost, the staff decide."""
    return document.kind == "other" and document.amount is not None


def is_cost(document: ReadDocument) -> bool:
    """A document that asks for money back."""
    return document.kind in COST_KINDS or is_other_cost(document)


def normalised(text: str) -> str:
    """Text folded for matching cue words."""
    return text.casefold().replace("’", "'").replace("`", "'")
