"""The pages a web source fed into the knowledge base, kept in the database so that every
process finds them, and written into a folder the ingest reads.

A page is stored as the document the ingest will read: an HTML page as Markdown with front
matter (its main text only, ``knowledge.web.extract``), a PDF or DOCX as fetched, with its
public address in a hidden sidecar (``knowledge.loaders.sidecar``). With the validators the
server gave (ETag, Last-Modified) and the hash of what was stored, an unchanged page costs a
conditional request and no embedding. A page the site stops serving is ``missing`` first and
retired (deleted, so the next ingest prunes it) only after a grace period: a site down for a
day does not empty the knowledge base.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import (
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    delete,
    func,
    select,
)
from sqlalchemy.orm import Mapped, Session, defer, mapped_column, sessionmaker

from knowledge.database import Base, as_utc
from knowledge.loaders.sidecar import sidecar_path
from knowledge.uploads import read_ledger, write_atomically

PageStatus = str  # "live" | "missing"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SUFFIXES = {"text/markdown": ".md", "application/pdf": ".pdf", DOCX: ".docx"}
LEDGER = ".sportello-web.json"
MAX_LINKS = 500


class WebPageRow(Base):
    __tablename__ = "web_pages"
    __table_args__ = (UniqueConstraint("source_id", "url", name="uq_web_pages_source_url"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("web_sources.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(Text)
    file_name: Mapped[str] = mapped_column(String(200), unique=True)
    media_type: Mapped[str] = mapped_column(String(100))
    title: Mapped[str | None] = mapped_column(String(500))
    language: Mapped[str | None] = mapped_column(String(5))
    kind: Mapped[str | None] = mapped_column(String(20))
    deadline: Mapped[dt.date | None] = mapped_column(Date)
    etag: Mapped[str | None] = mapped_column(String(300))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    content_sha: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(10), default="live")
    fetched_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    missing_since: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    links_json: Mapped[str] = mapped_column(Text, default="[]")
    """The page's links when last fetched: a 304 says the page, and so its links, did not change."""


@dataclass(frozen=True)
class WebPage:
    """A stored page, without its content."""

    id: int
    source_id: int
    url: str
    file_name: str
    media_type: str
    title: str | None
    language: str | None
    kind: str | None
    deadline: dt.date | None
    etag: str | None
    last_modified: str | None
    content_sha: str
    status: PageStatus
    fetched_at: dt.datetime
    changed_at: dt.datetime
    missing_since: dt.datetime | None
    last_error: str | None
    links: tuple[str, ...] = ()


@dataclass(frozen=True)
class FetchedPage:
    """What a sync read for one URL, ready to store."""

    url: str
    media_type: str
    content: bytes
    title: str | None = None
    language: str | None = None
    kind: str | None = None
    deadline: dt.date | None = None
    etag: str | None = None
    last_modified: str | None = None
    links: tuple[str, ...] = ()


def file_name_for(source_id: int, url: str, media_type: str) -> str:
    """A stable, safe file name for a page: its source, host and path, and a hash of the whole URL
    (two URLs never share a file; the same URL always gets the same one)."""
    parts = urlsplit(url)
    slug = re.sub(r"[^a-z0-9]+", "-", f"{parts.hostname or ''} {parts.path}".lower()).strip("-")[:80] or "page"
    digest = hashlib.sha1(url.encode("utf-8")).hexdigest()[:12]
    return f"source-{source_id}/{slug}-{digest}{SUFFIXES[media_type]}"


