"""What the assistant reads from the knowledge base besides search: the catalog and the FAQ.

Both change only when an ingest changes the index, so they are loaded once per index
generation (checked at most every few seconds, as the searcher does) instead of per turn.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from bot.curated import CuratedAnswers, faq_entries
from knowledge.store import CatalogRecord, ManifestStore
from retrieval.index import KnowledgeIndex


@dataclass(frozen=True)
class Snapshot:
    """The catalog and curated answers of one index generation."""

    generation: str
    catalog: list[CatalogRecord]
    curated: CuratedAnswers


class KnowledgeView:
    """Loads the catalog records and FAQ entries, reloading when the index changes."""

    def __init__(self, index: KnowledgeIndex, manifest: ManifestStore, check_seconds: float = 5.0) -> None:
        self._index = index
        self._manifest = manifest
        self._check_seconds = check_seconds
        self._checked_at = float("-inf")
        self._snapshot: Snapshot | None = None
        self._lock = threading.Lock()

    def snapshot(self) -> Snapshot:
        """The current catalog and curated answers."""
        with self._lock:
            now = time.monotonic()
            if self._snapshot is not None and now - self._checked_at < self._check_seconds:
                return self._snapshot
            generation = self._index.vectors.generation()
            self._checked_at = now
            if self._snapshot is None or self._snapshot.generation != generation:
                curated = CuratedAnswers(self._index.embedder, faq_entries(self._index.vectors.scan()))
                self._snapshot = Snapshot(generation, self._manifest.catalog_entries(), curated)
            return self._snapshot
