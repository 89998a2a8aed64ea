"""The console's reimbursement claims: the queue and each claim's dossier (docs/claims.md).

Staff read what Sportello read from each file beside the file itself, correct a reading (the
correction is kept beside it, never over it), accept or reject a file, say which mission the
claim is for, and close the claim with an outcome the SME receives on its channel. Every change
goes through ``ClaimDesk``, which audits it. The totals are the checks' estimate: the page says so.

A file goes back to the staff as it came, but always as a download: ``attachment``, ``nosniff``,
and a media type only when the bytes prove it (PDF, JPEG, PNG), so a file an SME sent never
renders in the console's origin.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Annotated, Any, Literal
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from api.console.auth import StaffDep, require_staff
from api.console.claim_form import ABSENT_FIELDS, CorrectionError, CorrectionForm
from api.console.claim_view import ClaimWords, anchors, file_views, findings, queue_row, verified_type, who
from api.console.escalations import NotFoundError
from api.console.state import ConsoleDep, ConsoleState
from api.console.templating import render
from api.console.transcript import rendered
from api.console.translations import Message, translate
from api.web.protection import CONSOLE_RESPONSES, RowId
from bot.claims.desk import MAX_STAFF_NOTE, ClaimDesk, Dossier
from bot.claims.documents import DOCUMENT_KINDS
from bot.claims.stored import Decision, StoredClaim, StoredClaimFile

router = APIRouter(
    prefix="/console", tags=["console"], responses=CONSOLE_RESPONSES, dependencies=[Depends(require_staff)]
)

ClaimView = Literal["open", "resolved"]
Short = Annotated[str, Form(max_length=1000)]
"""A field checked here, so that what a form should not hold is refused in the page (the 1000 only
keeps a forged one short)."""
MESSAGES_SHOWN = 200
_DECISIONS: dict[str, Decision | None] = {"accepted": "accepted", "rejected": "rejected", "withdrawn": None}
_CLOSED = Message("La pratica è chiusa: non si modifica più.")


@router.get("/claims")
def claims(request: Request, state: ConsoleDep, session: StaffDep, view: ClaimView = "open") -> Response:
    """Claims sent to the staff (oldest first), then those whose files are still coming; or the closed ones."""
    desk = state.services.claims()
    listed = _resolved(desk) if view == "resolved" else _open(desk)
    rows = [queue_row(dossier) for dossier in _dossiers(desk, listed)]
    context = {"rows": rows, "view": view} | _words(ClaimWords(session.account.language))
    return render(request, "claims.html", context)


@router.get("/claims/{claim_id}")
def dossier_page(request: Request, state: ConsoleDep, session: StaffDep, claim_id: RowId) -> Response:
    """Everything about one claim: the checks with their clauses, the files and their readings, the
    conversation, and the forms to correct, decide, set the mission and close."""
    return _page(request, state, session.account.language, claim_id)


@router.get("/claims/{claim_id}/files/{file_id}")
def download(state: ConsoleDep, session: StaffDep, claim_id: RowId, file_id: RowId) -> Response:
    """The file as the SME sent it, always as a download (audited: who opened which file)."""
    desk = state.services.claims()
    file = _file(desk, claim_id, file_id)
    try:
        data = desk.file_content(file, session.account.email)
    except KeyError:
        raise _missing_file(file_id) from None
    headers = {
        "Content-Disposition": attachment(file.name), "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store", "Content-Security-Policy": "sandbox; default-src 'none'",
    }  # fmt: skip
    return Response(data, media_type=verified_type(data) or "application/octet-stream", headers=headers)


@router.post("/claims/{claim_id}/files/{file_id}/correct")
def correct(
    request: Request, state: ConsoleDep, session: StaffDep, claim_id: RowId, file_id: RowId,
    kind: Short = "", date: Short = "", amount: Short = "", currency: Short = "", nights: Short = "",
    absent: Annotated[list[str] | None, Form()] = None,
) -> Response:  # fmt: skip
    """Correct fields of a file's reading: a value typed, or a field ticked as absent from the file."""
    desk = state.services.claims()
    file = _file(desk, claim_id, file_id)
    form = CorrectionForm(kind, date, amount, currency, nights, tuple(dict.fromkeys(absent or ())))
    language = session.account.language
    if _closed(desk, claim_id):
        return _page(request, state, language, claim_id, error=_CLOSED, status=400)
    try:
        fields = form.fields(_today(state))
        desk.correct(file.id, fields, session.account.email)
    except KeyError:  # erased meanwhile
        raise _missing_file(file_id) from None
    except CorrectionError as exc:
        error = (
            Message("{field}: {reason}", field=_field_name(exc.field), reason=exc.reason) if exc.field else exc.reason
        )
        typed = {"file": file.id, "form": form, "invalid": exc.field}
        return _page(request, state, language, claim_id, error=error, status=400, typed=typed)
    except ValueError:  # the store's own check, past the form's
        typed = {"file": file.id, "form": form, "invalid": ""}
        error = Message("La correzione non è valida.")
        return _page(request, state, language, claim_id, error=error, status=400, typed=typed)
    return _back(claim_id, "corrected", file.id)


