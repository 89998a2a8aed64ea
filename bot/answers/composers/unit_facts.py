"""What a quotable unit states: the kinds of fact it carries, a count of what is asked, a date
of the year asked, and whether it answers one part of a question.

Shared by the extractive composer's scoring (``extractive._Scorer``) and its picking of the
lines that answer each part; kept apart so each rule is written once.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.answers.composers.asked import FactKind
from bot.answers.composers.source_lines import Unit
from retrieval.text_analysis import query_terms

FACT_PREFIX: dict[FactKind, tuple[str, ...]] = {
    "date": ("date:", "md:"),  # "30 November" has no year but is a date
    "money": ("money:",), "pct": ("pct:",), "num": ("num:",), "time": ("time:",),
}  # fmt: skip
HARD_KINDS: tuple[FactKind, ...] = ("date", "money", "pct", "time")
"""Kinds whose absence from an answer means the documents do not state what was asked."""
SIGNAL_BONUS: dict[FactKind, float] = {"contact": 1.2, "procedure": 0.8, "documents": 0.8, "eligibility": 0.6}


_COUNT = re.compile(r"\b(\d+(?:[.,]\d+)?)\s+(?=((?:[\w'’-]+\s+){0,2}[\w'’-]+))")
"""A number and the words after it (a lookahead, so "7 ou 9 ans" yields "9 ans" too)."""
_DURATION_UNIT = re.compile(
    r"^(minut\w*|or[ae]|hours?|heures?|giorn\w*|days?|jours?|settiman\w*|weeks?|semaines?|mes[ei]|months?|mois|"
    r"ann[oi]|years?|ans|années?)\b",
    re.I,
)


def counts(unit: Unit, terms: set[str], duration: bool) -> bool:
    """A number counting what the question asks about ("fino a 8 incontri B2B", "45 minuti")."""
    for match in _COUNT.finditer(unit.text):
        following = match.group(2)
        if duration and _DURATION_UNIT.match(following):
            return True
        if set(query_terms(following, expand=False)) & terms:
            return True
    return False


_AMOUNT_WORDS = re.compile(
    r"\d[\d.,]*\s*(€|eur\b|euro|md€|m€|k€|mld|mln|milliard|miliard|million|milion|billion)|(€|\beur)\s*\d",
    re.IGNORECASE,
)
"""Amounts the fact parser leaves as plain numbers ("10,1 Md€", "53,5 milliards d'euros")."""


def carries(unit: Unit, kind: FactKind) -> bool:
    prefixes = FACT_PREFIX.get(kind)
    return prefixes is not None and any(f.startswith(prefixes) for f in unit.facts)


def states(unit: Unit, kind: FactKind) -> bool:
    """The unit states a fact of this kind, in a form the fact parser knows or as an amount in words."""
    return carries(unit, kind) or (kind == "money" and bool(_AMOUNT_WORDS.search(unit.text)))


YEAR = re.compile(r"\b(?:19|20)\d\d\b")


def dated_otherwise(unit: Unit, years: Sequence[str]) -> bool:
    """The unit's dates all fall in other years than the ones named (none named: never)."""
    dated = [f[5:9] for f in unit.facts if f.startswith("date:")]
    return bool(years and dated) and not set(dated) & set(years)


def answers(unit: Unit, kinds: frozenset[FactKind], part_terms: set[str], years: Sequence[str] = ()) -> bool:
    """The unit carries one of the kinds of fact asked for (a count: of what the part asks about,
    ``part_terms`` being its own words' stems; a date: of the ``years`` the part names, if any)."""
    if "date" in kinds and dated_otherwise(unit, years):
        return False  # "the deadline of the 2021 call" is not the 2025 call's deadline
    hard = [k for k in kinds if k in FACT_PREFIX and k != "num"]
    if any(carries(unit, k) for k in hard):
        return True
    if "num" in kinds:
        return counts(unit, part_terms, "duration" in kinds)
    if hard:
        return False
    soft = [k for k in kinds if k in SIGNAL_BONUS]
    return any(k in unit.signals for k in soft)
