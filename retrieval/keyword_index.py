"""BM25 over the same chunks as the vector index (bm25s + PyStemmer), persisted beside it.

bm25s builds a static index, so it is rebuilt from the vector store after each ingest
that changed something, and saved with the collection's *generation* token; a process
that finds the token changed (another box ingested) rebuilds before searching.
Only what filtering needs is kept beside the BM25 matrix; texts come from Chroma.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bm25s
import numpy as np

from knowledge.chunking import search_text
from retrieval.filters import SearchFilters
from retrieval.text_analysis import passage_terms, query_terms

COGNATE_PREFIX = 6
"""Letters a query word and an indexed word share to be taken for cognates ("certificates"/"certificati")."""
_FILTER_KEYS = ("kind", "programme", "countries", "language", "opens_ts", "deadline_ts")


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
        self._filter_columns: _FilterColumns | None = None
        self._vocab: dict[str, int] = dict(model.vocab_dict) if model is not None else {}
        self._by_prefix: dict[str, list[str]] | None = None

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

    def _columns(self) -> _FilterColumns:
        if self._filter_columns is None:
            self._filter_columns = _FilterColumns(self._metadata)
        return self._filter_columns

    def allowed_ids(self, filters: SearchFilters, now: dt.datetime) -> list[str]:
        """Ids of the chunks that pass ``filters`` (to restrict the vector search to them)."""
        mask = self._columns().mask(filters, now)
        return [self._ids[i] for i in np.flatnonzero(mask)]

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
        # Cognates across it/en/fr share their first letters though no stemmer or lexicon joins them
        # ("consortia"/"consorzi", "certificates"/"certificati"): they count like translations.
        cognates = self._cognates(query_terms(query, expand=False))
        translated += [t for t in dict.fromkeys(cognates) if t not in own and t not in translated]
        if not own and not translated:
            return []
        scores = np.zeros(len(self._ids), dtype=np.float32)
        if own:
            scores += np.asarray(self._model.get_scores(own), dtype=np.float32)
        if translated and expansion_weight > 0:
            scores += expansion_weight * np.asarray(self._model.get_scores(translated), dtype=np.float32)
        if filters is not None and not filters.empty:
            scores = np.where(self._columns().mask(filters, now), scores, 0.0)
        k = min(k, len(self._ids))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [KeywordHit(self._ids[i], float(scores[i])) for i in top if scores[i] > 0]

    def _cognates(self, terms: list[str]) -> list[str]:
        """Indexed terms sharing their first ``COGNATE_PREFIX`` letters with a (longer) query term."""
        if self._by_prefix is None:  # built on first use: one pass over the vocabulary
            self._by_prefix = {}
            for term in self._vocab:
                if len(term) >= COGNATE_PREFIX:
                    self._by_prefix.setdefault(term[:COGNATE_PREFIX], []).append(term)
        found: list[str] = []
        for term in terms:
            if len(term) > COGNATE_PREFIX and not term.isdigit():
                found += self._by_prefix.get(term[:COGNATE_PREFIX], [])
        return found

    def save(self, directory: Path) -> None:
        """Write atomically: build in a sibling folder, then swap it in."""
        directory.parent.mkdir(parents=True, exist_ok=True)
        # Unique names: two processes saving at once must not share a staging folder.
        staging = Path(tempfile.mkdtemp(prefix=directory.name + ".staging-", dir=directory.parent))
        if self._model is not None:
            self._model.save(str(staging / "bm25"))
        (staging / "chunks.json").write_text(
            json.dumps({"generation": self.generation, "ids": self._ids, "metadata": self._metadata}),
            encoding="utf-8",
        )
        old = Path(tempfile.mkdtemp(prefix=directory.name + ".old-", dir=directory.parent))
        with contextlib.suppress(FileNotFoundError):  # nothing to move aside on the first save
            directory.rename(old / "index")
        try:
            staging.rename(directory)
        except OSError:
            # Another process swapped its copy in first; both copies hold the same generation.
            shutil.rmtree(staging, ignore_errors=True)
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


class _FilterColumns:
    """The filter metadata as numpy columns: a filtered search over 50k chunks costs
    a few vector operations instead of 50k Python calls."""

    def __init__(self, metadata: list[dict[str, Any]]) -> None:
        self._text = {
            key: np.array([str(m.get(key) or "") for m in metadata], dtype=object)
            for key in ("kind", "programme", "language")
        }
        self._opens_ts = np.array([int(m.get("opens_ts", 0)) for m in metadata], dtype=np.int64)
        self._deadline_ts = np.array([int(m.get("deadline_ts", 0)) for m in metadata], dtype=np.int64)
        self._countries = [frozenset(m.get("countries") or ()) for m in metadata]
        self._by_country: dict[str, np.ndarray] = {}
        self._size = len(metadata)

    def mask(self, filters: SearchFilters, now: dt.datetime) -> np.ndarray:
        """Boolean mask of the chunks passing ``filters`` (rules in ``SearchFilters``)."""
        mask = np.ones(self._size, dtype=bool)
        if filters.kinds:
            mask &= np.isin(self._text["kind"], list(filters.kinds))
        if filters.programme:
            mask &= self._text["programme"] == filters.programme
        if filters.language:
            mask &= self._text["language"] == filters.language
        if filters.country:
            mask &= self._country(filters.country.upper())
        if filters.status:
            at = filters.at or now
            ts = int(at.timestamp())
            mask &= self._deadline_ts > 0
            if filters.status == "open":
                mask &= (self._opens_ts <= ts) & (self._deadline_ts >= ts)
            elif filters.status == "closed":
                mask &= self._deadline_ts < ts
            else:
                mask &= self._opens_ts > ts
        return mask

    def _country(self, code: str) -> np.ndarray:
        if code not in self._by_country:
            self._by_country[code] = np.fromiter((code in c for c in self._countries), dtype=bool, count=self._size)
        return self._by_country[code]
