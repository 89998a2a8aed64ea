"""The extractive composer: the answer is the sources' own sentences, best first, with citations.

No model, no paraphrase, so nothing can be invented. It works out what the question asks
(``bot.answers.composers.asked``: a date, an amount, the eligible or the excluded costs, the
documents, the procedure, a contact — per part of a two-part question), reads the best
passages as clean units (``bot.answers.composers.source_lines``: whole sentences and list items,
never menus, update stamps, table pipes or cut fragments), scores each unit by the
question's rare words, the kind of fact it carries and which costs it speaks of, leads
with the best one, keeps its list whole, adds the unit that answers each other part, and
cites every sentence. A quote in another language than the question's is said to be so.
When no quoted unit carries the kind of fact asked for, the composition says which kinds
are missing, so the assistant can say the documents do not state it and offer a person.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.answers.composers.asked import Ask, what_is_asked
from bot.answers.composers.base import Citation, Composition
from bot.answers.composers.line_checks import (
    is_translated,
    laid_out,
    other_countries,
    quoted_languages,
    restates_picked,
    restates_title,
    same_document,
)
from bot.answers.composers.line_ranker import LineRanker, line_features
from bot.answers.composers.line_scoring import LineScorer, PassageStanding
from bot.answers.composers.source_lines import LABEL, Unit, units_of
from bot.answers.composers.unit_facts import (
    FACT_PREFIX,
    HARD_KINDS,
    answers,
    carries,
    dated_otherwise,
    states,
)  # fmt: skip
from bot.conversation.phrases import language_name, say
from knowledge.chunking import next_chunk_id
from retrieval.passages import Passage
from retrieval.text_analysis import cognate_prefixes, query_terms

__all__ = ["ExtractiveComposer", "ExtractiveConfig"]

PART_MINIMUM = 1.0
"""A line answering a part without a kind of fact must score this much (it shares a word or two)."""
PROXIMITY = 0.6
"""How much being the lead's neighbour counts for a supporting line (divided by the distance in lines)."""
PROXIMITY_LIKELIHOOD = 0.1
"""The same, when the learned ranker's probabilities rank the supporting lines."""
LEAD_FROM_TOP = 0.6
"""The best passage's best line leads unless another passage's line scores this much better (as a share)."""


@dataclass(frozen=True)
class ExtractiveConfig:
    """How much of the sources an answer quotes: the line that answers, then a little support."""

    passages: int = 3
    """Passages the lead and its context come from."""
    reserve_passages: int = 5
    """Passages searched too for a part of the question the first ones do not answer."""
    context_units: int = 4
    """Supporting lines of the lead's page after the lead (a list asked for is given whole)."""
    context_share: float = 0.35
    """A supporting line must score this share of the lead's score: near the lead is not enough."""
    other_units: int = 0
    """Lines quoted from other pages than the lead's (a desk officer answers from one page)."""
    max_list_items: int = 12
    max_chars: int = 450
    """Budget for the supporting lines, in characters (the lead and a list asked for are whole)."""
    other_chars: int = 300
    """Budget for the lines of other documents."""
    part_chars: int = 150
    """More budget for each part of the question after the first ("when, where and how much?")."""
    part_units: int = 1
    """More supporting lines for each part of the question after the first."""


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


@dataclass(frozen=True)
class Reading:
    """The passages of one question read as units, and what the composer knows of them."""

    question: str
    chosen: list[Passage]
    """The passages kept (best first), then their neighbours."""
    ranked: int
    """How many of ``chosen`` were ranked by search (the rest are neighbours)."""
    units: list[Unit]
    standing: PassageStanding
    answers_on: set[int]
    """Neighbours opening with the answer to a ranked chunk's last question."""
    ask: Ask


