"""Curated answers: FAQ entries given as written when a question matches one closely.

Today the entries are the sections of FAQ documents (``kind: faq``) whose heading is a
question; staff-approved answers will join them (staff issue). A match needs the
message to be very close to the FAQ's question *and* clearly closer than to any other
FAQ question: two near-identical FAQ entries mean the message is not specific enough
to pick one as written, so the normal answer path takes over.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from bot.answers.composers.base import Citation
from retrieval.embeddings import Embedder
from retrieval.text_analysis import coverage, passage_terms


@dataclass(frozen=True)
class CuratedAnswer:  # not slotted: ``terms`` is cached on the instance
    """A question with the answer staff approved, and where it comes from."""

    question: str
    answer: str
    title: str
    source: str
    url: str | None
    language: str | None
    chunk_id: str

    @cached_property
    def terms(self) -> frozenset[str]:
        """The stems of the question and the answer, in the entry's language."""
        return frozenset(passage_terms(f"{self.question}\n{self.answer}", self.language))

    def citation(self, n: int = 1) -> Citation:
        """The FAQ entry as source ``[n]``."""
        return Citation(
            n=n, title=self.title, section=self.question, page=None, url=self.url, source=self.source,
            chunk_id=self.chunk_id, language=self.language,
        )  # fmt: skip


@dataclass(frozen=True)
class CuratedMatch:
    """The best entry for a message, its similarity and its lead over the runner-up."""

    answer: CuratedAnswer
    score: float
    margin: float
    coverage: float
    """Share of the message's words the entry's question or answer holds: e5 puts any two short
    questions on one topic close ("come si manda la domanda?" / "entro quando si manda?"),
    so the words must agree too."""


def faq_entries(chunks: Iterable[tuple[str, str, dict[str, object]]]) -> list[CuratedAnswer]:
    """FAQ entries from indexed chunks: each section of a ``faq`` document headed by a question.

    A long answer may span several chunks; they are joined in order.
    """
    grouped: dict[tuple[str, str], list[tuple[str, str, dict[str, object]]]] = {}
    for chunk_id, text, metadata in chunks:
        if metadata.get("kind") != "faq":
            continue
        section = json.loads(str(metadata.get("section") or "[]"))
        if not section or not str(section[-1]).rstrip().endswith("?"):
            continue
        grouped.setdefault((str(metadata.get("doc_id")), str(section[-1])), []).append((chunk_id, text, metadata))
    entries = []
    for (_, question), parts in sorted(grouped.items()):
        parts.sort(key=lambda part: part[0])
        first = parts[0][2]
        entries.append(
            CuratedAnswer(
                question=question.strip(),
                answer="\n".join(text.strip() for _, text, _ in parts),
                title=str(first.get("title", "")),
                source=str(first.get("source", "")),
                url=str(first["url"]) if first.get("url") else None,
                language=str(first["language"]) if first.get("language") else None,
                chunk_id=parts[0][0],
            )
        )
    return entries


class CuratedAnswers:
    """Nearest-question matching over curated entries (query vectors of the same embedder)."""

    def __init__(self, embedder: Embedder, entries: Sequence[CuratedAnswer]) -> None:
        self.entries = list(entries)
        matrix = np.asarray([embedder.embed_query(entry.question) for entry in self.entries], dtype=np.float32)
        if self.entries:
            norms = np.linalg.norm(matrix, axis=1, keepdims=True)
            matrix = (matrix / np.where(norms == 0, 1.0, norms)).astype(np.float32)
        self._matrix = matrix

    def best(self, question: str, query_vector: Sequence[float]) -> CuratedMatch | None:
        """The closest entry to ``question`` (embedded as ``query_vector``), with its score,
        margin and word coverage (``None`` without entries)."""
        if not self.entries:
            return None
        vector = np.asarray(query_vector, dtype=np.float32)
        norm = float(np.linalg.norm(vector)) or 1.0
        scores = self._matrix @ (vector / norm)
        order = np.argsort(-scores)
        best = int(order[0])
        runner_up = float(scores[order[1]]) if len(order) > 1 else 0.0
        entry = self.entries[best]
        covered = coverage(question, set(entry.terms))
        return CuratedMatch(entry, float(scores[best]), float(scores[best]) - runner_up, covered)
