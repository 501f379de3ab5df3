"""Soak benchmark: verification held at a fixed rate for a fixed time.

`certguard serve` (gunicorn, production mode, audit on) and `certguard worker` (jobs and audit
sealing) run against a prepared registry (the verify benchmark's scratch platform, SQLite or
``--database-url``). An open-loop generator sends ``POST /api/v1/verify`` — and one batch
request ``POST /api/v1/verify/batch`` of ``--batch-size`` keys in every ``--batch-every`` — at
``--rate`` requests a second for ``--seconds``. Latency is measured from the moment each
request was due, not from when it could be sent, so a stalled server shows as latency rather
than as a politely slower client (no coordinated omission).

It reports, per minute: requests, errors, p50/p99; at the end: the memory of every server
and worker process against the start (private memory, where a leak shows, with RSS and the
file-mapped pages beside it), and audit entries against answered requests.
Goals (the national-scale issue): 0 errors, p99 ≤ 50 ms in every minute, memory growth
≤ 10 %, 0 lost audit entries.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from certguard.bench import _support as s
from certguard.bench import verify as verify_bench

MINUTE = 60.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rate", type=int, default=1500, help="requests per second")
    parser.add_argument("--seconds", type=int, default=600)
    parser.add_argument("--warmup", type=int, default=30, help="seconds of load before")
    parser.add_argument("--bucket-seconds", type=float, default=MINUTE,
                        help="length of one reporting period (a minute)")
    parser.add_argument("--certificates", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=4, help="server worker processes")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--batch-every", type=int, default=100,
                        help="one batch request in this many (0: none)")
    parser.add_argument("--batch-size", type=int, default=50)
    parser.add_argument("--workdir", default="", help="scratch directory (kept for re-runs)")
    parser.add_argument("--database-url", default="", help="default: SQLite in --workdir")


def run(options: dict) -> dict:
    workdir = Path(options["workdir"] or Path(tempfile.gettempdir()) / "certguard-bench-soak")
    workdir.mkdir(parents=True, exist_ok=True)
    env = s.scratch_env(workdir, options["database_url"] or None)
    result: dict = {"machine": {"cpus": os.cpu_count(), "load_1m_start": os.getloadavg()[0]},
                    "database": "postgresql" if options["database_url"] else "sqlite",
                    "registry": verify_bench._prepare(workdir, env, options["certificates"])}
    keys = [json.loads(line) for line in verify_bench._keys_file(workdir, env).read_text()
            .splitlines()]
    server_env = s.server_env(env)
    port = s.free_port()
    serve = [sys.executable, "-m", "certguard", "serve", "--bind", f"127.0.0.1:{port}",
             "--no-collectstatic", "--workers", str(options["workers"])]
    worker = [sys.executable, "-m", "certguard", "worker"]
    with s.Server(serve, env=server_env, port=port) as server, \
            _Process(worker, env=server_env) as job_worker:
        s.wait_for_answer(port, "/api/v1/verify", json.dumps(keys[0]).encode())
        assert server.process is not None
        # Memory is compared from the end of a warm-up at the same rate: every worker has
        # then loaded what it loads lazily, so growth means a leak, not a first import.
        asyncio.run(_drive(port=port, keys=keys,
                           options={**options, "seconds": options["warmup"]}))
        roots = [server.process.pid, job_worker.pid]
        memory_start = _tree_rss(roots)
        before = _audit_counts(env)
        load = asyncio.run(_drive(port=port, keys=keys, options=options,
                                  sample=lambda: _tree_rss(roots)))
        memory_end = _tree_rss(roots)
    time.sleep(verify_bench.SPOOL_SETTLE_S)  # the last spool period closes; the worker sealed
    after = _audit_counts(env)
    result.update(load)
    result["memory"] = _growth(memory_start, memory_end)
    result["memory"]["private_mb_by_period"] = _series(load.pop("memory_samples"))
    result["audit"] = {
        "single_answered": load["answered"]["single"],
        "single_logged": after["api"] - before["api"],
        "batch_answered": load["answered"]["batch"],
        "batch_logged": after["api-batch"] - before["api-batch"]}
    result["audit"]["lost"] = max(0, result["audit"]["single_answered"]
                                  - result["audit"]["single_logged"]) + max(
        0, result["audit"]["batch_answered"] - result["audit"]["batch_logged"])
    result["machine"]["load_1m_end"] = os.getloadavg()[0]
    result["goals"] = _goals(result)
    return result


class _Process:
    """A background process (the job worker), stopped with its children when the block ends."""

    def __init__(self, command: list[str], *, env: dict) -> None:
        self.command, self.env = command, env

    def __enter__(self) -> _Process:
        self.process = subprocess.Popen(self.command, env=self.env, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, start_new_session=True)
        self.pid = self.process.pid
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process.poll() is None:
            os.killpg(self.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.pid, signal.SIGKILL)


# --- the open-loop generator ---------------------------------------------------------------

def _request(path: str, body: bytes) -> bytes:
    return (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body


async def _exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                    payload: bytes) -> tuple[int, bool]:
    """(status, whether the server keeps the connection open)."""
    writer.write(payload)
    await writer.drain()
    status_line = await reader.readline()
    length, keep = 0, True
    while (line := await reader.readline()) not in (b"\r\n", b""):
        lower = line.lower()
        if lower.startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
        elif lower.startswith(b"connection:") and b"close" in lower:
            keep = False  # gunicorn's sync workers answer one request per connection
    await reader.readexactly(length)
    return int(status_line.split()[1]), keep


async def _sample_every(period: float, sample, samples: list, done: asyncio.Event) -> None:
    """Memory at the end of every period: whether a growth is a leak (it goes on) or a
    working set filling up (it levels off) shows in the series, not in two figures."""
    while True:
        try:
            await asyncio.wait_for(done.wait(), period)
            return
        except TimeoutError:
            samples.append(sample())


async def _drive(*, port: int, keys: list[dict], options: dict, sample=None) -> dict:
    rate, seconds, bucket = options["rate"], options["seconds"], options["bucket_seconds"]
    every, size = options["batch_every"], options["batch_size"]
    total = rate * seconds
    queue: asyncio.Queue = asyncio.Queue()
    periods: dict[int, dict] = {}
    answered = {"single": 0, "batch": 0}
    start = time.perf_counter() + 0.5

    def payload(n: int) -> tuple[str, bytes]:
        if every and n % every == every - 1:
            items = [keys[(n + k) % len(keys)] for k in range(size)]
            return "batch", _request("/api/v1/verify/batch",
                                     json.dumps({"items": items}, ensure_ascii=False).encode())
        return "single", _request("/api/v1/verify", json.dumps(
            keys[n % len(keys)], ensure_ascii=False).encode())

    async def connection() -> None:
        # Connected only once a request is due, as a client (or a buffering proxy) does: an
        # idle open connection would hold one of gunicorn's sync workers waiting for its
        # request line, and the other requests would queue behind it (about 120 ms at 500
        # requests/s: the generator's latency, not the server's).
        reader: asyncio.StreamReader | None = None
        writer: asyncio.StreamWriter | None = None
        try:
            while (item := await queue.get()) is not None:
                due, kind, data = item
                period = periods.setdefault(int((due - start) // bucket),
                                            {"latencies": [], "errors": 0,
                                             "single": [], "batch": []})
                try:
                    if reader is None or writer is None:
                        reader, writer = await asyncio.open_connection("127.0.0.1", port)
                    status, keep = await _exchange(reader, writer, data)
                except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
                    status, keep = 0, False
                latency = (time.perf_counter() - due) * 1000
                if not keep and writer is not None:
                    writer.close()
                    reader = writer = None
                period["latencies"].append(latency)
                period[kind].append(latency)
                if status == 200:
                    answered[kind] += 1
                else:
                    period["errors"] += 1
        finally:
            if writer is not None:
                writer.close()

    workers = [asyncio.create_task(connection()) for _ in range(options["connections"])]
    samples: list = []
    sent = asyncio.Event()
    sampler = asyncio.create_task(_sample_every(bucket, sample, samples, sent)) \
        if sample else None
    for n in range(total):
        due = start + n / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        queue.put_nowait((due, *payload(n)))
    for _ in workers:
        queue.put_nowait(None)
    await asyncio.gather(*workers)
    elapsed = time.perf_counter() - start
    if sampler:
        sent.set()
        await sampler
    return {"rate_asked": rate, "seconds": seconds, "requests": total,
            "memory_samples": samples,
            "rate_achieved": round(total / elapsed, 1), "answered": answered,
            "errors": sum(p["errors"] for p in periods.values()),
            "per_period": [_summary(i, periods[i], bucket) for i in sorted(periods)]}


def _pct(latencies: list[float], p: float) -> float | None:
    return round(latencies[min(len(latencies) - 1, int(len(latencies) * p))], 2) \
        if latencies else None


def _summary(index: int, period: dict, bucket: float) -> dict:
    """The period's percentiles over all requests (what the goal judges), and apart for
    single and batch requests: at one batch in a hundred, the batches alone are the 1 %
    above p99, so p99 over all tells the batches' latency as much as the singles'."""
    latencies = sorted(period["latencies"])
    single, batch = sorted(period["single"]), sorted(period["batch"])
    return {"period": index + 1, "from_s": round(index * bucket), "requests": len(latencies),
            "errors": period["errors"], "p50_ms": _pct(latencies, 0.50),
            "p99_ms": _pct(latencies, 0.99),
            "max_ms": round(latencies[-1], 2) if latencies else None,
            "single_p99_ms": _pct(single, 0.99), "batch_p50_ms": _pct(batch, 0.50),
            "batch_p99_ms": _pct(batch, 0.99)}


# --- memory and audit ------------------------------------------------------------------------

def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        children = (task / "children")
        if children.exists():
            found += [int(c) for c in children.read_text().split()]
    return found


MEMORY_FIELDS = {"VmRSS:": "rss", "RssAnon:": "private", "RssFile:": "file"}


def _memory(pid: int) -> dict[str, int] | None:
    """RSS of one process split as the kernel counts it (KiB): ``private`` is its anonymous
    memory (the Python heap: where a leak shows), ``file`` the pages of files it maps. SQLite
    maps the database (``PRAGMA mmap_size``), so every page a worker reads or the sealer
    writes joins ``file``: shared page cache that grows with the database and that the kernel
    drops under pressure, not memory the process holds."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    found = dict.fromkeys(MEMORY_FIELDS.values(), 0)
    for line in status.splitlines():
        parts = line.split()  # "RssAnon:   171724 kB"
        if parts and parts[0] in MEMORY_FIELDS:
            found[MEMORY_FIELDS[parts[0]]] = int(parts[1])
    return found


