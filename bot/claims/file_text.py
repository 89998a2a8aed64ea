"""Getting text out of a claim's files: PDF, DOCX, JPEG/PNG photos; anything else is refused.

An SME's upload is untrusted: the type is decided by the content's first bytes, never by the
name (a "fattura.pdf" that is a zip is refused), and every format is read under a budget
before its expensive step — the same zip-bomb and DTD checks as the knowledge loaders
(``knowledge.loaders.budget``), a bounded walk of a PDF's page tree, a pixel ceiling before a
photo is decoded. Nothing in a file is followed or executed: what it says is only text.

What cannot be read but is a legitimate claim document (an encrypted PDF, a scan without a
text layer, a photo when no OCR engine is installed) is *not* an error: it comes back as
``Extracted(readable="unreadable", problems=(...))`` so the staff still see the file. What is
not a claim document at all raises ``ClaimFileError``. Encrypted PDFs are returned, not raised,
because many are real bank statements protected by the bank: the staff can open them.
"""

from __future__ import annotations

import io
import re
import tempfile
import threading
import warnings
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table
from lxml import etree
from pypdf import PageObject, PdfReader
from pypdf.errors import DependencyError, PdfReadError, PyPdfError

from bot.claims.documents import Readable
from knowledge.errors import KnowledgeError
from knowledge.loaders.budget import Deadline, ParseBudget, check_archive
from knowledge.loaders.pdf import count_pages

if TYPE_CHECKING:
    from PIL import Image as PILImage

MAX_TEXT_CHARS = 20_000
"""Text kept per file: a receipt is a page; twenty pages of a statement are plenty to read."""
MAX_IMAGE_PIXELS = 50_000_000
"""A 48-megapixel phone photo passes; a 50,000 × 50,000 "pixel bomb" is refused before decoding."""
OCR_MAX_SIDE = 2000
"""Photos are shrunk to this before OCR (the detector works at ~1,000 px anyway): time and memory."""
MAX_SCANNED_PAGES = 4
"""Pages of a scanned PDF read by OCR: a receipt is a page or two, and each page costs ~0.5 s."""
PARSE_SECONDS = 30.0

ClaimFileCode = Literal["too_large", "empty", "unsupported_type", "corrupt", "over_memory", "too_slow"]
ImageTextReader = Callable[[bytes], "str | None"]
"""Reads a JPEG/PNG's text; ``None`` when no OCR engine is available. May raise ``ClaimFileError``."""

_DOCX_PARTS = ("[Content_Types].xml", "word/document.xml")


