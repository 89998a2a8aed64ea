"""The assistant: one entry point every channel uses to turn a message into a reply.

Per message: store it (committed before anything else), understand it, then the first
of these that applies decides — a pending question (clarification, details for staff),
an open escalation, the intent (greeting, injection, a person asked for...), the
catalog's records, a curated FAQ answer, the documents (when retrieval is confident
enough), or a handoff. The reply is stored before it is returned; when a language model
streams, its tokens go out as they come and the checked final text is stored and sent
with ``done``.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace

from bot.answers.catalog_answers import CatalogDesk, CatalogReply, Option
from bot.answers.composers.asked import cost_polarity
from bot.answers.composers.base import Citation, Composition
from bot.answers.composers.extractive import ExtractiveComposer
from bot.answers.composers.line_ranker import LineRanker
from bot.answers.composers.llm import LlmComposer, LlmOutcome, LlmToken
from bot.answers.composers.sources import sources_block
from bot.answers.knowledge_view import KnowledgeView
from bot.conversation.handoff import Details, OfficeHours, missing_details, parse_details
from bot.conversation.inbox import AlreadyAnsweredError, Inbound, Inbox, ReplyRecord
from bot.conversation.phrases import joined, say
from bot.conversation.policy import (
    Thresholds,
    asks_to_apply_now,
    editions_first,
    past_edition,
    policy_topic,
    resolve_follow_up,
    retrieval_confidence,
    unknown_names,
    years_in,
)
from bot.conversation.records import Decision, HandoffReason, StoredConversation, StoredEscalation
from bot.conversation.replies import DoneEvent, Event, Outcome, Reply, TokenEvent, final_events
from bot.conversation.router import SemanticRouter
from bot.conversation.state import ConversationState, Pending, Topic
from bot.conversation.store import ConversationStore
from bot.conversation.understanding import Intent, Turn, TurnLimits, asks_for_others_data, rule_intent, understand
from knowledge.catalog import Call, Mission
from knowledge.catalog_text import format_deadline
from knowledge.countries import countries_in, country_name
from retrieval.hybrid import HybridSearcher
from retrieval.passages import Passage

log = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]
_HANDOFF_INTENTS: dict[Intent, HandoffReason] = {
    "human_request": "user_request",
    "personal_case": "personal_case",
    "staff_task": "staff_task",
    "frustration": "frustration",
}
_QUESTIONISH = re.compile(
    r"\?|\b(what|whats|what['’]s|when|where|which|who|how|quando|entro\s+quando|come|dove|quale|quali|chi|quanto|"
    r"quanti|cosa|posso|possiamo|c['’]è|ci\s+sono|quand|comment|où|quel|quelle|quels|quelles|combien|est-ce|"
    r"puis-je|peut-on)\b",
    re.IGNORECASE,
)
"""What is left of a message once its injected instructions are removed must ask something to be answered
(a planted claim such as "every SME now gets €50,000" is not a question)."""


@dataclass(frozen=True)
class AssistantConfig:
    """Behaviour settings (built from ``Settings`` by the composition root)."""

    limits: TurnLimits = field(default_factory=TurnLimits)
    thresholds: Thresholds = field(default_factory=Thresholds)
    office_hours: OfficeHours = field(default_factory=OfficeHours)
    policy_topics: tuple[str, ...] = ("legal", "disputes", "tax")
    default_language: str = "it"
    closing_soon_days: int = 14
    passages: int = 5
    abuse_stop_after: int = 2
    errors_before_handoff: int = 2
    history_turns: int = 4


@dataclass
class _Draft:
    """A reply being prepared (mutable until stored)."""

    text: str
    decision: Decision
    outcome: Outcome
    intent: Intent
    reason: HandoffReason | None = None
    confidence: float | None = None
    citations: list[Citation] = field(default_factory=list)
    options: list[Option] = field(default_factory=list)
    escalation_id: int | None = None
    composer: str = "extractive"
    notes: list[str] = field(default_factory=list)
    llm_passages: list[Passage] = field(default_factory=list)
    llm_question: str = ""
    suffix: str = ""
    """Notes after the answer, a language model's too (a closed-call notice, an open escalation)."""
    question: str = ""
    """The question a low-confidence handoff is about (kept as unanswered)."""


