"""Ingesting from the command line: a progress bar on a terminal, the report, the sample on an empty index."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from api import knowledge_sync as sync
from api.cli_common import err, out
from api.knowledge_sync import SyncOutcome, sync_knowledge
from api.quality_gate import QualityGate
from api.services import SAMPLE_KNOWLEDGE_DIR, IngestBusyError, Services
from knowledge.ingest import IngestReport


def load_sample_if_empty(services: Services) -> None:
    """A fresh install serves the bundled sample knowledge base (``serve``, ``telegram``); with
    several processes on one empty database, one loads it and the others wait."""
    message = f"Empty index: loading the sample knowledge base from {escape(str(SAMPLE_KNOWLEDGE_DIR))} …"
    try:
        outcome = sync.load_sample_if_empty(services, lambda: out.print(message))
    except IngestBusyError as exc:
        err.print(f"[red]{escape(str(exc))}[/red]")
        raise typer.Exit(2) from exc
    if outcome is not None:
        print_report(outcome.report)


def run_ingest(
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


def print_report(report: IngestReport) -> None:
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
