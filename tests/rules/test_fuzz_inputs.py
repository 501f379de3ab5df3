"""Fuzzed screening inputs (issue 10, item 8): damaged CSV, CSV.GZ and Parquet files never crash
the reader, every failure is a coded Chinese message, and every row is accounted for.

The corpus is generated here from clean files of the four exchange tables: stray quotes,
control characters (NUL and ESC included), other encodings (GBK, UTF-16, stray invalid bytes),
truncation, byte flips, missing and extra commas, blank lines, duplicated lines, truncated and
corrupted gzip, truncated and corrupted Parquet. For every input either

- ``load_file`` raises InputError with a code ``E_…`` and a Chinese message free of library
  text, or
- it loads, and rows read = loaded + rejected + identical copies, rows read equals the rows
  counted independently from the file, the loaded relation holds exactly the loaded rows, and
  the rejects name as many distinct lines as were not loaded.

Every tenth input also runs through ``screen`` with rules over that table, whose clue evidence
must be valid JSON.
"""

from __future__ import annotations

import gzip
import io
import json
import random
import re
import zlib
from collections import Counter
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from certguard import ids
from certguard.rules import InputError, screen
from certguard.rules.readers import load_file
from certguard.rules.schema import SPECS
from tests.rules.conftest import AS_OF, cert, lesson, sitting, worker

SEED = 20261207
CSV_INPUTS = 240
PARQUET_INPUTS = 60
RULES = {"certificates": ["R02", "R03", "R11", "R17"], "roster": ["R02", "R06"],
         "training": ["R12", "R14"], "exams": ["R15", "R16"]}
_LIBRARY_TEXT = re.compile(r"Error|Exception|Traceback|codec|Invalid|errno|line \d+, in|0x",
                           re.IGNORECASE)
_CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _rows(table: str, rng: random.Random) -> list[dict[str, str]]:
    names = ["张伟", "李娜", "阿依古丽·买买提", "王建国", "赵敏"]
    rows = []
    for i in range(rng.randint(3, 8)):
        id_no = ids.make_id_no("110105", date(1970 + i, 1 + i % 12, 1 + i), 11 + i)
        name = names[i % len(names)]
        if table == "certificates":
            rows.append(cert(cert_no="T" + id_no, id_no=id_no, name=name))
        elif table == "roster":
            rows.append(worker(worker_id_no=id_no, worker_name=name, cert_no="T" + id_no))
        elif table == "training":
            rows.append(lesson(trainee_id_no=id_no, trainee_name=name, hours=str(30 + i)))
        else:
            rows.append(sitting(candidate_id_no=id_no, candidate_name=name,
                                end_time=f"2019-12-01T09:{10 + i}:00"))
    return rows


