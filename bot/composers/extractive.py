"""The extractive composer: the answer is the sources' own sentences, best first, with citations.

No model, no paraphrase, so nothing can be invented. It works out what the question asks
(``bot.composers.asked``: a date, an amount, the eligible or the excluded costs, the
documents, the procedure, a contact — per part of a two-part question), reads the best
passages as clean units (``bot.composers.source_lines``: whole sentences and list items,
never menus, update stamps, table pipes or cut fragments), scores each unit by the
question's rare words, the kind of fact it carries and which costs it speaks of, leads
with the best one, keeps its list whole, adds the unit that answers each other part, and
cites every sentence. A quote in another language than the question's is said to be so.
When no quoted unit carries the kind of fact asked for, the composition says which kinds
are missing, so the assistant can say the documents do not state it and offer a person.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.composers.asked import Ask, FactKind, what_is_asked
from bot.composers.base import Citation, Composition
from bot.composers.source_lines import BULLET, LABEL, Unit, units_of
from bot.composers.unit_facts import (
    FACT_PREFIX,
    HARD_KINDS,
    SIGNAL_BONUS,
    YEAR,
    answers,
    carries,
    counts,
    dated_otherwise,
    states,
)  # fmt: skip
from bot.phrases import language_name, say
from knowledge.chunking import next_chunk_id
from knowledge.countries import countries_in
from knowledge.language import detect_language
from retrieval.passages import Passage
from retrieval.text_analysis import cognate_prefixes, passage_terms, query_terms

__all__ = ["ExtractiveComposer", "ExtractiveConfig", "answer_body", "sources_block"]

_DEFINITION = re.compile(
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
PART_MINIMUM = 1.0
"""A line answering a part without a kind of fact must score this much (it shares a word or two)."""
LEAD_FROM_TOP = 0.6
"""The best passage's best line leads unless another passage's line scores this much better (as a share)."""
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


@dataclass(frozen=True)
class ExtractiveConfig:
    """How much of the sources an answer quotes."""

    passages: int = 3
    """Passages the lead and its context come from."""
    reserve_passages: int = 5
    """Passages searched too for a part of the question the first ones do not answer."""
    other_units: int = 2
    """Lines quoted from passages other than the lead's."""
    max_list_items: int = 12
    max_chars: int = 900
    """Budget for the lead and its context, in characters."""
    other_chars: int = 400
    """Budget for the lines of other documents."""


