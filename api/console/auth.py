"""Login, logout, and the guards every console route sits behind.

- The session cookie holds a random token (its hash is stored): HttpOnly, SameSite=Strict,
  path ``/console``, Secure when the console is served over HTTPS.
- Every request that changes something carries the session's CSRF token (a hidden form
  field or an ``X-CSRF-Token`` header), checked in ``require_staff`` itself so that no
  route can forget it. The login form, before any session exists, uses a double-submit
  cookie instead.
- Without a session a page redirects to the login page and anything else gets 401; a
  staff account on an admin page gets 403.

Each member also sets the console's language for their own account here (``POST
/console/account/language``), as a session's own business, like logging out.
"""

from __future__ import annotations

import math
import secrets
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.console.state import ConsoleDep
from api.console.templating import render
from api.console.translations import Message
from api.limits import retry_after_seconds
from api.web.protection import CONSOLE_RESPONSES, client_address
from bot.desk.accounts import Language, LoginRefusedError, LoginThrottledError, StaffSession

SESSION_COOKIE = "sportello_staff"
LOGIN_CSRF_COOKIE = "sportello_login_csrf"
COOKIE_PATH = "/console"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class LoginRequiredError(Exception):
    """No valid session."""


class ForbiddenError(Exception):
    """Logged in, but not allowed (wrong role or a missing CSRF token)."""

    status = 403
    title = Message("Non consentito")

    def __init__(self, message: str | Message) -> None:
        super().__init__(str(message))
        self.message = message


async def require_staff(request: Request, state: ConsoleDep) -> StaffSession:
    """The logged-in staff member; for a state-changing request, its CSRF token checked too."""
    session = state.accounts.session(request.cookies.get(SESSION_COOKIE, ""))
    if session is None:
        raise LoginRequiredError
    request.state.language = session.account.language  # a refusal below is a page in it too
    if request.method not in SAFE_METHODS:
        sent = request.headers.get("x-csrf-token")
        if sent is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")
        ):
            sent = str((await request.form()).get("csrf_token") or "")
        if not sent or not secrets.compare_digest(sent.encode(), session.csrf_token.encode()):
            raise ForbiddenError(
                Message("Il modulo è scaduto o non viene da questa console: ricarica la pagina e riprova.")
            )
    request.state.staff = session
    return session


def require_admin(session: Annotated[StaffSession, Depends(require_staff)]) -> StaffSession:
    """The logged-in staff member, who must be an admin."""
    if not session.account.is_admin:
        raise ForbiddenError(Message("Questa pagina è riservata agli amministratori."))
    return session


StaffDep = Annotated[StaffSession, Depends(require_staff)]
AdminDep = Annotated[StaffSession, Depends(require_admin)]

router = APIRouter(prefix="/console", tags=["console"], responses=CONSOLE_RESPONSES)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, state: ConsoleDep, next: str = "/console") -> Response:
    """The login form (an already logged-in member goes straight on)."""
    if state.accounts.session(request.cookies.get(SESSION_COOKIE, "")) is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return _login_form(request, state, next)


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    state: ConsoleDep,
    email: Annotated[str, Form(max_length=300)] = "",
    password: Annotated[str, Form(max_length=2000)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=500)] = "/console",
) -> Response:
    """Check the password; on success set the session cookie and go on."""
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not secrets.compare_digest(csrf_token.encode(), expected.encode()):
        return _login_form(request, state, next, error=Message("Il modulo è scaduto: riprova."), status=403)
    address = client_address(request)
    actor = email.strip().lower()[:254] or "-"
    wait = state.login_throttle.wait(address)
    if wait:
        # Not audited: a flood must not fill the log (the failures that led here are in it).
        return _throttled(request, state, next, wait)
    try:
        token, session = state.accounts.login(email, password)
    except LoginThrottledError as exc:
        state.audit.record(actor, "login_throttled", "account")
        return _throttled(request, state, next, exc.retry_after)
    except LoginRefusedError:
        state.login_throttle.failed(address)
        state.audit.record(actor, "login_failed", "account", {"address": address})
        return _login_form(request, state, next, error=Message("E-mail o password errate."), status=401)
    state.login_throttle.succeeded(address)
    state.audit.record(session.account.email, "login", f"account {session.account.id}")
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE, token, max_age=int((session.expires_at - state.services.now()).total_seconds()),
        path=COOKIE_PATH, httponly=True, samesite="strict", secure=_secure(request, state),
    )  # fmt: skip
    response.delete_cookie(LOGIN_CSRF_COOKIE, path=COOKIE_PATH)
    return response


@router.post("/logout")
def logout(request: Request, state: ConsoleDep, session: StaffDep) -> Response:
    """End the session."""
    state.accounts.logout(request.cookies.get(SESSION_COOKIE, ""))
    state.audit.record(session.account.email, "logout", f"account {session.account.id}")
    response = RedirectResponse("/console/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path=COOKIE_PATH)
    return response


@router.post("/account/language")
def set_language(
    state: ConsoleDep,
    session: StaffDep,
    language: Annotated[Language, Form()],
    next: Annotated[str, Form(max_length=500)] = "/console",
) -> Response:
    """The console's language for the member's own account, from the next page on."""
    state.accounts.update(session.account.id, language=language)
    state.audit.record(session.account.email, "account_update", f"account {session.account.id}", {"language": language})
    return RedirectResponse(_safe_next(next), status_code=303)


def install_console_errors(app: FastAPI) -> None:
    """Login redirects, 401 and 403 as pages, not JSON."""

    @app.exception_handler(LoginRequiredError)
    async def login_required(request: Request, exc: LoginRequiredError) -> Response:
        if request.method in SAFE_METHODS:
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/console/login?next={quote(target, safe='')}", status_code=303)
        context = {"title": Message("Accesso richiesto"), "message": Message("Accedi di nuovo.")}
        return render(request, "error.html", context, 401)

    @app.exception_handler(ForbiddenError)
    async def forbidden(request: Request, exc: ForbiddenError) -> Response:
        return render(request, "error.html", {"title": exc.title, "message": exc.message}, exc.status)


def _throttled(request: Request, state: ConsoleDep, next: str, wait: float) -> Response:
    seconds = retry_after_seconds(wait)
    when = Message("{n} secondi", n=seconds) if seconds < 120 else Message("{n} minuti", n=math.ceil(seconds / 60))
    error = Message("Troppi tentativi di accesso: riprova tra {when}.", when=when)
    response = _login_form(request, state, next, error=error, status=429)
    response.headers["Retry-After"] = str(seconds)
    return response


def _login_form(
    request: Request, state: ConsoleDep, next: str, error: Message | None = None, status: int = 200
) -> Response:
    token = secrets.token_urlsafe(32)
    response = render(request, "login.html", {"login_csrf": token, "next": _safe_next(next), "error": error}, status)
    response.set_cookie(
        LOGIN_CSRF_COOKIE, token, max_age=3600, path=COOKIE_PATH, httponly=True, samesite="strict",
        secure=_secure(request, state),
    )  # fmt: skip
    return response


def _safe_next(target: str) -> str:
    """Only a console path: never another site (an open redirect)."""
    if target.startswith("/console") and not target.startswith("//") and "\\" not in target and "\n" not in target:
        return target
    return "/console"


def _secure(request: Request, state: ConsoleDep) -> bool:
    configured = state.services.settings.console
    if configured.secure_cookies is not None:
        return configured.secure_cookies
    return request.url.scheme == "https" or (configured.public_url or "").startswith("https://")
