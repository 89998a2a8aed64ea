"""Reading a claim's file in a child process, under a memory ceiling and a wall clock.

``read_claim_file`` parses what an SME uploads and, for a photo, loads RapidOCR's models (~800 MB
of address space; ~450 MB resident once a photo is read) and runs them. A web process should do
neither: ``read_isolated`` runs ``python -m bot.claims.isolated``, as ``knowledge.loaders.isolated``
does for the knowledge uploads. The child gets a JSON header line and the file's bytes on stdin, caps
its own address space (``RLIMIT_AS``: what it holds once ready plus ``memory_mb``), reads, and
writes one line of JSON: the ``ReadDocument`` or ``{"error": code, "message": ...}``. The parent
reads at most ``MAX_ANSWER_BYTES`` of it, validates every field, and kills the child past
``seconds``. Nothing else the child does reaches the parent: its stdout is its stderr while it
reads, so a library's chatter cannot forge the answer, and its stderr is discarded.

The OCR engine's models are loaded *before* the ceiling, for a photo or a scanned PDF: they are
trusted (they come in the wheels) and the same for every file; ``memory_mb`` bounds what the file
costs. That is what stops the worst photos: a dense page of figures, 2,000 px wide, takes ONNX
Runtime over a minute and ~900 MB of address space. The text's language is detected here, in the
parent, which holds lingua's models for the conversation anyway (in the child they cost ~0.6 s a
file).

One child per file, ``MAX_CHILDREN`` at a time; blocking (from async code, call it in a worker
thread). Measured on two cores: the interpreter and imports take
~0.4 s, so a PDF or a DOCX costs ~0.4 s isolated (in a warm process: 10 ms); a photo ~1.4 s (the
OCR engine's load, 0.4 s, and ONNX Runtime's first run, slower than later ones) against 0.5 s for
a later photo in a warm process. A pool of warm children (models loaded, one file at a time,
recycled after N files or any refusal) would bring a PDF to ~10 ms and a photo to ~0.6 s, for
~450 MB resident per idle child, a recycling policy, and a ceiling that must allow for what
earlier files left behind: not worth it while a file is read once, as it arrives.
"""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
import threading
from dataclasses import dataclass, replace
from typing import IO, Any

from pydantic import TypeAdapter, ValidationError

from bot.claims.documents import ReadDocument
from bot.claims.file_text import ClaimFileCode, ClaimFileError, _ocr_engine, ocr_image, without_ocr
from bot.claims.reading import no_language, read_claim_file
from knowledge.language import detect_language

MAX_CHILDREN = 2
"""Files read at once: an OCR uses both cores, and each child may take ``memory_mb`` more."""
MAX_ANSWER_BYTES = 256 * 1024
"""The child's answer is read up to this: 20,000 characters of text (UTF-8) and a few fields."""
_COMMAND = (sys.executable, "-m", "bot.claims.isolated")
_SLOTS = threading.BoundedSemaphore(MAX_CHILDREN)
_PHOTO_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")  # what file_text.sniff calls a JPEG or a PNG
_OUT_OF_MEMORY = re.compile(r"bad_alloc|out of memory|insufficient memory|(failed|cannot|unable) to allocate", re.I)


@dataclass(frozen=True)
class _Refusal:
    error: ClaimFileCode
    message: str


_DOCUMENT = TypeAdapter(ReadDocument)
_ANSWER: TypeAdapter[ReadDocument | _Refusal] = TypeAdapter(ReadDocument | _Refusal)


def read_isolated(
    name: str,
    data: bytes,
    *,
    max_bytes: int = 10 * 1024 * 1024,
    max_pages: int = 20,
    memory_mb: int = 900,
    seconds: float = 30.0,
    ocr: bool = True,
) -> ReadDocument:
    """``read_claim_file`` in a child process: the same document, or the same ``ClaimFileError``;
    also ``over_memory`` past ``memory_mb`` and ``too_slow`` past ``seconds`` (start included)."""
    if len(data) > max_bytes:  # refused before a child is started, in read_claim_file's words
        raise ClaimFileError("too_large", f"{len(data):,} bytes is over the limit of {max_bytes:,} bytes")
    header = {"name": name, "max_bytes": max_bytes, "max_pages": max_pages, "memory_mb": memory_mb, "ocr": ocr,
              "scans": False}  # fmt: skip
    document = _read_in_child(header, data, seconds)
    if ocr and "scanned_pdf" in document.problems:
        # A PDF of scans: again, with the OCR engine loaded before the ceiling, as for a photo. Only
        # scans pay for the engine's load; a PDF with text never does.
        document = _read_in_child({**header, "scans": True}, data, seconds)
    # The language here, where lingua is loaded once per process: in the child it cost ~0.6 s a file.
    return replace(document, language=detect_language(document.text))


def _read_in_child(header: dict[str, Any], data: bytes, seconds: float) -> ReadDocument:
    with _SLOTS:
        answer, status = _run(json.dumps(header).encode() + b"\n" + data, seconds)
    if status is None:
        raise ClaimFileError("too_slow", f"reading it takes longer than {seconds:g} s")
    if not answer and status < 0:  # killed by a signal: the kernel, or a C library failing an allocation
        raise ClaimFileError("over_memory", _over_memory(int(header["memory_mb"])))
    if not answer:
        raise ClaimFileError("corrupt", f"the reader stopped without an answer (exit status {status})")
    return _answer_document(answer)


