"""DOCX: paragraphs under their Word headings, tables as text rows, in document order."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table
from lxml import etree

from knowledge.documents import Document, Section
from knowledge.errors import CorruptFileError
from knowledge.loaders._common import (
    build_document,
    collapse_blank_lines,
    hints_from_mapping,
    parse_keywords,
    read_checked,
)


def load_docx(path: Path, max_bytes: int) -> Document:
    """Sections under "Heading N" paragraphs; the "Title" paragraph or core title is the title."""
    read_checked(path, max_bytes)
    try:
        word = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, etree.LxmlError) as exc:
        raise CorruptFileError(str(path), f"the DOCX cannot be read ({exc})") from exc
    props = word.core_properties
    hints = hints_from_mapping({**parse_keywords(props.keywords), "title": props.title or None})
    sections: list[Section] = []
    stack: list[tuple[int, str]] = []
    paragraphs: list[str] = []
    title_paragraph: str | None = None

    def flush() -> None:
        text = collapse_blank_lines("\n\n".join(paragraphs))
        if text:
            sections.append(Section(text=text, heading_path=tuple(t for _, t in stack)))
        paragraphs.clear()

    for block in word.iter_inner_content():
        if isinstance(block, Table):
            rows = [" | ".join(cell.text.strip() for cell in row.cells) for row in block.rows]
            paragraphs.append("\n".join(rows))
            continue
        paragraph = block
        text = paragraph.text.strip()
        style = paragraph.style.name if paragraph.style is not None else ""
        if not text:
            continue
        level = _heading_level(style or "")
        if style == "Title":
            title_paragraph = title_paragraph or text
        elif level:
            flush()
            stack = [(lvl, t) for lvl, t in stack if lvl < level] + [(level, text)]
        else:
            paragraphs.append(f"- {text}" if "List" in (style or "") else text)
    flush()
    return build_document(path, sections, hints, title_paragraph)


def _heading_level(style: str) -> int:
    name, _, number = style.partition(" ")
    if name == "Heading" and number.isdigit():
        return int(number)
    return 0
