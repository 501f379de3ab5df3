"""Fuzzed certificates files, generated here (seeded), across CSV, CSV.GZ, XLSX and Parquet:
no input may crash the import, and none may lose a row silently. Each either stops as a whole
with a code and a clean Chinese message (and the registry unchanged), or reports every row it
read as accepted or rejected, the row count agreeing with an independent count of the file."""

import gzip
import io
import random
import re
import zipfile

import pytest

from certguard.core.errors import AppError
from certguard.core.scoping import COMMAND_LINE
from certguard.registry.importer import certificates_import
from certguard.registry.models import Certificate

from .importfiles import HEADER, csv_text, person, row

SEED = 20240917
CODE = re.compile(r"^(E_[A-Z_0-9]+|[a-z_]+)$")
LEAKS = re.compile(r"Error|Exception|Traceback|codec|decode|/tmp|\\x|\{'|EOCD|_rels|Arrow|"
                   r"[A-Za-z]+\.py|invalid|unexpected")
CJK = re.compile(r"[\u4e00-\u9fff]")
NAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许"
NASTY = ['"', '""', "\x00", "\x1b", "\u0085", "\r", "\t", ",", "\ufeff", "\u200b", "=1+1",
         "<script>", "😀", "\\", "'", "１２３", "·", " ", "\u2028", "%s", "NULL", "9" * 60]


def _rows(rng: random.Random, n: int) -> list[dict]:
    rows = []
    for i in range(n):
        id_no = person(rng.randrange(5000))
        rows.append(row(id_no, NAMES[i % 20] + NAMES[(i * 7) % 20],
                        item_code=rng.choice(["1.1", "1.2", "2.1", "3.1", "9.9"]),
                        status=rng.choice(["valid", "valid", "revoked", "bogus"])))
    return rows


def _mutate_text(rng: random.Random, text: str) -> str:
    lines = text.split("\n")
    for _ in range(rng.randrange(1, 4)):
        i = rng.randrange(1, max(2, len(lines)))
        if i >= len(lines):
            continue
        line = lines[i]
        kind = rng.randrange(6)
        if kind == 0 and line:  # a nasty value somewhere in the line
            at = rng.randrange(len(line))
            line = line[:at] + rng.choice(NASTY) + line[at:]
        elif kind == 1:  # a field dropped or added
            fields = line.split(",")
            line = ",".join(fields[:-1] if rng.random() < 0.5 else [*fields, "extra"])
        elif kind == 2:  # a value quoted, properly or not
            fields = line.split(",")
            j = rng.randrange(len(fields))
            fields[j] = f'"{fields[j]}"' if rng.random() < 0.5 else f'"{fields[j]}'
            line = ",".join(fields)
        elif kind == 3:
            line = ""
        elif kind == 4:  # a date or ID broken
            line = re.sub(r"20\d\d-\d\d-\d\d", rng.choice(["2021-02-30", "21/3/1", ""]), line,
                          count=1)
        else:
            line = line.replace(",", ",,", 1)
        lines[i] = line
    return "\n".join(lines)


def _encode(rng: random.Random, text: str) -> bytes:
    encoding = rng.choice(["utf-8", "utf-8-sig", "gbk", "utf-16"])
    try:
        return text.encode(encoding)
    except UnicodeEncodeError:
        return text.encode("utf-8")