def _csv_bytes(rows: list[dict[str, str]]) -> bytes:
    header = list(rows[0])
    lines = [",".join(header)] + [",".join(r[c] for c in header) for r in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _mutate_csv(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """One damage of a CSV's bytes, and its name."""
    lines = data.split(b"\n")
    at = rng.randint(1, len(lines) - 2) if len(lines) > 2 else 0
    kind = rng.choice(["quote", "control", "truncate", "gbk", "utf16", "bad_byte", "flip",
                       "comma", "blank", "dup_line", "bom", "nul", "cr"])
    if kind == "quote":
        line = lines[at]
        pos = rng.randint(0, len(line))
        lines[at] = line[:pos] + b'"' + line[pos:]
    elif kind in ("control", "nul"):
        char = bytes([0 if kind == "nul" else rng.choice([*range(1, 10), 11, 12, *range(14, 32),
                                                          127])])
        line = lines[at]
        pos = rng.randint(0, len(line))
        lines[at] = line[:pos] + char + line[pos:]
    elif kind == "cr":
        line = lines[at]
        pos = rng.randint(0, len(line))
        lines[at] = line[:pos] + b"\r" + line[pos:]
    elif kind == "truncate":
        return data[: rng.randint(0, len(data))], kind
    elif kind in ("gbk", "utf16"):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return data, "already_other_encoding"
        return text.encode("gb18030" if kind == "gbk" else "utf-16"), kind
    elif kind == "bad_byte":
        line = lines[at]
        pos = rng.randint(0, len(line))
        lines[at] = line[:pos] + rng.choice([b"\xff", b"\xc3", b"\xe4\xb8"]) + line[pos:]
    elif kind == "flip":
        raw = bytearray(data)
        for _ in range(rng.randint(1, 4)):
            raw[rng.randrange(len(raw))] = rng.randrange(256)
        return bytes(raw), kind
    elif kind == "comma":
        line = lines[at]
        if b"," in line and rng.random() < 0.5:
            pos = line.index(b",")
            lines[at] = line[:pos] + line[pos + 1:]
        else:
            lines[at] = line + b",extra"
    elif kind == "blank":
        lines.insert(at, rng.choice([b"", b"   ", b"\t"]))
    elif kind == "dup_line":
        lines.insert(at, lines[at])
    elif kind == "bom":
        return b"\xef\xbb\xbf" + data, kind
    return b"\n".join(lines), kind


def _counted_rows(data: bytes) -> int:
    """Data rows of a CSV counted without the reader: non-blank physical lines after the
    header (lines end at \\n, \\r\\n or \\r, as the reader splits them)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
        parts = re.split(r"\r\n|\r|\n", text)
        nonblank = [p for p in parts if p.strip(" \t\ufeff")]
    else:
        parts_b = re.split(rb"\r\n|\r|\n", data)
        nonblank = [p for p in parts_b if p.strip(b" \t").removeprefix(b"\xef\xbb\xbf")
                    .strip(b" \t")]
    return max(0, len(nonblank) - 1)


def _check_error(exc: InputError) -> None:
    assert re.fullmatch(r"E_[A-Z_]+", exc.code), exc.code
    text = str(exc).replace(exc.file, "")
    assert _CHINESE.search(text), text
    # Library text never reaches the user (row values quoted in a bad-row listing may hold
    # anything, so only the lines that are not such listings are looked at).
    own = "\n".join(line for line in text.splitlines() if "（值：" not in line)
    assert not _LIBRARY_TEXT.search(own), own


def _load(path: Path, table: str) -> tuple[object, int | None]:
    con = duckdb.connect(":memory:", config={"preserve_insertion_order": True})
    try:
        report = load_file(con, spec=SPECS[table], path=path, on_bad_rows="report")
        loaded = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
        return report, loaded
    finally:
        con.close()


def _account(report, loaded: int, expected: int) -> None:
    assert report.rows_read == expected, (report.rows_read, expected)
    assert report.rows_read == (report.rows_loaded + report.bad_row_count
                                + report.duplicate_count)
    assert loaded == report.rows_loaded
    lines = {r.line for r in report.bad_rows} | {r.line for r in report.duplicates}
    assert len(lines) == report.bad_row_count + report.duplicate_count


def _screen_json(path: Path, table: str, out_dir: Path) -> None:
    out = out_dir / "clues.csv"
    try:
        result = screen({table: path}, out=out, as_of=AS_OF, rules=RULES[table],
                        on_bad_rows="report", catalogue_min_hours={"1.2": 80})
    except InputError as exc:
        _check_error(exc)
        return
    import csv

    with result.out.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            json.loads(row["evidence"])  # control characters escaped


def _parquet_bytes(rows: list[dict[str, str]], rng: random.Random) -> bytes:
    table = pa.Table.from_pylist(rows)
    if rng.random() < 0.5:  # native types, as a database export would have them
        kinds = {c.name: c.kind for spec in SPECS.values() for c in spec.columns}
        cols = {}
        for name in table.column_names:
            values = table.column(name).to_pylist()
            if kinds.get(name) == "date":
                cols[name] = pa.array([date.fromisoformat(v) if v else None for v in values])
            elif kinds.get(name) == "number":
                cols[name] = pa.array([float(v) for v in values])
            else:
                cols[name] = pa.array(values).dictionary_encode() if rng.random() < 0.3 \
                    else pa.array(values)
        table = pa.table(cols)
    sink = io.BytesIO()
    pq.write_table(table, sink, compression=rng.choice(["none", "snappy", "zstd"]))
    return sink.getvalue()


def _mutate_parquet(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    kind = rng.choice(["truncate", "flip", "zero", "garbage_tail", "head_only", "footer"])
    raw = bytearray(data)
    if kind == "truncate":
        return bytes(raw[: rng.randint(0, len(raw) - 1)]), kind
    if kind == "flip":
        for _ in range(rng.randint(1, 8)):
            raw[rng.randrange(len(raw))] = rng.randrange(256)
    elif kind == "zero":
        start = rng.randrange(len(raw))
        raw[start:start + rng.randint(1, 64)] = bytes(min(64, len(raw) - start))
    elif kind == "garbage_tail":
        raw += bytes(rng.randrange(256) for _ in range(rng.randint(1, 50)))
    elif kind == "head_only":
        return bytes(raw[:4]), kind
    elif kind == "footer":
        pos = len(raw) - rng.randint(9, min(200, len(raw)))
        raw[pos] = (raw[pos] + 1) % 256
    return bytes(raw), kind


def test_fuzzed_screening_inputs_never_crash_and_never_drop_a_row(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    outcomes: Counter[str] = Counter()
    for n in range(CSV_INPUTS + PARQUET_INPUTS):
        table = rng.choice(sorted(SPECS))
        rows = _rows(table, rng)
        case = tmp_path / f"case{n}"
        case.mkdir()
        if n < CSV_INPUTS:
            data, kind = _csv_bytes(rows), "clean"
            for _ in range(rng.choice([1, 1, 2, 3])):
                data, kind = _mutate_csv(data, rng)
            gz = rng.random() < 0.2
            path = case / (f"{table}.csv.gz" if gz else f"{table}.csv")
            if gz:
                packed = gzip.compress(data)
                if rng.random() < 0.6:
                    cut = rng.choice(["truncate", "flip"])
                    raw = bytearray(packed)
                    if cut == "truncate":
                        packed = bytes(raw[: rng.randint(0, len(raw) - 1)])
                    else:
                        raw[rng.randrange(10, len(raw))] ^= 0xFF
                        packed = bytes(raw)
                    kind += f"+gz_{cut}"
                path.write_bytes(packed)
                try:
                    expected: int | None = _counted_rows(gzip.decompress(packed))
                except (EOFError, OSError, ValueError, zlib.error):
                    expected = None  # the file cannot be read whole: it must be refused
            else:
                path.write_bytes(data)
                expected = _counted_rows(data)
        else:
            data, kind = _mutate_parquet(_parquet_bytes(rows, rng), rng)
            path = case / f"{table}.parquet"
            path.write_bytes(data)
            try:
                expected = pq.read_table(path).num_rows
            except Exception:
                expected = None
        try:
            report, loaded = _load(path, table)
        except InputError as exc:
            _check_error(exc)
            outcomes[f"refused:{exc.code}"] += 1
        else:
            assert expected is not None, (kind, path, "a file that cannot be read was loaded")
            _account(report, loaded, expected)
            outcomes["loaded" if not report.bad_row_count else "loaded_with_rejects"] += 1
        if n % 10 == 0:
            _screen_json(path, table, case)
    total = sum(outcomes.values())
    assert total == CSV_INPUTS + PARQUET_INPUTS
    print(f"\nfuzz: {total} inputs, 0 crashes, 0 silent drops: {dict(sorted(outcomes.items()))}")
