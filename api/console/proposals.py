"""Catalog proposals from web pages (``/console/proposals``): what a call's or mission's page
says, what changed since staff last confirmed it, and a form to make it a catalog entry.

A confirmed entry goes into one console upload, ``catalogo-web.yaml`` (``api.console.catalog_form``),
stored in the database like every upload so that each process writes it into its folder before
it ingests. Reading that file, adding the entry and storing it back happens under the ingest
lock, so two admins confirming at once, in any process, never lose each other's entry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from api.console.auth import AdminDep, require_staff
from api.console.catalog_form import (
    CALL_FIELDS,
    DEFAULT_TIME,
    MISSION_FIELDS,
    WEB_CATALOG,
    EntryForm,
    EntryFormError,
    EntryKind,
    catalog_yaml,
    entry_from,
    prefilled,
    with_entry,
)  # fmt: skip
from api.console.escalations import NotFoundError
from api.console.knowledge import BUSY, ingest_waiting, waiting_for_ingest
from api.console.sources import linkable
from api.console.state import ConsoleDep, ConsoleState
from api.console.templating import render
from api.console.translations import Message
from api.services import Services
from api.web.protection import CONSOLE_RESPONSES, RowId
from knowledge.catalog import Call, Catalog, Mission, load_catalog
from knowledge.errors import KnowledgeError
from knowledge.uploads import write_atomically
from knowledge.web.proposals import Proposal, Proposals

router = APIRouter(
    prefix="/console", tags=["console"], responses=CONSOLE_RESPONSES, dependencies=[Depends(require_staff)]
)
COMPARED = ("title", "opens", "deadline", "amounts", "countries", "sectors")
"""What a new reading of a page is compared on with the one staff confirmed before."""


@dataclass(frozen=True)
class Change:
    """One thing a page says differently from the reading staff confirmed."""

    name: str
    before: str
    after: str


@dataclass(frozen=True)
class ProposalItem:
    """A pending proposal as the page shows it: what was read, what changed, its form."""

    proposal: Proposal
    kind: EntryKind
    changes: list[Change]
    form: EntryForm
    fields: tuple[str, ...]
    problem: EntryFormError | None = None


@router.get("/proposals")
def proposals(request: Request, state: ConsoleDep) -> Response:
    """Pending proposals, newest first, each with its pre-filled form."""
    return _listing(request, state)


@router.post("/proposals/{proposal_id}/confirm")
async def confirm(
    request: Request, state: ConsoleDep, session: AdminDep, proposal_id: RowId, form: Annotated[EntryForm, Form()]
) -> Response:
    """Make the (corrected) reading a catalog entry, ingest it, and mark the proposal confirmed;
    a field the catalog refuses shows the form again, saying why, and nothing is stored."""
    proposal = _proposal(state, proposal_id)
    if proposal.status != "pending":
        return _back(error="proposal_decided")
    kind = _kind(proposal)
    try:
        entry = entry_from(kind, form, _zone(state))
        _check_id(state, proposal, entry.id)
    except EntryFormError as exc:
        return _listing(request, state, failed=(proposal_id, form, exc), status=400)
    try:
        stored = await waiting_for_ingest(
            state, _store_entry, state.services, proposal_id, entry, session.account.email
        )
    except KnowledgeError as exc:  # the file was broken by hand: say so rather than overwrite it
        return _back(error="catalog_broken", detail=str(exc))
    except ProposalDecidedError:  # another admin, or a new reading of the page, came first
        return _back(error="proposal_decided")
    if stored is BUSY:
        return _back(error="busy")
    state.audit.record(session.account.email, "proposal_confirmed", f"proposal {proposal_id}",
                       {"entry": entry.id, "kind": kind, "url": proposal.url, **_dates(proposal, entry)})  # fmt: skip
    outcome = await ingest_waiting(state, [state.services.settings.upload_dir])
    if outcome is None:
        return _back(error="confirmed_busy")
    target = str(state.services.settings.upload_dir / WEB_CATALOG)
    if any(failure.source == target for failure in outcome.report.failed):
        return RedirectResponse("/console/knowledge?error=ingest", status_code=303)
    return _back(done="proposal_confirmed")


@router.post("/proposals/{proposal_id}/dismiss")
def dismiss(state: ConsoleDep, session: AdminDep, proposal_id: RowId) -> Response:
    """Not a call or mission, or nothing worth an entry: off the list (a new reading of the page comes back)."""
    proposal = _proposal(state, proposal_id)
    if not Proposals(state.services.sessions, state.services.now).decide(
        proposal_id, "dismissed", session.account.email
    ):
        return _back(error="proposal_decided")
    state.audit.record(session.account.email, "proposal_dismissed", f"proposal {proposal_id}", {"url": proposal.url})
    return _back(done="proposal_dismissed")


def _listing(
    request: Request, state: ConsoleState, failed: tuple[int, EntryForm, EntryFormError] | None = None,
    status: int = 200,
) -> Response:  # fmt: skip
    store = Proposals(state.services.sessions, state.services.now)
    entries = {record.entry.id: record.entry for record in state.services.manifest.catalog_entries()}
    today = state.services.now().astimezone(_zone(state)).date()
    items = []
    for proposal in store.listing("pending"):
        previous = store.previous_confirmed(proposal.page_id)
        known = entries.get(previous.entry_id) if previous is not None and previous.entry_id else None
        kind = _kind(proposal)
        form, problem = prefilled(proposal.fields, today, known), None
        if failed is not None and failed[0] == proposal.id:
            _, form, problem = failed
        fields = CALL_FIELDS if kind == "call" else MISSION_FIELDS
        changes = _changes(previous.fields, proposal.fields) if previous is not None else []
        items.append(ProposalItem(proposal, kind, changes, form, fields, problem))
    context: dict[str, Any] = {
        "items": items, "linkable": linkable, "shown": shown, "zone": state.services.settings.assistant.office_timezone,
        "default_time": DEFAULT_TIME,
    }  # fmt: skip
    return render(request, "proposals.html", context, status)


class ProposalDecidedError(RuntimeError):
    """The proposal is no longer pending: confirmed, dismissed or superseded meanwhile."""


def _store_entry(services: Services, proposal_id: int, entry: Call | Mission, by: str) -> None:
    """Mark the proposal confirmed and add ``entry`` to the web catalog upload (replacing the entry
    with its id), both under the ingest lock (``IngestBusyError`` while an ingest runs), so two
    confirmations never both write; the caller ingests afterwards."""
    folder = services.settings.upload_dir
    uploads = services.uploads()
    proposals = Proposals(services.sessions, services.now)
    with services.ingest_lock():
        if not proposals.decide(proposal_id, "confirmed", by, entry_id=entry.id):
            raise ProposalDecidedError(f"proposal {proposal_id} is no longer pending")
        try:
            uploads.materialise(folder)  # the version any process stored last, or one edited by hand here
            target = folder / WEB_CATALOG
            current = load_catalog(target) if target.is_file() else Catalog()
            data = catalog_yaml(with_entry(current, entry))
            uploads.put(WEB_CATALOG, data, by)
            write_atomically(target, data)
        except BaseException:
            proposals.reopen(proposal_id)  # nothing was written: it is still to decide
            raise


def _check_id(state: ConsoleState, proposal: Proposal, entry_id: str) -> None:
    """An id may replace only the entry this page had before; any other entry with it stays its own."""
    previous = Proposals(state.services.sessions, state.services.now).previous_confirmed(proposal.page_id)
    own = previous.entry_id if previous is not None else None
    for record in state.services.manifest.catalog_entries():
        if record.entry.id == entry_id and entry_id != own:
            raise EntryFormError("id", Message("L'id {id} è già usato da un'altra voce del catalogo.", id=entry_id))


def _changes(before: dict[str, Any], after: dict[str, Any]) -> list[Change]:
    return [
        Change(name, shown(before.get(name)), shown(after.get(name)))
        for name in COMPARED
        if shown(before.get(name)) != shown(after.get(name))
    ]


def shown(value: object) -> str:
    """A proposal's value as the page shows it: lists joined, ISO dates as 30/06/2027, nothing as a dash."""
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "—"
    if isinstance(value, str) and len(value) == 10 and value[4] == "-":
        try:
            return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return value
    return str(value) if value not in (None, "") else "—"


def _dates(proposal: Proposal, entry: Call | Mission) -> dict[str, str | None]:
    """The deadline read from the page and the one confirmed (the audit shows a correction)."""
    confirmed = entry.deadline if isinstance(entry, Call) else entry.registration_deadline
    return {"deadline_read": proposal.fields.get("deadline"), "deadline": confirmed.isoformat()}


def _kind(proposal: Proposal) -> EntryKind:
    return "mission" if proposal.fields.get("kind") == "mission" else "call"


def _zone(state: ConsoleState) -> ZoneInfo:
    return ZoneInfo(state.services.settings.assistant.office_timezone)


def _proposal(state: ConsoleState, proposal_id: int) -> Proposal:
    proposal = Proposals(state.services.sessions, state.services.now).get(proposal_id)
    if proposal is None:
        raise NotFoundError(Message("La proposta #{n} non esiste.", n=proposal_id))
    return proposal


def _back(done: str | None = None, error: str | None = None, detail: str = "") -> Response:
    query = f"?done={done}" if done else f"?error={error}"
    if error and detail:
        query += "&" + urlencode({"detail": detail[:500]})
    return RedirectResponse(f"/console/proposals{query}", status_code=303)
