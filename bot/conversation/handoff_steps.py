"""The handoff steps of a turn: ask for what staff will need, open or join the escalation, and
apologise (then escalate) after failures. A mixin of ``Assistant``: it reads the assistant's
store, settings and clock."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from bot.conversation.handoff import Details, missing_details
from bot.conversation.phrases import joined, say
from bot.conversation.records import HandoffReason
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
        details = Details.from_dict(state.details)
        has_topic = bool(turn.countries or state.topic.entries or context.desk.named(question, turn.countries))
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
        context: TurnContext,
        reason: HandoffReason,
        question: str,
        details: Details,
        *,
        intro: str = "",
        confidence: float | None = None,
        topic: Sequence[str] = (),
    ) -> Draft:
        language = context.turn.language
        collected = details.as_dict()
        if topic:
            collected["topic"] = "; ".join(topic)
        if details.declined:
            collected["declined"] = "yes"
        escalation_id = self.store.open_escalation(context.conversation.id, reason, question[:300], collected)
        when = self.config.office_hours.expectation(context.now, language)
        text = " ".join(part for part in (intro, say("handoff_created", language, id=escalation_id, when=when)) if part)
        return Draft(text, "handoff", "escalated", context.turn.intent, reason=reason, confidence=confidence,
                      escalation_id=escalation_id)  # fmt: skip

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
                escalation_id = self.store.open_escalation(conversation_id, "error", turn.text[:300], {})
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
