"""The ``sportello`` command line. Each command parses its arguments and calls one library function."""

from __future__ import annotations

import datetime as dt
import json
import logging
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from api.services import SAMPLE_KNOWLEDGE_DIR, Services, build_services
from api.settings import Settings
from bot.evaluation.harness import build_report, evaluate
from bot.evaluation.questions import EvalQuestion, QuestionSetError, load_questions
from knowledge.ingest import IngestReport
from retrieval.errors import RetrievalError
from retrieval.filters import STATUSES, SearchFilters, Status
from retrieval.langchain_retriever import passage_document
from retrieval.passages import Passage

app = typer.Typer(
    name="sportello",
    help="Sportello: a grounded help-desk assistant for innovation clusters.",
    no_args_is_help=True,
    add_completion=False,
)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


@contextmanager
def _services(settings: Settings | None = None) -> Iterator[Services]:
    """Settings read here (the entry point), services built and closed around a command."""
    try:
        settings = settings or Settings()
    except ValidationError as exc:
        err.print(f"[red]Configuration error:[/red] {exc}")
        raise typer.Exit(2) from exc
    logging.basicConfig(level=settings.log_level, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("bm25s").setLevel(max(logging.WARNING, logging.getLevelName(settings.log_level)))
    services = build_services(settings)
    try:
        yield services
    finally:
        services.close()


@app.command()
def init(
    sample: Annotated[
        bool, typer.Option(help="Ingest the bundled sample knowledge base if the index is empty.")
    ] = True,
) -> None:
    """Create the data directory and database, and load the sample knowledge base."""
    with _services() as services:
        out.print(f"Data directory: {services.settings.data_dir}")
        out.print(f"Database: {_safe_url(services.settings.resolved_database_url())}")
        if sample and not services.manifest.documents():
            out.print(f"Ingesting the sample knowledge base from {SAMPLE_KNOWLEDGE_DIR} …")
            report = _run_ingest(services, [SAMPLE_KNOWLEDGE_DIR])
            _print_report(report)
            if not report.ok:
                raise typer.Exit(1)
        out.print(f"Ready: {services.index.vectors.count()} passages indexed.")


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to ingest.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Ingest files and folders incrementally; exit code 1 if any file failed."""
    with _services() as services:
        report = _run_ingest(services, paths)
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
    kind: Annotated[list[str] | None, typer.Option(help="call, mission, reimbursement, faq, glossary, other.")] = None,
    programme: Annotated[str | None, typer.Option(help="e.g. EU-ALLIANCE")] = None,
    country: Annotated[str | None, typer.Option(help="ISO code, e.g. JP")] = None,
    lang: Annotated[str | None, typer.Option(help="Passage language: it, en, fr.")] = None,
    status: Annotated[str | None, typer.Option(help="open, closed or upcoming (calls and missions).")] = None,
    at: Annotated[str | None, typer.Option(help="Date for --status, YYYY-MM-DD (default: today).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print passages as JSON.")] = False,
) -> None:
    """Ranked passages with their scores and sources."""
    filters = SearchFilters(
        kinds=tuple(kind or ()),
        programme=programme,
        country=country,
        language=lang,
        status=_status(status),
        at=_date(at),
    )
    with _services() as services:
        try:
            result = services.searcher.search(query, k=k, filters=filters)
        except RetrievalError as exc:
            err.print(f"[red]{exc}[/red]")
            raise typer.Exit(2) from exc
    if as_json:
        rows = [{**_passage_json(p), "rank": rank} for rank, p in enumerate(result.passages, start=1)]
        out.print_json(json.dumps({"query": query, "embed_ms": result.embed_ms, "search_ms": result.search_ms,
                                   "passages": rows}))  # fmt: skip
        return
    if not result.passages:
        out.print("No passage found. Try other words, or remove filters.")
        return
    for rank, passage in enumerate(result.passages, start=1):
        scores = (
            f"fused {passage.fused_score:.4f} · dense {_fmt(passage.dense_score)} · bm25 {_fmt(passage.keyword_score)}"
        )
        out.print(f"[bold]{rank}. {passage.citation()}[/bold]  [dim]({passage.kind}, {passage.language or '?'})[/dim]")
        out.print(f"   [dim]{scores}[/dim]")
        out.print(f"   {passage.url or passage.source}", markup=False, highlight=False)
        snippet = " ".join(passage.text.split())
        out.print("   " + (snippet[:300] + "…" if len(snippet) > 300 else snippet), markup=False, highlight=False)
    out.print(f"[dim]{result.search_ms:.1f} ms (query embedding {result.embed_ms:.1f} ms)[/dim]")


@app.command(name="eval")
def eval_command(
    questions: Annotated[Path, typer.Argument(help="Question set, one JSON object per line.")],
    corpus: Annotated[
        Path | None, typer.Option(help="Ingest this folder into a fresh temporary index and use it alone.")
    ] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the full report here.")] = None,
) -> None:
    """Measure retrieval (and, later, answers) on a question set."""
    try:
        items = load_questions(questions)
    except QuestionSetError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    with _services() as services:
        if corpus is None:
            report = _evaluate(services, items)
        else:
            if not corpus.is_dir():
                err.print(f"[red]{corpus}: not a folder[/red]")
                raise typer.Exit(2)
            with tempfile.TemporaryDirectory(prefix="sportello-eval-") as tmp:
                scratch = services.settings.model_copy(
                    update={"data_dir": Path(tmp), "database_url": None,
                            "chroma": services.settings.chroma.model_copy(update={"url": None})}
                )  # fmt: skip
                throwaway = build_services(scratch, vector_cache=services.embedder.cache, now=services.now)
                try:
                    ingest_report = _run_ingest(throwaway, [corpus])
                    if ingest_report.failed:
                        _print_report(ingest_report)
                    report = _evaluate(throwaway, items)
                finally:
                    throwaway.close()
    _print_eval(report)
    if json_out:
        json_out.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
        out.print(f"Report written to {json_out}")


@app.command()
def status(
    documents: Annotated[bool, typer.Option("--documents", help="Also list every indexed document.")] = False,
) -> None:
    """What is indexed, and when it was last synced."""
    with _services() as services:
        rows = services.manifest.documents()
        last = services.manifest.last_run()
        table = Table(show_header=False)
        table.add_row("Data directory", str(services.settings.data_dir))
        table.add_row("Database", _safe_url(services.settings.resolved_database_url()))
        table.add_row("Vector store", services.settings.chroma.url or str(services.settings.chroma_dir))
        table.add_row("Embedding model", services.embedder.name)
        table.add_row("Passages", str(services.index.vectors.count()))
        kinds: dict[str, int] = {}
        for doc in rows:
            kinds[doc.kind] = kinds.get(doc.kind, 0) + 1
        table.add_row("Documents", f"{len(rows)} " + ", ".join(f"{k}: {n}" for k, n in sorted(kinds.items())))
        table.add_row("Last sync", last.finished_at.isoformat(timespec="seconds") if last else "never")
        out.print(table)
        if documents:
            listing = Table("Document", "Kind", "Language", "Passages", "Source")
            for doc in rows:
                listing.add_row(doc.title, doc.kind, doc.language or "?", str(doc.chunk_count), Path(doc.source).name)
            out.print(listing)


def _run_ingest(services: Services, paths: list[Path]) -> IngestReport:
    columns = (TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeRemainingColumn())  # fmt: skip
    with Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as progress:
        task = progress.add_task("Embedding passages", total=None)

        def on_progress(done: int, total: int, source: str) -> None:
            progress.update(task, completed=done, total=total, description=f"Embedding {Path(source).name[:40]}")

        return services.ingest_pipeline().run(paths, on_progress=on_progress)


def _evaluate(services: Services, items: list[EvalQuestion]) -> dict[str, Any]:
    return build_report(evaluate(items, lambda q: services.searcher.search(q, k=10).passages))


def _print_report(report: IngestReport) -> None:
    counts = report.counts()
    out.print(
        "Ingest: "
        + ", ".join(f"{name} {counts[name]}" for name in ("added", "updated", "removed", "unchanged", "failed"))
        + f" · {report.chunks_indexed} passages embedded"
    )
    for failure in report.failed:
        out.print(f"  [red]failed[/red] [{failure.code}] {failure.message}", highlight=False)


def _print_eval(report: dict[str, Any]) -> None:
    table = Table(title=f"Retrieval on {report['n']} questions (answerable only)")
    for column in ("group", "n", "hit@1", "hit@3", "hit@5", "MRR", "facts in top 3"):
        table.add_column(column, justify="right" if column != "group" else "left")

    def row(name: str, metrics: dict[str, Any]) -> None:
        table.add_row(
            name, *(_fmt(metrics.get(key)) for key in ("n", "hit@1", "hit@3", "hit@5", "mrr", "context_fact_recall"))
        )

    row("overall", report["retrieval"])
    for group in ("by_lang", "by_category"):
        for name, data in report[group].items():
            row(f"{group[3:]}: {name}", data["retrieval"])
    out.print(table)
    latency = report["latency_ms"]
    out.print(f"Search latency: p50 {latency['p50']} ms, p95 {latency['p95']} ms")
    out.print("Answer metrics: not measured yet (the assistant lands with the next issue).")


def _passage_json(passage: Passage) -> dict[str, object]:
    document = passage_document(passage)
    return {"text": document.page_content, **document.metadata}


def _status(value: str | None) -> Status | None:
    if value is None:
        return None
    for known in STATUSES:
        if value == known:
            return known
    raise typer.BadParameter(f"status must be one of {', '.join(STATUSES)}")


def _date(value: str | None) -> dt.datetime | None:
    if value is None:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError as exc:
        raise typer.BadParameter("use YYYY-MM-DD") from exc
    return dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.UTC)


def _fmt(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}"
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
