"""The escalation queue and one escalation: read the conversation, claim or assign, reply,
write notes, resolve, hand back to the assistant, promote the answer to a FAQ."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from api.console.auth import ForbiddenError, StaffDep, require_staff
from api.console.state import ConsoleDep, ConsoleState
from api.console.templating import render, sla_colour
from api.console.transcript import rendered, sources
from api.console.translations import Message
from api.web.protection import CONSOLE_RESPONSES, MAX_ROW_ID, RowId
from bot.conversation.records import EscalationStatus, QueuedEscalation, StoredEscalation
from bot.desk.staff import StaffActionError
from bot.desk.staff_faq import StaffFaqError
from knowledge.store import DocumentRecord

router = APIRouter(
    prefix="/console", tags=["console"], responses=CONSOLE_RESPONSES, dependencies=[Depends(require_staff)]
)

QueueView = Literal["open", "mine", "resolved"]
_STATUSES: dict[QueueView, tuple[EscalationStatus, ...]] = {
    "open": ("open", "assigned", "answered"),
    "mine": ("open", "assigned", "answered"),
    "resolved": ("resolved",),
}
Text = Annotated[str, Form(max_length=8000)]


class NotFoundError(ForbiddenError):
    """No such escalation (shown as a page, like the other console errors)."""

    status = 404
    title = Message("Non trovata")


@router.get("")
def home() -> Response:
    """The queue is the console's home."""
    return RedirectResponse("/console/escalations", status_code=303)


@router.get("/escalations")
def queue(request: Request, state: ConsoleDep, session: StaffDep, view: QueueView = "open") -> Response:
    """Escalations with status, channel, reason, topic, age and SLA colour."""
    rows = state.desk.queue(_STATUSES[view])
    if view == "mine":
        rows = [row for row in rows if row.escalation.assignee == session.account.name]
    now, sla = state.services.now(), _sla(state)
    items = [_row(row, now, sla) for row in rows]
    return render(request, "queue.html", {"items": items, "view": view, "sla_hours": sla.total_seconds() / 3600})


@router.get("/escalations/{escalation_id}")
def escalation_page(request: Request, state: ConsoleDep, escalation_id: RowId) -> Response:
    """The conversation with citations, the assistant's reasons, the details, notes and the actions."""
    escalation = _escalation(state, escalation_id)
    conversation = state.desk.conversation(escalation.conversation_id)
    contact = state.desk.contact(conversation.contact_id)
    messages = state.desk.messages(conversation.id, last=200)
    context = {
        "form_id": secrets.token_urlsafe(16),
        "e": escalation,
        "conversation": conversation,
        "contact": contact,
        "messages": messages,
        "notes": state.notes.of(escalation_id),
        "accounts": [account for account in state.accounts.all() if account.active],
        "sla": sla_colour(escalation.created_at, escalation.answered_at, state.services.now(), _sla(state)),
        "person": escalation.details.get("name") or (contact.name if contact else None),
        "topic": escalation.details.get("topic", ""),
        "topic_inferred": escalation.details.get("topic_inferred") == "1",
        "declined": bool(escalation.details.get("declined")),
        "details": {key: value for key, value in escalation.details.items() if key not in _NOT_LISTED and value},
        "rendered": rendered,
        "sources": sources,
        "pending_sends": [item for item in state.outbox.items(status="pending") if item.escalation_id == escalation_id],
        "faqs": [faq for faq in state.faqs.all() if faq.escalation_id == escalation_id],
    }
    return render(request, "escalation.html", context)


@router.post("/escalations/{escalation_id}/claim")
def claim(state: ConsoleDep, session: StaffDep, escalation_id: RowId) -> Response:
    """Take it."""
    return _act(escalation_id, lambda: state.desk.claim(
        escalation_id, session.account.name, actor=session.account.email))  # fmt: skip


@router.post("/escalations/{escalation_id}/assign")
def assign(
    state: ConsoleDep,
    session: StaffDep,
    escalation_id: RowId,
    account_id: Annotated[int, Form(ge=1, le=MAX_ROW_ID)],
) -> Response:
    """Hand it to a colleague."""
    account = state.accounts.get(account_id)
    if account is None or not account.active:
        raise ForbiddenError(Message("Questo account non esiste o è disattivato."))
    return _act(escalation_id, lambda: state.desk.assign(
        escalation_id, account.name, actor=session.account.email, to=account.email))  # fmt: skip


@router.post("/escalations/{escalation_id}/reply")
def reply(
    state: ConsoleDep, session: StaffDep, escalation_id: RowId, text: Text,
    form_id: Annotated[str | None, Form(pattern=r"^[A-Za-z0-9_-]{8,64}$")] = None,
) -> Response:  # fmt: skip
    """Answer the SME on its channel (stored first, then sent through the outbox)."""
    # ``form_id`` is the form's own id: the same form sent twice (a double click, a resend after
    # the server restarted) stores and delivers the reply once.
    key = f"console:{form_id}" if form_id else None
    return _act(escalation_id, lambda: state.desk.reply(
        escalation_id, text, session.account.name, key, actor=session.account.email), done="reply_sent")  # fmt: skip


@router.post("/escalations/{escalation_id}/notes")
def add_note(state: ConsoleDep, session: StaffDep, escalation_id: RowId, text: Text) -> Response:
    """An internal note (the SME never sees it)."""
    _escalation(state, escalation_id)
    try:
        state.notes.add(escalation_id, session.account.name, text)
    except ValueError as exc:
        return _back(escalation_id, error=str(exc))
    state.audit.record(session.account.email, "note", f"escalation {escalation_id}")
    return _back(escalation_id, done="note_saved")


