"""The safe fetcher against a real site on 127.0.0.1: conditional requests, redirects re-checked
hop by hop, every form of a private address refused before any connection, robots.txt per
RFC 9309, and the limits (size, total time, gzip bombs, content types, pacing) holding."""

from __future__ import annotations

import socket
import ssl
import subprocess
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from doubles.fake_site import BANDO_EXPORT, NEWS, RESERVED, FakeSite, Route, cluster_site

from api.sources.fetcher import FEED_TYPES, Fetcher, FetchError, FetchPolicy

LOOPBACK = ("127.0.0.0/8",)
MB = 1024 * 1024


class FakeClock:
    """A monotonic clock that moves only when the fetcher sleeps; ``sleeps`` keeps every wait."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def site() -> Iterator[FakeSite]:
    with cluster_site() as running:
        yield running


@pytest.fixture
def make_fetcher() -> Iterator[Callable[..., Fetcher]]:
    """A fetcher allowed onto loopback, without pacing unless told; closed after the test."""
    made: list[Fetcher] = []

    def make(resolver: Any = None, clock: FakeClock | None = None, ssl_context: Any = None, **policy: Any) -> Fetcher:
        policy = {"allow_networks": LOOPBACK, "host_interval_seconds": 0.0, **policy}
        extra: dict[str, Any] = {"resolver": resolver} if resolver else {}
        extra |= {"ssl_context": ssl_context} if ssl_context else {}
        if clock is not None:
            extra |= {"clock": clock, "sleep": clock.sleep}
        made.append(Fetcher(FetchPolicy(**policy), **extra))
        return made[-1]

    yield make
    for fetcher in made:
        fetcher.close()


@pytest.fixture
def connections(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """Every TCP connection attempted in the test (the real one is still made)."""
    attempted: list[tuple[str, int]] = []
    real = socket.create_connection

    def spy(address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
        attempted.append(address)
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", spy)
    return attempted


def fails(code: str, call: Callable[[], object]) -> FetchError:
    with pytest.raises(FetchError) as caught:
        call()
    assert caught.value.code == code, str(caught.value)
    return caught.value


def test_a_page_is_fetched_with_an_honest_user_agent(site: FakeSite, make_fetcher: Callable[..., Fetcher]) -> None:
    fetcher = make_fetcher()
    result = fetcher.fetch(site.url(BANDO_EXPORT))
    assert (result.status, result.content_type, result.not_modified) == (200, "text/html", False)
    assert "entro il 30 giugno 2027" in result.body.decode() and result.url == site.url(BANDO_EXPORT)
    assert result.etag and result.last_modified
    feed = fetcher.fetch(site.url("/feed.xml"), accept=FEED_TYPES)
    assert feed.content_type == "application/rss+xml" and site.url(NEWS).encode() in feed.body
    [request] = site.hits(BANDO_EXPORT)
    assert request.user_agent == FetchPolicy().user_agent and "SportelloBot" in request.user_agent
    assert len(site.hits("/robots.txt")) == 1  # once per host, then cached


def test_a_current_copy_gets_304_and_an_edit_a_fresh_body(site: FakeSite, make_fetcher: Callable[..., Fetcher]) -> None:
    fetcher = make_fetcher()
    first = fetcher.fetch(site.url(BANDO_EXPORT))
    by_etag = fetcher.fetch(site.url(BANDO_EXPORT), etag=first.etag)
    assert by_etag.not_modified and by_etag.body == b"" and by_etag.etag == first.etag
    assert site.hits(BANDO_EXPORT)[-1].if_none_match == first.etag
    by_date = fetcher.fetch(site.url(BANDO_EXPORT), last_modified=first.last_modified)
    assert by_date.status == 304 and by_date.last_modified == first.last_modified
    site.edit(BANDO_EXPORT, "30 giugno 2027", "31 luglio 2027")
    edited = fetcher.fetch(site.url(BANDO_EXPORT), etag=first.etag, last_modified=first.last_modified)
    assert edited.status == 200 and b"31 luglio 2027" in edited.body and edited.etag != first.etag


def test_redirects_are_followed_and_counted(site: FakeSite, make_fetcher: Callable[..., Fetcher]) -> None:
    fetcher = make_fetcher()
    error = fails("too_many_redirects", lambda: fetcher.fetch(site.url("/catena/0")))
    assert "more than 5 redirects" in str(error)
    assert site.hits("/catena/5") and not site.hits("/catena/6")  # the sixth redirect is not followed
    assert fetcher.fetch(site.url("/catena/6")).url == site.url("/catena/10")  # four hops
    fails("redirect_loop", lambda: fetcher.fetch(site.url("/giro/a")))
    assert len(site.hits("/giro/a")) == 1 and len(site.hits("/giro/b")) == 1


@pytest.mark.parametrize(("path", "address"), [("/metadati", "169.254.169.254"), ("/interno", "10.0.0.1")])
def test_a_redirect_to_a_private_address_is_refused_without_connecting(
    site: FakeSite, make_fetcher: Callable[..., Fetcher], connections: list[tuple[str, int]], path: str, address: str
) -> None:
    error = fails("private_address", lambda: make_fetcher().fetch(site.url(path)))
    assert address in str(error) and error.url.startswith(f"http://{address}/")
    assert connections and all(host == "127.0.0.1" for host, _ in connections)  # the first hop only


PRIVATE_FORMS = [
    "http://127.0.0.1:{port}/",
    "http://2130706433:{port}/",  # decimal
    "http://0x7f.1:{port}/",  # hex, short form
    "http://017700000001:{port}/",  # octal
    "http://127.1:{port}/",
    "http://localhost:{port}/",
    "http://[::1]:{port}/",
    "http://[::ffff:127.0.0.1]:{port}/",  # IPv4-mapped
    "http://[64:ff9b::7f00:1]:{port}/",  # NAT64 of 127.0.0.1
    "http://[2002:7f00:1::1]:{port}/",  # 6to4 of 127.0.0.1
    "http://0.0.0.0:{port}/",
    "http://[::]:{port}/",
    "http://10.0.0.1/",
    "http://172.16.5.4/",
    "http://192.168.1.1/",
    "http://169.254.169.254/latest/meta-data/",
    "http://100.64.0.1/",  # CGNAT
    "http://[fe80::1]/",
    "http://[fc00::1]/",
    "http://224.0.0.1/",
    "http://[ff02::1]/",
    "http://240.0.0.1/",
    "http://[::ffff:10.0.0.1]/",
]


@pytest.mark.parametrize("form", PRIVATE_FORMS)
def test_every_form_of_a_private_address_is_refused_by_default(
    site: FakeSite, connections: list[tuple[str, int]], form: str
) -> None:
    with Fetcher(FetchPolicy(host_interval_seconds=0.0)) as fetcher:
        fails("private_address", lambda: fetcher.fetch(form.format(port=site.port)))
        assert not fetcher.allowed(form.format(port=80))
    assert connections == [] and site.requests == []


def test_a_name_is_connected_at_the_address_that_was_checked(
    site: FakeSite, make_fetcher: Callable[..., Fetcher], connections: list[tuple[str, int]]
) -> None:
    port = site.port
    public_then_loopback = iter([["93.184.215.14"], ["127.0.0.1"]])  # a rebinding name server

    def rebinding(host: str, port: int) -> list[str]:
        return next(public_then_loopback)

    rebound = make_fetcher(resolver=rebinding, allow_networks=(), respect_robots=False)
    error = fails("private_address", lambda: rebound.fetch(f"http://cluster.test:{port}/"))
    assert "cluster.test resolves to 127.0.0.1" in str(error) and connections == [] and site.requests == []
    pinned = make_fetcher(resolver=lambda host, port: ["127.0.0.1"])  # a name only our resolver knows
    assert pinned.fetch(f"http://cluster.test:{port}{NEWS}").status == 200
    assert site.hits(NEWS)[0].headers["host"] == f"cluster.test:{port}"
    fails("dns", lambda: make_fetcher().fetch("http://no-such-host.invalid/"))


def test_https_verifies_the_name_on_the_connection_to_the_checked_address(
    tmp_path: Path, make_fetcher: Callable[..., Fetcher]
) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=cluster.test",
         "-addext", "subjectAltName=DNS:cluster.test"],
        check=True, capture_output=True,
    )  # fmt: skip
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(cert, key)
    with FakeSite({"/": Route(b"<p>Sicuro</p>")}, tls=server) as secure:
        fetcher = make_fetcher(
            resolver=lambda host, port: ["127.0.0.1"],
            ssl_context=ssl.create_default_context(cafile=str(cert)),
            respect_robots=False,
        )
        assert fetcher.fetch(f"https://cluster.test:{secure.port}/").body == b"<p>Sicuro</p>"
        assert secure.requests[0].headers["host"] == f"cluster.test:{secure.port}"
        error = fails("connect", lambda: fetcher.fetch(f"https://127.0.0.1:{secure.port}/"))
        assert "certificate" in str(error).lower()  # it names cluster.test, not the address


@pytest.mark.parametrize(
    "url", ["ftp://127.0.0.1/file", "http://admin:secret@127.0.0.1/", "http:///path", "javascript:alert(1)", "/x"]
)
def test_only_plain_http_urls_are_fetched(make_fetcher: Callable[..., Fetcher], url: str) -> None:
    fails("bad_url", lambda: make_fetcher().fetch(url))


def test_robots_txt_is_obeyed(site: FakeSite, make_fetcher: Callable[..., Fetcher]) -> None:
    fetcher = make_fetcher()
    assert not fetcher.allowed(site.url(RESERVED)) and fetcher.allowed(site.url(NEWS))
    error = fails("robots", lambda: fetcher.fetch(site.url(RESERVED)))
    assert "robots.txt disallows" in str(error) and not error.temporary and site.hits(RESERVED) == []
    assert make_fetcher(respect_robots=False).fetch(site.url(RESERVED)).status == 200


def test_a_missing_robots_txt_allows_and_a_failing_one_refuses(make_fetcher: Callable[..., Fetcher]) -> None:
    page = Route(b"<p>Benvenuti</p>")
    with FakeSite({"/": page}) as plain, FakeSite({"/": page, "/robots.txt": Route(status=500)}) as broken:
        fetcher = make_fetcher()
        assert fetcher.fetch(plain.url()).status == 200 and fetcher.allowed(plain.url("/anything"))
        error = fails("robots", lambda: fetcher.fetch(broken.url()))
        assert "HTTP 500" in str(error) and error.temporary and not fetcher.allowed(broken.url("/anything"))
        assert [r.path for r in broken.requests] == ["/robots.txt"]  # asked once, page never fetched


def test_an_oversize_body_is_cut_while_streaming(site: FakeSite, make_fetcher: Callable[..., Fetcher]) -> None:
    fetcher = make_fetcher(max_bytes=MB)
    tracemalloc.start()
    try:
        fails("too_large", lambda: fetcher.fetch(site.url("/enorme")))  # 50 MB, no Content-Length
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * MB
    site.routes["/due-mega"] = Route(bytes(2 * MB))
    assert "declares" in str(fails("too_large", lambda: fetcher.fetch(site.url("/due-mega"))))


def test_a_slow_drip_is_cut_by_the_total_timeout(site: FakeSite, make_fetcher: Callable[..., Fetcher]) -> None:
    started = time.monotonic()
    error = fails("timeout", lambda: make_fetcher(timeout_seconds=1.5).fetch(site.url("/goccia")))
    assert time.monotonic() - started < 4 and "1.5 s" in str(error)


def test_a_gzip_bomb_is_refused_by_its_inflated_size(site: FakeSite, make_fetcher: Callable[..., Fetcher]) -> None:
    tracemalloc.start()
    try:
        error = fails("encoding", lambda: make_fetcher(max_bytes=MB).fetch(site.url("/bomba")))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "inflates past" in str(error) and peak < 8 * MB


def test_a_wrong_content_type_is_refused_before_the_body(site: FakeSite, make_fetcher: Callable[..., Fetcher]) -> None:
    started = time.monotonic()
    error = fails("content_type", lambda: make_fetcher().fetch(site.url("/archivio.zip")))
    assert "application/zip" in str(error) and time.monotonic() - started < 1  # the body drips for 50 s


def test_removed_pages_are_gone_and_other_errors_keep_their_status(
    site: FakeSite, make_fetcher: Callable[..., Fetcher]
) -> None:
    fetcher = make_fetcher()
    site.remove(NEWS, status=410)
    site.remove(BANDO_EXPORT)
    assert fails("gone", lambda: fetcher.fetch(site.url(NEWS))).status == 410  # the sync retires these
    assert fails("gone", lambda: fetcher.fetch(site.url(BANDO_EXPORT))).status == 404
    site.routes["/guasto"] = Route(b"errore", status=503)
    error = fails("http_error", lambda: fetcher.fetch(site.url("/guasto")))
    assert error.status == 503 and "503" in str(error) and error.temporary


def test_requests_to_one_host_are_paced(site: FakeSite, make_fetcher: Callable[..., Fetcher]) -> None:
    clock = FakeClock()
    fetcher = make_fetcher(clock=clock, host_interval_seconds=2.0)
    fetcher.fetch(site.url(NEWS))  # robots.txt, then the page
    fetcher.fetch(site.url(NEWS))
    assert clock.sleeps == [2.0, 2.0]
    clock.now += 10  # a pause longer than the interval: no wait
    fetcher.fetch(site.url(NEWS))  # the last request was long ago: no wait
    assert clock.sleeps == [2.0, 2.0]
    fetcher.fetch(site.url(NEWS).replace("127.0.0.1", "localhost"))  # another host: its robots.txt at once
    assert clock.sleeps == [2.0, 2.0, 2.0]
