"""Benchmark: read and map an employer roster XLSX (default 100,000 rows) with the self-check
roster reader, against python-calamine reading the same file raw (no header search, no mapping,
no cleaning) in the same run.

The file looks like the ones employers keep: a title row, Chinese headers, IDs as text, dates as
date cells and as text ranges, a few damaged rows (lost digits, bad dates). It is generated once
per size into the temporary directory (or --file) and reused.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from certguard.ids import make_id_no

HEADER = ["序号", "姓名", "身份证号码", "证书编号", "岗位", "作业类别", "有效期", "上岗日期",
          "备注"]
_REGIONS = ("110105", "140521", "440305", "520102", "330106")
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
_GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英"
_POSTS = (("电工", "1.2"), ("焊工", "2.1"), ("高处作业", "3.1"), ("叉车司机", "N1"))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rows", type=int, default=100_000, help="data rows (default 100000)")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds (default 3)")
    parser.add_argument("--file", default=None,
                        help="XLSX to use (generated there when missing; default: temp dir)")
    parser.add_argument("--seed", type=int, default=7, help="random seed of the generated file")


def run(options: dict[str, Any]) -> dict[str, Any]:
    from certguard.selfcheck.reader import read_roster

    rows = int(options.get("rows") or 100_000)
    rounds = max(1, int(options.get("rounds") or 3))
    path = Path(options.get("file") or Path(tempfile.gettempdir()) /
                f"certguard-roster-{rows}-{options.get('seed', 7)}.xlsx")
    generate_seconds = 0.0
    if not path.exists():
        started = time.perf_counter()
        write_roster_xlsx(path=path, rows=rows, seed=int(options.get("seed") or 7))
        generate_seconds = time.perf_counter() - started

    baseline = _best(lambda: _raw_calamine(path), rounds=rounds)
    result: dict[str, Any] = {}
    reader = _best(lambda: result.setdefault("last", read_roster(source=path)), rounds=rounds,
                   reset=result)
    last = result["last"]
    return {
        "rows": rows,
        "file": str(path),
        "file_mb": round(path.stat().st_size / 1024 / 1024, 2),
        "generate_seconds": round(generate_seconds, 2),
        "reader_seconds": round(reader["best"], 3),
        "reader_seconds_median": round(reader["median"], 3),
        "reader_rows_per_s": round(rows / reader["best"]),
        "baseline_calamine_raw_seconds": round(baseline["best"], 3),
        "baseline_rows_per_s": round(rows / baseline["best"]),
        "ratio_reader_to_baseline": round(reader["best"] / baseline["best"], 2),
        "load_average_1min": round(os.getloadavg()[0], 2),  # 2 cores shared: read ratios
        "accepted": len(last.accepted),
        "rejected": len(last.rejected),
    }


def _best(fn: Any, *, rounds: int, reset: dict[str, Any] | None = None) -> dict[str, float]:
    times = []
    for _ in range(rounds):
        if reset is not None:
            reset.clear()
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return {"best": min(times), "median": statistics.median(times)}


def _raw_calamine(path: Path) -> int:
    import python_calamine as calamine

    book = calamine.CalamineWorkbook.from_path(str(path))
    return len(book.get_sheet_by_index(0).to_python())


def write_roster_xlsx(*, path: Path, rows: int, seed: int) -> None:
    """A realistic roster with ~1% damaged rows; needs XlsxWriter (fast, constant memory)."""
    import xlsxwriter

    rng = random.Random(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("特种作业人员")
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, ["XX集团特种作业人员持证情况自查登记表"])
    sheet.write_row(1, 0, HEADER)
    for i in range(rows):
        _write_row(sheet=sheet, r=i + 2, seq=i + 1, rng=rng, date_format=date_format)
    book.close()


def _write_row(*, sheet: Any, r: int, seq: int, rng: random.Random, date_format: Any) -> None:
    birth = date(1965, 1, 1) + timedelta(days=rng.randrange(14000))
    id_no = make_id_no(rng.choice(_REGIONS), birth, rng.randrange(1000))
    post, item = rng.choice(_POSTS)
    start = date(2018, 1, 1) + timedelta(days=rng.randrange(2000))
    name = rng.choice(_SURNAMES) + rng.choice(_GIVEN) + rng.choice(("", rng.choice(_GIVEN)))
    sheet.write_string(r, 0, str(seq))
    sheet.write_string(r, 1, name)
    if seq % 100 == 0:
        sheet.write_number(r, 2, float(id_no[:17]) * 10)  # lost digits: an ID stored as number
    else:
        sheet.write_string(r, 2, id_no if seq % 7 else id_no.lower())
    sheet.write_string(r, 3, "T" + id_no)
    sheet.write_string(r, 4, post)
    sheet.write_string(r, 5, item)
    until = start + timedelta(days=6 * 365)
    if seq % 3:
        sheet.write_datetime(r, 6, until, date_format)
    else:
        sheet.write_string(r, 6, f"{start.year}.{start.month}.{start.day}-"
                                 f"{until.year}.{until.month}.{until.day}")
    sheet.write_datetime(r, 7, start, date_format)
    sheet.write_string(r, 8, "" if seq % 50 else "=HYPERLINK(\"http://x\")")
