"""Benchmark of the statistical tables (issue 15): one province-level table for one month
computed by the platform — each indicator through its app's ``figures`` module, exactly as a
report is computed — over N underlying records (default 10,000,000), against the same
aggregate written by hand as one SQL query, in the same run, on SQLite or PostgreSQL.

The records are the kinds the platform holds today whose figures feed the tables: tip-offs
(``tips``: received, accepted, refused, handled, overdue, rewarded) and suspect domains
(``netwatch``: sites found, blocked, handovers, ads cleaned) — 80 % / 20 %, over twelve months
of 2024, 70 % of them in 山西 (the province asked for), the rest in 广东. The enforcement and
cases apps are not on the platform yet, so their records cannot be generated here.

The scratch platform is prepared by the product's ``migrate`` and filled set-based by one
INSERT … SELECT per table (a scratch database only: the fill refuses to run elsewhere); the
prepared directory is kept (marker file) and reused by later runs with the same size.
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

from certguard.bench import _support as s

MARKER = "reporting-ready.json"
TARGET_SECONDS = 2.0
PLACES = ["140521", "140522", "140525", "140423", "140428", "140581", "140502",
          "440103", "440305", "440604"]  # 7 in 山西, 3 in 广东
MEASURES = [("tips", f) for f in ("received", "accepted", "refused", "handled", "overdue",
                                  "rewarded")] + \
    [("netwatch", f) for f in ("sites_found", "sites_blocked", "handovers", "ads_cleaned")]


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
        return _fill(int(options["records"]))
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
            return {**info, "reused": True}
    started = time.perf_counter()
    s.certguard("migrate", "--noinput", env=env)
    migrated = time.perf_counter()
    filled = s.last_json_line(s.certguard("bench", "reporting", "--phase", "fill",
                                          "--records", str(records), env=env))
    info = {**key, "migrate_seconds": round(migrated - started, 1),
            **{k: v for k, v in filled.items() if k != "area"}}
    marker.write_text(json.dumps(info))
    return {**info, "reused": False}


def _series(vendor: str, n: int) -> str:
    if vendor == "postgresql":
        return f"SELECT i FROM generate_series(1, {n}) AS g(i)"  # noqa: S608 - integers and constants only
    return (f"WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq "  # noqa: S608 - integers and constants only
            f"WHERE i < {n}) SELECT i FROM seq")


def _day(vendor: str, days: str, seconds: str) -> str:
    if vendor == "postgresql":
        return (f"(TIMESTAMP '2024-01-01' + ({days}) * INTERVAL '1 day' + ({seconds}) * "
                "INTERVAL '1 second')")
    return (f"datetime('2024-01-01', '+' || ({days}) || ' days', '+' || ({seconds}) "
            "|| ' seconds')")


def _place(column: str = "i") -> str:
    return "CASE " + " ".join(f"WHEN {column} %% {len(PLACES)} = {n} THEN '{code}'"
                              for n, code in enumerate(PLACES)) + " END"


def _fill(records: int) -> dict:
    """Tip-offs and suspect domains, set-based (scratch database only)."""
    from django.db import connection, transaction

    from certguard.orgs.models import Organisation

    if os.environ.get("CERTGUARD_BENCH_SCRATCH") != "1":
        raise RuntimeError("只能在基准的临时数据库中生成数据")
    vendor = connection.vendor
    org = Organisation.objects.create(kind="department", name="基准网信办", region_id="140000",
                                      department="wx")
    tips, domains = records * 4 // 5, records - records * 4 // 5
    created = _day(vendor, "i %% 366", "i %% 86000")
    accepted = _day(vendor, "(i %% 366) + 2", "i %% 86000")
    handled = _day(vendor, "(i %% 366) + 20", "i %% 86000")
    tip_sql = (
        "INSERT INTO tips_tip (created_at, updated_at, receipt_hash, subject_kind, subject_name,"  # noqa: S608 - integers and constants only
        " subject_code, family, sector, description, anonymous, insider, channel, department,"
        " status, refusal, refusal_note, accepted_at, handled_at, result, place_id) "
        f"SELECT {created}, {handled}, 'bench' || i, 'fake_certificate', '基准对象', '', "
        "'special_ops', '', '基准举报', TRUE, FALSE, 'web', 'yj', "
        "CASE WHEN i %% 10 = 0 THEN 'refused' WHEN i %% 5 < 2 THEN 'handled' "
        "ELSE 'accepted' END,"
        " '', '', "
        f"CASE WHEN i %% 10 = 0 THEN NULL ELSE {accepted} END, "
        f"CASE WHEN i %% 5 < 2 AND i %% 10 <> 0 THEN {handled} ELSE NULL END, '', {_place()} "
        f"FROM ({_series(vendor, tips)}) AS s")
    domain_sql = (
        "INSERT INTO netwatch_suspectdomain (created_at, updated_at, status, note, domain, "  # noqa: S608 - integers and constants only
        "verdict, imitates, score, reasons, source, officials_version, times_seen, last_seen, "
        "organisation_id, region_id) "
        f"SELECT {created}, {created}, 'new', '', 'bench' || i || '.example', "
        "CASE WHEN i %% 4 = 0 THEN 'lookalike' ELSE 'unrelated' END, '', 50, '[]', 'feed', 1, "
        f"1, {created}, {org.pk}, {_place()} FROM ({_series(vendor, domains)}) AS s")
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(tip_sql, [])  # parameters given: "%%" is the modulo operator
        cursor.execute(domain_sql, [])
    inserted = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"tips": tips, "suspect_domains": domains, "records": records,
            "fill_seconds": round(inserted - started, 1),
            "analyze_seconds": round(time.perf_counter() - inserted, 1)}


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


def _hand_written(start: date, end: date) -> dict[str, int]:
    """The same aggregate as one query written by hand (the baseline)."""
    from django.db import connection
    from django.utils import timezone

    from certguard.core.figures import FigureFilter

    adapt = connection.ops.adapt_datetimefield_value
    low, high = (adapt(x) for x in FigureFilter(start=start, end=end).bounds())
    now = adapt(timezone.now())
    tip = "FROM tips_tip t WHERE t.place_id LIKE '14%%' AND "
    sql = ("SELECT "  # noqa: S608 - integers and constants only
           f"(SELECT COUNT(*) {tip} t.created_at BETWEEN %s AND %s), "
           f"(SELECT COUNT(*) {tip} t.accepted_at BETWEEN %s AND %s), "
           f"(SELECT COUNT(*) {tip} t.status = 'refused' AND t.updated_at BETWEEN %s AND %s), "
           f"(SELECT COUNT(*) {tip} t.handled_at BETWEEN %s AND %s), "
           "(SELECT COUNT(DISTINCT t.id) FROM tips_tip t JOIN tips_tipclock c ON c.tip_id = t.id"
           " WHERE t.place_id LIKE '14%%' AND c.met_at IS NULL AND c.due_at < %s AND "
           "t.created_at BETWEEN %s AND %s), "
           "(SELECT COUNT(*) FROM tips_tip t JOIN tips_reward r ON r.tip_id = t.id WHERE "
           "t.place_id LIKE '14%%' AND r.status = 'paid' AND r.paid_at BETWEEN %s AND %s), "
           "(SELECT COUNT(*) FROM netwatch_suspectdomain d WHERE d.region_id LIKE '14%%' AND "
           "d.verdict = 'lookalike' AND d.created_at BETWEEN %s AND %s), "
           "(SELECT COUNT(*) FROM netwatch_handover h WHERE h.region_id LIKE '14%%' AND "
           "h.domain_id IS NOT NULL AND h.disposed_at BETWEEN %s AND %s), "
           "(SELECT COUNT(*) FROM netwatch_handover h WHERE h.region_id LIKE '14%%' AND "
           "h.handed_at BETWEEN %s AND %s), "
           "(SELECT COUNT(*) FROM netwatch_handover h WHERE h.region_id LIKE '14%%' AND "
           "h.ad_id IS NOT NULL AND h.disposed_at BETWEEN %s AND %s)")
    params = [low, high] * 4 + [now, low, high] + [low, high] * 5
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return {f"{app}_{figure}": int(value) for (app, figure), value in
            zip(MEASURES, row, strict=True)}


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
        expected = _hand_written(start, end)
        baseline_runs.append(time.perf_counter() - mark)
    got = {code: int(value) for (code, _), (value, _) in values.items() if value is not None}
    best, base = min(platform_runs), min(baseline_runs)
    return {"month": month, "region": "14（山西省）", "measures": len(MEASURES),
            "values": got, "same_as_hand_written": got == expected,
            "platform_seconds": {"best": round(best, 3), "median": round(median(platform_runs),
                                                                          3)},
            "hand_written_sql_seconds": {"best": round(base, 3),
                                         "median": round(median(baseline_runs), 3)},
            "ratio_to_hand_written": round(best / max(base, 1e-6), 2),
            "target_seconds": TARGET_SECONDS, "meets_target": best <= TARGET_SECONDS}
