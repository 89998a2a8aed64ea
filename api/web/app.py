"""The FastAPI application: ``create_app(settings)`` (run by ``sportello serve``)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles

from api import telegram
from api.console import (
    admin,
    analytics,
    auth,
    claims,
    escalations,
    exports,
    knowledge,
    live,
    proposals,
    sources,
    webhooks,
)
from api.console.state import build_console_state
from api.console.templating import STATIC as CONSOLE_STATIC
from api.desk_tasks import DeskTasks
from api.knowledge_sync import load_sample_if_empty
from api.recovery import claim_recovery, recovery
from api.services import SAMPLE_KNOWLEDGE_DIR, Services, build_services
from api.settings import Settings
from api.web import chat, claim_files, pages
from api.web.protection import BodyLimit, SecurityHeaders, install_error_handlers, install_proxy_headers
from bot.conversation.changes import listener_for

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None, services: Services | None = None) -> FastAPI:
    """The app over ``services`` (built from ``settings`` at startup when not given, and then
    closed at shutdown). A fresh install with an empty index gets the sample knowledge base."""
    settings = services.settings if services is not None else (settings or Settings()).for_serving()
    owned = services is None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        ready = services or build_services(settings)
        announce = partial(log.warning, "empty index: loading the sample knowledge base from %s", SAMPLE_KNOWLEDGE_DIR)
        load_sample_if_empty(ready, announce)
        app.state.web = chat.WebState(ready)
        app.state.console = build_console_state(ready)
        tasks = DeskTasks(ready) if ready.settings.web.desk_tasks else None
        if tasks is not None:  # else a `sportello worker` runs them
            tasks.start()
        answering = recovery(app.state.web.front_door, chat.CHANNEL)
        answering.start()
        reading = claim_recovery(ready.claims())  # files a stopped process stored and never read
        reading.start()
        listener = listener_for(ready.engine, ready.changes())  # live events from every process
        if listener is not None:
            listener.start()
        channel = telegram.build_channel(ready, polling=False) if telegram.webhook_enabled(ready.settings) else None
        if channel is not None:
            await channel.start()
        app.state.telegram = channel
        try:
            yield
        finally:
            await answering.stop()
            await reading.stop()
            if listener is not None:
                await listener.stop()
            if tasks is not None:
                await tasks.stop()
            if channel is not None:
                await channel.stop()
            if owned:
                ready.close()

    app = FastAPI(
        title="Sportello",
        version="0.1",
        description="Chat API of the Sportello help-desk assistant (docs/web.md).",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    install_error_handlers(app)
    chat.install_errors(app)
    auth.install_console_errors(app)
    app.include_router(chat.router)
    app.include_router(claim_files.router)
    app.include_router(pages.router)
    app.include_router(telegram.router)
    for console in (
        auth,
        escalations,
        claims,
        live,
        knowledge,
        sources,
        proposals,
        analytics,
        exports,
        admin,
        webhooks,
    ):
        app.include_router(console.router)
    app.mount("/console/static", StaticFiles(directory=CONSOLE_STATIC), name="console-static")
    # Outermost last: headers on everything, bodies counted before anything reads them.
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.web.allowed_origins,
        allow_methods=["GET", "POST"],
        allow_headers=["Authorization", "Content-Type", "Accept"],
        expose_headers=["Retry-After"],
        max_age=600,
    )
    upload_bytes = int(settings.console.max_upload_mb * 1024 * 1024) + 64 * 1024  # the multipart envelope
    claim_bytes = settings.claims.max_file_mb * 1024 * 1024  # one raw file per request (api/web/claim_files.py)
    app.add_middleware(
        BodyLimit, max_bytes=settings.web.max_body_bytes,
        larger={"/console/knowledge/upload": upload_bytes, "/api/claim/files": claim_bytes},
    )  # fmt: skip
    app.add_middleware(SecurityHeaders)
    install_proxy_headers(app, settings.web.trusted_proxies)  # outermost: the address is known before limits
    return app
