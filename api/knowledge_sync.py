"""One ingest, whoever starts it (``sportello ingest``, the console, a fresh ``serve``), and
what follows every ingest: alerts for new or closing calls, and staff FAQs whose source
changed flagged for review."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from api.quality_gate import GateVerdict, QualityGate, check_candidate
from api.services import SAMPLE_KNOWLEDGE_DIR, IngestBusyError, Services
from api.telegram import alert_scanner
from bot.desk.staff_faq import StaffFaq, StaffFaqs
from knowledge.ingest import IngestReport, ProgressCallback


@dataclass(frozen=True)
class SyncOutcome:
    """The ingest's report, the alerts it queued and the FAQs it flagged; with golden questions,
    the quality gate's verdict."""

    report: IngestReport
    alerts_queued: int
    flagged: list[StaffFaq]
    verdict: GateVerdict | None = None


class PublishRefusedError(RuntimeError):
    """The knowledge base an ingest would make answers the golden questions worse: nothing was published."""

    def __init__(self, verdict: GateVerdict) -> None:
        super().__init__(f"not published, the golden questions got worse: {verdict.summary()}")
        self.verdict = verdict


def sync_knowledge(
    services: Services,
    paths: Sequence[Path],
    *,
    force: bool = False,
    prune_missing: bool = False,
    on_progress: ProgressCallback | None = None,
    gate: QualityGate | None = None,
    prepare: Callable[[], object] | None = None,
) -> SyncOutcome:
    """Ingest ``paths`` (one ingest at a time: ``IngestBusyError`` otherwise), then alerts and FAQ review.

    With a ``gate``, the knowledge base the ingest would make is evaluated first, and nothing
    is published (``PublishRefusedError``) when it answers the golden questions worse than the
    live one. ``prepare`` runs first under the lock (writing a folder the ingest reads, so
    that no other process's ingest reads it half-written).
    """
    with services.ingest_lock():
        if prepare is not None:  # e.g. write the stored uploads or web pages into their folder
            prepare()
        verdict = check_candidate(services, gate, paths) if gate is not None else None
        if verdict is not None and not verdict.ok:
            raise PublishRefusedError(verdict)
        report = services.ingest_pipeline().run(list(paths), on_progress, force=force, prune_missing=prune_missing)
    alerts = alert_scanner(services).scan(services.manifest.catalog_entries())
    hashes = {doc.doc_id: doc.content_hash for doc in services.manifest.documents()}
    flagged = StaffFaqs(services.sessions, services.now).flag_changed(hashes)
    return SyncOutcome(report, alerts.queued, flagged, verdict)


SAMPLE_WAIT_SECONDS = 600.0
SAMPLE_RETRY_SECONDS = 1.0


def load_sample_if_empty(
    services: Services, announce: Callable[[], None] | None = None, wait_seconds: float = SAMPLE_WAIT_SECONDS
) -> SyncOutcome | None:
    """A fresh install serves the bundled sample knowledge base; ``None`` if the index holds
    documents. Documents appear one by one during an ingest, so the check waits for any ingest
    under way (another process loading the sample, an operator's ``sportello ingest``) to end:
    several processes starting on one empty database load the sample once, and never on top
    of an operator's own documents."""
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            with services.ingest_lock():
                pass  # nobody ingests now: what the index holds is final
            if services.manifest.documents():
                return None
            if announce is not None:
                announce()
                announce = None
            return sync_knowledge(services, [SAMPLE_KNOWLEDGE_DIR])
        except IngestBusyError:
            if time.monotonic() > deadline:
                raise
            time.sleep(SAMPLE_RETRY_SECONDS)


def console_sources(services: Services) -> list[Path]:
    """What the console's re-ingest reads: the uploads, the configured folders, the web sources' pages, the
    sample when it is loaded."""
    settings = services.settings
    paths = [settings.upload_dir, *settings.console.knowledge_dirs, settings.web_dir]
    sample = str(SAMPLE_KNOWLEDGE_DIR)
    if any(origin.startswith(sample) for origin in services.manifest.file_hashes()):
        paths.append(SAMPLE_KNOWLEDGE_DIR)
    return [path for path in paths if path.exists()]
