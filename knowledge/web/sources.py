"""Web sources an admin follows (a page and what it links to, a sitemap, a feed) and the log of
each sync: what the knowledge base was fed from the web, and when.

A source is synced by one process at a time: ``claim_due`` leases it with a conditional update
(any database, any number of processes) and ``finish`` ends the lease and schedules the next
run. A process that dies mid-sync leaves the lease to run out; the next claim takes it over.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Integer, String, Text, delete, func, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from knowledge.database import Base, as_utc
from knowledge.documents import KINDS

SourceMode = Literal["page", "sitemap", "feed"]
SOURCE_MODES: tuple[SourceMode, ...] = ("page", "sitemap", "feed")
KEPT_RUNS = 50
"""Runs kept per source: the log of the last weeks, not of every run ever made."""
MAX_LOG_ENTRIES = 500
"""A run's log keeps this many page entries (failures first): enough to act on, bounded for a huge site."""


class SourceError(ValueError):
    """A source that cannot be added as given (the message says which field and why)."""


class WebSourceRow(Base):
    __tablename__ = "web_sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    url: Mapped[str] = mapped_column(Text)
    mode: Mapped[str] = mapped_column(String(10))
    include: Mapped[str] = mapped_column(Text, default="")
    exclude: Mapped[str] = mapped_column(Text, default="")
    max_pages: Mapped[int] = mapped_column(Integer)
    max_depth: Mapped[int] = mapped_column(Integer)
    language: Mapped[str | None] = mapped_column(String(5))
    kind: Mapped[str | None] = mapped_column(String(20))
    every_hours: Mapped[float] = mapped_column(Float)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    next_sync_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    leased_by: Mapped[str | None] = mapped_column(String(120))
    leased_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class WebSyncRunRow(Base):
    __tablename__ = "web_sync_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("web_sources.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    counts_json: Mapped[str] = mapped_column(Text)
    log_json: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(20))
    message: Mapped[str] = mapped_column(Text, default="")


@dataclass(frozen=True)
class WebSource:
    """A followed source, as an admin set it up."""

    id: int
    url: str
    mode: SourceMode
    include: tuple[str, ...]
    exclude: tuple[str, ...]
    max_pages: int
    max_depth: int
    language: str | None
    kind: str | None
    every_hours: float
    enabled: bool
    created_at: dt.datetime
    next_sync_at: dt.datetime

    def wants(self, url: str) -> bool:
        """Whether a discovered ``url`` belongs to this source: matching an include pattern (any,
        when none is set) and no exclude pattern. Patterns are regular expressions searched in the URL."""
        if any(re.search(pattern, url) for pattern in self.exclude):
            return False
        return not self.include or any(re.search(pattern, url) for pattern in self.include)


@dataclass(frozen=True)
class LogEntry:
    """What happened to one URL in a run: ``added``, ``changed``, ``unchanged``, ``failed``,
    ``refused`` (robots, address, type, size), ``skipped`` (no text of its own: a page of links),
    ``missing`` (gone, in its grace period), ``retired``."""

    url: str
    outcome: str
    message: str = ""


@dataclass
class RunReport:
    """One sync of one source; ``counts`` is per outcome, plus bytes fetched and seconds spent."""

    source_id: int
    started_at: dt.datetime
    entries: list[LogEntry] = field(default_factory=list)
    bytes_fetched: int = 0
    seconds_fetching: float = 0.0
    seconds_extracting: float = 0.0
    seconds_indexing: float = 0.0
    outcome: str = "ok"
    message: str = ""

    def note(self, url: str, outcome: str, message: str = "") -> None:
        """Record what happened to ``url``."""
        self.entries.append(LogEntry(url, outcome, message[:500]))

    def count(self, outcome: str) -> int:
        """How many URLs ended with ``outcome``."""
        return sum(1 for entry in self.entries if entry.outcome == outcome)

    @property
    def changed(self) -> bool:
        """Whether the knowledge base must be re-ingested."""
        return any(entry.outcome in ("added", "changed", "retired") for entry in self.entries)

    def counts(self) -> dict[str, Any]:
        """Per outcome, and what the run cost."""
        outcomes = ("added", "changed", "unchanged", "failed", "refused", "skipped", "missing", "retired")
        counts: dict[str, Any] = {name: self.count(name) for name in outcomes}
        counts["fetched"] = counts["added"] + counts["changed"] + counts["unchanged"]
        counts["bytes"] = self.bytes_fetched
        counts["seconds"] = {
            "fetching": round(self.seconds_fetching, 3),
            "extracting": round(self.seconds_extracting, 3),
            "indexing": round(self.seconds_indexing, 3),
        }
        return counts


@dataclass(frozen=True)
class SyncRunRecord:
    """A stored run, for the console and the CLI."""

    id: int
    source_id: int
    started_at: dt.datetime
    finished_at: dt.datetime
    counts: dict[str, Any]
    entries: list[LogEntry]
    outcome: str
    message: str


