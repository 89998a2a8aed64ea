"""The ``sportello`` command line. Each command parses its arguments and calls one library function.

Everything that comes from documents or users is printed escaped: a title such as
``Call [draft]`` must show as written, not be read as console markup.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.markup import escape
from rich.table import Table

from api.cli_channels import serve, telegram_app, worker
from api.cli_common import command_services, err, figure, out
from api.cli_desk import contact_app, purge, staff_app
from api.cli_eval import eval_command
from api.cli_ingest import print_report, run_ingest
from api.cli_reports import kpi
from api.cli_sources import sources_app
from api.knowledge_sync import PublishRefusedError
from api.quality_gate import QualityGate
from api.services import SAMPLE_KNOWLEDGE_DIR
from bot.conversation.assistant import Assistant
from bot.conversation.replies import DoneEvent, Reply, TokenEvent
from bot.evaluation.questions import QuestionSetError
from knowledge.documents import KINDS
from knowledge.language import SUPPORTED
from retrieval.errors import RetrievalError
from retrieval.filters import STATUSES, SearchFilters, Status
from retrieval.passages import snippet

app = typer.Typer(
    name="sportello",
    help="Sportello: a grounded help-desk assistant for innovation clusters.",
    no_args_is_help=True,
    add_completion=False,
)
T = TypeVar("T")


@app.command()
def init(
    sample: Annotated[
        bool, typer.Option(help="Ingest the bundled sample knowledge base if the index is empty.")
    ] = True,
) -> None:
    """Create the data directory and database, and load the sample knowledge base."""
    with command_services() as services:
        out.print(f"Data directory: {escape(str(services.settings.data_dir))}")
        out.print(f"Database: {escape(_safe_url(services.settings.resolved_database_url()))}")
        if sample and not services.manifest.documents():
            out.print(f"Ingesting the sample knowledge base from {escape(str(SAMPLE_KNOWLEDGE_DIR))} …")
            report = run_ingest(services, [SAMPLE_KNOWLEDGE_DIR]).report
            print_report(report)
            if not report.ok:
                raise typer.Exit(1)
        out.print(f"Ready: {services.index.vectors.count()} passages indexed.")


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to ingest.")],
    force: Annotated[bool, typer.Option("--force", help="Re-index unchanged files too.")] = False,
    prune_missing: Annotated[
        bool, typer.Option("--prune-missing", help="Also forget files ingested earlier that no longer exist anywhere.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    golden: Annotated[
        Path | None,
        typer.Option(
            help="Golden questions the new knowledge base must answer as well as the live one "
            "(default: SPORTELLO_QUALITY__GOLDEN_QUESTIONS)."
        ),
    ] = None,
    gate: Annotated[bool, typer.Option(help="Check the golden questions before publishing.")] = True,
) -> None:
    """Ingest files and folders incrementally; exit code 1 if any file failed, 3 if the golden questions
    got worse (nothing is published then)."""
    with command_services() as services:
        quality = services.settings.quality
        if golden is not None:
            quality = quality.model_copy(update={"golden_questions": golden})
        try:
            quality_gate = QualityGate.from_settings(quality) if gate else None
        except QuestionSetError as exc:
            err.print(f"[red]{escape(str(exc))}[/red]")
            raise typer.Exit(2) from exc
        try:
            outcome = run_ingest(services, paths, force=force, prune_missing=prune_missing, gate=quality_gate)
        except PublishRefusedError as exc:
            err.print("[red]Not published: the golden questions get worse with these files.[/red]")
            for problem in exc.verdict.problems:
                err.print(f"  {escape(problem)}")
            raise typer.Exit(3) from exc
    if outcome.verdict is not None:
        err.print(f"Golden questions kept: {escape(outcome.verdict.summary())}")
    report = outcome.report
    if outcome.alerts_queued:
        err.print(f"{outcome.alerts_queued} alert(s) queued for subscribers (the Telegram bot sends them).")
    if outcome.flagged:
        ids = ", ".join(f"#{faq.id}" for faq in outcome.flagged)
        err.print(f"Staff FAQs {ids}: their source changed; not served until approved again in the console.")
    if as_json:
        out.print_json(json.dumps(report.to_dict()))
    else:
        print_report(report)
    if not report.ok:
        raise typer.Exit(1)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="The question or keywords.")],
    k: Annotated[int, typer.Option("-k", min=1, max=50, help="How many passages.")] = 5,
    kind: Annotated[list[str] | None, typer.Option(help=f"One of: {', '.join(KINDS)} (repeatable).")] = None,
    programme: Annotated[str | None, typer.Option(help="e.g. EU-ALLIANCE")] = None,
    country: Annotated[str | None, typer.Option(help="ISO code, e.g. JP")] = None,
    lang: Annotated[str | None, typer.Option(help="Passage language: it, en, fr.")] = None,
    status: Annotated[str | None, typer.Option(help="open, closed or upcoming (calls and missions).")] = None,
    at: Annotated[str | None, typer.Option(help="Date for --status, YYYY-MM-DD (default: today).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print passages as JSON.")] = False,
) -> None:
    """Ranked passages with their scores and sources."""
    filters = SearchFilters(
        kinds=_kinds(kind),
        programme=programme,
        country=_country(country),
        language=_language(lang),
        status=_status(status),
        at=_date(at),
    )
    with command_services() as services:
        try:
            result = services.searcher.search(query, k=k, filters=filters)
        except RetrievalError as exc:
            err.print(f"[red]{escape(str(exc))}[/red]")
            raise typer.Exit(2) from exc
    if as_json:
        rows = [{**p.to_dict(), "rank": rank} for rank, p in enumerate(result.passages, start=1)]
        out.print_json(
            json.dumps({"query": query, "embed_ms": result.embed_ms, "search_ms": result.search_ms, "passages": rows})
        )
        return
    if not result.passages:
        out.print("No passage found. Try other words, or remove filters.")
        return
    for rank, passage in enumerate(result.passages, start=1):
        dense, keyword = figure(passage.dense_score), figure(passage.keyword_score)
        scores = f"fused {passage.fused_score:.4f} · dense {dense} · bm25 {keyword}"
        out.print(
            f"[bold]{rank}. {escape(passage.citation())}[/bold]  "
            f"[dim]({escape(passage.kind)}, {escape(passage.language or '?')})[/dim]"
        )
        out.print(f"   [dim]{scores}[/dim]")
        out.print(f"   {passage.url or passage.source}", markup=False, highlight=False)
        out.print("   " + snippet(passage.text, query), markup=False, highlight=False)
    out.print(f"[dim]{result.search_ms:.1f} ms (query embedding {result.embed_ms:.1f} ms)[/dim]")


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="The question, as an SME would write it.")],
    conversation: Annotated[
        int | None, typer.Option(help="Continue this conversation (its id is printed after each answer).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the reply as JSON.")] = False,
) -> None:
    """Ask the assistant one question: a cited answer, a question back, or a handoff."""
    with command_services() as services:
        assistant = services.assistant()
        conversation_id = conversation or assistant.start("cli", f"cli-{getpass.getuser()}")
        try:
            reply = _show_reply(assistant, conversation_id, question, live=not as_json)
        except KeyError as exc:
            err.print(f"[red]No conversation {conversation}.[/red]")
            raise typer.Exit(2) from exc
    if as_json:
        out.print_json(json.dumps({"conversation": conversation_id, **reply.to_dict()}, ensure_ascii=False))


@app.command()
def chat() -> None:
    """Talk with the assistant in the terminal; the conversation is kept (/new starts over, /quit ends)."""
    with command_services() as services:
        assistant = services.assistant()
        user = f"cli-{getpass.getuser()}"
        conversation_id = assistant.start("cli", user)
        out.print("[dim]Sportello — scrivi la tua domanda (/new ricomincia, /quit esce).[/dim]")
        while True:
            try:
                text = input("> ")
            except (EOFError, KeyboardInterrupt):
                out.print()
                return
            if text.strip() in ("/quit", "/exit", "/esci"):
                return
            if text.strip() in ("/new", "/nuovo"):
                conversation_id = assistant.start("cli", user)
                out.print("[dim]New conversation.[/dim]")
                continue
            _show_reply(assistant, conversation_id, text, live=True)


def _show_reply(assistant: Assistant, conversation_id: int, text: str, *, live: bool) -> Reply:
    """Stream the reply to the terminal (tokens as they come), then its decision line."""
    streamed: list[str] = []
    reply: Reply | None = None
    for event in assistant.stream(conversation_id, text):
        if isinstance(event, TokenEvent) and live:
            streamed.append(event.text)
            out.print(event.text, end="", markup=False, highlight=False)
        elif isinstance(event, DoneEvent):
            reply = event.reply
    assert reply is not None
    if live:
        if "".join(streamed).strip() != reply.text.strip():
            # The language model's draft failed a check: the stored, checked answer replaces it.
            out.print("\n[dim]— replaced by the checked answer —[/dim]")
            out.print(reply.text, markup=False, highlight=False)
        out.print()
        why = f" · {reply.reason}" if reply.reason else ""
        confidence = f" · confidence {reply.confidence:.2f}" if reply.confidence is not None else ""
        out.print(
            f"[dim]{reply.decision}{why} · {reply.outcome}{confidence} · {reply.latency_ms:.0f} ms · "
            f"conversation {conversation_id}[/dim]"
        )
    return reply


app.command()(serve)
app.command()(worker)
app.command(name="eval")(eval_command)
app.add_typer(telegram_app, name="telegram")
app.add_typer(staff_app, name="staff")
app.add_typer(contact_app, name="contact")
app.add_typer(sources_app, name="sources")
app.command()(purge)
app.command()(kpi)


@app.command()
def status(
    documents: Annotated[bool, typer.Option("--documents", help="Also list every indexed document.")] = False,
) -> None:
    """What is indexed, and when it was last synced."""
    with command_services() as services:
        rows = services.manifest.documents()
        last = services.manifest.last_run()
        table = Table(show_header=False)
        table.add_row("Data directory", escape(str(services.settings.data_dir)))
        table.add_row("Database", escape(_safe_url(services.settings.resolved_database_url())))
        table.add_row("Vector store", escape(services.settings.chroma.url or str(services.settings.chroma_dir)))
        table.add_row("Embedding model", escape(services.embedder.name))
        table.add_row("Passages", str(services.index.vectors.count()))
        kinds: dict[str, int] = {}
        for doc in rows:
            kinds[doc.kind] = kinds.get(doc.kind, 0) + 1
        table.add_row("Documents", f"{len(rows)} " + ", ".join(f"{k}: {n}" for k, n in sorted(kinds.items())))
        table.add_row("Last sync", f"{last.finished_at:%Y-%m-%d %H:%M:%S %Z}" if last else "never")
        out.print(table)
        if documents:
            listing = Table("Document", "Kind", "Language", "Passages", "Source")
            for doc in rows:
                listing.add_row(
                    escape(doc.title),
                    doc.kind,
                    doc.language or "?",
                    str(doc.chunk_count),
                    escape(Path(doc.source).name),
                )
            out.print(listing)


def _kinds(values: list[str] | None) -> tuple[str, ...]:
    unknown = [v for v in values or () if v not in KINDS]
    if unknown:
        raise typer.BadParameter(f"unknown kind {unknown[0]!r}; use one of {', '.join(KINDS)}", param_hint="--kind")
    return tuple(values or ())


def _language(value: str | None) -> str | None:
    if value is not None and value not in SUPPORTED:
        raise typer.BadParameter(f"use one of {', '.join(SUPPORTED)}", param_hint="--lang")
    return value


def _country(value: str | None) -> str | None:
    if value is not None and not (len(value) == 2 and value.isalpha()):
        raise typer.BadParameter("use a two-letter ISO code such as JP", param_hint="--country")
    return value.upper() if value else None


def _status(value: str | None) -> Status | None:
    if value is None:
        return None
    for known in STATUSES:
        if value == known:
            return known
    raise typer.BadParameter(f"status must be one of {', '.join(STATUSES)}", param_hint="--status")


def _date(value: str | None) -> dt.datetime | None:
    if value is None:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError as exc:
        raise typer.BadParameter("use YYYY-MM-DD", param_hint="--at") from exc
    return dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.UTC)


def _safe_url(url: str) -> str:
    """A database URL without its password."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
