from __future__ import annotations

from certguard.core import audit


def client_ip(request) -> str:
    # Behind the production reverse proxy the client is the first X-Forwarded-For hop.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return (forwarded.split(",")[0].strip() if forwarded else request.META.get("REMOTE_ADDR", ""))


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
