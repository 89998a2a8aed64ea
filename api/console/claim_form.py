"""The staff's correction of a claim file's reading, as the dossier's form sends it: text fields
made into the typed values ``ClaimDesk.correct`` takes, or a ``CorrectionError`` that names the
field and says why in the reader's language.

A field left empty is not corrected (the reading stands); a field ticked "absent" is corrected
to ``None`` (the receipt has no date, say). So a form sent without a change changes nothing, and
a correction is always something the member typed or ticked: correcting a field settles the
reader's doubt about it (``bot.claims.records.corrected``), which only a person who looked may do.

Amounts are read the way people write them in the three languages (``1.452,97``, ``1,452.97``,
``1 452,97``, ``88000``) and nothing else: no exponent (``1e9999``), no sign, no ``NaN``, at most
nine digits before the decimals (999.999.999: a hotel in rupiah fits) and two after.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from api.console.translations import Message
from bot.claims.documents import DOCUMENT_KINDS

FIELDS = ("kind", "date", "amount", "currency", "nights")
"""The fields of a reading the staff correct, in the form's order."""
ABSENT_FIELDS = ("date", "amount", "currency", "nights")
"""Fields a receipt may lack (a kind it always has)."""
MAX_NIGHTS = 366
EARLIEST_YEAR = 2000
_PLAIN = re.compile(r"^[0-9]{1,9}(?:[.,][0-9]{1,2})?$")
_GROUPED_DOT = re.compile(r"^[0-9]{1,3}(?:\.[0-9]{3}){1,2}(?:,[0-9]{1,2})?$")
"""``1.452,97``: dots group the thousands, a comma before the cents (Italian)."""
_GROUPED_COMMA = re.compile(r"^[0-9]{1,3}(?:,[0-9]{3}){1,2}(?:\.[0-9]{1,2})?$")
"""``1,452.97``: commas group the thousands, a dot before the cents (English)."""
_GROUPED_SPACE = re.compile(r"^[0-9]{1,3}(?: [0-9]{3}){1,2}(?:[,.][0-9]{1,2})?$")
"""``1 452,97`` (French; a no-break space is read as a space)."""
_DAY_MONTH_YEAR = re.compile(r"^([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_NIGHTS = re.compile(r"^[0-9]{1,3}$")


class CorrectionError(ValueError):
    """A field of the form that cannot be a correction: which one, and why (for the page)."""

    def __init__(self, name: str, reason: Message) -> None:
        super().__init__(f"{name}: {reason}")
        self.field = name
        self.reason = reason


@dataclass(frozen=True)
class CorrectionForm:
    """The form as sent (shown again, as typed, when it is refused)."""

    kind: str = ""
    date: str = ""
    amount: str = ""
    currency: str = ""
    nights: str = ""
    absent: tuple[str, ...] = field(default_factory=tuple)

    def fields(self, today: dt.date) -> dict[str, Any]:
        """The corrections, typed for ``ClaimDesk.correct``; ``CorrectionError`` for the first wrong field."""
        unknown = [name for name in self.absent if name not in ABSENT_FIELDS]
        if unknown:
            raise CorrectionError("absent", Message("Campo sconosciuto."))
        fields: dict[str, Any] = {}
        typed = {name: getattr(self, name).strip() for name in FIELDS}
        for name, text in typed.items():
            if not text:
                continue
            if name in self.absent:
                raise CorrectionError(name, Message("Hai scritto un valore e l'hai anche segnato come assente."))
            fields[name] = _PARSERS[name](text, today)
        fields |= dict.fromkeys(self.absent)
        if not fields:
            raise CorrectionError("", Message("Nessuna correzione: scrivi un valore o segna un campo come assente."))
        return fields


def parse_amount(text: str, _today: dt.date | None = None) -> Decimal:
    """An amount as people write it (see the module docstring); ``CorrectionError`` otherwise."""
    value = " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())
    for symbol in ("€", "EUR", "eur"):
        value = value.removeprefix(symbol).removesuffix(symbol).strip()
    if _PLAIN.match(value):
        digits = value.replace(",", ".")
    elif _GROUPED_DOT.match(value):
        digits = value.replace(".", "").replace(",", ".")
    elif _GROUPED_COMMA.match(value):
        digits = value.replace(",", "")
    elif _GROUPED_SPACE.match(value):
        digits = value.replace(" ", "").replace(",", ".")
    else:
        raise CorrectionError("amount", Message("Un importo come 1452,97 o 88000, senza segno."))
    try:
        return Decimal(digits)
    except InvalidOperation:  # the patterns leave only digits and one dot: a safety net
        raise CorrectionError("amount", Message("Un importo come 1452,97 o 88000, senza segno.")) from None


def parse_date(text: str, today: dt.date) -> dt.date:
    """``2027-06-18`` (the date picker's) or ``18/06/2027``, between 2000 and next year."""
    found = _DAY_MONTH_YEAR.match(text)
    try:
        day = dt.date(int(found[3]), int(found[2]), int(found[1])) if found else dt.date.fromisoformat(text)
    except ValueError:
        raise CorrectionError("date", Message("Una data come 18/06/2027.")) from None
    if not EARLIEST_YEAR <= day.year <= today.year + 1:
        raise CorrectionError("date", Message("Una data fra il {first} e l'anno prossimo.", first=EARLIEST_YEAR))
    return day


def parse_currency(text: str, _today: dt.date | None = None) -> str:
    """An ISO 4217 code: three letters (``jpy`` is read as ``JPY``)."""
    code = text.upper()
    if not _CURRENCY.match(code):
        raise CorrectionError("currency", Message("Un codice di valuta di tre lettere, come EUR o JPY."))
    return code


def parse_kind(text: str, _today: dt.date | None = None) -> str:
    """One of the document kinds the checks know."""
    if text not in DOCUMENT_KINDS:
        raise CorrectionError("kind", Message("Tipo di documento sconosciuto."))
    return text


def parse_nights(text: str, _today: dt.date | None = None) -> int:
    """A number of nights, 0 to a year's."""
    if not _NIGHTS.match(text) or int(text) > MAX_NIGHTS:
        raise CorrectionError("nights", Message("Un numero di notti fra 0 e {n}.", n=MAX_NIGHTS))
    return int(text)


_PARSERS: dict[str, Callable[[str, dt.date], Any]] = {
    "kind": parse_kind, "date": parse_date, "amount": parse_amount, "currency": parse_currency, "nights": parse_nights,
}  # fmt: skip