class ClaimFileError(Exception):
    """A file that is not a readable claim document; ``code`` is one of ``ClaimFileCode``:
    ``too_large`` (bytes, pages, pixels or unpacked size over a limit), ``empty``,
    ``unsupported_type`` (not a PDF, DOCX, JPEG or PNG by its content) or ``corrupt``; read in a
    child process (``bot.claims.isolated``), also ``over_memory`` or ``too_slow`` (over its ceiling
    or its clock)."""

    def __init__(self, code: ClaimFileCode, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code: ClaimFileCode = code
        self.message = message


@dataclass(frozen=True)
class Extracted:
    """A file's text and how it was obtained, before anything is recognised in it."""

    file_type: Literal["pdf", "docx", "jpeg", "png"]
    text: str
    readable: Readable
    problems: tuple[str, ...] = ()


def extract_text(data: bytes, *, max_bytes: int, max_pages: int, ocr: ImageTextReader) -> Extracted:
    """The text of one uploaded file, by the type its bytes show; raises ``ClaimFileError``."""
    if len(data) > max_bytes:
        raise ClaimFileError("too_large", f"{len(data):,} bytes is over the limit of {max_bytes:,} bytes")
    if not data.strip():
        raise ClaimFileError("empty", "the file is empty")
    file_type = sniff(data)
    if file_type == "pdf":
        return _pdf(data, max_pages, ocr)
    if file_type == "docx":
        return _docx(data)
    text = ocr(data)
    if text is None:
        return Extracted(file_type, "", "unreadable", ("image_without_ocr",))
    if not text.strip():
        return Extracted(file_type, "", "unreadable", ("no_text_found",))
    return Extracted(file_type, _bounded(text), "ocr")


def sniff(data: bytes) -> Literal["pdf", "docx", "jpeg", "png"]:
    """The type from the content's magic bytes; refuses every other type with a hint at why."""
    if b"%PDF-" in data[:1024]:  # the header may follow a little junk, as readers allow
        return "pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as exc:
            raise ClaimFileError("corrupt", f"a damaged zip archive ({type(exc).__name__})") from exc
        if all(part in names for part in _DOCX_PARTS):
            return "docx"
        raise ClaimFileError("unsupported_type", "a zip archive, not a Word document: send each receipt as a file")
    raise ClaimFileError("unsupported_type", _unsupported_reason(data))


def _unsupported_reason(data: bytes) -> str:
    head = data[:512].lstrip().lower()
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "an old Word/Excel file (.doc/.xls): save it as PDF"
    if data[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1"):
        return "a HEIC photo: send it as JPEG (most phones can)"
    if data.startswith(b"MZ") or data.startswith(b"\x7fELF"):
        return "a program, not a document"
    if head.startswith((b"<!doctype html", b"<html")):
        return "a web page: print it to PDF"
    return "not a PDF, DOCX, JPEG or PNG file"


def _bounded(text: str) -> str:
    return text[:MAX_TEXT_CHARS]


# --- PDF -----------------------------------------------------------------------------------------


def _pdf(data: bytes, max_pages: int, ocr: ImageTextReader) -> Extracted:
    budget = ParseBudget(max_pdf_pages=max_pages, max_seconds=PARSE_SECONDS)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not _opens_without_password(reader):
            return Extracted("pdf", "", "unreadable", ("encrypted",))
        pages = count_pages(reader, max_pages)
        if pages > max_pages:
            raise ClaimFileError("too_large", f"the PDF has over {max_pages} pages; send the receipts one by one")
        if pages == 0:
            raise ClaimFileError("corrupt", "the PDF has no pages")
        deadline = Deadline("pdf", budget)
        texts: list[str] = []
        chars = 0
        for page in reader.pages:
            deadline.check()
            text = page.extract_text() or ""
            texts.append(text)
            chars += len(text)
            if chars >= MAX_TEXT_CHARS:
                break
        text = "\n".join(texts).strip()
        if text:
            return Extracted("pdf", _bounded(text), "text")
        scanned = _scan_text(reader, ocr, deadline)
    except KnowledgeError as exc:  # the deadline
        raise ClaimFileError("too_large", exc.reason) from exc
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, AttributeError, NotImplementedError,
            RecursionError, zlib.error, OSError) as exc:  # fmt: skip
        raise ClaimFileError("corrupt", f"the PDF cannot be read ({type(exc).__name__})") from exc
    if not scanned:  # no OCR engine, or nothing found on the scans
        return Extracted("pdf", "", "unreadable", ("scanned_pdf",))
    return Extracted("pdf", _bounded(scanned), "ocr")


def _scan_text(reader: PdfReader, ocr: ImageTextReader, deadline: Deadline) -> str | None:
    """A scanned PDF's text by OCR: each page's largest image (a scanner puts the page in one), up to
    ``MAX_SCANNED_PAGES`` pages; ``None`` without an OCR engine."""
    texts = []
    for page in reader.pages[:MAX_SCANNED_PAGES]:
        deadline.check()
        scan = _page_scan(page)
        if scan is None:
            continue
        text = ocr(scan)
        if text is None:
            return None
        texts.append(text)
    return "\n".join(texts).strip()


def _page_scan(page: PageObject) -> bytes | None:
    """The page's largest image as JPEG bytes, its size checked from its dictionary before anything
    decodes it (an image of a billion pixels takes a few bytes of deflate)."""
    resources = page.get("/Resources")
    xobjects = resources.get_object().get("/XObject") if resources is not None else None
    sizes = []
    for name, reference in xobjects.get_object().items() if xobjects is not None else ():
        image = reference.get_object()
        if image.get("/Subtype") != "/Image":
            continue
        pixels = int(image.get("/Width", 0)) * int(image.get("/Height", 0))
        if pixels > MAX_IMAGE_PIXELS:
            raise ClaimFileError("too_large", f"a scanned page has {pixels:,} pixels")
        sizes.append((pixels, str(name)))
    if not sizes:
        return None
    decoded = page.images[max(sizes)[1]].image
    if decoded is None:
        return None
    with io.BytesIO() as out:
        decoded.convert("RGB").save(out, format="JPEG", quality=92)
        return out.getvalue()


def _opens_without_password(reader: PdfReader) -> bool:
    """Whether a PDF encrypted with an empty user password (owner restrictions only) opens."""
    try:
        return bool(reader.decrypt(""))
    except (DependencyError, PdfReadError, NotImplementedError, ValueError):
        return False  # AES without a crypto library, or a broken encryption dictionary


def _docx(data: bytes) -> Extracted:
    with tempfile.TemporaryDirectory(prefix="sportello-claim-") as folder:
        # check_archive reads a path: the bytes are written only to be checked, from the zip's directory.
        path = Path(folder) / "upload.docx"
        path.write_bytes(data)
        try:
            check_archive(path, ParseBudget())
        except KnowledgeError as exc:  # a bomb or a DTD (over a limit), or a broken zip
            raise ClaimFileError("too_large" if exc.code == "over_limit" else "corrupt", exc.reason) from exc
    try:
        word = docx.Document(io.BytesIO(data))
        lines = [*_docx_header_lines(word), *_docx_body_lines(word)]
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, etree.LxmlError) as exc:
        raise ClaimFileError("corrupt", f"not a valid Word document ({type(exc).__name__})") from exc
    text = "\n".join(line for line in lines if line.strip()).strip()
    if not text:
        raise ClaimFileError("empty", "the Word document holds no text")
    return Extracted("docx", _bounded(text), "text")


