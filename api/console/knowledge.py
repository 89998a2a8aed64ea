"""The knowledge loop in the console: staff FAQs (edit, approve again, retire), documents
(upload, re-ingest, the last ingest report) and the catalog with each entry's status."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from api.console.auth import ForbiddenError, StaffDep, require_staff
from api.console.escalations import document_by_id, faq_sources
from api.console.state import ConsoleDep, ConsoleState
from api.console.templating import render
from api.console.translations import Message
from api.knowledge_sync import PublishRefusedError, SyncOutcome, console_sources, sync_knowledge
from api.quality_gate import GateVerdict, QualityGate, check_candidate
from api.services import IngestBusyError, Services
from api.web.protection import CONSOLE_RESPONSES, RowId
from bot.answers.catalog_status import entry_status
from bot.desk.staff_faq import StaffFaqError
from knowledge.catalog import Call, Mission
from knowledge.errors import KnowledgeError
from knowledge.loaders import SUPPORTED_SUFFIXES
from knowledge.web.pages import WebPages
from knowledge.web.proposals import Proposals

router = APIRouter(
    prefix="/console", tags=["console"], responses=CONSOLE_RESPONSES, dependencies=[Depends(require_staff)]
)
Text = Annotated[str, Form(max_length=8000)]
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
INGEST_RETRY_SECONDS = 0.5
T = TypeVar("T")


@router.get("/faqs")
def faqs(request: Request, state: ConsoleDep) -> Response:
    """Staff FAQs: those to review first."""
    items = state.faqs.all()
    items.sort(key=lambda faq: {"needs_review": 0, "approved": 1, "retired": 2}[faq.status])
    return render(request, "faqs.html", {"faqs": items})


@router.get("/faqs/{faq_id}")
def faq_form(request: Request, state: ConsoleDep, faq_id: RowId) -> Response:
    """Edit a FAQ (saving approves it against its source as it is now)."""
    faq = state.faqs.get(faq_id)
    if faq is None:
        raise ForbiddenError(Message("La FAQ #{n} non esiste.", n=faq_id))
    context = {
        "e": None, "faq": faq, "question": faq.question, "answer": faq.answer, "language": faq.language or "it",
        "documents": faq_sources(state), "doc_id": faq.doc_id or "",
    }  # fmt: skip
    return render(request, "faq_form.html", context)


@router.post("/faqs/{faq_id}")
def save_faq(
    request: Request,
    state: ConsoleDep,
    session: StaffDep,
    faq_id: RowId,
    question: Text,
    answer: Text,
    language: Annotated[Literal["it", "en", "fr"], Form()],
    doc_id: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    """Save and approve."""
    try:
        faq = state.faqs.edit(
            faq_id, question, answer, author=session.account.name, language=language,
            source=document_by_id(state, doc_id),
        )  # fmt: skip
    except StaffFaqError as exc:
        current = state.faqs.get(faq_id)
        context = {
            "e": None, "faq": current, "question": question, "answer": answer, "language": language,
            "documents": faq_sources(state), "doc_id": doc_id, "error": str(exc),
        }  # fmt: skip
        return render(request, "faq_form.html", context, 400)
    return _faq_done(state, session.account.email, "faq_edit", faq.id)


@router.post("/faqs/{faq_id}/approve")
def approve_faq(state: ConsoleDep, session: StaffDep, faq_id: RowId) -> Response:
    """Approve as written, against its source's current content (a source that is gone is unlinked)."""
    faq = state.faqs.get(faq_id)
    if faq is None:
        raise ForbiddenError(Message("La FAQ #{n} non esiste.", n=faq_id))
    source = next((doc for doc in state.services.manifest.documents() if doc.doc_id == faq.doc_id), None)
    state.faqs.approve(faq_id, author=session.account.name, source=source)
    return _faq_done(state, session.account.email, "faq_approve", faq_id)


@router.post("/faqs/{faq_id}/retire")
def retire_faq(state: ConsoleDep, session: StaffDep, faq_id: RowId) -> Response:
    """Stop serving it."""
    try:
        state.faqs.retire(faq_id, author=session.account.name)
    except StaffFaqError as exc:
        raise ForbiddenError(str(exc)) from exc
    return _faq_done(state, session.account.email, "faq_retire", faq_id)


@router.get("/knowledge")
def knowledge(request: Request, state: ConsoleDep) -> Response:
    """Documents, the last ingest and the catalog."""
    services = state.services
    now = services.now()
    closing_soon = services.settings.assistant.closing_soon_days
    catalog = [
        (record, entry_status(record.entry, now, closing_soon) if isinstance(record.entry, Call | Mission) else None)
        for record in services.manifest.catalog_entries()
    ]
    documents = [doc for doc in services.manifest.documents() if doc.entry_kind is None]
    context = {
        "documents": documents, "catalog": catalog, "last_run": services.manifest.last_run(),
        "suffixes": ", ".join(SUPPORTED_SUFFIXES), "max_mb": services.settings.console.max_upload_mb,
        "upload_dir": services.settings.upload_dir, "sources": console_sources(services),
        "proposals": len(Proposals(services.sessions, services.now).listing("pending")),
    }  # fmt: skip
    return render(request, "knowledge.html", context)


