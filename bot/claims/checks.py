"""Checking a reimbursement claim against the mission's rule, before the staff look at it.

Every check rests on a clause of the rule (a required document's line, a category with its
cap, an ineligible-costs line, the claim deadline) or on the mission's dates, and says so, so
the SME can see why and the staff can verify. The arithmetic is ``estimate_reimbursement``'s;
this module only decides which documents count and for how much. The documents' text is data:
it is matched against word lists, never followed.

Readings of what the rule leaves open (written here because a different reading changes the
money or the advice):

- Required documents: each line of ``required_documents`` is matched, by multilingual cue
  words, to the document kinds that satisfy it. A line no cue recognises is left to the staff
  ("doubtful"), never called missing. "Carte d'imbarco di andata e ritorno" wants both legs:
  a boarding pass dated in the first half of the mission is the outward one, one dated later
  (or with an ``end_date`` later) the return one; undated passes fill whichever leg is left.
  "Fatture o ricevute" is met by any cost document; "prove di pagamento" by one payment proof
  (whether each receipt has its own proof is for the staff). An unreadable file counts for
  the kind it was given; one of kind "other" may be the missing document: the staff read it.
  A line saying "non anteriore a N mesi" makes an older document of that kind doubtful.
- Category: a hotel bill is accommodation, a ticket travel, a local-transport receipt local
  transport, a registration fee event fees; an invoice (or an "other" document with an
  amount) takes the category its words name (``categories_named``), else the staff decide.
- Ineligible costs: topics (meals, hotel extras, business class, car rental, the mission's
  participation fee, cancellation penalties, cash) are recognised on the document's text and
  refused with the rule's own line, only when the rule has such a line. Where the rule itself
  allows exceptions (penalties for force majeure) or where the cost is only part of a bill
  (minibar or a restaurant on a hotel bill), the item is doubtful and left out of the
  estimate until the staff decide. Cash is refused except for local transport up to the
  amount the line names ("fino a 50 euro"). Costs a receipt cannot show (recoverable VAT, a
  second participant) are the staff's.
- Dates: ``ReadDocument.date`` is the day of the expense (the flight's, the first night's).
  Travel, local transport and accommodation may fall 2 days before the start or after the
  end (long-haul flights, the night before); event fees and visa or insurance may be paid
  from ``registration_opens`` or 90 days before the start, whichever is earlier; any other
  cost within the mission's days. An unreadable date is doubtful, not refused.
- Nights: the rule's ``max_units`` limits the nights counted over all hotel bills together,
  as ``estimate_reimbursement`` reads it: 7 nights for 840 € count 5/7 of it (600 €), and the
  per-night cap limits the *reimbursed* amount (5 × 100 €), as the regulation says. Which
  nights count is the staff's call, hence a doubtful line.
- Currency: euro as is. A foreign amount takes the euro amount of a payment proof dated
  within 5 days of it, preferring proofs that name the currency, each proof used once and
  never one that pays a euro receipt of the same amount. Otherwise the staff convert it (the
  bank's rate on the statement or, failing that, the ECB rate of the payment day) and it
  stays out of the estimate until then.
- Duplicates: a second document of the same kind, date, amount and currency is doubtful
  and counted once.
- Deadline: a claim sent after ``ends + claim_deadline_days`` is refused as a whole; the
  totals are then zero (the items still show what each would count).
- Totals: only items with no refusal and nothing doubtful about their amount count; per
  item, ``eligible`` and ``reimbursable`` are its share of its category's line (before the
  rule's overall cap). A refused item counts 0; an item awaiting the staff, ``None``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from bot.answers.reimbursement import Estimate, Expense, categories_named, estimate_reimbursement
from bot.claims.cues import (
    BOTH_LEGS,
    CASH_LIMIT,
    CASH_LINE,
    CASH_TEXT,
    CATEGORY_OF_KIND,
    COST_KINDS,
    EARLY_CATEGORIES,
    MAX_AGE,
    REQUIREMENTS,
    TOLERANT_CATEGORIES,
    TOPICS,
)
from bot.claims.documents import ReadDocument
from bot.claims.statements import statement_lines
from knowledge.catalog import CostCategory, Mission, ReimbursementRule
from knowledge.catalog_text import category_text

CheckStatus = Literal["ok", "missing", "doubtful", "refused"]
CONVERSION_CLAUSE = (
    "Le spese in valuta estera sono convertite in euro al tasso applicato dalla banca risultante dall'estratto "
    "conto o, in mancanza, al tasso di cambio della Banca centrale europea del giorno del pagamento."
)
"""The sample regulation's art. 3.3; the catalog's records do not hold it."""

_CENT = Decimal("0.01")
_TRAVEL_TOLERANCE = dt.timedelta(days=2)
_EARLY_PAYMENT = dt.timedelta(days=90)
_PROOF_WINDOW = dt.timedelta(days=5)


@dataclass(frozen=True)
class Check:
    """One finding about a claim, with the clause it rests on and the figures to word it."""

    code: str
    status: CheckStatus
    document: str | None
    clause: str
    values: dict[str, str]


@dataclass(frozen=True)
class ClaimItem:
    """One document of the claim: its category and what it counts for (``None``: not yet known)."""

    document: ReadDocument
    category: str | None
    eligible: Decimal | None
    reimbursable: Decimal | None


@dataclass(frozen=True)
class ClaimReview:
    """A claim checked against its rule: per document, the findings, and the estimate."""

    mission_id: str
    rule_id: str
    items: tuple[ClaimItem, ...]
    checks: tuple[Check, ...]
    eligible_total: Decimal
    reimbursable_total: Decimal
    currency: str
    complete: bool


def review_claim(
    mission: Mission, rule: ReimbursementRule, documents: Sequence[ReadDocument], *, submitted_on: dt.date
) -> ClaimReview:
    """Check ``documents`` against ``rule`` for ``mission`` (readings in the module docstring)."""
    if mission.reimbursement_rule is not None and mission.reimbursement_rule != rule.id:
        raise ValueError(f"mission {mission.id} is reimbursed under {mission.reimbursement_rule}, not {rule.id}")
    checks: list[Check] = []
    late = _late_check(mission, rule, submitted_on)
    if late is not None:
        checks.append(late)
    checks.extend(_required_checks(mission, rule, documents, submitted_on))
    reviewer = _ItemReviewer(mission, rule, documents)
    categories: list[str | None] = []
    counted: dict[int, Expense] = {}
    refused: set[int] = set()
    for index, document in enumerate(documents):
        category, item_checks, expense = reviewer.review(document)
        categories.append(category)
        checks.extend(item_checks)
        if expense is not None:
            counted[index] = expense
        if any(check.status == "refused" for check in item_checks):
            refused.add(index)
    estimate = estimate_reimbursement(rule, list(counted.values()))
    lines = {line.category.name: line for line in estimate.lines}
    checks.extend(_estimate_checks(rule, estimate, documents, counted))
    items: list[ClaimItem] = []
    for index, document in enumerate(documents):
        eligible = reimbursable = None
        if index in refused:
            eligible = reimbursable = Decimal(0)
        elif index in counted:
            line = lines[counted[index].category]
            share = counted[index].amount / line.claimed if line.claimed else Decimal(0)
            eligible = (line.eligible * share).quantize(_CENT, ROUND_HALF_UP)
            reimbursable = (line.reimbursed * share).quantize(_CENT, ROUND_HALF_UP)
        items.append(ClaimItem(document, categories[index], eligible, reimbursable))
    eligible_total = sum((line.eligible for line in estimate.lines), Decimal(0))
    reimbursable_total = estimate.total
    if late is not None:
        eligible_total = reimbursable_total = Decimal(0)
    complete = late is None and not any(check.status in ("missing", "doubtful") for check in checks)
    return ClaimReview(
        mission.id, rule.id, tuple(items), tuple(checks), eligible_total, reimbursable_total, "EUR", complete
    )


def category_clause(category: CostCategory, rule: ReimbursementRule) -> str:
    """The category as the rule states it, with its cap: quotable to the SME and the staff."""
    return category_text(category, rule, rule.language)


def _late_check(mission: Mission, rule: ReimbursementRule, submitted_on: dt.date) -> Check | None:
    if rule.claim_deadline_days is None:
        return None
    due = mission.ends + dt.timedelta(days=rule.claim_deadline_days)
    if submitted_on <= due:
        return None
    values = {"submitted": submitted_on.isoformat(), "ends": mission.ends.isoformat(), "due": due.isoformat(),
              "days": str(rule.claim_deadline_days)}  # fmt: skip
    return Check("late_claim", "refused", None, f"claim_deadline_days: {rule.claim_deadline_days}", values)


def _required_checks(
    mission: Mission, rule: ReimbursementRule, documents: Sequence[ReadDocument], submitted_on: dt.date
) -> list[Check]:
    checks: list[Check] = []
    for line in rule.required_documents:
        text = _normalised(line)
        kinds = next((kinds for kinds, cue in REQUIREMENTS if cue.search(text)), None)
        if kinds is None:
            checks.append(Check("document_to_check", "doubtful", None, line, {}))
            continue
        found = [d for d in documents if d.kind in kinds or (kinds == COST_KINDS and _is_other_cost(d))]
        if not found:
            checks.append(Check("document_missing", "missing", None, line, {}))
            continue
        if kinds == {"boarding_pass"} and BOTH_LEGS.search(text):
            legs_missing = _missing_legs(mission, found)
            checks.extend(Check("document_missing", "missing", None, line, {"leg": leg}) for leg in legs_missing)
            if legs_missing:
                continue
        checks.append(Check("document_present", "ok", found[0].name, line, {}))
        age = MAX_AGE.search(text)
        if age is not None:
            oldest = _months_before(submitted_on, int(age.group(1)))
            for document in found:
                if document.date is not None and document.date < oldest:
                    values = {"date": document.date.isoformat(), "oldest": oldest.isoformat()}
                    checks.append(Check("document_too_old", "doubtful", document.name, line, values))
    return checks


def _missing_legs(mission: Mission, passes: list[ReadDocument]) -> list[str]:
    """Which of the outward and return legs no boarding pass shows."""
    middle = mission.starts + (mission.ends - mission.starts) / 2
    outward = return_ = False
    undated = 0
    for boarding in passes:
        if boarding.date is None:
            undated += 1
            continue
        outward = outward or boarding.date <= middle
        return_ = return_ or boarding.date > middle or (boarding.end_date is not None and boarding.end_date > middle)
    missing = [leg for leg, shown in (("outward", outward), ("return", return_)) if not shown]
    return missing[undated:]


class _ItemReviewer:
    """The checks of one document after another, remembering what earlier ones used."""

    def __init__(self, mission: Mission, rule: ReimbursementRule, documents: Sequence[ReadDocument]) -> None:
        self._mission = mission
        self._rule = rule
        self._documents = documents
        self._categories = {category.name: category for category in rule.categories}
        self._used_proofs: set[int] = set()
        euro_costs = [d for d in documents if _is_cost(d) and d.currency == "EUR" and d.amount is not None]
        # A statement's lines are proofs of their own: one line pays one receipt.
        self._proof_documents = [line for d in documents for line in statement_lines(d)]
        self._proofs = [
            (i, d)
            for i, d in enumerate(self._proof_documents)
            if d.kind == "payment_proof" and d.readable != "unreadable" and d.currency == "EUR"
            if d.amount is not None and d.date is not None and not any(_pays(d, cost) for cost in euro_costs)
        ]
        self._seen: dict[tuple[str, dt.date | None, Decimal, str | None], str] = {}

    def review(self, document: ReadDocument) -> tuple[str | None, list[Check], Expense | None]:
        """The document's category, its checks, and the expense it counts for (``None``: none yet)."""
        if not _is_cost(document):
            return None, ([_unreadable(document)] if document.readable == "unreadable" else []), None
        kind_category = CATEGORY_OF_KIND.get(document.kind)
        category = self._category(document)
        if document.readable == "unreadable":
            return kind_category if kind_category in self._categories else None, [_unreadable(document)], None
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
        if document.amount is not None:
            key = (document.kind, document.date, document.amount, document.currency)
            if key in self._seen:
                values = {"other": self._seen[key]}
                checks.append(Check("duplicate", "doubtful", document.name, "", values))
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
        if euros is None or any(check.status != "ok" for check in checks):
            return category, checks, None
        return category, checks, Expense(category, euros, units, document.name)

    def _category(self, document: ReadDocument) -> str | None:
        by_kind = CATEGORY_OF_KIND.get(document.kind)
        if by_kind in self._categories:
            return by_kind
        named = categories_named(f"{document.supplier or ''} {document.text}", self._rule)
        return named[0].name if named else None

    def _ineligible(self, document: ReadDocument, category: str | None) -> Check | None:
        text = _normalised(f"{document.supplier or ''}\n{document.text}")
        for topic in TOPICS:
            if document.kind not in topic.kinds or not topic.text.search(text):
                continue
            line = next((line for line in self._rule.ineligible_costs if topic.line.search(_normalised(line))), None)
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
        if not CASH_TEXT.search(_normalised(document.text)):
            return None
        line = next((line for line in self._rule.ineligible_costs if CASH_LINE.search(_normalised(line))), None)
        if line is None:
            return None
        limit = CASH_LIMIT.search(_normalised(line))
        if category == "local_transport" and limit is not None:
            if euros is None:
                return Check("not_eligible", "doubtful", document.name, line, {"topic": "cash", "partial": "no"})
            if euros <= Decimal(limit.group(1)):
                return None
        return Check("not_eligible", "refused", document.name, line, {"topic": "cash", "partial": "no"})


