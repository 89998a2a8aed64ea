"""The extractive composer: the answer is the sources' own sentences, best first, with citations.

No model, no paraphrase, so nothing can be invented: it picks the lines of the best
passages that share the most (rare) words with the question, prefers the line holding
the kind of fact asked for (a date for "entro quando", an amount for "quanto", the list
for "quali documenti"), leads with it, and lists the sources with section, page and
link, saying when a source is in another language than the question.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from bot.composers.base import Citation, Composition
from bot.phrases import language_name, say
from bot.understanding import looks_like_injection
from knowledge.facts import canonical_facts
from retrieval.passages import Passage
from retrieval.text_analysis import passage_terms, query_terms

FactKind = Literal["date", "money", "pct", "num", "list", "time", "any"]

_WANTS: tuple[tuple[FactKind, re.Pattern[str]], ...] = (
    ("list", re.compile(r"\b(documenti|allegat\w*|quali\s+spese|cosa\s+(devo\s+)?(allegare|portare)|"
                        r"documents?|attach\w*|which\s+costs|justificatifs?|pièces|quels\s+frais|requisiti|"
                        r"requirements)\b", re.I)),
    ("pct", re.compile(r"percentual\w*|%|\bpercentage|\bpourcentage|\bper\s+cento", re.I)),
    ("date", re.compile(r"\b(entro\s+quando|fino\s+a\s+quando|quando|scadenz\w*|data|date|deadline|when|until|"
                        r"by\s+when|quand|jusqu'à|délai|entro|tempo|how\s+long|combien\s+de\s+temps)\b", re.I)),
    ("money", re.compile(r"\b(quanto|quanti\s+soldi|import\w*|cost\w*|quota|massim\w*|tetto|how\s+much|fee|amount|"
                         r"maximum|grant|budget|combien|montant|coût\w*|plafond|cap)\b", re.I)),
    ("time", re.compile(r"\b(orari\w*|a\s+che\s+ora|hours|what\s+time|horaires?|à\s+quelle\s+heure)\b", re.I)),
    ("num", re.compile(r"\b(quant[ie]|how\s+many|combien\s+de|numero|number|quanto\s+tempo|how\s+long|durata|"
                       r"durée|quanto\s+(ci\s+)?(mette|vuole|impiega|dura))\b", re.I)),
)  # fmt: skip
_DEFINITION = re.compile(
    r"\b(cosa\s+si\s+intende|cos['’]\s*è|che\s+cos['’]\s*è|cosa\s+significa|cosa\s+vuol\s+dire|definizione|"
    r"what\s+(is|are)\s+(an?\s+|the\s+)?\w+\s*\??$|what\s+does\b.*\bmean|what\s+counts\s+as|definition|"
    r"qu['’]est-ce\s+qu|c['’]est\s+quoi|que\s+(signifie|veut\s+dire)|définition)",
    re.IGNORECASE,
)
"""A question asking what a term means: the glossary answers it, wherever it ranked."""
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")
_LABEL = re.compile(r"^[A-ZÀ-Ý][\w'’ ()./-]{1,40}\s?:\s")
"""``Scadenza: 15 marzo 2027`` — a field of a catalog entry: one line, never joined to the next."""
_URL_LINE = re.compile(r"^(url|link|sito|website|site)\s*:\s*\S+$", re.IGNORECASE)
_PAGE_FOOTER = re.compile(r"^(pagina|page|pag\.|p\.)\s*\d+(\s*(di|of|sur|/)\s*\d+)?$", re.IGNORECASE)
"""``Pagina 1 di 5``: a PDF's running footer, not the source's words."""
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=[A-ZÀ-Ý0-9«\"(])")


OPENING_BONUS = 0.5
PASSAGE_DECAY = 0.15


@dataclass(frozen=True)
class ExtractiveConfig:
    """How much of the sources an answer quotes."""

    passages: int = 3
    other_units: int = 2
    """Lines quoted from passages other than the lead's."""
    max_list_items: int = 10
    max_chars: int = 700
    """Budget for the lead's section (other passages' lines may add up to 300 more)."""


@dataclass(frozen=True)
class _Unit:
    passage: int
    position: int
    text: str
    bullet: bool
    terms: frozenset[str]
    facts: frozenset[str]


@dataclass(frozen=True)
class _Standing:
    """What the composer knows of each chosen passage (by index)."""

    same_language: set[int]
    """In the asker's language."""
    doc_ids: list[str]
    records: set[int]
    """Catalog records (a list of fields, not prose)."""
    rank: dict[int, int]
    """Retrieval rank, or for a definition the glossary's entry first."""

    @classmethod
    def of(cls, question: str, language: str, passages: Sequence[Passage]) -> _Standing:
        rank = {i: i for i in range(len(passages))}
        glossary = [i for i, p in enumerate(passages) if p.kind == "glossary"][:1]
        if glossary and _DEFINITION.search(question):
            rank = {i: 0 if i in glossary else i + 1 for i in range(len(passages))}
        return cls(
            same_language={i for i, p in enumerate(passages) if p.language == language},
            doc_ids=[p.doc_id for p in passages],
            records={i for i, p in enumerate(passages) if "#" in p.source},
            rank=rank,
        )


