"""The chat API the widget talks to (contract: docs/web.md).

A web session is a contact of channel ``web`` whose external id is the SHA-256 of a
random token; only the browser holds the token. Every turn goes through the front door
(``bot.conversation.front_door``): the message is stored with the widget's client id
before any byte of the response goes out, so a turn the widget was told about survives a
crash, and the widget's resend of the same client id gets the stored answer back instead
of a second turn.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import threading
from collections.abc import AsyncIterator, Iterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from limits import RateLimitItem
from pydantic import BaseModel, Field
from sse_starlette import EventSourceResponse
from starlette.concurrency import run_in_threadpool

from api.limits import Limits, per_minute, retry_after_seconds
from api.services import Services
from api.web.protection import API_RESPONSES, MAX_ROW_ID, client_address, error_body
from bot.answers.composers.base import Citation
from bot.answers.composers.sources import answer_body
from bot.conversation.assistant import Assistant
from bot.conversation.changes import ChangeHub, conversation_topic
from bot.conversation.front_door import FrontDoor
from bot.conversation.inbox import ConversationGoneError, Inbound
from bot.conversation.phrases import say
from bot.conversation.records import StoredEscalation, StoredMessage
from bot.conversation.replies import CitationEvent, DecisionEvent, DoneEvent, Event, Reply, TokenEvent, reply_of
from bot.desk.privacy import PrivacyDesk

log = logging.getLogger(__name__)

CHANNEL = "web"
LANGUAGES = ("it", "en", "fr")
Language = Literal["it", "en", "fr"]
EVENTS_PING_SECONDS = 15.0
REPLY_SHUTDOWN_GRACE_SECONDS = 8.0
"""Below uvicorn's graceful shutdown (10 s): a turn under way finishes before the server stops."""

router = APIRouter(prefix="/api", tags=["chat"], responses=API_RESPONSES)


class SessionRequest(BaseModel):
    consent: bool = Field(description="The privacy notice was accepted; required to start.")
    language: Language | None = Field(default=None, description="Interface language; detected per message anyway.")


CLIENT_ID_PATTERN = r"^[A-Za-z0-9_-]{8,64}$"


class MessageRequest(BaseModel):
    text: str = Field(max_length=5000, description="The SME's message (the assistant asks to shorten over its limit).")
    client_id: str | None = Field(
        default=None, pattern=CLIENT_ID_PATTERN,
        description="The widget's id for this message, sent again with a resend: the stored turn is returned.",
    )  # fmt: skip


class HandoffRequest(BaseModel):
    client_id: str | None = Field(default=None, pattern=CLIENT_ID_PATTERN)


class FeedbackRequest(BaseModel):
    message_id: int = Field(ge=1, le=MAX_ROW_ID)
    rating: Literal["up", "down"]
    comment: str | None = Field(default=None, max_length=1000)


class ErasureRequest(BaseModel):
    confirm: bool = Field(description="Must be true: erasure cannot be undone.")


class WebState:
    """What the routes share: the services, the assistant, the rate limits."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.assistant: Assistant = services.assistant()
        self.front_door: FrontDoor = services.front_door()
        self.privacy: PrivacyDesk = services.privacy()
        web = services.settings.web
        self.limits: Limits = services.limits()
        self.changes: ChangeHub = services.changes()
        self.session_limit = per_minute(web.session_messages_per_minute)
        self.ip_limit = per_minute(web.ip_requests_per_minute)
        self._turns = threading.BoundedSemaphore(web.concurrent_turns)

    def accept(self, conversation: int, text: str, client_id: str | None) -> Inbound:
        """Store the message (committed) before anything is acknowledged; a resent client id finds it."""
        return self.front_door.accept(conversation, text, f"{CHANNEL}:{client_id}" if client_id else None)

    def turn_events(self, inbound: Inbound) -> Iterator[Event]:
        """The turn's events for a stored message, JSON and streamed alike. Without a language
        model a turn is a few milliseconds of CPU: turns take their place in a short queue
        (``concurrent_turns`` at a time) instead of all contending for the interpreter at once,
        which keeps the slowest answers under load close to the typical one. A model's turn
        streams for seconds, so it streams as it comes."""
        if self.assistant.streams_from_model:
            yield from self.front_door.events(inbound)
            return
        with self._turns:
            events = list(self.front_door.events(inbound))
        yield from events

    def reply(self, inbound: Inbound) -> Reply:
        """The turn's reply (``turn_events``, consumed)."""
        return reply_of(self.turn_events(inbound))