@router.post("/escalations/{escalation_id}/resolve")
def resolve(state: ConsoleDep, session: StaffDep, escalation_id: RowId) -> Response:
    """Close it: the assistant answers this conversation again."""
    return _act(escalation_id, lambda: state.desk.resolve(escalation_id, actor=session.account.email))


@router.post("/escalations/{escalation_id}/handback")
def hand_back(state: ConsoleDep, session: StaffDep, escalation_id: RowId) -> Response:
    """Close it and tell the SME that the assistant answers again."""
    return _act(escalation_id, lambda: state.desk.hand_back(
        escalation_id, session.account.name, actor=session.account.email))  # fmt: skip


@router.get("/escalations/{escalation_id}/faq")
def promote_form(request: Request, state: ConsoleDep, escalation_id: RowId) -> Response:
    """The FAQ form, filled from the escalation: the SME's question and the staff answer."""
    escalation = _escalation(state, escalation_id)
    conversation = state.desk.conversation(escalation.conversation_id)
    messages = state.desk.messages(conversation.id, after=escalation.since_message_id or 0)
    answers = [message.text for message in messages if message.role == "staff"]
    cited = {c.get("source") for m in state.desk.messages(conversation.id, last=50) for c in m.citations}
    documents = faq_sources(state)
    suggested = next((doc.doc_id for doc in documents if doc.source in cited), "")
    context = {
        "e": escalation, "question": escalation.summary, "answer": answers[-1] if answers else "",
        "language": conversation.language or "it", "documents": documents, "doc_id": suggested, "faq": None,
    }  # fmt: skip
    return render(request, "faq_form.html", context)


@router.post("/escalations/{escalation_id}/faq")
def promote(
    request: Request,
    state: ConsoleDep,
    session: StaffDep,
    escalation_id: RowId,
    question: Text,
    answer: Text,
    language: Annotated[Literal["it", "en", "fr"], Form()],
    doc_id: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    """Save the FAQ; the assistant serves it from the next turn."""
    escalation = _escalation(state, escalation_id)
    source = document_by_id(state, doc_id)
    try:
        faq = state.faqs.create(
            question, answer, author=session.account.name, language=language, source=source,
            escalation_id=escalation.id,
        )  # fmt: skip
    except StaffFaqError as exc:
        context = {
            "e": escalation, "question": question, "answer": answer, "language": language,
            "documents": faq_sources(state), "doc_id": doc_id, "faq": None, "error": str(exc),
        }  # fmt: skip
        return render(request, "faq_form.html", context, 400)
    state.assistant.refresh_knowledge()
    state.audit.record(session.account.email, "faq_create", f"faq {faq.id}", {"escalation": escalation_id})
    return RedirectResponse(f"/console/faqs?done=faq_saved#faq-{faq.id}", status_code=303)


def document_by_id(state: ConsoleState, doc_id: str) -> DocumentRecord | None:
    """The indexed document a FAQ links to (empty: none); an unknown id is an error."""
    if not doc_id:
        return None
    for document in state.services.manifest.documents():
        if document.doc_id == doc_id:
            return document
    raise ForbiddenError(Message("Il documento scelto non è più nella base di conoscenza: ricarica la pagina."))


def faq_sources(state: ConsoleState) -> list[DocumentRecord]:
    """The documents and catalog entries a FAQ may depend on, by kind and title."""
    return sorted(state.services.manifest.documents(), key=lambda doc: (doc.kind, doc.title.lower()))


def _act(escalation_id: RowId, run: Callable[[], object], done: str = "saved") -> Response:
    """A desk action (the desk audits it), then back to the escalation's page with how it went."""
    try:
        run()
    except StaffActionError as exc:
        return _back(escalation_id, error=str(exc))
    return _back(escalation_id, done=done)


def _back(escalation_id: RowId, done: str | None = None, error: str | None = None) -> Response:
    query = f"?done={done}" if done else f"?error={_error_code(error)}" if error else ""
    return RedirectResponse(f"/console/escalations/{escalation_id}{query}", status_code=303)


def _error_code(message: str | None) -> str:
    """Error messages travel as a code (the page holds their text): nothing echoed from the URL."""
    text = (message or "").lower()
    if "resolved" in text:
        return "resolved"
    if "at most" in text:
        return "too_long"
    if "needs text" in text:
        return "empty"
    return "failed"


def _escalation(state: ConsoleState, escalation_id: RowId) -> StoredEscalation:
    escalation = state.desk.escalation(escalation_id)
    if escalation is None:
        raise NotFoundError(Message("La richiesta #{n} non esiste (o i dati sono stati cancellati).", n=escalation_id))
    return escalation


_NOT_LISTED = frozenset({"name", "topic", "topic_inferred", "declined"})
"""Details the request page shows in their own places rather than in the list of what the SME gave."""


def _sla(state: ConsoleState) -> dt.timedelta:
    return dt.timedelta(hours=state.services.settings.console.sla_hours)


def _row(row: QueuedEscalation, now: dt.datetime, sla: dt.timedelta) -> dict[str, object]:
    escalation = row.escalation
    return {
        "e": escalation, "channel": row.channel, "language": row.language,
        "name": row.contact_name or escalation.details.get("name") or escalation.details.get("company"),
        "topic": escalation.details.get("topic", ""), "topic_inferred": escalation.details.get("topic_inferred") == "1",
        "sla": sla_colour(escalation.created_at, escalation.answered_at, now, sla),
    }  # fmt: skip
