"""What every response and request goes through: body size limits, security headers, and
errors as JSON (never a stack trace).

The body limit is an ASGI middleware rather than a dependency so it also holds for
chunked uploads without a ``Content-Length``: the request stream is counted as it is read.
(FastAPI's own ``max_body_size`` is fixed when a route is declared; the upload's limit is a
setting read at startup, hence this one.)
"""

from __future__ import annotations

import json
import logging
from typing import Annotated, Any

from fastapi import FastAPI, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

log = logging.getLogger(__name__)

PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'"
)
"""For the pages the app serves (demo, docs). The widget's styles live in its shadow root's
``<style>``, hence ``'unsafe-inline'`` for styles only; scripts come from this origin alone."""
API_CSP = "default-src 'none'; frame-ancestors 'none'"


MAX_ROW_ID = 2**63 - 1
"""Ids are 64-bit integers in the database: anything beyond is refused at the edge (422), not
sent to a driver that would overflow."""
RowId = Annotated[int, PathParam(ge=1, le=MAX_ROW_ID, description="A row id (1 to 2^63-1).")]


def _described(statuses: dict[int, str]) -> dict[int | str, dict[str, Any]]:
    return {status: {"description": text} for status, text in statuses.items()}


API_RESPONSES = _described({
    400: "Bad input the schema cannot express (e.g. consent not given).",
    401: "No session, or an unknown one.",
    404: "No such record in this conversation (e.g. feedback on another conversation's answer).",
    413: "The request body is over its limit.",
    422: "The request does not match the schema (ids out of range included).",
    429: "Too many requests; Retry-After says when to come back.",
})  # fmt: skip
"""Statuses every chat API route may answer besides its own."""
CONSOLE_RESPONSES = _described({
    303: "Done, go on to the next page (or to the login page without a session).",
    400: "The form's content was refused; the page says why.",
    401: "No session (a page redirects instead).",
    403: "Not allowed for this account, or the form is stale (missing or wrong CSRF token).",
    404: "No such record.",
    413: "The request body is over its limit.",
    422: "The request does not match the schema (ids out of range included).",
    429: "Too many login attempts; Retry-After says when to come back.",
})  # fmt: skip
"""Statuses every console route may answer (pages for people: most actions end in a 303)."""


def client_address(request: Request) -> str:
    """The address limits count against: the peer's, or the one a trusted proxy forwarded
    (``SPORTELLO_WEB__TRUSTED_PROXIES``; ``install_proxy_headers``). Never a header from anyone else."""
    return request.client.host if request.client else "unknown"


def install_proxy_headers(app: FastAPI, trusted_proxies: list[str]) -> None:
    """Believe ``X-Forwarded-For`` and ``X-Forwarded-Proto`` from these proxies only (uvicorn's own
    middleware; ``sportello serve`` turns uvicorn's default, which trusts loopback, off)."""
    if trusted_proxies:
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=trusted_proxies)


def error_body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    """The one shape of every error: ``{"error": {"code", "message", ...}}``."""
    return {"error": {"code": code, "message": message, **extra}}


class BodyTooLargeError(Exception):
    """The request body went over the limit while being read."""


class BodyLimit:
    """413 for bodies over ``max_bytes``, declared or streamed."""

    def __init__(self, app: ASGIApp, max_bytes: int, larger: dict[str, int] | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.larger = larger or {}
        """Paths allowed more (the console's document upload), by exact path."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.larger.get(scope.get("path", ""), self.max_bytes)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _json(send, 413, error_body("too_large", f"The request body is limited to {limit} bytes."))
            return
        seen = 0
        over = False
        answered = False

        async def counted() -> Message:
            nonlocal seen, over
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    over = True
                    raise BodyTooLargeError
            return message

        async def guarded(message: Message) -> None:
            # FastAPI turns any error while reading a body into its own 400; once the body went
            # over the limit, whatever the app answers is replaced by the 413 it deserves.
            nonlocal answered
            if not over:
                await send(message)
            elif not answered:
                answered = True
                await _json(send, 413, error_body("too_large", f"The request body is limited to {limit} bytes."))

        try:
            await self.app(scope, counted, guarded)
        except BodyTooLargeError:
            if not answered:
                answered = True
                await _json(send, 413, error_body("too_large", f"The request body is limited to {limit} bytes."))


class SecurityHeaders:
    """Headers on every response; a Content-Security-Policy for pages, a closed one for the API."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                extra = {
                    b"x-content-type-options": b"nosniff",
                    b"referrer-policy": b"no-referrer",
                    b"permissions-policy": b"camera=(), microphone=(), geolocation=()",
                    b"content-security-policy": (API_CSP if path.startswith("/api/") else PAGE_CSP).encode(),
                }
                if path == "/widget.js":  # other sites load it: that is its purpose
                    extra[b"cross-origin-resource-policy"] = b"cross-origin"
                else:
                    extra[b"x-frame-options"] = b"DENY"
                headers += [(name, value) for name, value in extra.items() if name not in names]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


def install_error_handlers(app: FastAPI) -> None:
    """Every error as ``{"error": …}`` JSON with its status; unexpected ones logged, not shown."""

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, dict) else error_body(_code(exc.status_code), str(exc.detail))
        return JSONResponse(detail, status_code=exc.status_code, headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            {"field": ".".join(str(part) for part in error.get("loc", ())[1:]), "problem": error.get("msg", "")}
            for error in exc.errors()
        ]
        return JSONResponse(error_body("invalid", "The request is not valid.", problems=problems), status_code=422)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse(error_body("internal", "Something went wrong on our side."), status_code=500)


def _code(status: int) -> str:
    return {400: "bad_request", 401: "unauthorized", 404: "not_found", 405: "method_not_allowed",
            413: "too_large", 415: "unsupported_media_type", 429: "rate_limited"}.get(status, "error")  # fmt: skip


async def _json(send: Send, status: int, body: dict[str, Any]) -> None:
    payload = json.dumps(body).encode()
    await send({
        "type": "http.response.start", "status": status,
        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())],
    })  # fmt: skip
    await send({"type": "http.response.body", "body": payload})