def wanted_facts(question: str) -> set[FactKind]:
    """The kinds of fact the question asks for ("quanto dà e che percentuale?" → money and pct)."""
    return {kind for kind, pattern in _WANTS if pattern.search(question)}


class ExtractiveComposer:
    """Quotes the best supporting lines of the best passages."""

    name = "extractive"

    def __init__(self, config: ExtractiveConfig | None = None) -> None:
        self._config = config or ExtractiveConfig()

    def compose(self, question: str, language: str, passages: Sequence[Passage]) -> Composition:
        """An answer quoting ``passages`` (best first) for ``question``, framed in ``language``."""
        chosen_passages = list(passages[: self._config.passages])
        units = [u for i, p in enumerate(chosen_passages) for u in _units(i, p)]
        if not units:
            return Composition("", [], self.name)
        titles = [frozenset(passage_terms(p.title, p.language)) for p in chosen_passages]
        units = [u for u in units if not _restates_title(u, titles[u.passage])]
        picked = self._pick(question, units, _Standing.of(question, language, chosen_passages))
        numbers: dict[int, int] = {}
        for unit in picked:
            numbers.setdefault(unit.passage, len(numbers) + 1)
        # The lead (the fact asked for) is a paragraph of its own; each following run of lines
        # from one source ends with that source's marker.
        blocks: list[list[str]] = [[]]
        previous: int | None = None
        for position, unit in enumerate(picked):
            if position == 1 or (previous is not None and unit.passage != previous and position > 1):
                blocks[-1][-1] += f" [{numbers[picked[position - 1].passage]}]"
                blocks.append([])
            blocks[-1].append(("- " if unit.bullet else "") + _BULLET.sub("", unit.text))
            previous = unit.passage
        blocks[-1][-1] += f" [{numbers[picked[-1].passage]}]"
        citations = [Citation.of(n, chosen_passages[index]) for index, n in numbers.items()]
        body = "\n\n".join("\n".join(block) for block in blocks)
        return Composition(body, citations, self.name)

    def _pick(self, question: str, units: list[_Unit], standing: _Standing) -> list[_Unit]:
        """The lead line, its section's context (not for a catalog record: a list of fields), and
        the best lines of the other passages."""
        records, rank = standing.records, standing.rank
        wanted = wanted_facts(question)
        terms = set(query_terms(question))
        document_frequency: dict[str, int] = {}
        for unit in units:
            for term in unit.terms & terms:
                document_frequency[term] = document_frequency.get(term, 0) + 1

        def score(unit: _Unit) -> float:
            overlap = sum(1 / math.sqrt(document_frequency[t]) for t in unit.terms & terms)
            bonus = 0.6 if "list" in wanted and unit.bullet else 0.0
            kinds = {_FACT_PREFIX[k] for k in wanted if _FACT_PREFIX[k]}
            bonus += 1.5 * sum(1 for prefix in kinds if any(f.startswith(prefix) for f in unit.facts))
            # A quote in the asker's language reads better: a small preference, not a filter.
            language = 0.15 if unit.passage in standing.same_language else 0.0
            # A section opens with its point ("Sì, ma solo un partecipante…" under the FAQ's question).
            opening = OPENING_BONUS / (1 + unit.position)
            return (overlap + bonus + language + opening) * (1.0 - PASSAGE_DECAY * min(rank[unit.passage], 3))

        ranked = sorted(units, key=lambda u: (-score(u), u.passage, u.position))
        # A definition leads with the glossary's entry when one was retrieved.
        # A record's bare field ("Paese: Stati Uniti", "Rimborso: vedi la regola") is no answer to lead with.
        leads = [u for u in ranked if not (u.passage in records and not u.facts and _LABEL.match(u.text))] or ranked
        lead = next((u for u in leads if rank[u.passage] == 0), leads[0])
        if lead.bullet and "list" in wanted:
            block = self._list_block(lead, units)
            if len(block) > 1:
                return block
        # The lead's own section gives it its context (conditions, exceptions, the other half
        # of a two-part answer): the rest of it follows in reading order, within a budget.
        picked = [lead]
        budget = self._config.max_chars
        kinds = {_FACT_PREFIX[k] for k in wanted if _FACT_PREFIX[k]}
        for unit in (u for u in units if u.passage == lead.passage and u is not lead):
            if _length(picked) + len(unit.text) > budget:
                break
            # A catalog record is a list of fields: only those holding the kind of fact asked for.
            if lead.passage in records and not any(f.startswith(tuple(kinds)) for f in unit.facts if kinds):
                continue
            if not _restates(unit, picked, standing.doc_ids):
                picked.append(unit)
        best = score(lead)
        extra = 0
        for unit in ranked[1:]:
            if extra >= self._config.other_units or score(unit) < 0.5 * best:
                break
            if unit.passage == lead.passage or unit.text in {u.text for u in picked}:
                continue
            if _restates(unit, picked, standing.doc_ids) or _length(picked) + len(unit.text) > budget + 300:
                continue
            picked.append(unit)
            extra += 1
        return picked

    def _list_block(self, lead: _Unit, units: list[_Unit]) -> list[_Unit]:
        same = [u for u in units if u.passage == lead.passage]
        start = end = same.index(lead)
        while start > 0 and same[start - 1].bullet:
            start -= 1
        while end + 1 < len(same) and same[end + 1].bullet:
            end += 1
        block = same[start : end + 1][: self._config.max_list_items]
        heading = same[start - 1] if start > 0 and not same[start - 1].bullet else None
        return ([heading] if heading else []) + block