@router.post("/knowledge/upload")
async def upload(request: Request, state: ConsoleDep, session: StaffDep, file: UploadFile) -> Response:
    """Store one document in the uploads folder and ingest it (a file of the same name is replaced)."""
    settings = state.services.settings
    name = _SAFE_NAME.sub("-", Path(file.filename or "").name).strip(".-")[:120]
    suffix = Path(name).suffix.lower()
    if not name or suffix not in SUPPORTED_SUFFIXES:
        return _knowledge_back(error="type")
    limit = int(settings.console.max_upload_mb * 1024 * 1024)
    data = await file.read(limit + 1)
    if len(data) > limit:
        return _knowledge_back(error="size")
    if not data.strip():
        return _knowledge_back(error="empty_file")
    settings.upload_dir.mkdir(parents=True, exist_ok=True)
    target = settings.upload_dir / name
    # Staged in a hidden folder (ingest skips those) until the golden questions have passed.
    staged = settings.upload_dir / ".pending" / name
    staged.parent.mkdir(exist_ok=True)
    staged.write_bytes(data)
    try:
        # Read first, under the parse budgets and in a child process, holding no lock: a hostile
        # file is refused here in seconds and no other upload waits for it.
        try:
            await asyncio.to_thread(state.services.ingest_pipeline().check, staged)
        except KnowledgeError as exc:
            state.audit.record(session.account.email, "upload_refused", f"document {name}", {"problem": exc.code})
            return _knowledge_back(error="refused", detail=exc.reason)
        if state.quality_gate is not None:
            verdict = await waiting_for_ingest(state, _check, state, staged, target)
            if verdict is BUSY:
                return _knowledge_back(error="busy")
            if isinstance(verdict, GateVerdict) and not verdict.ok:
                state.audit.record(session.account.email, "upload_refused", f"document {name}",
                                   {"problems": verdict.problems})  # fmt: skip
                return _knowledge_back(error="quality", detail=verdict.summary())
        # In the database first: every process writes it into its folder before it ingests.
        await asyncio.to_thread(state.services.uploads().put, name, data, session.account.email)
        staged.replace(target)
    finally:
        staged.unlink(missing_ok=True)
    outcome = await ingest_waiting(state, [settings.upload_dir])
    if outcome is None:
        return _knowledge_back(error="busy")
    state.audit.record(session.account.email, "upload", f"document {name}", outcome.report.counts())
    failed = any(failure.source == str(target) for failure in outcome.report.failed)
    return _knowledge_back(done="uploaded" if not failed else None, error="ingest" if failed else None)


@router.post("/knowledge/reingest")
async def reingest(state: ConsoleDep, session: StaffDep) -> Response:
    """Ingest every console source again (only what changed is re-embedded)."""
    try:
        outcome = await ingest_waiting(state, console_sources(state.services), state.quality_gate)
    except PublishRefusedError as exc:
        state.audit.record(session.account.email, "reingest_refused", "knowledge", {"problems": exc.verdict.problems})
        return _knowledge_back(error="quality", detail=exc.verdict.summary())
    if outcome is None:
        return _knowledge_back(error="busy")
    state.audit.record(session.account.email, "reingest", "knowledge", outcome.report.counts())
    return _knowledge_back(done="reingested")


def _check(state: ConsoleState, staged: Path, target: Path) -> GateVerdict:
    """The golden questions on the knowledge base with ``staged`` in place of ``target``
    (``IngestBusyError`` while another ingest runs)."""
    assert state.quality_gate is not None
    with state.services.ingest_lock():
        return check_candidate(state.services, state.quality_gate, [staged], replacing=[target])


BUSY = object()
"""What ``waiting_for_ingest`` returns when another ingest still runs after the wait."""


async def waiting_for_ingest(state: ConsoleState, work: Callable[..., T], *args: Any) -> T | object:
    """``work(*args)`` off the event loop; while another ingest (here or in another process)
    holds the lock, tried again until ``ingest_wait_seconds`` have passed, then ``BUSY``."""
    deadline = time.monotonic() + state.services.settings.console.ingest_wait_seconds
    while True:
        try:
            return await asyncio.to_thread(work, *args)
        except IngestBusyError:
            if time.monotonic() >= deadline:
                return BUSY
            await asyncio.sleep(INGEST_RETRY_SECONDS)


async def ingest_waiting(state: ConsoleState, paths: list[Path], gate: QualityGate | None = None) -> SyncOutcome | None:
    """Ingest (embedding takes seconds) after the uploads stored by any process are in this one's
    folder, waiting for another ingest under way; ``None`` if it still runs after the wait."""
    outcome = await waiting_for_ingest(state, _materialise_and_sync, state.services, paths, gate)
    if not isinstance(outcome, SyncOutcome):
        return None
    if outcome.flagged:
        state.audit.record("sportello", "faq_flagged", "faqs", {"ids": [faq.id for faq in outcome.flagged]})
    state.assistant.refresh_knowledge()
    return outcome


def _materialise_and_sync(services: Services, paths: list[Path], gate: QualityGate | None) -> SyncOutcome:
    def prepare() -> None:  # under the ingest lock: no other process reads the folders half-written
        services.uploads().materialise(services.settings.upload_dir)
        WebPages(services.sessions, services.now).materialise(services.settings.web_dir)

    return sync_knowledge(services, paths, gate=gate, prepare=prepare)


def _faq_done(state: ConsoleState, actor: str, action: str, faq_id: RowId) -> Response:
    state.assistant.refresh_knowledge()
    state.audit.record(actor, action, f"faq {faq_id}")
    return RedirectResponse(f"/console/faqs?done=faq_saved#faq-{faq_id}", status_code=303)


def _knowledge_back(done: str | None = None, error: str | None = None, detail: str | None = None) -> Response:
    query = f"?done={done}" if done else f"?error={error}" if error else ""
    if detail and error:
        query += "&" + urlencode({"detail": detail[:500]})
    return RedirectResponse(f"/console/knowledge{query}", status_code=303)
