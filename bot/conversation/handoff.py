"""Handing a conversation to staff: office hours, and the details staff will need.

The assistant never promises a follow-up it cannot keep: it says when the desk will
read the request (office hours in the desk's time zone), and it only says "passed to
staff" once an escalation row exists.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.conversation.phrases import say

_DAY_NAMES = {
    "it": ("lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
}
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<!\w)(?:\+|00)?\d[\d\s./-]{6,}\d(?!\w)")
_DECLINE = re.compile(
    r"^\s*(no|non|nope|no\s+grazie|no\s+thanks?|non\s+merci|preferisco\s+(di\s+)?no|preferisco\s+non\w*|"
    r"i'?d\s+rather\s+not|rather\s+not|je\s+pr[ée]f[èe]re\s+pas|je\s+pr[ée]f[èe]re\s+ne\s+pas\w*|pas\s+maintenant)"
    r"\b[\s.!]*",
    re.IGNORECASE,
)
_COMPANY_MARK = re.compile(
    r"\b(?:azienda|impresa|ditta|società|company|firm|entreprise|soci[ée]t[ée])\s*[:\-]?\s*(.+)$", re.IGNORECASE
)
_LEGAL_FORM = re.compile(r"\b(s\.?r\.?l\.?s?|s\.?p\.?a\.?|s\.?n\.?c\.?|s\.?a\.?s\.?|ltd|llc|gmbh|sarl|sas|inc)\b", re.I)


@dataclass(frozen=True)
class OfficeHours:
    """When staff read requests: weekdays and opening hours in the desk's time zone."""

    timezone: str = "Europe/Rome"
    days: tuple[int, ...] = (0, 1, 2, 3, 4)
    """Weekdays open, Monday = 0."""
    opens: dt.time = dt.time(9, 0)
    closes: dt.time = dt.time(17, 0)

    def is_open(self, now: dt.datetime) -> bool:
        """True during office hours."""
        local = now.astimezone(ZoneInfo(self.timezone))
        return local.weekday() in self.days and self.opens <= local.time() < self.closes

    def next_opening(self, now: dt.datetime) -> dt.datetime:
        """The next time the desk opens after ``now`` (in the desk's time zone)."""
        zone = ZoneInfo(self.timezone)
        local = now.astimezone(zone)
        for offset in range(8):
            day = local.date() + dt.timedelta(days=offset)
            opening = dt.datetime.combine(day, self.opens, tzinfo=zone)
            if day.weekday() in self.days and opening > local:
                return opening
        raise ValueError("office hours have no open day")

    def expectation(self, now: dt.datetime, language: str) -> str:
        """An honest sentence on when staff will read the request."""
        if self.is_open(now):
            return say("office_open", language, until=self.closes.strftime("%H:%M"))
        opening = self.next_opening(now)
        local_now = now.astimezone(ZoneInfo(self.timezone))
        if opening.date() == local_now.date():
            when = {"it": "oggi alle", "en": "today at", "fr": "aujourd'hui à"}.get(language, "oggi alle")
        elif opening.date() == local_now.date() + dt.timedelta(days=1):
            when = {"it": "domani alle", "en": "tomorrow at", "fr": "demain à"}.get(language, "domani alle")
        else:
            day = _DAY_NAMES.get(language, _DAY_NAMES["it"])[opening.weekday()]
            at = {"it": "alle", "en": "at", "fr": "à"}.get(language, "alle")
            when = f"{day} {opening.day}/{opening.month} {at}"
        return say("office_closed", language, when=f"{when} {opening:%H:%M}")


@dataclass(frozen=True)
class Details:
    """What the SME told us for staff: company, e-mail, phone (any may be missing)."""

    company: str | None = None
    email: str | None = None
    phone: str | None = None
    declined: bool = False

    @classmethod
    def from_dict(cls, data: dict[str, str]) -> Details:
        """Details stored with the conversation."""
        return cls(company=data.get("company"), email=data.get("email"), phone=data.get("phone"))

    def as_dict(self) -> dict[str, str]:
        """The details that were given, for the escalation."""
        given = {"company": self.company, "email": self.email, "phone": self.phone}
        return {key: value for key, value in given.items() if value}

    def merged(self, other: Details) -> Details:
        """These details completed by ``other``'s."""
        return Details(
            company=self.company or other.company,
            email=self.email or other.email,
            phone=self.phone or other.phone,
            declined=self.declined or other.declined,
        )


def parse_details(text: str, topic_words: tuple[str, ...] = ()) -> Details:
    """Company, e-mail and phone from a reply like ``"Tessile Rossi srl, mario@rossi.it, 011 1234567"``.

    ``topic_words`` are the mission or call the SME named (removed before looking for a
    company name). "no" alone means the SME prefers not to say.
    """
    if _DECLINE.fullmatch(text.strip()) or (_DECLINE.match(text) and len(text.split()) <= 4):
        return Details(declined=True)
    email = next(iter(_EMAIL.findall(text)), None)
    rest = _EMAIL.sub(" ", text)
    phone_match = _PHONE.search(rest)
    phone = " ".join(phone_match.group(0).split()) if phone_match else None
    if phone_match:
        rest = rest.replace(phone_match.group(0), " ")
    company = None
    for raw_piece in re.split(r"[,;\n]", rest):
        piece = " ".join(raw_piece.split()).strip(" .:-")
        if not piece or any(word.casefold() in piece.casefold() for word in topic_words if word):
            continue
        marked = _COMPANY_MARK.search(piece)
        if marked:
            company = marked.group(1).strip(" .")
            break
        if _LEGAL_FORM.search(piece) and len(piece) <= 80:
            company = piece
            break
    return Details(company=company[:120] if company else None, email=email, phone=phone)


def missing_details(details: Details, has_topic: bool, language: str) -> list[str]:
    """What to ask for, in ``language`` (nothing once the SME declined)."""
    if details.declined:
        return []
    missing = []
    if not details.company:
        missing.append(say("detail_company", language))
    if not (details.email or details.phone):
        missing.append(say("detail_contact", language))
    if not has_topic:
        missing.append(say("detail_topic", language))
    return missing
