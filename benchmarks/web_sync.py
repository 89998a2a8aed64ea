"""Syncing a website of a few hundred pages: pages/s, bytes fetched, and where the time goes.

Run from the repository root::

    .venv/bin/python benchmarks/web_sync.py [--pages 300]

A site of ``--pages`` generated cluster pages (a menu, a cookie banner, a footer and a few
paragraphs in Italian each, one in ten a call with its deadline; an index page links them
all) is served from a temporary folder on 127.0.0.1 by ``http.server`` (which answers
If-Modified-Since with 304). One ``page`` source of it is synced with the real code paths
(``build_services`` on a fresh data directory: the bundled E5 model, embedded Chroma,
SQLite, BM25; no politeness pause, loopback allowed):

1. **First sync**: every page fetched, extracted (trafilatura), stored and indexed.
2. **Unchanged**: the same site again: conditional requests only, nothing embedded.
3. **Ten pages edited**: their deadlines moved; only those are re-embedded.

Reported per run: pages/s, bytes fetched, seconds fetching, extracting and indexing
(the ingest, mostly the embedding), passages embedded, and the process's peak RSS.
"""

from __future__ import annotations

import argparse
import functools
import os
import random
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import _common

from api.services import build_services
from api.settings_sources import SourcesSettings
from api.sources.sync import SourceSync
from knowledge.web.sources import WebSources

WORDS = (
    "impresa export fiera missione bando contributo spese ammissibili domanda piattaforma voucher rimborso "
    "consulenza traduzione buyer distributori mercato estero cluster tessile meccanica agroalimentare "
    "internazionalizzazione partecipazione stand catalogo campionari viaggio alloggio incontri B2B"
).split()


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def build_site(folder: Path, pages: int, rng: random.Random) -> None:
    """``pages`` HTML pages and an index linking them."""
    links = []
    for n in range(pages):
        write_page(folder, n, rng, deadline="30 giugno 2027")
        links.append(f'<li><a href="/p/{n}.html">Pagina {n}</a></li>')
    (folder / "index.html").write_text(_html("Il cluster", f"<ul>{''.join(links)}</ul>"), encoding="utf-8")


def write_page(folder: Path, n: int, rng: random.Random, deadline: str) -> None:
    paragraphs = "".join(f"<p>{' '.join(rng.choice(WORDS) for _ in range(60))}.</p>" for _ in range(6))
    if n % 10 == 0:
        paragraphs += f"<p>Il bando copre il 50% delle spese; le domande si presentano entro il {deadline}.</p>"
    (folder / "p").mkdir(exist_ok=True)
    (folder / "p" / f"{n}.html").write_text(_html(f"Pagina {n}: bando e missione", paragraphs), encoding="utf-8")


def _html(title: str, main: str) -> str:
    menu = "".join(f'<li><a href="/sezione/{s}.html">{s}</a></li>' for s in ("bandi", "missioni", "notizie"))
    return (
        f'<!doctype html><html lang="it"><head><meta charset="utf-8"><title>{title}</title></head><body>'
        f'<nav class="menu"><ul>{menu}</ul></nav><div id="cookie-banner">Questo sito usa cookie. '
        f"<button>Accetta</button></div><main><h1>{title}</h1>{main}</main>"
        "<footer>Cluster di esempio · P.IVA 00000000000</footer></body></html>"
    )


def run(sync: SourceSync, source_id: int, embedder: Any, label: str) -> dict[str, Any]:
    misses = embedder.misses
    started = time.perf_counter()
    result = sync.sync(source_id)
    elapsed = time.perf_counter() - started
    assert result is not None and result.report.outcome == "ok", result and result.report.message
    counts = result.report.counts()
    fetched = counts["fetched"]
    figures = {
        "run": label, "pages": fetched, "seconds": round(elapsed, 2), "pages_per_s": round(fetched / elapsed, 1),
        "bytes": counts["bytes"], "changed": counts["added"] + counts["changed"], **counts["seconds"],
        "embedded": embedder.misses - misses, "peak_rss_mb": round(_common.peak_rss_mb()),
    }  # fmt: skip
    print(
        f"{label:<18} {fetched:>4} pages in {elapsed:6.1f} s = {figures['pages_per_s']:6.1f} pages/s · "
        f"{counts['bytes']:>10,} bytes · fetching {counts['seconds']['fetching']:5.1f} s · extracting "
        f"{counts['seconds']['extracting']:5.1f} s · indexing {counts['seconds']['indexing']:5.1f} s · "
        f"{figures['embedded']:>4} passages embedded · peak RSS {figures['peak_rss_mb']} MiB"
    )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300)
    args = parser.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as site_dir, tempfile.TemporaryDirectory() as data_dir:
        build_site(Path(site_dir), args.pages, rng)
        server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=site_dir))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        settings = _common.bench_settings(Path(data_dir)).model_copy(
            update={"sources": SourcesSettings(allow_networks=["127.0.0.0/8"], host_interval_seconds=0)}
        )
        services = build_services(settings)
        try:
            url = f"http://127.0.0.1:{server.server_address[1]}/"
            source = WebSources(services.sessions, services.now).add(url, max_pages=args.pages + 10, max_depth=1)
            sync = SourceSync(services)
            print(f"{args.pages} pages on {url} · {os.cpu_count()} cores")
            run(sync, source.id, services.embedder, "first sync")
            time.sleep(1.1)  # Last-Modified has one-second resolution: edits must fall in a later second
            run(sync, source.id, services.embedder, "unchanged")
            for n in range(0, 100, 10):
                write_page(Path(site_dir), n, random.Random(n), deadline="31 luglio 2027")
            run(sync, source.id, services.embedder, "ten pages edited")
        finally:
            services.close()
            server.shutdown()


if __name__ == "__main__":
    main()