def install_errors(app: FastAPI) -> None:
    """A session erased while one of its turns ran: the same 401 as any session that is gone."""

    @app.exception_handler(ConversationGoneError)
    async def gone(request: Request, exc: ConversationGoneError) -> JSONResponse:
        return JSONResponse(error_body("unauthorized", "This session does not exist (any more)."), status_code=401)


def web_state(request: Request) -> WebState:
    state: WebState = request.app.state.web
    return state


StateDep = Annotated[WebState, Depends(web_state)]


def limit_ip(request: Request, state: StateDep) -> None:
    """Every API call counts against its IP address."""
    check_limit(state, state.ip_limit, "ip", client_address(request))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def conversation_of(request: Request, state: StateDep) -> int:
    """The session's conversation, from ``Authorization: Bearer <token>``."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not 20 <= len(token) <= 200:
        raise HTTPException(401, error_body("unauthorized", "Start a session first (POST /api/sessions)."))
    conversation = state.front_door.conversation_of(CHANNEL, token_hash(token.strip()))
    if conversation is None:
        raise HTTPException(401, error_body("unauthorized", "This session does not exist (any more)."))
    return conversation


ConversationDep = Annotated[int, Depends(conversation_of)]


@router.get("/config", dependencies=[Depends(limit_ip)])
def config(state: StateDep, lang: Language = "it") -> dict[str, Any]:
    """Languages, suggested questions and the privacy notice, before any session exists."""
    return {
        "languages": list(LANGUAGES), "language": lang, "suggestions": _suggestions(state, lang),
        "privacy": say("privacy_notice", lang), "privacy_url": state.services.settings.privacy.policy_url,
    }  # fmt: skip


@router.post("/sessions", status_code=201, dependencies=[Depends(limit_ip)])
def start_session(body: SessionRequest, state: StateDep) -> dict[str, Any]:
    """A new chat session; its token authorises the calls that follow."""
    if not body.consent:
        raise HTTPException(400, error_body("consent_required", "The privacy notice must be accepted first."))
    token = secrets.token_urlsafe(32)
    state.front_door.consent(CHANNEL, token_hash(token), language=body.language)
    state.front_door.start(CHANNEL, token_hash(token), language=body.language)
    language = body.language or state.services.settings.assistant.default_language
    return {
        "token": token, "language": language, "welcome": say("greeting", language),
        "suggestions": _suggestions(state, language),
    }  # fmt: skip


@router.post("/messages", dependencies=[Depends(limit_ip)], response_model=None)
def send_message(
    body: MessageRequest, request: Request, state: StateDep, conversation: ConversationDep
) -> EventSourceResponse | dict[str, Any]:
    """The assistant's reply: streamed as server-sent events, or as JSON.

    The message is stored before the response starts (status and headers are the widget's
    "received"); a resend with the same ``client_id`` gets the stored turn, never a second one.
    """
    check_limit(state, state.session_limit, "session", str(conversation))
    inbound = state.accept(conversation, body.text, body.client_id)
    if "text/event-stream" in request.headers.get("accept", ""):
        # On shutdown a turn under way gets a few seconds to finish; its answer is stored
        # either way, and the widget's resend gets it.
        return _event_stream(_reply_events(state, inbound, body.client_id), grace=REPLY_SHUTDOWN_GRACE_SECONDS)
    return {"reply": _reply(state, conversation, state.reply(inbound))}


@router.post("/handoff", dependencies=[Depends(limit_ip)])
def handoff(state: StateDep, conversation: ConversationDep, body: HandoffRequest | None = None) -> dict[str, Any]:
    """Ask for a person: the same turn as writing it, so the details staff need are asked first."""
    check_limit(state, state.session_limit, "session", str(conversation))
    language = conversation_language(state, conversation)
    inbound = state.accept(conversation, say("ask_for_person", language), body.client_id if body else None)
    return {"reply": _reply(state, conversation, state.reply(inbound))}


@router.get("/history", dependencies=[Depends(limit_ip)])
def history(state: StateDep, conversation: ConversationDep) -> dict[str, Any]:
    """The conversation so far, with citations, and its escalation if one is open."""
    door = state.front_door
    language = conversation_language(state, conversation)
    return {
        "language": language,
        "messages": [message_json(m) for m in door.messages(conversation)],
        "escalation": _escalation(state, door.active_escalation(conversation), language),
    }


@router.post("/feedback", dependencies=[Depends(limit_ip)])
def feedback(body: FeedbackRequest, state: StateDep, conversation: ConversationDep) -> dict[str, Any]:
    """Thumbs up or down on one of this conversation's answers."""
    if not state.front_door.feedback(conversation, body.message_id, body.rating == "up", body.comment):
        raise HTTPException(404, error_body("not_found", "No such answer in this conversation."))
    return {"ok": True}


