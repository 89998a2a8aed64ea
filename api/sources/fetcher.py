"""The safe fetcher behind web sources: one GET of a page, sitemap or feed, with every limit enforced.

The URLs come from admins and, through redirects, from other people's servers, so each hop
is re-checked: the scheme and shape of the URL, the address it resolves to
(:mod:`api.sources.address_guard`, which also pins the connection to the checked address),
and the site's robots.txt (:mod:`api.sources.robots`). Responses are streamed: the content
type is refused before the body is read, the body is counted as it arrives (decompressed
bytes for gzip/deflate, so a gzip bomb stops at ``max_bytes``), and a response that keeps
trickling is cut at ``timeout_seconds`` in total. Requests to one host are spaced by
``host_interval_seconds``: a help desk's sync should never be the reason a cluster's site is slow.
"""

from __future__ import annotations

import http.cookiejar
import ssl
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal

import httpx

from api.sources.address_guard import (
    AddressGuard,
    AddressRefusedError,
    HostNotFoundError,
    Resolver,
    guarded_transport,
    system_resolver,
)
from api.sources.robots import MAX_ROBOTS_BYTES, HostPacer, RobotsRules

PAGE_TYPES = frozenset(
    {
        "text/html",
        "application/xhtml+xml",
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    }
)
FEED_TYPES = frozenset({"application/xml", "text/xml", "application/rss+xml", "application/atom+xml"})

FetchErrorCode = Literal[
    "bad_url", "private_address", "dns", "connect", "timeout", "too_large", "redirect_loop",
    "too_many_redirects", "content_type", "http_error", "gone", "robots", "encoding",
]  # fmt: skip

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_GONE = frozenset({404, 410})


@dataclass(frozen=True)
class FetchPolicy:
    """The limits one :class:`Fetcher` keeps; the defaults suit the public web."""

    user_agent: str = "SportelloBot/0.1 (+https://github.com/sportello; knowledge sync of a help desk)"
    max_bytes: int = 10 * 1024 * 1024
    """Body cap, counted while streaming (after decompression): Content-Length may lie."""
    timeout_seconds: float = 20.0
    """Total time for one response, from sending the request to its last byte. It is checked as bytes
    arrive; a server that goes silent is cut by the read timeout (the same value), so the worst case
    is a silence that starts just before the deadline: under twice this."""
    connect_timeout_seconds: float = 5.0
    max_redirects: int = 5
    allow_networks: tuple[str, ...] = ()
    """CIDRs reachable although not public, e.g. ``("127.0.0.0/8",)`` in tests or an intranet."""
    host_interval_seconds: float = 1.0
    """Politeness: the least time between two requests to one host (the fetcher waits, never refuses)."""
    respect_robots: bool = True


class FetchError(Exception):
    """A fetch that produced no usable response; ``str()`` is one line for the source's log.

    ``temporary`` marks failures that say nothing about the page (the site is down, slow or
    failing, or its robots.txt is unreachable): a sync should retry those later, not retire the page.
    """

    def __init__(
        self, code: FetchErrorCode, message: str, url: str, status: int | None = None, *, temporary: bool = False
    ) -> None:
        super().__init__(message)
        self.code: FetchErrorCode = code
        self.url = url
        self.status = status
        self.temporary = temporary


@dataclass(frozen=True)
class FetchResult:
    """A fetched body (200), or the news that the copy we have is current (304)."""

    url: str
    """The final URL, after redirects (normalized by httpx, without fragment)."""
    status: int
    content_type: str
    """The media type alone, lowercased, e.g. ``text/html``."""
    body: bytes
    etag: str | None
    last_modified: str | None

    @property
    def not_modified(self) -> bool:
        """Whether the server said the copy we have is still current."""
        return self.status == 304


@dataclass(frozen=True)
class _Opened:
    """A response whose headers have arrived and whose body has not been read yet."""

    url: str
    response: httpx.Response
    deadline: float


