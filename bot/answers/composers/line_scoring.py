"""How well a quotable line answers a question: the rules' score and what it is made of.

``LineScorer`` scores each unit (``bot.answers.composers.source_lines``) for one question or one
part of it: the question's rare words it shares (title words count less, cognates count
in another language), the kinds of fact asked that it carries (a date of the year asked,
an amount, a count of what is asked), the signals of a contact or a procedure, the costs
it speaks of, the heading or FAQ question it sits under, its place in its passage and its
passage's rank. ``ScoreParts`` keeps the pieces apart so the learned line ranker
(``bot.answers.composers.line_ranker``) can weigh them itself.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.answers.composers.asked import Ask, FactKind
from bot.answers.composers.source_lines import Unit
from bot.answers.composers.unit_facts import FACT_PREFIX, SIGNAL_BONUS, YEAR, carries, counts, dated_otherwise
from retrieval.passages import Passage
from retrieval.text_analysis import cognate_prefixes, passage_terms, query_terms

DEFINITION = re.compile(
    r"\b(cosa\s+si\s+intende|cos['’]\s*è|che\s+cos['’]\s*è|cosa\s+significa|cosa\s+vuol\s+dire|definizione|"
    r"what\s+(is|are)\s+(an?\s+|the\s+)?\w+\s*\??$|what\s+does\b.*\bmean|what\s+counts\s+as|definition|"
    r"qu['’]est-ce\s+qu|c['’]est\s+quoi|que\s+(signifie|veut\s+dire)|définition)",
    re.IGNORECASE,
)
"""A question asking what a term means: the glossary answers it, wherever it ranked."""
_DEFINES = re.compile(
    r"\b(means|is\s+defined\s+as|refers\s+to|si\s+intende|significa|indica|è\s+definit[oa]|désigne|signifie|"
    r"on\s+entend|se\s+définit)\b",
    re.IGNORECASE,
)
"""A sentence that defines: what a definition question wants to lead with."""

OPENING_BONUS = 0.5
PASSAGE_DECAY = 0.15
TITLE_WORD = 0.4
COGNATE_WEIGHT = 0.5
SECTION_WORD = 1.5
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


@dataclass(frozen=True)
class ScoreParts:
    """A line's score under the rules, and the signals it is made of."""

    score: float
    overlap: float
    """The question's words it shares, rarer words counting more, title words less."""
    kinds: int
    """Kinds of fact asked (date, amount, share, time) that it carries."""
    counted: bool
    """A number counting what a "how many" asks about."""
    signals: float
    """Contact, procedure, documents or eligibility signals asked for."""
    listed: float
    """A list item when a list is asked for."""
    polarity: float
    """Eligible costs asked and excluded ones given (negative), or the other way round."""
    section: float
    """Under a heading or a FAQ question sharing the question's words."""
    defines: float
    foreign: bool
    rank: int
    """Its passage's retrieval rank (capped at 3)."""
    dated_otherwise: bool
    """Its dates are all of other years than the question names."""


@dataclass(frozen=True)
class PassageStanding:
    """What the composer knows of each chosen passage (by index)."""

    language: str
    languages: list[str | None]
    doc_ids: list[str]
    records: set[int]
    """Catalog records (a list of fields, not prose)."""
    rank: dict[int, int]
    """Retrieval rank, or for a definition the glossary's entry first."""
    title_terms: list[frozenset[str]]
    headings: list[frozenset[str]]
    """Each passage's own section heading's stems (not the document's title)."""
    chunk_ids: list[str]

    @classmethod
    def of(
        cls,
        question: str,
        language: str,
        passages: Sequence[Passage],
        ranked: int | None = None,
        answering: dict[int, int] | None = None,
    ) -> PassageStanding:
        """``passages[ranked:]`` are neighbours: each ranks as the passage of its document it neighbours;
        a passage in ``answering`` (a FAQ answer cut from its question) ranks as its question's."""  # fmt: skip
        rank = {i: i for i in range(len(passages))}
        first_of: dict[str, int] = {}
        for i, p in enumerate(passages):
            if ranked is not None and i >= ranked:
                rank[i] = first_of.get(p.doc_id, i)
            first_of.setdefault(p.doc_id, i)
        years = set(YEAR.findall(question))
        for i, p in enumerate(passages):
            if years and (titled := set(YEAR.findall(p.title))) and not titled & years:
                rank[i] += 3  # another edition's page ("Bando 2022" for a question on 2024): last
        glossary = [i for i, p in enumerate(passages) if p.kind == "glossary"][:1]
        if glossary and DEFINITION.search(question):
            rank = {i: 0 if i in glossary else i + 1 for i in range(len(passages))}
        for answer, asked_in in (answering or {}).items():
            rank[answer] = rank[asked_in]  # the question's FAQ entry, whatever the answer's own rank
        return cls(
            language=language,
            languages=[p.language for p in passages],
            doc_ids=[p.doc_id for p in passages],
            records={i for i, p in enumerate(passages) if "#" in p.source},
            rank=rank,
            title_terms=[frozenset(passage_terms(p.title, p.language)) for p in passages],
            chunk_ids=[p.chunk_id for p in passages],
            headings=[
                frozenset(passage_terms(p.section[-1], p.language)) if p.section and p.section[-1] != p.title
                else frozenset()
                for p in passages
            ],
        )  # fmt: skip

    def foreign(self, index: int) -> bool:
        """The passage is in another language than the question."""
        return bool(self.languages[index]) and self.languages[index] != self.language


