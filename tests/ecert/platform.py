"""Helpers shared by the platform tests: an issued certificate, an authority key."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from certguard import ids

# Django is imported inside the functions: the pure core's tests import this module through
# the conftest and must still run with ``-p no:django``.
ID_NO = ids.make_id_no("140521", date(1985, 3, 14), 31)


def issue(cast, *, item_code: str = "1.2", id_no: str = ID_NO, name: str = "李建国"):
    from certguard.registry import services as registry

    return registry.certificate_issue(by=cast.issuer, id_no=id_no, name=name,
                                      family="special_ops", item_code=item_code,
                                      first_issued=registry.today() - timedelta(days=30))


@pytest.fixture
def authority_key(cast):
    from certguard.ecert import services

    return services.key_generate(by=cast.issuer, authority=cast.issuing_authority,
                                 alg="ed25519")


@pytest.fixture
def cert(cast, authority_key):
    from django.core.cache import cache

    cache.clear()  # rate-limit buckets of earlier tests
    return issue(cast)


def audit_entries(**filters):
    """Audit entries, after moving request-time entries from the spool into the table
    (where the core has a spool; before it did, they were written directly)."""
    from certguard.core.models import AuditEntry

    try:
        from certguard.core.audit_spool import audit_ingest
    except ImportError:
        pass
    else:
        audit_ingest(force=True)
    return AuditEntry.objects.filter(**filters)
