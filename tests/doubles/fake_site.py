"""A cluster's website on 127.0.0.1, for the web-source fetcher and sync tests.

``FakeSite`` is a real threaded HTTP/1.1 server serving a mutable ``routes`` dict (path →
:class:`Route`, or a function of the full path, query included, that returns one). It answers
conditional requests (304 when If-None-Match matches the ETag, or else when If-Modified-Since
is not older than Last-Modified) and records every request in ``requests``. Unknown paths are 404.

``cluster_site()`` builds the site of a fictional cluster, in Italian::

    /                                 home: nav menu, cookie banner, links to the pages below
    /bandi/voucher-export-2027        call, "entro il 30 giugno 2027", links the PDF
    /bandi/fiere-internazionali-2027  call, "entro il 15 settembre 2027"
    /chi-siamo                        the cluster's mission
    /notizie/missione-tokyo-2027      news
    /documenti/guida-export.pdf       a real PDF (fpdf2)
    /riservato/verbale-cda            linked from home, disallowed by robots.txt
    /robots.txt  /sitemap.xml (home and the four pages)  /feed.xml (RSS 2.0 of the news)

and the hostile routes, linked from nowhere (except the calendar with ``link_calendar=True``)::

    /giro/a → /giro/b → /giro/a       redirect loop
    /catena/N → /catena/N+1 → … → /catena/10, a page: 10 - N redirects
    /enorme                           50 MB of HTML made on the fly, no Content-Length
    /goccia                           60 bytes of HTML, one per second (slow drip)
    /calendario?mese=N                each month links to the next, forever
    /bomba                            gzip bomb: ~100 KB compressed, 100 MB inflated
    /archivio.zip                     application/zip, dripping (so reading it would take 50 s)
    /metadati → http://169.254.169.254/latest/meta-data/      /interno → http://10.0.0.1/
"""

from __future__ import annotations

import functools
import hashlib
import ssl
import sys
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from fpdf import FPDF

HOME, MISSION, RESERVED = "/", "/chi-siamo", "/riservato/verbale-cda"
BANDO_EXPORT, BANDO_FIERE = "/bandi/voucher-export-2027", "/bandi/fiere-internazionali-2027"
NEWS, PDF = "/notizie/missione-tokyo-2027", "/documenti/guida-export.pdf"
PAGES = (HOME, BANDO_EXPORT, BANDO_FIERE, MISSION, NEWS)
"""The HTML pages the sitemap lists."""
_FIRST_EDIT = 1_767_603_600  # 2026-01-05 09:00 UTC; each edit is an hour later


@dataclass
class Route:
    """How the site answers one path."""

    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    redirect: str | None = None
    """Sent as Location; the status becomes 302 unless ``status`` is already a 3xx."""
    drip: tuple[int, float] | None = None
    """Send the body ``n`` bytes at a time, ``seconds`` apart."""
    delay: float = 0.0
    """Seconds to wait before the status line."""
    stream: Callable[[], Iterable[bytes]] | None = None
    """A body made while sending, instead of ``body``: no Content-Length, the connection closes after it."""


DynamicRoute = Callable[[str], Route]


@dataclass(frozen=True)
class SiteRequest:
    """One request as it arrived: the path with its query, and the headers with lowercased names."""

    path: str
    headers: dict[str, str]

    @property
    def user_agent(self) -> str | None:
        return self.headers.get("user-agent")

    @property
    def if_none_match(self) -> str | None:
        return self.headers.get("if-none-match")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # kept-alive connections must not hold up stop()

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a client hanging up is what tests do
            super().handle_error(request, client_address)


