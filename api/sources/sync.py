"""Syncing web sources: one source at a time, by whichever process leases it, from the fetch
to the published knowledge base, the staff's alerts and the catalog proposals.

A sync (``SourceSync.sync``):
1. leases the source (``knowledge.web.sources``), so two processes never crawl it at once;
2. crawls it (``api.sources.crawl``): conditional requests, pages kept in the database;
3. when something changed, writes the pages into the web folder and ingests it like any
   other folder (``api.knowledge_sync``): one ingest at a time everywhere, the golden
   questions' gate before publishing, only changed pages embedded;
4. queues an alert to the staff for each page of a call or mission whose deadline changed or
   that disappeared, and proposes a catalog entry for each call or mission page whose
   reading is new (``knowledge.web.proposals``);
5. logs the run and schedules the next one.

A run that cannot publish (another ingest under way, the gate refused) is logged as such and
tried again soon; since its pages are already stored, the retry publishes them.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from api.knowledge_sync import PublishRefusedError, sync_knowledge
from api.quality_gate import QualityGate
from api.services import IngestBusyError, Services
from api.sources.fetcher import Fetcher, FetchPolicy
from api.sources.staff_alerts import queue_page_alerts
from bot.conversation import leases
from knowledge.web.pages import WebPages
from knowledge.web.proposals import Proposals
from knowledge.web.sources import RunReport, WebSource, WebSources

if TYPE_CHECKING:  # the crawl imports the extractor (trafilatura, dateparser): loaded at the first sync
    from api.sources.crawl import Crawl, PageChange

log = logging.getLogger(__name__)

LEASE = dt.timedelta(hours=2)
"""Longer than a sync of the largest source takes; a holder that dies on this host is replaced at once."""
RETRY_AFTER_BUSY = dt.timedelta(minutes=2)
RENEW_SECONDS = 60.0
"""How often a running crawl extends its lease."""


class LeaseLostError(RuntimeError):
    """Another process took the source over (this one was frozen past its lease): stop crawling."""


@dataclass(frozen=True)
class SyncResult:
    """What one sync did: its stored run, its report, and what it told the staff."""

    run_id: int
    report: RunReport
    alerts_queued: int
    proposals: int


def fetch_policy(services: Services) -> FetchPolicy:
    """The fetcher's limits, from the settings."""
    sources = services.settings.sources
    return FetchPolicy(
        user_agent=sources.user_agent, max_bytes=int(sources.max_page_mb * 1024 * 1024),
        timeout_seconds=sources.timeout_seconds, max_redirects=sources.max_redirects,
        allow_networks=tuple(sources.allow_networks), host_interval_seconds=sources.host_interval_seconds,
    )  # fmt: skip


