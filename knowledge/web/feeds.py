"""The page addresses a sitemap, sitemap index, RSS or Atom feed lists, read without trusting it.

The XML comes from a site we do not control, so it is parsed with defusedxml (no entity
expansion, no external entities: a "billion laughs" or an XXE is refused, not expanded) and
streamed, so a sitemap of millions of entries stops at ``max_urls`` instead of building a tree.
Compressed sitemaps (``.xml.gz``) are not read here: the fetcher refuses compressed bodies beyond
HTTP content-encoding, so these bytes are always plain XML.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import io
import re
from dataclasses import dataclass, field
from typing import Literal
from xml.etree.ElementTree import Element  # the type only: parsing goes through defusedxml

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, iterparse

from knowledge.errors import CorruptFileError, EmptyDocumentError, OverBudgetError, UnsupportedFormatError
from knowledge.web.markup import absolute_url

FeedKind = Literal["sitemap", "sitemapindex", "rss", "atom"]

MAX_FEED_BYTES = 20 * 1024 * 1024
_ROOTS: dict[str, FeedKind] = {
    "urlset": "sitemap",
    "sitemapindex": "sitemapindex",
    "rss": "rss",
    "rdf": "rss",  # RSS 1.0: <rdf:RDF> with <item> elements
    "feed": "atom",
}
_ENTRIES = {"url", "sitemap", "item", "entry"}
_SNIFF = re.compile(
    rb"\A(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*\?>\s*)?(?:(?:<!--.*?-->|<\?.*?\?>|<!DOCTYPE[^>]*>)\s*)*"
    rb"<(?:[\w.-]+:)?(?:urlset|sitemapindex|rss|feed|RDF)\b",
    re.DOTALL,
)
_ISO_DAY = re.compile(r"\s*(\d{4})-(\d{2})-(\d{2})")


@dataclass(frozen=True)
class FeedLinks:
    """What a sitemap or feed lists: page addresses, their last changes, and child sitemaps."""

    kind: FeedKind
    urls: tuple[str, ...]
    """Pages (sitemap ``<loc>``, feed item links): absolute http(s), deduplicated, in order, capped."""
    lastmod: dict[str, dt.date] = field(default_factory=dict)
    """The day each page (or child sitemap) last changed, where the file says."""
    sitemaps: tuple[str, ...] = ()
    """The child sitemaps of a sitemap index."""


def looks_like_feed_or_sitemap(data: bytes) -> bool:
    """Whether ``data`` starts like a sitemap, sitemap index, RSS or Atom document (a cheap sniff of the
    first bytes, for telling a feed from an HTML page before parsing)."""
    return _SNIFF.match(data[:4096]) is not None


def parse_feed_or_sitemap(data: bytes, base_url: str, *, max_urls: int = 5000) -> FeedLinks:
    """The links of the sitemap or feed fetched from ``base_url`` (relative links resolve against it).

    Raises ``OverBudgetError`` for more than 20 MB or a document declaring entities, ``CorruptFileError``
    for XML that does not parse, ``UnsupportedFormatError`` for anything that is not one of the four,
    ``EmptyDocumentError`` for no bytes at all. A well-formed file that lists nothing is no error.
    """
    if len(data) > MAX_FEED_BYTES:
        raise OverBudgetError(
            base_url, f"the file is {len(data):,} bytes, over the limit of {MAX_FEED_BYTES:,} for a sitemap or feed"
        )
    if not data.strip():
        raise EmptyDocumentError(base_url, "the file is empty")
    kind: FeedKind | None = None
    urls: dict[str, None] = {}
    sitemaps: dict[str, None] = {}
    lastmod: dict[str, dt.date] = {}
    try:
        for event, element in iterparse(io.BytesIO(data), events=("start", "end")):
            name = _local(element.tag)
            if kind is None:
                kind = _ROOTS.get(name)
                if kind is None:
                    raise UnsupportedFormatError(
                        base_url, f"<{name}> is not a sitemap, sitemap index, RSS or Atom feed"
                    )
            elif event == "end" and name in _ENTRIES:
                link, day = _entry(element, base_url)
                target = sitemaps if name == "sitemap" else urls
                if link and len(target) < max_urls:
                    target[link] = None
                    if day:
                        lastmod.setdefault(link, day)
                element.clear()  # a streamed entry is not kept: memory stays flat
                if len(target) >= max_urls:
                    break
    except DefusedXmlException as exc:
        raise OverBudgetError(
            base_url, f"the XML declares entities or external references ({type(exc).__name__})"
        ) from exc
    except ParseError as exc:
        if kind is None and not looks_like_feed_or_sitemap(data):
            raise UnsupportedFormatError(base_url, "not a sitemap or feed (not XML; an HTML page?)") from exc
        raise CorruptFileError(base_url, f"the XML is not well formed ({exc})") from exc
    if kind is None:  # pragma: no cover - expat reports a document without a root element as a ParseError
        raise UnsupportedFormatError(base_url, "not a sitemap or feed")
    return FeedLinks(kind=kind, urls=tuple(urls), lastmod=lastmod, sitemaps=tuple(sitemaps))


def _entry(element: Element, base_url: str) -> tuple[str | None, dt.date | None]:
    """The link and last-change day of one ``<url>``, ``<sitemap>``, ``<item>`` or ``<entry>``."""
    link: str | None = None
    guid: str | None = None
    day: dt.date | None = None
    dated: dict[str, dt.date] = {}
    for child in element:
        name = _local(child.tag)
        text = (child.text or "").strip()
        if name in ("loc", "link") and link is None:
            # RSS and sitemaps put the address in the text, Atom in href (rel "alternate" or none).
            rel = child.get("rel", "alternate")
            link = absolute_url(base_url, text or (child.get("href", "") if rel == "alternate" else ""))
        elif name == "guid" and child.get("isPermaLink", "true") == "true":
            guid = absolute_url(base_url, text)
        elif name in ("lastmod", "pubdate", "updated", "published", "date", "modified"):
            parsed = _day(text)
            if parsed:
                dated.setdefault(name, parsed)
    for name in ("lastmod", "updated", "modified", "pubdate", "published", "date"):
        if name in dated:
            day = dated[name]
            break
    return link or guid, day


def _day(text: str) -> dt.date | None:
    """A W3C/ISO date (sitemaps, Atom, ``dc:date``) or an RFC 822 one (RSS ``pubDate``)."""
    match = _ISO_DAY.match(text)
    try:
        if match:
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        return email.utils.parsedate_to_datetime(text).date() if text else None
    except (ValueError, TypeError, IndexError):
        return None


def _local(tag: object) -> str:
    """``{http://www.sitemaps.org/schemas/sitemap/0.9}url`` → ``url``; ``rdf:RDF`` → ``rdf``, lower-cased."""
    return str(tag).rsplit("}", 1)[-1].rsplit(":", 1)[-1].lower()
