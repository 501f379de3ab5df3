"""`certguard bench import` at a tiny size: one JSON line with the import against its baseline
(speed is read from real runs, never asserted here)."""

import io
import json

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
