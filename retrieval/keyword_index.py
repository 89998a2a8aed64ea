"""BM25 over the same chunks as the vector index (bm25s + PyStemmer), persisted beside it.

bm25s builds a static index, so it is rebuilt from the vector store after each ingest
that changed something, and saved with the collection's *generation* token; a process
that finds the token changed (another box ingested) rebuilds before searching.
Only what filtering needs is kept beside the BM25 matrix; texts come from Chroma.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bm25s
import numpy as np

from knowledge.chunking import search_text
from retrieval.filters import SearchFilters
from retrieval.text_analysis import passage_terms, query_terms

_FILTER_KEYS = ("kind", "programme", "countries", "language", "opens_day", "deadline_ts")


@dataclass(frozen=True)
class KeywordHit:
    """One BM25 match."""

    chunk_id: str
    score: float


class KeywordIndex:
    """An immutable BM25 index over chunk ids, with their filter metadata."""

    def __init__(self, model: bm25s.BM25 | None, ids: list[str], metadata: list[dict[str, Any]], generation: str):
        self._model = model
        self._ids = ids
        self._metadata = metadata
        self.generation = generation
        self._vocab: dict[str, int] = dict(model.vocab_dict) if model is not None else {}

    @classmethod
    def build(cls, records: Iterable[tuple[str, str, dict[str, Any]]], generation: str) -> KeywordIndex:
        """Index ``(chunk_id, text, metadata)`` records as stored in the vector index."""
        ids: list[str] = []
        metadata: list[dict[str, Any]] = []
        corpus: list[list[str]] = []
        for chunk_id, text, meta in records:
            section = tuple(json.loads(meta.get("section") or "[]"))
            terms = passage_terms(search_text(str(meta.get("title", "")), section, text), meta.get("language"))
            ids.append(chunk_id)
            metadata.append({key: meta[key] for key in _FILTER_KEYS if key in meta})
            corpus.append(terms or [""])
        if not ids:
            return cls(None, [], [], generation)
        model = bm25s.BM25()
        model.index(corpus, show_progress=False)
        return cls(model, ids, metadata, generation)

    def __len__(self) -> int:
        return len(self._ids)

    def search(
        self, query: str, k: int, filters: SearchFilters | None, now: dt.datetime, expansion_weight: float = 0.7
    ) -> list[KeywordHit]:
        """Top ``k`` chunks by BM25 among those passing ``filters``.

        The query's own words score in full; their lexicon translations score
        ``expansion_weight`` times as much, so a same-language match still wins.
        """
        if self._model is None or k <= 0:
            return []
        own = [t for t in query_terms(query, expand=False) if t in self._vocab]
        translated = [t for t in query_terms(query) if t in self._vocab and t not in own]
        if not own and not translated:
            return []
        scores = np.zeros(len(self._ids), dtype=np.float32)
        if own:
            scores += np.asarray(self._model.get_scores(own), dtype=np.float32)
        if translated and expansion_weight > 0:
            scores += expansion_weight * np.asarray(self._model.get_scores(translated), dtype=np.float32)
        if filters is not None and not filters.empty:
            mask = np.fromiter((filters.matches(m, now) for m in self._metadata), dtype=bool, count=len(self._ids))
            scores = np.where(mask, scores, 0.0)
        k = min(k, len(self._ids))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [KeywordHit(self._ids[i], float(scores[i])) for i in top if scores[i] > 0]

    def save(self, directory: Path) -> None:
        """Write atomically: build in a sibling folder, then swap it in."""
        staging = directory.with_name(directory.name + ".staging")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        if self._model is not None:
            self._model.save(str(staging / "bm25"))
        (staging / "chunks.json").write_text(
            json.dumps({"generation": self.generation, "ids": self._ids, "metadata": self._metadata}),
            encoding="utf-8",
        )
        old = directory.with_name(directory.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if directory.exists():
            directory.rename(old)
        staging.rename(directory)
        shutil.rmtree(old, ignore_errors=True)

    @classmethod
    def load(cls, directory: Path) -> KeywordIndex | None:
        """The saved index, or ``None`` if there is none (or it is unreadable)."""
        try:
            data = json.loads((directory / "chunks.json").read_text(encoding="utf-8"))
            model = bm25s.BM25.load(str(directory / "bm25")) if data["ids"] else None
        except (OSError, ValueError, KeyError):
            return None
        return cls(model, list(data["ids"]), list(data["metadata"]), str(data["generation"]))