class WebSources:
    """The followed sources and their run log; every call commits before it returns."""

    def __init__(self, sessions: sessionmaker[Session], now: Callable[[], dt.datetime]) -> None:
        self._sessions = sessions
        self._now = now

    def add(
        self,
        url: str,
        mode: SourceMode = "page",
        *,
        include: tuple[str, ...] = (),
        exclude: tuple[str, ...] = (),
        max_pages: int = 200,
        max_depth: int = 2,
        language: str | None = None,
        kind: str | None = None,
        every_hours: float = 24.0,
        created_by: str | None = None,
    ) -> WebSource:
        """Follow a new source (due at once); ``SourceError`` names a field that is not acceptable."""
        _check_source(url, mode, include + exclude, max_pages, max_depth, language, kind, every_hours)
        now = self._now()
        row = WebSourceRow(
            url=url.strip(), mode=mode, include="\n".join(include), exclude="\n".join(exclude),
            max_pages=max_pages, max_depth=max_depth, language=language, kind=kind, every_hours=every_hours,
            enabled=True, created_by=created_by, created_at=now, next_sync_at=now,
        )  # fmt: skip
        with self._sessions.begin() as session:
            session.add(row)
            session.flush()
            return _source(row)

    def get(self, source_id: int) -> WebSource | None:
        """One source, or ``None``."""
        with self._sessions() as session:
            row = session.get(WebSourceRow, source_id)
            return _source(row) if row is not None else None

    def all(self) -> list[WebSource]:
        """Every source, oldest first."""
        with self._sessions() as session:
            return [_source(row) for row in session.scalars(select(WebSourceRow).order_by(WebSourceRow.id))]

    def remove(self, source_id: int) -> bool:
        """Stop following a source; its pages and log go with it (the caller re-ingests)."""
        with self._sessions.begin() as session:
            return bool(session.execute(delete(WebSourceRow).where(WebSourceRow.id == source_id)).rowcount)  # type: ignore[attr-defined]

    def set_enabled(self, source_id: int, enabled: bool) -> bool:
        """Pause or resume the schedule of a source."""
        with self._sessions.begin() as session:
            result = session.execute(update(WebSourceRow).where(WebSourceRow.id == source_id).values(enabled=enabled))
            return bool(result.rowcount)  # type: ignore[attr-defined]

    def request_sync(self, source_id: int) -> None:
        """Make a source due now (the console's "sync now" when a worker runs the schedule)."""
        with self._sessions.begin() as session:
            session.execute(update(WebSourceRow).where(WebSourceRow.id == source_id).values(next_sync_at=self._now()))

    def claim(
        self, source_id: int, holder: str, lease: dt.timedelta, *, due_only: bool = True,
        is_free: Callable[[str | None, dt.datetime | None, dt.datetime], bool] | None = None,
    ) -> WebSource | None:  # fmt: skip
        """Lease one source to ``holder`` unless another holds it (or, with ``due_only``, it is not
        due or is paused); ``None`` when not taken. ``is_free`` may free a lease early (its holder
        is a process known dead). A compare-and-set on the holder, so two processes never both win."""
        now = self._now()
        with self._sessions() as session:
            row = session.get(WebSourceRow, source_id)
            if row is None or (due_only and (not row.enabled or as_utc(row.next_sync_at) > now)):
                return None
            current, until = row.leased_by, as_utc(row.leased_until) if row.leased_until else None
        free = until is None or until <= now or (is_free is not None and is_free(current, until, now))
        if not free:
            return None
        holder_is = WebSourceRow.leased_by.is_(None) if current is None else WebSourceRow.leased_by == current
        with self._sessions.begin() as session:
            taken = session.execute(
                update(WebSourceRow)
                .where(WebSourceRow.id == source_id, holder_is)
                .values(leased_by=holder, leased_until=now + lease)
            ).rowcount  # type: ignore[attr-defined]
            row = session.get(WebSourceRow, source_id) if taken else None
            return _source(row) if row is not None else None

    def extend(self, source_id: int, holder: str, lease: dt.timedelta) -> bool:
        """Extend ``holder``'s lease from now; ``False`` when another process holds the source now."""
        with self._sessions.begin() as session:
            result = session.execute(
                update(WebSourceRow)
                .where(WebSourceRow.id == source_id, WebSourceRow.leased_by == holder)
                .values(leased_until=self._now() + lease)
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]

    def due(self) -> list[int]:
        """Ids of enabled sources whose next sync is due (``claim`` tells whether one is free)."""
        query = select(WebSourceRow.id).where(WebSourceRow.enabled.is_(True), WebSourceRow.next_sync_at <= self._now())
        with self._sessions() as session:
            return list(session.scalars(query.order_by(WebSourceRow.next_sync_at)))

    def finish(self, report: RunReport, holder: str, *, retry_in: dt.timedelta | None = None) -> int:
        """Store the run's log, end ``holder``'s lease and schedule the next run (``retry_in`` after a
        run that could not happen, e.g. an ingest under way); returns the run's id."""
        finished = self._now()
        failures_first = sorted(report.entries, key=lambda e: e.outcome not in ("failed", "refused", "retired"))
        entries = [entry.__dict__ for entry in failures_first[:MAX_LOG_ENTRIES]]
        with self._sessions.begin() as session:
            row = WebSyncRunRow(
                source_id=report.source_id, started_at=report.started_at, finished_at=finished,
                counts_json=json.dumps(report.counts()), log_json=json.dumps(entries, ensure_ascii=False),
                outcome=report.outcome, message=report.message[:2000],
            )  # fmt: skip
            source = session.get(WebSourceRow, report.source_id)
            if source is None:
                return 0  # removed while it synced: its log goes with it
            session.add(row)
            session.flush()
            old_runs = select(WebSyncRunRow.id).where(WebSyncRunRow.source_id == report.source_id)
            kept = old_runs.order_by(WebSyncRunRow.id.desc()).limit(KEPT_RUNS).scalar_subquery()
            session.execute(
                delete(WebSyncRunRow).where(WebSyncRunRow.source_id == report.source_id, WebSyncRunRow.id.not_in(kept))
            )
            if source.leased_by == holder:
                wait = retry_in or dt.timedelta(hours=source.every_hours)
                source.next_sync_at, source.leased_by, source.leased_until = finished + wait, None, None
            session.flush()
            return row.id

    def runs(self, source_id: int, limit: int = 20) -> list[SyncRunRecord]:
        """The latest runs of a source, newest first."""
        query = select(WebSyncRunRow).where(WebSyncRunRow.source_id == source_id)
        with self._sessions() as session:
            rows = session.scalars(query.order_by(WebSyncRunRow.id.desc()).limit(limit))
            return [_run(row) for row in rows]

    def last_runs(self) -> dict[int, SyncRunRecord]:
        """Each source's latest run."""
        latest = select(WebSyncRunRow.source_id, func.max(WebSyncRunRow.id)).group_by(WebSyncRunRow.source_id)
        with self._sessions() as session:
            ids = {source_id: run_id for source_id, run_id in session.execute(latest)}
            if not ids:
                return {}
            rows = session.scalars(select(WebSyncRunRow).where(WebSyncRunRow.id.in_(ids.values())))
            return {row.source_id: _run(row) for row in rows}


