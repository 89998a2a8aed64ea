"""The ingest manifest: which files and documents are indexed, their hashes, and sync runs.

All of ``knowledge``'s queries live here (see STYLE.md, "Storage").
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from knowledge.catalog import CatalogEntry, entry_from_json
from knowledge.database import Base, as_utc


class SourceFile(Base):
    """A file that was ingested, with the hash of its bytes at that time."""

    __tablename__ = "knowledge_source_files"

    # Paths are Text: a deep folder easily passes any fixed width (PostgreSQL would refuse it).
    origin: Mapped[str] = mapped_column(Text, primary_key=True)
    file_hash: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    ingested_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class IndexedDocument(Base):
    """A document (a file, or one catalog entry) whose chunks are in the index."""

    __tablename__ = "knowledge_documents"

    doc_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    origin: Mapped[str] = mapped_column(
        Text, ForeignKey("knowledge_source_files.origin", ondelete="CASCADE"), index=True
    )
    source: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(String(500))
    kind: Mapped[str] = mapped_column(String(20))
    language: Mapped[str | None] = mapped_column(String(8))
    content_hash: Mapped[str] = mapped_column(String(64))
    chunk_count: Mapped[int] = mapped_column(Integer)
    ingested_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    entry_kind: Mapped[str | None] = mapped_column(String(30))
    record_json: Mapped[str | None] = mapped_column(Text)


class SyncRun(Base):
    """One ``ingest`` run and its report."""

    __tablename__ = "knowledge_sync_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    added: Mapped[int] = mapped_column(Integer)
    updated: Mapped[int] = mapped_column(Integer)
    removed: Mapped[int] = mapped_column(Integer)
    unchanged: Mapped[int] = mapped_column(Integer)
    failed: Mapped[int] = mapped_column(Integer)
    report_json: Mapped[str] = mapped_column(Text)


@dataclass(frozen=True)
class DocumentRecord:
    """What the manifest knows about one indexed document."""

    doc_id: str
    origin: str
    source: str
    title: str
    kind: str
    language: str | None
    content_hash: str
    chunk_count: int
    entry_kind: str | None = None
    record_json: str | None = None


@dataclass(frozen=True)
class CatalogRecord:
    """A catalog entry and its document's source (``catalog/eu-alliance.yaml#missione-giappone-2027``)."""

    entry: CatalogEntry
    source: str


@dataclass(frozen=True)
class SyncRecord:
    """A finished sync run."""

    run_id: int
    started_at: dt.datetime
    finished_at: dt.datetime
    report: dict[str, object]


class ManifestStore:
    """Reads and writes the manifest tables."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def file_hashes(self) -> dict[str, str]:
        """origin -> hash of the bytes last ingested."""
        with self._sessions() as session:
            return dict(session.execute(select(SourceFile.origin, SourceFile.file_hash)).all())

    def documents(self, origins: Iterable[str] | None = None) -> list[DocumentRecord]:
        """Indexed documents, optionally only those from ``origins``."""
        query = select(IndexedDocument).order_by(IndexedDocument.origin, IndexedDocument.source)
        if origins is not None:
            query = query.where(IndexedDocument.origin.in_(list(origins)))
        with self._sessions() as session:
            return [_record(row) for row in session.scalars(query)]

    def catalog_entries(self) -> list[CatalogRecord]:
        """Every indexed catalog entry as its validated record, with the source it was indexed as."""
        query = (
            select(IndexedDocument.source, IndexedDocument.entry_kind, IndexedDocument.record_json)
            .where(IndexedDocument.record_json.is_not(None))
            .order_by(IndexedDocument.source)
        )
        with self._sessions() as session:
            rows = session.execute(query).all()
        return [CatalogRecord(entry_from_json(kind, data), source) for source, kind, data in rows if kind and data]

    def record_file(
        self, origin: str, file_hash: str, size: int, documents: Sequence[DocumentRecord], now: dt.datetime
    ) -> None:
        """Replace what is known about ``origin`` with its freshly indexed documents."""
        with self._sessions.begin() as session:
            session.execute(delete(IndexedDocument).where(IndexedDocument.origin == origin))
            session.merge(SourceFile(origin=origin, file_hash=file_hash, size=size, ingested_at=now))
            session.flush()
            for doc in documents:
                session.add(
                    IndexedDocument(
                        doc_id=doc.doc_id, origin=origin, source=doc.source, title=doc.title[:500],
                        kind=doc.kind, language=doc.language, content_hash=doc.content_hash,
                        chunk_count=doc.chunk_count, ingested_at=now, entry_kind=doc.entry_kind,
                        record_json=doc.record_json,
                    )
                )  # fmt: skip

    def forget_files(self, origins: Iterable[str]) -> None:
        """Drop files (and their documents) that are gone from the source."""
        targets = list(origins)
        with self._sessions.begin() as session:
            session.execute(delete(IndexedDocument).where(IndexedDocument.origin.in_(targets)))
            session.execute(delete(SourceFile).where(SourceFile.origin.in_(targets)))

    def record_run(
        self, started_at: dt.datetime, finished_at: dt.datetime, counts: dict[str, int], report: dict[str, object]
    ) -> int:
        """Store a sync run's counts and full report; returns its id."""
        with self._sessions.begin() as session:
            run = SyncRun(
                started_at=started_at, finished_at=finished_at, report_json=json.dumps(report),
                added=counts["added"], updated=counts["updated"], removed=counts["removed"],
                unchanged=counts["unchanged"], failed=counts["failed"],
            )  # fmt: skip
            session.add(run)
            session.flush()
            return run.id

    def changing_runs(self, since: dt.datetime) -> list[tuple[int, dt.datetime, dict[str, int]]]:
        """Sync runs finished since ``since`` that added, updated or removed something: id, end, counts."""
        query = (
            select(SyncRun)
            .where(SyncRun.finished_at >= since, (SyncRun.added + SyncRun.updated + SyncRun.removed) > 0)
            .order_by(SyncRun.id)
        )
        with self._sessions() as session:
            return [
                (run.id, as_utc(run.finished_at),
                 {"added": run.added, "updated": run.updated, "removed": run.removed, "failed": run.failed})
                for run in session.scalars(query)
            ]  # fmt: skip

    def last_run(self) -> SyncRecord | None:
        """The most recent sync run, for "last synced at"."""
        with self._sessions() as session:
            run = session.scalars(select(SyncRun).order_by(SyncRun.id.desc()).limit(1)).first()
            if run is None:
                return None
            return SyncRecord(run.id, as_utc(run.started_at), as_utc(run.finished_at), json.loads(run.report_json))


def _record(row: IndexedDocument) -> DocumentRecord:
    return DocumentRecord(
        doc_id=row.doc_id, origin=row.origin, source=row.source, title=row.title, kind=row.kind,
        language=row.language, content_hash=row.content_hash, chunk_count=row.chunk_count,
        entry_kind=row.entry_kind, record_json=row.record_json,
    )  # fmt: skip
