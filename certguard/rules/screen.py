"""screen(): validate the inputs, run the rules on an engine, write the clue set."""

# ruff: noqa: S608 - SQL is built from code constants, spec column names and quoted
# literals; user text only ever reaches it through sql_str() / quote_ident().
from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa

from certguard import ids
from certguard.rules import activity_rules, holder_rules, roster_rules  # noqa: F401 - register
from certguard.rules.base import RULES, Context
from certguard.rules.engine import Engine, make_engine
from certguard.rules.errors import BadRow, InputError
from certguard.rules.output import rejects_path, write_clues, write_rejects
from certguard.rules.params import ParamError, Params, parse_params
from certguard.rules.readers import BadRowPolicy, LoadReport, file_format, load_file
from certguard.rules.schema import SPECS


@dataclass(frozen=True, slots=True)
class ProgressEvent:
    stage: str  # load, rule_start, rule_done, rule_skipped, write, done
    done: int
    total: int
    rule: str | None = None
    clues: int | None = None
    seconds: float | None = None
    message: str = ""


@dataclass
class RuleRun:
    code: str
    name: str
    status: str  # "ok" or "skipped"
    clues: int = 0
    seconds: float = 0.0
    missing: list[str] = field(default_factory=list)


@dataclass
class ScreenResult:
    out: Path
    as_of: date
    engine: str
    rules: list[RuleRun]
    loads: list[LoadReport]
    clue_count: int = 0
    load_seconds: float = 0.0
    steps_seconds: float = 0.0  # the shared steps that several rules read, made once
    write_seconds: float = 0.0
    total_seconds: float = 0.0
    rejects: Path | None = None

    def counts(self) -> dict[str, int]:
        return {r.code: r.clues for r in self.rules if r.status == "ok"}

    @property
    def bad_rows(self) -> list[BadRow]:
        return [row for load in self.loads for row in load.bad_rows]

    @property
    def duplicates(self) -> list[BadRow]:
        """Identical copies of earlier rows (loaded once), as reported."""
        return [row for load in self.loads for row in load.duplicates]

    @property
    def skipped_rows(self) -> int:
        """Rows not loaded: rejected (bad) plus identical copies."""
        return sum(load.bad_row_count + load.duplicate_count for load in self.loads)


Progress = Callable[[ProgressEvent], None]


def _select_rules(rules: Sequence[str] | None) -> list[str]:
    if not rules:
        return sorted(RULES)
    unknown = [r for r in rules if r not in RULES]
    if unknown:
        raise ParamError(f"未知规则 {', '.join(unknown)}（可用：R01–R17）")
    return sorted(set(rules))


def _resolve_params(params: Params | Mapping[str, str] | Sequence[str] | None) -> Params:
    if params is None:
        return Params()
    if isinstance(params, Params):
        return params
    return parse_params(params)


def _helper_tables(con: duckdb.DuckDBPyConnection, *, minimums: Mapping[str, float]) -> None:
    # Residence-permit numbers (810000 / 820000 / 830000) are valid GB 11643 numbers, as in
    # ids.check_id_no: they join the table as codes without an end year.
    years = {**{code: (None, None) for code in ids.RESIDENCE_PERMIT_CODES},
             **ids.region_code_years()}
    regions = pa.table({"code": list(years), "start_year": [v[0] for v in years.values()],
                        "end_year": [v[1] for v in years.values()]},
                       schema=pa.schema([("code", pa.string()), ("start_year", pa.int32()),
                                         ("end_year", pa.int32())]))
    hours = pa.table({"item_code": list(minimums), "hours": [float(v) for v in minimums.values()]},
                     schema=pa.schema([("item_code", pa.string()), ("hours", pa.float64())]))
    for name, table in (("region_codes", regions), ("min_hours", hours)):
        con.register(f"_{name}_in", table)
        con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM _{name}_in")
        con.unregister(f"_{name}_in")


