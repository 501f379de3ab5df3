"""Benchmark of the employer self-check (issue 5): a roster XLSX (default 100,000 rows) verified
against a registry (default 5,000,000 certificates): read and map the file, fetch the matching
registry certificates in batches, run rules R01–R10, classify one result per row, export
REPORT.xlsx — the command-line path, whose report is written by a second process alongside the
check ("export" is the wait for it once the results are known). Figures per stage, with the
ratio to reading the file alone (python-calamine raw, and the roster reader) measured in the
same run, and the time the same report takes written in-process afterwards.

The platform under test is a scratch one prepared by the product's own commands (`migrate`,
`registry import` of a synth Parquet); importing millions of certificates takes minutes, so the
prepared directory is kept (marker file) and reused by later runs with the same sizes.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from datetime import date
from pathlib import Path

from certguard.bench import _support as s

MARKER = "selfcheck-ready.json"
SEED = 20250501
HEADER = ("序号", "单位名称", "统一社会信用代码", "姓名", "身份证号码", "证书编号", "岗位",
          "作业类别", "上岗日期", "离岗日期")
TARGET_SECONDS = 15.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--certificates", type=int, default=5_000_000)
    parser.add_argument("--rows", type=int, default=100_000, help="roster rows")
    parser.add_argument("--workdir", default="", help="scratch directory (kept for re-runs)")
    parser.add_argument("--database-url", default="", help="default: SQLite in --workdir")
    parser.add_argument("--roster", default="", help=argparse.SUPPRESS)
    parser.add_argument("--as-of", default="", help=argparse.SUPPRESS)
    parser.add_argument("--phase", default="all", choices=["all", "run"], help=argparse.SUPPRESS)


def run(options: dict) -> dict:
    if options["phase"] == "run":
        return _timed(roster=Path(options["roster"]), as_of=date.fromisoformat(options["as_of"]))
    default = Path(tempfile.gettempdir()) / f"certguard-bench-selfcheck-{options['certificates']}"
    workdir = Path(options["workdir"] or default)
    workdir.mkdir(parents=True, exist_ok=True)
    env = s.scratch_env(workdir, options["database_url"] or None)
    prepared = _prepare(workdir, env, certificates=options["certificates"], rows=options["rows"])
    timed = s.last_json_line(s.certguard(
        "bench", "selfcheck", "--phase", "run", "--roster", prepared["roster_file"],
        "--as-of", prepared["as_of"], env=env))
    return {"machine": {"cpus": os.cpu_count(), "load_1m": round(os.getloadavg()[0], 2)},
            "prepared": prepared, **{k: v for k, v in timed.items() if k != "area"},
            "peak_rss_mb": s.peak_rss_mb()}


def _prepare(workdir: Path, env: dict, *, certificates: int, rows: int) -> dict:
    marker = workdir / MARKER
    if marker.exists():
        info = json.loads(marker.read_text())
        if info.get("certificates") == certificates and info.get("rows") == rows \
                and Path(info["roster_file"]).exists():
            return {**info, "reused": True}
    from certguard.synth.generate import generate

    started = time.perf_counter()
    s.certguard("migrate", "--noinput", env=env)
    data = generate(out_dir=workdir / "synth", certificates=certificates, roster=rows, seed=SEED)
    generated = time.perf_counter()
    report = json.loads(s.certguard("registry", "import", str(data.files["certificates"]),
                                    "--report", str(workdir / "certificates.rejected.csv"),
                                    env=env))
    imported = time.perf_counter()
    roster_file = workdir / f"roster-{rows}.xlsx"
    write_roster_xlsx(parquet=data.files["roster"], path=roster_file)
    info = {"certificates": certificates, "rows": rows, "imported": report["accepted"],
            "rejected": report["rejected_count"], "as_of": data.as_of.isoformat(),
            "roster_file": str(roster_file), "synth_seconds": round(generated - started, 1),
            "import_seconds": round(imported - generated, 1),
            "roster_xlsx_seconds": round(time.perf_counter() - imported, 1)}
    marker.write_text(json.dumps(info))
    return {**info, "reused": False}


def write_roster_xlsx(*, parquet: Path, path: Path) -> None:
    """The synth roster as an employer would keep it: a title row, Chinese headers, text IDs."""
    import pyarrow.parquet as pq
    import xlsxwriter

    table = pq.read_table(parquet).to_pydict()
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("花名册")
    sheet.write_string(0, 0, "三项岗位人员持证情况自查登记表")
    for j, text in enumerate(HEADER):
        sheet.write_string(1, j, text)
    columns = ("employer_name", "employer_code", "worker_name", "worker_id_no", "cert_no",
               "post", "required_item_code", "on_post_from", "on_post_to")
    values = [table.get(c) or [None] * len(table["worker_id_no"]) for c in columns]
    for i, row in enumerate(zip(*values, strict=True), start=2):
        sheet.write_number(i, 0, i - 1)
        for j, value in enumerate(row, start=1):
            if value is not None:
                sheet.write_string(i, j, value.isoformat() if isinstance(value, date)
                                   else str(value))
    book.close()


def _timed(*, roster: Path, as_of: date) -> dict:
    """The command-line self-check (``selfcheck_file``: the report written alongside by a
    second process), then for comparison the same report written in-process afterwards."""
    from certguard.selfcheck.cli import selfcheck_file
    from certguard.selfcheck.report import write_report

    baseline = _raw_calamine(roster)
    out = roster.with_name("REPORT-bench.xlsx")
    started = time.perf_counter()
    outcome = selfcheck_file(path=roster, out=out, as_of=as_of)
    total = time.perf_counter() - started
    run, stages = outcome.run, dict(outcome.seconds)
    stages.pop("total", None)
    mark = time.perf_counter()
    write_report(path=roster.with_name("REPORT-bench-in-process.xlsx"), outcomes=run.outcomes,
                 as_of=as_of.isoformat(), title=roster.name, counts=run.counts())
    in_process = time.perf_counter() - mark
    rows = len(run.outcomes)
    return {"rows": rows, "rejected": run.counts()["rejected"],
            "certificates_fetched": run.certificates, "clues": run.clues,
            "counts": run.counts(), "stages_s": stages, "total_s": round(total, 3),
            "target_s": TARGET_SECONDS, "meets_target": total <= TARGET_SECONDS,
            "report_bytes": out.stat().st_size,
            "export_in_process_s": round(in_process, 3),
            "baseline_raw_calamine_s": round(baseline, 3),
            "ratio_to_raw_calamine": round(total / baseline, 2),
            "ratio_to_roster_read": round(total / stages["read"], 2),
            "rows_per_s": round(rows / total)}


def _raw_calamine(path: Path) -> float:
    import python_calamine

    started = time.perf_counter()
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    for name in book.sheet_names:
        book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    return time.perf_counter() - started
