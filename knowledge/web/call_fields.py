"""What a call-for-proposals or mission page states: its kind, opening date, deadline, amounts,
countries and sectors, read from its text in Italian, English or French.

The deadline is the latest date next to a deadline phrase, so that a call with several cut-offs
is not taken for closed after the first; a date next to "pubblicato il" or "published" never
is one. A date with no phrase next to it is left alone: an event's dates are not a deadline, and
a wrong deadline closes a call that is open. Tables are read as "header: cell" so that a date
under a "Scadenza" column finds its phrase. Only the first ``_MAX_CHARS`` characters are read
and every pattern is bounded, so a hostile page costs linear time.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from itertools import islice
from typing import Literal

from knowledge.countries import countries_in
from knowledge.facts import _MONTHS  # the month names of the three languages, one table for the package
from knowledge.language import fold_accents

_MAX_CHARS = 300_000
_MAX_MENTIONS = 5_000
_MONTH_ALT = "|".join(sorted(_MONTHS, key=len, reverse=True))
_YEAR_RANGE = (2000, 2100)

# Patterns run on accent-folded, case-folded text ("1º" folds to "1o", "février" to "fevrier").
_DAY_MONTH = re.compile(
    rf"\b(\d{{1,2}})(?:°|o|er|st|nd|rd|th)?(?: de)? +({_MONTH_ALT})\b\.?,?(?: +(\d{{4}})\b)?"
)  # year optional: "dal 1 marzo al 30 giugno 2026"
_MONTH_DAY = re.compile(rf"\b({_MONTH_ALT})\.? +(\d{{1,2}})(?:st|nd|rd|th)?,? +(\d{{4}})\b")
_NUMERIC = re.compile(r"\b(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})\b")
_ISO = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")

_DEADLINE = re.compile(
    r"\b(?:scadenz[ae]|scade|scadono|termine(?: ultimo| per| di|:| :)|chiusura|chiude|chiudono|entro|non oltre|"
    r"prorogat[oa]|deadlines?|closing date|closes?|closing|no later than|cut-?off(?: dates?)?|due date|extended|"
    r"dates? limites?|jusqu['’ ]?(?:au|a)|au plus tard|avant le|cloture|echeance|prolongee?|reportee?|"
    r"fin des (?:inscriptions|candidatures))(?!\w)"
)
_OPENS = re.compile(
    r"\b(?:apertura|apre|aprono|a partire da|a decorrere da|opens?|opening(?: date)?|ouverture|a partir du|"
    r"a compter du|des le)\b"
)
# Only phrases that introduce a date: "Scadenza aggiornata: 30 giugno" is still a deadline.
_PUBLISHED = re.compile(
    r"\b(?:pubblicat[oa] il|data di pubblicazione|ultimo aggiornamento|aggiornat[oa] (?:il|al)|published(?: on)?|"
    r"posted(?: on)?|updated on|last (?:modified|updated)|publiee? le|mise? a jour le|date de publication|"
    r"comunicato del|news del)\b"
)
# Ordinary short words ("al", "by", "du") mark a date only right before it and only when the
# sentence is about applications: "missione dal 10 al 15 ottobre" states an event, not a deadline.
_WEAK_DEADLINE = {"it": r"fino al|sino al|al", "en": r"by|until|till|to|through", "fr": r"au"}
_WEAK_OPENS = {"it": r"dal|dall'", "en": r"from|starting", "fr": r"du|a partir de"}
_WEAK_GAP = 12
_SENTENCE_ENDS = (". ", "! ", "? ", "; ")
_DAY_RANGE = re.compile(r"\b\d{1,2}\s*(?:\w{1,5}|[-–])\s*$")
_PERIOD = re.compile(
    rf"\b(?:dal|from|du)\s+(\d{{1,2}})(?:er)?(?:\s+({_MONTH_ALT}))?\s+(?:al|to|au|[-–])\s+(\d{{1,2}})\s+"
    rf"({_MONTH_ALT})\s+(\d{{4}})\b"
)
_STRONG_GAP = 70
_SUBJECT = re.compile(
    r"\b(?:domand[ae]|candidatur[ae]s?|iscrizion[ei]|registrazion[ei]|adesion[ei]|presentazione|invio|"
    r"sportello|bando|bandi|avviso|call|appel|voucher|grants?|applications?|apply|register|registrations?|"
    r"submissions?|submit(?:ted)?|proposals?|inscriptions?|dossiers?|depot|postuler)\b"
)
# What shows a page is open to applicants, for telling a call from a story about one.
_APPLICATIONS = re.compile(
    r"\b(?:domand[ae](?! frequenti)|candidatur[ae]s?|iscrizion[ei]|registrazion[ei]|adesion[ei]|applications?|"
    r"apply|register|registrations?|submissions?|inscriptions?|postuler|manifestazion[ei] di interesse)\b"
)
# Between two dates of one list ("15 March 2026, 15 June 2026 and …"): the second is what the first is.
_LIST_CONTINUES = re.compile(r"\s*(?:[,;]|\b(?:and|e|ed|et|or|o|ou)\b)?\s*(?:\n\s*[-*•]\s*)?")

_CALL = re.compile(
    r"\b(?:bando|bandi|avvis[oi]|call for (?:proposals|applications|projects|expressions? of interest)|"
    r"(?:open|la|the|una|nuova) call|grants?|funding|contribut[oi]|finanziament[oi]|agevolazion[ei]|voucher|"
    r"appels? a (?:projets|candidatures|manifestation d'interet)|subventions?|aides? financieres?|cheques?)\b"
)
_GRANT = re.compile(r"\b(?:bando|bandi|voucher|contribut[oi]|finanziament[oi]|grants?|funding|subventions?)\b")
_MISSION = re.compile(
    r"\b(?:mission[ei]?|missions?|fiera|fiere|trade fairs?|fairs?|salons?|b2b|incoming|roadshow|"
    r"delegazion[ei]|delegations?|collettiva|padiglione|pavilion|pavillon|expo)\b"
)

_SECTORS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(rf"\b(?:{words})\b"))
    for name, words in (
        ("textile", r"tessil[ei]|textiles?|tessuti|filati"),
        ("fashion", r"moda|fashion|(?:de la|la) mode|abbigliamento|apparel|habillement"),
        ("advanced materials", r"materiali avanzati|nuovi materiali|advanced materials|materiaux avances|compositi"),
        ("ICT", r"ict|digitale|digital|numerique|software|intelligenza artificiale|artificial intelligence|"
                r"intelligence artificielle|cybersecurity|cybersecurite"),
        ("agrifood", r"agroalimentare|agrifood|agri-food|agroalimentaire|food(?: and| &) beverage|alimentare|"
                     r"vino|wine|vins?"),
        ("mechanics", r"meccanica|meccatronica|mechanics|mechanical engineering|mecanique|machinery|macchinari"),
        ("health", r"salute|sanita|health(?:care)?|sante|medical|medicale|dispositivi medici|medical devices|"
                   r"life sciences|scienze della vita|sciences de la vie"),
        ("energy", r"energia|energy|energie|rinnovabili|renewables?|renouvelables?"),
        ("automotive", r"automotive|automobile|automobilistico"),
        ("aerospace", r"aerospazio|aerospaziale|aerospace|aerospatiale?|aeronautica|aeronautique|space economy"),
        ("furniture", r"arredo|arredamento|furniture|ameublement|mobilier"),
        ("chemicals", r"chimica|chemicals?|chimie"),
        ("construction", r"edilizia|costruzioni|construction|batiment"),
        ("logistics", r"logistica|logistics|logistique"),
        ("tourism", r"turismo|tourism|tourisme"),
    )
)  # fmt: skip

_NUMBER = r"\d{1,3}(?:[.,'’ ]\d{3}){1,4}(?:[.,]\d{1,2})?|\d{1,9}(?:[.,]\d{1,2})?"  # bounded: no runaway backtracking
_SCALE = r"(?: ?(?:mila|milioni|million|millions|mln|k)\b)?"
_AMOUNT = re.compile(
    rf"(?<![\w.,])(?:(?:€|\beur\b|\beuro\b) ?(?:{_NUMBER}){_SCALE}|(?:{_NUMBER}){_SCALE} ?(?:€|eur\b|euros?\b)"
    rf"|(?:{_NUMBER}) ?(?:%|per ?cento\b|percent\b|pour ?cent\b))",
    re.IGNORECASE,
)
_TABLE_SEPARATOR = re.compile(r"\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?")


@dataclass(frozen=True)
class CallFields:
    """The fields a call or mission page states; each is empty when the page does not state it."""

    kind: Literal["call", "mission"] | None
    opens: dt.date | None
    deadline: dt.date | None
    amounts: tuple[str, ...]
    """Money and shares as written ("5.000 euro", "€ 2.500", "50%")."""
    countries: tuple[str, ...]
    sectors: tuple[str, ...]
    """Canonical English sector names ("textile", "ICT", "agrifood")."""
    starts: dt.date | None = None
    ends: dt.date | None = None
    """An event's days ("dal 12 al 16 ottobre 2027"): a mission's or a fair's, when the page states them."""


