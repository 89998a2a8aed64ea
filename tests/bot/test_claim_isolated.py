"""Reading claim files in a child process (issue 24): the same documents and refusals as in
process, plus a memory ceiling and a clock, and the OCR models never in the parent's memory."""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from doubles.claim_samples import write_samples

from bot.claims.file_text import ClaimFileError
from bot.claims.isolated import MAX_ANSWER_BYTES, _answer_document, read_isolated
from bot.claims.reading import read_claim_file

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "make_sample_claims.py"
HAS_OCR = importlib.util.find_spec("rapidocr_onnxruntime") is not None
needs_ocr = pytest.mark.skipif(not HAS_OCR, reason="rapidocr-onnxruntime is not installed")
PHOTO = "complete/taxi-haneda-hotel.png"
PDF = "complete/hotel-sakura-shinjuku.pdf"


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_samples(tmp_path_factory.mktemp("claims"))


# First in the file: the in-process comparison below loads the models into this process.
@needs_ocr
def test_the_parent_never_holds_the_ocr_models(samples: Path) -> None:
    models_before = "onnxruntime" in sys.modules
    read_isolated(PDF, (samples / PDF).read_bytes())  # the parent's own share (imports, threads) paid first
    before = _rss_mb()
    document = read_isolated(PHOTO, (samples / PHOTO).read_bytes())
    assert document.readable == "ocr"
    assert _rss_mb() - before < 50
    assert models_before or "onnxruntime" not in sys.modules


@pytest.mark.parametrize(
    "name",
    [PDF, "complete/dichiarazione-de-minimis.docx", pytest.param(PHOTO, marks=needs_ocr),
     pytest.param("hostile/scansione-ricevuta.pdf", marks=needs_ocr)],  # a scan: read again with the OCR loaded
)  # fmt: skip
def test_a_file_read_isolated_is_the_document_read_in_process(samples: Path, name: str) -> None:
    data = (samples / name).read_bytes()
    isolated = read_isolated(name, data)
    assert isolated == read_claim_file(name, data)
    assert isolated.kind != "other" and isolated.date is not None


@pytest.mark.parametrize(
    ("name", "code"),
    [("hostile/fattura-hotel.pdf", "unsupported_type"),  # a zip named .pdf
     ("hostile/vuoto.pdf", "empty"),
     ("hostile/bomba.docx", "too_large")],  # 20 MB of XML packed in a few KB
)  # fmt: skip
def test_refusals_come_back_with_their_code_and_words(samples: Path, name: str, code: str) -> None:
    data = (samples / name).read_bytes()
    with pytest.raises(ClaimFileError) as in_process:
        read_claim_file(name, data)
    with pytest.raises(ClaimFileError) as isolated:
        read_isolated(name, data)
    assert (isolated.value.code, isolated.value.message) == (code, in_process.value.message)


def test_a_file_over_the_size_limit_is_refused_before_a_child_starts(samples: Path) -> None:
    data = (samples / PDF).read_bytes()
    started = time.monotonic()
    with pytest.raises(ClaimFileError) as isolated:
        read_isolated(PDF, data, max_bytes=len(data) - 1)
    assert time.monotonic() - started < 0.1
    with pytest.raises(ClaimFileError) as in_process:
        read_claim_file(PDF, data, max_bytes=len(data) - 1)
    assert (isolated.value.code, isolated.value.message) == ("too_large", in_process.value.message)


@needs_ocr
def test_a_reading_over_the_memory_ceiling_is_refused(samples: Path) -> None:
    with pytest.raises(ClaimFileError) as refused:
        read_isolated(PHOTO, (samples / PHOTO).read_bytes(), memory_mb=20)
    assert refused.value.code == "over_memory"
    assert "more than 20 MB of memory" in refused.value.message


def test_a_reading_past_the_clock_is_stopped(samples: Path) -> None:
    started = time.monotonic()
    with pytest.raises(ClaimFileError) as refused:
        read_isolated(PDF, (samples / PDF).read_bytes(), seconds=0.05)
    assert time.monotonic() - started < 1
    assert (refused.value.code, refused.value.message) == ("too_slow", "reading it takes longer than 0.05 s")


@pytest.mark.parametrize(
    "answer",
    [b"Traceback (most recent call last):\n", b'{"name": "x", "kind": "bribe", "readable": "text"}\n',
     b'{"name": "x", "kind": "invoice", "readable": "text", "amount": "NaN"}\n',
     b'{"name": "x", "kind": "invoice", "readable": "text", "date": "31/02/2027"}\n',
     b'{"error": "approved", "message": "pay it"}\n', b"[" * 100_000 + b"\n",
     b'{"error": "empty", "message": "x"}\n{"name": "x", "kind": "invoice", "readable": "text"}\n',
     b'{"name": "' + b"x" * MAX_ANSWER_BYTES + b'", "kind": "invoice", "readable": "text"}\n'],
)  # fmt: skip
def test_nothing_but_one_valid_line_is_taken_from_the_child(answer: bytes) -> None:
    with pytest.raises(ClaimFileError) as refused:
        _answer_document(answer)
    assert refused.value.code == "corrupt"


def _rss_mb() -> float:
    with open("/proc/self/status") as status:
        fields: dict[str, Any] = dict(line.split(":", 1) for line in status)
    return int(fields["VmRSS"].split()[0]) / 1024
