"""Admin pages (``/console/admin``): staff accounts, the audit log, a contact's data
(export as JSON, erasure on request) and the retention purge."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from api.console.auth import AdminDep, ForbiddenError, require_admin
from api.console.state import ConsoleDep
from api.console.templating import render
from api.console.translations import Message
from api.web.protection import CONSOLE_RESPONSES, MAX_ROW_ID, RowId
from bot.desk.accounts import AccountError, Language, Role

router = APIRouter(
    prefix="/console/admin", tags=["console"], responses=CONSOLE_RESPONSES, dependencies=[Depends(require_admin)]
)


@router.get("/staff")
def staff_page(request: Request, state: ConsoleDep) -> Response:
    """Accounts, and a form for a new one."""
    return render(request, "staff.html", {"accounts": state.accounts.all(), "error": None})


@router.post("/staff")
def add_staff(
    request: Request,
    state: ConsoleDep,
    session: AdminDep,
    email: Annotated[str, Form(max_length=300)],
    password: Annotated[str, Form(max_length=2000)],
    role: Annotated[Role, Form()],
    name: Annotated[str, Form(max_length=200)] = "",
    telegram_user_id: Annotated[str, Form(max_length=20)] = "",
    language: Annotated[Language, Form()] = "it",
) -> Response:
    """A new account (its owner changes the password with `sportello staff password` or asks an admin)."""
    try:
        telegram = _telegram_id(telegram_user_id)
        account = state.accounts.add(email, password, role, name or None, telegram, language=language)
    except AccountError as exc:
        return render(request, "staff.html", {"accounts": state.accounts.all(), "error": str(exc)}, 400)
    detail = {"role": role, "language": language}
    state.audit.record(session.account.email, "account_add", f"account {account.id}", detail)
    return RedirectResponse("/console/admin/staff?done=saved", status_code=303)


@router.post("/staff/{account_id}")
def update_staff(
    request: Request,
    state: ConsoleDep,
    session: AdminDep,
    account_id: RowId,
    role: Annotated[Role, Form()],
    active: Annotated[Literal["yes", "no"], Form()],
    telegram_user_id: Annotated[str, Form(max_length=20)] = "",
    password: Annotated[str, Form(max_length=2000)] = "",
    language: Annotated[Language | None, Form()] = None,
) -> Response:
    """Change role, Telegram link, console language, password or disable (an admin cannot demote or
    disable themselves)."""
    if account_id == session.account.id and (role != "admin" or active == "no"):
        error = Message("Non puoi togliere a te stesso il ruolo di amministratore né disattivarti.")
        return render(request, "staff.html", {"accounts": state.accounts.all(), "error": error}, 400)
    try:
        state.accounts.update(
            account_id, role=role, active=active == "yes", telegram_user_id=_telegram_id(telegram_user_id),
            password=password or None, language=language,
        )  # fmt: skip
    except AccountError as exc:
        return render(request, "staff.html", {"accounts": state.accounts.all(), "error": str(exc)}, 400)
    detail: dict[str, object] = {"role": role, "active": active, "password_changed": bool(password)}
    if language is not None:
        detail["language"] = language
    state.audit.record(session.account.email, "account_update", f"account {account_id}", detail)
    return RedirectResponse("/console/admin/staff?done=saved", status_code=303)


@router.get("/audit")
def audit_page(request: Request, state: ConsoleDep) -> Response:
    """The latest staff actions."""
    return render(request, "audit.html", {"entries": state.audit.recent(500)})


@router.get("/contacts/{contact_id}/export")
def export_contact(state: ConsoleDep, session: AdminDep, contact_id: RowId) -> Response:
    """Everything stored about one contact, as a JSON download (GDPR access and portability)."""
    privacy = state.services.privacy()
    try:
        data = privacy.export(contact_id)
    except KeyError as exc:
        raise ForbiddenError(Message("Questo contatto non esiste (o i suoi dati sono già stati cancellati).")) from exc
    state.audit.record(session.account.email, "contact_export", f"contact {contact_id}")
    body = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    headers = {"Content-Disposition": f'attachment; filename="sportello-contact-{contact_id}.json"'}
    return Response(body, media_type="application/json", headers=headers)


@router.post("/contacts/{contact_id}/erase")
def erase_contact(state: ConsoleDep, session: AdminDep, contact_id: RowId) -> Response:
    """Erase one contact and everything derived from it, on the SME's request."""
    report = state.services.privacy().erase(contact_id)
    state.assistant.refresh_knowledge()  # FAQs derived from its escalations are gone too
    state.audit.record(session.account.email, "contact_erase", f"contact {contact_id}", _counts(report))
    return RedirectResponse("/console/escalations?done=erased", status_code=303)


@router.post("/purge")
def purge(state: ConsoleDep, session: AdminDep) -> Response:
    """Apply the retention period now (it also runs on its own every few hours)."""
    settings = state.services.settings.privacy
    if settings.retention_days is None:
        raise ForbiddenError(
            Message("Nessun periodo di conservazione configurato (SPORTELLO_PRIVACY__RETENTION_DAYS).")
        )
    privacy = state.services.privacy()
    report = privacy.purge(dt.timedelta(days=settings.retention_days), settings.retention_mode)
    state.audit.record(session.account.email, "purge", "conversations", _counts(report))
    return RedirectResponse("/console/admin/audit?done=purged", status_code=303)


def _telegram_id(value: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    if not value.isdigit() or not 0 < int(value) <= MAX_ROW_ID:
        raise AccountError("the Telegram user id is a positive number (ask @userinfobot)")
    return int(value)


def _counts(report: object) -> dict[str, object]:
    return dataclasses.asdict(report) if dataclasses.is_dataclass(report) and not isinstance(report, type) else {}
