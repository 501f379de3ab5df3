"""Verification lookups read from the replica when one is configured; everything else reads
and writes the primary. Two databases stand in for primary and replica: the replica holds a
certificate the primary does not, so an answer tells which database was asked."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import psycopg
import pytest
from django.db import connection, connections

from certguard.core.db_router import REPLICA, ReplicaRouter, lookup_alias, replica_reads
from certguard.registry.lookup_sql import FIELDS
from certguard.registry.verification import VerifyQuery, verify_certificate

ID_NO = "11010519491231002X"
NAME = "王小明"
COLUMNS = {"first_issued": "date", "valid_from": "date", "valid_until": "date",
           "review_due": "date", "last_review": "date", "issuer_id": "bigint"}
ROW = {"cert_no": "T" + ID_NO, "family_id": "special_ops", "item_code": "1.1",
       "issuer_code": "", "issuer_id": None, "first_issued": "2020-01-01",
       "valid_from": "2020-01-01", "valid_until": "2099-12-31", "review_due": None,
       "last_review": None, "status": "valid", "status_reason": "", "id_no": ID_NO,
       "name": NAME}


def _replica_schema(execute) -> None:
    # The lookup reads one table: the stand-in replica holds just its columns.
    columns = ", ".join(f"{f} {COLUMNS.get(f, 'text')}" for f in FIELDS)
    execute(f"CREATE TABLE registry_certificate ({columns})")
    execute(f"INSERT INTO registry_certificate ({', '.join(FIELDS)}) VALUES "
            f"({', '.join(['%s'] * len(FIELDS))})", [ROW[f] for f in FIELDS])


@pytest.fixture(scope="module")
def replica(tmp_path_factory, django_db_setup, django_db_blocker) -> Iterator[str]:
    # Module scope: the alias must exist before the test's database access is set up.
    primary = connection.settings_dict
    if connection.vendor == "sqlite":
        path = tmp_path_factory.mktemp("replica") / "replica.sqlite3"
        with sqlite3.connect(path) as db:
            _replica_schema(lambda sql, p=(): db.execute(sql.replace("%s", "?"), p))
        config = {**primary, "NAME": str(path), "TEST": {**primary["TEST"], "NAME": str(path)}}
    else:
        name = f"{primary['NAME']}_replica"[:63]
        admin = dict(host=primary["HOST"] or None, port=primary["PORT"] or None,
                     user=primary["USER"], password=primary["PASSWORD"] or None,
                     autocommit=True)
        with psycopg.connect(dbname="postgres", **admin) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}"')
            db.execute(f'CREATE DATABASE "{name}"')
        with psycopg.connect(dbname=name, **admin) as db:
            _replica_schema(db.execute)
        config = {**primary, "NAME": name}
    connections.settings[REPLICA] = config
    try:
        yield REPLICA
    finally:
        if REPLICA in connections:
            connections[REPLICA].close()
        del connections.settings[REPLICA]
        if connection.vendor != "sqlite":
            with psycopg.connect(dbname="postgres", **admin) as db:
                db.execute(f'DROP DATABASE IF EXISTS "{name}"')


@pytest.mark.django_db(databases=["default", REPLICA])
def test_verification_reads_the_replica_and_writes_stay_on_the_primary(replica):
    assert lookup_alias() == REPLICA
    answer = verify_certificate(query=VerifyQuery(name=NAME, id_no=ID_NO))
    assert answer["result"] == "found"  # only the replica holds it
    router = ReplicaRouter()
    assert router.db_for_write(None) == "default"
    assert router.db_for_read(None) == "default"  # outside replica_reads(): the primary
    with replica_reads():
        assert router.db_for_read(None) == REPLICA
    assert router.allow_migrate(REPLICA, "registry") is False
    assert router.allow_migrate("default", "registry") is True
