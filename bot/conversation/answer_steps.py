"""The answering steps of a turn: the catalog's computed answers, a curated FAQ, or the
documents (retrieval, the router's second opinion, clarification, the extractive composer,
closed-call notices), and a language model's streamed answer when one is configured. A
mixin of ``Assistant``."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from bot.answers.catalog_answers import CatalogDesk, CatalogReply, Option
from bot.answers.composers.asked import cost_polarity
from bot.answers.composers.base import Citation, Composition
from bot.answers.composers.extractive import ExtractiveComposer
from bot.answers.composers.llm import LlmComposer, LlmOutcome, LlmToken
from bot.answers.knowledge_view import KnowledgeView
from bot.conversation.handoff_steps import HandoffSteps
from bot.conversation.phrases import joined, say
from bot.conversation.policy import (
    asks_to_apply_now,
    editions_first,
    past_edition,
    resolve_follow_up,
    retrieval_confidence,
    unknown_names,
    years_in,
)
from bot.conversation.replies import Outcome
from bot.conversation.router import SemanticRouter
from bot.conversation.state import ConversationState, Pending, Topic
from bot.conversation.turns import (
    HANDOFF_INTENTS,
    Draft,
    TurnContext,
    joined_suffix,
    merged,
    split_questions,
)
from knowledge.catalog import Call, Mission
from knowledge.catalog_text import format_deadline
from knowledge.countries import countries_in, country_name
from retrieval.hybrid import HybridSearcher
from retrieval.passages import Passage


class AnswerSteps(HandoffSteps):
    """Answering from the catalog, the curated answers and the documents."""

    _searcher: HybridSearcher
    _knowledge: KnowledgeView
    _router: SemanticRouter
    _extractive: ExtractiveComposer
    _llm: LlmComposer | None

    def _answer(self, context: TurnContext, question: str) -> Draft:
        """Answer the question; a second question in the same message ("…e quanto mi rimborsate del
        volo?") is answered too when the sources are confident about it."""
        state = context.state
        query = resolve_follow_up(question, context.turn.countries, state.topic)
        countries = context.turn.countries or ([] if query == question else state.topic.countries)
        parts = split_questions(query)
        first = context.desk.answer(parts[0], countries, context.turn.language) if len(parts) == 2 else None
        if first is None or first.kind not in ("status", "facts", "list", "estimate"):
            return self._answer_one(context, query, countries)
        # The first half is the catalog's ("entro quando…"); the second stands alone ("quanto mi
        # rimborsate del volo?"): adding the first half's mission to it would pull that mission's
        # sheet instead of the reimbursement rule. It is answered on a scratch state and only kept
        # if it is an answer.
        draft = self._from_catalog(context, first, parts[0], countries)
        # A second half about the same records ("…e quanti posti ci sono?") is theirs to answer too.
        second = context.desk.answer(parts[1], countries, context.turn.language) if first.entry_ids else None
        if second is not None and second.kind in ("status", "facts"):
            return merged(draft, self._from_catalog(context, second, parts[1], countries))
        scratch = TurnContext(context.conversation, ConversationState(), context.turn, context.desk, context.now)
        extra = self._answer_one(scratch, parts[1], [])
        if extra.decision != "answer" or extra.outcome not in ("answered", "catalog", "faq"):
            return draft
        return merged(draft, extra)

    def _answer_one(self, context: TurnContext, query: str, countries: list[str]) -> Draft:
        turn, state, desk = context.turn, context.state, context.desk
        language = turn.language
        catalog = desk.answer(query, countries, language)
        if catalog is not None and catalog.kind == "not_in_catalog":
            # The catalog has no mission there; the documents may still (a fair, a call open to it).
            documents = self._from_documents_about(context, query, countries)
            if documents is not None:
                documents.text = f"{catalog.text}\n\n{say('documents_say', language)}\n\n{documents.text}"
                return documents
        if catalog is not None:
            return self._from_catalog(context, catalog, query, countries)
        vector = self._searcher.embed(query)
        snapshot = self._knowledge.snapshot()
        match = snapshot.curated.best(query, vector)
        thresholds = self.config.thresholds
        if (
            match is not None
            and match.score >= thresholds.faq
            and match.margin >= thresholds.faq_margin
            and match.coverage >= thresholds.faq_coverage
            and not set(countries_in(match.answer.question)) - set(countries or countries_in(match.answer.question))
        ):
            self._remember(state, query, countries, desk)
            citation = match.answer.citation()
            text = f"{say('faq_intro', language)} {match.answer.question}\n\n{match.answer.answer} [1]"
            return Draft(
                text, "answer", "faq", turn.intent,
                confidence=round(match.score, 4), citations=[citation], composer="faq",
            )  # fmt: skip
        searched = query
        if cost_polarity(query) == "not_eligible":
            # "cosa non è rimborsabile?" has one content word; the excluded-costs list is found
            # by what such lists are called.
            searched = f"{query} {say('excluded_costs_query', language)}"
            vector = self._searcher.embed(searched)
        # A question naming a year ("Fondo PMI 2021") looks further: last year's page on the
        # same fund ranks as high as this one's.
        k = self.config.passages + (3 if years_in(query) else 0)
        found = self._searcher.search(searched, k=k, vector=vector).passages
        confidence = retrieval_confidence(query, found[: self.config.passages])
        needed = thresholds.needed(language, found)
        passages = desk.current_first(editions_first(query, found), desk.named(query, countries))
        routing = self._router.routing_of_vector(vector)
        if routing.margin >= thresholds.router_strong or (
            confidence < needed and routing.margin >= thresholds.router_weak
        ):
            if routing.intent == "off_topic":
                return Draft(say("off_topic", language), "answer", "refused", routing.intent, confidence=confidence)
            if routing.intent == "injection" and routing.margin >= thresholds.router_strong:
                # Other companies' or people's data: refused only when plainly asked for (a weak
                # likeness to "how much did our competitor receive?" is a question on amounts).
                return Draft(say("others_data", language), "answer", "refused", routing.intent, confidence=confidence)
            # A task for the staff only when plainly asked: a weak likeness to "register us" on a
            # question the documents do not cover is a question the documents do not cover.
            weak_task = routing.intent == "staff_task" and routing.margin < thresholds.router_strong
            if routing.intent in HANDOFF_INTENTS and not weak_task:
                return self._handoff(context, HANDOFF_INTENTS[routing.intent], query, confidence=confidence)
        if confidence < needed:
            if not desk.named(query, countries) and len(set(query.split())) <= 2 and confidence < needed / 2:
                return Draft(say("rephrase", language), "clarify", "rephrase", turn.intent, confidence=confidence)
            return self._handoff(context, "low_confidence", query, confidence=confidence)
        edition = past_edition(query, passages, context.now.year) if asks_to_apply_now(query) else None
        if edition is not None:
            # "Possiamo fare domanda oggi per i voucher 2015?": a past call's own page does not say it
            # is over; whether anything is open for them now is for the staff to tell.
            draft = self._handoff(context, "staff_task", query, confidence=confidence,
                                  note=f"asks to apply now to a call of {edition}")  # fmt: skip
            draft.text = f"{say('past_edition', language, year=edition)} {draft.text}"
            return draft
        if unknown_names(query, found[: self.config.passages]):
            # "consulenza per la ISO 9001?" when no document names ISO 9001: the rest of the words
            # match, but the documents cannot answer about what they never mention.
            return self._handoff(context, "low_confidence", query, confidence=confidence)
        options = self._clarify_options(query, countries, passages, desk)
        if options:
            state.pending = Pending("clarify", query, [{"label": o.label, "entry_id": o.entry_id} for o in options])
            first = desk.record(options[0].entry_id)
            key = "clarify_mission" if first is not None and isinstance(first.entry, Mission) else "clarify_call"
            listed = " ".join(f"{i}. {o.label}" for i, o in enumerate(options, start=1))
            return Draft(say(key, language, options=listed), "clarify", "clarify", turn.intent,
                          confidence=confidence, options=options)  # fmt: skip
        self._remember(state, query, countries, desk, subject=query)
        # The chunks around the best passages: a page split in two keeps the deadline apart from the budget.
        neighbours = self._searcher.neighbours([p for p in passages[:3] if "#" not in p.source])
        composition = self._extractive.compose(query, language, passages, neighbours)
        if composition.unsupported:
            # The sources are about it, but no line of them is likely to hold what was asked
            # (the learned ranker's view): a person answers rather than unrelated lines.
            note = f"no line likely to answer (lead likelihood {composition.lead_likelihood:.2f})"
            return self._handoff(context, "low_confidence", query, confidence=confidence, note=note)
        text = composition.text
        if composition.missing:
            # Grounded or silent: the documents talk about it but state no such fact; say so
            # before quoting them, and offer a person.
            what = joined([say(f"missing_{kind}", language) for kind in sorted(composition.missing)], language)
            text = f"{say('not_stated', language, what=what)}\n\n{text}"
        draft = Draft(
            text, "answer", "answered", turn.intent, confidence=confidence,
            citations=composition.citations, composer=composition.composer,
        )  # fmt: skip
        if composition.lead_likelihood is not None:
            draft.notes.append(f"lead likelihood {composition.lead_likelihood:.2f}")
        draft.suffix = self._closed_notices(composition, passages, desk, language)
        if composition.missing:
            draft.suffix = joined_suffix(draft.suffix, say("offer_person", language))
            draft.notes.append(f"not stated: {', '.join(sorted(composition.missing))}")
        if self._llm is not None:
            draft.llm_passages = passages
            draft.llm_question = query
        return draft

    def _from_documents_about(self, context: TurnContext, query: str, countries: list[str]) -> Draft | None:
        """A documents answer when a retrieved passage names one of ``countries`` and retrieval is
        confident; ``None`` otherwise."""
        passages = self._searcher.search(query, k=self.config.passages).passages
        if retrieval_confidence(query, passages) < self.config.thresholds.needed(context.turn.language, passages):
            return None
        about = [p for p in passages[:3] if set(countries) & (set(p.countries) | set(countries_in(p.text)))]
        if not about or "#" in about[0].source:
            return None
        composition = self._extractive.compose(query, context.turn.language, about)
        if not composition.text or composition.missing:
            return None
        return Draft(composition.text, "answer", "answered", context.turn.intent,
                      confidence=retrieval_confidence(query, passages), citations=composition.citations)  # fmt: skip

    def _from_catalog(self, context: TurnContext, reply: CatalogReply, query: str, countries: list[str]) -> Draft:
        turn, state, desk = context.turn, context.state, context.desk
        if reply.kind == "handoff":
            return self._handoff(context, "low_confidence", query, note="catalog rule unclear")
        if reply.kind in ("clarify", "ask"):
            if reply.options:
                options = [{"label": o.label, "entry_id": o.entry_id} for o in reply.options]
                state.pending = Pending("clarify", query, options)
            return Draft(reply.text, "clarify", "clarify", turn.intent, confidence=1.0, citations=reply.citations,
                          options=reply.options, composer="catalog")  # fmt: skip
        self._remember(state, query, countries, desk, reply.entry_ids)
        outcome: Outcome = "not_found" if reply.kind == "not_in_catalog" else "catalog"
        return Draft(reply.text, "answer", outcome, turn.intent, confidence=1.0, citations=reply.citations,
                      composer="catalog")  # fmt: skip

    def _remember(
        self,
        state: ConversationState,
        query: str,
        countries: list[str],
        desk: CatalogDesk,
        entries: Sequence[str] = (),
        *,
        subject: str = "",
    ) -> None:
        """Keep the topic for follow-ups (``subject``: what a subject-less follow-up is about)."""
        named = list(entries) or [r.entry.id for r in desk.named(query, countries)]
        record = desk.record(named[0]) if len(named) == 1 else None
        if subject:
            pass  # the documents answered this question: "e quanto costa?" is about what it asked
        elif record is not None:
            subject = record.entry.title
        elif countries:
            subject = country_name(countries[0], "it")
        state.topic = Topic(query=query, subject=subject, countries=list(countries), entries=named)

    def _clarify_options(
        self, query: str, countries: list[str], passages: list[Passage], desk: CatalogDesk
    ) -> list[Option]:
        """Options when the question is about "the mission" or "the call" and several fit."""
        if countries or desk.named(query, countries):
            return []
        options = desk.options_for(query)
        if len(options) < 2:
            return []
        top_entries = {p.source.split("#", 1)[1] for p in passages[:5] if "#" in p.source}
        offered = {o.entry_id for o in options}
        return options if len(top_entries & offered) >= 2 else []

    def _closed_notices(
        self, composition: Composition, passages: list[Passage], desk: CatalogDesk, language: str
    ) -> str:
        """A line for each cited call or mission that is closed: never presented as open."""
        notices = []
        cited = {c.chunk_id for c in composition.citations}
        for passage in passages:
            if passage.chunk_id not in cited or "#" not in passage.source:
                continue
            record = desk.record(passage.source.split("#", 1)[1])
            if record is None or not isinstance(record.entry, Call | Mission):
                continue
            status = desk.status(record.entry)
            if status.state == "closed":
                deadline = format_deadline(status.deadline, language)
                notices.append(say("closed_notice", language, title=record.entry.title, deadline=deadline))
        return "\n".join(dict.fromkeys(notices))

    # -- language model -------------------------------------------------------------------

    def _llm_stream(self, draft: Draft, language: str, conversation_id: int) -> Iterator[str]:
        """Tokens from the model; afterwards ``draft`` holds the checked answer or the extractive fallback."""
        assert self._llm is not None
        history = [
            (m.role, m.text)
            for m in self.store.messages(conversation_id, last=2 * self.config.history_turns + 1)[:-1]
            if m.role in ("user", "assistant")
        ]
        outcome: LlmOutcome | None = None
        for item in self._llm.stream(draft.llm_question, language, draft.llm_passages, history):
            if isinstance(item, LlmToken):
                yield item.text
            else:
                outcome = item
        if outcome is not None and outcome.ok:
            citations = [Citation.of(n, draft.llm_passages[n - 1]) for n in outcome.cited]
            draft.text = outcome.text
            draft.citations = citations
            draft.composer = self._llm.name
        else:
            problems = outcome.problems if outcome else ["no outcome"]
            draft.notes.extend(f"llm: {p}" for p in problems)
            draft.composer = "extractive (language model fallback)"
