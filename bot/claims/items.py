"""The checks of each cost document of a claim: its category, eligibility, dates, currency, cash
and duplicates (the readings are in ``bot.claims.checks``' docstring)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal

from bot.answers.reimbursement import Expense, categories_named
from bot.claims.cues import (
    CASH_LIMIT,
    CASH_LINE,
    CASH_TEXT,
    CATEGORY_OF_KIND,
    EARLY_CATEGORIES,
    TOLERANT_CATEGORIES,
    TOPICS,
)
from bot.claims.documents import ReadDocument
from bot.claims.findings import (
    CONVERSION_CLAUSE,
    Check,
    CheckStatus,
    CostKey,
    category_clause,
    cost_key,
    is_cost,
    normalised,
    unreadable_check,
)
from bot.claims.statements import statement_lines
from knowledge.catalog import CostCategory, Mission, ReimbursementRule

_TRAVEL_TOLERANCE = dt.timedelta(days=2)
_EARLY_PAYMENT = dt.timedelta(days=90)
_PROOF_WINDOW = dt.timedelta(days=5)


class ItemReviewer:
    """The checks of one document after another, remembering what earlier ones used."""

    def __init__(
        self, mission: Mission, rule: ReimbursementRule, documents: Sequence[ReadDocument],
        earlier: Mapping[CostKey, tuple[str, int]] | None = None,
    ) -> None:  # fmt: skip
        self._mission = mission
        self._earlier = earlier or {}
        """Costs in the conversation's earlier claims: ``(document name, claim id)``."""
        self._rule = rule
        self._documents = documents
        self._categories = {category.name: category for category in rule.categories}
        self._used_proofs: set[int] = set()
        euro_costs = [d for d in documents if is_cost(d) and d.currency == "EUR" and d.amount is not None]
        # A statement's lines are proofs of their own: one line pays one receipt.
        self._proof_documents = [line for d in documents for line in statement_lines(d)]
        self._proofs = [
            (i, d)
            for i, d in enumerate(self._proof_documents)
            if d.kind == "payment_proof" and d.readable != "unreadable" and d.currency == "EUR"
            if d.amount is not None and d.date is not None and not any(_pays(d, cost) for cost in euro_costs)
        ]
        self._seen: dict[CostKey, str] = {}

    def review(self, document: ReadDocument) -> tuple[str | None, list[Check], Expense | None]:
        """The document's category, its checks, and the expense it counts for (``None``: none yet)."""
        if not is_cost(document):
            return None, ([unreadable_check(document)] if document.readable == "unreadable" else []), None
        kind_category = CATEGORY_OF_KIND.get(document.kind)
        category = self._category(document)
        if document.readable == "unreadable":
            return kind_category if kind_category in self._categories else None, [unreadable_check(document)], None
        checks = [
            Check("doubtful_reading", "doubtful", document.name, "", {"problem": problem})
            for problem in document.problems
            if not (problem == "no_date" and document.date is None)
            and not (problem == "no_amount" and document.amount is None)
        ]
        refusal = self._ineligible(document, category)
        if refusal is not None:
            return category, [*checks, refusal], None
        if category is None:
            labels = "; ".join(c.label for c in self._rule.categories)
            return None, [*checks, Check("unknown_category", "doubtful", document.name, labels, {})], None
        if document.amount is None:
            checks.append(Check("doubtful_reading", "doubtful", document.name, "", {"problem": "no_amount"}))
        dates = self._date_check(document, category)
        if dates is not None:
            checks.append(dates)
            if dates.status == "refused":
                return category, checks, None
        key = cost_key(document)
        if key is not None:
            if key in self._seen:
                values = {"other": self._seen[key]}
                checks.append(Check("duplicate", "doubtful", document.name, "", values))
            elif key in self._earlier:
                # Claimed already (a second claim of the same chat): twice paid is the risk, the staff decide.
                other, claim = self._earlier[key]
                checks.append(
                    Check("claimed_before", "doubtful", document.name, "", {"other": other, "claim": str(claim)})
                )
                self._seen[key] = document.name
            else:
                self._seen[key] = document.name
        euros, conversion = self._in_euro(document)
        checks.extend(conversion)
        cash = self._cash(document, category, euros)
        if cash is not None:
            checks.append(cash)
            if cash.status == "refused":
                return category, checks, None
        units = _units(document, self._categories[category])
        if units is None and self._categories[category].cap_per != "trip":
            clause = category_clause(self._categories[category], self._rule)
            checks.append(Check("nights_unknown", "doubtful", document.name, clause, {}))
        counted = euros is not None and all(check.status == "ok" for check in checks)
        nightly = self._categories[category].cap_per == "night"
        maximum = self._categories[category].max_units
        if not counted and nightly and units is not None and maximum is not None and units > maximum:
            # Counted, the estimate says how many nights it takes (``over_nights``); left out, the SME
            # still hears the cap now, not once the staff have converted the amount.
            clause = category_clause(self._categories[category], self._rule)
            values = {"units": str(units), "counted": str(maximum)}
            checks.append(Check("nights_over_max", "doubtful", document.name, clause, values))
        if not counted or euros is None:
            return category, checks, None
        return category, checks, Expense(category, euros, units, document.name)

    def _category(self, document: ReadDocument) -> str | None:
        by_kind = CATEGORY_OF_KIND.get(document.kind)
        if by_kind in self._categories:
            return by_kind
        named = categories_named(f"{document.supplier or ''} {document.text}", self._rule)
        return named[0].name if named else None

    def _ineligible(self, document: ReadDocument, category: str | None) -> Check | None:
        text = normalised(f"{document.supplier or ''}\n{document.text}")
        for topic in TOPICS:
            if document.kind not in topic.kinds or not topic.text.search(text):
                continue
            line = next((line for line in self._rule.ineligible_costs if topic.line.search(normalised(line))), None)
            if line is None:
                continue
            partial = topic.partial_on_hotel_bill and category == "accommodation"
            status: CheckStatus = "doubtful" if partial or topic.doubtful else "refused"
            values = {"topic": topic.name, "partial": "yes" if partial else "no"}
            return Check("not_eligible", status, document.name, line, values)
        return None

    def _date_check(self, document: ReadDocument, category: str) -> Check | None:
        mission = self._mission
        start, end = mission.starts, mission.ends
        if category in TOLERANT_CATEGORIES:
            start, end = start - _TRAVEL_TOLERANCE, end + _TRAVEL_TOLERANCE
        elif category in EARLY_CATEGORIES:
            start = start - _EARLY_PAYMENT
            if mission.registration_opens is not None:
                start = min(start, mission.registration_opens)
        clause = f"starts: {mission.starts.isoformat()}, ends: {mission.ends.isoformat()}"
        values = {"starts": mission.starts.isoformat(), "ends": mission.ends.isoformat(),
                  "earliest": start.isoformat(), "latest": end.isoformat()}  # fmt: skip
        if document.date is None:
            return Check("outside_dates", "doubtful", document.name, clause, values)
        last = document.end_date or document.date
        if start <= document.date and last <= end:
            return None
        return Check("outside_dates", "refused", document.name, clause, {**values, "date": document.date.isoformat()})

    def _in_euro(self, document: ReadDocument) -> tuple[Decimal | None, list[Check]]:
        if document.amount is None:
            return None, []
        if document.currency == "EUR":
            return document.amount, []
        if document.currency is None:
            return None, [Check("doubtful_reading", "doubtful", document.name, "", {"problem": "no_currency"})]
        values = {"amount": str(document.amount), "currency": document.currency}
        proof = self._proof_for(document)
        if proof is None or proof.amount is None:
            return None, [Check("currency_unconverted", "doubtful", document.name, CONVERSION_CLAUSE, values)]
        values |= {"eur": str(proof.amount), "proof": proof.name}
        return proof.amount, [Check("currency_converted", "ok", document.name, CONVERSION_CLAUSE, values)]

    def _proof_for(self, document: ReadDocument) -> ReadDocument | None:
        if document.date is None or document.currency is None:
            return None
        day, currency = document.date, document.currency.casefold()
        # The line that names the receipt's own foreign amount ("JPY 165.000") is its payment.
        figure = (
            str(int(document.amount))
            if document.amount is not None and document.amount == int(document.amount)
            else None
        )
        candidates = [
            (
                figure is None or figure not in re.sub(r"\D", "", proof.text),
                currency not in proof.text.casefold(),
                abs((proof.date - day).days),
                i,
            )
            for i, proof in self._proofs
            if i not in self._used_proofs and proof.date is not None and abs(proof.date - day) <= _PROOF_WINDOW
        ]
        if not candidates:
            return None
        chosen = min(candidates)[-1]
        self._used_proofs.add(chosen)
        return self._proof_documents[chosen]

    def _cash(self, document: ReadDocument, category: str, euros: Decimal | None) -> Check | None:
        if not CASH_TEXT.search(normalised(document.text)):
            return None
        line = next((line for line in self._rule.ineligible_costs if CASH_LINE.search(normalised(line))), None)
        if line is None:
            return None
        limit = CASH_LIMIT.search(normalised(line))
        if category == "local_transport" and limit is not None:
            if euros is None:
                return Check("not_eligible", "doubtful", document.name, line, {"topic": "cash", "partial": "no"})
            if euros <= Decimal(limit.group(1)):
                return None
        return Check("not_eligible", "refused", document.name, line, {"topic": "cash", "partial": "no"})


def _pays(proof: ReadDocument, cost: ReadDocument) -> bool:
    """A euro proof of the same amount within days of a euro receipt is that receipt's payment."""
    if proof.amount != cost.amount or proof.date is None or cost.date is None:
        return False
    return abs(proof.date - cost.date) <= _PROOF_WINDOW


def _units(document: ReadDocument, category: CostCategory) -> int | None:
    if category.cap_per == "trip":
        return None
    if category.cap_per == "night":
        if document.nights is not None:
            return document.nights
        if document.date is not None and document.end_date is not None:
            return (document.end_date - document.date).days or None
        return None
    if document.date is not None:
        return (document.end_date - document.date).days + 1 if document.end_date else 1
    return None
