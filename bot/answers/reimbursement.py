"""Reimbursement estimates: from the expenses an SME states to the amount a rule pays back.

Reading of the rules (the sample regulation's, and the usual one for EU mission
programmes; written here because a different reading changes the money):

- each category is reimbursed at its own rate, or the rule's rate;
- a category's ``cap`` limits the *reimbursed* amount (per trip, or per night/day
  times the nights/days counted);
- with ``max_units`` (e.g. at most 5 nights), only that share of the expense counts:
  7 nights for 700 € → 500 € eligible;
- the rule's ``cap`` limits the total.

Whatever cannot be computed — a per-night cost without the number of nights, an
expense of no known category — is returned as a question, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from knowledge.catalog import CostCategory, ReimbursementRule
from knowledge.facts import parse_number

# Words people use for the usual categories, by category name; a rule's own labels count too.
_CATEGORY_WORDS: dict[str, tuple[str, ...]] = {
    "travel": ("volo", "voli", "aereo", "biglietto", "treno", "viaggio", "flight", "flights", "plane",
               "airfare", "ticket", "train", "vol", "avion", "billet", "voyage"),
    "accommodation": ("hotel", "albergo", "alloggio", "pernottamento", "pernottamenti", "notti", "notte",
                      "accommodation", "lodging", "nights", "night", "hébergement", "hôtel", "nuits", "nuit"),
    "local_transport": ("taxi", "transfer", "navetta", "metro", "metropolitana", "bus", "uber",
                        "local", "locali", "shuttle", "navette"),
    "event_fees": ("fiera", "stand", "evento", "iscrizione", "fair", "booth", "event", "salon", "exposant"),
    "visa_insurance": ("visto", "assicurazione", "visa", "insurance", "assurance"),
}  # fmt: skip
_UNITS = re.compile(r"(\d+)\s*(notti|notte|nights?|nuits?|giorni|giorno|days?|jours?)\b", re.IGNORECASE)
_AMOUNT = re.compile(r"(\d{1,3}(?:[.,\s]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?)")
_SPLIT = re.compile(r"[;\n]|,\s+(?=\D)|\s+(?:e|and|et|più|plus)\s+", re.IGNORECASE)
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class Expense:
    """One expense the SME stated, matched to a category of the rule."""

    category: str
    amount: Decimal
    units: int | None
    said: str


@dataclass(frozen=True)
class ParsedExpenses:
    """Expenses understood, and the parts of the text that were not."""

    expenses: list[Expense]
    not_understood: list[str]


@dataclass(frozen=True)
class Step:
    """One step of a computation, kept as numbers so each channel can write it in its language."""

    kind: Literal["units_counted", "unit_cap", "rate", "capped"]
    amounts: tuple[Decimal, ...]
    counts: tuple[int, ...] = ()
    rate: Decimal | None = None

    def __str__(self) -> str:
        if self.kind == "units_counted":
            return f"{self.counts[0]}/{self.counts[1]} × {self.amounts[0]} = {self.amounts[1]}"
        if self.kind == "unit_cap":
            return f"cap {self.amounts[0]} × {self.counts[0]} = {self.amounts[1]}"
        if self.kind == "rate":
            return f"{self.amounts[0]} × {self.rate}% = {self.amounts[1]}"
        return f"capped at {self.amounts[0]}"


@dataclass(frozen=True)
class EstimateLine:
    """The computation for one category, in numbers and in words."""

    category: CostCategory
    claimed: Decimal
    eligible: Decimal
    rate: Decimal
    cap: Decimal | None
    reimbursed: Decimal
    steps: list[Step]


@dataclass(frozen=True)
class Estimate:
    """The reimbursement for a set of expenses under one rule, or what is missing to compute it."""

    rule: ReimbursementRule
    lines: list[EstimateLine]
    subtotal: Decimal
    total: Decimal
    rule_cap_applied: bool
    questions: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """True when nothing needs to be asked before the figure can be given."""
        return not self.questions


def parse_expenses(text: str, rule: ReimbursementRule) -> ParsedExpenses:
    """``"volo 1.200 €, hotel 3 notti 450 €"`` → travel 1200, accommodation 450 for 3 nights."""
    expenses: list[Expense] = []
    not_understood: list[str] = []
    for part in (p.strip() for p in _SPLIT.split(text)):
        if not part:
            continue
        units_match = _UNITS.search(part)
        without_units = _UNITS.sub(" ", part)
        amounts = [parse_number(m.group(1)) for m in _AMOUNT.finditer(without_units)]
        amount = next((a for a in reversed(amounts) if a is not None), None)
        category = _category_of(part, rule)
        if amount is None or category is None:
            not_understood.append(part)
            continue
        units = int(units_match.group(1)) if units_match else None
        expenses.append(Expense(category.name, amount, units, part))
    return ParsedExpenses(expenses, not_understood)


def estimate_reimbursement(rule: ReimbursementRule, expenses: list[Expense]) -> Estimate:
    """Apply ``rule`` to ``expenses`` (see the module docstring for the reading of caps)."""
    by_name = {category.name: category for category in rule.categories}
    lines: list[EstimateLine] = []
    questions: list[str] = []
    for name, items in _grouped(expenses).items():
        category = by_name[name]
        claimed = sum((e.amount for e in items), Decimal(0))
        units = _units(items)
        rate = category.rate if category.rate is not None else rule.rate
        steps: list[Step] = []
        eligible = claimed
        cap = category.cap
        if category.cap_per != "trip":
            if units is None:
                questions.append(f"units:{category.name}")
                continue
            counted = min(units, category.max_units) if category.max_units else units
            if counted < units:
                eligible = (claimed * counted / units).quantize(_CENT, ROUND_HALF_UP)
                steps.append(Step("units_counted", (claimed, eligible), (counted, units)))
            if cap is not None:
                steps.append(Step("unit_cap", (cap, cap * counted), (counted,)))
                cap = cap * counted
        reimbursed = (eligible * rate / 100).quantize(_CENT, ROUND_HALF_UP)
        steps.append(Step("rate", (eligible, reimbursed), rate=rate))
        if cap is not None and reimbursed > cap:
            steps.append(Step("capped", (cap,)))
            reimbursed = cap
        lines.append(EstimateLine(category, claimed, eligible, rate, cap, reimbursed, steps))
    subtotal = sum((line.reimbursed for line in lines), Decimal(0))
    total = min(subtotal, rule.cap) if rule.cap is not None else subtotal
    return Estimate(rule, lines, subtotal, total, total < subtotal, questions)


def categories_named(text: str, rule: ReimbursementRule) -> list[CostCategory]:
    """The rule's categories the text speaks of ("il volo e l'hotel"), best match first."""
    words = set(re.findall(r"[^\W\d_]+", text.casefold()))
    scored: list[tuple[int, int, CostCategory]] = []
    for position, category in enumerate(rule.categories):
        vocabulary = set(_CATEGORY_WORDS.get(category.name, ())) | {category.name}
        vocabulary |= {w for w in re.findall(r"[^\W\d_]+", category.label.casefold()) if len(w) > 3}
        score = len(words & vocabulary)
        if score:
            scored.append((-score, position, category))
    return [category for _, _, category in sorted(scored, key=lambda item: item[:2])]


def _category_of(text: str, rule: ReimbursementRule) -> CostCategory | None:
    named = categories_named(text, rule)
    return named[0] if named else None


def _grouped(expenses: list[Expense]) -> dict[str, list[Expense]]:
    groups: dict[str, list[Expense]] = {}
    for expense in expenses:
        groups.setdefault(expense.category, []).append(expense)
    return groups


def _units(items: list[Expense]) -> int | None:
    known = [e.units for e in items if e.units is not None]
    return sum(known) if known and len(known) == len(items) else None
