"""``sportello eval``: a question set through search and the assistant, with bars for CI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from api.cli_common import command_services, err, figure, out
from api.cli_ingest import print_report
from api.evaluation import run_evaluation
from bot.evaluation.gate import QualityBar, shortfalls
from bot.evaluation.questions import QuestionSetError, load_questions


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
        print_report(run.corpus_ingest)
    print_eval(run.report)
    if json_out:
        json_out.write_text(json.dumps(run.report, indent=2, ensure_ascii=False), encoding="utf-8")
        out.print(f"Report written to {escape(str(json_out))}")
    if run.corpus_ingest is not None and not run.corpus_ingest.ok:
        raise typer.Exit(1)
    below = shortfalls(run.report, bar)
    if below:
        err.print("[red]Below the bar:[/red] " + escape("; ".join(below)))
        raise typer.Exit(3)


def print_eval(report: dict[str, Any]) -> None:
    retrieval = report["retrieval"]
    table = Table(title=f"Retrieval: {retrieval['n']} answerable of {report['n']} questions")
    for column in ("group", "n", "hit@1", "hit@3", "hit@5", "MRR", "facts in top 3"):
        table.add_column(column, justify="right" if column != "group" else "left")

    def row(name: str, metrics: dict[str, Any]) -> None:
        keys = ("n", "hit@1", "hit@3", "hit@5", "mrr", "context_fact_recall")
        table.add_row(escape(name), *(figure(metrics.get(key)) for key in keys))

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
        answers.add_row(escape(name), *(figure(value) for value in figures))

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