@dataclass(frozen=True)
class _Mention:
    start: int
    end: int
    day: dt.date | None
    """``None`` for a day and month whose year is not known."""
    month_day: tuple[int, int]


_Dated = tuple[int, int, dt.date]  # where a date is in the text, and the day it names


def detect_call_fields(title: str, text: str, language: str | None = None) -> CallFields:
    """The call fields of a page with ``title`` and ``text`` (Markdown); ``language`` ('it', 'en', 'fr')
    picks which short words ("al", "by", "du") may mark a date: every language's when unknown."""
    prose = _untable(f"{title}\n\n{text[:_MAX_CHARS]}")
    folded = fold_accents(prose)
    opens, deadlines = _classify(folded, _dates(folded), language)
    evidence = bool(opens or deadlines) or bool(_APPLICATIONS.search(folded))
    starts, ends = _period(folded)
    return CallFields(
        kind=_kind(fold_accents(title), folded, evidence),
        opens=min(opens, default=None),
        deadline=max(deadlines, default=None),
        amounts=tuple(dict.fromkeys(" ".join(m.group(0).split()) for m in _AMOUNT.finditer(prose)))[:8],
        countries=tuple(countries_in(prose)[:10]),
        sectors=_sectors(folded),
        starts=starts,
        ends=ends,
    )


