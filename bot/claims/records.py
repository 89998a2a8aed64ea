"""How a claim's pieces are written into the database: a reading as JSON, the staff's
corrections on top of it, and a file name an SME sent, made safe to store and show.

A reading is stored as JSON rather than as columns because ``ReadDocument`` grows with the
reader (a new field costs no migration) and the staff only ever see it whole. JSON has no
dates, decimals or tuples, so they are written as ISO dates, strings (a ``float`` would turn
``12.10`` into ``12.1`` and sums would drift) and lists, and read back as what they were.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from bot.claims.documents import DOCUMENT_KINDS, ReadDocument

CORRECTABLE = ("date", "amount", "currency", "kind", "nights")
"""The fields of a reading the staff may correct."""
_SETTLED_BY = {"no_date": "date", "no_amount": "amount", "several_totals": "amount", "no_currency": "currency",
               "nights_mismatch": "nights"}  # fmt: skip
"""A doubt about a reading that a staff correction of that field settles."""
_CURRENCY = re.compile(r"^[A-Z]{3}$")
MAX_NAME_CHARS = 200
_SUFFIX_CHARS = 16
_FORBIDDEN = re.compile(r'[<>:"/\\|?*]')
_SPACES = re.compile(r"\s+")
_UNDERSCORES = re.compile(r"_{2,}")
_VALID: dict[str, Callable[[Any], bool]] = {
    "date": lambda v: isinstance(v, dt.date) and not isinstance(v, dt.datetime),
    "amount": lambda v: isinstance(v, Decimal) and v.is_finite() and v >= 0,
    "currency": lambda v: isinstance(v, str) and bool(_CURRENCY.match(v)),
    "kind": lambda v: v in DOCUMENT_KINDS,
    "nights": lambda v: isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 366,
}
"""What a correction may say, per field (typed values: the console parses its form first)."""


def document_to_json(document: ReadDocument) -> str:
    """The reading as JSON: dates ISO, amounts as strings, problems as a list."""
    return json.dumps(
        {
            "name": document.name, "kind": document.kind, "readable": document.readable,
            "date": _iso(document.date), "end_date": _iso(document.end_date),
            "amount": None if document.amount is None else str(document.amount), "currency": document.currency,
            "supplier": document.supplier, "nights": document.nights, "language": document.language,
            "text": document.text, "problems": list(document.problems),
        },
        ensure_ascii=False,
    )  # fmt: skip


def document_from_json(text: str) -> ReadDocument:
    """The reading ``document_to_json`` wrote (a field a newer reader added is ignored, a missing one empty)."""
    data: dict[str, Any] = json.loads(text)
    kind = data.get("kind")
    return ReadDocument(
        name=str(data["name"]), kind=kind if kind in DOCUMENT_KINDS else "other",
        readable=readable if (readable := data.get("readable")) in ("text", "ocr", "staff") else "unreadable",
        date=_date(data.get("date")), end_date=_date(data.get("end_date")), amount=_amount(data.get("amount")),
        currency=data.get("currency"), supplier=data.get("supplier"), nights=data.get("nights"),
        language=data.get("language"), text=str(data.get("text") or ""),
        problems=tuple(str(problem) for problem in data.get("problems") or ()),
    )  # fmt: skip


def correction_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """The staff's corrections checked and made JSON-ready; ``ValueError`` names what is wrong.

    ``None`` is a correction too: the staff say the field is absent (no date on the receipt).
    """
    unknown = set(fields) - set(CORRECTABLE)
    if unknown:
        raise ValueError(f"only {', '.join(CORRECTABLE)} can be corrected, not {', '.join(sorted(unknown))}")
    checked: dict[str, Any] = {}
    for name, value in fields.items():
        if value is None:
            checked[name] = None
        elif not _VALID[name](value):
            raise ValueError(f"not a valid {name}: {value!r}")
        else:
            checked[name] = value.isoformat() if name == "date" else str(value) if name == "amount" else value
    return checked


def corrected(document: ReadDocument, values: dict[str, Any]) -> ReadDocument:
    """The reading with the staff's corrections (``correction_values``) on top, and the doubts
    those corrections settle dropped: the staff have looked at the file."""
    fields = {name: value for name, value in values.items() if name in CORRECTABLE}
    problems = tuple(p for p in document.problems if _SETTLED_BY.get(p) not in fields)
    if document.readable == "unreadable" and fields:  # the staff opened the file and read it themselves
        return replace(document, **fields, readable="staff", problems=())
    return replace(document, **fields, problems=problems)


def correction_values(fields: dict[str, Any]) -> dict[str, Any]:
    """``correction_fields``' JSON form as Python values again (dates, decimals)."""
    values = dict(fields)
    if "date" in values:
        values["date"] = _date(values["date"])
    if "amount" in values:
        values["amount"] = _amount(values["amount"])
    return values


def safe_file_name(name: str) -> str:
    """A file name an SME sent, safe to store, list and offer back for download.

    Only the last part of a path is kept; control and format characters (NUL, a right-to-left
    override that makes ``exe.pdf`` read ``fdp.exe``), characters Windows forbids and leading
    dots go; the result is cut to ``MAX_NAME_CHARS`` keeping its extension. Letters of any
    script stay: a receipt named in Japanese is a receipt.
    """
    base = re.split(r"[/\\]", name)[-1]
    cleaned = "".join(
        "_" if unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn") or _FORBIDDEN.match(c) else c
        for c in unicodedata.normalize("NFC", base)
    )
    cleaned = _UNDERSCORES.sub("_", _SPACES.sub(" ", cleaned))
    cleaned = cleaned.strip(" ._") or "file"
    if len(cleaned) <= MAX_NAME_CHARS:
        return cleaned
    stem, dot, suffix = cleaned.rpartition(".")
    if not dot or not stem or len(suffix) >= _SUFFIX_CHARS:
        return cleaned[:MAX_NAME_CHARS].rstrip(" ._")
    return f"{stem[: MAX_NAME_CHARS - len(suffix) - 1].rstrip(' ._')}.{suffix}"


def _iso(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _date(value: object) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) else None


def _amount(value: object) -> Decimal | None:
    if not isinstance(value, str):
        return None
    try:
        return Decimal(value)
    except InvalidOperation:
        return None


def json_object(text: str | None) -> dict[str, Any] | None:
    """A stored JSON object, or ``None`` for an empty column."""
    return None if text is None else cast(dict[str, Any], json.loads(text))
