"""What the catalog answers match on and how they word things: the cue words of each kind of
question, the tokens and stems entries are named by, and small text helpers."""

from __future__ import annotations

import re
from decimal import Decimal

from bot.answers.composers.base import Citation
from bot.answers.reimbursement import Step
from bot.conversation.phrases import say
from knowledge.catalog import Call, Mission, ReimbursementRule
from knowledge.catalog_text import format_amount, format_percent
from knowledge.language import fold_accents
from knowledge.store import CatalogRecord

STATUS_CUE = re.compile(
    r"\b(entro\s+quando|fino\s+a\s+quando|scadenz\w*|scad[eo]n?o?|quando\s+(apr|chiud|scad|inizi)\w*|"
    r"(è|e|sono)\s+(ancora\s+|già\s+)?apert\w*|ancora\s+apert\w*|già\s+apert\w*|"
    r"(posso|possiamo)\s+(ancora|già)\s+(iscriv|candid|fare\s+domanda|partecip|aderire)\w*|"
    r"deadline|due\s+date|when\s+(does|do|is|will)\b.*\b(close|open|due|end|start)\w*|still\s+open|already\s+open|"
    r"is\s+(it|the\b.*)\s+open|registration\s+(close|open)\w*|can\s+(i|we)\s+still|"
    r"date\s+limite|jusqu'à\s+quand|quand\s+.*\b(ouvr|ferm|clôtur|clotur)\w*|encore\s+ouvert\w*|déjà\s+ouvert\w*|"
    r"est(-il|-elle)?\s+(encore\s+|déjà\s+)?ouvert\w*|peut-on\s+encore|puis-je\s+encore)",
    re.IGNORECASE,
)
LIST_CUE = re.compile(
    r"\b((quali|che|quante)\s+(missioni|bandi|opportunità|call)|ci\s+sono\s+(delle\s+|altre\s+)?(missioni|bandi)|"
    r"c'è\s+(una|qualche)\s+(missione|bando)|bandi\s+apert\w*|missioni\s+apert\w*|"
    r"(which|what)\s+(missions|calls|trade\s+missions)|is\s+there\s+an?\s+(trade\s+)?(mission|call)|"
    r"are\s+there\s+(any\s+)?(trade\s+)?(missions|calls)|open\s+calls|open\s+missions|"
    r"quel(le)?s\s+(missions|appels)|y\s+a-t-il\s+(une|des)\s+(mission|appel)|missions\s+ouvertes|appels\s+ouverts)",
    re.IGNORECASE,
)
TRIP_CUE = re.compile(
    r"\b(dura|durata|si\s+svolge|date\s+della\s+missione|quando\s+(parte|partiamo|si\s+parte|è\s+la\s+missione)|"
    r"quali\s+città|che\s+città|how\s+long|mission\s+dates|which\s+cities|when\s+(is|does)\s+the\s+(mission|trip)|"
    r"dates\s+de\s+la\s+mission|quand\s+a\s+lieu|quelles\s+villes|durée)\b",
    re.IGNORECASE,
)
OVERVIEW_CUE = re.compile(
    r"\b(parlami|parlarmi|mi\s+parli|dimmi\s+(di\s+più|tutto|qualcosa)|informazioni\s+su\w*|info\s+su\w*|"
    r"dettagli|tell\s+me\s+(more\s+)?about|more\s+about|details\s+(of|on|about)|information\s+(on|about)|"
    r"parlez-moi|dites-m'en\s+plus|informations\s+sur|détails\s+(de|sur|du))",
    re.IGNORECASE,
)
MISSION_WORD = re.compile(r"\b(missione|missioni|mission|missions|delegazione|delegation|trip|viaggio)\b", re.I)
CALL_WORD = re.compile(r"\b(bando|bandi|call|calls|appel|appels|voucher|finanziamento|grant)\b", re.I)
REIMBURSE_CUE = re.compile(
    r"\b(rimbors\w*|torna\s+indietro|ridate|reimburs\w*|pay\s+back|paid\s+back|rembours\w*)", re.I
)
MONEY_MARK = re.compile(r"€|\beur\b|\beuro\b|\beuros\b|\$", re.IGNORECASE)
PARENTHESES = re.compile(r"\([^)]*\)")
"""A follow-up's subject is appended in parentheses ("(Missione … 2027)"): its year is no expense."""
DEFINITE = re.compile(
    r"\b(la|alla|della|nella|dalla|sulla|il|al|del|nel|dal|sul|the|à\s+la|de\s+la|l['’])\s*"
    r"(missione|mission|bando|call|appel|voucher)\b",
    re.IGNORECASE,
)
GENERIC = frozenset(
    (
        "missione missioni mission missions bando bandi call calls open appel voucher programma programme sample "
        "per the for and del della delle dei degli pour les des nel negli 2025 2026 2027 2028 eu alliance "
        "finanziamento"
    ).split()
)
SECTOR_SYNONYMS = {"texti": "tessi", "texte": "tessi", "matér": "mater", "mate": "mater", "défen": "difes"}


def titled(title: str, lines: list[str]) -> str:
    """The record's fields under its name, the first one on the name's line: what was asked is
    read first ("Voucher Piemonte 2026 — Scadenza: 30 giugno 2026"), not a heading."""
    first = lines[0].removeprefix("- ")
    return "\n".join([f"{title} — {first}", *lines[1:]])


def is_offer(record: CatalogRecord) -> bool:
    return isinstance(record.entry, Call | Mission)


def offer_entry(record: CatalogRecord) -> Call | Mission:
    assert isinstance(record.entry, Call | Mission)
    return record.entry


def has_sector(entry: Call | Mission | ReimbursementRule, stem: str) -> bool:
    return any(word_stem(w) == stem for s in getattr(entry, "sectors", []) for w in word_tokens(s))


def record_citation(n: int, record: CatalogRecord) -> Citation:
    entry = record.entry
    return Citation(
        n=n, title=entry.title, section="", page=None, url=entry.url, source=record.source,
        chunk_id="", language=entry.language,
    )  # fmt: skip


def days_left_text(days: int | None, language: str) -> str:
    if days is None:
        return ""
    if days == 0:
        return say("closes_today", language)
    if days == 1:
        return say("day_left", language)
    return say("days_left", language, n=days)


def step_text(step: Step, currency: str, language: str) -> str:
    """A computation step with amounts written the user's way."""

    def money(value: Decimal) -> str:
        return format_amount(value, currency, language)

    if step.kind == "units_counted":
        counted, units = step.counts
        return f"{counted}/{units} × {money(step.amounts[0])} = {money(step.amounts[1])}"
    if step.kind == "unit_cap":
        label = say("cap_label", language)
        return f"{label} {money(step.amounts[0])} × {step.counts[0]} = {money(step.amounts[1])}"
    if step.kind == "rate":
        rate = format_percent(step.rate or Decimal(0))
        return f"{money(step.amounts[0])} × {rate} = {money(step.amounts[1])}"
    return say("capped_at", language, amount=money(step.amounts[0]))


def word_tokens(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", fold_accents(text))


def word_stem(word: str) -> str:
    return word[:5]


def entry_tokens(entry: Call | Mission | ReimbursementRule) -> set[str]:
    return title_tokens(f"{entry.title} {entry.id}")


def title_tokens(title: str) -> set[str]:
    """The stems a title names something by (no generic words such as "bando" or a year)."""
    return {word_stem(w) for w in word_tokens(title) if len(w) >= 3 and w not in GENERIC}