def _period(folded: str) -> tuple[dt.date | None, dt.date | None]:
    """The first event period the text states ("dal 12 al 16 ottobre 2027", "from 12 to 16 October
    2027", "du 30 septembre au 4 octobre 2027"), or ``(None, None)``."""
    for match in _PERIOD.finditer(folded):
        first_day, first_month, last_day, last_month, year = match.groups()
        end_month = _MONTHS[last_month]
        start_month = _MONTHS[first_month] if first_month else end_month
        try:
            starts = dt.date(int(year) - (start_month > end_month), start_month, int(first_day))
            ends = dt.date(int(year), end_month, int(last_day))
        except ValueError:
            continue
        if starts <= ends:
            return starts, ends
    return None, None


def _untable(text: str) -> str:
    """Markdown table rows as "header: cell; header: cell" lines, so that a cell has its phrase."""
    lines: list[str] = []
    header: list[str] | None = None
    for line in text.split("\n"):
        stripped = line.strip()
        if not stripped.startswith("|"):
            header = None
            lines.append(line)
        elif not _TABLE_SEPARATOR.fullmatch(stripped):
            cells = [cell.strip() for cell in stripped.strip("|").split("|")]
            if header is None:
                header = cells
                lines.append("; ".join(cells))
            else:
                lines.append("; ".join(f"{h}: {c}" if h else c for h, c in zip(header, cells, strict=False)))
    return "\n".join(lines)


def _dates(folded: str) -> list[_Dated]:
    """Every date in the text, in order, overlaps resolved in favour of the longer match."""
    found: list[_Mention | None] = []
    for match in _ISO.finditer(folded):
        found.append(_mention(match, match[1], match[2], match[3]))
    for match in _NUMERIC.finditer(folded):
        year = match[4] if len(match[4]) == 4 else f"20{match[4]}"
        day, month = (match[1], match[3]) if int(match[3]) <= 12 else (match[3], match[1])  # 06/30/2026
        found.append(_mention(match, year, month, day))
    for match in _DAY_MONTH.finditer(folded):
        found.append(_mention(match, match[3], str(_MONTHS[match[2]]), match[1]))
    for match in _MONTH_DAY.finditer(folded):
        found.append(_mention(match, match[3], str(_MONTHS[match[1]]), match[2]))
    valid = sorted((m for m in found if m is not None), key=lambda m: (m.start, m.start - m.end))
    mentions: list[_Mention] = []
    for mention in valid:
        if not mentions or mention.start >= mentions[-1].end:
            mentions.append(mention)
        if len(mentions) >= _MAX_MENTIONS:
            break
    return _borrow_years(mentions)


def _mention(match: re.Match[str], year: str | None, month: str, day: str) -> _Mention | None:
    """The date a match states, or ``None`` if it is no real date (31/02, year 1850)."""
    try:
        value = dt.date(int(year or 2000), int(month), int(day))  # 2000: a leap year, for a yearless 29 Feb
    except ValueError:
        return None
    if year is not None and not _YEAR_RANGE[0] <= value.year <= _YEAR_RANGE[1]:
        return None
    return _Mention(match.start(), match.end(), value if year else None, (value.month, value.day))