@router.post("/erase", dependencies=[Depends(limit_ip)])
def erase(body: ErasureRequest, state: StateDep, conversation: ConversationDep) -> dict[str, Any]:
    """Delete everything stored about this session (bot/desk/privacy.py, docs/privacy.md); its token stops working."""
    if not body.confirm:
        raise HTTPException(400, error_body("confirmation_required", "Erasure cannot be undone: send confirm=true."))
    stored = state.front_door.conversation(conversation)
    if stored is None:  # erased meanwhile (another tab, the retention run): nothing is left to erase
        return {"erased": True}
    state.privacy.erase(stored.contact_id)
    return {"erased": True}


@router.get("/events", dependencies=[Depends(limit_ip)])
async def events(
    state: StateDep, conversation: ConversationDep, after: Annotated[int, Query(ge=0, le=MAX_ROW_ID)] = 0
) -> EventSourceResponse:
    """New messages (staff replies, the claim desk's) and escalation changes as they happen (closed at
    shutdown: widgets reconnect)."""
    return _event_stream(_live_events(state, conversation, after), grace=0)


# -- helpers --------------------------------------------------------------------------------


def check_limit(state: WebState, item: RateLimitItem, *key: str) -> None:
    """Count one hit of ``key`` against ``item``; past it, 429 with ``Retry-After``."""
    wait = state.limits.hit(item, *key)
    if wait:
        seconds = retry_after_seconds(wait)
        raise HTTPException(
            429,
            error_body("rate_limited", "Too many requests; try again shortly.", retry_after=seconds),
            headers={"Retry-After": str(seconds)},
        )


def _suggestions(state: WebState, language: str) -> list[str]:
    suggestions = state.services.settings.web.suggestions
    return list(suggestions.get(language) or suggestions.get("it") or [])


SseEvent = dict[str, str]
"""An event for ``EventSourceResponse`` (``event``, ``data``): it writes it with the response's separator."""


def _sse(event: str, data: dict[str, Any]) -> SseEvent:
    return {"event": event, "data": json.dumps(data, ensure_ascii=False)}


def _event_stream(events: Iterator[SseEvent] | AsyncIterator[SseEvent], grace: float) -> EventSourceResponse:
    """Server-sent events (sse-starlette: keep-alive pings, client disconnects, server shutdown)."""
    return EventSourceResponse(
        events, ping=EVENTS_PING_SECONDS, sep="\n", shutdown_grace_period=grace,
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )  # fmt: skip


def _reply_events(state: WebState, inbound: Inbound, client_id: str | None) -> Iterator[SseEvent]:
    """The turn's stream as SSE (a sync generator: Starlette runs it in a worker thread)."""
    conversation = inbound.conversation_id
    yield _sse("accepted", {"message_id": inbound.message_id, "client_id": client_id})
    try:
        for event in state.turn_events(inbound):
            if isinstance(event, TokenEvent):
                if event.part == "answer":  # the widget lists the sources from the citations
                    yield _sse("token", {"text": event.text})
            elif isinstance(event, CitationEvent):
                yield _sse("citation", _public([event.citation.to_dict()])[0])
            elif isinstance(event, DecisionEvent):
                yield _sse("decision", {"decision": event.decision, "reason": event.reason})
            elif isinstance(event, DoneEvent):
                yield _sse("done", _reply(state, conversation, event.reply))
    except Exception:  # the assistant already turns its own failures into replies; this is the last guard
        log.exception("stream failed in conversation %s", conversation)
        yield _sse("error", {"code": "internal", "message": "Something went wrong on our side."})


