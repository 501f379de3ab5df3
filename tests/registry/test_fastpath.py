"""The anonymous verification fast path answers exactly as the DRF view does."""

import io
import json

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from rest_framework.test import APIClient

from certguard.core.audit_spool import audit_ingest
from certguard.core.models import AuditEntry
from certguard.registry.fastpath import VerifyFastPath
from tests.registry.conftest import ID_NO


def _call(body: bytes, **extra):
    """Through the fast path in front of a stand-in for Django that says so if reached."""
    reached = []

    def django_app(environ, start_response):
        reached.append(environ["PATH_INFO"])
        start_response("418 I'm a teapot", [])
        return [b""]

    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/api/v1/verify",
               "CONTENT_TYPE": "application/json", "CONTENT_LENGTH": str(len(body)),
               "wsgi.input": io.BytesIO(body), "REMOTE_ADDR": "127.0.0.1",
               "HTTP_HOST": "127.0.0.1", **extra}
    seen = {}

    def start_response(status, headers):
        seen["status"], seen["headers"] = status, dict(headers)

    # As Django's test client does: the test's transaction must outlive the "request".
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        payload = b"".join(VerifyFastPath(django_app)(environ, start_response))
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    if reached:
        return "django", None, None
    return int(seen["status"][:3]), json.loads(payload), seen["headers"]


@pytest.mark.parametrize("payload", [
    {"id_no": ID_NO, "name": "李建国"},
    {"id_no": ID_NO, "name": "别人"},
    {"cert_no": "T" + ID_NO, "name": "李 建国", "on": "2027-05-07"},
    {"name": "李建国"},
    {"id_no": "1.40521E+17", "name": "李建国"},
    {"id_no": ID_NO, "name": "李建国", "on": "2024-02-30"},
    ["not", "an", "object"],
])
def test_same_answer_as_the_drf_view(cert, payload):
    status, body, _ = _call(json.dumps(payload).encode())
    drf = APIClient().post("/api/v1/verify", payload, format="json")
    assert (status, body) == (drf.status_code, drf.json())


def test_bad_json_and_oversized_bodies(cert):
    assert _call(b"{not json")[:2] == (400, {"error": {"code": "bad_json",
                                                      "message": "请求体不是有效的 JSON"}})
    assert _call(b"x" * 20000)[0] == 413


def test_rate_limit_and_audit(cert, settings):
    settings.VERIFY_RATE_ANONYMOUS_API = 2
    body = json.dumps({"id_no": ID_NO, "name": "李建国"}).encode()
    statuses = [_call(body)[0] for _ in range(3)]
    assert statuses == [200, 200, 429]
    status, answer, headers = _call(body)
    assert status == 429
    assert answer["error"]["code"] == "rate_limited" and int(headers["Retry-After"]) >= 1
    audit_ingest(force=True)
    entries = AuditEntry.objects.filter(action="query")
    assert entries.count() == 2 and entries.first().ip == "127.0.0.1"


@pytest.mark.parametrize("extra", [
    {"HTTP_AUTHORIZATION": "Token abc"},  # authenticated callers get the full path
    {"HTTP_COOKIE": "sessionid=x"},
    {"HTTP_HOST": "evil.example"},  # Django answers a disallowed host
    {"REQUEST_METHOD": "GET"},
    {"PATH_INFO": "/api/v1/verify/batch"},
])
def test_everything_else_goes_to_django(cert, extra):
    assert _call(json.dumps({"id_no": ID_NO, "name": "李建国"}).encode(), **extra)[0] == "django"


def test_production_wsgi_application_uses_the_fast_path():
    from certguard.wsgi import application

    assert isinstance(application, VerifyFastPath)
