from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings

from certguard.core import audit

FORWARDED_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST",
                     "HTTP_X_REAL_IP", "HTTP_FORWARDED")


@lru_cache(maxsize=8)
def _networks(trusted: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(value, strict=False) for value in trusted)


def _parse(address: str):
    try:
        return ipaddress.ip_address(address.strip().strip("[]"))
    except ValueError:
        return None


def _trusted(address) -> bool:
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    return address is not None and any(address in network for network in networks
                                       if network.version == address.version)


def client_ip(request) -> str:
    """The client's address, for rate limits and the audit log: the one function every part
    of the platform asks (a Django request, or the WSGI environ of the verification fast
    path). The socket's peer, unless that peer is one of ``settings.TRUSTED_PROXIES``: then
    X-Forwarded-For is read from the right, past the trusted proxies, and the first hop they
    did not add themselves is the client. Hops a client writes into the header are never
    believed (default: no proxy trusted, the header is ignored)."""
    meta = request if isinstance(request, dict) else request.META
    peer = meta.get("REMOTE_ADDR", "")
    if not _trusted(_parse(peer)):
        return peer
    hops = [hop.strip() for hop in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    client = peer
    for hop in reversed(hops):
        address = _parse(hop)
        if address is None:
            break  # a malformed hop: the last trusted proxy is the best we know
        client = str(address)
        if not _trusted(address):
            break
    return client


class TrustedProxyMiddleware:
    """Forwarded headers count only from a trusted proxy: from anyone else they are removed
    before Django reads the scheme (SECURE_PROXY_SSL_HEADER) or anything reads the address."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        if not _trusted(_parse(request.META.get("REMOTE_ADDR", ""))):
            for header in FORWARDED_HEADERS:
                request.META.pop(header, None)
        return self.get_response(request)


class AuditContextMiddleware:
    """Gives the audit log who and from where; writes buffered reads before the response."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        token = audit.begin_context(user=getattr(request, "user", None), ip=client_ip(request))
        try:
            return self.get_response(request)
        finally:
            audit.end_context(token)
