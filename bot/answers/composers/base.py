"""What every composer returns: the answer text and the numbered sources it rests on."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from knowledge.chunking import repeats_title
from retrieval.passages import Passage


@dataclass(frozen=True)
class Citation:
    """Source ``[n]`` of an answer: enough to show it and to link to it."""

    n: int
    title: str
    section: str
    page: int | None
    url: str | None
    source: str
    chunk_id: str
    language: str | None

    @classmethod
    def of(cls, n: int, passage: Passage) -> Citation:
        """Citation number ``n`` for ``passage``."""
        section = " > ".join(s for s in passage.section if not repeats_title(s, passage.title))
        return cls(
            n=n, title=passage.title, section=section, page=passage.page, url=passage.url,
            source=passage.source, chunk_id=passage.chunk_id, language=passage.language,
        )  # fmt: skip

    def label(self) -> str:
        """``Title — Section, p. 3``."""
        text = " — ".join(part for part in (self.title, self.section) if part)
        return f"{text}, p. {self.page}" if self.page else text

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Citation:
        """Back from ``to_dict`` (as stored with a message)."""
        return cls(
            n=int(data["n"]), title=str(data.get("title", "")), section=str(data.get("section") or ""),
            page=data.get("page"), url=data.get("url"), source=str(data.get("source", "")),
            chunk_id=str(data.get("chunk_id", "")), language=data.get("language"),
        )  # fmt: skip

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, as stored with the message and sent to channels."""
        return {
            "n": self.n, "title": self.title, "section": self.section, "page": self.page, "url": self.url,
            "source": self.source, "chunk_id": self.chunk_id, "language": self.language, "label": self.label(),
        }  # fmt: skip


@dataclass(frozen=True)
class Composition:
    """A composed answer: text with ``[n]`` markers where sources are cited, and those sources
    (the assistant lists them after the text, with ``sources_block``)."""

    text: str
    citations: list[Citation]
    composer: str
    """``extractive``, ``llm`` or ``catalog``: which path wrote the text."""
    missing: frozenset[str] = field(default_factory=frozenset)
    """Kinds of fact the question asked for (``date``, ``money``…) that no quoted sentence carries."""
    lead_likelihood: float | None = None
    """The learned ranker's probability that the opening line holds what was asked (``None``: no ranker)."""
    unsupported: bool = False
    """No line of the sources is likely to hold what was asked: a person should answer."""
