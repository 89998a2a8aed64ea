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
- Claimed before: a document of the same kind, date, amount and currency as one of an earlier
  claim of the same conversation is doubtful and left out of the estimate (paid twice is the
  risk; the staff decide).
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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from bot.answers.reimbursement import Estimate, Expense, estimate_reimbursement
from bot.claims.cues import BOTH_LEGS, COST_KINDS, MAX_AGE, REQUIREMENTS
from bot.claims.documents import ReadDocument
from bot.claims.findings import (
    CONVERSION_CLAUSE,
    Check,
    CheckStatus,
    CostKey,
    category_clause,
    is_other_cost,
    normalised,
)
from bot.claims.items import ItemReviewer
from knowledge.catalog import Mission, ReimbursementRule

__all__ = ["CONVERSION_CLAUSE", "Check", "CheckStatus", "ClaimItem", "ClaimReview", "category_clause", "review_claim"]

_CENT = Decimal("0.01")


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
    mission: Mission, rule: ReimbursementRule, documents: Sequence[ReadDocument], *, submitted_on: dt.date,
    earlier: Mapping[CostKey, tuple[str, int]] | None = None,
) -> ClaimReview:  # fmt: skip
    """Check ``documents`` against ``rule`` for ``mission`` (readings in the module docstring);
    ``earlier``: the costs of the conversation's earlier claims, by ``cost_key``, with the
    document's name and its claim's id."""
    if mission.reimbursement_rule is not None and mission.reimbursement_rule != rule.id:
        raise ValueError(f"mission {mission.id} is reimbursed under {mission.reimbursement_rule}, not {rule.id}")
    checks: list[Check] = []
    late = _late_check(mission, rule, submitted_on)
    if late is not None:
        checks.append(late)
    checks.extend(_required_checks(mission, rule, documents, submitted_on))
    reviewer = ItemReviewer(mission, rule, documents, earlier)
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
        text = normalised(line)
        kinds = next((kinds for kinds, cue in REQUIREMENTS if cue.search(text)), None)
        if kinds is None:
            checks.append(Check("document_to_check", "doubtful", None, line, {}))
            continue
        found = [d for d in documents if d.kind in kinds or (kinds == COST_KINDS and is_other_cost(d))]
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


def _months_before(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return day.replace(year=year, month=month + 1, day=min(day.day, calendar.monthrange(year, month + 1)[1]))
