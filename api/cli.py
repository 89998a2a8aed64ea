"""The ``sportello`` command line. Each command parses its arguments and calls one library function.

Everything that comes from documents or users is printed escaped: a title such as
``Call [draft]`` must show as written, not be read as console markup.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from api.cli_common import command_services, err, out, settings_from_env
from api.cli_desk import contact_app, purge, staff_app
from api.evaluation import run_evaluation
from api.knowledge_sync import PublishRefusedError, SyncOutcome, sync_knowledge
from api.quality_gate import QualityGate
from api.services import SAMPLE_KNOWLEDGE_DIR, IngestBusyError, Services
from bot.conversation.assistant import Assistant
from bot.conversation.replies import DoneEvent, Reply, TokenEvent
from bot.evaluation.gate import QualityBar, shortfalls
from bot.evaluation.questions import QuestionSetError, load_questions
from knowledge.documents import KINDS
from knowledge.ingest import IngestReport
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
            report = _run_ingest(services, [SAMPLE_KNOWLEDGE_DIR]).report
            _print_report(report)
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
            outcome = _run_ingest(services, paths, force=force, prune_missing=prune_missing, gate=quality_gate)
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
        _print_report(report)
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
        scores = (
            f"fused {passage.fused_score:.4f} · dense {_fmt(passage.dense_score)} · bm25 {_fmt(passage.keyword_score)}"
        )
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


@app.command(name="eval")
def eval_command(
    questions: Annotated[list[Path], typer.Argument(help="Question sets, one JSON object per line.")],
    corpus: Annotated[
        Path | None, typer.Option(help="Ingest this folder into a fresh temporary index and use it alone.")
    ] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the full report here.")] = None,
    min_fact_recall: Annotated[float | None, typer.Option(min=0, max=1, help="Exit 3 below this fact recall.")] = None,
    min_resolution: Annotated[float | None, typer.Option(min=0, max=1, help="Exit 3 below this resolution.")] = None,
    min_handoff_recall: Annotated[
        float | None, typer.Option(min=0, max=1, help="Exit 3 below this handoff recall.")
    ] = None,
    min_out_of_scope: Annotated[
        float | None, typer.Option(min=0, max=1, help="Exit 3 below this share of out-of-scope inputs handled.")
    ] = None,
    min_hit3: Annotated[float | None, typer.Option(min=0, max=1, help="Exit 3 below this retrieval hit@3.")] = None,
    min_hit1: Annotated[
        float | None, typer.Option(min=0, max=1, help="Exit 3 below this retrieval hit@1 (right page first).")
    ] = None,
    min_first_sentence: Annotated[
        float | None, typer.Option(min=0, max=1, help="Exit 3 below this share of first sentences holding a fact.")
    ] = None,
    max_median_chars: Annotated[
        float | None, typer.Option(min=0, help="Exit 3 above this median answer length (characters).")
    ] = None,
) -> None:
    """Measure retrieval and answers on a question set; exit code 1 if the corpus had failures, 3 if a
    figure is below its --min-… bar (or a closed call was presented as open)."""
    bar = QualityBar(
        fact_recall=min_fact_recall, resolution=min_resolution, handoff_recall=min_handoff_recall,
        out_of_scope_ok=min_out_of_scope, hit_at_3=min_hit3, hit_at_1=min_hit1,
        first_sentence_fact=min_first_sentence, max_median_chars=max_median_chars,
    )  # fmt: skip
    try:
        items = [question for path in questions for question in load_questions(path)]
        ids = [question.id for question in items]
        if len(set(ids)) != len(ids):
            raise QuestionSetError(f"the same question id in two files: {sorted({i for i in ids if ids.count(i) > 1})}")
    except QuestionSetError as exc:
        err.print(f"[red]{escape(str(exc))}[/red]")
        raise typer.Exit(2) from exc
    if corpus is not None and not corpus.is_dir():
        err.print(f"[red]{escape(str(corpus))}: not a folder[/red]")
        raise typer.Exit(2)
    with command_services() as services:
        run = run_evaluation(services, items, corpus)
    if run.corpus_ingest is not None and not run.corpus_ingest.ok:
        _print_report(run.corpus_ingest)
    _print_eval(run.report)
    if json_out:
        json_out.write_text(json.dumps(run.report, indent=2, ensure_ascii=False), encoding="utf-8")
        out.print(f"Report written to {escape(str(json_out))}")
    if run.corpus_ingest is not None and not run.corpus_ingest.ok:
        raise typer.Exit(1)
    below = shortfalls(run.report, bar)
    if below:
        err.print("[red]Below the bar:[/red] " + escape("; ".join(below)))
        raise typer.Exit(3)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on (default: SPORTELLO_WEB__HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on (default: SPORTELLO_WEB__PORT).")] = None,
) -> None:
    """Serve the chat API, the widget and its demo page (the sample knowledge base on a fresh install)."""
    import uvicorn

    from api.web.app import create_app
    from bot.telegram.application import STOP_GRACE_SECONDS

    with command_services() as services:
        if not services.manifest.documents():
            out.print(f"Empty index: loading the sample knowledge base from {escape(str(SAMPLE_KNOWLEDGE_DIR))} …")
            report = _run_ingest(services, [SAMPLE_KNOWLEDGE_DIR]).report
            _print_report(report)
        web = services.settings.web
        host, port = host or web.host, port or web.port
        out.print(f"Sportello is serving on [bold]http://{host}:{port}/[/bold] (demo page with the chat widget); "
                  f"API reference at /docs. Ctrl+C stops it.")  # fmt: skip
        # SIGTERM: uvicorn stops accepting, lets running requests finish within the grace period,
        # then the app stops its loops; what is left unanswered is answered on the next start.
        uvicorn.run(create_app(services=services), host=host, port=port, log_level="warning", access_log=False,
                    timeout_graceful_shutdown=int(STOP_GRACE_SECONDS))  # fmt: skip


app.add_typer(staff_app, name="staff")
app.add_typer(contact_app, name="contact")
app.command()(purge)

telegram_app = typer.Typer(help="The Telegram bot: run it by long polling, or register its webhook.")
app.add_typer(telegram_app, name="telegram")


@telegram_app.callback(invoke_without_command=True)
def telegram(ctx: typer.Context) -> None:
    """Run the Telegram bot by long polling (one box; the sample knowledge base on a fresh install)."""
    if ctx.invoked_subcommand is not None:
        return
    import asyncio

    from api.telegram import build_channel

    with command_services() as services:
        if not services.manifest.documents():
            out.print(f"Empty index: loading the sample knowledge base from {escape(str(SAMPLE_KNOWLEDGE_DIR))} …")
            _print_report(_run_ingest(services, [SAMPLE_KNOWLEDGE_DIR]).report)
        channel = _telegram(lambda: build_channel(services, polling=True))
        out.print("The Telegram bot is running (long polling). Ctrl+C stops it.")
        _telegram(lambda: asyncio.run(channel.run_until_stopped()))


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


def _run_ingest(
    services: Services,
    paths: list[Path],
    *,
    force: bool = False,
    prune_missing: bool = False,
    gate: QualityGate | None = None,
) -> SyncOutcome:
    columns = (TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeRemainingColumn())  # fmt: skip
    try:
        with Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as bar:
            task = bar.add_task("Reading files", total=None)

            def on_progress(done: int, total: int, source: str) -> None:
                name = escape(Path(source).name[:40])
                bar.update(task, completed=done, total=total, description=f"Embedding {name}")

            return sync_knowledge(
                services, paths, force=force, prune_missing=prune_missing, on_progress=on_progress, gate=gate
            )
    except IngestBusyError as exc:
        err.print(f"[red]{escape(str(exc))}[/red]")
        raise typer.Exit(2) from exc


def _print_report(report: IngestReport) -> None:
    counts = report.counts()
    out.print(
        "Ingest: "
        + ", ".join(f"{name} {counts[name]}" for name in ("added", "updated", "removed", "unchanged", "failed"))
        + f" · {report.chunks_indexed} passages embedded"
        + (f" · {counts['skipped']} files of other types skipped" if counts["skipped"] else "")
    )
    for skipped in report.skipped[:10]:
        out.print(f"  skipped (not a supported type): {skipped}", markup=False, highlight=False)
    if len(report.skipped) > 10:
        out.print(f"  … and {len(report.skipped) - 10} more skipped")
    for failure in report.failed:
        err.print(f"  failed [{failure.code}] {failure.message}", markup=False, highlight=False)


def _print_eval(report: dict[str, Any]) -> None:
    retrieval = report["retrieval"]
    table = Table(title=f"Retrieval: {retrieval['n']} answerable of {report['n']} questions")
    for column in ("group", "n", "hit@1", "hit@3", "hit@5", "MRR", "facts in top 3"):
        table.add_column(column, justify="right" if column != "group" else "left")

    def row(name: str, metrics: dict[str, Any]) -> None:
        keys = ("n", "hit@1", "hit@3", "hit@5", "mrr", "context_fact_recall")
        table.add_row(escape(name), *(_fmt(metrics.get(key)) for key in keys))

    row("overall", retrieval)
    for group in ("by_lang", "by_category"):
        for name, data in report[group].items():
            row(f"{group[3:]}: {name}", data["retrieval"])
    out.print(table)
    latency = report["latency_ms"]
    out.print(f"Search latency: p50 {latency['p50']} ms, p95 {latency['p95']} ms")
    answers = Table(title="Assistant")
    keys = ("fact_recall", "first_sentence_fact", "resolution", "handoff_recall", "out_of_scope_ok")
    columns = ("group", "fact recall", "first sentence", "resolution", "handoff recall", "out of scope ok",
               "median chars", "p90 chars")  # fmt: skip
    for column in columns:
        answers.add_column(column, justify="right" if column != "group" else "left")

    def answer_row(name: str, metrics: dict[str, Any]) -> None:
        lengths = metrics.get("body_chars") or {}
        figures = [*(metrics.get(key) for key in keys), lengths.get("median"), lengths.get("p90")]
        answers.add_row(escape(name), *(_fmt(value) for value in figures))

    answer_row("overall", report["answers"])
    for group in ("by_lang", "by_category"):
        for name, data in report[group].items():
            answer_row(f"{group[3:]}: {name}", data["answers"])
    out.print(answers)
    overall = report["answers"]
    if overall.get("latency_ms"):
        out.print(
            f"Answer latency: p50 {overall['latency_ms']['p50']} ms, p95 {overall['latency_ms']['p95']} ms · "
            f"closed calls presented as open: {overall['closed_as_open']}"
        )


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


def _fmt(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.0f}" if value > 1 else f"{value:.3f}"  # lengths in characters, shares with decimals
    return str(value)


def _safe_url(url: str) -> str:
    """A database URL without its password."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
