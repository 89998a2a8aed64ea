"""Hybrid search: dense (Chroma) and BM25 candidates fused by reciprocal rank."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from knowledge.chunking import neighbour_ids
from retrieval.errors import EmptyQueryError, QueryTooLongError
from retrieval.filters import SearchFilters
from retrieval.index import KnowledgeIndex
from retrieval.keyword_index import KeywordIndex
from retrieval.naming import name_matches
from retrieval.passages import Passage, passage_from


@dataclass(frozen=True)
class SearchConfig:
    """Knobs of the hybrid search (see docs/retrieval.md for how they were chosen)."""

    candidates: int = 30
    rrf_k: int = 60
    dense_weight: float = 1.0
    keyword_weight: float = 0.7
    expansion_weight: float = 0.7
    max_query_chars: int = 1000
    max_per_document: int = 2
    name_weight: float = 0.5
    """Weight, per telling word the question names and a page's title or address carries, of a
    third ranking: what the page is called (``retrieval.naming``)."""
    generation_check_seconds: float = 5.0


@dataclass(frozen=True)
class SearchResult:
    """Ranked passages and where the time went."""

    passages: list[Passage]
    embed_ms: float
    search_ms: float


class HybridSearcher:
    """Ranks passages for a query by fusing vector and keyword rankings."""

    def __init__(
        self,
        index: KnowledgeIndex,
        config: SearchConfig | None = None,
        now: Callable[[], dt.datetime] | None = None,
    ) -> None:
        self._index = index
        self._config = config or SearchConfig()
        self._now = now or (lambda: dt.datetime.now(dt.UTC))
        self._checked_at = float("-inf")
        self._keywords: KeywordIndex | None = None

    def embed(self, query: str) -> list[float]:
        """The query's vector, for callers that use it besides searching (the assistant's router)."""
        return self._index.embedder.embed_query(self.validate(query))

    def search(
        self, query: str, k: int = 5, filters: SearchFilters | None = None, vector: Sequence[float] | None = None
    ) -> SearchResult:
        """Top ``k`` passages; raises ``EmptyQueryError`` / ``QueryTooLongError`` on bad queries.

        ``vector`` is the query's embedding when the caller already has it (``embed``).
        """
        text = self.validate(query)
        started = time.perf_counter()
        if vector is None:
            vector = self._index.embedder.embed_query(text)
        embedded = time.perf_counter()
        now = self._now()
        n = max(self._config.candidates, k)
        keywords = self._keyword_index()
        filtered = filters is not None and not filters.empty
        among = keywords.allowed_ids(filters, now) if filters is not None and filtered else None
        dense = self._index.vectors.query(vector, n, among)
        keyword = keywords.search(text, n, filters, now, self._config.expansion_weight)

        fused: dict[str, float] = {}
        dense_by_id = {hit.chunk_id: (rank, hit) for rank, hit in enumerate(dense, start=1)}
        keyword_by_id = {hit.chunk_id: (rank, hit) for rank, hit in enumerate(keyword, start=1)}
        for chunk_id, (rank, _) in dense_by_id.items():
            fused[chunk_id] = fused.get(chunk_id, 0.0) + self._config.dense_weight / (self._config.rrf_k + rank)
        for chunk_id, (rank, _) in keyword_by_id.items():
            fused[chunk_id] = fused.get(chunk_id, 0.0) + self._config.keyword_weight / (self._config.rrf_k + rank)
        stored = {hit.chunk_id: (hit.text, hit.metadata) for hit in dense}
        ranked = sorted(fused, key=lambda cid: (-fused[cid], cid))
        stored.update(self._index.vectors.fetch([cid for cid in ranked[: 3 * k] if cid not in stored]))
        if self._config.name_weight and ranked:
            named = name_matches(
                text, ((cid, str(meta.get("doc_id", "")), body, meta) for cid, (body, meta) in stored.items())
            )
            # Only a page the fusion put first that is not called by what the question names gives
            # way: to the pages that are, each telling word their names carry counting like a top rank.
            if named and ranked[0] not in named:
                for chunk_id, count in named.items():
                    fused[chunk_id] = fused.get(chunk_id, 0.0) + self._config.name_weight * count / (
                        self._config.rrf_k + 1
                    )
                ranked = sorted(fused, key=lambda cid: (-fused[cid], cid))
        top = self._diversified(ranked, stored, k)
        passages: list[Passage] = []
        for chunk_id in top:
            text_, metadata = stored[chunk_id]
            dense_hit = dense_by_id.get(chunk_id)
            keyword_hit = keyword_by_id.get(chunk_id)
            passages.append(
                passage_from(chunk_id, text_, metadata).with_scores(
                    dense_score=dense_hit[1].similarity if dense_hit else None,
                    dense_rank=dense_hit[0] if dense_hit else None,
                    keyword_score=keyword_hit[1].score if keyword_hit else None,
                    keyword_rank=keyword_hit[0] if keyword_hit else None,
                    fused_score=fused[chunk_id],
                )
            )
        finished = time.perf_counter()
        return SearchResult(passages, (embedded - started) * 1000, (finished - started) * 1000)

    def neighbours(self, passages: Sequence[Passage], span: int = 2) -> list[Passage]:
        """The chunks around ``passages`` in their documents, not among them (one fetch by id).

        A page split into chunks keeps its facts apart: the deadline asked for sits in the
        chunk after the one that ranked. The composer reads these to answer a part of the
        question the ranked passages leave open.
        """
        have = {p.chunk_id for p in passages}
        wanted = list(
            dict.fromkeys(cid for p in passages for cid in neighbour_ids(p.chunk_id, span) if cid not in have)
        )
        fetched = self._index.vectors.fetch(wanted)
        return [passage_from(cid, *fetched[cid]) for cid in wanted if cid in fetched]

    def _diversified(self, ranked: list[str], stored: dict[str, tuple[str, dict[str, Any]]], k: int) -> list[str]:
        """Best first, at most ``max_per_document`` passages per document while others remain.

        One catalog entry or long page can fill the whole list with near-duplicates;
        an answer and its reader are better served by the best passages of several sources.
        """
        chosen: list[str] = []
        deferred: list[str] = []
        per_doc: dict[str, int] = {}
        for chunk_id in ranked:
            if chunk_id not in stored:
                continue  # deleted since ranked, or beyond the fetched window
            doc_id = str(stored[chunk_id][1].get("doc_id", chunk_id))
            if per_doc.get(doc_id, 0) < self._config.max_per_document:
                chosen.append(chunk_id)
                per_doc[doc_id] = per_doc.get(doc_id, 0) + 1
            else:
                deferred.append(chunk_id)
            if len(chosen) == k:
                return chosen
        return (chosen + deferred)[:k]

    def validate(self, query: str) -> str:
        """The query, trimmed, or a named error saying why it cannot be searched."""
        text = " ".join(query.split())
        if len(text) > self._config.max_query_chars:
            raise QueryTooLongError(
                f"the question is {len(text)} characters long; the limit is {self._config.max_query_chars}"
            )
        if not any(ch.isalnum() for ch in text):
            raise EmptyQueryError("the question is empty: write what you are looking for")
        return text

    def _keyword_index(self) -> KeywordIndex:
        # Asking Chroma for the generation on every query would cost a round trip;
        # check at most every few seconds.
        now = time.monotonic()
        if self._keywords is None or now - self._checked_at > self._config.generation_check_seconds:
            self._keywords = self._index.keywords()
            self._checked_at = now
        return self._keywords
