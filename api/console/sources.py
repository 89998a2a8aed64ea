"""Web sources in the console (``/console/sources``): the sites, sitemaps and feeds the desk
follows, each one's pages and run log, and, for admins, adding, syncing now, pausing and removing.

Staff may look; only admins change what feeds the knowledge base (like ``sportello sources``,
whose behaviour and words these pages mirror). Everything a site wrote (titles, URLs, error
messages) reaches the templates as plain values: autoescaping makes it text, and a URL becomes
a link only when it is http(s) (``linkable``), so a page cannot put a script or a
``javascript:`` link into the console.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from api.console.auth import AdminDep, require_staff
from api.console.escalations import NotFoundError
from api.console.knowledge import ingest_waiting
from api.console.state import ConsoleDep, ConsoleState
from api.console.templating import render
from api.console.translations import Message
from api.sources.sync import SourceSync
from api.web.protection import CONSOLE_RESPONSES, RowId
from knowledge.documents import KINDS
from knowledge.web.pages import WebPages
from knowledge.web.proposals import Proposals
from knowledge.web.sources import SOURCE_MODES, LogEntry, SourceError, SourceMode, SyncRunRecord, WebSource, WebSources

router = APIRouter(
    prefix="/console", tags=["console"], responses=CONSOLE_RESPONSES, dependencies=[Depends(require_staff)]
)
RUNS_SHOWN = 5
"""The latest runs whose log a source's page shows."""
COUNTED = ("fetched", "added", "changed", "unchanged", "failed", "refused", "missing", "retired")
"""A run's counts, in the order the CLI prints them."""
_LOG_ORDER = ("failed", "refused", "missing", "retired", "changed", "added")
"""What staff act on first."""
_REFUSALS = {
    "url": Message("Indirizzo non valido: serve un indirizzo http:// o https:// senza spazi né credenziali."),
    "mode": Message("Tipo di fonte sconosciuto."),
    "max_pages": Message("Pagine per sincronizzazione: fra 1 e 10.000."),
    "max_depth": Message("Profondità dei link: fra 0 e 10."),
    "language": Message("Lingua: un codice di due lettere come it."),
    "kind": Message("Tipo di contenuto sconosciuto."),
    "every_hours": Message("Frequenza: fra 0,25 e 2.160 ore (90 giorni)."),
}
"""``SourceError`` names its field first: each field's rule, in the reader's language."""


class SourceForm(BaseModel):
    """The add form as sent (shown again, as typed, when the source is refused)."""

    url: str = Field(default="", max_length=2000)
    mode: SourceMode = "page"
    include: str = Field(default="", max_length=4000)
    exclude: str = Field(default="", max_length=4000)
    max_pages: int = 200
    max_depth: int = 2
    language: str = Field(default="", max_length=5)
    kind: str = Field(default="", max_length=20)
    every_hours: float = 24.0


@dataclass(frozen=True)
class SourceRow:
    """A source as the list shows it: its last run and how many pages it keeps."""

    source: WebSource
    run: SyncRunRecord | None
    pages: int


@dataclass(frozen=True)
class RunLog:
    """A run and the entries worth reading (not the unchanged pages), failures first."""

    run: SyncRunRecord
    entries: list[LogEntry] = field(default_factory=list)


def linkable(url: object) -> bool:
    """Whether a URL from a site may be a link in the console: http(s) only, never ``javascript:``."""
    return isinstance(url, str) and url.lower().startswith(("http://", "https://"))


@router.get("/sources")
def sources(request: Request, state: ConsoleDep) -> Response:
    """The followed sources, their last run, and (for admins) the form to add one."""
    return _listing(request, state, SourceForm())


@router.post("/sources")
def add_source(request: Request, state: ConsoleDep, session: AdminDep, form: Annotated[SourceForm, Form()]) -> Response:
    """Follow a new source, due at once (the schedule or "sync now" fetches it); nothing is stored
    when a field is refused."""
    try:
        source = _store(state).add(
            form.url, form.mode, include=_lines(form.include), exclude=_lines(form.exclude),
            max_pages=form.max_pages, max_depth=form.max_depth, language=form.language or None,
            kind=form.kind or None, every_hours=form.every_hours, created_by=session.account.email,
        )  # fmt: skip
    except SourceError as exc:
        invalid, message = _refusal(exc)
        return _listing(request, state, form, error=message, invalid=invalid, status=400)
    state.audit.record(session.account.email, "source_added", f"source {source.id}",
                       {"url": source.url, "mode": source.mode})  # fmt: skip
    return RedirectResponse(f"/console/sources/{source.id}?done=source_added", status_code=303)


@router.get("/sources/{source_id}")
def source_page(request: Request, state: ConsoleDep, source_id: RowId) -> Response:
    """One source: its pages (live or missing) and what its latest runs did."""
    source = _source(state, source_id)
    runs = [RunLog(run, _notable(run.entries)) for run in _store(state).runs(source_id, limit=RUNS_SHOWN)]
    pages = WebPages(state.services.sessions, state.services.now).of(source_id)
    context = {"source": source, "pages": pages, "runs": runs, "counted": COUNTED, "linkable": linkable}
    return render(request, "source.html", context | {"pending": _pending(state)})