async def _live_events(state: WebState, conversation: int, after: int) -> AsyncIterator[SseEvent]:
    """Messages newer than ``after`` that came from no turn of the widget's (``_live``), and the
    escalation's moves, read from the database whenever the conversation changes
    (``bot.conversation.changes``) or, short of a notice, after the hub's patience: never a tight
    poll, never a missed message."""
    door = state.front_door
    hub = state.changes
    last_seen = after
    escalation_status: str | None = None
    quiet = 0.0
    async with hub.subscribe(conversation_topic(conversation)) as subscription:
        while True:  # until the client goes, the server stops (both: sse-starlette) or the session is erased
            fresh = await run_in_threadpool(door.messages, conversation, last_seen)
            for message in fresh:
                last_seen = message.id
                if _live(message):
                    yield _sse("message", message_json(message))
            escalation = await run_in_threadpool(door.active_escalation, conversation)
            status = escalation.status if escalation else None
            if status != escalation_status:
                if escalation_status is not None or status is not None:
                    stored = await run_in_threadpool(door.conversation, conversation)
                    if stored is None:
                        return  # erased: the token no longer opens anything
                    yield _sse("escalation", {"escalation": _escalation(state, escalation, stored.language)})
                escalation_status = status
            patience = hub.patience
            changed = await subscription.changed(patience)
            quiet = 0.0 if changed else quiet + patience
            if changed or quiet >= EVENTS_PING_SECONDS:
                quiet = 0.0
                if await run_in_threadpool(door.conversation, conversation) is None:
                    return


def _live(message: StoredMessage) -> bool:
    """What the live events carry: staff and system messages, and the claim desk's (``claim:…``),
    which come from no turn of the widget's (a file read by the recovery loop after a crash)."""
    if message.role in ("staff", "system"):
        return True
    return message.role == "assistant" and (message.client_key or "").startswith("claim:")


def conversation_language(state: WebState, conversation: int) -> str:
    """The conversation's language, or the assistant's default before one is known."""
    stored = state.front_door.conversation(conversation)
    language = stored.language if stored is not None else None
    return language or state.services.settings.assistant.default_language


def _body(reply_text: str, citations: list[dict[str, Any]], language: str) -> str:
    """The answer without its sources block (the widget lists the sources itself)."""
    return answer_body(reply_text, [Citation.from_dict(c) for c in citations], language)


_PUBLIC_CITATION = ("n", "title", "section", "page", "url", "language", "label")
"""What a browser sees of a source: not the server's file path or chunk id."""


def _public(citations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{name: c.get(name) for name in _PUBLIC_CITATION} for c in citations]


def _reply(state: WebState, conversation: int, reply: Reply) -> dict[str, Any]:
    citations = [c.to_dict() for c in reply.citations]
    escalation = state.front_door.active_escalation(conversation) if reply.escalation_id else None
    return {
        "message_id": reply.message_id, "text": reply.body or reply.text,
        "language": reply.language, "decision": reply.decision, "reason": reply.reason, "outcome": reply.outcome,
        "citations": _public(citations), "options": [{"label": o.label, "entry_id": o.entry_id} for o in reply.options],
        "escalation": _escalation(state, escalation, reply.language),
    }  # fmt: skip


def message_json(message: StoredMessage) -> dict[str, Any]:
    """A stored message as the history and the live events show it."""
    language = message.language or "it"
    client_key = message.client_key or ""
    return {
        "id": message.id, "role": message.role, "text": _body(message.text, message.citations, language),
        "citations": _public(message.citations), "created_at": message.created_at.isoformat(),
        "decision": message.decision, "language": message.language,
        "client_id": client_key.removeprefix(f"{CHANNEL}:") if client_key.startswith(f"{CHANNEL}:") else None,
        "pending": message.role == "user" and message.status == "pending",
        "author": message.author if message.role == "staff" else None,
    }  # fmt: skip


def _escalation(state: WebState, escalation: StoredEscalation | None, language: str | None) -> dict[str, Any] | None:
    if escalation is None:
        return None
    hours = state.assistant.config.office_hours
    expected = hours.expectation(state.services.now(), language or "it")
    return {"id": escalation.id, "status": escalation.status, "expected_reply": expected}
