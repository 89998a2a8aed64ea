"""What a page's markup states about itself: its text decoded, its links, title, language and dates.

Read with lxml from the whole page, before any cleaning: the crawler follows the links of the
menus too. Dates come only from markup that declares them (meta tags, JSON-LD, a ``<time>``
marked as the publication date): a copyright year or a date in the text is never taken for
one, because a wrong publication date is worse than none. Hostile input is bounded before the
parse: size is checked on the bytes, binary data is refused, and libxml2 caps nesting at 256
levels (deeper markup is dropped, not recursed into).
"""

from __future__ import annotations

import codecs
import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urldefrag, urljoin, urlsplit

from lxml import etree
from lxml import html as lxml_html

from knowledge.errors import BinaryContentError, EmptyDocumentError, OverBudgetError

_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*\?>")
_ISO_DAY = re.compile(r"\s*(\d{4})-(\d{2})-(\d{2})")
_LANGUAGE_CODE = re.compile(r"\s*([A-Za-z]{2})(?:[-_][A-Za-z0-9]+)*\s*")
_WORD = re.compile(r"[a-z]+")
_DOCUMENT_SUFFIXES = (".pdf", ".docx")
_MAX_HREF = 2048
_MAX_JSON_LD = 200_000
_PUBLISHED_META = ("article:published_time", "og:published_time", "datepublished", "dcterms.created", "dc.date")
_MODIFIED_META = ("article:modified_time", "og:updated_time", "datemodified", "dcterms.modified")
_PUBLISHED_CLASSES = {"published", "entry-date", "post-date", "pubdate"}
_MODIFIED_CLASSES = {"updated", "modified"}


@dataclass(frozen=True)
class PageMarkup:
    """What the markup of a page declares, apart from its text."""

    title: str | None
    language: str | None
    """Declared (``<html lang>``, ``content-language``, ``og:locale``), two letters; ``None`` if not."""
    canonical_url: str | None
    publisher: str | None
    published: dt.date | None
    modified: dt.date | None
    links: tuple[str, ...]
    documents: tuple[str, ...]


def decode_html(data: bytes | str, source: str, max_chars: int, charset: str | None = None) -> str:
    """The page as text, decoded as a browser would; refuses a page over ``max_chars`` and binary data."""
    if isinstance(data, bytes):
        if len(data) > 4 * max_chars:  # UTF-8 takes at most four bytes a character
            raise _too_large(source, len(data), max_chars)
        text = _decode_bytes(data, charset)
    else:
        text = data
    if len(text) > max_chars:
        raise _too_large(source, len(text), max_chars)
    # Decoded binary data (an image, a gzip body) is full of control characters or U+FFFD.
    head = text[:8192]
    noise = sum(1 for ch in head if (ord(ch) < 32 and ch not in "\t\n\r\f") or ch == "\ufffd")
    if head and noise / len(head) > 0.02:
        raise BinaryContentError(source, "the response holds binary data, not an HTML page")
    return text.replace("\x00", "")


