"""The knowledge index: vectors in Chroma plus BM25 beside them, kept in step.

``KnowledgeIndex`` is the ``ChunkSink`` the ingest pipeline writes to, and what the
searcher reads from.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path

from knowledge.chunking import Chunk
from retrieval.embeddings import Embedder
from retrieval.keyword_index import KeywordIndex
from retrieval.passages import chunk_metadata
from retrieval.vector_index import VectorIndex

log = logging.getLogger(__name__)


class KnowledgeIndex:
    """Writes chunks to both indexes; the keyword index is rebuilt on ``commit``."""

    def __init__(self, vectors: VectorIndex, embedder: Embedder, keyword_dir: Path) -> None:
        self.vectors = vectors
        self.embedder = embedder
        self._keyword_dir = keyword_dir
        self._keywords: KeywordIndex | None = None
        self._dirty = False
        self._lock = threading.Lock()

    def replace(self, doc_id: str, chunks: Sequence[Chunk]) -> None:
        """Embed and upsert the document's chunks, then drop its chunks that are no longer there."""
        if chunks:
            vectors = self.embedder.embed_documents([chunk.search_text for chunk in chunks])
            self.vectors.upsert(
                [c.chunk_id for c in chunks], vectors, [c.text for c in chunks], [chunk_metadata(c) for c in chunks]
            )
        keep = {chunk.chunk_id for chunk in chunks}
        stale = [chunk_id for chunk_id in self.vectors.chunk_ids([doc_id]) if chunk_id not in keep]
        self.vectors.delete(stale)
        self._dirty = True

    def delete(self, doc_ids: Sequence[str]) -> None:
        """Remove documents entirely."""
        if doc_ids:
            self.vectors.delete(self.vectors.chunk_ids(doc_ids))
            self._dirty = True

    def count(self) -> int:
        """Chunks in the vector index."""
        return self.vectors.count()

    def commit(self) -> None:
        """After changes: new generation, keyword index rebuilt and saved."""
        if not self._dirty and self._keyword_dir.exists():
            return
        generation = self.vectors.new_generation()
        keywords = KeywordIndex.build(self.vectors.scan(), generation)
        keywords.save(self._keyword_dir)
        with self._lock:
            self._keywords = keywords
        self._dirty = False

    def keywords(self) -> KeywordIndex:
        """The keyword index matching the vector index's current generation.

        Loaded from disk when its saved generation matches, otherwise rebuilt (another
        process or box changed the collection).
        """
        generation = self.vectors.generation()
        with self._lock:
            if self._keywords is not None and self._keywords.generation == generation:
                return self._keywords
            loaded = KeywordIndex.load(self._keyword_dir)
            if loaded is None or loaded.generation != generation:
                log.info("keyword index is stale (generation %s); rebuilding", generation)
                loaded = KeywordIndex.build(self.vectors.scan(), generation)
                loaded.save(self._keyword_dir)
            self._keywords = loaded
            return loaded
