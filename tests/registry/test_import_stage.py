"""The staging table: rows COPYed by a thread while the next chunk is checked (PostgreSQL)."""

import pytest
from django.db import DataError, connection

from certguard.registry.import_rows import STAGE_FIELDS
from certguard.registry.import_stage import open_stage


def _rows(n: int, start: int = 1) -> list[tuple]:
    return [tuple(line if f == "line" else None for f in STAGE_FIELDS)
            for line in range(start, start + n)]


@pytest.mark.django_db
def test_every_chunk_is_staged_in_any_order_of_arrival():
    stage = open_stage()
    try:
        for start in range(1, 10_000, 1000):
            stage.add(_rows(1000, start))
        stage.ready()
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*), count(DISTINCT line) FROM {stage.table}")
            assert cursor.fetchone() == (10_000, 10_000)
    finally:
        stage.close()


@pytest.mark.django_db(transaction=True)  # as an import runs: each COPY its own transaction
def test_a_copy_that_fails_is_raised_to_the_caller_as_a_database_error():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite stages in the caller's thread")
    stage = open_stage()
    try:
        bad = [tuple("not a number" if f == "line" else None for f in STAGE_FIELDS)]
        with pytest.raises(DataError):
            stage.add(bad)
            for start in range(1, 50_000, 1000):  # raised at the next chunk or at the end
                stage.add(_rows(1000, start))
            stage.ready()
    finally:
        stage.close()
    with connection.cursor() as cursor:  # the connection is usable again
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