def _check_source(  # noqa: PLR0917  (one check per field of ``add``)
    url: str, mode: str, patterns: tuple[str, ...], max_pages: int, max_depth: int,
    language: str | None, kind: str | None, every_hours: float,
) -> None:  # fmt: skip
    if not re.fullmatch(r"https?://[^\s/?#@]+(/\S*)?", url.strip()) or len(url) > 2000:
        raise SourceError("url: an http(s) address without spaces or credentials, up to 2,000 characters")
    if mode not in SOURCE_MODES:
        raise SourceError(f"mode: one of {', '.join(SOURCE_MODES)}")
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise SourceError(f"pattern {pattern!r} is not a regular expression: {exc}") from exc
    if not 1 <= max_pages <= 10_000:
        raise SourceError("max_pages: between 1 and 10,000")
    if not 0 <= max_depth <= 10:
        raise SourceError("max_depth: between 0 and 10")
    if language is not None and not re.fullmatch(r"[a-z]{2}", language):
        raise SourceError("language: a two-letter code such as 'it'")
    if kind is not None and kind not in KINDS:
        raise SourceError(f"kind: one of {', '.join(KINDS)}")
    if not 0.25 <= every_hours <= 24 * 90:
        raise SourceError("every_hours: between 0.25 and 2,160 (90 days)")


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line for line in text.splitlines() if line.strip())


def _source(row: WebSourceRow) -> WebSource:
    return WebSource(
        id=row.id, url=row.url, mode=row.mode,  # type: ignore[arg-type]  # written from SOURCE_MODES
        include=_lines(row.include), exclude=_lines(row.exclude), max_pages=row.max_pages,
        max_depth=row.max_depth, language=row.language, kind=row.kind, every_hours=row.every_hours,
        enabled=row.enabled, created_at=as_utc(row.created_at), next_sync_at=as_utc(row.next_sync_at),
    )  # fmt: skip


def _run(row: WebSyncRunRow) -> SyncRunRecord:
    entries = [LogEntry(**entry) for entry in json.loads(row.log_json)]
    return SyncRunRecord(
        row.id, row.source_id, as_utc(row.started_at), as_utc(row.finished_at), json.loads(row.counts_json),
        entries, row.outcome, row.message,
    )  # fmt: skip
