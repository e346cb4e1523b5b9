"""The visitor's address, the one place every rate limit, log and audit entry takes it from.

Forwarded headers are believed only when the request came straight from a proxy listed in
GONGKAI_TRUSTED_PROXIES (addresses or CIDR networks, default none): anyone can write X-Forwarded-For, and even
loopback may be another program on the host. X-Forwarded-For is read from the right (what the nearest proxy
appended) past every trusted hop; the first untrusted hop is the client. Malformed values are ignored.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
UNKNOWN = "unknown"


def parse_ip(value: str) -> str | None:
    """A bare IPv4 or IPv6 address in canonical text (IPv4-mapped IPv6 as IPv4); None when it is not one."""
    text = (value or "").strip()
    # Proxies may write "[2001:db8::1]:443" or "1.2.3.4:5678"; only the address counts.
    if text.startswith("[") and "]" in text:
        text = text[1:text.index("]")]
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return str(address)


@lru_cache(maxsize=8)
def _networks(raw: str) -> tuple[Network, ...]:
    networks = []
    for part in raw.split(","):
        part = part.strip()
        if part:
            # A wrong entry stops the start-up (see trusted_networks), not one request.
            networks.append(ipaddress.ip_network(part, strict=False))
    return tuple(networks)


def trusted_networks(raw: str | None = None) -> tuple[Network, ...]:
    """The proxies whose forwarded headers are believed; ValueError names an entry that is not an address."""
    if raw is None:
        raw = getattr(settings, "GONGKAI_TRUSTED_PROXIES", "") or ""
    if isinstance(raw, str):
        return _networks(raw)
    # The settings hold networks already parsed (and checked) from the environment at start-up.
    return tuple(ipaddress.ip_network(net, strict=False) if isinstance(net, str) else net for net in raw)


def is_trusted(address: str, networks: tuple[Network, ...]) -> bool:
    ip = ipaddress.ip_address(address)
    return any(ip.version == net.version and ip in net for net in networks)


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or behind trusted proxies the last untrusted forwarded hop."""
    remote = parse_ip(request.META.get("REMOTE_ADDR", ""))
    if remote is None:
        return UNKNOWN
    networks = trusted_networks()
    if not networks or not is_trusted(remote, networks):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded:
        hops = [parse_ip(part) for part in forwarded.split(",")]
        for hop in reversed(hops):
            if hop is None:
                # A hop we cannot read ends the trust: what lies left of it may be anything.
                return remote
            if not is_trusted(hop, networks):
                return hop
            remote = hop
        return remote
    real = parse_ip(request.META.get("HTTP_X_REAL_IP", ""))
    return real or remote
