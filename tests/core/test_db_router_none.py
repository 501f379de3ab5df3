"""Without DATABASE_REPLICA_URL every read goes to the primary (see test_db_router)."""

import pytest

from certguard.core.db_router import lookup_alias, read_alias, replica_reads
from certguard.registry.verification import VerifyQuery, verify_certificate


@pytest.mark.django_db
def test_without_a_replica_every_read_goes_to_the_primary():
    assert lookup_alias() == "default"
    with replica_reads():
        assert read_alias() == "default"
    answer = verify_certificate(query=VerifyQuery(name="王小明", id_no="11010519491231002X"))
    assert answer["result"] == "not_found"  # the primary holds no such certificate
