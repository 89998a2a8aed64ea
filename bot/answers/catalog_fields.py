"""Answers read off one named record's fields: "quanto dà al massimo il voucher X?", "quali
paesi copre?", "how much is the fee for the Japan mission?", "quanto rimborsate dell'hotel?".

A record's fields are the catalog's own figures, so when the question names a call or a
mission and asks for one of them, the field is the answer — no passage can quote a
different amount. Questions about what the records do not hold fall through to the
documents.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Literal

from bot.answers.composers.asked import cost_polarity
from bot.answers.reimbursement import categories_named
from knowledge.catalog import Call, Mission, ReimbursementRule
from knowledge.catalog_text import category_text, field_label, format_amount, format_percent
from knowledge.countries import country_name

Field = Literal[
    "max_amount", "rate", "budget", "countries", "eligibility", "documents", "eligible_costs", "ineligible_costs",
    "apply", "fee", "places", "covers",
]  # fmt: skip

_CUES: tuple[tuple[Field, re.Pattern[str]], ...] = (
    ("max_amount", re.compile(
        r"\b(al\s+massimo|importo\s+massimo|massimo\s+(finanziabile|del\s+contributo)|fino\s+a\s+quanto|"
        r"quanto\s+(dà|da|finanzia|vale|copre|posso\s+(avere|ottenere|ricevere|chiedere))|"
        r"max(imum)?\s+(grant|amount|funding)|how\s+much\s+(funding|money|can\s+(i|we)\s+get|does\s+it\s+(give|fund))|"
        r"finance\s+au\s+maximum|au\s+maximum|montant\s+maximal|combien\s+(finance|peut-on\s+obtenir))", re.I)),
    ("rate", re.compile(
        r"\b(percentual\w*|per\s*cento|percentage|funding\s+rate|pourcentage|taux)\b|%", re.I)),
    ("budget", re.compile(
        r"\b(dotazione|budget\s+(totale|complessivo|del\s+bando)|total\s+budget|budget\s+total)\b", re.I)),
    ("countries", re.compile(r"\b(quali\s+paesi|che\s+paesi|which\s+countries|what\s+countries|quels\s+pays)\b", re.I)),
    ("eligibility", re.compile(
        r"\b(chi\s+(può|puo|possono)|requisiti|who\s+can\s+(apply|take\s+part|join)|eligibility|"
        r"qui\s+peut|conditions\s+d'éligibilité)\b", re.I)),
    ("documents", re.compile(
        r"\b(quali\s+documenti|che\s+documenti|documenti\s+(servono|richiesti|necessari)|cosa\s+(devo\s+)?allegare|"
        r"(which|what)\s+documents|documents\s+(needed|required)|quels\s+documents|pièces\s+justificatives|"
        r"quels\s+justificatifs)\b", re.I)),
    ("eligible_costs", re.compile(
        r"\b(spese\s+ammissibili|quali\s+spese|eligible\s+costs|which\s+costs|dépenses\s+éligibles|"
        r"quels\s+frais)\b", re.I)),
    ("ineligible_costs", re.compile(
        r"\b(spese\s+non\s+ammissibili|ineligible\s+costs|dépenses\s+non\s+éligibles)\b", re.I)),
    ("apply", re.compile(
        r"\b(come\s+(mi\s+|ci\s+)?(candido|candidiamo|candidarsi|candidarmi|presento\s+(la\s+)?domanda|"
        r"faccio\s+domanda|si\s+fa\s+domanda)|how\s+(do|can)\s+(i|we)\s+apply|how\s+to\s+apply|"
        r"comment\s+(postuler|candidater|déposer))\b", re.I)),
    ("fee", re.compile(
        r"\b(quota\s+di\s+partecipazione|quanto\s+costa|costo\s+della\s+missione|participation\s+fee|"
        r"how\s+much\s+(does\s+it|is\s+it)\s+cost|how\s+much\s+is\s+the\s+fee|cost\s+to\s+join|"
        r"frais\s+de\s+participation|combien\s+co[uû]te)\b", re.I)),
    ("places", re.compile(
        r"\b(quanti\s+posti|posti\s+disponibili|how\s+many\s+(places|seats|companies)|combien\s+de\s+places)\b", re.I)),
    ("covers", re.compile(
        r"\b(compres[oa]\s+nella\s+quota|cosa\s+(è|e)\s+compreso|cosa\s+comprende|what\s+(is|does)\s+(included|"
        r"the\s+fee\s+(include|cover))|included\s+in\s+the\s+fee|qu'est-ce\s+qui\s+est\s+(inclus|compris)|"
        r"inclus\s+dans)\b", re.I)),
)  # fmt: skip
_HOW_MUCH = re.compile(
    r"\b(quanto|quanti\s+soldi|massimale|tetto|how\s+much|cap|maximum|combien|plafond|montant)\b", re.I
)

_OTHER_COST = re.compile(
    r"\b(vist[oi]|visa|volo|voli|flights?|vols?|hotel|alloggi\w*|accommodation|hébergement|assicurazion\w*|"
    r"insurance|assurance|stand|spedizion\w*|shipping|transport\w*|trasport\w*|taxi|interpret\w*|tradu\w*|"
    r"vaccin\w*|pasti|meals?|repas|noleggio|car\s+hire)\b",
    re.I,
)
"""What else "quanto costa…" may ask the price of: then the mission's fee is not the answer."""

