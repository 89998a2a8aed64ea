"""Sitemaps and feeds give their page links; malformed, hostile or foreign XML is refused by name."""

from __future__ import annotations

import datetime as dt

import pytest

from knowledge.errors import (
    CorruptFileError,
    EmptyDocumentError,
    KnowledgeError,
    OverBudgetError,
    UnsupportedFormatError,
)
from knowledge.web.feeds import MAX_FEED_BYTES, looks_like_feed_or_sitemap, parse_feed_or_sitemap

BASE = "https://cluster.example.org/sitemap.xml"

SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
  <url><loc>https://cluster.example.org/bandi/voucher-2026</loc><lastmod>2026-03-01T10:00:00+01:00</lastmod>
    <image:image><image:loc>https://cluster.example.org/logo.png</image:loc></image:image></url>
  <url><loc> /chi-siamo#team </loc><lastmod>2026-02</lastmod></url>
  <url><loc>https://cluster.example.org/bandi/voucher-2026</loc></url>
  <url><loc>ftp://cluster.example.org/file</loc></url>
  <url><loc>javascript:alert(1)</loc></url>
</urlset>"""

SITEMAP_INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://cluster.example.org/post-sitemap.xml</loc><lastmod>2026-04-02</lastmod></sitemap>
  <sitemap><loc>https://cluster.example.org/page-sitemap.xml</loc></sitemap>
</sitemapindex>"""

RSS = b"""<?xml version="1.0" encoding="ISO-8859-1"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>
  <title>Notizie del cluster</title><link>https://cluster.example.org/</link>
  <atom:link href="https://cluster.example.org/feed" rel="self" type="application/rss+xml"/>
  <item><title>Missione in Giappone</title><link>https://cluster.example.org/news/giappone</link>
    <pubDate>Tue, 10 Feb 2026 09:00:00 +0100</pubDate></item>
  <item><title>Novit\xe0</title><guid isPermaLink="true">https://cluster.example.org/news/novita</guid></item>
  <item><title>Senza link</title><guid isPermaLink="false">tag:cluster,2026:42</guid></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr">
  <title>Actualit\xc3\xa9s</title><link href="https://cluster.example.org/"/>
  <entry><title>Salon</title><link rel="enclosure" href="/media/salon.mp3"/><link href="/actualites/salon"/>
    <published>2026-03-01T08:00:00Z</published><updated>2026-03-05T08:00:00Z</updated></entry>
  <entry><title>Appel</title><link rel="alternate" type="text/html" href="https://cluster.example.org/appel"/></entry>
</feed>"""

RDF = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
  xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://cluster.example.org/"><title>Albo</title></channel>
  <item rdf:about="https://cluster.example.org/albo/1"><link>https://cluster.example.org/albo/1</link>
    <dc:date>2026-01-20</dc:date></item>