def default_memory_limit() -> str | None:
    """Three quarters of the memory available now (Linux; else None: DuckDB's default).

    DuckDB's own default is 80 % of all memory, whatever other processes use: on a shared
    machine a big screening (a 10 GB file takes all of it) could push the machine out of
    memory, and the kernel would kill a process without a word. Within this limit DuckDB
    spills to the scratch directory instead, or stops with an error (E_TOO_LARGE)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as info:
            for line in info:
                if line.startswith("MemAvailable:"):
                    return f"{max(256, int(line.split()[1]) * 3 // 4 // 1024)}MB"
    except (OSError, ValueError, IndexError):
        pass
    return None


def _connect(work_dir: Path, *, memory_limit: str | None, threads: int | None
             ) -> duckdb.DuckDBPyConnection:
    # In memory with compression (a file-backed table costs 3x the load time); tables and
    # intermediates spill to the scratch directory under memory pressure.
    config = {"temp_directory": str(work_dir / "spill"), "preserve_insertion_order": True}
    memory_limit = memory_limit or default_memory_limit()
    if memory_limit:
        config["memory_limit"] = memory_limit
    if threads:
        config["threads"] = threads
    con = duckdb.connect(":memory:", config=config)
    con.execute("SET enable_progress_bar = false")  # progress is reported per rule instead
    con.execute("ATTACH ':memory:' AS work (COMPRESS)")
    con.execute("USE work")
    return con


def _too_large(path: Path, *, limit: str, exc: duckdb.Error) -> InputError:
    """Out of memory (and of room to spill): the input is too large for this machine."""
    reason = str(exc).split("\n", 1)[0]
    return InputError(f"数据量超出内存上限（{limit}），筛查未完成，未输出线索文件。"
                      f"请用 --memory-limit 提高上限、换用内存更大的机器或拆分文件分批筛查"
                      f"（{reason}）", code="E_TOO_LARGE", file=str(path))


def _load_inputs(con: duckdb.DuckDBPyConnection, given: Mapping[str, Path], *,
                 on_bad_rows: BadRowPolicy, duplicates: bool, notify: Progress,
                 waiting: list[Path]) -> list[LoadReport]:
    """Check and load every input file, reported in name order (``waiting``: the files waited
    for so far, the last one being the one that failed, if any).

    Parquet files are checked side by side, each on a cursor of its own: much of a file's
    check runs on one core (a file of one row group, the sort of the key hashes), and the other
    file fills the idle one. With a CSV file they are loaded one by one: a CSV's line numbers
    rest on insertion order, which another file's load may switch off for a while."""
    items = sorted(given.items())

    def load(name: str, path: Path, cursor: duckdb.DuckDBPyConnection) -> LoadReport:
        return load_file(cursor, spec=SPECS[name], path=path, on_bad_rows=on_bad_rows,
                         duplicates=duplicates)

    def loaded(index: int, report: LoadReport) -> LoadReport:
        notify(ProgressEvent("load", index, len(items), message=f"{report.name}: "
                             f"{report.rows_loaded} 行"))
        return report

    if len(items) < 2 or any(file_format(path) != "parquet" for _, path in items):
        reports = []
        for index, (name, path) in enumerate(items, start=1):
            waiting.append(path)
            reports.append(loaded(index, load(name, path, con)))
        return reports
    cursors = [_cursor(con) for _ in items]
    pool = ThreadPoolExecutor(max_workers=2)
    try:
        futures = [pool.submit(load, name, path, cursor)
                   for (name, path), cursor in zip(items, cursors, strict=True)]
        reports = []
        for index, ((_, path), future) in enumerate(zip(items, futures, strict=True), start=1):
            waiting.append(path)
            reports.append(loaded(index, future.result()))
        return reports
    finally:
        pool.shutdown(wait=True, cancel_futures=True)  # after a failure: no file is started
        for cursor in cursors:
            cursor.close()


