"""The address guard: an admin-supplied URL (or a redirect it leads to) must not reach our own network.

A web source is a URL typed by an admin, or a redirect chosen by someone else's server, so
fetching it is a server-side request forgery risk: ``http://169.254.169.254/`` is a cloud's
metadata service, ``http://10.0.0.1/`` the office router, ``http://localhost:8000/`` Sportello
itself. :class:`AddressGuard` resolves a host and refuses it when *any* of its addresses is
loopback, private, link-local, multicast, unspecified, reserved or shared (CGNAT) — looking
inside IPv4-mapped, NAT64, 6to4 and Teredo IPv6 forms — unless the address is inside one of
the networks the policy allows.

Checking a name and then letting the HTTP client resolve it again leaves a DNS-rebinding
window: a hostile name server can answer a public address to the check and ``127.0.0.1`` to
the connection. So the check happens where the socket is opened: :class:`GuardedBackend` is
an httpcore network backend whose ``connect_tcp`` resolves the host, checks every answer and
dials only the checked addresses. The request URL, the ``Host`` header, TLS SNI and
certificate verification all keep the hostname, and httpcore's pool stays keyed by hostname,
so a kept-alive TLS connection is never reused for another virtual host behind the same IP
(the pitfall of the alternative, rewriting the URL to the IP with ``sni_hostname``).

httpx 0.28 takes no network backend (encode/httpx#3749 adds one), so
:func:`guarded_transport` swaps the pool of an ``httpx.HTTPTransport`` for one built with
the public ``httpcore.ConnectionPool`` constructor, and fails closed if that attribute ever
moves.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
from collections.abc import Callable, Iterable, Sequence

import httpcore
import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Sequence[str]]
"""``(host, port)`` → the addresses to connect to, as strings; raises ``OSError`` when it has none."""

_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


class AddressRefusedError(Exception):
    """A host resolved to an address the policy refuses; the message names the address."""


class HostNotFoundError(Exception):
    """A host did not resolve."""


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for ``host``, in its preferred order."""
    answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(answer[4][0]) for answer in answers))


def embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, NAT64, 6to4, Teredo client), if any."""
    if isinstance(address, ipaddress.IPv4Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address.sixtofour is not None:
        return address.sixtofour
    return address.teredo[1] if address.teredo is not None else None


def is_refused_by_default(address: IPAddress) -> bool:
    """Whether an address is anything but a public unicast one (or wraps such an address)."""
    inner = embedded_ipv4(address)
    if inner is not None and is_refused_by_default(inner):
        return True
    # ``is_global`` is False for loopback, RFC 1918, fc00::/7, link-local, unspecified, reserved,
    # documentation and shared (100.64.0.0/10) space, but True for most multicast.
    return not address.is_global or address.is_multicast


class AddressGuard:
    """Resolves hosts and refuses non-public addresses, except inside ``allow_networks``."""

    def __init__(self, allow_networks: Iterable[str] = (), resolver: Resolver = system_resolver) -> None:
        self._allowed = tuple(ipaddress.ip_network(network, strict=False) for network in allow_networks)
        self._resolve = resolver

    def permits(self, address: IPAddress) -> bool:
        """Whether one address may be connected to."""
        inner = embedded_ipv4(address)
        for candidate in (address, inner):
            if candidate is not None and any(candidate in network for network in self._allowed):
                return True
        return not is_refused_by_default(address)

    def check(self, host: str, port: int) -> list[str]:
        """The addresses of ``host``, all permitted, or :class:`AddressRefusedError` / :class:`HostNotFoundError`."""
        try:
            answers = [ipaddress.ip_address(answer.split("%")[0]) for answer in self._resolve(host, port)]
        except (OSError, UnicodeError, ValueError) as error:
            raise HostNotFoundError(f"cannot resolve {host}: {error}") from error
        if not answers:
            raise HostNotFoundError(f"cannot resolve {host}: no address")
        for address in answers:
            if not self.permits(address):
                named = str(address) if str(address) == host else f"{host} resolves to {address}, which"
                raise AddressRefusedError(f"refused: {named} is a private or reserved address")
        return [str(address) for address in answers]


class GuardedBackend(httpcore.NetworkBackend):
    """An httpcore backend that connects only to addresses the guard just checked for this host."""

    def __init__(self, guard: AddressGuard, inner: httpcore.NetworkBackend | None = None) -> None:
        self._guard = guard
        self._inner = inner or httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        """Resolve and check ``host``, then dial its checked addresses in order until one answers."""
        failure: httpcore.ConnectError | httpcore.ConnectTimeout | None = None
        for address in self._guard.check(host, port):
            try:
                return self._inner.connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                failure = error
        assert failure is not None  # check() returns at least one address
        raise failure

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        """Refused: a web source never speaks to a local socket."""
        raise AddressRefusedError(f"refused: unix socket {path}")

    def sleep(self, seconds: float) -> None:
        """Delegates to the wrapped backend."""
        self._inner.sleep(seconds)


def guarded_transport(
    guard: AddressGuard, *, ssl_context: ssl.SSLContext | None = None, keepalive_expiry: float = 5.0
) -> httpx.HTTPTransport:
    """An HTTP/1.1 httpx transport whose every connection goes through :class:`GuardedBackend`.

    ``ssl_context`` defaults to httpx's (certifi's CAs, hostname verification); pass one to trust another CA.
    """
    transport = httpx.HTTPTransport(trust_env=False, http1=True, http2=False)
    if not isinstance(getattr(transport, "_pool", None), httpcore.ConnectionPool):
        raise RuntimeError(
            "httpx.HTTPTransport no longer keeps its pool in _pool: the address guard cannot be installed"
        )
    transport._pool = httpcore.ConnectionPool(
        ssl_context=ssl_context or httpx.create_ssl_context(trust_env=False),
        max_connections=20,
        max_keepalive_connections=10,
        keepalive_expiry=keepalive_expiry,
        http1=True,
        http2=False,
        network_backend=GuardedBackend(guard),
    )
    return transport
