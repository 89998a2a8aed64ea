"""A claim through the desk as a channel sends it: each file stored, read in a child process and
told to the SME, then the checklist (issue 24).

Run from the repository root::

    .venv/bin/python benchmarks/claim_desk.py [--claims 3] [--json [PATH]]

Builds the default services (SQLite, the sample knowledge's catalog) in a temporary data
directory, generates the sample claims (``scripts/make_sample_claims.py``) and sends the complete
claim's 13 files ``--claims`` times, each claim in a conversation of its own, with two claims at a
time (two SMEs sending at once). Prints the time from a file's bytes to the SME's message (store,
child process, record) per format, the checklist's time, and the parent's peak RSS: the OCR models
live in the children, never in the web process.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import _common

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
from make_sample_claims import generate

from api.knowledge_sync import load_sample_if_empty
from api.services import build_services
from bot.claims.desk import ClaimDesk

FORMATS = {".pdf": "pdf", ".docx": "docx", ".jpg": "image", ".png": "image"}


def send_claim(desk: ClaimDesk, files: list[Path]) -> tuple[dict[str, list[float]], float]:
    """One SME's claim: every file stored and read in turn, then the checklist; the seconds each took."""
    store = desk.conversations
    contact = store.contact("web", uuid.uuid4().hex, language="it")
    conversation = store.start_conversation(contact, language="it")
    seconds: dict[str, list[float]] = defaultdict(list)
    for path in files:
        started = time.perf_counter()
        file, _ = desk.receive(conversation, "web", f"web:{uuid.uuid4().hex}", name=path.name,
                               media_type="application/octet-stream", data=path.read_bytes())  # fmt: skip
        desk.read(file)
        seconds[FORMATS[path.suffix]].append(time.perf_counter() - started)
    started = time.perf_counter()
    desk.check(conversation, f"claim:check:web:{uuid.uuid4().hex}")
    return seconds, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--claims", type=int, default=3, help="claims sent, two at a time (default 3)")
    _common.add_json_option(parser, "claim_desk")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sportello-claim-desk-") as tmp:
        folder = Path(tmp) / "claims"
        generate(folder)
        files = sorted((folder / "complete").iterdir())
        july = dt.datetime(2027, 7, 1, 8, 0, tzinfo=dt.UTC)
        services = build_services(_common.bench_settings(Path(tmp) / "data"), now=lambda: july)
        try:
            load_sample_if_empty(services, lambda: None)
            desk = services.claims()
            monitor = _common.CpuMonitor().start()
            started = time.perf_counter()
            with ThreadPoolExecutor(max_workers=2) as pool:
                results = list(pool.map(lambda _: send_claim(desk, files), range(args.claims)))
            wall = time.perf_counter() - started
            window = monitor.stop()
        finally:
            services.close()
    per_format: dict[str, list[float]] = defaultdict(list)
    for seconds, _check in results:
        for name, values in seconds.items():
            per_format[name].extend(value * 1000 for value in values)
    checks = [check * 1000 for _seconds, check in results]
    print(f"{args.claims} claims of {len(files)} files, two at a time: {wall:.1f} s")
    print("from a file's bytes to the SME's message (ms):")
    for name, values in sorted(per_format.items()):
        print(f"  {name:6s} n={len(values):3d}  median {statistics.median(values):7.0f}   "
              f"p95 {_common.percentile(values, 95):7.0f}")  # fmt: skip
    print(f"checklist of a 13-file claim (ms): median {statistics.median(checks):.0f}, max {max(checks):.0f}")
    print(f"parent peak RSS: {_common.peak_rss_mb():.0f} MiB")
    print(_common.contention_note(window))
    if args.json is not None:
        figures = {"wall_seconds": round(wall, 1), "ms": {k: _common.summary_ms(v) for k, v in per_format.items()},
                   "check_ms": _common.summary_ms(checks), "peak_rss_mib": round(_common.peak_rss_mb())}  # fmt: skip
        results_json = {"figures": figures, "claims": args.claims, "cpu": window, "machine": _common.machine_info()}
        print(f"written to {_common.write_json(Path(args.json), results_json)}", file=sys.stderr)


if __name__ == "__main__":
    main()