@dataclass(frozen=True)
class _Standing:
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
    ) -> _Standing:
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
        if glossary and _DEFINITION.search(question):
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
class _Scorer:
    """Scores units for one question (or one part of it)."""

    question: str
    ask: Ask
    units: list[Unit]
    standing: _Standing
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
        self.defines = bool(_DEFINITION.search(self.question))
        self.years = YEAR.findall(self.question)
        for index, heading in enumerate(self.standing.headings):
            shared = (heading & self.own_terms) - self.standing.title_terms[index]
            if shared:
                self.section_overlap[index] = len(shared) / max(1, len(self.own_terms))
        for unit in self.units:
            for term in unit.terms & self.terms:
                self.frequency[term] = self.frequency.get(term, 0) + 1

    def __call__(self, unit: Unit) -> float:
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
        bonus = 0.6 if "list" in self.kinds and unit.bullet and not self.defines else 0.0
        # (A date counts in the years the question names only: the 2021 window is no answer for the 2022 fund.)
        bonus += 1.5 * sum(
            1
            for k in self.kinds
            if k in FACT_PREFIX
            and k != "num"
            and carries(unit, k)
            and not (k == "date" and dated_otherwise(unit, self.years))
        )
        if "num" in self.kinds and counts(unit, self.own_terms, "duration" in self.kinds):
            bonus += 1.5
        bonus += sum(SIGNAL_BONUS[k] for k in self.kinds if k in SIGNAL_BONUS and k in unit.signals)
        if "contact" in self.kinds and _EMAIL.search(unit.text):
            bonus += 0.8
        if overlap == 0:
            bonus *= 0.3  # a fee is no answer to "how much is the visa?": the fact must be about the subject
        bonus += self._polarity(unit)
        # Under a heading that asks or names what the question does (a FAQ's question, a
        # glossary's term), a line answers it without repeating its words.
        bonus += SECTION_WORD * self.section_overlap.get(unit.passage, 0.0)
        if unit.under:  # the answer under a FAQ's question line that asks what this question does
            bonus += SECTION_WORD * len((unit.under & self.own_terms) - title) / max(1, len(self.own_terms))
        if self.defines and _DEFINES.search(unit.text):
            bonus += 1.5  # "'Excessive' means paying significantly more…"
        if unit.asks:  # a question is not an answer
            return 0.3 * (overlap + bonus)
        # A quote in the asker's language reads better: a small preference, not a filter.
        language = 0.0 if self.standing.foreign(unit.passage) else 0.15
        # A section opens with its point ("Sì, ma solo un partecipante…" under the FAQ's question).
        opening = OPENING_BONUS / (1 + unit.position)
        decay = 1.0 - PASSAGE_DECAY * min(self.standing.rank[unit.passage], 3)
        return (overlap + bonus + language + opening) * decay

    def _polarity(self, unit: Unit) -> float:
        """Eligible costs asked: excluded ones are the wrong answer, and the other way round."""
        asked = self.ask.costs
        if asked is None or unit.polarity is None:
            return 0.0
        if asked == unit.polarity:
            return 1.5 if asked == "not_eligible" else 0.5
        return -2.5 if unit.polarity == "not_eligible" else -1.0


def _pending_question(units: list[Unit], passage: Passage, before: Sequence[Passage]) -> tuple[int, frozenset[str]]:
    """Which of ``before`` ends with a FAQ question that ``passage``, its next chunk, answers, and
    that question's stems (``(-1, frozenset())`` if none)."""
    for index, earlier in enumerate(before):
        if next_chunk_id(earlier.chunk_id) != passage.chunk_id:
            continue
        own = [u for u in units if u.passage == index]
        if own and own[-1].asks:
            return index, own[-1].terms
    return -1, frozenset()


def _opens_with_answer(unit: Unit, units: list[Unit], answers_on: set[int]) -> bool:
    """The unit is part of the answer a neighbour opens with (before the neighbour's own first question).

    The chunker may cut a FAQ between its question and its answer: the answer then leads
    like a line of the question's chunk would.
    """
    if unit.passage not in answers_on or not unit.under:
        return False
    first_question = next((u.position for u in units if u.passage == unit.passage and u.asks), None)
    return first_question is None or unit.position < first_question


