from __future__ import annotations

from certguard.core import audit


def client_ip(request) -> str:
    """The client's address, for rate limits and the audit log: the one function every part
    of the platform asks (a Django request, or the WSGI environ of the verification fast
    path). Behind the production reverse proxy the client is the first X-Forwarded-For hop."""
    meta = request if isinstance(request, dict) else request.META
    forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
    return forwarded.split(",")[0].strip() if forwarded else meta.get("REMOTE_ADDR", "")


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
