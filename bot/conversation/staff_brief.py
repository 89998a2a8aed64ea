"""What the staff's request record says the SME asked: her question(s), and the call or mission she named.

The line that asks for a person ("je voudrais parler à un conseiller") is not what staff need:
her question is, and it may sit in the same message as her name and e-mail, or a few messages
earlier. The call or mission shown beside it is the one her own words name (her company's name,
"PMI" or a month name none); one the assistant only took from the conversation is marked so.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.answers.catalog_answers import CatalogDesk
from bot.conversation.contact_details import Details
from bot.conversation.turns import QUESTIONISH
from bot.conversation.understanding import rule_intent
from knowledge.catalog import Call, Mission
from knowledge.countries import countries_in
from knowledge.store import CatalogRecord

SUMMARY_CHARS = 300
"""The longest summary (what the staff notice and the console's "Domanda" show)."""
_SENTENCES = re.compile(
    r"(?<=[!?…])\s+|(?<=[^\s.]{2}\.)\s+(?=[A-ZÀ-ÖØ-Þ\"«“(<])|\n+|:\s+|\s*\.\.\.\s*|\s+(?i:anyway|comunque|bref)\b[.,]*\s*"
)
"""Sentence ends ("n. 4521" and "S.r.l. e" are none), lines, and where an aside ends ("… anyway", ": ")."""
_GREETING = re.compile(
    r"^(?:ciao|salve|buongiorno|buonasera|hello|hi|hey|good\s+(?:morning|afternoon|evening)|bonjour|bonsoir|salut)"
    r"\b[\s,!.:-]*",
    re.IGNORECASE,
)
_NOT_ASKED = frozenset({"human_request", "greeting", "thanks", "injection", "abuse", "off_topic"})
"""A sentence that asks for a person, greets, thanks, instructs the assistant or is off topic asks staff nothing."""
_NOT_NAMING = frozenset(
    "pmi pme sme smes pmes mpmi gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre "
    "novembre dicembre january february march april may june july august september october november december "
    "janvier février mars avril mai juin juillet août septembre octobre décembre".split()
)
"""Words that describe the SME or a date, not a call, even where a call's title has them ("PMI piemontesi")."""


@dataclass(frozen=True)
class StaffTopic:
    """The calls and missions the request is about, and whether the SME named them or the assistant inferred them."""

    titles: tuple[str, ...] = ()
    inferred: bool = False


def asked_in(text: str, *, loose: bool = False) -> str:
    """The sentences of a message that ask staff something: questions, a case of her own; not a
    greeting, the request for a person, her name and e-mail, nor instructions to the assistant.

    ``loose``: a message the assistant took as a question counts whole even without a question
    word ("info missione Giappone").
    """
    kept = []
    for raw in _SENTENCES.split(text[:4000]):
        sentence = _GREETING.sub("", raw.strip()).strip()
        if not any(ch.isalpha() for ch in sentence):
            continue
        intent = rule_intent(sentence)
        if intent in _NOT_ASKED:
            continue
        if "?" in sentence or QUESTIONISH.search(sentence) or intent in ("personal_case", "staff_task"):
            kept.append(sentence)
    if not kept and loose:
        rest = _GREETING.sub("", text.strip()).strip()
        kept = [rest] if len(rest.split()) >= 3 else []
    return _bounded(" ".join(kept))


def request_line(text: str) -> str:
    """What a message that asks for a person says, without the details beside it (the summary when
    the SME asked nothing else)."""
    sentences = [s.strip() for s in _SENTENCES.split(text) if s.strip()]
    asking = [s for s in sentences if rule_intent(s) == "human_request"]
    return _bounded(" ".join(asking) if asking and len(asking) < len(sentences) else text)


def staff_summary(questions: Sequence[str], fallback: str) -> str:
    """The last question, with the one before when both fit; ``fallback`` when she asked none."""
    asked = [q for q in dict.fromkeys(questions) if q]
    if not asked:
        return _bounded(fallback)
    if len(asked) >= 2 and len(asked[-2]) + 1 + len(asked[-1]) <= SUMMARY_CHARS:
        return f"{asked[-2]}\n{asked[-1]}"
    return _bounded(asked[-1])


def staff_topic(desk: CatalogDesk, words: Sequence[str], details: Details, earlier: Sequence[str] = ()) -> StaffTopic:
    """The calls and missions the SME's own ``words`` name (her details taken out); failing that the one
    call or mission the conversation was about (``earlier``: the entry ids of the last answer), marked
    as inferred."""
    titles = tuple(record.entry.title for record in named_in(desk, without_details(" ".join(words), details)))
    if titles:
        return StaffTopic(titles)
    records = [desk.record(entry_id) for entry_id in earlier]
    offers = [r.entry.title for r in records if r is not None and isinstance(r.entry, Call | Mission)]
    return StaffTopic((offers[0],), inferred=True) if len(offers) == 1 else StaffTopic()


def named_in(desk: CatalogDesk, text: str) -> list[CatalogRecord]:
    """Missions by the country named, calls by two words of their title or one written as a name
    ("Piemonte", "EIC"): "notre PME textile" names no call even if one is for textiles SMEs."""
    missions = [r for r in desk.named("", countries_in(text)) if isinstance(r.entry, Mission)]
    words = [w for w in dict.fromkeys(re.findall(r"[^\W_][\w'’-]*", text)) if w.casefold() not in _NOT_NAMING]
    naming: dict[str, set[str]] = {}
    for word in words:
        for record in desk.named(word, ()):
            if isinstance(record.entry, Call):
                naming.setdefault(record.entry.id, set()).add(word)
    calls = [
        r
        for r in desk.records
        if len(naming.get(r.entry.id, ())) >= 2 or any(w[0].isupper() for w in naming.get(r.entry.id, ()))
    ]
    return [*missions, *calls]


def without_details(text: str, details: Details) -> str:
    """``text`` without the SME's name, company, e-mail and phone ("Textiles Lyon SARL" names no call)."""
    for value in details.as_dict().values():
        text = re.sub(re.escape(value), " ", text, flags=re.IGNORECASE)
    return text


def _bounded(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 1].rsplit(" ", 1)[0] + "…"
