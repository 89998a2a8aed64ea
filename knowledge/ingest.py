"""The ingest pipeline: files and folders in, an up-to-date index and a report out.

Incremental by content hash: a file whose bytes (and chunking settings) are unchanged is
skipped without parsing; a changed file is re-chunked and only its changed documents
are sent to the index; a file gone from an ingested folder is pruned. One bad file never
stops the rest, and a file that fails keeps its previously indexed content.

The index is reached through ``ChunkSink`` because ``knowledge`` may not import
``retrieval``; the composition root passes the real index in.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Protocol

from knowledge.catalog import Catalog, parse_catalog
from knowledge.catalog_text import entry_document
from knowledge.chunking import Chunk, ChunkingConfig, chunk_document
from knowledge.documents import Document
from knowledge.errors import CatalogError, FileTooLargeError, KnowledgeError, UnsupportedFormatError
from knowledge.loaders import CATALOG_SUFFIXES, SUPPORTED_SUFFIXES, ParseBudget, load_document
from knowledge.loaders._common import decode_text
from knowledge.loaders.isolated import check_isolated
from knowledge.loaders.sidecar import apply_sidecar, read_sidecar
from knowledge.store import DocumentRecord, ManifestStore

log = logging.getLogger(__name__)

# Bump when loaders or rendering change in a way that should re-chunk unchanged files.
PIPELINE_VERSION = "6"


class ChunkSink(Protocol):
    """Where chunks go: the search index, as seen from ``knowledge``."""

    def replace(self, doc_id: str, chunks: Sequence[Chunk]) -> None:
        """Make ``chunks`` the document's only chunks (add new ones first, then drop stale ones)."""

    def delete(self, doc_ids: Sequence[str]) -> None:
        """Remove every chunk of these documents."""

    def commit(self) -> None:
        """Called once at the end of a run (e.g. to rebuild and persist the keyword index)."""

    def count(self) -> int:
        """How many chunks the sink holds (to notice an index that lost its content)."""


@dataclass(frozen=True)
class IngestConfig:
    """Limits and sizes for a run."""

    max_file_bytes: int = 20 * 1024 * 1024
    budget: ParseBudget = field(default_factory=ParseBudget)
    """What reading one file may cost (pages, unpacked size, text, time; memory for ``check``)."""
    chunking: ChunkingConfig = field(default_factory=ChunkingConfig)
    max_consecutive_index_errors: int = 3
    """After this many files in a row fail to index (model or index down), the rest are not tried."""


@dataclass(frozen=True)
class IngestFailure:
    """A source that could not be ingested, and why."""

    source: str
    code: str
    message: str


@dataclass
class IngestReport:
    """What a run did, per document (``failed`` and ``skipped`` are per file)."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[IngestFailure] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    chunks_indexed: int = 0
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None

    @property
    def ok(self) -> bool:
        """True when no source failed."""
        return not self.failed

    def counts(self) -> dict[str, int]:
        """Number of documents per outcome."""
        return {
            "added": len(self.added),
            "updated": len(self.updated),
            "removed": len(self.removed),
            "unchanged": len(self.unchanged),
            "failed": len(self.failed),
            "skipped": len(self.skipped),
        }

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form, stored with the sync run."""
        data = asdict(self)
        data["started_at"] = self.started_at.isoformat() if self.started_at else None
        data["finished_at"] = self.finished_at.isoformat() if self.finished_at else None
        data["counts"] = self.counts()
        return data


ProgressCallback = Callable[[int, int, str], None]
"""Called as ``(chunks_done, chunks_total, current_source)`` while indexing."""


@dataclass
class _ParsedFile:
    origin: str
    file_hash: str
    size: int
    documents: list[Document]


@dataclass
class _Plan:
    parsed: _ParsedFile
    to_index: list[tuple[Document, list[Chunk], str]]
    unchanged: list[DocumentRecord]
    removed: list[DocumentRecord]