class FakeSite:
    """A website on 127.0.0.1 (random port), over TLS when given a server context; use as a context
    manager or call start() and stop()."""

    def __init__(
        self, routes: Mapping[str, Route | DynamicRoute] | None = None, tls: ssl.SSLContext | None = None
    ) -> None:
        self.routes: dict[str, Route | DynamicRoute] = dict(routes or {})
        self.requests: list[SiteRequest] = []
        self._lock = threading.Lock()
        self._edits = 0
        self._stopping = threading.Event()
        self._server = _Server(("127.0.0.1", 0), _handler(self))
        self._scheme = "https" if tls else "http"
        if tls is not None:  # served over TLS with the context's certificate
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def port(self) -> int:
        """The port the site listens on."""
        return int(self._server.server_address[1])

    @property
    def root(self) -> str:
        """``http://127.0.0.1:PORT`` (``https`` with ``tls``), no trailing slash."""
        return f"{self._scheme}://127.0.0.1:{self.port}"

    def url(self, path: str = "/") -> str:
        """The absolute URL of ``path`` on this site."""
        return self.root + path

    def start(self) -> FakeSite:
        """Serve in a daemon thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; bodies still being sent stop at their next chunk."""
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeSite:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def hits(self, path: str) -> list[SiteRequest]:
        """The requests for ``path`` (query ignored unless ``path`` has one)."""
        with self._lock:
            return [r for r in self.requests if r.path == path or ("?" not in path and r.path.split("?")[0] == path)]

    def wait_for(self, condition: Callable[[], bool], timeout: float = 5.0) -> None:
        """Poll until ``condition()`` holds; fail after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError("the fake site never saw what the test waited for")
            time.sleep(0.02)

    def publish(self, path: str, body: bytes | str, content_type: str = "text/html; charset=utf-8") -> Route:
        """Serve ``body`` at ``path`` with a new ETag and a later Last-Modified (a page created or edited)."""
        data = body.encode() if isinstance(body, str) else body
        with self._lock:
            self._edits += 1
            stamp = formatdate(_FIRST_EDIT + 3600 * self._edits, usegmt=True)
        etag = f'"{hashlib.sha256(data).hexdigest()[:16]}-{self._edits}"'
        route = self.routes[path] = Route(data, content_type=content_type, etag=etag, last_modified=stamp)
        return route

    def edit(self, path: str, old: str, new: str) -> Route:
        """Replace ``old`` with ``new`` in a published page's text (new ETag and Last-Modified)."""
        route = self.routes[path]
        assert isinstance(route, Route) and old.encode() in route.body, f"{old!r} is not on {path}"
        return self.publish(path, route.body.replace(old.encode(), new.encode()), route.content_type)

    def remove(self, path: str, status: int = 404) -> None:
        """Take a page down: 404 (not found) or 410 (gone)."""
        self.routes[path] = Route(b"<h1>Pagina non trovata</h1>", status=status)

    def _answer(self, path: str, headers: dict[str, str]) -> Route:
        with self._lock:
            self.requests.append(SiteRequest(path, headers))
        spec = self.routes.get(urlsplit(path).path) or Route(b"<h1>Pagina non trovata</h1>", status=404)
        route = spec if isinstance(spec, Route) else spec(path)
        if _not_modified(route, headers):
            return replace(route, status=304, body=b"", stream=None, drip=None, redirect=None)
        return route


def _not_modified(route: Route, headers: dict[str, str]) -> bool:
    if "if-none-match" in headers:
        tags = [tag.strip().removeprefix("W/") for tag in headers["if-none-match"].split(",")]
        return route.etag is not None and ("*" in tags or route.etag in tags)
    if "if-modified-since" in headers and route.last_modified:
        try:
            return parsedate_to_datetime(route.last_modified) <= parsedate_to_datetime(headers["if-modified-since"])
        except (TypeError, ValueError):
            return False
    return False


def _handler(site: FakeSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        timeout = 10  # an idle kept-alive connection ends its thread

        def do_GET(self) -> None:
            route = site._answer(self.path, {name.lower(): value for name, value in self.headers.items()})
            time.sleep(route.delay)
            redirect = route.redirect is not None and not 300 <= route.status < 400
            self.send_response(302 if redirect else route.status)
            self.send_header("Content-Type", route.content_type)
            extra = {"Location": route.redirect, "ETag": route.etag, "Last-Modified": route.last_modified}
            for name, value in {**extra, **route.headers}.items():
                if value is not None:
                    self.send_header(name, value)
            if route.stream is not None:
                self.send_header("Connection", "close")
                self.close_connection = True
            else:
                self.send_header("Content-Length", str(len(route.body)))
            self.end_headers()
            try:
                self._send_body(route)
            except (BrokenPipeError, ConnectionResetError, TimeoutError):
                self.close_connection = True  # the client gave up, as the fetcher should

        def _send_body(self, route: Route) -> None:
            chunks = route.stream() if route.stream is not None else [route.body]
            for chunk in chunks:
                step, pause = route.drip or (len(chunk) or 1, 0.0)
                for start in range(0, len(chunk), step):
                    if site._stopping.is_set():
                        return
                    self.wfile.write(chunk[start : start + step])
                    time.sleep(pause)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


def _page(title: str, main: str) -> bytes:
    menu = [(HOME, "Home"), (BANDO_EXPORT, "Voucher export"), (BANDO_FIERE, "Fiere"), (MISSION, "Chi siamo")]
    nav = "".join(f'<li><a href="{path}">{label}</a></li>' for path, label in [*menu, (NEWS, "Notizie")])
    return (
        f'<!doctype html><html lang="it"><head><meta charset="utf-8"><title>{title} – Cluster Export Alpi</title>'
        '</head><body><div id="cookie-banner">Questo sito usa cookie tecnici e, con il tuo consenso, cookie di '
        'analisi. <a href="#informativa">Informativa</a> <button>Accetta</button></div>'
        f"<nav><ul>{nav}</ul></nav><main><h1>{title}</h1>{main}</main>"
        "<footer>Cluster Export Alpi – via Roma 1, Torino – P.IVA 01234567890</footer></body></html>"
    ).encode()


@functools.cache
def guide_pdf() -> bytes:
    """The export guide the voucher call links, as a real one-page PDF."""
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    text = "Guida all'export per le PMI del cluster.\nVoucher export 2027: domande entro il 30 giugno 2027."
    pdf.multi_cell(0, 8, text + " Contributo fino a 20.000 euro per fiere, consulenze e traduzioni.")
    return bytes(pdf.output())


@functools.cache
def gzip_bomb(inflated_mb: int = 100) -> bytes:
    """Zeros gzip-compressed: about 1 KB per inflated MB."""
    packer, zeros = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS), bytes(1 << 20)
    return b"".join([packer.compress(zeros) for _ in range(inflated_mb)] + [packer.flush()])