</rdf:RDF>"""


def test_a_sitemap_gives_absolute_deduplicated_page_links() -> None:
    links = parse_feed_or_sitemap(SITEMAP, BASE)
    assert links.kind == "sitemap"
    assert links.urls == ("https://cluster.example.org/bandi/voucher-2026", "https://cluster.example.org/chi-siamo")
    assert links.lastmod == {"https://cluster.example.org/bandi/voucher-2026": dt.date(2026, 3, 1)}
    assert links.sitemaps == ()


def test_a_sitemap_index_gives_its_child_sitemaps() -> None:
    links = parse_feed_or_sitemap(SITEMAP_INDEX, BASE)
    assert links.kind == "sitemapindex"
    assert links.urls == ()
    assert links.sitemaps == (
        "https://cluster.example.org/post-sitemap.xml",
        "https://cluster.example.org/page-sitemap.xml",
    )
    assert links.lastmod == {"https://cluster.example.org/post-sitemap.xml": dt.date(2026, 4, 2)}


def test_an_rss_feed_gives_its_items_not_its_channel() -> None:
    links = parse_feed_or_sitemap(RSS, "https://cluster.example.org/feed")
    assert links.kind == "rss"
    assert links.urls == ("https://cluster.example.org/news/giappone", "https://cluster.example.org/news/novita")
    assert links.lastmod == {"https://cluster.example.org/news/giappone": dt.date(2026, 2, 10)}


def test_an_atom_feed_gives_its_alternate_links_and_updated_dates() -> None:
    links = parse_feed_or_sitemap(ATOM, "https://cluster.example.org/atom.xml")
    assert links.kind == "atom"
    assert links.urls == ("https://cluster.example.org/actualites/salon", "https://cluster.example.org/appel")
    assert links.lastmod == {"https://cluster.example.org/actualites/salon": dt.date(2026, 3, 5)}


def test_an_rss_1_0_feed_reads_as_rss() -> None:
    links = parse_feed_or_sitemap(RDF, "https://cluster.example.org/albo.rdf")
    assert (links.kind, links.urls) == ("rss", ("https://cluster.example.org/albo/1",))
    assert links.lastmod == {"https://cluster.example.org/albo/1": dt.date(2026, 1, 20)}


def test_a_huge_sitemap_stops_at_max_urls() -> None:
    entries = b"".join(b"<url><loc>https://a.example/p/%d</loc></url>" % i for i in range(200_000))
    data = b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">' + entries + b"</urlset>"
    links = parse_feed_or_sitemap(data, BASE, max_urls=5000)
    assert len(links.urls) == 5000
    assert links.urls[-1] == "https://a.example/p/4999"


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE urlset [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<urlset><url><loc>https://a.example/&lol3;</loc></url></urlset>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss><channel><item><link>https://a.example/&xxe;</link></item></channel></rss>"""


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (BILLION_LAUGHS, OverBudgetError),
        (EXTERNAL_ENTITY, OverBudgetError),
        (b"<urlset><url><loc>https://a.example/</url></urlset>", CorruptFileError),
        (b'<?xml version="1.0"?><rss><channel><item>', CorruptFileError),
        (b"<!DOCTYPE html><html><head><title>Home</title></head><body><p>Ciao</p></body>", UnsupportedFormatError),
        (b"<html><body><p>Ciao<br></body></html>", UnsupportedFormatError),
        (b'{"urls": ["https://a.example/"]}', UnsupportedFormatError),
        (b'<?xml version="1.0"?><catalog><book/></catalog>', UnsupportedFormatError),
        (b"\x00\x01\x02garbage\xff\xfe", UnsupportedFormatError),
        (b"  \n", EmptyDocumentError),
    ],
    ids=["billion laughs", "external entity", "mismatched tag", "truncated", "html", "broken html", "json",
         "other xml", "binary", "empty"],
)  # fmt: skip
def test_bad_input_is_refused_by_name(data: bytes, error: type[KnowledgeError]) -> None:
    with pytest.raises(error) as caught:
        parse_feed_or_sitemap(data, BASE)
    assert caught.value.source == BASE


def test_input_over_20_mb_is_refused_before_parsing() -> None:
    with pytest.raises(OverBudgetError) as caught:
        parse_feed_or_sitemap(b"<urlset>" + b" " * MAX_FEED_BYTES, BASE)
    assert caught.value.code == "over_limit"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (SITEMAP, True),
        (SITEMAP_INDEX, True),
        (RSS, True),
        (ATOM, True),
        (RDF, True),
        (b"\xef\xbb\xbf<!-- generated by Yoast -->\n<?xml-stylesheet href='s.xsl'?><urlset>", True),
        (b"<!DOCTYPE html><html><body>An RSS <feed> explained</body></html>", False),
        (b'{"feed": []}', False),
        (b"", False),
    ],
)
def test_looks_like_feed_or_sitemap(data: bytes, expected: bool) -> None:
    assert looks_like_feed_or_sitemap(data) is expected
