"""Benchmark of enforcement: the verifiable draw over 300,000 units and 5,000 inspectors (goal
≤ 2 s) and its verification (≤ 2 s), against hashing the same two registers (the least any
draw must do); the figures selector over 1,000,000 inspections and 3,000,000 findings (goal
≤ 1 s) on SQLite and on PostgreSQL, against a bare ``COUNT(*)`` of the findings.

The figures run in a subprocess on a scratch database (migrated, then filled with synthetic
rows by COPY / executemany: throw-away benchmark data, not platform records, so not audited)
and are asked as a provincial department head for one year, totals and grouped by region."""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

GOALS = {"draw_seconds": 2.0, "verify_seconds": 2.0, "figures_seconds": 1.0}
PG_URL = "postgres://postgres@127.0.0.1:5432/enforcement_bench"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--units", type=int, default=300_000)
    parser.add_argument("--inspectors", type=int, default=5_000)
    parser.add_argument("--inspections", type=int, default=1_000_000)
    parser.add_argument("--findings", type=int, default=3_000_000)
    parser.add_argument("--engines", default="sqlite,postgresql",
                        help="figures on these databases (comma-separated; '' = none)")
    parser.add_argument("--pg-url", default=PG_URL, help="PostgreSQL scratch database")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--work-dir")
    parser.add_argument("--figures-worker", action="store_true", help=argparse.SUPPRESS)