def _calendar(path: str) -> Route:
    month = int(parse_qs(urlsplit(path).query).get("mese", ["1"])[0])
    return Route(_page(f"Eventi – mese {month}", f'<a href="/calendario?mese={month + 1}">Mese successivo</a>'))


def _chain(path: str) -> Route:
    step = int(path.rsplit("/", 1)[-1] or 0)
    return Route(_page("Fine della catena", "")) if step >= 10 else Route(redirect=f"/catena/{step + 1}")


def hostile_routes() -> dict[str, Route | DynamicRoute]:
    """The routes a careless or hostile site serves (see the module docstring)."""
    return {
        "/giro/a": Route(redirect="/giro/b"),
        "/giro/b": Route(redirect="/giro/a"),
        **{f"/catena/{n}": _chain for n in range(11)},
        "/enorme": Route(stream=lambda: (b"<p>" + b"x" * 65_529 + b"</p>" for _ in range(800))),
        "/goccia": Route(b"<p>" + b"." * 53 + b"</p>", drip=(1, 1.0)),
        "/calendario": _calendar,
        "/bomba": Route(gzip_bomb(), headers={"Content-Encoding": "gzip"}),
        "/archivio.zip": Route(b"PK\x03\x04" + bytes(46), content_type="application/zip", drip=(1, 1.0)),
        "/metadati": Route(redirect="http://169.254.169.254/latest/meta-data/"),
        "/interno": Route(redirect="http://10.0.0.1/"),
    }


_TEXTS = {
    BANDO_EXPORT: (
        "Bando Voucher export 2027",
        "<p>Contributo a fondo perduto fino a 20.000 euro per fiere, consulenze e traduzioni. Le domande si "
        "presentano entro il 30 giugno 2027 sul portale del cluster.</p>"
        f'<p><a href="{PDF}">Scarica la guida all\'export (PDF)</a></p>',
    ),
    BANDO_FIERE: (
        "Bando Fiere internazionali 2027",
        "<p>Il cluster copre il 50% dello stand in fiere all'estero. Domande entro il 15 settembre 2027; "
        "sono ammesse le PMI con sede in Piemonte o in Valle d'Aosta.</p>",
    ),
    MISSION: (
        "Chi siamo",
        "<p>La missione del cluster è aiutare le piccole e medie imprese a vendere all'estero: informazioni "
        "sui bandi, contatti con buyer internazionali e uno sportello che risponde in giornata.</p>",
    ),
    NEWS: (
        "Missione imprenditoriale a Tokyo",
        "<p>Dal 12 al 16 ottobre 2027 dodici imprese del cluster incontrano distributori giapponesi.</p>",
    ),
    RESERVED: ("Verbale del consiglio direttivo", "<p>Documento riservato ai soci.</p>"),
}


def cluster_site(*, link_calendar: bool = False) -> FakeSite:
    """The fictional cluster's site plus the hostile routes; not started."""
    site = FakeSite(hostile_routes())
    links = "".join(f'<li><a href="{path}">{title}</a></li>' for path, (title, _) in _TEXTS.items())
    calendar = '<p><a href="/calendario?mese=1">Calendario eventi</a></p>' if link_calendar else ""
    intro = "<p>Accompagniamo le PMI sui mercati esteri.</p>"
    site.publish(HOME, _page("Cluster Export Alpi", f"{intro}<ul>{links}</ul>{calendar}"))
    for path, (title, main) in _TEXTS.items():
        site.publish(path, _page(title, main))
    site.publish(PDF, guide_pdf(), content_type="application/pdf")
    robots = f"User-agent: *\nDisallow: /riservato/\n\nSitemap: {site.url('/sitemap.xml')}\n"
    site.publish("/robots.txt", robots, content_type="text/plain; charset=utf-8")
    entries = "".join(f"<url><loc>{site.url(p)}</loc><lastmod>2026-01-05</lastmod></url>" for p in PAGES)
    urlset = f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'
    site.publish("/sitemap.xml", f'<?xml version="1.0" encoding="UTF-8"?>{urlset}', content_type="application/xml")
    item = (
        f"<item><title>Missione imprenditoriale a Tokyo</title><link>{site.url(NEWS)}</link>"
        f"<guid>{site.url(NEWS)}</guid><pubDate>Mon, 05 Jan 2026 09:00:00 GMT</pubDate>"
        "<description>Dodici imprese del cluster a Tokyo.</description></item>"
    )
    channel = f"<title>Notizie dal cluster</title><link>{site.url()}</link><description>Notizie</description>{item}"
    feed = f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>{channel}</channel></rss>'
    site.publish("/feed.xml", feed, content_type="application/rss+xml")
    return site