def _csv_lines(data: bytes) -> int | None:
    """Independent count of data rows in CSV bytes: non-blank lines after the header."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        lines = data.decode("utf-16", errors="replace").split("\n")
    else:
        lines = data.split(b"\n")
    nonblank = [line for line in lines if line.strip()]
    return max(0, len(nonblank) - 1)


def _byte_damage(rng: random.Random, data: bytes) -> bytes:
    kind = rng.randrange(3)
    if kind == 0:
        return data[: rng.randrange(len(data))]
    damaged = bytearray(data)
    for _ in range(rng.randrange(1, 20)):
        damaged[rng.randrange(len(damaged))] = rng.randrange(256)
    if kind == 2:
        at = rng.randrange(len(damaged))
        damaged[at:at] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 50)))
    return bytes(damaged)


def _corpus(tmp_path, count: int):
    """(path, expected rows or None when the file may legitimately be refused as a whole)."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    import xlsxwriter

    rng = random.Random(SEED)
    for n in range(count):
        rows = _rows(rng, rng.randrange(1, 12))
        kind = n % 6
        if kind in (0, 1):  # CSV text, mutated line by line, in several encodings
            data = _encode(rng, _mutate_text(rng, csv_text(rows)))
            path = tmp_path / f"f{n}.csv"
            path.write_bytes(data)
            yield path, _csv_lines(data)
        elif kind == 2:  # CSV.GZ, whole or damaged
            data = _encode(rng, _mutate_text(rng, csv_text(rows)))
            packed = gzip.compress(data)
            path = tmp_path / f"f{n}.csv.gz"
            damaged = rng.random() < 0.5
            path.write_bytes(_byte_damage(rng, packed) if damaged else packed)
            yield path, None if damaged else _csv_lines(data)
        elif kind == 3:  # Parquet, whole or damaged
            buffer = io.BytesIO()
            pq.write_table(pa.Table.from_pylist(rows), buffer)
            path = tmp_path / f"f{n}.parquet"
            damaged = rng.random() < 0.6
            path.write_bytes(_byte_damage(rng, buffer.getvalue()) if damaged
                             else buffer.getvalue())
            yield path, None if damaged else len(rows)
        elif kind == 4:  # XLSX, whole or damaged
            buffer = io.BytesIO()
            book = xlsxwriter.Workbook(buffer, {"in_memory": True})
            sheet = book.add_worksheet()
            sheet.write_row(0, 0, HEADER)
            for i, values in enumerate(rows, start=1):
                sheet.write_row(i, 0, [values[h] for h in HEADER])
            book.close()
            path = tmp_path / f"f{n}.xlsx"
            damaged = rng.random() < 0.6
            path.write_bytes(_byte_damage(rng, buffer.getvalue()) if damaged
                             else buffer.getvalue())
            yield path, None if damaged else len(rows)
        else:  # other files under a certificates name: zip, binary, nothing, random text
            path = tmp_path / f"f{n}.{rng.choice(['csv', 'xlsx', 'parquet', 'csv.gz'])}"
            choice = rng.randrange(4)
            if choice == 0:
                buffer = io.BytesIO()
                with zipfile.ZipFile(buffer, "w") as archive:
                    archive.writestr("word/document.xml", "<w:document/>")
                path.write_bytes(buffer.getvalue())
            elif choice == 1:
                path.write_bytes(bytes(rng.randrange(256) for _ in range(rng.randrange(0, 900))))
            elif choice == 2:
                path.write_bytes(b"PAR1" + bytes(rng.randrange(256) for _ in range(100)))
            else:
                path.write_text(",".join(rng.choice(NASTY) for _ in range(30)), encoding="utf-8")
            yield path, None


def _clean(message: str) -> bool:
    return bool(CJK.search(message)) and not LEAKS.search(message)


@pytest.mark.django_db
def test_fuzzed_files_never_crash_and_never_lose_a_row(cast, tmp_path):
    refused = loaded = rows_seen = 0
    folder = tmp_path / "corpus"
    folder.mkdir()
    for n, (path, expected) in enumerate(_corpus(folder, 600)):
        before = Certificate.objects.count()
        report_path = tmp_path / "rejected.csv"
        try:
            report = certificates_import(by=COMMAND_LINE, path=path, dry_run=n % 4 != 0,
                                         report_path=report_path)
        except AppError as exc:
            refused += 1
            assert CODE.match(exc.code), (path.name, exc.code)
            assert _clean(exc.message), (path.name, exc.message)
            assert Certificate.objects.count() == before, path.name
            assert report_path.name not in exc.message
            continue
        loaded += 1
        rows_seen += report.rows_read
        if expected is not None:
            assert report.rows_read == expected, (path.name, report.rows_read, expected)
        assert report.accepted + report.rejected_count == report.rows_read
        assert report.accepted >= 0 and report.inserted + report.updated + \
            report.unchanged == report.accepted
        listed = report_path.read_text(encoding="utf-8-sig").splitlines()
        assert len(listed) - 1 >= report.rejected_count  # a value may hold a line separator
        for rejected in report.rejected:
            assert CODE.match(rejected.code) and _clean(rejected.message), (path.name, rejected)
        assert "{'" not in report.summary and "-" not in report.summary.split("接受")[1][:3]
    print("fuzz", refused, loaded, rows_seen)
    assert refused > 50 and loaded > 150 and rows_seen > 900
