"""The client's address (issue 10, item 3): only a proxy listed in TRUSTED_PROXIES may name it;
the rate limits and the audit log both use this one answer."""

import pytest
from django.test import RequestFactory

from certguard.core.audit_spool import audit_ingest
from certguard.core.middleware import client_ip
from certguard.core.models import AuditEntry


def _ip(remote: str, forwarded: str = "") -> str:
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return client_ip(RequestFactory().get("/", REMOTE_ADDR=remote, **extra))


def test_by_default_no_proxy_is_trusted_and_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert _ip("203.0.113.9", "1.2.3.4") == "203.0.113.9"
    assert client_ip({"REMOTE_ADDR": "203.0.113.9", "HTTP_X_FORWARDED_FOR": "1.2.3.4"}) \
        == "203.0.113.9"  # the fast path's WSGI environ


def test_behind_trusted_proxies_the_header_is_read_from_the_right(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24", "fd00::/8"]
    # the client wrote "1.2.3.4" itself; the proxy appended the real peer
    assert _ip("10.0.0.1", "1.2.3.4, 198.51.100.7") == "198.51.100.7"
    # two proxies of ours: skip both
    assert _ip("10.0.0.1", "1.2.3.4, 198.51.100.7, 10.0.0.2") == "198.51.100.7"
    assert _ip("10.0.0.1", "") == "10.0.0.1"
    assert _ip("10.0.0.1", "garbage, 10.0.0.2") == "10.0.0.2"
    assert _ip("fd00::1", "2001:db8::5") == "2001:db8::5"
    # a request not from the proxy: its header counts for nothing
    assert _ip("198.51.100.7", "10.0.0.5") == "198.51.100.7"


@pytest.mark.django_db
def test_the_audit_log_records_the_trusted_address_not_the_forged_one(cast, client, settings):
    settings.TRUSTED_PROXIES = []
    client.post("/account/login/", {"username": "user_x", "password": "wrong"},
                REMOTE_ADDR="203.0.113.20", HTTP_X_FORWARDED_FOR="6.6.6.6")
    audit_ingest(force=True)
    entry = AuditEntry.objects.filter(action="login_failed").latest("id")
    assert entry.ip == "203.0.113.20" and "6.6.6.6" not in str(entry.data)
    settings.TRUSTED_PROXIES = ["203.0.113.20"]
    client.post("/account/login/", {"username": "user_x", "password": "wrong"},
                REMOTE_ADDR="203.0.113.20", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.30")
    audit_ingest(force=True)
    assert AuditEntry.objects.filter(action="login_failed").latest("id").ip == "198.51.100.30"
