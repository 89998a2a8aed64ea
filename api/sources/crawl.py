"""One pass over one web source: which URLs belong to it, fetch each (conditionally), keep
what changed, and notice what is gone.

- ``page``: the page and the pages it links to on the same site, breadth first, to
  ``max_depth`` links away; documents (PDF, DOCX) a kept page links to are fetched too,
  wherever they are.
- ``sitemap``: the URLs a sitemap (or sitemap index) lists; a URL it stops listing is gone.
- ``feed``: the items of an RSS or Atom feed; an item that leaves the feed is re-checked,
  not dropped, since feeds only show the latest items.

Every source is bounded: ``max_pages`` URLs a sync, a few query-string variants of one path
(an endless calendar stops there), the fetcher's own caps on size, time and redirects.
Pages the previous syncs kept and this one did not reach are fetched again, so a 404 or a
410 is what retires a page (after the grace period), never a crawl that stopped early.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from api.sources.fetcher import FEED_TYPES, PAGE_TYPES, Fetcher, FetchError, FetchResult
from knowledge.errors import EmptyDocumentError, KnowledgeError
from knowledge.web.call_fields import CallFields, detect_call_fields
from knowledge.web.extract import extract_page, render_markdown
from knowledge.web.feeds import parse_feed_or_sitemap
from knowledge.web.markup import page_links
from knowledge.web.pages import FetchedPage, WebPage, WebPages
from knowledge.web.sources import RunReport, WebSource

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
DOCUMENT_TYPES = PAGE_TYPES - HTML_TYPES
MAX_CHILD_SITEMAPS = 20
REFUSALS = frozenset({"robots", "private_address", "bad_url", "content_type", "too_large", "encoding"})
"""Fetch errors that are a decision (ours or the site's), logged as ``refused`` rather than ``failed``."""


@dataclass(frozen=True)
class PageChange:
    """A page this pass added, changed or found gone, with what its text said before and now."""

    page: WebPage
    outcome: str
    before: WebPage | None
    fields: CallFields | None = None
    reason: str = ""
    publisher: str | None = None


@dataclass
class CrawlResult:
    """What the pass changed (for alerts and catalog proposals)."""

    changes: list[PageChange] = field(default_factory=list)


class Crawl:
    """One sync pass of ``source``; store through ``pages``, log into ``report``."""

    def __init__(
        self, source: WebSource, fetcher: Fetcher | None, pages: WebPages, report: RunReport, *,
        grace_seconds: float, max_query_variants: int = 3, heartbeat: Callable[[], None] = lambda: None,
    ) -> None:  # fmt: skip
        self.source = source
        self.fetcher = fetcher
        """Set before ``run`` (the sync opens it around the crawl)."""
        self.pages = pages
        self.report = report
        self.grace_seconds = grace_seconds
        self.max_query_variants = max_query_variants
        self.known = {page.url: page for page in pages.of(source.id)}
        self.heartbeat = heartbeat
        """Called before each fetch: keeps the source's lease (and raises when it was lost)."""
        self.start = normalised(source.url) or source.url
        self.site = urlsplit(self.start).netloc.lower()
        """The site a page source stays on: the start page's host, after its redirects."""
        self.result = CrawlResult()
        self._seen: set[str] = set()
        self._variants: dict[tuple[str, str], int] = {}

    def run(self) -> CrawlResult:
        """Discover, fetch and store; then re-check what was kept before and not reached."""
        if self.source.mode == "page":
            self._walk([(self.start, 0)], follow=True)
        else:
            listing = self._listed_urls()
            if listing is None:
                return self.result  # the sitemap or feed itself failed: nothing is concluded
            listed, complete = listing
            self._walk([(url, 0) for url in listed], follow=False)
            if self.source.mode == "sitemap" and complete:  # only a listing read whole says a page left it
                for url in [u for u in self.known if u not in self._seen and u not in listed]:
                    self._gone(self.known[url], "no longer in the sitemap")
        # Pages kept before and not reached this time are asked again, whatever the page limit:
        # only the site's answer retires a page, never a crawl that stopped early.
        stale = sorted((p for u, p in self.known.items() if u not in self._seen), key=lambda p: p.fetched_at)
        for page in stale:
            self._visit(page.url, follow=False, same_site=False, recheck=True)
        return self.result

    def _walk(self, start: list[tuple[str, int]], *, follow: bool) -> None:
        queue = deque(start)
        while queue and len(self._seen) < self.source.max_pages:
            url, depth = queue.popleft()
            same_site = self.source.mode == "page" and depth > 0
            links = self._visit(url, follow=follow and depth < self.source.max_depth, same_site=same_site)
            queue.extend((link, depth + 1) for link in links)

    def _admit(self, url: str, same_site: bool, recheck: bool = False) -> str | None:
        """The URL normalised if this pass should fetch it, else ``None``."""
        normal = normalised(url)
        if normal is None or normal in self._seen:
            return None
        if recheck:
            return normal
        parts = urlsplit(normal)
        if len(self._seen) >= self.source.max_pages:
            return None
        if same_site and parts.netloc != self.site:
            return None
        if normal != self.start and not self.source.wants(normal):
            return None
        if parts.query:
            key = (parts.netloc.lower(), parts.path)
            if self._variants.get(key, 0) >= self.max_query_variants:
                return None
            self._variants[key] = self._variants.get(key, 0) + 1
        return normal

    def _visit(self, url: str, *, follow: bool, same_site: bool, recheck: bool = False) -> list[str]:
        """Fetch one URL and keep it; returns the links to follow (and fetches its documents)."""
        normal = self._admit(url, same_site=same_site, recheck=recheck)
        if normal is None:
            return []
        self._seen.add(normal)
        known = self.known.get(normal)
        result = self._fetch(normal, known, PAGE_TYPES)
        if result is None:
            return []
        if normal == self.start and self.source.mode == "page":
            self.site = urlsplit(result.url).netloc.lower()  # "cluster.example" redirected to "www.…"
        if result.not_modified and known is not None:
            self.pages.not_modified(known.id)
            self.report.note(normal, "unchanged", "not modified (304)")
            for document in known.links:
                if _is_document(document):
                    self._visit(document, follow=False, same_site=False)
            return [link for link in known.links if not _is_document(link)] if follow else []
        if result.content_type in HTML_TYPES:
            return self._keep_html(normal, result, known, follow)
        title = urlsplit(normal).path.rsplit("/", 1)[-1].rsplit(".", 1)[0].replace("-", " ").replace("_", " ")
        fetched = FetchedPage(
            normal, result.content_type, result.body, title=title or None, language=self.source.language,
            kind=self.source.kind, etag=result.etag, last_modified=result.last_modified,
        )  # fmt: skip
        self._store(fetched, known, None)
        return []

    def _keep_html(self, url: str, result: FetchResult, known: WebPage | None, follow: bool) -> list[str]:
        started = time.perf_counter()
        try:
            page = extract_page(result.body, result.url)
        except EmptyDocumentError:  # a hub of links: followed, not indexed
            links = page_links(result.body, result.url) if follow else ()
            self.report.seconds_extracting += time.perf_counter() - started
            if known is not None:  # its old text is no longer on the site
                self._gone(known, "the page no longer has text of its own")
            self.report.note(url, "skipped", "no text of its own, only links" + (" (followed)" if links else ""))
            return [link for link in links if not _is_document(link)]
        except KnowledgeError as exc:
            self.report.seconds_extracting += time.perf_counter() - started
            self.report.note(url, "failed", str(exc))
            return []
        if page.canonical_url and urlsplit(page.canonical_url).netloc.lower() != urlsplit(result.url).netloc.lower():
            page = dataclasses.replace(page, canonical_url=None)  # a page may not send citations to another site
        if page.title and page.publisher and page.publisher.casefold() not in page.title.casefold():
            # Whose page it is names it: "the Bergamo chamber's fair grant" must find the chamber's page.
            page = dataclasses.replace(page, title=f"{page.title} — {page.publisher}")
        fields = detect_call_fields(page.title or "", page.text, self.source.language or page.language)
        kind = self.source.kind or fields.kind
        text = render_markdown(page, url, kind=kind, language=self.source.language)
        self.report.seconds_extracting += time.perf_counter() - started
        language = self.source.language or page.language
        fetched = FetchedPage(
            url, "text/markdown", text.encode("utf-8"), title=page.title, language=language, kind=kind,
            deadline=fields.deadline, etag=result.etag, last_modified=result.last_modified, links=tuple(page.links),
        )  # fmt: skip
        self._store(fetched, known, fields if kind in ("call", "mission") else None, page.publisher)
        for document in page.documents:  # documents of a kept page are sources of their own
            self._visit(document, follow=False, same_site=False)
        return [link for link in page.links if link not in page.documents] if follow else []

    def _store(
        self, fetched: FetchedPage, known: WebPage | None, fields: CallFields | None, publisher: str | None = None
    ) -> None:
        outcome, page = self.pages.store(self.source.id, fetched)
        self.report.note(fetched.url, outcome)
        if outcome != "unchanged" or (known is not None and known.status == "missing"):
            self.result.changes.append(PageChange(page, outcome, known, fields, publisher=publisher))

    def _fetch(self, url: str, known: WebPage | None, accept: frozenset[str]) -> FetchResult | None:
        self.heartbeat()
        started = time.perf_counter()
        try:
            etag, modified = (known.etag, known.last_modified) if known is not None else (None, None)
            assert self.fetcher is not None, "the crawl runs with a fetcher"
            result = self.fetcher.fetch(url, accept=accept, etag=etag, last_modified=modified)
        except FetchError as exc:
            self._fetch_failed(url, known, exc)
            return None
        finally:
            self.report.seconds_fetching += time.perf_counter() - started
        self.report.bytes_fetched += len(result.body)
        return result

    def _fetch_failed(self, url: str, known: WebPage | None, error: FetchError) -> None:
        if known is not None and (error.code == "gone" or not error.temporary):
            # 404/410, and what will not pass again (403, robots now disallowing, another type):
            # missing, retired after the grace period. A timeout or a 500 says nothing of the page.
            self._gone(known, str(error))
        elif known is not None:
            self.pages.failed(known.id, str(error))
            self.report.note(url, "failed", f"{error} (the page is kept as it was)")
        else:
            self.report.note(url, "refused" if error.code in REFUSALS else "failed", str(error))

    def _gone(self, page: WebPage, reason: str) -> None:
        self._seen.add(page.url)
        retired = self.pages.missing(page.id, reason, dt.timedelta(seconds=self.grace_seconds))
        self.report.note(page.url, "retired" if retired else "missing", reason)
        if retired or page.status != "missing":
            self.result.changes.append(PageChange(page, "retired" if retired else "missing", page, reason=reason))

    def _listed_urls(self) -> tuple[list[str], bool] | None:
        """The URLs a sitemap (and its child sitemaps) or a feed lists, and whether it was read whole
        (every child sitemap read, nothing cut at a limit); ``None`` if it could not be read at all."""
        urls: list[str] = []
        complete = True
        limit = self.source.max_pages * 2
        pending, visited = deque([self.start]), 0
        while pending:
            if visited > MAX_CHILD_SITEMAPS:
                complete = False
                break
            address = pending.popleft()
            visited += 1
            result = self._fetch(address, None, FEED_TYPES | frozenset({"text/plain"}))
            if result is None:
                if address == self.start:
                    self.report.outcome, self.report.message = "failed", f"could not read {address}"
                    return None
                complete = False
                continue
            try:
                listing = parse_feed_or_sitemap(result.body, result.url, max_urls=limit)
            except KnowledgeError as exc:
                self.report.note(address, "failed", str(exc))
                if address == self.start:
                    self.report.outcome, self.report.message = "failed", str(exc)
                    return None
                complete = False
                continue
            complete = complete and len(listing.urls) < limit
            urls.extend(url for url in map(normalised, listing.urls) if url is not None)
            pending.extend(listing.sitemaps)
        return list(dict.fromkeys(urls)), complete


def normalised(url: str) -> str | None:
    """``url`` as pages are keyed: http(s) only, host lowercased, no fragment, "/" for an empty path."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return urlunsplit((parts.scheme, parts.netloc.lower(), parts.path or "/", parts.query, ""))


def _is_document(url: str) -> bool:
    return urlsplit(url).path.lower().endswith((".pdf", ".docx"))
