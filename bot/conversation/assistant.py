"""The assistant: turns a stored message into a reply, for every channel (through the front door).

Per message (stored by the front door before anything else): understand it, then the
first of these that applies decides — a pending question (clarification, details for
staff), an open escalation, the intent (greeting, injection, a person asked for...), the
catalog's records, a curated FAQ answer, the documents (when retrieval is confident
enough), or a handoff. The reply, the state and the message's status are stored together
before the reply is returned; when a language model streams, its tokens go out as they
come and the checked final text is stored and sent with ``done``.

The decision lives here (``_decide``); the answering steps in ``answer_steps``, the
handoff steps in ``handoff_steps`` (mixins of ``Assistant``), what a turn is made of in
``turns``.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Iterator
from dataclasses import replace

from bot.answers.catalog_answers import CatalogDesk
from bot.answers.composers.extractive import ExtractiveComposer
from bot.answers.composers.line_ranker import LineRanker
from bot.answers.composers.llm import LlmComposer
from bot.answers.composers.sources import sources_block
from bot.answers.knowledge_view import KnowledgeView
from bot.conversation.answer_steps import AnswerSteps
from bot.conversation.handoff import Details
from bot.conversation.inbox import AlreadyAnsweredError, Inbound, Inbox, ReplyRecord
from bot.conversation.phrases import say
from bot.conversation.policy import policy_topic
from bot.conversation.replies import Event, Reply, TokenEvent, final_events, reply_of
from bot.conversation.router import SemanticRouter
from bot.conversation.state import ConversationState
from bot.conversation.store import ConversationStore
from bot.conversation.turns import (
    HANDOFF_INTENTS,
    QUESTIONISH,
    AssistantConfig,
    Clock,
    Draft,
    TurnContext,
    chosen_option,
    joined_suffix,
    strip_injection,
)
from bot.conversation.understanding import Turn, asks_for_others_data, understand
from knowledge.countries import countries_in
from retrieval.hybrid import HybridSearcher

log = logging.getLogger(__name__)

__all__ = ["Assistant", "AssistantConfig"]


class Assistant(AnswerSteps):
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
        return reply_of(self.stream(conversation_id, text))

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
            context = TurnContext(conversation, state, turn, self.catalog_desk(), self._now())
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
        body = "\n\n".join(part for part in (draft.text, draft.suffix) if part)
        text_out = "\n\n".join(part for part in (body, sources) if part)
        reply = Reply(
            text=text_out, language=turn.language, decision=draft.decision, outcome=draft.outcome,
            intent=draft.intent, reason=draft.reason, confidence=draft.confidence, citations=draft.citations,
            options=draft.options, escalation_id=draft.escalation_id, user_message_id=inbound.message_id,
            latency_ms=latency, composer=draft.composer, notes=draft.notes, body=body,
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
        snapshot = self._knowledge.snapshot()
        return CatalogDesk(snapshot.catalog, self._now(), self.config.closing_soon_days, snapshot.page_titles)

    def _decide(self, context: TurnContext) -> Draft:
        turn = context.turn
        if turn.intent == "too_long":
            text = say("too_long", turn.language, length=len(turn.text), limit=self.config.limits.max_chars)
            return Draft(text, "clarify", "limit", turn.intent)
        if turn.intent == "empty":
            return Draft(say("empty", turn.language), "clarify", "limit", turn.intent)
        given = self._read_sme_words(context)  # details and questions for staff, whatever the reply
        draft = self._reply_to(context, given)
        self._keep_question(context)
        return draft

    def _reply_to(self, context: TurnContext, given: Details) -> Draft:
        turn, state = context.turn, context.state
        language = turn.language
        pending = state.pending
        if pending is not None and pending.kind == "handoff_details":
            state.pending = None
            return self._finish_handoff(context, pending, given)
        escalation = self.store.active_escalation(context.conversation.id)
        context.escalation = escalation
        if escalation is not None and given.as_dict():
            self.store.complete_escalation_details(escalation.id, given.as_dict())  # staff see what she adds
        question = turn.text
        if pending is not None and pending.kind == "clarify":
            state.pending = None
            chosen = chosen_option(turn.text, pending.options, context.desk, turn.countries)
            if chosen is not None:
                question = f"{pending.query} ({chosen['label']})"
                turn = Turn(question, language, "question", "default", countries_in(question))
                context.turn = turn
        if turn.intent in ("greeting", "thanks"):
            return Draft(say(turn.intent, language), "answer", "smalltalk", turn.intent)
        if turn.intent == "abuse":
            state.abuse += 1
            key = "abuse_stop" if state.abuse >= self.config.abuse_stop_after else "abuse"
            return Draft(say(key, language), "answer", "deescalate", turn.intent)
        if asks_for_others_data(turn.text):
            return Draft(say("others_data", language), "answer", "refused", "injection")
        if turn.intent == "injection":
            rest = strip_injection(turn.text)
            if len(rest.split()) < 4 or not QUESTIONISH.search(rest):
                return Draft(say("injection", language), "answer", "refused", turn.intent)
            question = rest  # the instruction is refused; the question beside it is still answered
            turn = Turn(rest, language, "question", "default", turn.countries)
            context.turn = turn
        if turn.intent == "off_topic":
            return Draft(say("off_topic", language), "answer", "refused", turn.intent)
        if escalation is not None and turn.intent in HANDOFF_INTENTS:
            return self._joined(context, escalation.id, escalation.reason)
        if turn.intent in HANDOFF_INTENTS:
            return self._handoff(context, HANDOFF_INTENTS[turn.intent], turn.text)
        topic = policy_topic(turn.text, self.config.policy_topics)
        if topic is not None:
            return self._handoff(context, "policy_topic", turn.text, note=f"policy topic {topic}")
        draft = self._answer(context, question)
        if escalation is not None:
            if draft.decision == "handoff" or draft.outcome == "rephrase":
                return self._joined(context, escalation.id, escalation.reason)
            draft.suffix = joined_suffix(draft.suffix, say("escalation_still_open", language, id=escalation.id))
        return draft
