"""`certguard bench import` at a tiny size: one JSON line with the import against its baseline
(speed is read from real runs, never asserted here)."""

import importlib
import io
import json

import pytest
from django.core.management import call_command


def test_bench_import_prints_the_import_and_its_baseline(tmp_path):
    out = io.StringIO()
    call_command("bench", "import", "--certificates", "3000", "--workdir", str(tmp_path),
                 stdout=out)
    result = json.loads(out.getvalue())
    sqlite = result["sqlite"]
    assert result["certificates"] == 3000 and result["cpus"]
    assert sqlite["import"]["inserted"] + sqlite["import"]["rejected"] == 3000
    assert sqlite["import"]["peak_rss_mb"] > 0 and sqlite["baseline_bare_insert_seconds"] > 0
    assert sqlite["ratio_import_to_baseline"] > 0 and "postgresql" not in result


def test_bench_import_names_the_server_settings_and_collation(db):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no server settings; the PostgreSQL run of the suite checks this")
    bench_import = importlib.import_module("certguard.bench.import")
    connection.ensure_connection()
    found = bench_import.server_settings(connection.connection)
    assert found["max_wal_size"].endswith("MB") and found["wal_level"]
    assert found["datcollate"]  # "C" or a locale such as "C.UTF-8": index builds differ
