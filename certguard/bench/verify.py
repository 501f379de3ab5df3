"""Benchmark of the verification service (issue 3): in-process lookups against a registry of
1,000,000 certificates, HTTP POST /api/v1/verify under concurrent load through
`certguard serve` with audit logging on (and a count proving no audit entry was lost), and
electronic-certificate verification. Each figure comes with a minimal baseline from the same
run: the bare SQL lookup, and a bare WSGI app doing the same lookup behind the same server.

The platform under test is a scratch one (its own database and var directory), prepared by
the product's own commands: `certguard migrate` and `certguard registry import` of a file
written by `certguard synth`. Re-runs with the same --workdir reuse it.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

from certguard.bench import _support as s

MARKER = "registry-ready.json"
SPOOL_SETTLE_S = 3


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--certificates", type=int, default=1_000_000)
    parser.add_argument("--lookups", type=int, default=100_000, help="in-process lookups")
    parser.add_argument("--http-seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=4, help="server worker processes")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker")
    parser.add_argument("--workdir", default="", help="scratch directory (kept for re-runs)")
    parser.add_argument("--database-url", default="", help="default: SQLite in --workdir")
    parser.add_argument("--existing-registry", action="store_true",
                        help="measure against the registry already in --database-url (e.g. "
                             "the one `bench selfcheck` built) instead of building one")
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument("--skip-ecert", action="store_true")
    parser.add_argument("--phase", default="all",
                        choices=["all", "inprocess", "audit-count", "keys", "rows"],
                        help=argparse.SUPPRESS)


def run(options: dict) -> dict:
    if options["phase"] == "inprocess":
        return _inprocess(lookups=options["lookups"])
    if options["phase"] == "audit-count":
        return _audit_count()
    if options["phase"] == "rows":
        return {"registry_rows": _registry_rows()}
    if options["phase"] == "keys":
        return {"keys": _sample_keys(10_000)}
    workdir = Path(options["workdir"] or Path(tempfile.gettempdir()) / "certguard-bench-verify")
    workdir.mkdir(parents=True, exist_ok=True)
    env = s.scratch_env(workdir, options["database_url"] or None)
    registry = (_existing(env) if options["existing_registry"]
                else _prepare(workdir, env, options["certificates"]))
    result = {"machine": {"cpus": os.cpu_count(), "load_1m": os.getloadavg()[0]},
              "registry": registry}
    result["in_process"] = s.last_json_line(s.certguard(
        "bench", "verify", "--phase", "inprocess", "--lookups", str(options["lookups"]),
        env=env))["in_process"]
    if not options["skip_http"]:
        result["http"] = _http(workdir, env, options)
    if not options["skip_ecert"]:
        from certguard.bench import ecert

        result["ecert"] = ecert.run({"seconds": 1.0, "rounds": 3,
                                     "algs": "ed25519,es256,ps256,sm2", "cpu": None})
    result["peak_rss_mb"] = s.peak_rss_mb()
    return result


def _prepare(workdir: Path, env: dict, certificates: int) -> dict:
    marker = workdir / MARKER
    if marker.exists() and json.loads(marker.read_text()).get("certificates") == certificates:
        return {**json.loads(marker.read_text()), "reused": True}
    from certguard.synth.generate import generate

    started = time.perf_counter()
    s.certguard("migrate", "--noinput", env=env)
    data = generate(out_dir=workdir / "synth", certificates=certificates, seed=20240901)
    generated = time.perf_counter()
    report = json.loads(s.certguard("registry", "import", str(data.files["certificates"]),
                                    "--report", str(workdir / "certificates.rejected.csv"),
                                    env=env))
    info = {"certificates": certificates, "imported": report["accepted"],
            "rejected": report["rejected_count"],
            "synth_seconds": round(generated - started, 1),
            "import_seconds": round(time.perf_counter() - generated, 1)}
    marker.write_text(json.dumps(info))
    return {**info, "reused": False}


def _existing(env: dict) -> dict:
    """A registry another bench built: its size as the database has it, nothing imported."""
    rows = s.last_json_line(s.certguard("bench", "verify", "--phase", "rows", env=env))
    return {"certificates": rows["registry_rows"], "reused": True, "existing": True}


def _sample_keys(count: int) -> list[tuple[str, str]]:
    """Holders drawn at random, one in ten with a wrong name (a miss costs a lookup too)."""
    from certguard.registry.models import Holder

    total = Holder.objects.count()
    rng = random.Random(7)
    picks = sorted(rng.sample(range(1, total + 1), min(count, total)))
    rows = list(Holder.objects.filter(pk__in=picks).values_list("id_no", "name"))
    return [(i, n if k % 10 else n + "某") for k, (i, n) in enumerate(rows)]


def _inprocess(*, lookups: int) -> dict:
    from django.db import connection

    from certguard.core import audit
    from certguard.registry.verification import BY_ID_NO, VerifyQuery, verify_certificate

    keys = _sample_keys(10_000)
    queries = [VerifyQuery(name=n, id_no=i) for i, n in keys]
    with connection.cursor() as cursor:  # the baseline: the same SQL, nothing around it
        started = time.perf_counter()
        for k in range(lookups):
            cursor.execute(BY_ID_NO, [keys[k % len(keys)][0]])
            cursor.fetchall()
        bare = lookups / (time.perf_counter() - started)
    started = time.perf_counter()
    found = 0
    for start in range(0, lookups, 1000):  # audit entries leave in batches, as per request
        token = audit.begin_context(user=None, ip="127.0.0.1")
        for k in range(start, min(start + 1000, lookups)):
            found += verify_certificate(query=queries[k % len(queries)],
                                        channel="bench")["result"] == "found"
        audit.end_context(token)
    single = lookups / (time.perf_counter() - started)
    many, many_found, many_cpu = _inprocess_batched(queries, lookups)
    return {"in_process": {
        "lookups": lookups, "registry_rows": _registry_rows(),
        "single": {"what": "verify_certificate: one query, full public answer, audited",
                   "lookups_per_s": round(single), "found": found},
        "batched": {"what": "verify_many: 1,000 queries a call, compact answers, audited",
                    "lookups_per_s": round(many), "found": many_found,
                    "per_cpu_second": round(many_cpu),
                    "note": "per_cpu_second counts this process's CPU time only: the rate on "
                            "an otherwise idle core"},
        "baseline_sql_per_s": round(bare),
        "ratio_single_to_baseline": round(single / bare, 3),
        "target_per_s": 50_000, "meets_target": max(single, many) >= 50_000}}


def _registry_rows() -> int:
    from certguard.registry.models import Certificate

    return Certificate.objects.count()


def _inprocess_batched(queries: list, lookups: int) -> tuple[float, int, float]:
    from certguard.core import audit
    from certguard.registry.batch import verify_many

    started, cpu = time.perf_counter(), time.process_time()
    found = 0
    for start in range(0, lookups, 1000):
        token = audit.begin_context(user=None, ip="127.0.0.1")
        batch = [queries[k % len(queries)] for k in range(start, min(start + 1000, lookups))]
        answers = verify_many(queries=batch, channel="bench", detail=False)
        found += sum(a["result"] == "found" for a in answers)
        audit.end_context(token)
    return (lookups / (time.perf_counter() - started), found,
            lookups / (time.process_time() - cpu))


def _audit_count() -> dict:
    from certguard.core.audit_spool import audit_ingest
    from certguard.core.models import AuditEntry

    audit_ingest(force=True)
    return {"audit_api_queries": AuditEntry.objects.filter(action="query",
                                                           data__channel="api").count()}


def _keys_file(workdir: Path, env: dict) -> Path:
    path = workdir / "keys.jsonl"
    if not path.exists():
        keys = s.last_json_line(s.certguard("bench", "verify", "--phase", "keys", env=env))
        path.write_text("".join(json.dumps({"id_no": i, "name": n}, ensure_ascii=False) + "\n"
                                for i, n in keys["keys"]))
    return path


def _http(workdir: Path, env: dict, options: dict) -> dict:
    keys = _keys_file(workdir, env)
    server_env = s.server_env(env)
    load = {"keys_file": keys, "seconds": options["http_seconds"],
            "connections": options["connections"]}
    workers = ["--workers", str(options["workers"]), "--threads", str(options["threads"])]
    before = s.last_json_line(s.certguard("bench", "verify", "--phase", "audit-count",
                                          env=env))["audit_api_queries"]
    port = s.free_port()
    product_cmd = [sys.executable, "-m", "certguard", "serve", "--bind",
                   f"127.0.0.1:{port}", "--no-collectstatic", *workers]
    first = keys.read_text().splitlines()[0].encode()
    with s.Server(product_cmd, env=server_env, port=port):
        s.wait_for_answer(port, "/api/v1/verify", first)
        warm = s.wrk(url_path="/api/v1/verify", port=port, **{**load, "seconds": 3})
        product = s.wrk(url_path="/api/v1/verify", port=port, **load)
    time.sleep(SPOOL_SETTLE_S)  # the server is stopped; its last spool period closes
    after = s.last_json_line(s.certguard("bench", "verify", "--phase", "audit-count",
                                         env=env))["audit_api_queries"]
    port = s.free_port()
    bare_cmd = [sys.executable, "-m", "gunicorn", "certguard.bench._bare_wsgi:application",
                "--bind", f"127.0.0.1:{port}", *workers, "--log-level", "warning"]
    with s.Server(bare_cmd, env=server_env, port=port):
        s.wait_for_answer(port, "/api/v1/verify", first)
        s.wrk(url_path="/api/v1/verify", port=port, **{**load, "seconds": 3})
        bare = s.wrk(url_path="/api/v1/verify", port=port, **load)
    answered = warm["requests"] + product["requests"]
    logged = after - before
    return {"server": f"certguard serve (gunicorn) {options['workers']} workers × "
                      f"{options['threads']} threads", "connections": options["connections"],
            "product": product, "bare_wsgi_baseline": bare,
            "ratio_to_baseline": round(product["requests_per_s"] / bare["requests_per_s"], 3),
            "audit": {"requests_answered": answered, "audit_entries_written": logged,
                      "lost": max(0, answered - logged)},
            "targets": {"requests_per_s": 1500, "p99_ms": 50},
            "meets_target": product["requests_per_s"] >= 1500
            and (product["p99_ms"] or 1e9) <= 50}
