"""DOCX: paragraphs under their Word headings, tables as text rows, in document order."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table
from lxml import etree

from knowledge.documents import Document
from knowledge.errors import CorruptFileError
from knowledge.loaders._common import (
    SectionBuilder,
    build_document,
    hints_from_mapping,
    parse_keywords,
    read_checked,
)
from knowledge.loaders.budget import Deadline, ParseBudget, check_archive, check_text_size


def load_docx(path: Path, max_bytes: int, budget: ParseBudget) -> Document:
    """Sections under "Heading N" paragraphs; the "Title" paragraph or core title is the title."""
    read_checked(path, max_bytes)
    check_archive(path, budget)
    deadline = Deadline(str(path), budget)
    chars = 0
    try:
        word = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, etree.LxmlError) as exc:
        raise CorruptFileError(str(path), f"not a valid DOCX file ({type(exc).__name__})") from exc
    props = word.core_properties
    hints = hints_from_mapping({**parse_keywords(props.keywords), "title": props.title or None})
    builder = SectionBuilder()
    title_paragraph: str | None = None
    for block in word.iter_inner_content():
        deadline.check()
        if isinstance(block, Table):
            text = "\n".join(" | ".join(cell.text.strip() for cell in row.cells) for row in block.rows)
        else:
            text = block.text.strip()
        chars += len(text)
        check_text_size(chars, str(path), budget)
        if isinstance(block, Table):
            builder.add(text)
            continue
        style = block.style.name if block.style is not None else ""
        if not text:
            continue
        level = _heading_level(style or "")
        if style == "Title":
            title_paragraph = title_paragraph or text
        elif level:
            builder.heading(level, text)
        else:
            builder.add(f"- {text}" if "List" in (style or "") else text)
    return build_document(path, builder.close(), hints, title_paragraph)


def _heading_level(style: str) -> int:
    name, _, number = style.partition(" ")
    if name == "Heading" and number.isdigit():
        return int(number)
    return 0
