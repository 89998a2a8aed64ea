"""How well claim documents are read: kind, date, amount and currency against a careful reader (issue 24).

Run from the repository root::

    .venv/bin/python benchmarks/claim_reading.py [--rounds 3] [--no-ocr] [--folder PATH] [--json [PATH]]

Generates the sample claims (``scripts/make_sample_claims.py``) into a temporary folder, reads
each file with ``bot.claims.reading.read_claim_file`` and compares what it read with the
``truth.jsonl`` written beside them. Prints accuracy of kind, date, amount (exact), currency and
all four together, overall and per format (PDF / DOCX / image), whether each hostile file got the
refusal or problem it deserves, the time per document (median and p95 over ``--rounds``, the
first OCR call's model load apart) and the process's peak RSS. ``--no-ocr`` reads photos without
OCR, to see the cost and the accuracy the OCR engine brings. ``--folder`` reads another set with its
own ``truth.jsonl`` instead (the blind set: ``benchmarks/blind_receipts/``, written by someone who
never saw the reader).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import _common

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
from make_sample_claims import Truth, generate

from bot.claims.documents import ReadDocument
from bot.claims.file_text import ClaimFileError, ImageTextReader, ocr_image, without_ocr
from bot.claims.reading import read_claim_file

FIELDS = ("kind", "date", "amount", "currency")


def compare(truth: Truth, read: ReadDocument | str) -> dict[str, bool]:
    """Which of the four fields were read as the truth says (an amount compares by value); a refusal
    gets none right."""
    if isinstance(read, str):
        return dict.fromkeys((*FIELDS, "all four"), False)
    amount = Decimal(truth.amount) if truth.amount is not None else None
    date = read.date.isoformat() if read.date else None
    right = {"kind": read.kind == truth.kind, "date": date == truth.date, "amount": read.amount == amount,
             "currency": read.currency == truth.currency}  # fmt: skip
    right["all four"] = all(right.values())
    return right


def read_once(folder: Path, truth: Truth, ocr: ImageTextReader) -> tuple[ReadDocument | str, float]:
    """One file read: the document or the refusal's code, and the seconds it took."""
    data = (folder / truth.file).read_bytes()
    started = time.perf_counter()
    try:
        outcome: ReadDocument | str = read_claim_file(truth.file, data, ocr=ocr)
    except ClaimFileError as exc:
        outcome = exc.code
    return outcome, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=3, help="reads of every file, for the timings (default 3)")
    parser.add_argument("--no-ocr", action="store_true", help="read photos without OCR")
    parser.add_argument("--folder", type=Path, help="a folder of documents with its truth.jsonl (default: the samples)")
    _common.add_json_option(parser, "claim_reading")
    args = parser.parse_args()
    ocr = without_ocr if args.no_ocr else ocr_image
    with tempfile.TemporaryDirectory(prefix="sportello-claims-") as tmp:
        folder = args.folder or Path(tmp)
        truths = _truths(folder) if args.folder else generate(folder)
        first: dict[str, ReadDocument | str] = {}
        first_round_seconds = 0.0
        monitor = _common.CpuMonitor().start()
        timings: dict[str, list[float]] = defaultdict(list)
        for round_number in range(args.rounds):
            for truth in truths:
                outcome, seconds = read_once(folder, truth, ocr)
                if round_number == 0:
                    first[truth.file] = outcome
                    first_round_seconds += seconds
                else:
                    timings[truth.format].append(seconds * 1000)
        window = monitor.stop()
    scores: dict[str, dict[str, list[bool]]] = defaultdict(lambda: defaultdict(list))
    hostile_right = 0
    hostile: list[Truth] = [truth for truth in truths if truth.claim == "hostile"]
    for truth in truths:
        outcome = first[truth.file]
        if truth.claim == "hostile":
            hostile_right += _hostile_right(truth, outcome)
            continue
        right = compare(truth, outcome)
        for field, ok in right.items():
            scores["all"][field].append(ok)
            scores[truth.format][field].append(ok)
        if not right["all four"]:
            print(f"  miss {truth.file}: {_describe(outcome)}")
    print(f"\n{'format':8s} {'docs':>4s}  " + "  ".join(f"{field:>9s}" for field in (*FIELDS, "all four")))
    figures: dict[str, object] = {}
    for group in ("all", "pdf", "docx", "image"):
        fields = scores[group]
        count = len(fields["kind"])
        row = {field: sum(fields[field]) / count for field in (*FIELDS, "all four")} if count else {}
        figures[group] = {"documents": count, **{k: round(v, 3) for k, v in row.items()}}
        print(f"{group:8s} {count:4d}  " + "  ".join(f"{row.get(f, 0):9.0%}" for f in (*FIELDS, "all four")))
    print(f"\nhostile files handled as expected: {hostile_right}/{len(hostile)}")
    all_ms = [ms for values in timings.values() for ms in values]
    print("\ntime per document (ms, rounds after the first):")
    for group, values in sorted(timings.items()):
        print(f"  {group:6s} median {statistics.median(values):8.1f}   p95 {_common.percentile(values, 95):8.1f}")
    if all_ms:
        print(f"  {'all':6s} median {statistics.median(all_ms):8.1f}   p95 {_common.percentile(all_ms, 95):8.1f}")
    print(f"first round, model loads included: {first_round_seconds:.1f} s for {len(truths)} files")
    print(f"peak RSS: {_common.peak_rss_mb():.0f} MiB")
    print(_common.contention_note(window))
    if args.json is not None:
        figures.update(hostile_right=hostile_right, hostile=len(hostile), peak_rss_mib=round(_common.peak_rss_mb()))
        figures["ms"] = {group: _common.summary_ms(values) for group, values in timings.items()}
        results = {"figures": figures, "ocr": not args.no_ocr, "cpu": window, "machine": _common.machine_info()}
        print(f"written to {_common.write_json(Path(args.json), results)}", file=sys.stderr)


def _truths(folder: Path) -> list[Truth]:
    """The documents of a folder as its ``truth.jsonl`` describes them."""
    lines = (folder / "truth.jsonl").read_text(encoding="utf-8").splitlines()
    return [
        Truth(**{**row, "problems": tuple(row.get("problems") or ())}) for row in map(json.loads, filter(None, lines))
    ]


def _hostile_right(truth: Truth, outcome: ReadDocument | str) -> bool:
    if truth.refusal is not None:
        right = outcome == str(truth.refusal)
    elif truth.readable == "ocr":  # a scan: read as any document
        right = compare(truth, outcome)["all four"]
    elif isinstance(outcome, str):
        right = False
    else:
        right = outcome.readable == truth.readable and set(truth.problems) <= set(outcome.problems)
        right = right and outcome.kind == truth.kind and outcome.amount is None
    if not right:
        print(f"  hostile {truth.file}: expected {truth.refusal or truth.problems or truth.kind}, got "
              f"{_describe(outcome)}")  # fmt: skip
    return right


def _describe(outcome: ReadDocument | str) -> str:
    if isinstance(outcome, str):
        return f"refused ({outcome})"
    return (f"{outcome.kind} {outcome.date} {outcome.amount} {outcome.currency} readable={outcome.readable} "
            f"{outcome.problems}")  # fmt: skip


if __name__ == "__main__":
    main()