class ExtractiveComposer:
    """Quotes the best supporting lines of the best passages."""

    name = "extractive"

    def __init__(self, config: ExtractiveConfig | None = None) -> None:
        self._config = config or ExtractiveConfig()

    def compose(
        self, question: str, language: str, passages: Sequence[Passage], neighbours: Sequence[Passage] = ()
    ) -> Composition:
        """An answer quoting ``passages`` (best first) for ``question``, framed in ``language``.

        ``neighbours`` are the chunks around the best passages in their documents
        (``HybridSearcher.neighbours``): never the lead, but read for a part of the question
        the passages leave unanswered.
        """
        # A catalog record's translation gives way to its version in the asker's language.
        kept = [p for p in passages if not _translated(p, passages, language)]
        chosen = kept[: self._config.reserve_passages]
        ranked_ids = {p.chunk_id for p in kept}
        ranked = len(chosen)
        chosen += [p for p in neighbours if p.chunk_id not in ranked_ids]
        units: list[Unit] = []
        answering: dict[int, int] = {}  # a chunk opening with the answer -> the chunk ending with its question
        for i, p in enumerate(chosen):
            asked_in, pending = _pending_question(units, p, chosen[: min(i, self._config.passages)])
            if pending:
                answering[i] = asked_in
            units += units_of(i, p, pending)
        standing = _Standing.of(question, language, chosen, ranked, answering)
        answers_on = set(answering)
        titles = standing.title_terms
        elsewhere = _other_countries(question, chosen)
        units = [
            u for u in units
            if not _restates_title(u, titles[u.passage], chosen[u.passage].title) and u.passage not in elsewhere
        ]  # fmt: skip
        if not units:
            return Composition("", [], self.name)
        ask = what_is_asked(question)
        picked = self._pick(question, ask, units, standing, answers_on)
        numbers: dict[int, int] = {}
        for unit in picked:
            numbers.setdefault(unit.passage, len(numbers) + 1)
        body = _layout(picked, numbers)
        foreign = _quoted_languages(picked, standing)
        if foreign:
            names = ", ".join(language_name(code, language) for code in foreign)
            body = f"{say('quoted_in_language', language, name=names)}\n\n{body}"
        citations = [Citation.of(n, chosen[index]) for index, n in numbers.items()]
        missing: set[str] = {
            k for kinds in ask.kinds if not any(states(u, k) for u in picked for k in kinds if k in FACT_PREFIX)
            for k in kinds if k in HARD_KINDS
        }  # fmt: skip
        if ask.costs == "not_eligible" and not any(u.polarity == "not_eligible" for u in picked):
            missing.add("excluded_costs")
        return Composition(body, citations, self.name, missing=frozenset(missing))

    def _pick(
        self, question: str, ask: Ask, units: list[Unit], standing: _Standing, answers_on: set[int]
    ) -> list[Unit]:
        """The lead and its context, then a unit answering each other part of the question
        (``answers_on``: neighbours opening with the answer to a ranked chunk's last question)."""
        main = [u for u in units if u.passage < self._config.passages or _opens_with_answer(u, units, answers_on)]
        main = main or units
        scorer = _Scorer(question, ask, main, standing, ask.all_kinds)
        picked = self._lead_and_context(scorer, main, standing)
        for part, kinds in zip(ask.parts, ask.kinds, strict=True):
            # One scorer per part: its words are stemmed once, not once per unit.
            part_scorer = _Scorer(part, ask, units, standing, kinds)
            words, own, years = part_scorer.terms, part_scorer.own_terms, part_scorer.years
            if len(ask.parts) == 1 and all(answers(u, kinds, own, years) for u in picked[:1]):
                break
            if not kinds:
                # "…and are bonuses to staff ok?": no kind of fact to look for, so the part is
                # answered by a line about what only it asks about, unless one is quoted already.
                block = self._about_part(part_scorer, part, units=units, picked=picked)
                picked.extend(u for u in block if u not in picked)
                continue
            if any(answers(u, kinds, own, years) and u.terms & words for u in picked):
                continue
            candidates = [u for u in units if u not in picked and answers(u, kinds, own, years) and u.terms & words]
            if not candidates and "num" in kinds:
                # "how many organisations?" answered by "over 450 chambers, agencies…": a number in
                # a sentence about what the whole question is about.
                candidates = [u for u in units if u not in picked and carries(u, "num") and u.terms & scorer.terms]
            if not candidates:
                continue
            best = max(candidates, key=part_scorer)
            if part_scorer(best) <= 0:
                continue
            block = self._list_block(best, units) if best.bullet and "list" in kinds else [best]
            picked.extend(u for u in block if u not in picked)
        return picked

    def _about_part(self, score: _Scorer, part: str, *, units: list[Unit], picked: list[Unit]) -> list[Unit]:
        """The best line on the words only this part of the question has (none if one is quoted)."""
        ask, standing = score.ask, score.standing
        if len(ask.parts) < 2:
            return []
        others = {t for p in ask.parts if p != part for t in query_terms(p)}
        own = score.own_terms - others
        if not own:
            return []

        def about(unit: Unit) -> bool:
            shared = (unit.terms & score.terms) - others - standing.title_terms[unit.passage]
            if shared & (own | set(query_terms(" ".join(own)))):
                return True
            if not standing.foreign(unit.passage):
                return False
            return bool(cognate_prefixes(unit.terms) & cognate_prefixes(own))

        if any(about(u) for u in picked):
            return []
        candidates = [u for u in units if u not in picked and about(u) and not u.asks]
        if not candidates:
            return []
        best = max(candidates, key=score)
        if score(best) < PART_MINIMUM:
            return []
        return self._list_block(best, units) if best.bullet and "list" in score.kinds else [best]

    def _lead_and_context(self, score: _Scorer, units: list[Unit], standing: _Standing) -> list[Unit]:
        records, rank = standing.records, standing.rank
        ranked = sorted(units, key=lambda u: (-score(u), u.passage, u.position))
        # A record's bare field ("Paese: Stati Uniti", "Rimborso: vedi la regola") is no answer to lead with.
        leads = [u for u in ranked if not (u.passage in records and not u.facts and LABEL.match(u.text))] or ranked
        leads = [u for u in leads if not u.asks] or leads  # a FAQ's question is no answer to lead with
        first = next(i for i, r in rank.items() if r == min(rank.values()))
        top = next((u for u in leads if standing.doc_ids[u.passage] == standing.doc_ids[first]), leads[0])
        # The best passage's best line leads unless another passage's line answers clearly better.
        lead = top if score(top) >= LEAD_FROM_TOP * score(leads[0]) else leads[0]
        if lead.bullet and "list" in score.kinds:
            block = self._list_block(lead, units)
            if len(block) > 1:
                return block
        if lead.text.endswith(":"):  # "The programme is implemented through:" — its list is the answer
            items = [u for u in units if u.passage == lead.passage and u.bullet and u.lead_in == lead.text]
            if items:
                return [lead, *items[: self._config.max_list_items]]
        # The lead's own section gives it its context (conditions, exceptions, the other half
        # of a two-part answer): the rest of it follows in reading order, within a budget.
        picked = [lead]
        budget = self._config.max_chars - len(lead.text)
        kinds = {prefix for k in score.kinds if k in FACT_PREFIX for prefix in FACT_PREFIX[k]}
        context: list[Unit] = []
        for unit in _same_document(lead, units, standing):
            if any(unit.text == u.text for u in picked + context):
                continue  # the chunks of a page overlap: a line they share is quoted once
            if lead.under and unit.under != lead.under:
                continue  # a FAQ's answer: its context is the rest of that answer, not the other entries
            if len(unit.text) > budget:
                if budget < 80:
                    break
                continue  # too long for what is left; a shorter line may still fit
            # A catalog record is a list of fields: only those holding the kind of fact asked for.
            if lead.passage in records and not any(f.startswith(tuple(kinds)) for f in unit.facts if kinds):
                continue
            # Excluded costs are not context for the eligible ones (nor the other way round).
            if score.ask.costs and unit.polarity and unit.polarity != score.ask.costs:
                continue
            if not _restates(unit, picked + context, standing.doc_ids):
                context.append(unit)
                budget -= len(unit.text)
        picked += sorted(context, key=lambda u: (standing.chunk_ids[u.passage], u.position))
        best = score(lead)
        years = score.years
        extra = 0
        extra_budget = self._config.other_chars
        for unit in ranked[1:]:
            if extra >= self._config.other_units or score(unit) < 0.5 * best:
                break
            if unit.passage == lead.passage or unit.asks or unit.text in {u.text for u in picked}:
                continue  # (a FAQ's question line is no answer, here either)
            if score.ask.costs and unit.polarity and unit.polarity != score.ask.costs:
                continue
            if not (unit.terms & score.own_terms) - standing.title_terms[unit.passage]:
                continue  # shares only the title's words (the mission's name) with the question
            if dated_otherwise(unit, years):
                continue  # the 2025 call's deadline for a question on the 2021 one
            if _restates(unit, picked, standing.doc_ids) or len(unit.text) > extra_budget:
                continue
            picked.append(unit)
            extra += 1
            extra_budget -= len(unit.text)
        return picked

    def _list_block(self, lead: Unit, units: list[Unit]) -> list[Unit]:
        """The whole list the lead belongs to, with the line that introduces it."""
        same = [u for u in units if u.passage == lead.passage]
        start = end = same.index(lead)
        while start > 0 and same[start - 1].bullet and same[start - 1].lead_in == lead.lead_in:
            start -= 1
        while end + 1 < len(same) and same[end + 1].bullet and same[end + 1].lead_in == lead.lead_in:
            end += 1
        block = same[start : end + 1][: self._config.max_list_items]
        heading = same[start - 1] if start > 0 and not same[start - 1].bullet else None
        return ([heading] if heading else []) + block


