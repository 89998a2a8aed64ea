"""Answer latency of the assistant against search latency, on the sample knowledge base.

Run from the repository root::

    .venv/bin/python benchmarks/answer_latency.py [--rounds 3] [--json [PATH]]

What runs: ``build_services`` with the real E5 embedder on a data directory under
``benchmarks/.cache/answer-latency`` (the sample is ingested once; later runs find it
unchanged), then for every question of ``evaluation/dev_questions.jsonl``, interleaved,
``HybridSearcher.search(question, k=5)`` and ``Assistant.reply`` in a fresh conversation
(the whole turn: storing the message, understanding, catalog, FAQ, routing, search,
composition, storing the reply; SQLite on disk). A warm-up pass runs first. The
extractive composer is used (no language model), as in the default install. The clock
is fixed at 2026-11-21 10:00 UTC so the catalog's states are the documented ones.

Targets (issue 3): answer p50 <= search p50 + 30 ms, answer p95 <= 150 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import statistics
import sys
import time
from pathlib import Path

from api.services import SAMPLE_KNOWLEDGE_DIR, build_services
from api.settings import EmbeddingSettings, Settings
from bot.evaluation.questions import load_questions

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "benchmarks" / ".cache" / "answer-latency"
NOW = dt.datetime(2026, 11, 21, 10, 0, tzinfo=dt.UTC)


def percentile(values: list[float], percent: int) -> float:
    return round(statistics.quantiles(sorted(values), n=100, method="inclusive")[percent - 1], 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rounds", type=int, default=3, help="Passes over the question set (after the warm-up).")
    parser.add_argument("--json", nargs="?", const="-", help="Also print (or write to PATH) the figures as JSON.")
    args = parser.parse_args()

    settings = Settings(_env_file=None, data_dir=CACHE, embedding=EmbeddingSettings(provider="e5"))  # type: ignore[call-arg]
    services = build_services(settings, now=lambda: NOW)
    started = time.perf_counter()
    ingest = services.ingest_pipeline().run([SAMPLE_KNOWLEDGE_DIR])
    print(f"ingest: {ingest.counts()} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    started = time.perf_counter()
    assistant = services.assistant()
    assistant.reply(assistant.start("bench", "warm"), "ciao")
    print(f"assistant ready (router examples, FAQ) in {time.perf_counter() - started:.1f} s", file=sys.stderr)

    questions = [q.question for q in load_questions(ROOT / "evaluation" / "dev_questions.jsonl")]
    for question in questions:  # warm-up
        services.searcher.search(question, k=5)
        assistant.reply(assistant.start("bench", "warm"), question)

    search_ms: list[float] = []
    answer_ms: list[float] = []
    turn_ms: list[float] = []
    outcomes: dict[str, int] = {}
    for round_number in range(args.rounds):
        for index, question in enumerate(questions):
            begun = time.perf_counter()
            services.searcher.search(question, k=5)
            search_ms.append((time.perf_counter() - begun) * 1000)
            conversation = assistant.start("bench", f"{round_number}-{index}")
            begun = time.perf_counter()
            reply = assistant.reply(conversation, question)
            answer_ms.append((time.perf_counter() - begun) * 1000)
            turn_ms.append(reply.latency_ms)
            outcomes[reply.outcome] = outcomes.get(reply.outcome, 0) + 1

    figures = {
        "questions": len(questions),
        "rounds": args.rounds,
        "search_ms": {"p50": percentile(search_ms, 50), "p95": percentile(search_ms, 95)},
        "answer_ms": {"p50": percentile(answer_ms, 50), "p95": percentile(answer_ms, 95)},
        "answer_minus_search_p50_ms": round(percentile(answer_ms, 50) - percentile(search_ms, 50), 2),
        "turn_latency_recorded_ms": {"p50": percentile(turn_ms, 50), "p95": percentile(turn_ms, 95)},
        "outcomes": dict(sorted(outcomes.items())),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    services.close()
    print(f"questions: {len(questions)} x {args.rounds} rounds (extractive composer, SQLite, embedded Chroma)")
    print(f"search   p50 {figures['search_ms']['p50']:7.2f} ms   p95 {figures['search_ms']['p95']:7.2f} ms")
    print(f"answer   p50 {figures['answer_ms']['p50']:7.2f} ms   p95 {figures['answer_ms']['p95']:7.2f} ms")
    print(f"answer - search at p50: {figures['answer_minus_search_p50_ms']:.2f} ms (target <= 30)")
    print(f"answer p95 target <= 150 ms: {'met' if figures['answer_ms']['p95'] <= 150 else 'NOT met'}")
    print(f"outcomes: {figures['outcomes']}")
    print(f"peak RSS: {figures['peak_rss_mib']} MiB")
    if args.json == "-":
        print(json.dumps(figures, indent=2))
    elif args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
