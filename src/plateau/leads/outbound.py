"""Calls to providers' webhook URLs that cannot be turned against our own network (SSRF).

A provider user chooses the URL, so it is untrusted: only ``https://`` (``http://`` only where the setting
``WEBHOOKS_ALLOW_HTTP`` says so, for local development), the host is resolved and *every* address it
resolves to must be a public one — loopback, private, link-local (cloud metadata 169.254.169.254), shared,
multicast, reserved and unspecified addresses are refused — unless it lies in ``WEBHOOKS_ALLOWED_NETWORKS``
(empty by default; tests allow 127.0.0.1 explicitly). The check runs at registration and again at every
delivery, and the connection goes to the address that was checked (never a second DNS answer: DNS
rebinding). Redirects are not followed, the answer's body is read up to :data:`MAX_RESPONSE_BYTES`, every
network step has a time-out and the whole exchange is cut after twice that.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import socket
import ssl
import threading
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from plateau.errors import InvalidInput

MAX_RESPONSE_BYTES = 64 * 1024
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class UnsafeWebhookUrl(InvalidInput):
    error_id = "unsafe_webhook_url"
    default_message = _("Adresse refusée : elle doit être une adresse https:// publique.")


@dataclass(frozen=True)
class Target:
    """A checked URL and the address to connect to."""

    scheme: str
    host: str
    port: int
    path: str
    address: str


def _allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(n, strict=False) for n in getattr(settings, "WEBHOOKS_ALLOWED_NETWORKS", [])]


def is_public(ip: IPAddress) -> bool:
    """True for an address on the Internet: not ours, not our neighbours', not the cloud's metadata."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    return ip.is_global and not (
        ip.is_multicast or ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_unspecified
    )


def address_allowed(ip: IPAddress) -> bool:
    return is_public(ip) or any(ip in net for net in _allowed_networks() if net.version == ip.version)


def _resolve(host: str, port: int) -> list[IPAddress]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise UnsafeWebhookUrl(_("Adresse refusée : le nom %(h)s est introuvable.") % {"h": host}) from None
    return [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]


def check_url(url: str) -> Target:
    """The URL's target if it is safe to call now, else :class:`UnsafeWebhookUrl` (no network for IP literals)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise UnsafeWebhookUrl() from None
    allowed_schemes = ("https", "http") if getattr(settings, "WEBHOOKS_ALLOW_HTTP", False) else ("https",)
    if parts.scheme not in allowed_schemes:
        raise UnsafeWebhookUrl(_("Adresse invalide : elle doit commencer par https://."))
    host = parts.hostname or ""
    if not host or parts.username is not None or parts.password is not None:
        raise UnsafeWebhookUrl()
    port = port or (443 if parts.scheme == "https" else 80)
    addresses = _resolve(host, port)
    # Every answer must be allowed: a name resolving to one public and one internal address is refused.
    if not addresses or not all(address_allowed(ip) for ip in addresses):
        raise UnsafeWebhookUrl(
            _("Adresse refusée : %(h)s désigne une adresse interne ou réservée (%(ip)s).")
            % {"h": host, "ip": ", ".join(sorted({str(ip) for ip in addresses}))}
        )
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(parts.scheme, host, port, path, str(addresses[0]))


class _PinnedHTTP(http.client.HTTPConnection):
    """Connects to the checked address, whatever DNS says by now; ``Host`` stays the URL's name."""

    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address
        self.tcp: socket.socket | None = None

    def connect(self) -> None:
        self.sock = self.tcp = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """TLS to the checked address; the certificate is verified against the URL's host name."""

    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout, context=ssl.create_default_context())
        self._address = target.address
        self.tcp: socket.socket | None = None

    def connect(self) -> None:
        self.tcp = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(self.tcp, server_hostname=self.host)  # type: ignore[attr-defined]


def _hang_up(conn: _PinnedHTTP | _PinnedHTTPS, fired: threading.Event) -> None:
    # The flag is set before the shutdown wakes the reader: the timer thread may still be alive for a moment
    # after, so ``is_alive()`` cannot tell the reader that the deadline cut the answer (seen under load).
    # shutdown() wakes a recv() blocked in another thread (close() alone does not on Linux). The TCP socket is
    # kept aside: http.client drops ``conn.sock`` once the answer says the connection will close.
    fired.set()
    if conn.tcp is not None:
        with contextlib.suppress(OSError):
            conn.tcp.shutdown(socket.SHUT_RDWR)


def post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> int:
    """POST ``body`` to ``url`` after checking it again; returns the status (a redirect is not followed).

    ``timeout`` bounds each network step, and the whole exchange is cut after ``2 x timeout``: a receiver that
    answers one byte at a time cannot hold the scheduler."""
    target = check_url(url)
    conn = (_PinnedHTTPS if target.scheme == "https" else _PinnedHTTP)(target, timeout)
    fired = threading.Event()
    deadline = threading.Timer(2 * timeout, _hang_up, args=(conn, fired))
    deadline.daemon = True
    deadline.start()
    try:
        conn.request("POST", target.path, body=body, headers=headers)
        resp = conn.getresponse()
        resp.read(MAX_RESPONSE_BYTES)  # the answer is not used: read a bounded part, drop the rest
        if fired.is_set():
            raise TimeoutError("the receiver took too long")
        return int(resp.status)
    finally:
        deadline.cancel()
        conn.close()
