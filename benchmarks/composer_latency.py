"""Extractive answer latency at 5k chunks: the composer alone, and the assistant's whole turn.

Run from the repository root::

    .venv/bin/python benchmarks/composer_latency.py [--size 5000] [--rounds 3] [--json [PATH]]

What runs: the synthetic it/en/fr index of ``search_latency.py`` at ``--size`` chunks
(built and cached under ``benchmarks/.cache/`` by the same code, reused when valid), opened
with ``build_services`` and the real E5 model, clock fixed at 2026-11-21 12:00 UTC. For
each of the 100 help-desk questions of ``queries.py`` (after a warm-up pass):

- ``HybridSearcher.search(question, k=5)`` (query embedding, Chroma, BM25, fusion);
- ``ExtractiveComposer.compose`` on those passages (what is asked, units, scoring,
  layout): the composer's own cost;
- ``Assistant.reply`` in a fresh conversation: the whole turn as a channel sees it
  (storing the message, understanding, catalog, FAQ, routing, search, composition,
  storing the reply; SQLite on disk).

Targets: extractive answer p95 <= 150 ms at 5k chunks (issue 13); whole turn p95 <= 100 ms with
the learned line ranker, peak RSS <= 700 MiB (issue 18).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import _common
import search_latency
from queries import QUERIES

from api.services import build_services
from bot.answers.composers.extractive import ExtractiveComposer
from bot.answers.composers.line_ranker import LineRanker
from bot.conversation.understanding import turn_language

TARGET_P95_MS = 150.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--size", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3, help="Passes over the questions after the warm-up.")
    _common.add_json_option(parser, "composer_latency")
    args = parser.parse_args()

    pool, _ = search_latency.prepare_pool(log=lambda *a: print(*a, file=sys.stderr))
    directory, _, cached = search_latency.ensure_index(pool, args.size, rebuild=False)
    print(f"index of {args.size} chunks {'reused' if cached else 'built'}: {directory}", file=sys.stderr)
    services = build_services(_common.bench_settings(directory), now=lambda: search_latency.FIXED_NOW)
    composer = ExtractiveComposer(ranker=LineRanker.bundled())
    assistant = services.assistant()
    try:
        languages = {q: turn_language(q, None) for q in QUERIES}
        for question in QUERIES:  # warm-up
            composer.compose(question, languages[question], services.searcher.search(question, k=5).passages)
            assistant.reply(assistant.start("bench", f"warm-{question}"), question)
        search_ms: list[float] = []
        compose_ms: list[float] = []
        turn_ms: list[float] = []
        monitor = _common.CpuMonitor().start()
        for round_number in range(args.rounds):
            for number, question in enumerate(QUERIES):
                started = time.perf_counter()
                passages = services.searcher.search(question, k=5).passages
                search_ms.append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                composer.compose(question, languages[question], passages)
                compose_ms.append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                assistant.reply(assistant.start("bench", f"{round_number}-{number}"), question)
                turn_ms.append((time.perf_counter() - started) * 1000)
        window = monitor.stop()
    finally:
        services.close()

    results: dict[str, Any] = {
        "size": args.size, "questions": len(QUERIES), "rounds": args.rounds,
        "search_ms": _common.summary_ms(search_ms), "compose_ms": _common.summary_ms(compose_ms),
        "answer_turn_ms": _common.summary_ms(turn_ms), "peak_rss_mb": round(_common.peak_rss_mb(), 1),
        "other_cpu": window, "machine": _common.machine_info(),
    }  # fmt: skip
    for name in ("search_ms", "compose_ms", "answer_turn_ms"):
        figures = results[name]
        print(f"{name:>15}: p50 {figures['p50']:.1f} ms · p95 {figures['p95']:.1f} ms · max {figures['max']:.1f} ms")
    print(f"peak RSS {results['peak_rss_mb']} MiB · {_common.contention_note(window)}")
    met = results["answer_turn_ms"]["p95"] <= TARGET_P95_MS
    print(f"target: answer p95 <= {TARGET_P95_MS:.0f} ms at {args.size} chunks: {'met' if met else 'NOT met'}")
    if args.json:
        print(f"written to {_common.write_json(Path(args.json), results)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
