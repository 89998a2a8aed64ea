"""What the assistant reads from the knowledge base besides search: the catalog and the FAQ.

The catalog and the FAQ documents change only when an ingest changes the index, the
staff FAQs when staff save one; all are loaded once per (index generation, staff FAQ
revision), checked at most every few seconds, instead of per turn. The console calls
``invalidate()`` after saving a FAQ so that it is served from the very next turn.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from bot.answers.curated import CuratedAnswers, faq_entries
from bot.desk.staff_faq import StaffFaqs
from knowledge.store import CatalogRecord, ManifestStore
from retrieval.index import KnowledgeIndex


@dataclass(frozen=True)
class Snapshot:
    """The catalog and curated answers of one index generation."""

    generation: tuple[str, tuple[int, str]]
    catalog: list[CatalogRecord]
    curated: CuratedAnswers
    page_titles: tuple[str, ...] = ()
    """Titles of the call and mission pages that are documents, not catalog entries (a web page of
    a call nobody put in the catalog yet): what the catalog's naming is weighed against."""


class KnowledgeView:
    """Loads the catalog records and FAQ entries, reloading when the index changes."""

    def __init__(
        self,
        index: KnowledgeIndex,
        manifest: ManifestStore,
        staff_faqs: StaffFaqs | None = None,
        check_seconds: float = 5.0,
    ) -> None:
        self._index = index
        self._manifest = manifest
        self._staff_faqs = staff_faqs
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
            generation = (
                self._index.vectors.generation(),
                self._staff_faqs.revision() if self._staff_faqs else (0, ""),
            )
            self._checked_at = now
            if self._snapshot is None or self._snapshot.generation != generation:
                entries = faq_entries(self._index.vectors.scan())
                if self._staff_faqs is not None:
                    hashes = {doc.doc_id: doc.content_hash for doc in self._manifest.documents()}
                    entries = self._staff_faqs.served(hashes) + entries
                documents = self._manifest.documents()
                pages = tuple(d.title for d in documents if d.entry_kind is None and d.kind in ("call", "mission"))
                self._snapshot = Snapshot(
                    generation, self._manifest.catalog_entries(), CuratedAnswers(self._index.embedder, entries), pages
                )
            return self._snapshot

    def invalidate(self) -> None:
        """Look again on the next turn (after staff saved a FAQ in this process)."""
        with self._lock:
            self._checked_at = float("-inf")
            self._snapshot = None
