"""Fixtures that build real PDF and DOCX files in ``tmp_path`` for the loader and chunking tests."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import docx
import pytest
from fpdf import FPDF

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "knowledge" / "sample"

# (kind, text): "h1"/"h2"/"h3" headings, "title", "p" paragraph, "li" bullet, or
# "table" with the text as rows separated by "\n" and cells by "|".
DocxBlock = tuple[str, str]
MakePdf = Callable[..., Path]
MakeDocx = Callable[..., Path]


@pytest.fixture
def sample_dir() -> Path:
    """The sample knowledge base shipped with the package."""
    return SAMPLE_DIR


@pytest.fixture
def make_pdf(tmp_path: Path) -> MakePdf:
    """Write a PDF with one text line per entry, a page per inner list (core fonts: Latin-1 text only)."""

    def build(
        name: str,
        pages: Sequence[Sequence[str]],
        *,
        title: str | None = None,
        keywords: str | None = None,
        password: str | None = None,
    ) -> Path:
        pdf = FPDF()
        if title:
            pdf.set_title(title)
        if keywords:
            pdf.set_keywords(keywords)
        pdf.set_font("Helvetica", size=11)
        for lines in pages:
            pdf.add_page()
            for line in lines:
                pdf.cell(text=line, new_x="LMARGIN", new_y="NEXT")
            if not lines:
                pdf.rect(20, 20, 80, 40)  # a drawing, but no text layer
        if password:
            pdf.set_encryption(owner_password=password, user_password=password)
        path = tmp_path / name
        pdf.output(str(path))
        return path

    return build


@pytest.fixture
def make_docx(tmp_path: Path) -> MakeDocx:
    """Write a DOCX from ``(kind, text)`` blocks using Word's built-in styles."""

    def build(
        name: str,
        blocks: Sequence[DocxBlock],
        *,
        title: str | None = None,
        keywords: str | None = None,
    ) -> Path:
        word = docx.Document()
        for kind, text in blocks:
            if kind == "title":
                word.add_heading(text, level=0)
            elif kind in ("h1", "h2", "h3"):
                word.add_heading(text, level=int(kind[1]))
            elif kind == "li":
                word.add_paragraph(text, style="List Bullet")
            elif kind == "table":
                rows = [row.split("|") for row in text.split("\n")]
                table = word.add_table(rows=len(rows), cols=len(rows[0]))
                for r, cells in enumerate(rows):
                    for c, cell in enumerate(cells):
                        table.cell(r, c).text = cell
            else:
                word.add_paragraph(text)
        if title:
            word.core_properties.title = title
        if keywords:
            word.core_properties.keywords = keywords
        path = tmp_path / name
        word.save(str(path))
        return path

    return build