class WebPages:
    """Pages per source: store what changed, notice what is missing, retire after the grace period."""

    def __init__(self, sessions: sessionmaker[Session], now: Callable[[], dt.datetime]) -> None:
        self._sessions = sessions
        self._now = now

    def of(self, source_id: int) -> list[WebPage]:
        """A source's pages, by URL."""
        query = select(WebPageRow).where(WebPageRow.source_id == source_id).order_by(WebPageRow.url)
        query = query.options(defer(WebPageRow.content))  # a listing, not the pages' bytes
        with self._sessions() as session:
            return [_page(row) for row in session.scalars(query)]

    def count(self, source_id: int) -> int:
        """How many pages a source has."""
        with self._sessions() as session:
            query = select(func.count()).select_from(WebPageRow).where(WebPageRow.source_id == source_id)
            return int(session.scalar(query) or 0)

    def get(self, page_id: int) -> WebPage | None:
        """One page, or ``None``."""
        with self._sessions() as session:
            row = session.get(WebPageRow, page_id)
            return _page(row) if row is not None else None

    def content(self, page_id: int) -> bytes | None:
        """What was stored for a page (Markdown, PDF or DOCX bytes)."""
        with self._sessions() as session:
            return session.scalar(select(WebPageRow.content).where(WebPageRow.id == page_id))

    def store(self, source_id: int, page: FetchedPage) -> tuple[str, WebPage]:
        """Keep what was fetched: ``("added" | "changed" | "unchanged", page)``. A page whose content
        hash is unchanged (the server sent it again) only refreshes its validators."""
        now = self._now()
        sha = hashlib.sha256(page.content).hexdigest()
        with self._sessions.begin() as session:
            row = session.scalar(
                select(WebPageRow).where(WebPageRow.source_id == source_id, WebPageRow.url == page.url)
            )
            if row is None:
                row = WebPageRow(
                    source_id=source_id, url=page.url, file_name=file_name_for(source_id, page.url, page.media_type),
                    changed_at=now, content_sha="",
                )  # fmt: skip
                session.add(row)
                outcome = "added"
            else:
                outcome = "unchanged" if row.content_sha == sha and row.media_type == page.media_type else "changed"
            if outcome != "unchanged":
                row.media_type, row.content, row.content_sha, row.changed_at = page.media_type, page.content, sha, now
                row.file_name = file_name_for(source_id, page.url, page.media_type)
                row.title = page.title[:500] if page.title else None  # a site's title has no length limit; ours has
                row.language, row.kind, row.deadline = page.language, page.kind, page.deadline
            # Validators longer than the columns are dropped, not cut: a cut one would never match again.
            row.etag = page.etag if page.etag and len(page.etag) <= 300 else None
            row.last_modified = page.last_modified if page.last_modified and len(page.last_modified) <= 100 else None
            row.fetched_at = now
            row.links_json = json.dumps(list(page.links[:MAX_LINKS]))
            row.status, row.missing_since, row.last_error = "live", None, None
            session.flush()
            return outcome, _page(row)

    def not_modified(self, page_id: int) -> None:
        """The server answered 304: the page is live and as stored."""
        with self._sessions.begin() as session:
            row = session.get(WebPageRow, page_id)
            if row is not None:
                row.fetched_at, row.status, row.missing_since, row.last_error = self._now(), "live", None, None

    def failed(self, page_id: int, error: str) -> None:
        """A fetch failed for a reason that says nothing of the page (timeout, 500): kept as it was."""
        with self._sessions.begin() as session:
            row = session.get(WebPageRow, page_id)
            if row is not None:
                row.last_error = error[:1000]

    def missing(self, page_id: int, reason: str, grace: dt.timedelta) -> bool:
        """The site no longer serves or lists the page: mark it, and retire it (delete its row) once
        it has been missing for ``grace``; returns whether it was retired."""
        now = self._now()
        with self._sessions.begin() as session:
            row = session.get(WebPageRow, page_id)
            if row is None:
                return False
            if row.missing_since is None:
                row.status, row.missing_since = "missing", now
            row.last_error = reason[:1000]
            if now - as_utc(row.missing_since) >= grace:
                session.delete(row)
                return True
            return False

    def materialise(self, folder: Path) -> list[str]:
        """Make ``folder`` hold exactly the stored pages (one file each, and each PDF's or DOCX's
        sidecar); returns the names written or removed. The folder is the sync's own: files it did
        not write are left alone, files it wrote for a page now retired are removed."""
        changed: list[str] = []
        ledger_path = folder / LEDGER
        ledger = read_ledger(ledger_path)
        with self._sessions() as session:
            listing = session.execute(select(WebPageRow.id, WebPageRow.file_name, WebPageRow.content_sha)).all()
        wanted = {name: (page_id, sha) for page_id, name, sha in listing}
        for name, (page_id, sha) in wanted.items():
            target = folder / name
            if ledger.get(name) == sha and target.is_file():
                continue
            with self._sessions() as session:
                row = session.get(WebPageRow, page_id)
                if row is None:
                    continue  # retired meanwhile
                write_atomically(target, row.content)
                if row.media_type != "text/markdown":
                    meta = {"url": row.url, "title": row.title, "language": row.language, "kind": row.kind}
                    write_atomically(sidecar_path(target), json.dumps(meta, ensure_ascii=False).encode())
            ledger[name] = sha
            changed.append(name)
        for name in [name for name in ledger if name not in wanted]:
            for path in (folder / name, sidecar_path(folder / name)):
                path.unlink(missing_ok=True)
            del ledger[name]
            changed.append(name)
        if changed or not ledger_path.is_file():
            write_atomically(ledger_path, json.dumps(ledger, sort_keys=True).encode())
        return changed

    def forget_source(self, source_id: int) -> None:
        """Drop a source's pages (its rows go with the source anyway; this is for a reset)."""
        with self._sessions.begin() as session:
            session.execute(delete(WebPageRow).where(WebPageRow.source_id == source_id))


def _page(row: WebPageRow) -> WebPage:
    return WebPage(
        id=row.id, source_id=row.source_id, url=row.url, file_name=row.file_name, media_type=row.media_type,
        title=row.title, language=row.language, kind=row.kind, deadline=row.deadline, etag=row.etag,
        last_modified=row.last_modified, content_sha=row.content_sha, status=row.status,
        fetched_at=as_utc(row.fetched_at), changed_at=as_utc(row.changed_at),
        missing_since=as_utc(row.missing_since) if row.missing_since else None, last_error=row.last_error,
        links=tuple(json.loads(row.links_json or "[]")),
    )  # fmt: skip
