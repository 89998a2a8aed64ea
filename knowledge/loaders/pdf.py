"""PDF: the text layer page by page, so a citation can give the page number."""

from __future__ import annotations

import io
import re
import zlib
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import PdfReadError, PyPdfError

from knowledge.documents import Document, Section
from knowledge.errors import CorruptFileError, EmptyDocumentError
from knowledge.loaders._common import (
    build_document,
    collapse_blank_lines,
    hints_from_mapping,
    parse_keywords,
    read_checked,
)

# Regulations and calls are organised in articles; a line that opens one starts a section.
_ARTICLE_HEADING = re.compile(
    r"^(art(icolo|icle|\.)?|sezione|section|capitolo|chapter|allegato|annex)\s*\d+\b.{0,100}$",
    re.IGNORECASE,
)


def load_pdf(path: Path, max_bytes: int) -> Document:
    """One or more sections per page; article headings start a new section path."""
    data = read_checked(path, max_bytes)
    if not data.startswith(b"%PDF"):
        raise CorruptFileError(str(path), "not a PDF file (no %PDF header)")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise CorruptFileError(str(path), "the PDF is encrypted; save an unprotected copy")
        info = reader.metadata
        title = str(info.title).strip() if info and info.title else None
        keywords = str(info.get("/Keywords", "")) if info else ""
        pages = [page.extract_text() or "" for page in reader.pages]
    except CorruptFileError:
        raise
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, NotImplementedError, zlib.error) as exc:
        raise CorruptFileError(str(path), f"the PDF cannot be read ({type(exc).__name__}: {exc})") from exc
    if not any(page.strip() for page in pages):
        raise EmptyDocumentError(str(path), "the PDF has no text layer (scanned? run OCR first)")
    hints = hints_from_mapping({**parse_keywords(keywords), "title": title})
    return build_document(path, _page_sections(pages), hints, None)


def _page_sections(pages: list[str]) -> list[Section]:
    sections: list[Section] = []
    heading: tuple[str, ...] = ()
    for number, page_text in enumerate(pages, start=1):
        lines: list[str] = []
        for line in page_text.splitlines():
            stripped = line.strip()
            if _ARTICLE_HEADING.match(stripped):
                _append(sections, lines, heading, number)
                heading = (stripped,)
            else:
                lines.append(line)
        _append(sections, lines, heading, number)
    return sections


def _append(sections: list[Section], lines: list[str], heading: tuple[str, ...], page: int) -> None:
    text = collapse_blank_lines("\n".join(lines))
    lines.clear()
    if text:
        sections.append(Section(text=text, heading_path=heading, page=page))