def _borrow_years(mentions: list[_Mention]) -> list[_Dated]:
    """A day and month without a year take the year of the full date right after them, as in
    "dal 1 marzo al 30 giugno 2026" (the year before, in "dal 15 dicembre al 31 gennaio 2027")."""
    dated: list[_Dated] = []
    for index, mention in enumerate(mentions):
        following = mentions[index + 1] if index + 1 < len(mentions) else None
        if mention.day is not None:
            dated.append((mention.start, mention.end, mention.day))
        elif following is not None and following.day is not None and following.start - mention.end <= 40:
            year = following.day.year
            if mention.month_day > (following.day.month, following.day.day):
                year -= 1
            try:
                dated.append((mention.start, mention.end, dt.date(year, *mention.month_day)))
            except ValueError:  # 29 February of a common year
                continue
    return dated


def _classify(folded: str, mentions: list[_Dated], language: str | None) -> tuple[list[dt.date], list[dt.date]]:
    """The opening and deadline dates: each date takes the category of the nearest phrase before it
    in its sentence (a label on the line above counts: "Scadenza" over "30 giugno 2026")."""
    weak_deadline, weak_opens = _weak_cues(language if language in _WEAK_DEADLINE else None)
    opens: list[dt.date] = []
    deadlines: list[dt.date] = []
    previous_end = 0
    previous: str | None = None
    for start, end, day in mentions:
        context = _sentence_end(folded[max(previous_end, start - 80) : start], breaks=_SENTENCE_ENDS)
        category = _nearest_cue(context)
        if category is None and previous_end and _LIST_CONTINUES.fullmatch(folded, previous_end, start):
            category = previous
        sentence = _sentence_end(folded[max(0, start - 200) : start], breaks=(*_SENTENCE_ENDS, "\n"))
        if category == "deadline" and _nearest_cue(context.rsplit("\n", 1)[-1]) is None:
            # The cue is a label on a line above ("## Scadenza e domanda"); on the date's own line,
            # "le domande si presentano dal 1 febbraio" opens the window the label is about.
            tail = context[-_WEAK_GAP:]
            if _SUBJECT.search(sentence) and not _DAY_RANGE.search(tail) and weak_opens.search(tail):
                category = "opens"
        if category is None and _SUBJECT.search(sentence):
            tail = context[-_WEAK_GAP:]
            if not _DAY_RANGE.search(tail):  # "dal 12 al 16 ottobre": the days of an event
                category = "deadline" if weak_deadline.search(tail) else "opens" if weak_opens.search(tail) else None
        previous_end, previous = end, category
        if category == "deadline":
            deadlines.append(day)
        elif category == "opens":
            opens.append(day)
    return opens, deadlines


def _sentence_end(window: str, breaks: tuple[str, ...]) -> str:
    """The end of ``window`` after its last sentence break: "…entro 12 mesi. La fiera si terrà il"
    keeps "La fiera si terrà il", so the "entro" of another sentence does not reach the date."""
    cut = max(window.rfind(mark) for mark in breaks)
    return window[cut + 1 :]


@cache
def _weak_cues(language: str | None) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The short deadline and opening words of ``language`` (of all three if ``None``), right before a date."""
    codes = [language] if language else list(_WEAK_DEADLINE)
    deadline = "|".join(_WEAK_DEADLINE[code] for code in codes)
    opens = "|".join(_WEAK_OPENS[code] for code in codes)
    # A dash joins a range ("1 marzo 2026 – 30 giugno 2026") in every language.
    return re.compile(rf"(?:\b(?:{deadline})|[-–])\s*$"), re.compile(rf"\b(?:{opens})\s*$")


def _nearest_cue(context: str) -> str | None:
    """The category ("deadline", "opens", "published") of the phrase closest before a date, if near enough."""
    best: tuple[int, str] | None = None
    for category, pattern in (("deadline", _DEADLINE), ("opens", _OPENS), ("published", _PUBLISHED)):
        for match in pattern.finditer(context):
            gap = len(context) - match.end()
            if gap <= _STRONG_GAP and (best is None or gap < best[0]):
                best = (gap, category)
    return best[1] if best else None


def _kind(folded_title: str, folded: str, evidence: bool) -> Literal["call", "mission"] | None:
    """A call or a mission when the page names one and shows it is open to applicants (dates or
    "domande", "apply", "inscriptions"); a news story about last year's fair is neither."""
    if not evidence:
        return None
    if _MISSION.search(folded_title) and not _GRANT.search(folded_title):
        return "mission"
    if _CALL.search(folded_title):
        return "call"
    calls = sum(1 for _ in islice(_CALL.finditer(folded), 50))
    missions = sum(1 for _ in islice(_MISSION.finditer(folded), 50))
    if not calls and not missions:
        return None
    return "call" if calls >= missions else "mission"


def _sectors(folded: str) -> tuple[str, ...]:
    first_seen = [(match.start(), name) for name, pattern in _SECTORS if (match := pattern.search(folded))]
    return tuple(name for _, name in sorted(first_seen))[:8]