def _docx_header_lines(word: Any) -> list[str]:
    """The letterhead: a company's name and IBAN often sit in the page header, not the body."""
    lines: list[str] = []
    for section in word.sections:
        lines += [paragraph.text.strip() for paragraph in section.header.paragraphs]
    return lines


def _docx_body_lines(word: Any) -> list[str]:
    lines: list[str] = []
    chars = 0
    for block in word.iter_inner_content():
        if isinstance(block, Table):
            rows = ["  ".join(cell.text.strip() for cell in row.cells) for row in block.rows]
        else:
            rows = [block.text.strip()]
        lines += rows
        chars += sum(len(row) for row in rows)
        if chars >= MAX_TEXT_CHARS:
            break
    return lines


# --- Images --------------------------------------------------------------------------------------


def without_ocr(data: bytes) -> str | None:
    """An ``ImageTextReader`` that reads nothing: photos go to the staff as they are."""
    return None


_OCR_LOCK = threading.Lock()


def ocr_image(data: bytes) -> str | None:
    """The text of a JPEG/PNG by RapidOCR (ONNX models shipped in its wheel), lines top to bottom;
    ``None`` when the engine is not installed. One OCR at a time: it uses both cores and ~150 MB."""
    with _OCR_LOCK:
        engine = _ocr_engine()
    if engine is None:
        return None
    image = _decoded_image(data)
    with _OCR_LOCK:
        found, _ = engine(image)
    return _ocr_lines(found or [])


@cache
def _ocr_engine() -> Any:
    try:
        from rapidocr_onnxruntime import RapidOCR  # type: ignore[import-untyped]
    except (ImportError, OSError):  # not installed, or OpenCV without its system libraries
        return None
    return RapidOCR()


def _decoded_image(data: bytes) -> PILImage.Image:
    """The photo as upright RGB, at most ``OCR_MAX_SIDE`` px, after checking its size from the header."""
    from PIL import Image, ImageOps, UnidentifiedImageError  # installed with the OCR engine

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            opened = Image.open(io.BytesIO(data))
            if opened.width * opened.height > MAX_IMAGE_PIXELS:
                raise ClaimFileError("too_large", f"the image has {opened.width} × {opened.height} pixels")
            opened.draft("RGB", (OCR_MAX_SIDE, OCR_MAX_SIDE))  # JPEG: decode at a reduced scale
            image = ImageOps.exif_transpose(opened).convert("RGB")
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise ClaimFileError("too_large", "the image has too many pixels") from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise ClaimFileError("corrupt", f"the image cannot be decoded ({type(exc).__name__})") from exc
    image.thumbnail((OCR_MAX_SIDE, OCR_MAX_SIDE))
    return image


def _ocr_lines(found: list[Any]) -> str:
    """Boxes grouped into lines by their vertical centre (a label and its value are two boxes on one
    line; a photo a few degrees off still keeps them together), each line read left to right."""
    boxes = []
    for box, text, _score in found:
        ys = [point[1] for point in box]
        xs = [point[0] for point in box]
        boxes.append(((min(ys) + max(ys)) / 2, max(ys) - min(ys), min(xs), str(text)))
    boxes.sort()
    lines: list[list[tuple[float, float, float, str]]] = []
    for box in boxes:
        if lines and abs(box[0] - lines[-1][-1][0]) < max(box[1], lines[-1][-1][1]) * 0.5:
            lines[-1].append(box)
        else:
            lines.append([box])
    return "\n".join(_unglued("  ".join(item[3] for item in sorted(line, key=lambda item: item[2]))) for line in lines)


def _unglued(line: str) -> str:
    """Spaces OCR dropped between a word and a number ("Date18JUN2027", "TOTALJPY7,820"): the
    recogniser reads words and numbers apart. Letters and digits glued in a code ("AU432") only
    gain a space, which no reading depends on."""
    line = _LETTER_DIGIT.sub(" ", line)
    return _GLUED_CURRENCY.sub(r" \1", line)


_LETTER_DIGIT = re.compile(r"(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z]{2})")
_GLUED_CURRENCY = re.compile(r"(?<=[A-Za-z])(JPY|EUR|USD|IDR|CHF|GBP|CAD)(?= ?\d)")
