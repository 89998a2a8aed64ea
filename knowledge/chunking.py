"""Token-aware, heading-aware chunking: chunks never cross a section, and carry its path."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from langchain_text_splitters import RecursiveCharacterTextSplitter

from knowledge.documents import Document, Kind
from knowledge.language import detect_language
from knowledge.tokens import count_tokens, encoding


@dataclass(frozen=True)
class ChunkingConfig:
    """Sizes in cl100k_base tokens; the embedding model reads at most ~512 of its own."""

    max_tokens: int = 320
    overlap_tokens: int = 40


@dataclass(frozen=True)
class Chunk:
    """A passage to index, with everything a citation and a filter need."""

    chunk_id: str
    doc_id: str
    origin: str
    source: str
    title: str
    section: tuple[str, ...]
    page: int | None
    kind: Kind
    language: str | None
    programme: str | None
    countries: tuple[str, ...]
    url: str | None
    opens: dt.date | None
    deadline: dt.datetime | None
    text: str
    content_hash: str

    @property
    def search_text(self) -> str:
        """What is embedded and keyword-indexed: title and section give a passage its context."""
        return search_text(self.title, self.section, self.text)


def search_text(title: str, section: tuple[str, ...], text: str) -> str:
    """Title, section path and body as one string (shared with index rebuilds)."""
    heading = " > ".join(part for part in section if not repeats_title(part, title))
    return "\n".join(part for part in (title, heading, text) if part)


def repeats_title(heading: str, title: str) -> bool:
    """Whether a heading is the document's title again: equal to it, or the page heading a web
    page's title extends with its publisher ("Bando fiere 2027 — Camera di commercio")."""
    return heading == title or title.startswith(f"{heading} — ")


def chunk_id_of(doc_id: str, index: int) -> str:
    """A chunk's id: its document's and its place in it, so the chunks around one can be named."""
    return f"{doc_id}-{index:04d}"


def _place(chunk_id: str) -> tuple[str, int] | None:
    """A chunk id's document and index (``None`` for an id not made by ``chunk_id_of``)."""
    doc_id, _, index = chunk_id.rpartition("-")
    return (doc_id, int(index)) if doc_id and index.isdigit() else None


def neighbour_ids(chunk_id: str, span: int) -> list[str]:
    """Ids of the chunks up to ``span`` places before and after this one in its document
    (nearest first; some may not exist)."""
    if (place := _place(chunk_id)) is None:
        return []
    doc_id, here = place
    places = sorted(
        (j for j in range(here - span, here + span + 1) if j >= 0 and j != here), key=lambda j: abs(j - here)
    )
    return [chunk_id_of(doc_id, j) for j in places]


def next_chunk_id(chunk_id: str) -> str | None:
    """The id of the chunk after this one in its document (it may not exist)."""
    place = _place(chunk_id)
    return chunk_id_of(place[0], place[1] + 1) if place else None


def chunk_document(document: Document, config: ChunkingConfig) -> list[Chunk]:
    """Split each section to at most ``config.max_tokens`` tokens, keeping its heading path."""
    splitter = _splitter(config)
    doc_language = document.language or detect_language(document.text())
    chunks: list[Chunk] = []
    for section in document.sections:
        pieces = (
            [section.text] if count_tokens(section.text) <= config.max_tokens else splitter.split_text(section.text)
        )
        for piece in pieces:
            body = piece.strip()
            if not body:
                continue
            index = len(chunks)
            text = search_text(document.title, section.heading_path, body)
            chunks.append(
                Chunk(
                    chunk_id=chunk_id_of(document.doc_id, index),
                    doc_id=document.doc_id,
                    origin=document.origin,
                    source=document.source,
                    title=document.title,
                    section=section.heading_path,
                    page=section.page,
                    kind=document.kind,
                    language=section.language or document.language or detect_language(body, default=doc_language),
                    programme=document.programme,
                    countries=document.countries,
                    url=document.url,
                    opens=document.opens,
                    deadline=document.deadline,
                    text=body,
                    content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
                )
            )
    return chunks


def _splitter(config: ChunkingConfig) -> RecursiveCharacterTextSplitter:
    encoding()  # installs the offline BPE file before langchain asks tiktoken for it
    return RecursiveCharacterTextSplitter.from_tiktoken_encoder(
        encoding_name="cl100k_base",
        chunk_size=config.max_tokens,
        chunk_overlap=config.overlap_tokens,
        separators=["\n\n", "\n", ". ", "; ", ", ", " ", ""],
        # Text such as "<|endoftext|>" in a document is content, not a control token.
        disallowed_special=(),
    )