class SourceSync:
    """Syncs the sources of one deployment (any process may run one; leases keep them apart)."""

    def __init__(self, services: Services, gate: QualityGate | None = None) -> None:
        self.services = services
        self.sources = WebSources(services.sessions, services.now)
        self.pages = WebPages(services.sessions, services.now)
        self.proposals = Proposals(services.sessions, services.now)
        self.gate = gate if gate is not None else QualityGate.from_settings(services.settings.quality)

    def run_due(self) -> int:
        """Sync every due source nobody else is syncing; returns how many ran (the schedule's tick)."""
        ran = 0
        for source_id in self.sources.due():
            if self.sync(source_id, when_due=True) is not None:
                ran += 1
        return ran

    def sync(self, source_id: int, *, when_due: bool = False) -> SyncResult | None:
        """Sync one source now (or, ``when_due``, only if due); ``None`` when another process holds it."""
        holder = leases.new_claim()
        source = self.sources.claim(source_id, holder, LEASE, due_only=when_due, is_free=leases.is_free)
        if source is None:
            return None
        report = RunReport(source.id, self.services.now())
        crawl = self._crawl(source, report, holder)
        retry_in: dt.timedelta | None = None
        alerts = proposals = 0
        try:
            with Fetcher(fetch_policy(self.services)) as fetcher:
                crawl.fetcher = fetcher
                crawl.run()
            # What the crawl stored is told now, whatever the publish does: a retry finds the
            # pages unchanged and would never announce them.
            alerts = queue_page_alerts(self.services, source, crawl.result.changes)
            proposals = self._propose(crawl.result.changes)
            if report.changed or self._unpublished(source.id):
                retry_in = self._publish(report)
        except Exception as exc:  # a bug, a lost lease or database: a logged run, never a held lease
            log.exception("sync of web source %s failed", source.id)
            report.outcome, report.message = "failed", f"{type(exc).__name__}: {exc}"
            retry_in = RETRY_AFTER_BUSY
        finally:
            run_id = self.sources.finish(report, holder, retry_in=retry_in)
        return SyncResult(run_id, report, alerts, proposals)

    def _crawl(self, source: WebSource, report: RunReport, holder: str) -> Crawl:
        from api.sources.crawl import Crawl

        settings = self.services.settings.sources
        renewed = [time.monotonic()]

        def heartbeat() -> None:
            """Keep the lease while the crawl runs (a large source outlasts one lease)."""
            if time.monotonic() - renewed[0] < RENEW_SECONDS:
                return
            if not self.sources.extend(source.id, holder, LEASE):
                raise LeaseLostError(f"source {source.id} was taken over by another process")
            renewed[0] = time.monotonic()

        return Crawl(
            source, None, self.pages, report, grace_seconds=settings.retire_after_days * 86400,
            max_query_variants=settings.max_query_variants, heartbeat=heartbeat,
        )  # fmt: skip

    def _unpublished(self, source_id: int) -> bool:
        """The last run stored pages it could not publish."""
        runs = self.sources.runs(source_id, limit=1)
        return bool(runs) and runs[0].outcome in ("busy", "not_published", "failed")

    def _publish(self, report: RunReport) -> dt.timedelta | None:
        """Write the pages into the web folder and ingest it; returns when to retry if it could not."""
        started = time.perf_counter()
        folder = self.services.settings.web_dir
        try:
            # The folder is written under the ingest lock: another process's ingest never reads it half-written.
            prepare = functools.partial(self.pages.materialise, folder)
            outcome = sync_knowledge(self.services, [folder], gate=self.gate, prepare=prepare)
        except IngestBusyError as exc:
            report.outcome, report.message = "busy", str(exc)
            return RETRY_AFTER_BUSY
        except PublishRefusedError as exc:
            report.outcome, report.message = "not_published", str(exc)
            return None
        finally:
            report.seconds_indexing += time.perf_counter() - started
        failed = [f"{failure.source}: {failure.message}" for failure in outcome.report.failed]
        if failed:
            report.message = "; ".join(failed)[:2000]
        return None

    def _propose(self, changes: list[PageChange]) -> int:
        """A catalog proposal for each call or mission page whose reading is new."""
        proposed = 0
        for change in changes:
            if change.fields is None or change.outcome not in ("added", "changed"):
                continue
            fields = proposal_fields(change)
            if self.proposals.propose(change.page.id, change.page.url, fields) is not None:
                proposed += 1
        return proposed


def proposal_fields(change: PageChange) -> dict[str, object]:
    """What a page says of its call or mission, as the proposal shows it to staff."""
    found = change.fields
    assert found is not None
    return {
        "kind": change.page.kind or found.kind, "title": change.page.title, "url": change.page.url,
        "language": change.page.language, "opens": found.opens.isoformat() if found.opens else None,
        "deadline": found.deadline.isoformat() if found.deadline else None, "amounts": list(found.amounts),
        "countries": list(found.countries), "sectors": list(found.sectors), "publisher": change.publisher,
        "starts": found.starts.isoformat() if found.starts else None,
        "ends": found.ends.isoformat() if found.ends else None,
    }  # fmt: skip
