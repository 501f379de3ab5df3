"""A certificate issued through the service to 李建国, for the verification tests."""

from datetime import date

import pytest
from django.core.cache import cache

from certguard import ids

ID_NO = ids.make_id_no("140521", date(1985, 3, 14), 31)


@pytest.fixture
def cert(cast):
    from certguard.registry import services

    cache.clear()  # rate-limit counters from earlier tests
    return services.certificate_issue(by=cast.issuer, id_no=ID_NO, name="李建国",
                                      family="special_ops", item_code="1.2",
                                      first_issued=date(2024, 5, 6))