def _tree_rss(roots: list[int]) -> dict[str, dict[str, int]]:
    """Memory of every process under the roots, keyed by "pid command"."""
    seen: dict[str, dict[str, int]] = {}
    stack = list(roots)
    while stack:
        pid = stack.pop()
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")[:80]
        except OSError:
            continue
        memory = _memory(pid)
        if memory is not None:
            seen[f"{pid} {command.decode(errors='replace').strip()}"] = memory
        stack += _children(pid)
    return seen


def _mb(kib: int) -> float:
    return round(kib / 1024, 1)


def _growth(start: dict[str, dict[str, int]], end: dict[str, dict[str, int]]) -> dict:
    """Growth per process; the goal (≤ 10 %) is judged on private memory, the leak that
    would end a long-running process. RSS and file-mapped pages are reported beside it."""
    rows: list[dict] = []
    for key, before in start.items():
        after = end.get(key)
        if after is None or not before["private"]:
            continue
        rows.append({"process": key,
                     "private_start_mb": _mb(before["private"]),
                     "private_end_mb": _mb(after["private"]),
                     "growth_pct": round((after["private"] - before["private"]) * 100
                                         / before["private"], 1),
                     "rss_start_mb": _mb(before["rss"]), "rss_end_mb": _mb(after["rss"]),
                     "file_mapped_start_mb": _mb(before["file"]),
                     "file_mapped_end_mb": _mb(after["file"])})
    return {"processes": rows,
            "max_growth_pct": max((r["growth_pct"] for r in rows), default=None),
            "judged_on": "private (anonymous) memory; file-mapped pages (the SQLite database "
                         "mapped by mmap) are shared page cache and reported beside it"}