def _cursor(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """Another connection to the same database, set up as _connect() sets up the first."""
    cursor = con.cursor()
    cursor.execute("SET enable_progress_bar = false")
    cursor.execute("USE work")
    return cursor


def _shared_steps(con: duckdb.DuckDBPyConnection, *, codes: list[str],
                  available: frozenset[str]) -> list[str]:
    """Make the shared steps that the rules about to run read, each once (as tables, so that
    every engine is handed them like the inputs)."""
    steps = {step.name: step for code in codes if not RULES[code].missing(available)
             for step in RULES[code].reads if set(step.needs) <= available}
    for step in steps.values():
        con.execute(f"CREATE OR REPLACE TABLE {step.name} AS {step.sql}")
    return sorted(steps)


def _run_rules(engine: Engine, *, ctx: Context, codes: list[str], progress: Progress
               ) -> tuple[list[RuleRun], list[pa.Table]]:
    runs, tables = [], []
    for index, code in enumerate(codes, start=1):
        rule = RULES[code]
        missing = rule.missing(ctx.available)
        if missing:
            runs.append(RuleRun(code, rule.name, "skipped", missing=missing))
            progress(ProgressEvent("rule_skipped", index, len(codes), rule=code,
                                   message="缺少输入：" + "、".join(missing)))
            continue
        progress(ProgressEvent("rule_start", index - 1, len(codes), rule=code))
        started = time.perf_counter()
        table = engine.run(rule.build(ctx))
        seconds = time.perf_counter() - started
        tables.append(table)
        runs.append(RuleRun(code, rule.name, "ok", table.num_rows, seconds))
        progress(ProgressEvent("rule_done", index, len(codes), rule=code, clues=table.num_rows,
                               seconds=seconds))
    return runs, tables


def screen(inputs: Mapping[str, str | Path | None], *, out: str | Path,
           as_of: date | None = None, rules: Sequence[str] | None = None,
           params: Params | Mapping[str, str] | Sequence[str] | None = None,
           catalogue_min_hours: Mapping[str, float] | None = None,
           engine: str | Engine = "duckdb", progress: Progress | None = None,
           on_bad_rows: BadRowPolicy = "error", memory_limit: str | None = None,
           threads: int | None = None, work_dir: str | Path | None = None,
           duplicates: bool = True) -> ScreenResult:
    """Screen the given exchange files (keys: certificates, roster, training, exams).

    Raises InputError (file, line, column) for unusable input, including E_TOO_LARGE for
    inputs that do not fit the memory limit (naming the file being loaded, else the largest),
    and ParamError for bad rules or parameters; in these cases, and on any other failure, no
    clue file is left at ``out``.

    Rows with the same key (schema.FileSpec.key): identical copies are loaded once and listed,
    differing rows are all rejected; ``duplicates=False`` turns this off for a caller that
    needs every row checked on its own.
    """
    started = time.perf_counter()
    notify = progress or (lambda event: None)
    out = Path(out)
    codes = _select_rules(rules)
    resolved = _resolve_params(params)
    minimums = {**(catalogue_min_hours or {}), **resolved.min_training_hours}
    given = {k: Path(v) for k, v in inputs.items() if v is not None}
    unknown = [k for k in given if k not in SPECS]
    if unknown:
        raise ParamError(f"未知输入 {', '.join(unknown)}（可用：{', '.join(SPECS)}）")
    scratch = Path(tempfile.mkdtemp(prefix="certguard-screen-", dir=work_dir))
    runner = None
    loading: list[Path] = []  # the files loaded so far: the last one, if a load fails
    limit = memory_limit or "?"
    try:
        con = _connect(scratch, memory_limit=memory_limit, threads=threads)
        limit = con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]
        loads = _load_inputs(con, given, on_bad_rows=on_bad_rows, duplicates=duplicates,
                             notify=notify, waiting=loading)
        loading.clear()  # all loaded: a later failure is not one file's
        load_seconds = time.perf_counter() - started
        _helper_tables(con, minimums=minimums)
        steps_started = time.perf_counter()
        steps = _shared_steps(con, codes=codes, available=frozenset(given))
        steps_seconds = time.perf_counter() - steps_started
        runner = make_engine(engine)
        runner.attach(con=con, tables=[*sorted(given), *steps, "region_codes", "min_hours"],
                      work_dir=scratch)
        ctx = Context(d=runner.dialect, as_of=as_of or date.today(), params=resolved,
                      available=frozenset(given))
        runs, tables = _run_rules(runner, ctx=ctx, codes=codes, progress=notify)
        notify(ProgressEvent("write", len(codes), len(codes), message=str(out)))
        write_started = time.perf_counter()
        count = write_clues(con, tables=tables, path=out)
        result = ScreenResult(out, ctx.as_of, runner.name, runs, loads, count, load_seconds,
                              steps_seconds=steps_seconds)
        listed = sorted(result.bad_rows + result.duplicates, key=lambda r: (r.file, r.line))
        if listed:
            result.rejects = rejects_path(out)
            write_rejects(con, rows=listed, path=result.rejects)
        result.write_seconds = time.perf_counter() - write_started
        result.total_seconds = time.perf_counter() - started
        con.close()
        notify(ProgressEvent("done", len(codes), len(codes), clues=count,
                             seconds=result.total_seconds))
        return result
    except duckdb.OutOfMemoryException as exc:
        largest = loading[-1] if loading else max(given.values(), key=lambda p: p.stat().st_size)
        raise _too_large(largest, limit=limit, exc=exc) from exc
    except duckdb.Error as exc:
        # Read in place, a Parquet file is read again by the rules: a damaged page the checks
        # did not touch surfaces here. Name the file when the engine does.
        named = [p for p in given.values() if str(p) in str(exc)]
        if named:
            raise InputError("Parquet 文件已损坏，无法读取；请重新导出或重新传输",
                             code="E_PARQUET_CORRUPT", file=str(named[0])) from exc
        raise
    finally:
        if runner is not None:
            runner.close()
        shutil.rmtree(scratch, ignore_errors=True)