def _run(payload: bytes, seconds: float) -> tuple[bytes, int | None]:
    """The child's answer (bounded) and exit status; ``None`` when it was stopped by the clock."""
    # Two malloc arenas, not one per thread (64 MB of address space each): the ceiling then bounds
    # memory in use, not reservations ONNX Runtime's threads never touch.
    environment = {**os.environ, "MALLOC_ARENA_MAX": "2"}
    pipe = subprocess.PIPE
    with subprocess.Popen(_COMMAND, stdin=pipe, stdout=pipe, stderr=subprocess.DEVNULL, env=environment) as child:
        assert child.stdin is not None and child.stdout is not None
        answer = bytearray()
        threads = [
            threading.Thread(target=_feed, args=(child.stdin, payload), daemon=True),
            threading.Thread(target=_collect, args=(child, child.stdout, answer), daemon=True),
        ]
        for thread in threads:
            thread.start()
        try:
            status: int | None = child.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
            status = None
        for thread in threads:  # the child is gone: its pipes are closed or at their end
            thread.join()
    return bytes(answer), status


def _feed(stdin: IO[bytes], payload: bytes) -> None:
    try:
        stdin.write(payload)
        stdin.close()
    except (BrokenPipeError, ValueError):  # the child ended first (refused early, killed)
        pass


def _collect(child: subprocess.Popen[bytes], stdout: IO[bytes], answer: bytearray) -> None:
    answer += stdout.read(MAX_ANSWER_BYTES + 1)
    if len(answer) > MAX_ANSWER_BYTES:
        child.kill()  # not the one line it owes: stop it rather than wait for the clock


def _answer_document(answer: bytes) -> ReadDocument:
    """The child's one line: a document, or the refusal it stands for; anything else is refused."""
    line = answer.rstrip(b"\n")
    if len(answer) > MAX_ANSWER_BYTES or b"\n" in line:
        raise ClaimFileError("corrupt", f"the reader's answer is not one line of at most {MAX_ANSWER_BYTES:,} bytes")
    try:
        read = _answer_from_json(line)
    except ValidationError as exc:  # not JSON, or neither a document nor a refusal with a known code
        raise ClaimFileError("corrupt", f"the reader's answer is not understood ({exc.error_count()} errors)") from None
    if isinstance(read, _Refusal):
        raise ClaimFileError(read.error, read.message[:1000])
    return read


def _document_json(document: ReadDocument) -> bytes:
    """A ``ReadDocument`` as one line of JSON: dates in ISO 8601, amounts as decimal strings."""
    return _DOCUMENT.dump_json(document)


def _answer_from_json(line: bytes) -> ReadDocument | _Refusal:
    """The inverse of ``_document_json`` (or a refusal), checking every field: kinds, dates, finite
    amounts, refusal codes. Raises ``ValidationError``, for a line that is no JSON too."""
    return _ANSWER.validate_json(line, strict=True)


def _over_memory(memory_mb: int) -> str:
    return f"reading it needs more than {memory_mb:,} MB of memory"


# --- The child -----------------------------------------------------------------------------------


def _child(header: dict[str, Any], data: bytes) -> bytes:
    """In the child: get ready, cap the address space, read the file, say how it went."""
    # Models loaded the same for every file are not the file's cost: lingua's (any text), the OCR's (a
    # photo, or a PDF the parent knows is scanned). A PDF is read without OCR first: most have text.
    ocr = bool(header["ocr"]) and (data.startswith(_PHOTO_MAGIC) or bool(header.get("scans")))
    if ocr:
        _ocr_engine()
    _cap_address_space(int(header["memory_mb"]))
    try:
        document = read_claim_file(
            str(header["name"]), data, max_bytes=int(header["max_bytes"]), max_pages=int(header["max_pages"]),
            ocr=ocr_image if ocr else without_ocr, detect=no_language,
        )  # fmt: skip
    except ClaimFileError as exc:
        return _refusal(exc.code, exc.message)
    except MemoryError:
        return _refusal("over_memory", _over_memory(int(header["memory_mb"])))
    except Exception as exc:  # a native library's failure, in its words: ONNX Runtime's "std::bad_alloc"
        if _OUT_OF_MEMORY.search(str(exc)):
            return _refusal("over_memory", _over_memory(int(header["memory_mb"])))
        return _refusal("corrupt", f"the file cannot be read ({type(exc).__name__})")
    return _document_json(document)


def _refusal(code: ClaimFileCode, message: str) -> bytes:
    return json.dumps({"error": code, "message": message}).encode()


def _cap_address_space(memory_mb: int) -> None:
    """``RLIMIT_AS`` at this process's virtual size plus ``memory_mb``; only the clock bounds the
    child where ``/proc`` is missing."""
    try:
        with open("/proc/self/statm") as statm:
            current = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return
    ceiling = current + memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))


def _main() -> None:
    answer = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # whatever a library prints goes to stderr: stdout carries the one answer line
    header = json.loads(sys.stdin.buffer.readline())
    data = sys.stdin.buffer.read(int(header["max_bytes"]) + 1)
    with answer:
        answer.write(_child(header, data) + b"\n")


if __name__ == "__main__":
    _main()