def _series(samples: list[dict[str, dict[str, int]]]) -> dict[str, list[float]]:
    """Private memory (MB) of each process at the end of each period."""
    series: dict[str, list[float]] = {}
    for sample in samples:
        for process, memory in sample.items():
            series.setdefault(process, []).append(_mb(memory["private"]))
    return series


def _audit_counts(env: dict) -> dict[str, int]:
    script = ("import django, json; django.setup(); "
              "from certguard.core.audit_spool import audit_ingest; "
              "from certguard.core.models import AuditEntry; audit_ingest(force=True); "
              "q = AuditEntry.objects.filter(action='query'); "
              "print(json.dumps({c: q.filter(data__channel=c).count() "
              "for c in ('api', 'api-batch')}))")
    out = subprocess.run([sys.executable, "-c", script],
                         env={**env, "DJANGO_SETTINGS_MODULE": "certguard.settings"},
                         capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"audit count failed: {out.stderr[-1500:]}")
    return s.last_json_line(out.stdout)


def _goals(result: dict) -> dict:
    periods = result["per_period"]
    worst = max((p["p99_ms"] or 0 for p in periods), default=None)
    growth = result["memory"]["max_growth_pct"]
    return {"zero_errors": result["errors"] == 0,
            "p99_le_50ms_every_period": worst is not None and worst <= 50,
            "worst_period_p99_ms": worst,
            "memory_growth_le_10pct": growth is not None and growth <= 10,
            "zero_lost_audit_entries": result["audit"]["lost"] == 0}
