"""Anonymous POST /api/v1/verify without Django's request cycle.

The public query is the platform's hottest path: at thousands of requests a second the
middleware stack and DRF's dispatch cost several times the verification itself. Anonymous
JSON queries (no cookie, no Authorization header) are therefore answered here, in front of
Django, by the same service functions the DRF view calls — same validation, same rate limit,
same audit entry, same answer and error shape (tests compare the two). Everything else,
including token-authenticated callers, goes on to Django.
"""

from __future__ import annotations

import json
import logging

from django.conf import settings
from django.core.signals import request_finished, request_started
from django.http.request import split_domain_port, validate_host

from certguard.core import audit
from certguard.core.errors import AppError
from certguard.core.middleware import client_ip

log = logging.getLogger(__name__)
PATH = "/api/v1/verify"
MAX_BODY = 16 * 1024
HEADERS = [("Content-Type", "application/json"), ("X-Content-Type-Options", "nosniff"),
           ("Referrer-Policy", "same-origin"), ("Cache-Control", "no-store")]
REASONS = {200: "200 OK", 400: "400 Bad Request", 413: "413 Payload Too Large",
           429: "429 Too Many Requests", 500: "500 Internal Server Error"}


def takes(environ: dict) -> bool:
    return (environ.get("PATH_INFO") == PATH and environ.get("REQUEST_METHOD") == "POST"
            and "HTTP_AUTHORIZATION" not in environ and "HTTP_COOKIE" not in environ
            and environ.get("CONTENT_TYPE", "").startswith("application/json")
            and _host_allowed(environ))


def _host_allowed(environ: dict) -> bool:
    host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
    domain, _ = split_domain_port(host)
    allowed = settings.ALLOWED_HOSTS or (["localhost", "127.0.0.1", "[::1]"]
                                         if settings.DEBUG else [])
    return bool(domain) and validate_host(domain, allowed)


def _read_json(environ: dict) -> object:
    try:
        size = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        size = 0
    if size > MAX_BODY:
        raise AppError("too_large", "请求体过大", status=413)
    try:
        return json.loads(environ["wsgi.input"].read(size) or b"null")
    except (ValueError, UnicodeDecodeError):
        raise AppError("bad_json", "请求体不是有效的 JSON") from None


def answer(environ: dict) -> tuple[int, dict, list[tuple[str, str]]]:
    """Status, body and extra headers for one anonymous verification."""
    from certguard.registry.api import parse_query
    from certguard.registry.limits import verify_limit
    from certguard.registry.verification import verify_certificate

    ip = client_ip(environ)  # the platform's one answer, as for every Django request
    token = audit.begin_context(user=None, ip=ip)
    try:
        query = parse_query(_read_json(environ))
        verify_limit(user=None, ip=ip)
        return 200, verify_certificate(query=query, user=None, channel="api"), []
    except AppError as exc:
        retry = getattr(exc, "retry_after", None)
        return exc.status, exc.as_dict(), [("Retry-After", str(retry))] if retry else []
    finally:
        audit.end_context(token)


class VerifyFastPath:
    """WSGI middleware: anonymous verification here, everything else to ``app``."""

    def __init__(self, app) -> None:
        self.app = app

    def __call__(self, environ: dict, start_response):
        if not takes(environ):
            return self.app(environ, start_response)
        # Django's own request signals: they manage database connections (and tests
        # disconnect them around their transactions), exactly as for a Django request.
        request_started.send(sender=self.__class__, environ=environ)
        try:
            status, body, extra = answer(environ)
        except Exception:  # never a traceback to the caller; the log keeps it
            log.exception("verification fast path failed")
            status, body, extra = 500, {"error": {"code": "internal_error",
                                                  "message": "服务器内部错误，请稍后再试"}}, []
        finally:
            request_finished.send(sender=self.__class__)
        payload = json.dumps(body, ensure_ascii=False).encode()
        start_response(REASONS.get(status, f"{status} Error"),
                       [*HEADERS, *extra, ("Content-Length", str(len(payload)))])
        return [payload]
