"""The address of the client that sent a request, for the audit log and django-axes.

Behind a reverse proxy every request comes from the proxy's address. The proxy passes the
client's address in X-Forwarded-For, but anyone can send that header: it is read only when the
request comes from a proxy listed in the TRUSTED_PROXIES setting (addresses or networks). The
header is then read from the right: each proxy appends the address it received the request
from, so the first address that is not itself a trusted proxy is the client's.
"""

from __future__ import annotations

import ipaddress
from functools import cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@cache
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry)


def _parse(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address, networks: tuple[Network, ...]) -> bool:
    return address is not None and any(address in network for network in networks)


def client_address(request: HttpRequest | None) -> str | None:
    """The client's address: REMOTE_ADDR, or, when that is a trusted proxy, the nearest
    address in X-Forwarded-For that is not a trusted proxy."""
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ()))
    if not networks or not _trusted(_parse(remote or ""), networks):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for entry in reversed(forwarded.split(",")):
        address = _parse(entry)
        if address is None:
            return remote  # a malformed chain: keep what we know for certain
        if not _trusted(address, networks):
            return str(address)
    return remote
