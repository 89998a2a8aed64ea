"""What every ``sportello`` command shares: the consoles, settings and services around a command."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from sqlalchemy.exc import SQLAlchemyError

from api.services import Services, build_services
from api.settings import Settings
from retrieval.errors import RetrievalError

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def settings_from_env() -> Settings:
    """Settings from the environment; a configuration error is one line and exit code 2."""
    try:
        return Settings()
    except ValidationError as exc:
        err.print(f"[red]Configuration error:[/red] {escape(str(exc))}")
        raise typer.Exit(2) from exc


@contextmanager
def command_services(*, serving: bool = False) -> Iterator[Services]:
    """Settings read here (the entry point), services built and closed around a command
    (``serving``: a long-running server, ``Settings.for_serving``).

    What can go wrong before any work starts (configuration, an unreachable database or
    Chroma server, an index built with another model) is one line and exit code 2.
    """
    settings = settings_from_env()
    if serving:
        settings = settings.for_serving()
    logging.basicConfig(level=settings.log_level, format="%(levelname)s %(name)s: %(message)s")
    # httpx logs every request URL at INFO, and a Telegram URL carries the bot token.
    for noisy in ("bm25s", "pypdf", "httpx"):
        logging.getLogger(noisy).setLevel(max(logging.ERROR, logging.getLevelName(settings.log_level)))
    try:
        services = build_services(settings)
    except (RetrievalError, SQLAlchemyError, ValueError, ConnectionError, OSError) as exc:
        err.print(f"[red]Cannot start:[/red] {escape(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)}")
        raise typer.Exit(2) from exc
    try:
        yield services
    finally:
        services.close()


def figure(value: object) -> str:
    """A measured figure for a table: "–" when missing, lengths whole, shares with three decimals."""
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.0f}" if value > 1 else f"{value:.3f}"  # lengths in characters, shares with decimals
    return str(value)
