"""``sportello sources``: follow websites, sitemaps and feeds, sync them now, read their log."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from api.cli_common import command_services, err, out
from api.knowledge_sync import sync_knowledge
from api.services import IngestBusyError, Services
from knowledge.web.pages import WebPages
from knowledge.web.sources import SourceError, SourceMode, WebSources

if TYPE_CHECKING:  # the sync imports the extractor (trafilatura): only the commands that sync pay for it
    from api.sources.sync import SyncResult

sources_app = typer.Typer(help="Web sources: pages, sitemaps and feeds kept in sync with the knowledge base.")


@sources_app.command("add")
def add(
    url: Annotated[str, typer.Argument(help="The page, sitemap or feed address.")],
    sitemap: Annotated[
        bool, typer.Option("--sitemap", help="The address is a sitemap: sync the pages it lists.")
    ] = False,
    feed: Annotated[bool, typer.Option("--feed", help="The address is an RSS or Atom feed: sync its items.")] = False,
    include: Annotated[list[str], typer.Option(help="Only URLs matching this regular expression (repeatable).")] = [],  # noqa: B006  (typer's list options)
    exclude: Annotated[list[str], typer.Option(help="Never URLs matching this regular expression (repeatable).")] = [],  # noqa: B006
    max_pages: Annotated[int, typer.Option(help="Pages fetched per sync at most.")] = 200,
    depth: Annotated[int, typer.Option(help="For a page: how many links away to follow on the same site.")] = 2,
    language: Annotated[str | None, typer.Option(help="The pages' language when they do not say (it, en, fr).")] = None,
    kind: Annotated[
        str | None, typer.Option(help="call, mission, reimbursement, faq…; unset = read from each page.")
    ] = None,
    every_hours: Annotated[float, typer.Option(help="Sync this often.")] = 24.0,
    sync: Annotated[bool, typer.Option("--sync/--no-sync", help="Sync it at once.")] = True,
) -> None:
    """Follow a page (and what it links to), a sitemap or a feed."""
    if sitemap and feed:
        err.print("[red]--sitemap or --feed, not both[/red]")
        raise typer.Exit(2)
    mode: SourceMode = "sitemap" if sitemap else "feed" if feed else "page"
    with command_services() as services:
        try:
            source = WebSources(services.sessions, services.now).add(
                url, mode, include=tuple(include), exclude=tuple(exclude), max_pages=max_pages, max_depth=depth,
                language=language, kind=kind, every_hours=every_hours, created_by="cli",
            )  # fmt: skip
        except SourceError as exc:
            err.print(f"[red]Not added:[/red] {escape(str(exc))}")
            raise typer.Exit(2) from exc
        out.print(f"Source #{source.id} added: {escape(source.url)} ({mode}, every {every_hours:g} h)")
        if sync:
            _print_result(_sync_one(services, source.id))


@sources_app.command("list")
def list_sources() -> None:
    """The followed sources, with their last run."""
    with command_services() as services:
        store = WebSources(services.sessions, services.now)
        last = store.last_runs()
        sources = store.all()
        if not sources:
            out.print("No web sources. Add one with: sportello sources add URL")
        for source in sources:
            run = last.get(source.id)
            state = "paused" if not source.enabled else f"next {source.next_sync_at:%Y-%m-%d %H:%M} UTC"
            summary = _counts(run.counts) + f" · {run.outcome}" if run is not None else "never synced"
            pages = WebPages(services.sessions, services.now).count(source.id)
            out.print(f"#{source.id}\t{source.mode}\t{source.url}\t{pages} pages\t{summary}\t{state}", markup=False,
                      highlight=False)  # fmt: skip


@sources_app.command("sync")
def sync_command(
    source_id: Annotated[int | None, typer.Argument(help="The source; unset = every source.")] = None,
) -> None:
    """Sync now, due or not (a source another process is syncing is skipped)."""
    with command_services() as services:
        ids = (
            [source_id] if source_id is not None else [s.id for s in WebSources(services.sessions, services.now).all()]
        )
        failed = False
        for one in ids:
            result = _sync_one(services, one)
            _print_result(result)
            failed = failed or result is None or result.report.outcome != "ok"
        if failed:
            raise typer.Exit(1)


@sources_app.command("log")
def log_command(
    source_id: Annotated[int, typer.Argument(help="The source.")],
    runs: Annotated[int, typer.Option(help="How many runs, newest first.")] = 3,
) -> None:
    """What the last runs of a source fetched, changed, refused and retired."""
    with command_services() as services:
        for run in WebSources(services.sessions, services.now).runs(source_id, limit=runs):
            out.print(f"Run #{run.id} {run.finished_at:%Y-%m-%d %H:%M} UTC · {run.outcome} · {_counts(run.counts)}")
            if run.message:
                out.print(f"  {run.message}", markup=False, highlight=False)
            for entry in run.entries:
                if entry.outcome != "unchanged":
                    note = f" — {entry.message}" if entry.message else ""
                    out.print(f"  {entry.outcome:9} {entry.url}{note}", markup=False, highlight=False)


@sources_app.command("remove")
def remove(source_id: Annotated[int, typer.Argument(help="The source.")]) -> None:
    """Stop following a source; its pages leave the knowledge base."""
    with command_services() as services:
        if not WebSources(services.sessions, services.now).remove(source_id):
            err.print(f"[red]No source #{source_id}[/red]")
            raise typer.Exit(2)
        try:
            WebPages(services.sessions, services.now).materialise(services.settings.web_dir)
            outcome = sync_knowledge(services, [services.settings.web_dir])
        except IngestBusyError as exc:
            err.print(f"[red]Removed; its pages leave at the next ingest:[/red] {escape(str(exc))}")
            raise typer.Exit(1) from exc
        out.print(f"Source #{source_id} removed: {outcome.report.counts()['removed']} documents left the index.")


@sources_app.command("demo-site")
def demo_site_command(port: Annotated[int, typer.Option(help="Port on 127.0.0.1.")] = 8765) -> None:
    """Serve the sample cluster's website on 127.0.0.1 (to try a sync: see the README)."""
    from api.sources.demo_site import demo_site

    server = demo_site(port)
    out.print(f"The sample cluster's website: http://127.0.0.1:{port}/ (sitemap.xml, feed.xml). Ctrl+C stops it.")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def _sync_one(services: Services, source_id: int) -> SyncResult | None:
    from api.sources.sync import SourceSync

    if WebSources(services.sessions, services.now).get(source_id) is None:
        err.print(f"[red]No source #{source_id}[/red]")
        raise typer.Exit(2)
    return SourceSync(services).sync(source_id)


def _print_result(result: SyncResult | None) -> None:
    if result is None:
        out.print("Another process is syncing this source now.")
        return
    report = result.report
    out.print(f"Sync of source #{report.source_id}: {report.outcome} · {_counts(report.counts())}")
    if report.message:
        out.print(f"  {report.message}", markup=False, highlight=False)
    if result.alerts_queued or result.proposals:
        out.print(f"  {result.alerts_queued} staff alerts queued · {result.proposals} catalog proposals to review")
    for entry in report.entries:
        if entry.outcome in ("failed", "refused", "missing", "retired"):
            out.print(f"  {entry.outcome:9} {entry.url} — {entry.message}", markup=False, highlight=False)


def _counts(counts: dict[str, object]) -> str:
    names = ("fetched", "added", "changed", "unchanged", "failed", "refused", "missing", "retired")
    return ", ".join(f"{name} {counts.get(name, 0)}" for name in names) + f", {counts.get('bytes', 0):,} bytes"