class _Inflater:
    """Undoes a Content-Encoding at most ``room + 1`` bytes at a time, so a bomb is caught by its inflated size."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        wbits = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}
        if encoding in {"", "identity"}:
            self._zlib = None
        elif encoding in wbits:
            self._zlib = zlib.decompressobj(wbits[encoding])
        else:
            raise ValueError(encoding)

    @property
    def compressed(self) -> bool:
        return self._zlib is not None

    def feed(self, data: bytes, room: int) -> bytes:
        """The bytes ``data`` inflates to, stopping as soon as they exceed ``room``."""
        if self._zlib is None:
            return data
        out = self._zlib.decompress(data, room + 1)  # max_length=0 would mean "no limit": room >= 0 here
        while self._zlib.unconsumed_tail and len(out) <= room:
            out += self._zlib.decompress(self._zlib.unconsumed_tail, room + 1 - len(out))
        return out


class Fetcher:
    """Fetches web sources through one connection-reusing HTTP/1.1 client; close it (or use ``with``).

    ``clock`` and ``sleep`` drive the per-host pacing; ``resolver`` (host, port → addresses) is the
    DNS the address guard checks and connects by; ``ssl_context`` replaces the default CA bundle.
    """

    def __init__(
        self,
        policy: FetchPolicy | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        resolver: Resolver = system_resolver,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.policy = policy or FetchPolicy()
        self._guard = AddressGuard(self.policy.allow_networks, resolver)
        self._pacer = HostPacer(self.policy.host_interval_seconds, clock, sleep)
        self._robots: dict[str, RobotsRules] = {}
        # Stateless crawling: one site's cookies never ride along to another fetch.
        no_cookies = httpx.Cookies()
        no_cookies.jar.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
        self._client = httpx.Client(
            transport=guarded_transport(self._guard, ssl_context=ssl_context),
            trust_env=False,
            follow_redirects=False,
            cookies=no_cookies,
            timeout=httpx.Timeout(self.policy.timeout_seconds, connect=self.policy.connect_timeout_seconds),
            # Only encodings _Inflater undoes with a bounded output.
            headers={"User-Agent": self.policy.user_agent, "Accept-Encoding": "gzip, deflate"},
        )

    def fetch(
        self,
        url: str,
        *,
        accept: frozenset[str] = PAGE_TYPES,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> FetchResult:
        """GET ``url`` and return its body, or a 304 when ``etag``/``last_modified`` are still current."""
        headers = {"If-None-Match": etag, "If-Modified-Since": last_modified}
        conditional = {name: value for name, value in headers.items() if value}
        with self._final_response(url, conditional, check_robots=self.policy.respect_robots) as opened:
            response, status = opened.response, opened.response.status_code
            media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
            if status == 304 and conditional:
                return FetchResult(
                    opened.url,
                    304,
                    media_type,
                    b"",
                    response.headers.get("etag", etag),
                    response.headers.get("last-modified", last_modified),
                )
            if status in _GONE:
                raise FetchError("gone", f"gone: HTTP {status} for {opened.url}", opened.url, status)
            if status != 200:
                failing = status >= 500 or status == 429
                raise FetchError(
                    "http_error", f"HTTP {status} from {opened.url}", opened.url, status, temporary=failing
                )
            if media_type not in accept:
                named = media_type or "(none)"
                message = f"refused: content type {named} is not one of {', '.join(sorted(accept))}"
                raise FetchError("content_type", message, opened.url, status)
            body = self._read_body(opened, self.policy.max_bytes, truncate=False)
            return FetchResult(
                opened.url, 200, media_type, body, response.headers.get("etag"), response.headers.get("last-modified")
            )

    def allowed(self, url: str) -> bool:
        """Whether the site's robots.txt lets us fetch ``url`` (fetched once per scheme and host)."""
        try:
            target = self._checked_url(url)
        except FetchError:
            return False
        return self._robots_for(target).allows(self.policy.user_agent, str(target))

    def close(self) -> None:
        """Close the kept-alive connections."""
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _final_response(self, url: str, headers: dict[str, str], *, check_robots: bool) -> Iterator[_Opened]:
        """Follow redirects, re-checking every hop, and yield the last response unread."""
        visited: set[str] = set()
        current = url
        for _ in range(self.policy.max_redirects + 1):
            target = self._checked_url(current)
            self._check_address(target, current)
            if check_robots:
                rules = self._robots_for(target)
                if not rules.allows(self.policy.user_agent, str(target)):
                    whole_site = f"refused: {rules.reason}, so RFC 9309 disallows the whole site"
                    message = f"refused: robots.txt disallows {target}" if rules.parser else whole_site
                    raise FetchError("robots", message, str(target), temporary=rules.parser is None)
            visited.add(str(target))
            opened = self._send(target, headers)  # validators go to every hop: a redirect ignores them
            location = opened.response.headers.get("location")
            if opened.response.status_code not in _REDIRECTS or not location:
                try:
                    yield opened
                finally:
                    opened.response.close()
                return
            opened.response.close()
            try:
                following = target.join(location).copy_with(fragment=None)
            except httpx.InvalidURL as error:
                raise FetchError("bad_url", f"bad redirect to {location!r}: {error}", str(target)) from error
            if str(following) in visited:
                raise FetchError("redirect_loop", f"redirect loop: {target} leads back to {following}", url)
            current = str(following)
        raise FetchError("too_many_redirects", f"more than {self.policy.max_redirects} redirects from {url}", url)

    def _checked_url(self, url: str) -> httpx.URL:
        """``url`` parsed, if it is an http(s) URL with a host and no credentials."""
        try:
            target = httpx.URL(url)
        except (httpx.InvalidURL, TypeError) as error:
            raise FetchError("bad_url", f"bad URL {url!r}: {error}", url) from error
        if target.scheme not in {"http", "https"}:
            raise FetchError("bad_url", f"refused: {url!r} is not an http or https URL", url)
        if target.userinfo:
            raise FetchError("bad_url", "refused: the URL carries credentials", url)
        if not target.raw_host:
            raise FetchError("bad_url", f"bad URL {url!r}: no host", url)
        return target.copy_with(fragment=None)

    def _check_address(self, target: httpx.URL, url: str) -> None:
        """Refuse a private host before robots.txt or pacing; the connection is checked again when it opens."""
        port = target.port or (443 if target.scheme == "https" else 80)
        try:
            self._guard.check(target.raw_host.decode("ascii"), port)
        except AddressRefusedError as error:
            raise FetchError("private_address", str(error), url) from error
        except HostNotFoundError as error:
            raise FetchError("dns", str(error), url, temporary=True) from error

    def _send(self, target: httpx.URL, headers: dict[str, str]) -> _Opened:
        """Send one GET (after the host's pacing wait) and return once its headers have arrived."""
        self._pacer.wait_turn(target.host)
        # The deadline runs on the real clock: the injected one paces, and a frozen test clock
        # must not switch the timeout off.
        deadline = time.monotonic() + self.policy.timeout_seconds
        url = str(target)
        try:
            response = self._client.send(self._client.build_request("GET", target, headers=headers), stream=True)
        except (httpx.TransportError, AddressRefusedError, HostNotFoundError) as error:
            raise self._transport_error(error, url) from error
        return _Opened(url, response, deadline)

    def _read_body(self, opened: _Opened, limit: int, *, truncate: bool) -> bytes:
        """The decoded body, at most ``limit`` bytes (cut there when ``truncate``, else refused)."""
        url, response = opened.url, opened.response
        encoding = response.headers.get("content-encoding", "").strip().lower()
        try:
            inflater = _Inflater(encoding)
        except ValueError:
            raise FetchError("encoding", f"refused: unsupported Content-Encoding {encoding!r}", url) from None
        declared = response.headers.get("content-length", "")
        if not truncate and declared.isdigit() and int(declared) > limit:
            raise FetchError("too_large", f"refused: the body declares {declared} bytes, over {limit}", url)
        body = bytearray()
        try:
            for raw in response.iter_raw():
                if time.monotonic() > opened.deadline:
                    message = f"timed out: the response took over {self.policy.timeout_seconds:g} s"
                    raise FetchError("timeout", message, url, temporary=True)
                body += inflater.feed(raw, limit - len(body))
                if len(body) > limit:
                    if truncate:
                        return bytes(body[:limit])
                    if inflater.compressed:
                        message = f"refused: the {encoding} body inflates past {limit} bytes"
                        raise FetchError("encoding", message, url)
                    raise FetchError("too_large", f"refused: the body is over {limit} bytes", url)
        except zlib.error as error:
            raise FetchError("encoding", f"corrupt {encoding} body: {error}", url) from error
        except httpx.TransportError as error:
            raise self._transport_error(error, url) from error
        return bytes(body)

    def _robots_for(self, target: httpx.URL) -> RobotsRules:
        """The robots.txt rules of ``target``'s scheme and host, fetched on first use and kept."""
        origin = f"{target.scheme}://{target.netloc.decode('ascii')}"
        rules = self._robots.get(origin)
        if rules is None:
            rules = self._robots[origin] = self._fetch_robots(f"{origin}/robots.txt")
        return rules

    def _fetch_robots(self, url: str) -> RobotsRules:
        """RFC 9309: 2xx → parse (the first 500 KB); 4xx → allow all; 5xx, 429 or unreachable → disallow all."""
        try:
            with self._final_response(url, {}, check_robots=False) as opened:
                status = opened.response.status_code
                if 200 <= status < 300:
                    text = self._read_body(opened, MAX_ROBOTS_BYTES, truncate=True).decode("utf-8", "replace")
                    return RobotsRules.from_text(text)
                if status == 429 or status >= 500:
                    return RobotsRules.unreachable(f"robots.txt answered HTTP {status}")
                return RobotsRules.unavailable(f"robots.txt answered HTTP {status}")
        except FetchError as error:
            if error.code in {"too_many_redirects", "redirect_loop"}:
                return RobotsRules.unavailable(str(error))
            return RobotsRules.unreachable(f"robots.txt unreachable ({error})")

    @staticmethod
    def _transport_error(error: Exception, url: str) -> FetchError:
        """The fetch error a failure below HTTP stands for."""
        if isinstance(error, AddressRefusedError):
            return FetchError("private_address", str(error), url)
        if isinstance(error, HostNotFoundError):
            return FetchError("dns", str(error), url, temporary=True)
        if isinstance(error, httpx.TimeoutException):
            return FetchError("timeout", f"timed out: {type(error).__name__} from {url}", url, temporary=True)
        return FetchError("connect", f"connection failed: {error or type(error).__name__} ({url})", url, temporary=True)
