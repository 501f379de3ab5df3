"""Benchmark of the registry import (`certguard registry import`): a `certguard synth` file of
--certificates rows (default 5,000,000, Parquet) into a fresh SQLite platform, and into
PostgreSQL when --database-url names a scratch database, each against a bare load of the same
rows measured in the same run:

- SQLite baseline: the rows read from the same file with pyarrow and written from Python with
  executemany into a plain SQLite table with the same columns and the same unique key, in one
  transaction (what any script loading the file would do, without a single check);
- PostgreSQL baseline: the same rows with COPY into a plain table with the same unique key.

The import runs as the product's own command in a subprocess, so its peak memory is its own.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

from certguard.bench import _support as s

# ruff: noqa: S608 - table and column names are code constants

COLUMNS = ("cert_no", "id_no", "name", "family", "item_code", "issuer_code", "first_issued",
           "valid_from", "valid_until", "review_due", "last_review", "status", "source")
REGISTRY_TABLES = ("registry_certificateevent", "registry_certificate", "registry_holder",
                   "registry_importbatch")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--certificates", type=int, default=5_000_000)
    parser.add_argument("--workdir", default="", help="scratch directory (the synth file is kept)")
    parser.add_argument("--database-url", default="",
                        help="a scratch PostgreSQL database whose name contains bench, "
                             "e.g. postgres://postgres@127.0.0.1:5432/bench_import")
    parser.add_argument("--skip-sqlite", action="store_true")


def run(options: dict) -> dict:
    rows = int(options["certificates"])
    workdir = Path(options["workdir"] or Path(tempfile.gettempdir()) / "certguard-bench-import")
    workdir.mkdir(parents=True, exist_ok=True)
    source = _synth(workdir, rows)
    result: dict = {"certificates": rows, "file": str(source),
                    "file_mb": round(source.stat().st_size / 1e6, 1),
                    "load_1m_start": round(os.getloadavg()[0], 2), "cpus": os.cpu_count()}
    if not options["skip_sqlite"]:
        result["sqlite"] = _sqlite(workdir, source)
    if options["database_url"]:
        result["postgresql"] = _postgres(workdir, source, options["database_url"])
    result["load_1m_end"] = round(os.getloadavg()[0], 2)
    return result


def _synth(workdir: Path, rows: int) -> Path:
    from certguard.synth.generate import generate

    folder = workdir / f"synth-{rows}"
    target = folder / "certificates.parquet"
    if not target.exists():
        generate(out_dir=folder, certificates=rows, seed=20240901)
    return target


def _batches(source: Path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    for batch in pq.ParquetFile(source).iter_batches(batch_size=50_000, columns=list(COLUMNS)):
        columns = [batch.column(i).cast(pa.string()).to_pylist() for i in range(len(COLUMNS))]
        yield list(zip(*columns, strict=True))


def _sqlite_baseline(path: Path, source: Path) -> tuple[float, float]:
    """Seconds and CPU seconds (this process: reading the file and SQLite's own work)."""
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute(f"CREATE TABLE certificate (id INTEGER PRIMARY KEY, {', '.join(COLUMNS)}, "
               "UNIQUE (cert_no, family, item_code))")
    insert = (f"INSERT INTO certificate ({', '.join(COLUMNS)}) "
              f"VALUES ({', '.join('?' * len(COLUMNS))})")
    started, cpu = time.perf_counter(), time.process_time()
    db.execute("BEGIN")
    for rows in _batches(source):
        db.executemany(insert, rows)
    db.execute("COMMIT")
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    db.close()
    path.unlink(missing_ok=True)
    return seconds, cpu


def _import(source: Path, env: dict) -> dict:
    """`certguard registry import` in a child process: its time and its own peak memory."""
    report, out_path, err_path = (source.parent / f"bench-{n}" for n in
                                  ("rejected.csv", "out.json", "err.txt"))
    started = time.perf_counter()
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        child = subprocess.Popen([sys.executable, "-m", "certguard", "registry", "import",
                                  str(source), "--quiet", "--report", str(report)], env=env,
                                 stdout=out, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    if child.returncode != 0:
        raise RuntimeError(f"registry import failed: {err_path.read_text()[-1500:]}")
    summary = json.loads(out_path.read_text())
    return {"seconds": round(seconds, 1), "rows_per_s": round(summary["rows_read"] / seconds),
            "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 1),
            "peak_rss_mb": round(usage.ru_maxrss / 1024, 1), "inserted": summary["inserted"],
            "updated": summary["updated"], "rejected": summary["rejected_count"]}


def _sqlite(workdir: Path, source: Path) -> dict:
    baseline, baseline_cpu = _sqlite_baseline(workdir / "baseline.sqlite3", source)
    platform = workdir / "sqlite-platform"
    for leftover in platform.glob("bench.sqlite3*"):
        leftover.unlink()
    platform.mkdir(exist_ok=True)
    env = s.scratch_env(platform)
    s.certguard("migrate", "--noinput", env=env)
    load = os.getloadavg()[0]
    imported = _import(source, env)
    # On a shared machine the wall-clock ratio moves with the neighbours' load (the baseline
    # and the import run at different moments): the CPU ratio is printed beside it.
    return {"import": imported, "baseline_bare_insert_seconds": round(baseline, 3),
            "baseline_cpu_seconds": round(baseline_cpu, 1),
            "ratio_import_to_baseline": round(imported["seconds"] / baseline, 2),
            "ratio_cpu_import_to_baseline": round(imported["cpu_seconds"] / baseline_cpu, 2),
            "load_1m_during": round(load, 2), "load_1m_after": round(os.getloadavg()[0], 2)}


def _postgres_baseline(url: str, source: Path) -> float:
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://", 1)) as db:
        db.execute("DROP TABLE IF EXISTS bench_bare_certificate")
        db.execute(f"CREATE TABLE bench_bare_certificate (id bigserial PRIMARY KEY, "
                   f"{', '.join(c + ' text' for c in COLUMNS)}, "
                   f"UNIQUE (cert_no, family, item_code))")
        db.commit()
        started = time.perf_counter()
        with db.cursor() as cursor, cursor.copy(
                f"COPY bench_bare_certificate ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for rows in _batches(source):
                for row in rows:
                    copy.write_row(row)
        db.commit()
        seconds = time.perf_counter() - started
        db.execute("DROP TABLE bench_bare_certificate")
    return seconds


SERVER_SETTINGS = ("server_version", "shared_buffers", "max_wal_size", "checkpoint_timeout",
                   "wal_level", "synchronous_commit", "work_mem", "maintenance_work_mem",
                   "max_parallel_workers_per_gather", "max_parallel_maintenance_workers")


def server_settings(db) -> dict:
    """The server's own settings the figures depend on (the import sets only session ones)."""
    rows = db.execute("SELECT name, setting, unit FROM pg_settings WHERE name = ANY(%s)",
                      [list(SERVER_SETTINGS)]).fetchall()
    found = {name: f"{setting}{_unit(unit)}" for name, setting, unit in rows}
    # The database's collation: under "C" the index builds compare bytes (a third faster
    # here than under "C.UTF-8", which sorts the same way through strcoll).
    found["datcollate"] = db.execute("SELECT datcollate FROM pg_database "
                                     "WHERE datname = current_database()").fetchone()[0]
    return found


def _unit(unit: str | None) -> str:
    return f" × {unit}" if unit and unit[0].isdigit() else (unit or "")


def _postgres(workdir: Path, source: Path, url: str) -> dict:
    name = urlparse(url).path.lstrip("/")
    if "bench" not in name:
        raise ValueError(f"--database-url 的数据库名应含 bench（会清空其中的证书库）：{name}")
    platform = workdir / "pg-platform"
    platform.mkdir(exist_ok=True)
    env = s.scratch_env(platform, url)
    s.certguard("migrate", "--noinput", env=env)
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://", 1)) as db:
        db.execute(f"TRUNCATE {', '.join(REGISTRY_TABLES)} CASCADE")
        settings = server_settings(db)
    baseline = _postgres_baseline(url, source)
    load = os.getloadavg()[0]
    imported = _import(source, env)
    return {"import": imported, "server_settings": settings,
            "baseline_bare_copy_seconds": round(baseline, 3),
            "ratio_import_to_baseline": round(imported["seconds"] / baseline, 2),
            "goal_seconds_5m": 90, "load_1m_during": round(load, 2),
            "load_1m_after": round(os.getloadavg()[0], 2)}
