"""The handoff steps of a turn: keep what each message tells staff, ask for what staff will need,
open or join the escalation, and apologise (then escalate) after failures. A mixin of
``Assistant``: it reads the assistant's store, settings and clock."""

from __future__ import annotations

import logging
from dataclasses import replace

from bot.conversation.handoff import Details, missing_details, parse_details
from bot.conversation.phrases import joined, say
from bot.conversation.records import HandoffReason
from bot.conversation.staff_brief import StaffTopic, asked_in, request_line, staff_summary, staff_topic
from bot.conversation.state import ConversationState, Pending
from bot.conversation.store import ConversationStore
from bot.conversation.turns import AssistantConfig, Clock, Draft, TurnContext
from bot.conversation.understanding import Turn

log = logging.getLogger(__name__)


class HandoffSteps:
    """Handing a conversation to staff."""

    store: ConversationStore
    config: AssistantConfig
    _now: Clock

    def _read_sme_words(self, context: TurnContext) -> Details:
        """Any message may carry the SME's details or a question for staff: both are kept as they come
        (details she gives later win over earlier ones). Returns this message's details."""
        turn, state = context.turn, context.state
        given = parse_details(turn.text)
        if given.as_dict():
            state.details = given.merged(Details.from_dict(state.details)).as_dict()
        answering = state.pending is not None and state.pending.kind == "handoff_details"
        # A message taken as a question counts whole ("info missione Giappone"), not a reply with details.
        context.asked = asked_in(turn.text, loose=turn.intent == "question" and not answering and not given.as_dict())
        return given

    def _keep_question(self, context: TurnContext) -> None:
        """After the turn: this message's question joins the last ones, for a later request for a person."""
        if context.asked:
            context.state.questions = [*context.state.questions, context.asked][-2:]

    def _handoff(
        self,
        context: TurnContext,
        reason: HandoffReason,
        question: str,
        *,
        confidence: float | None = None,
        note: str | None = None,
    ) -> Draft:
        """Ask for what staff will need (once), or escalate at once when nothing is missing."""
        if context.escalation is not None:
            return self._joined(context, context.escalation.id, context.escalation.reason)
        turn, state = context.turn, context.state
        language = turn.language
        if reason == "user_request" and turn.intent != "human_request":
            context.asked = ""  # the router heard a request for a person: the message is that, not a question
        details = Details.from_dict(state.details)
        has_topic = bool(turn.countries or state.topic.entries or self._staff_topic(context, details).titles)
        missing = missing_details(details, has_topic, language)
        intro = say(f"handoff_{reason}", language)
        if missing:
            state.pending = Pending("handoff_details", question, reason=reason)
            text = f"{intro} {say('ask_details', language, missing=joined(missing, language))}"
            draft = Draft(text, "handoff", "details_requested", turn.intent, reason=reason, confidence=confidence)
        else:
            draft = self._escalate(context, reason, question, details, intro=intro, confidence=confidence)
        draft.question = question
        if note:
            draft.notes.append(note)
        return draft

    def _finish_handoff(self, context: TurnContext, pending: Pending, given: Details) -> Draft:
        """The SME answered (or declined) the request for details: escalate with what we have (her
        reply's details are in the state already, with any she gave before)."""
        details = replace(Details.from_dict(context.state.details), declined=given.declined)
        reason: HandoffReason = pending.reason if pending.reason else "user_request"  # type: ignore[assignment]
        return self._escalate(context, reason, pending.query, details)

    def _escalate(
        self,
        context: TurnContext,
        reason: HandoffReason,
        question: str,
        details: Details,
        *,
        intro: str = "",
        confidence: float | None = None,
    ) -> Draft:
        """Open the escalation: her question(s) as its summary (not a bare "I'd like to talk to a
        person"), her details, and the call or mission she named (or, marked, the one inferred)."""
        language, state = context.turn.language, context.state
        if reason == "user_request":
            summary = staff_summary([*state.questions, context.asked], request_line(question))
        else:
            summary = staff_summary([asked_in(question)], question)
        collected = details.as_dict()
        topic = self._staff_topic(context, details)
        if topic.titles:
            collected["topic"] = "; ".join(topic.titles)
        if topic.inferred:
            collected["topic_inferred"] = "1"
        if details.declined:
            collected["declined"] = "yes"
        escalation_id = self.store.open_escalation(context.conversation.id, reason, summary, collected)
        state.questions, context.asked = [], ""  # with staff now: a later request starts afresh
        when = self.config.office_hours.expectation(context.now, language)
        text = " ".join(part for part in (intro, say("handoff_created", language, id=escalation_id, when=when)) if part)
        return Draft(text, "handoff", "escalated", context.turn.intent, reason=reason, confidence=confidence,
                      escalation_id=escalation_id)  # fmt: skip

    def _staff_topic(self, context: TurnContext, details: Details) -> StaffTopic:
        """What the SME's recent words name, or what the conversation was about (inferred)."""
        words = [*context.state.questions, context.asked, context.turn.text]
        return staff_topic(context.desk, words, details, context.state.topic.entries)

    def _joined(self, context: TurnContext, escalation_id: int, reason: HandoffReason) -> Draft:
        language = context.turn.language
        when = self.config.office_hours.expectation(context.now, language)
        text = say("handoff_joined", language, id=escalation_id, when=when)
        return Draft(text, "handoff", "joined", context.turn.intent, reason=reason, escalation_id=escalation_id)

    def _error_draft(self, turn: Turn, state: ConversationState, conversation_id: int) -> Draft:
        """After a failure: apologise; from the second failure in a row, escalate."""
        language = turn.language
        if state.errors >= self.config.errors_before_handoff:
            try:
                escalation_id = self.store.open_escalation(conversation_id, "error", turn.text[:300], state.details)
            except Exception:  # the database itself may be what failed: still answer
                log.exception("could not open an escalation after an error")
            else:
                when = self.config.office_hours.expectation(self._now(), language)
                text = (
                    f"{say('handoff_error', language)} {say('handoff_created', language, id=escalation_id, when=when)}"
                )
                return Draft(text, "handoff", "escalated", turn.intent, reason="error", escalation_id=escalation_id)
        text = f"{say('handoff_error', language)} {say('rephrase', language)}"
        return Draft(text, "clarify", "rephrase", turn.intent, reason="error", notes=["error"])
