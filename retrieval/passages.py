"""Passages: what a search returns, and how a chunk is stored as index metadata."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import asdict, dataclass, replace
from typing import Any

from knowledge.chunking import Chunk, search_text
from retrieval.text_analysis import words


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with each retriever's score and rank, and the fused score."""

    chunk_id: str
    doc_id: str
    source: str
    title: str
    section: tuple[str, ...]
    page: int | None
    kind: str
    language: str | None
    programme: str | None
    countries: tuple[str, ...]
    url: str | None
    opens: dt.date | None
    deadline: dt.datetime | None
    text: str
    dense_score: float | None = None
    dense_rank: int | None = None
    keyword_score: float | None = None
    keyword_rank: int | None = None
    fused_score: float = 0.0

    @property
    def search_text(self) -> str:
        """The text that was embedded and keyword-indexed."""
        return search_text(self.title, self.section, self.text)

    def citation(self) -> str:
        """``Title — Section > Sub, p. 3`` for showing where a passage comes from."""
        parts = [self.title]
        section = " > ".join(s for s in self.section if s != self.title)
        if section:
            parts.append(section)
        label = " — ".join(parts)
        return f"{label}, p. {self.page}" if self.page else label

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields (dates as ISO strings) plus the citation; ``text`` included."""
        data = asdict(self)
        data["section"] = list(self.section)
        data["countries"] = list(self.countries)
        data["opens"] = self.opens.isoformat() if self.opens else None
        data["deadline"] = self.deadline.isoformat() if self.deadline else None
        data["citation"] = self.citation()
        return data

    def with_scores(self, **scores: Any) -> Passage:
        """A copy with scores set."""
        return replace(self, **scores)


def chunk_metadata(chunk: Chunk) -> dict[str, Any]:
    """Flat, None-free metadata as Chroma stores it (also kept beside the BM25 index)."""
    metadata: dict[str, Any] = {
        "doc_id": chunk.doc_id,
        "origin": chunk.origin,
        "source": chunk.source,
        "title": chunk.title,
        "section": json.dumps(list(chunk.section), ensure_ascii=False),
        "kind": chunk.kind,
        "content_hash": chunk.content_hash,
        "opens_ts": opens_timestamp(chunk.opens, chunk.deadline) if chunk.opens else 0,
        "deadline_ts": int(chunk.deadline.timestamp()) if chunk.deadline else 0,
    }
    optional = {
        "page": chunk.page,
        "language": chunk.language,
        "programme": chunk.programme,
        "url": chunk.url,
        "opens": chunk.opens.isoformat() if chunk.opens else None,
        "deadline": chunk.deadline.isoformat() if chunk.deadline else None,
        "countries": list(chunk.countries) or None,
    }
    metadata.update({key: value for key, value in optional.items() if value is not None})
    return metadata


def opens_timestamp(opens: dt.date, deadline: dt.datetime | None) -> int:
    """Midnight of the opening day in the deadline's time zone (a call opening "on 22
    November" in Rome is open from 23:00 UTC the day before)."""
    zone = deadline.tzinfo if deadline is not None and deadline.tzinfo is not None else dt.UTC
    return int(dt.datetime.combine(opens, dt.time(0), tzinfo=zone).timestamp())


def passage_from(chunk_id: str, text: str, metadata: dict[str, Any]) -> Passage:
    """Rebuild a passage from stored text and metadata."""
    opens = metadata.get("opens")
    deadline = metadata.get("deadline")
    return Passage(
        chunk_id=chunk_id,
        doc_id=str(metadata.get("doc_id", "")),
        source=str(metadata.get("source", "")),
        title=str(metadata.get("title", "")),
        section=tuple(json.loads(metadata.get("section") or "[]")),
        page=int(metadata["page"]) if "page" in metadata else None,
        kind=str(metadata.get("kind", "other")),
        language=metadata.get("language"),
        programme=metadata.get("programme"),
        countries=tuple(metadata.get("countries") or ()),
        url=metadata.get("url"),
        opens=dt.date.fromisoformat(opens) if opens else None,
        deadline=dt.datetime.fromisoformat(deadline) if deadline else None,
        text=text,
    )


def snippet(text: str, query: str, width: int = 300) -> str:
    """About ``width`` characters of ``text`` starting at the line that best matches ``query``.

    Each query word found in a line counts once, weighted by how rare it is in the
    passage: "iscrizioni" (twice) outweighs "missione" (everywhere), so the snippet
    starts at the registration dates rather than at the title lines.
    """
    flat = " ".join(text.split())
    if len(flat) <= width:
        return flat
    wanted = {w[:5] for w in words(query)}
    counts: dict[str, int] = {}
    for w in words(flat):
        if w[:5] in wanted:
            counts[w[:5]] = counts.get(w[:5], 0) + 1
    best_line, best_score = "", 0.0
    for line in re.split(r"\n|(?<=[.!?;])\s+", text):
        present = {w[:5] for w in words(line)} & counts.keys()
        score = sum(1 / counts[p] for p in present)
        if score > best_score + 1e-9:
            best_line, best_score = " ".join(line.split()), score
    start = flat.find(best_line) if best_line else 0
    start = max(0, min(start, len(flat) - width))
    piece = flat[start : start + width]
    return ("…" if start > 0 else "") + piece + ("…" if start + width < len(flat) else "")
