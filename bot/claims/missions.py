"""Which mission a claim is for, when nobody said: the catalog's reimbursed missions, and the
one the documents' dates point at.

The candidates are the missions with a reimbursement rule that ended less than a year ago or
have not ended yet (a late claim is still checked, and refused by its clause, not by a wrong
guess; an SME may gather its receipts during the mission). One candidate is the claim's mission; among several,
the one whose days (with two days of travel either side) hold the most dated documents, when
one holds more than any other. Otherwise the SME is asked, with the candidates as choices:
a claim checked against the wrong mission's rule would be wrong in every line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bot.claims.documents import ReadDocument
from knowledge.catalog import Call, Catalog, Mission, ReimbursementRule
from knowledge.store import CatalogRecord

RECENT = dt.timedelta(days=365)
_TRAVEL = dt.timedelta(days=2)


def catalog_of(records: Sequence[CatalogRecord]) -> Catalog:
    """The knowledge base's catalog entries (from every catalog file) as one catalog; each file was
    checked when it was ingested, so nothing is checked again."""
    entries = [record.entry for record in records]
    return Catalog.model_construct(
        calls=[e for e in entries if isinstance(e, Call)],
        missions=[e for e in entries if isinstance(e, Mission)],
        reimbursement_rules=[e for e in entries if isinstance(e, ReimbursementRule)],
    )


def claimable_missions(catalog: Catalog, today: dt.date) -> list[Mission]:
    """Missions with a rule in the catalog, not ended or ended within ``RECENT``; latest first."""
    found = [
        mission
        for mission in catalog.missions
        if mission.reimbursement_rule is not None
        and catalog.rule(mission.reimbursement_rule) is not None
        and mission.ends >= today - RECENT
    ]
    return sorted(found, key=lambda m: (m.ends, m.id), reverse=True)


def mission_of(candidates: Sequence[Mission], documents: Sequence[ReadDocument]) -> Mission | None:
    """The candidate the documents point at, or ``None`` when it takes the SME to say."""
    if len(candidates) == 1:
        return candidates[0]
    scores = {mission.id: _dated_within(mission, documents) for mission in candidates}
    best = max(scores.values(), default=0)
    leaders = [mission for mission in candidates if scores[mission.id] == best]
    return leaders[0] if best > 0 and len(leaders) == 1 else None


def rule_of(catalog: Catalog, mission: Mission) -> ReimbursementRule | None:
    """The mission's reimbursement rule, when the catalog has it."""
    return None if mission.reimbursement_rule is None else catalog.rule(mission.reimbursement_rule)


def _dated_within(mission: Mission, documents: Sequence[ReadDocument]) -> int:
    first, last = mission.starts - _TRAVEL, mission.ends + _TRAVEL
    return sum(1 for document in documents if document.date is not None and first <= document.date <= last)