class ExtractiveComposer:
    """Quotes the best supporting lines of the best passages."""

    name = "extractive"

    def __init__(self, config: ExtractiveConfig | None = None, ranker: LineRanker | None = None) -> None:
        self._config = config or ExtractiveConfig()
        self._ranker = ranker

    def compose(
        self, question: str, language: str, passages: Sequence[Passage], neighbours: Sequence[Passage] = ()
    ) -> Composition:
        """An answer quoting ``passages`` (best first) for ``question``, framed in ``language``.

        ``neighbours`` are the chunks around the best passages in their documents
        (``HybridSearcher.neighbours``): never the lead, but read for a part of the question
        the passages leave unanswered.
        """
        reading = self.read(question, language, passages, neighbours)
        if not reading.units:
            return Composition("", [], self.name)
        ask, standing, chosen = reading.ask, reading.standing, reading.chosen
        picked, likelihood = self._pick(reading)
        numbers: dict[int, int] = {}
        for unit in picked:
            numbers.setdefault(unit.passage, len(numbers) + 1)
        body = laid_out(picked, numbers)
        foreign = quoted_languages(picked, standing)
        if foreign:
            # After the answer, not before it: the first thing read is the answer itself.
            names = ", ".join(language_name(code, language) for code in foreign)
            body = f"{body}\n\n{say('quoted_in_language', language, name=names)}"
        citations = [Citation.of(n, chosen[index]) for index, n in numbers.items()]
        missing: set[str] = {
            k for kinds in ask.kinds if not any(states(u, k) for u in picked for k in kinds if k in FACT_PREFIX)
            for k in kinds if k in HARD_KINDS
        }  # fmt: skip
        if ask.costs == "not_eligible" and not any(u.polarity == "not_eligible" for u in picked):
            missing.add("excluded_costs")
        unsupported = likelihood is not None and self._ranker is not None and likelihood < self._ranker.answer_floor
        return Composition(body, citations, self.name, missing=frozenset(missing), lead_likelihood=likelihood,
                           unsupported=unsupported)  # fmt: skip

    def read(
        self, question: str, language: str, passages: Sequence[Passage], neighbours: Sequence[Passage] = ()
    ) -> Reading:
        """The passages (and their neighbours) as quotable units, with their standing."""
        # A catalog record's translation gives way to its version in the asker's language.
        kept = [p for p in passages if not is_translated(p, passages, language)]
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
        standing = PassageStanding.of(question, language, chosen, ranked, answering)
        titles = standing.title_terms
        elsewhere = other_countries(question, chosen)
        units = [
            u for u in units
            if not restates_title(u, titles[u.passage], chosen[u.passage].title) and u.passage not in elsewhere
        ]  # fmt: skip
        return Reading(question, chosen, ranked, units, standing, set(answering), what_is_asked(question))

    def lead_candidates(self, reading: Reading) -> tuple[LineScorer, list[Unit]]:
        """The units a lead may come from (the best passages' and a FAQ answer cut from them), and
        their scorer for the whole question."""
        units = reading.units
        main = [
            u for u in units if u.passage < self._config.passages or _opens_with_answer(u, units, reading.answers_on)
        ]  # fmt: skip
        main = main or units
        return LineScorer(reading.question, reading.ask, main, reading.standing, reading.ask.all_kinds), main

    def _pick(self, reading: Reading) -> tuple[list[Unit], float | None]:
        """The lead and its context, then a unit answering each other part of the question; and the
        ranker's probability that the lead holds what was asked (``None`` without a ranker)."""
        ask, units, standing = reading.ask, reading.units, reading.standing
        scorer, main = self.lead_candidates(reading)
        likely = self._likelihood(scorer, reading.ranked)
        picked = self._lead_and_context(scorer, likely, main, standing)
        lead_likelihood = likely(picked[0]) if likely is not None else None
        lead_document = standing.doc_ids[picked[0].passage]
        for part, kinds in zip(ask.parts, ask.kinds, strict=True):
            # One scorer per part: its words are stemmed once, not once per unit.
            part_scorer = LineScorer(part, ask, units, standing, kinds)
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
            same_page = [u for u in candidates if standing.doc_ids[u.passage] == lead_document]
            if same_page or len(ask.parts) == 1:
                candidates = same_page  # one page answers; another page's line only for another question
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
        return picked, lead_likelihood

    def _about_part(self, score: LineScorer, part: str, *, units: list[Unit], picked: list[Unit]) -> list[Unit]:
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

    def _likelihood(self, scorer: LineScorer, ranked: int) -> Callable[[Unit], float] | None:
        """The learned ranker's probability that a line holds what is asked (``None``: rules only)."""
        ranker = self._ranker
        if ranker is None:
            return None
        cache: dict[int, float] = {}

        def likely(unit: Unit) -> float:
            if id(unit) not in cache:
                cache[id(unit)] = ranker.probability(line_features(scorer, unit, ranked))
            return cache[id(unit)]

        return likely

    def _lead_and_context(
        self, score: LineScorer, likely: Callable[[Unit], float] | None, units: list[Unit], standing: PassageStanding
    ) -> list[Unit]:
        records, rank = standing.records, standing.rank
        ranked = sorted(units, key=lambda u: (-score(u), u.passage, u.position))
        # A record's bare field ("Paese: Stati Uniti", "Rimborso: vedi la regola") is no answer to lead with.
        leads = [u for u in ranked if not (u.passage in records and not u.facts and LABEL.match(u.text))] or ranked
        leads = [u for u in leads if not u.asks] or leads  # a FAQ's question is no answer to lead with
        first = next(i for i, r in rank.items() if r == min(rank.values()))
        top = next((u for u in leads if standing.doc_ids[u.passage] == standing.doc_ids[first]), leads[0])
        # The best passage's best line leads unless another passage's line answers clearly better.
        lead = top if score(top) >= LEAD_FROM_TOP * score(leads[0]) else leads[0]
        if likely is not None and self._ranker is not None:
            # The learned ranker weighs the same signals from examples: its likeliest line leads.
            likeliest = max(leads, key=lambda u: (likely(u), score(u)))
            if likely(likeliest) >= self._ranker.lead_floor:
                lead = likeliest
        if lead.bullet and "list" in score.kinds:
            block = self._list_block(lead, units)
            if len(block) > 1:
                return block
        if lead.text.endswith(":"):  # "The programme is implemented through:" — its list is the answer
            items = [u for u in units if u.passage == lead.passage and u.bullet and u.lead_in == lead.text]
            if items:
                return [lead, *items[: self._config.max_list_items]]
        # The lead's page gives it its support (a condition, an exception, the other half of a
        # two-part answer): the lines of its document that answer the question too, best first,
        # within a small budget — a desk officer says the answer and one or two lines more.
        picked = [lead]
        extra_parts = max(0, len(score.ask.parts) - 1)
        budget = self._config.max_chars + extra_parts * self._config.part_chars
        most = self._config.context_units + extra_parts * self._config.part_units
        kinds = {prefix for k in score.kinds if k in FACT_PREFIX for prefix in FACT_PREFIX[k]}
        context: list[Unit] = []
        floor = self._config.context_share * score(lead)
        nearby = same_document(lead, units, standing)
        order = {id(u): n for n, u in enumerate(nearby)}

        def support(unit: Unit) -> float:
            # A line next to the lead often holds its condition or its other half: nearness counts too.
            distance = abs(unit.position - lead.position) if unit.passage == lead.passage else 6
            if likely is not None:
                return likely(unit) + PROXIMITY_LIKELIHOOD / max(1, distance)
            return score(unit) + PROXIMITY / max(1, distance)

        if likely is not None and self._ranker is not None:
            floor = self._ranker.support_floor

        supporting = 0
        for unit in sorted(nearby, key=lambda u: (-support(u), order[id(u)])):
            if supporting >= most or support(unit) < floor:
                break
            if unit in context:
                continue
            if unit.bullet and "list" in score.kinds and unit.lead_in:
                block = [u for u in self._list_block(unit, units) if u not in picked and u not in context]
                context.extend(block)  # a list asked for is given whole, and counts as one line
                supporting += 1
                continue
            if unit.asks or any(unit.text == u.text for u in picked + context):
                continue  # the chunks of a page overlap: a line they share is quoted once
            if lead.under and unit.under != lead.under:
                continue  # a FAQ's answer: its context is the rest of that answer, not the other entries
            if len(unit.text) > budget:
                continue  # too long for what is left; a shorter line may still fit
            # A catalog record is a list of fields: only those holding the kind of fact asked for.
            if lead.passage in records and not any(f.startswith(tuple(kinds)) for f in unit.facts if kinds):
                continue
            # Excluded costs are not context for the eligible ones (nor the other way round).
            if score.ask.costs and unit.polarity and unit.polarity != score.ask.costs:
                continue
            if dated_otherwise(unit, score.years):
                continue
            if not restates_picked(unit, picked + context, standing.doc_ids):
                context.append(unit)
                supporting += 1
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
            if restates_picked(unit, picked, standing.doc_ids) or len(unit.text) > extra_budget:
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
