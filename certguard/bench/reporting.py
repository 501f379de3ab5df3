"""Benchmark of the statistical tables (issue 15, item 10): one province-level table for one
month computed by the platform — each indicator through its app's ``figures`` module, exactly
as a report is computed — over N underlying records (default 10,000,000), against the same
aggregate written by hand as one SQL query, in the same run, on SQLite or PostgreSQL.

The table has every figure of the five source apps (self-check, enforcement, cases, network
governance, tip-offs: 31 measures). The records are all the kinds those figures read, in the
proportions of ``_reporting_data.SHARES`` (self-check results 39 %, inspections and findings
27 %, tip-offs and their clocks 15 %, …), spread over 2024, 70 % in 山西 (the province asked
for), the rest in 广东.

The scratch platform is prepared by the product's ``migrate`` and filled set-based by one
INSERT … SELECT per table (a scratch database only: the fill refuses to run elsewhere); the
prepared directory is kept (marker file) and reused by later runs with the same size. The
output also lists the plan of every query the platform ran (EXPLAIN), with those that read a
whole table.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from certguard.bench import _reporting_data as data
from certguard.bench import _support as s

MARKER = "reporting-ready-v2.json"
TARGET_SECONDS = 2.0
MEASURES = data.MEASURES


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--records", type=int, default=10_000_000)
    parser.add_argument("--month", default="2024-09", help="YYYY-MM")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs (best and median)")
    parser.add_argument("--workdir", default="", help="scratch directory (kept for re-runs)")
    parser.add_argument("--database-url", default="", help="default: SQLite in --workdir")
    parser.add_argument("--phase", default="all", choices=["all", "fill", "run"],
                        help=argparse.SUPPRESS)


def run(options: dict) -> dict:
    if options["phase"] == "fill":
        return data.fill(int(options["records"]))
    if options["phase"] == "run":
        return _timed(month=options["month"], repeat=int(options["repeat"]))
    records = int(options["records"])
    default = Path(tempfile.gettempdir()) / f"certguard-bench-reporting-{records}"
    workdir = Path(options["workdir"] or default)
    workdir.mkdir(parents=True, exist_ok=True)
    env = s.scratch_env(workdir, options["database_url"] or None,
                        CERTGUARD_BENCH_SCRATCH="1")
    prepared = _prepare(workdir, env, records=records)
    load_before = round(os.getloadavg()[0], 2)
    timed = s.last_json_line(s.certguard("bench", "reporting", "--phase", "run", "--month",
                                         options["month"], "--repeat",
                                         str(options["repeat"]), env=env))
    return {"machine": {"cpus": os.cpu_count(), "load_1m_before": load_before,
                        "load_1m_after": round(os.getloadavg()[0], 2)},
            "database": "postgresql" if env["DATABASE_URL"].startswith("postgres")
            else "sqlite", "prepared": prepared,
            **{k: v for k, v in timed.items() if k != "area"}, "peak_rss_mb": s.peak_rss_mb()}


def _prepare(workdir: Path, env: dict, *, records: int) -> dict:
    marker = workdir / MARKER
    key = {"records": records, "database": env["DATABASE_URL"]}
    if marker.exists():
        info = json.loads(marker.read_text())
        if {k: info.get(k) for k in key} == key:
            # The code's newer migrations (an index added since the fill) are applied first.
            started = time.perf_counter()
            s.certguard("migrate", "--noinput", env=env)
            return {**info, "reused": True,
                    "remigrate_seconds": round(time.perf_counter() - started, 1)}
    started = time.perf_counter()
    s.certguard("migrate", "--noinput", env=env)
    migrated = time.perf_counter()
    filled = s.last_json_line(s.certguard("bench", "reporting", "--phase", "fill",
                                          "--records", str(records), env=env))
    info = {**key, "migrate_seconds": round(migrated - started, 1),
            **{k: v for k, v in filled.items() if k != "area"}}
    marker.write_text(json.dumps(info))
    return {**info, "reused": False}


def _bounds(month: str) -> tuple[date, date]:
    import calendar

    first = date.fromisoformat(f"{month}-01")
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def _version() -> Any:
    from certguard.core.scoping import COMMAND_LINE
    from certguard.reporting.models import FormVersion
    from certguard.reporting.services import form_version_create

    existing = FormVersion.objects.filter(form__code="bench-province").first()
    if existing is not None:
        return existing
    layout = {"orientation": "measure_rows", "cumulative": False, "dimension": None,
              "measures": [{"code": f"{app}_{figure}", "label": f"{app}.{figure}",
                            "formula": f"{app}.{figure}"} for app, figure in MEASURES]}
    return form_version_create(by=COMMAND_LINE, code="bench-province", name="基准省级月报",
                               period_type="monthly", fill_level="county", due={"day": 25},
                               layout=layout)


def _timed(*, month: str, repeat: int) -> dict:
    from statistics import median

    from certguard.reporting.services import compute_values

    version = _version()
    start, end = _bounds(month)
    platform_runs, baseline_runs = [], []
    values: dict = {}
    expected: dict = {}
    for _ in range(max(1, repeat)):
        mark = time.perf_counter()
        values = compute_values(version=version, region="14", start=start, end=end)
        platform_runs.append(time.perf_counter() - mark)
        mark = time.perf_counter()
        expected = data.hand_written(start, end)
        baseline_runs.append(time.perf_counter() - mark)
    got = {code: int(value) for (code, _), (value, _) in values.items() if value is not None}
    best, base = min(platform_runs), min(baseline_runs)
    plans = _plans(lambda: compute_values(version=version, region="14", start=start, end=end))
    return {"month": month, "region": "14（山西省）", "measures": len(MEASURES),
            "queries": plans["queries"], "full_scans": plans["full_scans"],
            "plans_file": plans["file"],
            "values": got, "same_as_hand_written": got == expected,
            "platform_seconds": {"best": round(best, 3), "median": round(median(platform_runs),
                                                                          3)},
            "hand_written_sql_seconds": {"best": round(base, 3),
                                         "median": round(median(baseline_runs), 3)},
            "ratio_to_hand_written": round(best / max(base, 1e-6), 2),
            "target_seconds": TARGET_SECONDS, "meets_target": best <= TARGET_SECONDS}


def _plans(step: Any) -> dict:
    """The plan (EXPLAIN) of every query ``step`` runs, written to a file beside the scratch
    database; the summary names the queries whose plan reads a whole table or index."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        step()
    explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    lines, full = [], []
    for n, query in enumerate(captured.captured_queries, start=1):
        sql = query["sql"]
        try:
            with connection.cursor() as cursor:
                cursor.execute(explain + sql)
                plan = [str(row[-1]) for row in cursor.fetchall()]
        except Exception as exc:  # a plan that cannot be shown is reported as such
            plan = [f"(no plan: {exc})"]
        lines += [f"-- query {n} ({query['time']} s)", sql, *plan, ""]
        scans = [p.strip() for p in plan
                 if p.lstrip(" ->").startswith("SCAN ") or "Seq Scan" in p]
        if scans:
            full.append({"query": n, "scans": scans})
    path = Path(os.environ.get("CERTGUARD_VAR_DIR", ".")) / f"plans-{connection.vendor}.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")
    return {"queries": len(captured.captured_queries), "full_scans": full, "file": str(path)}
