"""One ingest, whoever starts it (``sportello ingest``, the console, a fresh ``serve``), and
what follows every ingest: alerts for new or closing calls, and staff FAQs whose source
changed flagged for review."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from api.services import SAMPLE_KNOWLEDGE_DIR, Services
from api.telegram import alert_scanner
from bot.staff_faq import StaffFaq, StaffFaqs
from knowledge.ingest import IngestReport, ProgressCallback


@dataclass(frozen=True)
class SyncOutcome:
    """The ingest's report, the alerts it queued and the FAQs it flagged."""

    report: IngestReport
    alerts_queued: int
    flagged: list[StaffFaq]


def sync_knowledge(
    services: Services,
    paths: Sequence[Path],
    *,
    force: bool = False,
    prune_missing: bool = False,
    on_progress: ProgressCallback | None = None,
) -> SyncOutcome:
    """Ingest ``paths`` (one ingest at a time: ``IngestBusyError`` otherwise), then alerts and FAQ review."""
    with services.ingest_lock():
        report = services.ingest_pipeline().run(list(paths), on_progress, force=force, prune_missing=prune_missing)
    alerts = alert_scanner(services).scan(services.manifest.catalog_entries())
    hashes = {doc.doc_id: doc.content_hash for doc in services.manifest.documents()}
    flagged = StaffFaqs(services.sessions, services.now).flag_changed(hashes)
    return SyncOutcome(report, alerts.queued, flagged)


def console_sources(services: Services) -> list[Path]:
    """What the console's re-ingest reads: the uploads, the configured folders, the sample when it is loaded."""
    settings = services.settings
    paths = [settings.upload_dir, *settings.console.knowledge_dirs]
    sample = str(SAMPLE_KNOWLEDGE_DIR)
    if any(origin.startswith(sample) for origin in services.manifest.file_hashes()):
        paths.append(SAMPLE_KNOWLEDGE_DIR)
    return [path for path in paths if path.exists()]