class IngestPipeline:
    """Runs an ingest of paths into a ``ChunkSink``, keeping the manifest in step."""

    def __init__(
        self,
        sink: ChunkSink,
        manifest: ManifestStore,
        config: IngestConfig | None = None,
        now: Callable[[], dt.datetime] | None = None,
    ) -> None:
        self._sink = sink
        self._manifest = manifest
        self._config = config or IngestConfig()
        self._now = now or (lambda: dt.datetime.now(dt.UTC))

    def check(self, path: Path) -> None:
        """Read one untrusted file as a run would, in a child process with a time and memory ceiling
        (``knowledge.loaders.isolated``), and store nothing: the ``KnowledgeError`` a run would report
        is raised, so an upload is refused before it is kept or any lock is taken."""
        if path.suffix.lower() in CATALOG_SUFFIXES:
            parse_catalog(decode_text(self._read(path), str(path)), str(path))
        elif path.suffix.lower() in SUPPORTED_SUFFIXES:
            check_isolated(path, self._config.max_file_bytes, self._config.budget)
        else:
            raise UnsupportedFormatError(str(path), f"unsupported file type {path.suffix!r}")

    def run(
        self,
        paths: Iterable[Path],
        on_progress: ProgressCallback | None = None,
        *,
        force: bool = False,
        prune_missing: bool = False,
    ) -> IngestReport:
        """Ingest files and folders; see the module docstring for the rules.

        ``force`` re-indexes every file even if unchanged (the embedding cache keeps that
        cheap); ``prune_missing`` also forgets files ingested from anywhere that no longer
        exist (a moved folder, a single file deleted).
        """
        started_at = self._now()
        report = IngestReport(started_at=started_at)
        files, roots = self._discover([Path(p) for p in paths], report)
        force = force or self._index_lost_content()
        stored_hashes = {} if force else self._manifest.file_hashes()
        catalogs = self._parse_catalogs(
            [f for f in files if f.suffix.lower() in CATALOG_SUFFIXES], report, self._gone(files, roots)
        )

        plans: list[_Plan] = []
        for path in files:
            origin = str(path)
            if any(f.source == origin for f in report.failed):
                continue
            parsed = self._parse(path, catalogs, stored_hashes.get(origin), report)
            if parsed is not None:
                plans.append(self._plan(parsed, force))

        self._index(plans, report, on_progress)
        self._prune(self._gone(files, roots, everywhere=prune_missing), report)
        self._sink.commit()
        finished_at = report.finished_at = self._now()
        self._manifest.record_run(started_at, finished_at, report.counts(), report.to_dict())
        return report

    def _index_lost_content(self) -> bool:
        """The manifest lists chunks the index does not hold (a new collection, a deleted folder)."""
        expected = sum(doc.chunk_count for doc in self._manifest.documents())
        actual = self._sink.count()
        if expected and actual < expected:
            log.warning("the index holds %d of the %d passages the manifest lists: re-indexing", actual, expected)
            return True
        return False

    def _gone(self, files: list[Path], roots: list[Path], everywhere: bool = False) -> list[str]:
        """Ingested files no longer present: under the folders of this run, or (``everywhere``) on disk."""
        present = {str(f) for f in files}
        return [
            origin
            for origin in self._manifest.file_hashes()
            if origin not in present
            and (any(Path(origin).is_relative_to(root) for root in roots) or (everywhere and not Path(origin).exists()))
        ]

    def _discover(self, paths: list[Path], report: IngestReport) -> tuple[list[Path], list[Path]]:
        files: list[Path] = []
        roots: list[Path] = []
        for raw in paths:
            path = raw.expanduser().resolve()
            if path.is_dir():
                roots.append(path)
                for child in sorted(path.rglob("*")):
                    if not child.is_file() or any(part.startswith(".") for part in child.relative_to(path).parts):
                        continue
                    if not _valid_name(child, report):
                        continue
                    if child.suffix.lower() in SUPPORTED_SUFFIXES:
                        files.append(child)
                    else:
                        report.skipped.append(str(child))
            elif path.is_file():
                if not _valid_name(path, report):
                    continue
                if path.suffix.lower() in SUPPORTED_SUFFIXES:
                    files.append(path)
                else:
                    error = UnsupportedFormatError(
                        str(path), f"unsupported file type {path.suffix!r} (supported: {', '.join(SUPPORTED_SUFFIXES)})"
                    )
                    report.failed.append(IngestFailure(str(path), error.code, str(error)))
            else:
                report.failed.append(IngestFailure(str(raw), "not_found", f"{raw}: no such file or folder"))
        return list(dict.fromkeys(files)), roots

    def _parse_catalogs(self, paths: list[Path], report: IngestReport, gone: list[str]) -> dict[str, Catalog]:
        """Every catalog file is parsed (cheap) so cross-file references can be checked."""
        catalogs: dict[str, Catalog] = {}
        for path in paths:
            try:
                text = decode_text(self._read(path), str(path))
                catalogs[str(path)] = parse_catalog(text, str(path))
            except KnowledgeError as exc:
                report.failed.append(IngestFailure(str(path), exc.code, str(exc)))
        known_rules = {rule.id for catalog in catalogs.values() for rule in catalog.reimbursement_rules}
        known_rules |= {
            doc.source.rpartition("#")[2]
            for doc in self._manifest.documents()
            if doc.kind == "reimbursement"
            and "#" in doc.source
            and doc.origin not in catalogs
            and doc.origin not in gone
        }
        for origin, catalog in list(catalogs.items()):
            for index, mission in enumerate(catalog.missions):
                if mission.reimbursement_rule and mission.reimbursement_rule not in known_rules:
                    error = CatalogError(
                        origin,
                        f"missions[{index}].reimbursement_rule: no rule with id {mission.reimbursement_rule!r}",
                        field=f"missions[{index}].reimbursement_rule",
                    )
                    report.failed.append(IngestFailure(origin, error.code, str(error)))
                    del catalogs[origin]
                    break
        return catalogs

    def _read(self, path: Path) -> bytes:
        size = path.stat().st_size
        if size > self._config.max_file_bytes:
            raise FileTooLargeError(
                str(path), f"{size:,} bytes is over the limit of {self._config.max_file_bytes:,} bytes"
            )
        return path.read_bytes()

    def _parse(
        self, path: Path, catalogs: dict[str, Catalog], stored_hash: str | None, report: IngestReport
    ) -> _ParsedFile | None:
        origin = str(path)
        try:
            data = self._read(path)
            sidecar = read_sidecar(path)
            file_hash = self._file_hash(data + sidecar)
            if file_hash == stored_hash:
                report.unchanged.extend(doc.source for doc in self._manifest.documents([origin]))
                return None
            if path.suffix.lower() in CATALOG_SUFFIXES:
                documents = [entry_document(entry, origin) for entry in catalogs[origin].entries()]
            else:
                document = load_document(path, self._config.max_file_bytes, self._config.budget)
                documents = [apply_sidecar(document, sidecar) if sidecar else document]
        except KnowledgeError as exc:
            report.failed.append(IngestFailure(origin, exc.code, str(exc)))
            return None
        except OSError as exc:
            report.failed.append(IngestFailure(origin, "unreadable", f"{origin}: cannot read ({exc.strerror})"))
            return None
        except Exception as exc:  # a parser's own error on a damaged file: one bad file never stops the rest
            log.debug("parsing %s failed", origin, exc_info=True)
            message = f"{origin}: the file is damaged or not what its extension says ({type(exc).__name__}: {exc})"
            report.failed.append(IngestFailure(origin, "corrupt_file", message))
            return None
        return _ParsedFile(origin, file_hash, len(data), documents)

    def _file_hash(self, data: bytes) -> str:
        chunking = self._config.chunking
        tag = f"v{PIPELINE_VERSION}/{chunking.max_tokens}/{chunking.overlap_tokens}/".encode()
        return hashlib.sha256(tag + data).hexdigest()

    def _plan(self, parsed: _ParsedFile, force: bool) -> _Plan:
        previous = {doc.doc_id: doc for doc in self._manifest.documents([parsed.origin])}
        to_index: list[tuple[Document, list[Chunk], str]] = []
        unchanged: list[DocumentRecord] = []
        for document in parsed.documents:
            chunks = chunk_document(document, self._config.chunking)
            # The version is part of the hash so that a change in stored metadata re-indexes.
            content_hash = hashlib.sha256(
                (PIPELINE_VERSION + "".join(c.content_hash for c in chunks)).encode()
            ).hexdigest()
            before = previous.get(document.doc_id)
            if before is not None and before.content_hash == content_hash and not force:
                unchanged.append(before)
            else:
                to_index.append((document, chunks, content_hash))
        kept = {document.doc_id for document in parsed.documents}
        removed = [doc for doc_id, doc in previous.items() if doc_id not in kept]
        return _Plan(parsed, to_index, unchanged, removed)

    def _index(self, plans: list[_Plan], report: IngestReport, on_progress: ProgressCallback | None) -> None:
        total = sum(len(chunks) for plan in plans for _, chunks, _ in plan.to_index)
        done = 0
        failures_in_a_row = 0
        for plan in plans:
            origin = plan.parsed.origin
            if failures_in_a_row >= self._config.max_consecutive_index_errors:
                message = f"{origin}: not indexed, after {failures_in_a_row} files in a row failed to index"
                report.failed.append(IngestFailure(origin, "index_error", message))
                continue
            previous_ids = {doc.doc_id for doc in self._manifest.documents([origin])}
            records = [*plan.unchanged, *(_record(origin, doc, chunks, h) for doc, chunks, h in plan.to_index)]
            try:
                for document, chunks, _ in plan.to_index:
                    self._sink.replace(document.doc_id, chunks)
                    done += len(chunks)
                    if on_progress:
                        on_progress(done, total, document.source)
                self._sink.delete([doc.doc_id for doc in plan.removed])
                self._manifest.record_file(origin, plan.parsed.file_hash, plan.parsed.size, records, self._now())
            except Exception as exc:  # an index, embedder or database failure must not stop the other files
                # Chunks already upserted stay; the next run sees the file as changed and redoes it.
                log.warning("indexing %s failed: %s", origin, exc)
                log.debug("indexing %s failed", origin, exc_info=True)
                report.failed.append(IngestFailure(origin, "index_error", f"{origin}: indexing failed ({exc})"))
                failures_in_a_row += 1
                continue
            failures_in_a_row = 0
            for document, chunks, _ in plan.to_index:
                (report.updated if document.doc_id in previous_ids else report.added).append(document.source)
                report.chunks_indexed += len(chunks)
            report.unchanged.extend(doc.source for doc in plan.unchanged)
            report.removed.extend(doc.source for doc in plan.removed)

    def _prune(self, gone: list[str], report: IngestReport) -> None:
        """Forget files that are gone, and remove their passages from the index."""
        if not gone:
            return
        documents = self._manifest.documents(gone)
        self._sink.delete([doc.doc_id for doc in documents])
        self._manifest.forget_files(gone)
        report.removed.extend(doc.source for doc in documents)


def _record(origin: str, document: Document, chunks: list[Chunk], content_hash: str) -> DocumentRecord:
    return DocumentRecord(
        doc_id=document.doc_id,
        origin=origin,
        source=document.source,
        title=document.title,
        kind=document.kind,
        language=document.language or (chunks[0].language if chunks else None),
        content_hash=content_hash,
        chunk_count=len(chunks),
        entry_kind=document.extra.get("entry_kind"),
        record_json=document.record_json,
    )


def _valid_name(path: Path, report: IngestReport) -> bool:
    """A file name that is not valid UTF-8 cannot be stored or cited: refuse it by name."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        shown = str(path).encode("utf-8", "backslashreplace").decode("ascii", "replace")
        report.failed.append(
            IngestFailure(shown, "bad_file_name", f"{shown}: the file name is not valid UTF-8; rename it")
        )
        return False
    return True