@dataclass
class LineScorer:
    """Scores units for one question (or one part of it)."""

    question: str
    ask: Ask
    units: list[Unit]
    standing: PassageStanding
    kinds: frozenset[FactKind] = field(default_factory=frozenset)
    terms: set[str] = field(default_factory=set)
    own_terms: set[str] = field(default_factory=set)
    """The question's own words' stems, without their translations."""
    frequency: dict[str, int] = field(default_factory=dict)

    section_overlap: dict[int, float] = field(default_factory=dict)
    prefixes: set[str] = field(default_factory=set)
    defines: bool = False
    """The question asks what something means."""
    years: list[str] = field(default_factory=list)
    """The years the question names."""

    def __post_init__(self) -> None:
        # Numbers are facts, not words: "2022" in "FIHAV 2022" would draw every date of that edition.
        self.terms = {t for t in query_terms(self.question) if not t.isdigit()}
        self.own_terms = {t for t in query_terms(self.question, expand=False) if not t.isdigit()}
        self.prefixes = cognate_prefixes(self.own_terms)
        self.defines = bool(DEFINITION.search(self.question))
        self.years = YEAR.findall(self.question)
        for index, heading in enumerate(self.standing.headings):
            shared = (heading & self.own_terms) - self.standing.title_terms[index]
            if shared:
                self.section_overlap[index] = len(shared) / max(1, len(self.own_terms))
        for unit in self.units:
            for term in unit.terms & self.terms:
                self.frequency[term] = self.frequency.get(term, 0) + 1

    def __call__(self, unit: Unit) -> float:
        """The rules' score of ``unit`` as an answer to the question."""
        return self.parts(unit).score

    def parts(self, unit: Unit) -> ScoreParts:
        """The rules' score of ``unit`` and what it is made of (the learned ranker's features)."""
        # A word of the passage's title (the mission's country, the call's name) says which
        # document, not what it answers: it counts for less.
        title = self.standing.title_terms[unit.passage]
        overlap = sum(
            (TITLE_WORD if t in title else 1.0) / math.sqrt(self.frequency[t]) for t in unit.terms & self.terms
        )
        if self.standing.foreign(unit.passage):
            # No stemmer makes "prospection" and "prospezione" one word; their first letters do.
            overlap += COGNATE_WEIGHT * len(cognate_prefixes(unit.terms - self.terms) & self.prefixes)
        # A definition is one sentence, whatever else the question's words suggest ("…expenditure … eligibility").
        listed = 0.6 if "list" in self.kinds and unit.bullet and not self.defines else 0.0
        # (A date counts in the years the question names only: the 2021 window is no answer for the 2022 fund.)
        kinds = sum(
            1
            for k in self.kinds
            if k in FACT_PREFIX
            and k != "num"
            and carries(unit, k)
            and not (k == "date" and dated_otherwise(unit, self.years))
        )
        counted = "num" in self.kinds and counts(unit, self.own_terms, "duration" in self.kinds)
        signals = sum(SIGNAL_BONUS[k] for k in self.kinds if k in SIGNAL_BONUS and k in unit.signals)
        if "contact" in self.kinds and _EMAIL.search(unit.text):
            signals += 0.8
        bonus = listed + 1.5 * kinds + (1.5 if counted else 0.0) + signals
        if overlap == 0:
            bonus *= 0.3  # a fee is no answer to "how much is the visa?": the fact must be about the subject
        polarity = self._polarity(unit)
        # Under a heading that asks or names what the question does (a FAQ's question, a
        # glossary's term), a line answers it without repeating its words.
        section = SECTION_WORD * self.section_overlap.get(unit.passage, 0.0)
        if unit.under:  # the answer under a FAQ's question line that asks what this question does
            section += SECTION_WORD * len((unit.under & self.own_terms) - title) / max(1, len(self.own_terms))
        defines = 1.5 if self.defines and _DEFINES.search(unit.text) else 0.0  # "'Excessive' means paying…"
        bonus += polarity + section + defines
        # A quote in the asker's language reads better: a small preference, not a filter.
        language = 0.0 if self.standing.foreign(unit.passage) else 0.15
        # A section opens with its point ("Sì, ma solo un partecipante…" under the FAQ's question).
        opening = OPENING_BONUS / (1 + unit.position)
        rank = min(self.standing.rank[unit.passage], 3)
        decay = 1.0 - PASSAGE_DECAY * rank
        # A question is not an answer.
        score = 0.3 * (overlap + bonus) if unit.asks else (overlap + bonus + language + opening) * decay
        return ScoreParts(
            score=score, overlap=overlap, kinds=kinds, counted=counted, signals=signals, listed=listed,
            polarity=polarity, section=section, defines=defines, foreign=self.standing.foreign(unit.passage),
            rank=rank, dated_otherwise=bool(self.years) and dated_otherwise(unit, self.years),
        )  # fmt: skip

    def _polarity(self, unit: Unit) -> float:
        """Eligible costs asked: excluded ones are the wrong answer, and the other way round."""
        asked = self.ask.costs
        if asked is None or unit.polarity is None:
            return 0.0
        if asked == unit.polarity:
            return 1.5 if asked == "not_eligible" else 0.5
        return -2.5 if unit.polarity == "not_eligible" else -1.0
