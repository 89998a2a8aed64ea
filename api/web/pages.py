"""What the app serves besides the API: the demo page, the widget script, the API reference
and the health probes."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from sqlalchemy import text

STATIC = Path(__file__).parent / "static"

router = APIRouter(tags=["pages"])


@router.get("/")
def demo_page() -> FileResponse:
    """A cluster's page with the widget embedded the way a real site would do it."""
    return FileResponse(STATIC / "demo.html", media_type="text/html; charset=utf-8")


@router.get("/demo.css")
def demo_styles() -> FileResponse:
    return FileResponse(STATIC / "demo.css", media_type="text/css; charset=utf-8")


@router.get("/widget.js")
def widget_script() -> FileResponse:
    """The embeddable widget (one static file; cached for an hour)."""
    return FileResponse(
        STATIC / "widget.js",
        media_type="text/javascript; charset=utf-8",
        headers={"Cache-Control": "public, max-age=3600"},
    )


@router.get("/favicon.ico", include_in_schema=False)
@router.get("/favicon.svg", include_in_schema=False)
def favicon() -> FileResponse:
    """The icon of the demo page and the console (SVG: browsers take it at /favicon.ico too)."""
    return FileResponse(
        STATIC / "favicon.svg", media_type="image/svg+xml", headers={"Cache-Control": "public, max-age=86400"}
    )


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process answers."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "Not ready: the database or the index is not."}})
def readyz(request: Request) -> JSONResponse:
    """The database answers and the index holds passages: chats can be served."""
    services = request.app.state.web.services
    checks: dict[str, Any] = {}
    try:
        with services.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:  # any failure means not ready; the reason is for the operator
        checks["database"] = f"error: {type(exc).__name__}"
    try:
        count = services.index.vectors.count()
        checks["index"] = "ok" if count else "empty"
        checks["passages"] = count
    except Exception as exc:
        checks["index"] = f"error: {type(exc).__name__}"
    # Not a condition of readiness (live streams read the database on their own meanwhile), but
    # what an operator of several processes checks: whether changes made elsewhere are heard.
    checks["live_events"] = "every process (LISTEN/NOTIFY)" if services.changes().listening else "this process"
    ready = checks["database"] == "ok" and checks["index"] == "ok"
    return JSONResponse({"status": "ready" if ready else "not ready", **checks}, status_code=200 if ready else 503)


@router.get("/docs")
def api_reference(request: Request) -> HTMLResponse:
    """The OpenAPI reference as a plain page (Swagger UI would need a CDN; this works offline)."""
    spec = request.app.openapi()
    rows = []
    for path, operations in spec.get("paths", {}).items():
        for method, operation in operations.items():
            summary = operation.get("summary", "")
            description = operation.get("description", "")
            rows.append(
                f"<tr><td><code>{html.escape(method.upper())}</code></td><td><code>{html.escape(path)}</code></td>"
                f"<td><strong>{html.escape(summary)}</strong><br>{html.escape(description)}</td></tr>"
            )
    page = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Sportello API</title>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        "<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}"
        "td{border-top:1px solid #ddd;padding:.4rem;vertical-align:top}</style></head><body>"
        f"<h1>{html.escape(spec['info']['title'])} {html.escape(spec['info']['version'])}</h1>"
        "<p>The machine-readable specification is at <a href='/openapi.json'>/openapi.json</a>; "
        "shapes and errors are described in docs/web.md.</p><table>" + "".join(rows) + "</table></body></html>"
    )
    return HTMLResponse(page)
