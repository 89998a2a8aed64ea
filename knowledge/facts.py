"""Facts in text — dates, amounts, percentages, times — in one canonical form.

The same deadline or amount is written many ways across Italian, English and French
sources ("€ 3.000" = "EUR 3,000" = "3.000 euro"; "30 giugno 2024" = "30 June 2024" =
"30/06/2024"). ``fact_in_text`` says whether a fact appears in a text under any of them;
the evaluation harness and the assistant's answer checks rely on it.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation

_MONTHS: dict[str, int] = {}
for _names in (
    ("gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto",
     "settembre", "ottobre", "novembre", "dicembre"),
    ("january", "february", "march", "april", "may", "june", "july", "august",
     "september", "october", "november", "december"),
    ("janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout",
     "septembre", "octobre", "novembre", "decembre"),
):  # fmt: skip
    for _number, _name in enumerate(_names, start=1):
        _MONTHS[_name] = _number
        _MONTHS.setdefault(_name[:3], _number)
_MONTHS["sept"] = 9
_MONTH_ALT = "|".join(sorted(_MONTHS, key=len, reverse=True))

_SPACE = r"[ \u00a0\u202f]"
_DAY_MONTH_YEAR = re.compile(
    rf"\b(\d{{1,2}})(?:°|º|er|st|nd|rd|th)?{_SPACE}+({_MONTH_ALT})\.?(?:{_SPACE}+(\d{{4}}))?\b"
)
_MONTH_DAY_YEAR = re.compile(rf"\b({_MONTH_ALT})\.?{_SPACE}+(\d{{1,2}})(?:st|nd|rd|th)?,?(?:{_SPACE}+(\d{{4}}))?\b")
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
# "17:00", "17h00" (not a UTC offset such as "+01:00"); "17.00" only after a word that
# announces a time ("ore 17.00"), since "12.50" is usually money.
_TIME = re.compile(r"(?<![+\-\d.,])\b([01]?\d|2[0-3])[:h]([0-5]\d)\b")
_UTC_OFFSET = re.compile(r"\b(?:utc|gmt)[+\-]\d{1,2}(?::\d\d)?")
_DOTTED_TIME = re.compile(r"\b(?:ore|alle|at|a)\s+([01]?\d|2[0-3])\.([0-5]\d)\b")
_PERCENT = re.compile(
    rf"(\d+(?:[.,]\d+)?){_SPACE}*(?:%|per{_SPACE}?cento|pour{_SPACE}?cent|percent|per{_SPACE}cent)",
)
_AMOUNT = rf"\d{{1,3}}(?:(?:[.,]|{_SPACE})\d{{3}})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
_MONEY = re.compile(rf"(?:€|\beur\b|\beuro\b)\s*({_AMOUNT})|({_AMOUNT})\s*(?:€|eur\b|euro\b|euros\b)")
_NUMBER = re.compile(
    rf"(?<![\d.,])\d{{1,3}}(?:(?:[.,]|{_SPACE})\d{{3}})+(?:[.,]\d+)?(?![\d])|(?<![\d.,])\d+(?:[.,]\d+)?"
)


def canonical_facts(text: str) -> set[str]:
    """Typed keys for every date, time, percentage, amount and number in ``text``.

    Keys look like ``date:2024-06-30``, ``md:06-30`` (day and month, for facts given
    without a year), ``time:17:00``, ``pct:50``, ``money:3000`` (a number next to €,
    EUR or euro) and ``num:3000`` (every number, amounts and percentages included).
    """
    folded = _UTC_OFFSET.sub(" ", _fold(text))  # "(UTC+01:00)" is a zone, not a fact
    keys: set[str] = set()
    folded = _extract_dates(folded, keys)
    for pattern in (_TIME, _DOTTED_TIME):
        folded = _sub(pattern, folded, lambda m: keys.add(f"time:{int(m[1]):02d}:{m[2]}"))
    folded = _sub(_PERCENT, folded, lambda m: _add_number(keys, "pct", m[1]))
    for match in _MONEY.finditer(folded):
        _add_number(keys, "money", match[1] or match[2])
    for match in _NUMBER.finditer(folded):
        _add_number(keys, "num", match[0])
    return keys


def fact_in_text(fact: str, text: str) -> bool:
    """Whether ``fact`` is stated in ``text``, comparing dates and numbers by value.

    A fact with dates, numbers, amounts or percentages matches when each of them appears
    in the text with its kind: "50%" needs a percentage, "€ 2.500" an amount in euro,
    while a bare "250" is found in any number. A fact with none is matched as
    normalised words.
    """
    wanted = canonical_facts(fact)
    if not wanted:
        return f" {_words(fact)} " in f" {_words(text)} "
    return wanted <= canonical_facts(text)


def _extract_dates(text: str, keys: set[str]) -> str:
    def add(year: str | None, month: int, day: int) -> None:
        try:
            date(int(year) if year else 2000, month, day)
        except ValueError:
            return
        keys.add(f"md:{month:02d}-{day:02d}")
        if year:
            keys.add(f"date:{int(year):04d}-{month:02d}-{day:02d}")
            keys.add(f"num:{int(year)}")

    text = _sub(_ISO_DATE, text, lambda m: add(m[1], int(m[2]), int(m[3])))
    text = _sub(_NUMERIC_DATE, text, lambda m: add(m[3], int(m[2]), int(m[1])))
    text = _sub(_DAY_MONTH_YEAR, text, lambda m: add(m[3], _MONTHS[m[2]], int(m[1])))
    return _sub(_MONTH_DAY_YEAR, text, lambda m: add(m[3], _MONTHS[m[1]], int(m[2])))


def _sub(pattern: re.Pattern[str], text: str, on_match: object) -> str:
    """Record each match (via ``on_match``) and blank it so it is not read twice."""

    def replace(match: re.Match[str]) -> str:
        on_match(match)  # type: ignore[operator]
        return " "

    return pattern.sub(replace, text)


def _add_number(keys: set[str], kind: str, raw: str) -> None:
    value = parse_number(raw)
    if value is not None:
        keys.add(f"{kind}:{_plain(value)}")
        keys.add(f"num:{_plain(value)}")


def parse_number(raw: str) -> Decimal | None:
    """``"1.200,50"``, ``"1,200.50"``, ``"3 000"``, ``"3,5"`` → Decimal; ``None`` if not a number.

    A single separator followed by exactly three digits is read as a thousands
    separator ("3.000" is three thousand), the common case in the sources' amounts.
    """
    compact = re.sub(_SPACE, "", raw.strip())
    if not compact:
        return None
    dots, commas = compact.count("."), compact.count(",")
    if dots and commas:
        decimal_sep = "." if compact.rfind(".") > compact.rfind(",") else ","
        thousands = "," if decimal_sep == "." else "."
        compact = compact.replace(thousands, "").replace(decimal_sep, ".")
    elif dots or commas:
        sep = "." if dots else ","
        groups = compact.split(sep)
        is_thousands = len(groups) > 2 or len(groups[-1]) == 3
        compact = compact.replace(sep, "" if is_thousands else ".")
    try:
        return Decimal(compact)
    except InvalidOperation:
        return None


def _plain(value: Decimal) -> str:
    normalized = value.normalize()
    return f"{normalized:f}"


def _fold(text: str) -> str:
    # NFKD would turn the ordinal sign of "1º marzo" into a letter; make it a degree sign first.
    decomposed = unicodedata.normalize("NFKD", text.replace("º", "°").casefold())
    # Keep the degree/ordinal signs (1° marzo) that NFKD would turn into letters.
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", _fold(text)))
