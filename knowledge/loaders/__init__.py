"""One loader per file format; ``load_document`` picks it by extension."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from knowledge.documents import Document
from knowledge.errors import UnsupportedFormatError
from knowledge.loaders.budget import ParseBudget
from knowledge.loaders.docx import load_docx
from knowledge.loaders.html import load_html
from knowledge.loaders.markdown import load_markdown, load_text
from knowledge.loaders.pdf import load_pdf

Loader = Callable[[Path, int, ParseBudget], Document]

LOADERS: dict[str, Loader] = {
    ".md": load_markdown,
    ".markdown": load_markdown,
    ".txt": load_text,
    ".html": load_html,
    ".htm": load_html,
    ".pdf": load_pdf,
    ".docx": load_docx,
}
CATALOG_SUFFIXES = (".yaml", ".yml")
SUPPORTED_SUFFIXES = (*LOADERS, *CATALOG_SUFFIXES)


def load_document(path: Path, max_bytes: int, budget: ParseBudget | None = None) -> Document:
    """Load one non-catalog file within ``budget`` (the defaults if none); raises a ``KnowledgeError``
    subclass naming the file."""
    loader = LOADERS.get(path.suffix.lower())
    if loader is None:
        supported = ", ".join(SUPPORTED_SUFFIXES)
        raise UnsupportedFormatError(str(path), f"unsupported file type {path.suffix!r} (supported: {supported})")
    return loader(path, max_bytes, budget or ParseBudget())


__all__ = ["CATALOG_SUFFIXES", "LOADERS", "SUPPORTED_SUFFIXES", "ParseBudget", "load_document"]