def _estimate_checks(
    rule: ReimbursementRule, estimate: Estimate, documents: Sequence[ReadDocument], counted: dict[int, Expense]
) -> list[Check]:
    """What the arithmetic decided that the SME should know: nights left out, caps reached."""
    checks: list[Check] = []
    for line in estimate.lines:
        clause = category_clause(line.category, rule)
        for step in line.steps:
            if step.kind == "units_counted":
                names = [documents[i].name for i, e in counted.items() if e.category == line.category.name]
                values = {"units": str(step.counts[1]), "counted": str(step.counts[0]),
                          "claimed": str(line.claimed), "eligible": str(line.eligible)}  # fmt: skip
                document = names[0] if len(names) == 1 else None
                checks.append(Check("over_nights", "doubtful", document, clause, values))
            elif step.kind == "capped":
                values = {"cap": str(step.amounts[0]), "claimed": str(line.claimed)}
                checks.append(Check("over_cap", "ok", None, clause, values))
    if estimate.rule_cap_applied and rule.cap is not None:
        values = {"cap": str(rule.cap), "subtotal": str(estimate.subtotal)}
        checks.append(Check("over_cap", "ok", None, f"cap: {rule.cap}", values))
    return checks


def _unreadable(document: ReadDocument) -> Check:
    return Check("unreadable", "doubtful", document.name, "", {"kind": document.kind})


def _is_other_cost(document: ReadDocument) -> bool:
    return document.kind == "other" and document.amount is not None


def _is_cost(document: ReadDocument) -> bool:
    return document.kind in COST_KINDS or _is_other_cost(document)


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


def _months_before(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return day.replace(year=year, month=month + 1, day=min(day.day, calendar.monthrange(year, month + 1)[1]))


def _normalised(text: str) -> str:
    return text.casefold().replace("’", "'").replace("`", "'")