def parse_html(text: str, source: str) -> lxml_html.HtmlElement:
    """The page's tree (comments and processing instructions dropped, nothing fetched)."""
    parser = lxml_html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)
    try:
        return lxml_html.document_fromstring(_XML_DECLARATION.sub("", text, count=1), parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise EmptyDocumentError(source, "no main text on the page") from exc


def read_markup(tree: lxml_html.HtmlElement, url: str, max_links: int) -> PageMarkup:
    """Title, declared language, canonical URL, publisher, dates and links of the page fetched from ``url``."""
    base = _base_url(tree, url)
    links, documents = _links(tree, base, max_links)
    json_ld = list(_json_ld_objects(tree))
    publisher = _meta(tree, "og:site_name", "application-name") or _json_ld_publisher(json_ld)
    return PageMarkup(
        title=_title(tree, publisher),
        language=_declared_language(tree),
        canonical_url=_canonical(tree, base),
        publisher=publisher,
        published=_date(tree, json_ld, _PUBLISHED_META, "datePublished", _PUBLISHED_CLASSES),
        modified=_date(tree, json_ld, _MODIFIED_META, "dateModified", _MODIFIED_CLASSES),
        links=links,
        documents=documents,
    )


def absolute_url(base: str, href: str) -> str | None:
    """``href`` resolved against ``base``, without its fragment; ``None`` unless http(s)."""
    href = href.strip()
    if not href or len(href) > _MAX_HREF:
        return None
    try:
        resolved = urldefrag(urljoin(base, href)).url
        parts = urlsplit(resolved)
    except ValueError:  # "http://[::1" and the like
        return None
    return resolved if parts.scheme in ("http", "https") and parts.hostname else None


def _decode_bytes(data: bytes, charset: str | None) -> str:
    """Decode as a browser would: BOM, then the HTTP charset, then ``<meta charset>``, then UTF-8."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace")
    meta = _META_CHARSET.search(data[:4096])
    declared: str | None = charset or (meta.group(1).decode("ascii") if meta else None)
    known = _known_encoding(declared)
    if known and known != "utf-8":
        return data.decode(known, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # Declared UTF-8 but not quite: keep it, marking the bad bytes. Undeclared: an old
        # Western European page, which browsers read as windows-1252.
        return data.decode("utf-8" if known else "cp1252", errors="replace")


def _known_encoding(name: str | None) -> str | None:
    try:
        encoding = codecs.lookup(name.strip()).name if name else None
    except LookupError:
        return None
    if encoding in ("latin-1", "iso8859-1", "ascii"):
        return "cp1252"  # what every browser does with these labels
    # A page that reached us as ASCII-compatible bytes cannot be UTF-16, whatever its <meta> says.
    return "utf-8" if encoding and encoding.startswith(("utf-16", "utf-32")) else encoding


def _too_large(source: str, size: int, max_chars: int) -> OverBudgetError:
    return OverBudgetError(source, f"the page is {size:,} characters, over the limit of {max_chars:,} for a web page")


def _base_url(tree: lxml_html.HtmlElement, url: str) -> str:
    base = tree.find(".//head/base[@href]")
    return (absolute_url(url, base.get("href", "")) or url) if base is not None else url


def _links(tree: lxml_html.HtmlElement, base: str, cap: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    links: dict[str, None] = {}
    documents: dict[str, None] = {}
    for element in tree.iter("a", "area"):
        href = str(element.get("href") or "")
        # Once ``links`` is full, only a document link is worth resolving (100k anchors cost seconds).
        is_document = href.split("#", 1)[0].split("?", 1)[0].strip().lower().endswith(_DOCUMENT_SUFFIXES)
        if len(links) >= cap and not (is_document and len(documents) < cap):
            continue
        link = absolute_url(base, href)
        if link is None:
            continue
        if len(links) < cap:
            links[link] = None
        if is_document and len(documents) < cap:
            documents[link] = None
    return tuple(links), tuple(documents)


def _canonical(tree: lxml_html.HtmlElement, base: str) -> str | None:
    for link in tree.iterfind(".//link[@rel][@href]"):
        if "canonical" in link.get("rel", "").lower().split():
            return absolute_url(base, link.get("href", ""))
    return None


def _meta(tree: lxml_html.HtmlElement, *names: str) -> str | None:
    """The first non-empty ``<meta property|name|itemprop=…>`` content among ``names`` (in that order)."""
    found: dict[str, str] = {}
    for meta in tree.iterfind(".//meta[@content]"):
        key = _meta_key(meta)
        value = " ".join(meta.get("content", "").split())
        if key in names and value and key not in found:
            found[key] = value
    return next((found[name] for name in names if name in found), None)


def _meta_key(meta: lxml_html.HtmlElement) -> str:
    for attribute in ("property", "name", "itemprop", "http-equiv"):
        value = str(meta.get(attribute) or "")
        if value:
            return value.strip().lower()
    return ""


def _title(tree: lxml_html.HtmlElement, publisher: str | None) -> str | None:
    """The page's own title: its one ``<h1>``, else ``og:title``, else ``<title>`` without the site's name."""
    headings = tree.findall(".//body//h1")
    candidates = [
        _text_of(headings[0]) if len(headings) == 1 else None,
        _meta(tree, "og:title"),
        _text_of(tree.find(".//title")),
    ]
    title = next((c for c in candidates if c), None)
    if title and publisher:
        for separator in (" | ", " - ", " – ", " — ", " :: "):
            title = title.removesuffix(f"{separator}{publisher}")
    return title[:300] if title else None


def _text_of(element: lxml_html.HtmlElement | None) -> str | None:
    return " ".join(element.text_content().split()) or None if element is not None else None


def _declared_language(tree: lxml_html.HtmlElement) -> str | None:
    for value in (tree.get("lang"), tree.get("xml:lang"), _meta(tree, "content-language", "language", "og:locale")):
        match = _LANGUAGE_CODE.fullmatch(value or "")
        if match:
            return match.group(1).lower()
    return None


def _json_ld_objects(tree: lxml_html.HtmlElement) -> Iterator[dict[str, object]]:
    """Every JSON object in the page's JSON-LD blocks, breadth first (``@graph`` included)."""
    for script in tree.iterfind(".//script[@type]"):
        if script.get("type", "").strip().lower() != "application/ld+json" or len(script.text or "") > _MAX_JSON_LD:
            continue
        try:
            pending: list[object] = [json.loads(script.text or "")]
        except (ValueError, RecursionError):
            continue
        while pending:
            item = pending.pop(0)
            if isinstance(item, dict):
                yield item
                pending.extend(v for v in item.values() if isinstance(v, dict | list))
            elif isinstance(item, list):
                pending.extend(item)


def _json_ld_publisher(objects: list[dict[str, object]]) -> str | None:
    for item in objects:
        publisher = item.get("publisher")
        if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
            return " ".join(str(publisher["name"]).split()) or None
    return None


def _date(
    tree: lxml_html.HtmlElement, json_ld: list[dict[str, object]], metas: tuple[str, ...], key: str, classes: set[str]
) -> dt.date | None:
    """A date the page states as metadata: a meta tag, JSON-LD, or a ``<time>`` marked as such.

    A ``<time>`` in the text is not enough (it may well be the deadline): it counts only with
    ``itemprop``, ``pubdate`` or a class such as WordPress's ``entry-date published``.
    """
    values: list[object] = [_meta(tree, *metas)]
    values += [item.get(key) for item in json_ld]
    for time in tree.iter("time"):
        marks = set(_WORD.findall(str(time.get("class", "")).lower()))
        if (
            time.get("itemprop") == key
            or (key == "datePublished" and time.get("pubdate") is not None)
            or marks & classes
        ):
            values.append(time.get("datetime"))
    return next((day for value in values if (day := _iso_day(value)) is not None), None)


def _iso_day(value: object) -> dt.date | None:
    match = _ISO_DAY.match(value) if isinstance(value, str) else None
    if match is None:
        return None
    try:
        day = dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None
    return day if 1990 <= day.year <= 2100 else None


def page_links(data: bytes | str, url: str, *, max_chars: int = 2_000_000, max_links: int = 500) -> tuple[str, ...]:
    """The links of a page that has no main text of its own (a hub of links): the crawl follows
    them though the page is not indexed."""
    return read_markup(parse_html(decode_html(data, url, max_chars), url), url, max_links).links