_FIELDS_OF: dict[type, tuple[Field, ...]] = {
    Call: ("max_amount", "rate", "budget", "countries", "eligibility", "documents", "eligible_costs",
           "ineligible_costs", "apply"),
    Mission: ("fee", "places", "covers"),
}  # fmt: skip


def asked_fields(text: str) -> list[Field]:
    """The fields a question asks for, in the order of ``_CUES``."""
    return [name for name, cue in _CUES if cue.search(text)]


def field_lines(entry: Call | Mission, text: str, language: str) -> list[str]:
    """``Label: value`` lines for the fields of ``entry`` that ``text`` asks about (none: not a field question)."""
    asked = asked_fields(text)
    if "fee" in asked and _OTHER_COST.search(text) and not re.search(r"\bquota|\bfee\b|\bfrais\b", text, re.I):
        asked.remove("fee")  # "quanto costa il visto?" asks the visa's price, which the record does not hold
    if "max_amount" in asked and "rate" not in asked:
        asked.append("rate")  # "how much at most" is the rate and the ceiling: 70% up to €2.5m
    wanted = [name for name in _FIELDS_OF[type(entry)] if name in asked]
    lines: list[str] = []
    for name in wanted:
        value = _VALUES[name](entry, language)
        if value:
            lines.append(f"{field_label(name, language)}: {value}")
    return lines


def rule_lines(rule: ReimbursementRule, text: str, language: str) -> list[str]:
    """What the rule pays back for the categories a question about reimbursement names ("quanto mi
    rimborsate dell'hotel?"), or its documents when those are asked for."""
    asked = asked_fields(text)
    if "documents" in asked and rule.required_documents:
        return [f"{field_label('documents', language)}:"] + [f"- {item}" for item in rule.required_documents]
    named = categories_named(text, rule) if _HOW_MUCH.search(text) else []
    if not named and "eligible_costs" in asked and cost_polarity(text) == "eligible":
        named = list(rule.categories)  # "quali spese sono rimborsate?": every category with its cap
    if not named:
        return []
    rate = f"{field_label('rule_rate', language)}: {format_percent(rule.rate)}"
    cap = (
        [f"{field_label('cap', language)}: {format_amount(rule.cap, rule.currency, language)}"]
        if rule.cap is not None
        else []
    )
    categories = [f"- {category_text(category, rule, language)}" for category in named]
    if len(named) < len(rule.categories):
        return [*categories, rate, *cap]  # "fino a quanto a notte?": the category asked leads
    return [rate, *categories, *cap]


def _bullets(items: list[str]) -> str:
    return "\n" + "\n".join(f"- {item}" for item in items) if items else ""


def _call(read: Callable[[Call, str], str]) -> Callable[[Call | Mission, str], str]:
    return lambda entry, language: read(entry, language) if isinstance(entry, Call) else ""


def _mission(read: Callable[[Mission, str], str]) -> Callable[[Call | Mission, str], str]:
    return lambda entry, language: read(entry, language) if isinstance(entry, Mission) else ""


def _money(value: Decimal | None, currency: str, language: str) -> str:
    if value is None:
        return ""
    return format_amount(value, currency, language) if value else field_label("free", language)


_VALUES: dict[Field, Callable[[Call | Mission, str], str]] = {
    "max_amount": _call(lambda c, lang: _money(c.max_amount, c.currency, lang)),
    "rate": _call(lambda c, lang: format_percent(c.funding_rate) if c.funding_rate is not None else ""),
    "budget": _call(lambda c, lang: _money(c.budget, c.currency, lang)),
    "countries": _call(lambda c, lang: ", ".join(country_name(code, lang) for code in c.countries)),
    "eligibility": _call(lambda c, lang: _bullets(c.eligibility)),
    "documents": _call(lambda c, lang: _bullets(c.required_documents)),
    "eligible_costs": _call(lambda c, lang: _bullets(c.eligible_costs)),
    "ineligible_costs": _call(lambda c, lang: _bullets(c.ineligible_costs)),
    "apply": _call(lambda c, lang: c.how_to_apply.strip()),
    "fee": _mission(lambda m, lang: _money(m.participation_fee, m.currency, lang)),
    "places": _mission(lambda m, lang: str(m.places) if m.places is not None else ""),
    "covers": _mission(lambda m, lang: _bullets(m.organiser_covers)),
}
