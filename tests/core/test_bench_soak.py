"""The soak benchmark's open-loop generator against a tiny local server: every request due is
sent, answers are counted by kind, non-200 answers are errors, periods are reported."""

from __future__ import annotations

import asyncio
import json

from certguard.bench import soak


async def _serve(statuses: list[int]):
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            request = await reader.readline()
            if not request:
                break
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            body = json.loads(await reader.readexactly(length))
            status = 500 if body.get("name") == "坏" else 200
            statuses.append(status)
            writer.write(f"HTTP/1.1 {status} X\r\nContent-Length: 2\r\n\r\n{{}}".encode())
            await writer.drain()
        writer.close()

    return await asyncio.start_server(handle, "127.0.0.1", 0)


def test_every_due_request_is_sent_and_errors_are_counted():
    async def main() -> dict:
        statuses: list[int] = []
        server = await _serve(statuses)
        port = server.sockets[0].getsockname()[1]
        keys = [{"name": "张三", "id_no": "1"}, {"name": "坏", "id_no": "2"}]
        options = {"rate": 40, "seconds": 1, "bucket_seconds": 0.5, "batch_every": 4,
                   "batch_size": 3, "connections": 4}
        result = await soak._drive(port=port, keys=keys, options=options,
                                   sample=lambda: {"1 worker": _mem(100, 5)})
        server.close()
        return result

    result = asyncio.run(main())
    assert result["requests"] == 40
    batch = 10  # one in four
    assert result["answered"]["batch"] == batch  # batch bodies have no top-level name
    # single requests alternate between a good and a bad key: n % 2 == 1 is "坏"
    bad = sum(1 for n in range(40) if n % 4 != 3 and n % 2 == 1)
    assert result["errors"] == bad
    assert result["answered"]["single"] == 40 - batch - bad
    assert sum(p["requests"] for p in result["per_period"]) == 40
    # memory sampled at the end of each half-second period while the second ran
    assert len(result["memory_samples"]) >= 1
    assert soak._series(result["memory_samples"])["1 worker"][0] == round(100 / 1024, 1)
    assert all(p["p99_ms"] is not None for p in result["per_period"])
    # the batch requests' own percentiles beside the singles'
    assert all(p["batch_p50_ms"] is not None and p["single_p99_ms"] is not None
               for p in result["per_period"])


def _mem(private: int, file: int) -> dict[str, int]:
    return {"rss": private + file, "private": private, "file": file}


def test_memory_growth_is_judged_on_private_memory():
    """A worker whose mapped SQLite pages doubled has not leaked; one whose heap grew has."""
    growth = soak._growth({"1 serve": _mem(1000, 500), "2 worker": _mem(2000, 300)},
                          {"1 serve": _mem(1100, 500), "2 worker": _mem(2000, 900)})
    assert growth["max_growth_pct"] == 10.0
    rows = {r["process"]: r for r in growth["processes"]}
    assert rows["2 worker"]["growth_pct"] == 0.0
    assert rows["2 worker"]["file_mapped_end_mb"] > rows["2 worker"]["file_mapped_start_mb"]
    assert rows["2 worker"]["rss_end_mb"] > rows["2 worker"]["rss_start_mb"]


def test_memory_is_read_from_the_kernel_per_process():
    import os

    memory = soak._tree_rss([os.getpid()])
    ours = next(v for k, v in memory.items() if k.startswith(f"{os.getpid()} "))
    assert ours["private"] > 0 and ours["rss"] >= ours["private"]


def test_a_connection_is_opened_only_when_a_request_is_due():
    """Like a client, not a pool of idle sockets: an idle connection would hold a sync
    worker waiting for its request line while due requests queue behind it."""
    async def main() -> tuple[int, int]:
        opened = []

        async def handle(reader, writer):
            opened.append(1)
            await reader.readline()
            while await reader.readline() not in (b"\r\n", b""):
                pass
            writer.write(b"HTTP/1.1 200 X\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")
            await writer.drain()
            writer.close()

        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        options = {"rate": 10, "seconds": 1, "bucket_seconds": 1, "batch_every": 0,
                   "batch_size": 1, "connections": 64}
        result = await soak._drive(port=server.sockets[0].getsockname()[1],
                                   keys=[{"name": "张三", "id_no": "1"}], options=options)
        server.close()
        return len(opened), result["answered"]["single"]

    opened, answered = asyncio.run(main())
    assert answered == 10 and opened == 10  # one per request (the server closes each), not 64