@dataclass
class _Context:
    """Everything a turn's steps read and update."""

    conversation: StoredConversation
    state: ConversationState
    turn: Turn
    desk: CatalogDesk
    now: dt.datetime
    escalation: StoredEscalation | None = None
    """The conversation's escalation still open, if any: handoffs join it instead of asking again."""


class Assistant:
    """Answers with sources, asks, or hands off — for every channel."""

    def __init__(
        self,
        store: ConversationStore,
        searcher: HybridSearcher,
        knowledge: KnowledgeView,
        router: SemanticRouter,
        *,
        config: AssistantConfig | None = None,
        llm: LlmComposer | None = None,
        extractive: ExtractiveComposer | None = None,
        now: Clock | None = None,
        inbox: Inbox | None = None,
    ) -> None:
        self.store = store
        self.inbox = inbox or Inbox(store.sessions, store.clock)
        self._searcher = searcher
        self._knowledge = knowledge
        self._router = router
        self.config = config or AssistantConfig()
        self._extractive = extractive or ExtractiveComposer(ranker=LineRanker.bundled())
        self._llm = llm
        self._now = now or (lambda: dt.datetime.now(dt.UTC))

    # -- entry points ---------------------------------------------------------------------

    @property
    def streams_from_model(self) -> bool:
        """True when answers may stream from a language model (tokens arrive over seconds)."""
        return self._llm is not None

    def expected_reply(self, language: str) -> str:
        """When staff will answer a handoff made now ("entro oggi alle 17:00"), in ``language``."""
        return self.config.office_hours.expectation(self._now(), language)

    def start(self, channel: str, external_id: str, name: str | None = None, language: str | None = None) -> int:
        """A new conversation for the contact (created on first contact); returns its id."""
        contact = self.store.contact(channel, external_id, name=name, language=language)
        return self.store.start_conversation(contact, language=language)

    def reply(self, conversation_id: int, text: str) -> Reply:
        """The reply to ``text`` (the stream, consumed)."""
        done: Reply | None = None
        for event in self.stream(conversation_id, text):
            if isinstance(event, DoneEvent):
                done = event.reply
        assert done is not None
        return done

    def stream(self, conversation_id: int, text: str) -> Iterator[Event]:
        """Events for one message (stored first, without an idempotency key): see ``answer``."""
        yield from self.answer(self.inbox.accept(conversation_id, text))

    def answer(self, inbound: Inbound) -> Iterator[Event]:
        """Events for one stored message: tokens, then citations, the decision, and ``done`` with
        the stored reply. The reply, the conversation's state and the message's ``answered``
        status are stored together (``Inbox.record_reply``); a message answered meanwhile by
        another process gets that answer back instead."""
        started = time.perf_counter()
        conversation_id = inbound.conversation_id
        conversation = self.store.conversation(conversation_id)
        state = ConversationState.from_dict(conversation.state)
        turn = understand(
            inbound.text, conversation_language=conversation.language, limits=self.config.limits,
            default_language=self.config.default_language,  # type: ignore[arg-type]
        )  # fmt: skip
        streamed = False
        try:
            context = _Context(conversation, state, turn, self.catalog_desk(), self._now())
            draft = self._decide(context)
            if draft.llm_passages and self._llm is not None:
                for item in self._llm_stream(draft, turn.language, conversation_id):
                    if isinstance(item, str):
                        streamed = True
                        yield TokenEvent(item)
            state.errors = 0
        except Exception:  # a failing model, index or database must end in a handoff, never in silence
            log.exception("turn failed in conversation %s", conversation_id)
            state.errors += 1
            draft = self._error_draft(turn, state, conversation_id)
        latency = (time.perf_counter() - started) * 1000
        sources = sources_block(draft.citations, turn.language) if draft.citations else ""
        text_out = "\n\n".join(part for part in (draft.text, draft.suffix, sources) if part)
        reply = Reply(
            text=text_out, language=turn.language, decision=draft.decision, outcome=draft.outcome,
            intent=draft.intent, reason=draft.reason, confidence=draft.confidence, citations=draft.citations,
            options=draft.options, escalation_id=draft.escalation_id, user_message_id=inbound.message_id,
            latency_ms=latency, composer=draft.composer, notes=draft.notes,
        )  # fmt: skip
        # The unanswered question is kept for the reply actually given (not for half a message tried and dropped).
        unanswered = (draft.question, draft.confidence) if draft.reason == "low_confidence" and draft.question else None
        record = ReplyRecord(
            text=text_out, language=turn.language, citations=[c.to_dict() for c in draft.citations],
            decision=draft.decision, reason=draft.reason, confidence=draft.confidence, latency_ms=latency,
            payload=reply.payload(), state=state.to_dict(), unanswered=unanswered,
        )  # fmt: skip
        try:
            reply = replace(reply, message_id=self.inbox.record_reply(inbound.message_id, record))
        except AlreadyAnsweredError:
            stored = self.inbox.reply_to(inbound.message_id)
            assert stored is not None  # answered means its reply is stored (same transaction)
            yield from final_events(Reply.from_stored(stored), streamed=False)
            return
        yield from final_events(reply, streamed=streamed)

    # -- the decision ---------------------------------------------------------------------

    def refresh_knowledge(self) -> None:
        """Reload the catalog and curated answers on the next turn (staff just saved a FAQ)."""
        self._knowledge.invalidate()

    def catalog_desk(self) -> CatalogDesk:
        """The catalog now: its records, their status, what a message names."""
        return CatalogDesk(self._knowledge.snapshot().catalog, self._now(), self.config.closing_soon_days)

    def _decide(self, context: _Context) -> _Draft:
        turn, state = context.turn, context.state
        language = turn.language
        if turn.intent == "too_long":
            text = say("too_long", language, length=len(turn.text), limit=self.config.limits.max_chars)
            return _Draft(text, "clarify", "limit", turn.intent)
        if turn.intent == "empty":
            return _Draft(say("empty", language), "clarify", "limit", turn.intent)
        pending = state.pending
        if pending is not None and pending.kind == "handoff_details":
            state.pending = None
            return self._finish_handoff(context, pending, parse_details(turn.text, tuple(turn.countries)))
        escalation = self.store.active_escalation(context.conversation.id)
        context.escalation = escalation
        question = turn.text
        if pending is not None and pending.kind == "clarify":
            state.pending = None
            chosen = _chosen_option(turn.text, pending.options, context.desk, turn.countries)
            if chosen is not None:
                question = f"{pending.query} ({chosen['label']})"
                turn = Turn(question, language, "question", "default", countries_in(question))
                context.turn = turn
        if turn.intent in ("greeting", "thanks"):
            return _Draft(say(turn.intent, language), "answer", "smalltalk", turn.intent)
        if turn.intent == "abuse":
            state.abuse += 1
            key = "abuse_stop" if state.abuse >= self.config.abuse_stop_after else "abuse"
            return _Draft(say(key, language), "answer", "deescalate", turn.intent)
        if asks_for_others_data(turn.text):
            return _Draft(say("others_data", language), "answer", "refused", "injection")
        if turn.intent == "injection":
            rest = strip_injection(turn.text)
            if len(rest.split()) < 4 or not _QUESTIONISH.search(rest):
                return _Draft(say("injection", language), "answer", "refused", turn.intent)
            question = rest  # the instruction is refused; the question beside it is still answered
            turn = Turn(rest, language, "question", "default", turn.countries)
            context.turn = turn
        if turn.intent == "off_topic":
            return _Draft(say("off_topic", language), "answer", "refused", turn.intent)
        if escalation is not None and turn.intent in _HANDOFF_INTENTS:
            return self._joined(context, escalation.id, escalation.reason)
        if turn.intent in _HANDOFF_INTENTS:
            return self._handoff(context, _HANDOFF_INTENTS[turn.intent], turn.text)
        topic = policy_topic(turn.text, self.config.policy_topics)
        if topic is not None:
            return self._handoff(context, "policy_topic", turn.text, note=f"policy topic {topic}")
        draft = self._answer(context, question)
        if escalation is not None:
            if draft.decision == "handoff" or draft.outcome == "rephrase":
                return self._joined(context, escalation.id, escalation.reason)
            draft.suffix = _joined_suffix(draft.suffix, say("escalation_still_open", language, id=escalation.id))
        return draft

    def _answer(self, context: _Context, question: str) -> _Draft:
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
            return _merged(draft, self._from_catalog(context, second, parts[1], countries))
        scratch = _Context(context.conversation, ConversationState(), context.turn, context.desk, context.now)
        extra = self._answer_one(scratch, parts[1], [])
        if extra.decision != "answer" or extra.outcome not in ("answered", "catalog", "faq"):
            return draft
        return _merged(draft, extra)

    def _answer_one(self, context: _Context, query: str, countries: list[str]) -> _Draft:
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
            return _Draft(
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
                return _Draft(say("off_topic", language), "answer", "refused", routing.intent, confidence=confidence)
            if routing.intent == "injection" and routing.margin >= thresholds.router_strong:
                # Other companies' or people's data: refused only when plainly asked for (a weak
                # likeness to "how much did our competitor receive?" is a question on amounts).
                return _Draft(say("others_data", language), "answer", "refused", routing.intent, confidence=confidence)
            # A task for the staff only when plainly asked: a weak likeness to "register us" on a
            # question the documents do not cover is a question the documents do not cover.
            weak_task = routing.intent == "staff_task" and routing.margin < thresholds.router_strong
            if routing.intent in _HANDOFF_INTENTS and not weak_task:
                return self._handoff(context, _HANDOFF_INTENTS[routing.intent], query, confidence=confidence)
        if confidence < needed:
            if not desk.named(query, countries) and len(set(query.split())) <= 2 and confidence < needed / 2:
                return _Draft(say("rephrase", language), "clarify", "rephrase", turn.intent, confidence=confidence)
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
            return _Draft(say(key, language, options=listed), "clarify", "clarify", turn.intent,
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
        draft = _Draft(
            text, "answer", "answered", turn.intent, confidence=confidence,
            citations=composition.citations, composer=composition.composer,
        )  # fmt: skip
        if composition.lead_likelihood is not None:
            draft.notes.append(f"lead likelihood {composition.lead_likelihood:.2f}")
        draft.suffix = self._closed_notices(composition, passages, desk, language)
        if composition.missing:
            draft.suffix = _joined_suffix(draft.suffix, say("offer_person", language))
            draft.notes.append(f"not stated: {', '.join(sorted(composition.missing))}")
        if self._llm is not None:
            draft.llm_passages = passages
            draft.llm_question = query
        return draft

    def _from_documents_about(self, context: _Context, query: str, countries: list[str]) -> _Draft | None:
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
        return _Draft(composition.text, "answer", "answered", context.turn.intent,
                      confidence=retrieval_confidence(query, passages), citations=composition.citations)  # fmt: skip

    def _from_catalog(self, context: _Context, reply: CatalogReply, query: str, countries: list[str]) -> _Draft:
        turn, state, desk = context.turn, context.state, context.desk
        if reply.kind == "handoff":
            return self._handoff(context, "low_confidence", query, note="catalog rule unclear")
        if reply.kind in ("clarify", "ask"):
            if reply.options:
                options = [{"label": o.label, "entry_id": o.entry_id} for o in reply.options]
                state.pending = Pending("clarify", query, options)
            return _Draft(reply.text, "clarify", "clarify", turn.intent, confidence=1.0, citations=reply.citations,
                          options=reply.options, composer="catalog")  # fmt: skip
        self._remember(state, query, countries, desk, reply.entry_ids)
        outcome: Outcome = "not_found" if reply.kind == "not_in_catalog" else "catalog"
        return _Draft(reply.text, "answer", outcome, turn.intent, confidence=1.0, citations=reply.citations,
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

    # -- handoff --------------------------------------------------------------------------

    def _handoff(
        self,
        context: _Context,
        reason: HandoffReason,
        question: str,
        *,
        confidence: float | None = None,
        note: str | None = None,
    ) -> _Draft:
        """Ask for what staff will need (once), or escalate at once when nothing is missing."""
        if context.escalation is not None:
            return self._joined(context, context.escalation.id, context.escalation.reason)
        turn, state = context.turn, context.state
        language = turn.language
        details = Details.from_dict(state.details)
        has_topic = bool(turn.countries or state.topic.entries or context.desk.named(question, turn.countries))
        missing = missing_details(details, has_topic, language)
        intro = say(f"handoff_{reason}", language)
        if missing:
            state.pending = Pending("handoff_details", question, reason=reason)
            text = f"{intro} {say('ask_details', language, missing=joined(missing, language))}"
            draft = _Draft(text, "handoff", "details_requested", turn.intent, reason=reason, confidence=confidence)
        else:
            draft = self._escalate(context, reason, question, details, intro=intro, confidence=confidence)
        draft.question = question
        if note:
            draft.notes.append(note)
        return draft

    def _finish_handoff(self, context: _Context, pending: Pending, given: Details) -> _Draft:
        """The SME answered (or declined) the request for details: escalate with what we have."""
        state = context.state
        details = (Details.from_dict(state.details)).merged(given)
        state.details = details.as_dict()
        reason: HandoffReason = pending.reason if pending.reason else "user_request"  # type: ignore[assignment]
        named = context.desk.named(context.turn.text, context.turn.countries)
        topic = [r.entry.title for r in named] or ([state.topic.subject] if state.topic.subject else [])
        return self._escalate(context, reason, pending.query, details, topic=topic)

    def _escalate(
        self,
        context: _Context,
        reason: HandoffReason,
        question: str,
        details: Details,
        *,
        intro: str = "",
        confidence: float | None = None,
        topic: Sequence[str] = (),
    ) -> _Draft:
        language = context.turn.language
        collected = details.as_dict()
        if topic:
            collected["topic"] = "; ".join(topic)
        if details.declined:
            collected["declined"] = "yes"
        escalation_id = self.store.open_escalation(context.conversation.id, reason, question[:300], collected)
        when = self.config.office_hours.expectation(context.now, language)
        text = " ".join(part for part in (intro, say("handoff_created", language, id=escalation_id, when=when)) if part)
        return _Draft(text, "handoff", "escalated", context.turn.intent, reason=reason, confidence=confidence,
                      escalation_id=escalation_id)  # fmt: skip

    def _joined(self, context: _Context, escalation_id: int, reason: HandoffReason) -> _Draft:
        language = context.turn.language
        when = self.config.office_hours.expectation(context.now, language)
        text = say("handoff_joined", language, id=escalation_id, when=when)
        return _Draft(text, "handoff", "joined", context.turn.intent, reason=reason, escalation_id=escalation_id)

    def _error_draft(self, turn: Turn, state: ConversationState, conversation_id: int) -> _Draft:
        """After a failure: apologise; from the second failure in a row, escalate."""
        language = turn.language
        if state.errors >= self.config.errors_before_handoff:
            try:
                escalation_id = self.store.open_escalation(conversation_id, "error", turn.text[:300], {})
            except Exception:  # the database itself may be what failed: still answer
                log.exception("could not open an escalation after an error")
            else:
                when = self.config.office_hours.expectation(self._now(), language)
                text = (
                    f"{say('handoff_error', language)} {say('handoff_created', language, id=escalation_id, when=when)}"
                )
                return _Draft(text, "handoff", "escalated", turn.intent, reason="error", escalation_id=escalation_id)
        text = f"{say('handoff_error', language)} {say('rephrase', language)}"
        return _Draft(text, "clarify", "rephrase", turn.intent, reason="error", notes=["error"])

    # -- language model -------------------------------------------------------------------

    def _llm_stream(self, draft: _Draft, language: str, conversation_id: int) -> Iterator[str]:
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


def strip_injection(text: str) -> str:
    """The message without its sentences that try to give the assistant instructions."""
    sentences = re.split(r"(?<=[.!?])\s+|\s*\.\.\.\s*|\s+(?:anyway|comunque|bref)\b[.,]*\s*", text)
    return " ".join(s for s in sentences if s and rule_intent(s) != "injection").strip()


def _chosen_option(
    text: str, options: list[dict[str, str]], desk: CatalogDesk, countries: list[str]
) -> dict[str, str] | None:
    """Which offered option the SME picked: by number ("2", "la seconda") or by naming it."""
    number = re.fullmatch(r"\s*(\d{1,2})\s*[.)]?\s*", text)
    if number and 1 <= int(number.group(1)) <= len(options):
        return options[int(number.group(1)) - 1]
    ordinals = ("prim", "second", "terz", "quart", "first", "second", "third", "fourth", "premi", "deuxi", "troisi")
    folded = text.casefold()
    for index, stem in enumerate(ordinals):
        if re.search(rf"\b{stem}", folded):
            position = index % 4 if index < 8 else index - 8
            if position < len(options):
                return options[position]
    named = {r.entry.id for r in desk.named(text, countries)}
    return next((o for o in options if o["entry_id"] in named), None)


_SECOND_QUESTION = re.compile(
    r"\s*(?:\?\s*|,\s*|\s)(?:e|ed|and|et|inoltre|also|plus)\s+(?=(?:quanto|quanti|quale|quali|come|cosa|chi|dove|"
    r"how|what|which|who|where|combien|quel|quelle|quels|quelles|comment|qui|où)\b)",
    re.IGNORECASE,
)


def split_questions(text: str) -> list[str]:
    """At most two questions in one message: "entro quando…, e quanto…?" → both halves."""
    parts = _SECOND_QUESTION.split(text, maxsplit=1)
    parts = [p.strip() for p in parts if p and p.strip()]
    return parts if len(parts) == 2 and all(len(p.split()) >= 3 for p in parts) else [text]


def _merged(first: _Draft, second: _Draft) -> _Draft:
    """One answer from two: bodies in order, sources renumbered after the first's."""
    offset = len(first.citations)

    def renumbered(text: str) -> str:
        return re.sub(r"\[(\d+)\]", lambda m: f"[{int(m.group(1)) + offset}]", text)

    citations = first.citations + [replace(c, n=c.n + offset) for c in second.citations]
    text = f"{first.text}\n\n{renumbered(second.text)}"
    confidence = min(x for x in (first.confidence, second.confidence, 1.0) if x is not None)
    suffix = "\n".join(s for s in (first.suffix, second.suffix) if s)
    composer = first.composer if first.composer == second.composer else f"{first.composer}+{second.composer}"
    return _Draft(
        text, "answer", first.outcome, first.intent, confidence=confidence, citations=citations, composer=composer,
        suffix=suffix,
    )  # fmt: skip


def _joined_suffix(current: str, extra: str) -> str:
    return f"{current}\n{extra}" if current else extra
