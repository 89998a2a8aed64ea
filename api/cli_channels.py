"""The channels from the command line: ``sportello serve`` (web, console, Telegram webhook),
``sportello worker`` (the desk's timed work, for deployments of several processes) and
``sportello telegram`` (the bot by long polling; its webhook registration)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypeVar

import typer
from rich.markup import escape

from api.cli_common import command_services, err, out, settings_from_env
from api.cli_ingest import load_sample_if_empty

T = TypeVar("T")


def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on (default: SPORTELLO_WEB__HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on (default: SPORTELLO_WEB__PORT).")] = None,
) -> None:
    """Serve the chat API, the widget and its demo page (the sample knowledge base on a fresh install)."""
    import uvicorn

    from api.web.app import create_app
    from bot.telegram.application import STOP_GRACE_SECONDS

    with command_services(serving=True) as services:
        load_sample_if_empty(services)
        web = services.settings.web
        host, port = host or web.host, port or web.port
        out.print(f"Sportello is serving on [bold]http://{host}:{port}/[/bold] (demo page with the chat widget); "
                  f"API reference at /docs. Ctrl+C stops it.")  # fmt: skip
        # SIGTERM: uvicorn stops accepting, lets running requests finish within the grace period,
        # then the app stops its loops; what is left unanswered is answered on the next start.
        # Forwarded headers are believed from SPORTELLO_WEB__TRUSTED_PROXIES only (the app's
        # middleware), never from loopback by default as uvicorn's own would.
        uvicorn.run(create_app(services=services), host=host, port=port, log_level="warning", access_log=False,
                    proxy_headers=False, timeout_graceful_shutdown=int(STOP_GRACE_SECONDS))  # fmt: skip


def worker() -> None:
    """Run staff notices, e-mail, SLA reminders and the retention purge until stopped (Ctrl+C or
    SIGTERM): for several processes, with SPORTELLO_WEB__DESK_TASKS=false on the web ones."""
    import asyncio
    import signal

    from api.desk_tasks import DeskTasks

    async def run(tasks: DeskTasks) -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        tasks.start()
        await stop.wait()
        await tasks.stop()  # a step in progress ends first: what it claimed is settled

    with command_services(serving=True) as services:
        seconds = services.settings.console.notify_seconds
        out.print(f"Sportello worker: staff notices, e-mail, reminders and retention every {seconds:g} s. "
                  "Ctrl+C stops it.")  # fmt: skip
        asyncio.run(run(DeskTasks(services)))


telegram_app = typer.Typer(help="The Telegram bot: run it by long polling, or register its webhook.")


@telegram_app.callback(invoke_without_command=True)
def telegram(ctx: typer.Context) -> None:
    """Run the Telegram bot by long polling (one box; the sample knowledge base on a fresh install)."""
    if ctx.invoked_subcommand is not None:
        return
    import asyncio

    from api.recovery import claim_recovery
    from api.telegram import build_channel

    with command_services(serving=True) as services:
        load_sample_if_empty(services)
        channel = _telegram(lambda: build_channel(services, polling=True))

        async def run() -> None:
            reading = claim_recovery(services.claims())  # claim files a stopped bot stored and never read
            reading.start()
            try:
                await channel.run_until_stopped()
            finally:
                await reading.stop()

        out.print("The Telegram bot is running (long polling). Ctrl+C stops it.")
        _telegram(lambda: asyncio.run(run()))


@telegram_app.command("set-webhook")
def telegram_set_webhook(
    url: Annotated[str, typer.Argument(help="Public https URL ending in /telegram/webhook.")],
) -> None:
    """Have Telegram post updates to `sportello serve` (webhook mode) instead of being polled."""
    import asyncio

    from api.telegram import telegram_config
    from bot.telegram.application import set_webhook

    config = _telegram(lambda: telegram_config(settings_from_env()))
    _telegram(lambda: asyncio.run(set_webhook(config, url)))
    out.print(f"Webhook set: Telegram now posts updates to {escape(url)}")


@telegram_app.command("delete-webhook")
def telegram_delete_webhook() -> None:
    """Stop webhook delivery (before going back to `sportello telegram`, which also does this)."""
    import asyncio

    from api.telegram import telegram_config
    from bot.telegram.application import delete_webhook

    config = _telegram(lambda: telegram_config(settings_from_env()))
    _telegram(lambda: asyncio.run(delete_webhook(config)))
    out.print("Webhook deleted.")


def _telegram(action: Callable[[], T]) -> T:
    """Run a Telegram step; a missing token or an unreachable Bot API is one line and exit code 2."""
    from api.telegram import TelegramNotConfiguredError
    from bot.telegram.application import TelegramUnavailableError

    try:
        return action()
    except (TelegramNotConfiguredError, TelegramUnavailableError, ValueError) as exc:
        err.print(f"[red]Telegram:[/red] {escape(str(exc))}")
        raise typer.Exit(2) from exc