def _length(units: list[_Unit]) -> int:
    return sum(len(u.text) for u in units)


def _restates_title(unit: _Unit, title_terms: frozenset[str]) -> bool:
    """``Mission: <the title>`` says nothing the source list does not."""
    return not unit.facts - {f for f in unit.facts if f.startswith("num:")} and len(unit.terms - title_terms) <= 1


def _restates(unit: _Unit, picked: list[_Unit], doc_ids: list[str]) -> bool:
    """A line of the same document whose facts were all quoted already (a catalog entry's translation)."""
    if not unit.facts:
        return False
    quoted = {f for u in picked if doc_ids[u.passage] == doc_ids[unit.passage] for f in u.facts}
    return unit.facts <= quoted


_FACT_PREFIX: dict[FactKind, str] = {
    "date": "date:", "money": "money:", "pct": "pct:", "num": "num:", "time": "time:", "list": "", "any": "",
}  # fmt: skip


def sources_block(citations: Sequence[Citation], language: str) -> str:
    """``Fonti:`` and one line per source: ``[1] Title — Section, p. 3 (link)``."""
    lines = [say("sources", language)]
    for citation in citations:
        line = f"[{citation.n}] {citation.label()}"
        if citation.url:
            line += f" – {citation.url}"
        if citation.language and citation.language != language:
            line += " " + say("source_in", language, name=language_name(citation.language, language))
        lines.append(line)
    return "\n".join(lines)


def answer_body(text: str, citations: Sequence[Citation], language: str) -> str:
    """A stored reply without the sources block it ends with (for channels that show the sources themselves)."""
    if not citations:
        return text
    block = sources_block(citations, language)
    return text[: -len(block)].rstrip() if text.endswith(block) else text


def _lines(text: str) -> list[str]:
    """Logical lines: a paragraph wrapped over several lines (Markdown, PDF) is joined back."""
    lines: list[str] = []
    for raw in text.split("\n"):
        line = raw.strip()
        if _PAGE_FOOTER.match(line):
            continue
        if not line:
            lines.append("")
            continue
        previous = lines[-1] if lines else ""
        # An indented line continues a list item; under a plain line it is a sub-item of its own.
        indented = raw.startswith(("  ", "\t")) and bool(_BULLET.match(previous))
        wrapped = (
            not _LABEL.match(line)
            and not _LABEL.match(previous)
            and not previous.endswith((".", "!", "?", ";"))
            and not (previous.endswith(":") and not line[0].islower())
            and (line[0].islower() or line[0].isdigit() or len(previous) >= 60)
        )
        continues = (
            previous and not _BULLET.match(line) and not line.startswith(("#", ">", "|")) and (indented or wrapped)
        )
        if continues:
            lines[-1] = f"{previous} {line}"
        else:
            lines.append(line)
    return [line for line in lines if line]


def _units(index: int, passage: Passage) -> list[_Unit]:
    """The passage's lines and sentences, each with its stems and facts."""
    units: list[_Unit] = []
    for stripped in _lines(passage.text):
        if stripped.startswith(("#", ">")) or set(stripped) <= set("-|: ") or _URL_LINE.match(stripped):
            continue
        bullet = bool(_BULLET.match(stripped))
        pieces = [stripped] if bullet else _SENTENCE_END.split(stripped)
        for piece in pieces:
            words = passage_terms(piece, passage.language)
            # "Ignore previous instructions…" inside a document is data: it is not quoted either.
            if len(words) < 2 or looks_like_injection(piece):
                continue
            units.append(_Unit(index, len(units), piece, bullet, frozenset(words), frozenset(canonical_facts(piece))))
    return units