@router.post("/claims/{claim_id}/files/{file_id}/decide")
def decide(
    request: Request, state: ConsoleDep, session: StaffDep, claim_id: RowId, file_id: RowId, decision: Short = ""
) -> Response:
    """Accept or reject the file for the claim, or withdraw the decision (a rejected file leaves the checks)."""
    desk = state.services.claims()
    file = _file(desk, claim_id, file_id)
    language = session.account.language
    if _closed(desk, claim_id):
        return _page(request, state, language, claim_id, error=_CLOSED, status=400)
    if decision not in _DECISIONS:
        return _page(request, state, language, claim_id, error=Message("Decisione sconosciuta."), status=400)
    try:
        desk.decide(file.id, _DECISIONS[decision], session.account.email)
    except KeyError:  # erased meanwhile
        raise _missing_file(file_id) from None
    return _back(claim_id, f"file_{decision}", file.id)


@router.post("/claims/{claim_id}/mission")
def set_mission(
    request: Request, state: ConsoleDep, session: StaffDep, claim_id: RowId, mission_id: Short = ""
) -> Response:
    """Say which mission the claim is for: its rule is the one the checks apply."""
    desk = state.services.claims()
    language = session.account.language
    if _closed(desk, claim_id):
        return _page(request, state, language, claim_id, error=_CLOSED, status=400)
    try:
        desk.assign_mission(claim_id, mission_id, session.account.email)
    except KeyError:  # erased meanwhile
        raise _missing_claim(claim_id) from None
    except ValueError:
        error = Message("Questa missione non è nel catalogo o non ha una regola di rimborso.")
        return _page(request, state, language, claim_id, error=error, status=400)
    return _back(claim_id, "mission_set")


@router.post("/claims/{claim_id}/resolve")
def resolve(
    request: Request, state: ConsoleDep, session: StaffDep, claim_id: RowId,
    note: Annotated[str, Form(max_length=8000)] = "",
) -> Response:  # fmt: skip
    """Close the claim and send the SME the outcome, on its channel (the escalation closes with it)."""
    desk = state.services.claims()
    language = session.account.language
    if _closed(desk, claim_id):
        return _page(request, state, language, claim_id, error=_CLOSED, status=400)
    if not note.strip() or len(note.strip()) > MAX_STAFF_NOTE:
        error = Message("L'esito per l'impresa va da 1 a {n} caratteri.", n=MAX_STAFF_NOTE)
        return _page(request, state, language, claim_id, error=error, status=400, typed={"note": note})
    try:
        desk.resolve(claim_id, note, author=session.account.name, actor=session.account.email)
    except KeyError:  # erased meanwhile
        raise _missing_claim(claim_id) from None
    except ValueError:  # closed by a colleague meanwhile
        return _page(request, state, language, claim_id, error=_CLOSED, status=400)
    return _back(claim_id, "claim_resolved")


