"""PDF: the text layer page by page, so a citation can give the page number."""

from __future__ import annotations

import io
import re
import zlib
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import PdfReadError, PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject

from knowledge.documents import Document, Section
from knowledge.errors import CorruptFileError, EmptyDocumentError, KnowledgeError, OverBudgetError
from knowledge.loaders._common import (
    build_document,
    collapse_blank_lines,
    hints_from_mapping,
    parse_keywords,
    read_checked,
)
from knowledge.loaders.budget import Deadline, ParseBudget, check_text_size

# Regulations and calls are organised in articles; a line that opens one starts a section.
_ARTICLE_HEADING = re.compile(
    r"^(art(icolo|icle|\.)?|sezione|section|capitolo|chapter|allegato|annex)\s*\d+\b.{0,100}$",
    re.IGNORECASE,
)


def load_pdf(path: Path, max_bytes: int, budget: ParseBudget) -> Document:
    """One or more sections per page; article headings start a new section path."""
    data = read_checked(path, max_bytes)
    if not data.startswith(b"%PDF"):
        raise CorruptFileError(str(path), "not a PDF file (no %PDF header)")
    deadline = Deadline(str(path), budget)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise CorruptFileError(str(path), "the PDF is encrypted; save an unprotected copy")
        _check_page_count(reader, str(path), budget)
        info = reader.metadata
        title = str(info.title).strip() if info and info.title else None
        keywords = str(info.get("/Keywords", "")) if info else ""
        pages = _page_texts(reader, str(path), budget, deadline)
    except KnowledgeError:
        raise
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, NotImplementedError, zlib.error) as exc:
        raise CorruptFileError(str(path), f"the PDF cannot be read ({type(exc).__name__}: {exc})") from exc
    if not any(page.strip() for page in pages):
        raise EmptyDocumentError(str(path), "the PDF has no text layer (scanned? run OCR first)")
    hints = hints_from_mapping({**parse_keywords(keywords), "title": title})
    return build_document(path, _page_sections(pages), hints, None)


def _check_page_count(reader: PdfReader, source: str, budget: ParseBudget) -> None:
    if count_pages(reader, budget.max_pdf_pages) > budget.max_pdf_pages:
        raise _too_many_pages(source, budget)


def count_pages(reader: PdfReader, limit: int) -> int:
    """The pages, counted by walking the page tree and stopping one past ``limit``, before pypdf
    flattens it (flattening 100,000 pages takes seconds and hundreds of MB). The tree, not its
    ``/Count``: a file can declare one page and hold a hundred thousand."""
    pending = [reader.root_object.get("/Pages")]
    seen: set[int] = set()
    pages = 0
    while pending and pages <= limit:
        reference = pending.pop()
        node = reference.get_object() if reference is not None else None
        if not isinstance(node, DictionaryObject) or id(node) in seen:
            continue
        seen.add(id(node))
        kids = node.get("/Kids")
        if node.get("/Type") == "/Pages" and isinstance(kids, ArrayObject):
            pending.extend(kids)
        else:
            pages += 1
    return pages


def _page_texts(reader: PdfReader, source: str, budget: ParseBudget, deadline: Deadline) -> list[str]:
    texts: list[str] = []
    chars = 0
    for number, page in enumerate(reader.pages, start=1):
        if number > budget.max_pdf_pages:
            raise _too_many_pages(source, budget)
        deadline.check()
        text = page.extract_text() or ""
        chars += len(text)
        check_text_size(chars, source, budget)
        texts.append(text)
    return texts


def _too_many_pages(source: str, budget: ParseBudget) -> OverBudgetError:
    return OverBudgetError(
        source, f"the PDF has over {budget.max_pdf_pages:,} pages (setting ingest.max_pdf_pages); split it"
    )


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