def run(options: dict[str, Any]) -> dict[str, Any]:
    if options.get("figures_worker"):
        return _figures_worker(options)
    load = os.getloadavg()
    result: dict[str, Any] = {"load_average": [round(x, 2) for x in load]}
    result["draw"] = _bench_draw(units=int(options["units"]),
                                 inspectors=int(options["inspectors"]),
                                 seed=int(options["seed"]))
    work = Path(options.get("work_dir") or tempfile.mkdtemp(prefix="certguard-enforcement-"))
    work.mkdir(parents=True, exist_ok=True)
    figures = {}
    for engine in [e for e in str(options.get("engines") or "").split(",") if e]:
        figures[engine] = _figures_in_subprocess(engine, options, work)
    result["figures"] = figures
    result["goals"] = GOALS
    met = {"draw_seconds": result["draw"]["draw_seconds"] <= GOALS["draw_seconds"],
           "verify_seconds": result["draw"]["verify_seconds"] <= GOALS["verify_seconds"]}
    for engine, answer in figures.items():
        if "figures_seconds" in answer:
            met[f"figures_seconds_{engine}"] = answer["figures_seconds"] <= GOALS[
                "figures_seconds"]
    result["goals_met"] = met
    result["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    return result


# --- the draw ---------------------------------------------------------------------------------

def registers(*, units: int, inspectors: int, seed: int) -> tuple[str, str]:
    from certguard.enforcement import draw

    rng = random.Random(seed)
    counties = [f"14{c:02d}{k:02d}" for c in range(1, 12) for k in range(21, 33)]
    sectors = ("coal_mine", "non_coal_mine", "hazardous_chemicals", "metallurgy", "other")
    unit_rows = [(i, "enterprise", rng.choice(sectors), rng.choice("AABBBCCCCD"),
                  rng.choice(counties)) for i in range(1, units + 1)]
    inspector_rows = [(i, 1000 + i % 300, rng.choice(counties), "yj",
                       {rng.randint(1, units) for _ in range(rng.choice((0, 0, 0, 1, 3)))})
                      for i in range(1, inspectors + 1)]
    return draw.units_text(unit_rows), draw.inspectors_text(inspector_rows)


def _bench_draw(*, units: int, inspectors: int, seed: int) -> dict[str, Any]:
    from certguard.enforcement import draw

    unit_text, inspector_text = registers(units=units, inspectors=inspectors, seed=seed)
    proportions = [{"sector": "", "risk_tier": t, "percent": p}
                   for t, p in (("A", 30), ("B", 10), ("C", 2), ("D", 1))]
    started = time.perf_counter()
    hashes = (draw.sha256_text(unit_text), draw.sha256_text(inspector_text))
    baseline = time.perf_counter() - started
    # the least any per-row random draw does: split every row and hash it once
    started = time.perf_counter()
    for text in (unit_text, inspector_text):
        for line in text.encode().split(b"\n"):
            hashlib.sha256(line.split(b",")[0]).digest()
    per_row = time.perf_counter() - started
    started = time.perf_counter()
    outcome = draw.select(seed="bench-seed", units=unit_text, inspectors=inspector_text,
                          proportions=proportions)
    digest = outcome.digest
    draw_seconds = time.perf_counter() - started
    manifest = {"seed": "bench-seed", "units_hash": hashes[0], "inspectors_hash": hashes[1],
                "params": {"proportions": proportions, "per_team": 2},
                "result": json.loads(outcome.as_json()), "result_hash": digest}
    started = time.perf_counter()
    check = draw.verify(manifest=manifest, units=unit_text, inspectors=inspector_text)
    verify_seconds = time.perf_counter() - started
    return {"units": units, "inspectors": inspectors, "targets": len(outcome.targets),
            "unstaffed": len(outcome.unstaffed), "verified": check.ok,
            "draw_seconds": round(draw_seconds, 3), "verify_seconds": round(verify_seconds, 3),
            "baseline_hash_registers_seconds": round(baseline, 3),
            "baseline_hash_each_row_seconds": round(per_row, 3),
            "ratio_to_per_row_baseline": round(draw_seconds / per_row, 2) if per_row else None}


# --- the figures --------------------------------------------------------------------------------

def _figures_in_subprocess(engine: str, options: dict[str, Any], work: Path) -> dict[str, Any]:
    from certguard.bench._support import last_json_line, scratch_env

    if engine == "sqlite":
        url = f"sqlite:///{work / 'figures.sqlite3'}"
        (work / "figures.sqlite3").unlink(missing_ok=True)
    elif engine == "postgresql":
        url = str(options.get("pg_url") or PG_URL)
        try:
            _pg_recreate(url)
        except Exception as exc:  # no server: say so in the figures, run the rest
            return {"error": f"PostgreSQL 不可用：{type(exc).__name__}"}
    else:
        return {"error": f"未知的数据库 {engine}"}
    env = scratch_env(work / engine, database_url=url)
    (work / engine).mkdir(exist_ok=True)
    args = [sys.executable, "-m", "certguard", "bench", "enforcement", "--figures-worker",
            "--inspections", str(options["inspections"]), "--findings",
            str(options["findings"]), "--seed", str(options["seed"])]
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {"error": done.stderr[-1500:]}
    return last_json_line(done.stdout)


def _pg_recreate(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def _figures_worker(options: dict[str, Any]) -> dict[str, Any]:
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrate_seconds = time.perf_counter() - started
    started = time.perf_counter()
    _fill(int(options["inspections"]), int(options["findings"]), int(options["seed"]))
    fill_seconds = time.perf_counter() - started
    return {"engine": connection.vendor, "inspections": int(options["inspections"]),
            "findings": int(options["findings"]), "migrate_seconds": round(migrate_seconds, 1),
            "fill_seconds": round(fill_seconds, 1), **_time_figures()}


def _time_figures() -> dict[str, Any]:
    from datetime import date

    from django.db import connection

    from certguard.core.figures import FigureFilter
    from certguard.core.scoping import Actor
    from certguard.enforcement.figures import enforcement_figures

    head = Actor(user_id=1, username="bench", role="department_head", organisation_id=1,
                 organisation_kind="department", department="yj", region_code="140000",
                 region_prefix="14")
    year = FigureFilter(start=date(2024, 1, 1), end=date(2024, 12, 31))
    enforcement_figures(user=head, filters=year)  # warm the page cache once
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM enforcement_finding")
        counted = cursor.fetchone()[0]
    baseline = time.perf_counter() - started
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        totals = enforcement_figures(user=head, filters=year)["totals"]
        timings.append(time.perf_counter() - started)
    started = time.perf_counter()
    grouped = enforcement_figures(user=head, filters=year, group_by="region")
    grouped_seconds = time.perf_counter() - started
    best = min(timings)
    return {"figures_seconds": round(best, 3), "figures_runs": [round(t, 3) for t in timings],
            "grouped_by_region_seconds": round(grouped_seconds, 3),
            "groups": len(grouped["groups"]),
            "baseline_count_findings_seconds": round(baseline, 3), "findings_counted": counted,
            "ratio_to_baseline": round(best / baseline, 1) if baseline else None,
            "totals": {k: str(v) for k, v in totals.items()}}


TASK_COLUMNS = ("id", "created_at", "updated_at", "organisation_id", "department", "target_id",
                "target_name", "target_kind", "region_id", "sector", "source", "source_ref",
                "mode", "secret", "planned_on", "status", "started_at", "completed_at",
                "cancelled_reason", "cap_reason", "place", "handling", "unit_signed",
                "refusal_note")
FINDING_COLUMNS = ("id", "task_id", "kind", "description", "people", "worker_id_no",
                   "worker_name", "region_id", "department", "sector", "found_at", "client_key")


def _fill(inspections: int, findings: int, seed: int) -> None:
    """Synthetic rows straight into the scratch database (COPY on PostgreSQL)."""
    from certguard import ids
    from certguard.orgs.models import Organisation, Region

    rng = random.Random(seed)
    counties = [f"1405{k:02d}" for k in range(21, 27)] + [f"1404{k:02d}" for k in range(21, 31)]
    Region.objects.bulk_create([Region(code=c, name=f"县{c}", level="county",
                                       parent_code=c[:4] + "00") for c in counties],
                               ignore_conflicts=True)
    department = Organisation.objects.create(kind="department", name="应急管理局",
                                             region_id=counties[0], department="yj")
    targets = Organisation.objects.bulk_create([
        Organisation(kind="enterprise", name=f"企业{i}", region_id=counties[i % len(counties)],
                     sector="coal_mine", credit_code=ids.make_credit_code(
                         counties[i % len(counties)], 10_000 + i)) for i in range(2000)])
    target_ids = [(t.pk, t.region_id) for t in targets]
    start = datetime(2024, 1, 1, tzinfo=UTC)
    kinds = ("uncertified", "uncertified", "fake_cert_employer", "fake_cert_worker", "ledger",
             "other", "lent_cert")

    def task_rows():
        for i in range(1, inspections + 1):
            target, region = target_ids[i % len(target_ids)]
            when = start + timedelta(minutes=rng.randrange(525_600))
            done = rng.random() < 0.9
            yield (i, when, when, department.pk, "yj", target, "企业", "enterprise", region,
                   "coal_mine", "plan", "", "normal", False, when.date(),
                   "completed" if done else "approved", when if done else None,
                   when if done else None, "", "", "", "", True, "")

    def finding_rows():
        per_task = max(findings // max(inspections, 1), 1)
        n = 0
        for i in range(1, inspections + 1):
            _, region = target_ids[i % len(target_ids)]
            when = start + timedelta(minutes=(i * 37) % 525_600)
            for _ in range(per_task):
                n += 1
                if n > findings:
                    return
                yield (n, i, rng.choice(kinds), "问题", rng.randint(0, 3), "", "", region,
                       "yj", "coal_mine", when, "")

    _insert("enforcement_task", TASK_COLUMNS, task_rows())
    _insert("enforcement_finding", FINDING_COLUMNS, finding_rows())
    _rollup()
    _analyse()


def _rollup() -> None:
    """The daily figures the services keep as they go, built here set-based from the rows."""
    from django.db import connection, transaction

    day = "DATE({})" if connection.vendor == "sqlite" else "CAST({} AS DATE)"
    fake = "('fake_cert_employer', 'fake_cert_worker', 'lent_cert')"
    sql = (
        "INSERT INTO enforcement_dailyfigures (day, region_id, department, sector, "  # noqa: S608
        "inspections, problems, uncertified_people, fake_cert_people) "
        "SELECT d, region_id, department, sector, SUM(i), SUM(p), SUM(u), SUM(f) FROM ("
        f"SELECT {day.format('completed_at')} AS d, region_id, department, sector, 1 AS i, "
        "0 AS p, 0 AS u, 0 AS f FROM enforcement_task WHERE status = 'completed' UNION ALL "
        f"SELECT {day.format('found_at')}, region_id, department, sector, 0, 1, "
        "CASE WHEN kind = 'uncertified' THEN people ELSE 0 END, "
        f"CASE WHEN kind IN {fake} THEN people ELSE 0 END FROM enforcement_finding"
        ") AS x GROUP BY d, region_id, department, sector")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)


def _insert(table: str, columns: tuple[str, ...], rows) -> None:
    from django.db import connection, transaction

    names = ", ".join(columns)
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    marks = ", ".join("?" for _ in columns)
    statement = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608 (our names)
    batch: list[tuple] = []
    with transaction.atomic():
        raw = connection.connection
        for row in rows:
            batch.append(tuple(v.isoformat(" ") if isinstance(v, datetime) else
                               (v.isoformat() if hasattr(v, "isoformat") else v) for v in row))
            if len(batch) >= 50_000:
                raw.executemany(statement, batch)
                batch = []
        if batch:
            raw.executemany(statement, batch)


def _analyse() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    if connection.vendor == "postgresql":
        old = connection.connection.autocommit
        connection.connection.autocommit = True
        with connection.connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE enforcement_task")
            cursor.execute("VACUUM ANALYZE enforcement_finding")
        connection.connection.autocommit = old
