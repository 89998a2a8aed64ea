"""What a loader produces: a document made of sections that a citation can point to."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["call", "mission", "reimbursement", "faq", "glossary", "other"]
KINDS: tuple[Kind, ...] = ("call", "mission", "reimbursement", "faq", "glossary", "other")


@dataclass(frozen=True)
class Section:
    """A run of text under one heading path, on one page when the format has pages."""

    text: str
    heading_path: tuple[str, ...] = ()
    page: int | None = None
    language: str | None = None
    """Set when a section is known to differ from its document's language."""


@dataclass(frozen=True)
class Document:
    """One source document (a file, or one catalog entry) ready for chunking.

    ``doc_id`` is stable across runs so re-ingesting replaces rather than duplicates;
    ``origin`` is the file it came from (several catalog entries share one file).
    """

    doc_id: str
    origin: str
    source: str
    title: str
    sections: tuple[Section, ...]
    kind: Kind = "other"
    language: str | None = None
    programme: str | None = None
    countries: tuple[str, ...] = ()
    url: str | None = None
    opens: dt.date | None = None
    deadline: dt.datetime | None = None
    extra: dict[str, str] = field(default_factory=dict)
    record_json: str | None = None
    """For a catalog entry: the validated record as JSON, kept so the assistant can reason on it."""

    def text(self) -> str:
        """All section text, for hashing and language detection."""
        return "\n\n".join(section.text for section in self.sections)


def document_id(source: str) -> str:
    """Stable id for a source, so re-ingesting the same file replaces its chunks."""
    return hashlib.sha1(source.encode("utf-8")).hexdigest()[:20]
