"""What the extractive composer checks about a candidate line — the same document as the lead,
a restated title or an earlier line, another country's, a translation of a page already
quoted — and how the picked lines are laid out with their source numbers."""

from __future__ import annotations

from collections.abc import Sequence

from bot.answers.composers.line_scoring import PassageStanding
from bot.answers.composers.source_lines import BULLET, LABEL, Unit
from knowledge.countries import countries_in
from knowledge.language import detect_language
from retrieval.passages import Passage


def same_document(lead: Unit, units: list[Unit], standing: PassageStanding) -> list[Unit]:
    """Context for the lead, most useful first: its passage's lines nearest to it (the one
    after before the one before), then the other retrieved chunks of its document (a page
    split in two: its list goes on in the next chunk)."""
    own = [u for u in units if u.passage == lead.passage and u is not lead]
    own.sort(key=lambda u: (abs(u.position - lead.position), u.position < lead.position))
    document = standing.doc_ids[lead.passage]
    others = [u for u in units if u.passage != lead.passage and standing.doc_ids[u.passage] == document]
    others.sort(key=lambda u: (standing.chunk_ids[u.passage], u.position))
    return own + others


def laid_out(picked: list[Unit], numbers: dict[int, int]) -> str:
    """The lead as a paragraph of its own, then the rest; every sentence cites its source, a list
    once at its end."""
    lines: list[str] = []
    for position, unit in enumerate(picked):
        marker = f" [{numbers[unit.passage]}]"
        following = picked[position + 1] if position + 1 < len(picked) else None
        continues_list = (
            unit.bullet and following is not None and following.bullet and following.passage == unit.passage
        )
        text = ("- " if unit.bullet else "") + BULLET.sub("", unit.text)
        lines.append(text if continues_list else text + marker)
        if position == 0 and not continues_list:
            lines.append("")
    return "\n".join(lines).strip()


def quoted_languages(picked: list[Unit], standing: PassageStanding) -> list[str]:
    """The languages, other than the question's, of the sources quoted (their text decides:
    a French section of an Italian page is French)."""
    found: set[str] = set()
    for index in {u.passage for u in picked if standing.foreign(u.passage)}:
        text = " ".join(u.text for u in picked if u.passage == index)
        language = detect_language(text, default=standing.languages[index])
        if language and language != standing.language:
            found.add(language)
    return sorted(found)


def other_countries(question: str, passages: Sequence[Passage]) -> set[int]:
    """Passages about another country than the one the question names (Canada's rule for a Japan question)."""
    named = set(countries_in(question))
    if not named:
        return set()
    return {
        i for i, p in enumerate(passages)
        if (own := set(p.countries) | set(countries_in(p.title))) and not own & named
    }  # fmt: skip


def is_translated(own: Passage, passages: Sequence[Passage], language: str) -> bool:
    """A record's translation when the record is also there in the asker's language."""
    if not own.language or own.language == language:
        return False
    return any(p.source == own.source and p.language == language for p in passages)


def restates_title(unit: Unit, title_terms: frozenset[str], title: str) -> bool:
    """``Mission: <the title>`` says nothing the source list does not (a list item always does, and
    so does the line introducing one: "The programme is implemented through:")."""
    if unit.bullet or unit.text.endswith(":"):
        return False
    if not unit.facts - {f for f in unit.facts if f.startswith("num:")} and len(unit.terms - title_terms) <= 1:
        return True
    label = LABEL.match(unit.text)
    return label is not None and unit.text[label.end() :].strip().casefold() == title.strip().casefold()


def restates_picked(unit: Unit, picked: list[Unit], doc_ids: list[str]) -> bool:
    """A line of the same document whose facts were all quoted already (a catalog entry's translation)."""
    if not unit.facts:
        return False
    quoted = {f for u in picked if doc_ids[u.passage] == doc_ids[unit.passage] for f in u.facts}
    return unit.facts <= quoted