@router.post("/sources/{source_id}/sync")
async def sync_now(state: ConsoleDep, session: AdminDep, source_id: RowId) -> Response:
    """Sync now, due or not (off the event loop: a crawl takes seconds to minutes), then show the run."""
    _source(state, source_id)
    result = await asyncio.to_thread(SourceSync(state.services).sync, source_id)
    if result is None:
        return _back(source_id, error="sync_held")
    report = result.report
    counts = {name: value for name, value in report.counts().items() if name != "seconds"}
    state.audit.record(session.account.email, "source_synced", f"source {source_id}",
                       {"run": result.run_id, "outcome": report.outcome, **counts})  # fmt: skip
    if report.outcome != "ok":
        return _back(source_id, error=f"sync_{report.outcome}", detail=report.message)
    state.assistant.refresh_knowledge()  # the catalog and curated answers are read again at the next turn
    return _back(source_id, done="synced")


@router.post("/sources/{source_id}/pause")
def pause(state: ConsoleDep, session: AdminDep, source_id: RowId) -> Response:
    """Stop the schedule of a source (its pages stay in the knowledge base)."""
    return _set_enabled(state, session.account.email, source_id, enabled=False)


@router.post("/sources/{source_id}/resume")
def resume(state: ConsoleDep, session: AdminDep, source_id: RowId) -> Response:
    """Put a paused source back on the schedule."""
    return _set_enabled(state, session.account.email, source_id, enabled=True)


@router.post("/sources/{source_id}/remove")
async def remove(
    state: ConsoleDep, session: AdminDep, source_id: RowId, confirm: Annotated[str, Form(max_length=3)] = ""
) -> Response:
    """Stop following a source (once the box is ticked); its pages leave the knowledge base."""
    source = _source(state, source_id)
    if confirm != "yes":
        return _back(source_id, error="confirm_remove")
    _store(state).remove(source_id)
    outcome = await ingest_waiting(state, [state.services.settings.web_dir])
    left = outcome.report.counts().get("removed", 0) if outcome is not None else None
    state.audit.record(session.account.email, "source_removed", f"source {source_id}",
                       {"url": source.url, "documents_removed": left})  # fmt: skip
    notice = "error=removed_busy" if outcome is None else "done=source_removed"
    return RedirectResponse(f"/console/sources?{notice}", status_code=303)


def _listing(
    request: Request, state: ConsoleState, form: SourceForm, *, error: Message | None = None,
    invalid: str | None = None, status: int = 200,
) -> Response:  # fmt: skip
    store = _store(state)
    pages = WebPages(state.services.sessions, state.services.now)
    last = store.last_runs()
    rows = [SourceRow(source, last.get(source.id), pages.count(source.id)) for source in store.all()]
    context: dict[str, Any] = {
        "rows": rows, "form": form, "modes": SOURCE_MODES, "kinds": KINDS, "counted": COUNTED, "error": error,
        "invalid": invalid, "pending": _pending(state), "linkable": linkable,
    }  # fmt: skip
    return render(request, "sources.html", context, status)


def _set_enabled(state: ConsoleState, actor: str, source_id: RowId, *, enabled: bool) -> Response:
    if not _store(state).set_enabled(source_id, enabled):
        raise NotFoundError(Message("La fonte #{n} non esiste.", n=source_id))
    action = "source_resumed" if enabled else "source_paused"
    state.audit.record(actor, action, f"source {source_id}")
    return RedirectResponse(f"/console/sources?done={action}", status_code=303)


def _store(state: ConsoleState) -> WebSources:
    return WebSources(state.services.sessions, state.services.now)


def _source(state: ConsoleState, source_id: int) -> WebSource:
    source = _store(state).get(source_id)
    if source is None:
        raise NotFoundError(Message("La fonte #{n} non esiste.", n=source_id))
    return source


def _pending(state: ConsoleState) -> int:
    return len(Proposals(state.services.sessions, state.services.now).listing("pending"))


def _notable(entries: list[LogEntry]) -> list[LogEntry]:
    shown = [entry for entry in entries if entry.outcome != "unchanged"]
    rank = {outcome: position for position, outcome in enumerate(_LOG_ORDER)}
    return sorted(shown, key=lambda entry: rank.get(entry.outcome, len(rank)))


def _refusal(exc: SourceError) -> tuple[str, Message]:
    """The form field a ``SourceError`` is about, and why, in the reader's language."""
    name = str(exc).partition(":")[0]
    if name.startswith("pattern"):
        return "patterns", Message("Schema non valido (un'espressione regolare per riga): {reason}", reason=str(exc))
    return name, _REFUSALS.get(name) or Message("Fonte non aggiunta: {reason}", reason=str(exc))


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def _back(source_id: int, done: str | None = None, error: str | None = None, detail: str = "") -> Response:
    query = {"done": done} if done else {"error": error or "failed"}
    if error and detail:
        query["detail"] = detail[:500]
    return RedirectResponse(f"/console/sources/{source_id}?{urlencode(query)}", status_code=303)