def attachment(name: str) -> str:
    """``Content-Disposition`` for a download (RFC 6266): an ASCII fallback, and the name in UTF-8."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    fallback = "".join(c if c.isalnum() or c in "._- " else "_" for c in ascii_name).strip(" ._") or "file"
    return f"attachment; filename=\"{fallback[:150]}\"; filename*=UTF-8''{quote(name, safe='')}"


def _page(
    request: Request, state: ConsoleState, language: str, claim_id: int, *, error: Message | None = None,
    status: int = 200, typed: dict[str, Any] | None = None,
) -> Response:  # fmt: skip
    desk = state.services.claims()
    dossier = _dossier(desk, claim_id)
    words = ClaimWords(language)
    context = {
        "d": dossier, "claim": dossier.claim, "who": who(dossier.conversation), "files": file_views(dossier),
        "findings": findings(dossier), "anchors": anchors(dossier), "missions": _missions(dossier),
        "messages": _claim_messages(dossier, state.desk.messages(dossier.conversation.id, last=MESSAGES_SHOWN)),
        "rendered": rendered,
        "kinds": DOCUMENT_KINDS, "absent_fields": ABSENT_FIELDS, "typed": typed or {}, "error": error,
        "awaiting": _awaiting(dossier), "max_note": MAX_STAFF_NOTE, "today": _today(state),
        "field_word": lambda name: translate(_field_name(name), language),
    }  # fmt: skip
    return render(request, "claim.html", context | _words(words), status)


def _claim_messages(dossier: Dossier, messages: list[Any]) -> list[Any]:
    """The messages of this claim's time, when the conversation has several claims: after the
    previous claim was closed, before the next was opened (each dossier links the others)."""
    earlier = [c for c in dossier.others if c.number < dossier.claim.number]
    later = [c for c in dossier.others if c.number > dossier.claim.number]
    since = earlier[-1].updated_at if earlier else None
    until = later[0].created_at if later else None
    return [m for m in messages if (since is None or m.created_at > since) and (until is None or m.created_at < until)]


def _words(words: ClaimWords) -> dict[str, Any]:
    """What the templates call to show a claim's codes and figures in the reader's language."""
    return {
        "sentence": words.sentence, "clause": words.clause, "money": words.money, "number": words.number,
        "day": words.day, "size": words.size, "doubt": words.problem, "kind_word": words.kind,
    }  # fmt: skip


def _open(desk: ClaimDesk) -> list[StoredClaim]:
    claims = desk.claims.open_claims()
    submitted = sorted((c for c in claims if c.status == "submitted"), key=lambda c: (c.submitted_at, c.id))
    return submitted + [c for c in claims if c.status != "submitted"]


def _resolved(desk: ClaimDesk) -> list[StoredClaim]:
    """Closed claims, latest first."""
    return desk.claims.resolved_claims()


def _dossiers(desk: ClaimDesk, claims: list[StoredClaim]) -> list[Dossier]:
    found = []
    for claim in claims:
        try:
            found.append(desk.dossier(claim.id))
        except KeyError:  # erased since it was listed
            continue
    return found


def _dossier(desk: ClaimDesk, claim_id: int) -> Dossier:
    try:
        return desk.dossier(claim_id)
    except KeyError:
        raise _missing_claim(claim_id) from None


def _claim(desk: ClaimDesk, claim_id: int) -> StoredClaim:
    claim = desk.claims.claim(claim_id)
    if claim is None:
        raise _missing_claim(claim_id)
    return claim


def _file(desk: ClaimDesk, claim_id: int, file_id: int) -> StoredClaimFile:
    """The file, if it is one of this claim's (404 otherwise, for a file of any other claim too)."""
    _claim(desk, claim_id)
    try:
        files = desk.claims.files(claim_id)
    except KeyError:
        raise _missing_file(file_id) from None
    file = next((f for f in files if f.id == file_id), None)
    if file is None:
        raise _missing_file(file_id)
    return file


def _missing_claim(claim_id: int) -> NotFoundError:
    return NotFoundError(Message("La pratica #{n} non esiste (o i dati sono stati cancellati).", n=claim_id))


def _missing_file(file_id: int) -> NotFoundError:
    return NotFoundError(Message("Il file #{n} non è di questa pratica (o è stato cancellato).", n=file_id))


def _closed(desk: ClaimDesk, claim_id: int) -> bool:
    return _claim(desk, claim_id).status == "resolved"


def _missions(dossier: Dossier) -> list[tuple[str, str]]:
    """The missions the staff may choose: the candidates, and the claim's own if it is not one."""
    choices = [(m.id, m.title) for m in dossier.candidates]
    if dossier.mission is not None and dossier.mission.id not in {mission_id for mission_id, _ in choices}:
        choices.insert(0, (dossier.mission.id, dossier.mission.title))
    return choices


def _awaiting(dossier: Dossier) -> int:
    """Items the estimate leaves out until the staff decide (an amount to convert, a doubt to settle)."""
    if dossier.review is None:
        return 0
    return sum(1 for item in dossier.review.items if item.eligible is None and item.category is not None)


def _today(state: ConsoleState) -> dt.date:
    zone = ZoneInfo(state.services.settings.assistant.office_timezone)
    return state.services.now().astimezone(zone).date()


def _field_name(name: str) -> Message:
    return _FIELD_NAMES.get(name, Message("Assente"))


def _back(claim_id: int, done: str, file_id: int | None = None) -> Response:
    anchor = f"#file-{file_id}" if file_id else ""
    return RedirectResponse(f"/console/claims/{claim_id}?done={done}{anchor}", status_code=303)


_FIELD_NAMES = {
    "kind": Message("Tipo di documento"), "date": Message("Data"), "amount": Message("Importo"),
    "currency": Message("Valuta"), "nights": Message("Notti"),
}  # fmt: skip