def _same_document(lead: Unit, units: list[Unit], standing: _Standing) -> list[Unit]:
    """Context for the lead, most useful first: its passage's lines nearest to it (the one
    after before the one before), then the other retrieved chunks of its document (a page
    split in two: its list goes on in the next chunk)."""
    own = [u for u in units if u.passage == lead.passage and u is not lead]
    own.sort(key=lambda u: (abs(u.position - lead.position), u.position < lead.position))
    document = standing.doc_ids[lead.passage]
    others = [u for u in units if u.passage != lead.passage and standing.doc_ids[u.passage] == document]
    others.sort(key=lambda u: (standing.chunk_ids[u.passage], u.position))
    return own + others


def _layout(picked: list[Unit], numbers: dict[int, int]) -> str:
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


def _quoted_languages(picked: list[Unit], standing: _Standing) -> list[str]:
    """The languages, other than the question's, of the sources quoted (their text decides:
    a French section of an Italian page is French)."""
    found: set[str] = set()
    for index in {u.passage for u in picked if standing.foreign(u.passage)}:
        text = " ".join(u.text for u in picked if u.passage == index)
        language = detect_language(text, default=standing.languages[index])
        if language and language != standing.language:
            found.add(language)
    return sorted(found)


def _other_countries(question: str, passages: Sequence[Passage]) -> set[int]:
    """Passages about another country than the one the question names (Canada's rule for a Japan question)."""
    named = set(countries_in(question))
    if not named:
        return set()
    return {
        i for i, p in enumerate(passages)
        if (own := set(p.countries) | set(countries_in(p.title))) and not own & named
    }  # fmt: skip


def _translated(own: Passage, passages: Sequence[Passage], language: str) -> bool:
    """A record's translation when the record is also there in the asker's language."""
    if not own.language or own.language == language:
        return False
    return any(p.source == own.source and p.language == language for p in passages)


def _restates_title(unit: Unit, title_terms: frozenset[str], title: str) -> bool:
    """``Mission: <the title>`` says nothing the source list does not (a list item always does, and
    so does the line introducing one: "The programme is implemented through:")."""
    if unit.bullet or unit.text.endswith(":"):
        return False
    if not unit.facts - {f for f in unit.facts if f.startswith("num:")} and len(unit.terms - title_terms) <= 1:
        return True
    label = LABEL.match(unit.text)
    return label is not None and unit.text[label.end() :].strip().casefold() == title.strip().casefold()


def _restates(unit: Unit, picked: list[Unit], doc_ids: list[str]) -> bool:
    """A line of the same document whose facts were all quoted already (a catalog entry's translation)."""
    if not unit.facts:
        return False
    quoted = {f for u in picked if doc_ids[u.passage] == doc_ids[unit.passage] for f in u.facts}
    return unit.facts <= quoted


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
