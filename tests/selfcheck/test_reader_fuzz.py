"""Fuzzed rosters, generated here (seeded), across CSV (UTF-8, UTF-8 with BOM, GBK, UTF-16),
XLSX and files that only pretend to be one: no input may crash the reader, and none may lose a
row silently. Each either stops as a whole with a code and a clean Chinese message, or reports
every data row of the file as accepted, rejected (with a Chinese reason) or skipped (a total or
signature line), the count agreeing with an independent count of the file. Rows with control
characters go on through the self-check itself, whose rules build JSON evidence from them."""

from __future__ import annotations

import csv
import gzip
import io
import random
import re
import zipfile
from datetime import date

import pytest

from certguard import ids
from certguard.selfcheck.check import selfcheck_run
from certguard.selfcheck.reader import RosterReadError, read_roster

SEED = 20261207
COUNT = 660
HEADER = ["序号", "姓名", "身份证号", "证书编号", "岗位", "有效期至"]
NAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许"
NASTY = ['"', '""', "\x00", "\x1b", "\x07", "\x7f", "\u0085", "\t", ",", "\ufeff", "\u200b",
         "=1+1", "<script>", "😀", "\\", "'", "１２３", "·", " ", "\u2028", "%s", "NULL",
         "9" * 60, '"a', 'b"', "\x1b[31m"]
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CODE = re.compile(r"^[a-z_]+$")
CJK = re.compile(r"[\u4e00-\u9fff]")
LEAKS = re.compile(r"Error|Exception|Traceback|codec|decode|/tmp|\\x|\{'|EOCD|_rels|"
                   r"[A-Za-z]+\.py|File not found|Zip")


def _rows(rng: random.Random, n: int) -> list[list[str]]:
    rows = []
    for i in range(n):
        born = date(1965 + rng.randrange(35), 1 + rng.randrange(12), 1 + rng.randrange(28))
        id_no = ids.make_id_no("140521", born, rng.randrange(1, 999))
        rows.append([str(i + 1), NAMES[i % 20] + NAMES[(i * 7) % 20], id_no, "T" + id_no,
                     rng.choice(["电工", "焊工", "安全员", "司机"]),
                     rng.choice(["2027-05-01", "2025/3/4", "2030年1月2日", ""])])
    return rows


def _csv_text(rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue()


def _mutate(rng: random.Random, text: str) -> str:
    lines = text.split("\n")
    for _ in range(rng.randrange(1, 4)):
        i = rng.randrange(1, max(2, len(lines)))
        if i >= len(lines) or not lines[i]:
            continue
        line, kind = lines[i], rng.randrange(5)
        if kind == 0:  # a nasty value inside a field
            at = rng.randrange(len(line))
            lines[i] = line[:at] + rng.choice(NASTY) + line[at:]
        elif kind == 1:  # one stray quote
            at = rng.randrange(len(line))
            lines[i] = line[:at] + '"' + line[at:]
        elif kind == 2:  # a field dropped or doubled
            fields = line.split(",")
            j = rng.randrange(len(fields))
            fields[j:j + 1] = [] if rng.random() < 0.5 else [fields[j], fields[j]]
            lines[i] = ",".join(fields)
        elif kind == 3:  # the line cut short
            lines[i] = line[: rng.randrange(len(line))]
        else:  # a control character in the name
            fields = line.split(",")
            if len(fields) > 1:
                fields[1] = fields[1][:1] + rng.choice(["\x1b", "\x00", "\x01", "\x1f"]) + \
                    fields[1][1:]
                lines[i] = ",".join(fields)
    return "\n".join(lines)


def _encode(rng: random.Random, text: str) -> bytes:
    encoding = rng.choice(["utf-8", "utf-8-sig", "gbk", "utf-16"])
    try:
        return text.encode(encoding)
    except UnicodeEncodeError:  # an emoji in GBK: the UTF-8 file then
        return text.encode("utf-8")


def _data_lines(data: bytes) -> int | None:
    """An independent count: non-blank physical lines after the header (None when the bytes
    are not text in one of the encodings a roster may use)."""
    for encoding in ("utf-16",) if data[:2] in (b"\xff\xfe", b"\xfe\xff") else (
            "utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        return None
    lines = [line for line in re.split(r"\r\n|\n|\r", text) if line.strip(" \t,\x00")]
    return max(0, len(lines) - 1)


def _damage(rng: random.Random, data: bytes) -> bytes:
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


def _xlsx(rows: list[list[str]]) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    sheet = book.add_worksheet("花名册")
    sheet.write_row(0, 0, HEADER)
    for i, values in enumerate(rows, start=1):
        sheet.write_row(i, 0, values)
    book.close()
    return buffer.getvalue()


def corpus(count: int):
    """(name, bytes, expected data rows or None when the file may be refused as a whole)."""
    rng = random.Random(SEED)
    for n in range(count):
        rows = _rows(rng, rng.randrange(1, 14))
        kind = n % 6
        if kind in (0, 1, 2):  # CSV text, mutated line by line, in the encodings rosters use
            data = _encode(rng, _mutate(rng, _csv_text(rows)))
            yield f"r{n}.csv", data, _data_lines(data)
        elif kind == 3:  # XLSX, whole (control characters in cells) or damaged
            if rng.random() < 0.4:
                for values in rows:
                    values[1] = values[1][:1] + rng.choice(["\x1b", "\x07", "\x0b"]) + \
                        values[1][1:]
                yield f"r{n}.xlsx", _xlsx(rows), len(rows)
            else:
                yield f"r{n}.xlsx", _damage(rng, _xlsx(rows)), None
        elif kind == 4:  # the files of the findings
            choice = rng.randrange(4)
            if choice == 0:  # a .docx renamed .xlsx
                buffer = io.BytesIO()
                with zipfile.ZipFile(buffer, "w") as archive:
                    archive.writestr("[Content_Types].xml", "<Types/>")
                    archive.writestr("word/document.xml", "<w:document/>")
                yield f"r{n}.xlsx", buffer.getvalue(), None
            elif choice == 1:  # a gzip under a CSV name, whole or truncated
                packed = gzip.compress(_csv_text(rows).encode())
                yield f"r{n}.csv", packed[: rng.randrange(len(packed) + 1)], None
            elif choice == 2:  # NUL-padded text
                yield f"r{n}.csv", _csv_text(rows).encode().replace(b",", b",\x00"), None
            else:  # an empty file
                yield f"r{n}.csv", b"", None
        else:  # random bytes, or random nasty text
            if rng.random() < 0.5:
                yield f"r{n}.csv", bytes(rng.randrange(256)
                                         for _ in range(rng.randrange(0, 900))), None
            else:
                yield f"r{n}.csv", ",".join(rng.choice(NASTY)
                                            for _ in range(40)).encode(), None


def _clean(message: str) -> bool:
    return bool(CJK.search(message)) and not LEAKS.search(message)


@pytest.mark.django_db
def test_fuzzed_rosters_never_crash_and_never_lose_a_row():
    refused = read = rows_seen = checked = 0
    for name, data, expected in corpus(COUNT):
        try:
            result = read_roster(source=data)
        except RosterReadError as exc:
            refused += 1
            assert CODE.match(exc.code), (name, exc.code)
            assert _clean(exc.message), (name, exc.message)
            continue
        read += 1
        reported = result.data_rows + len(result.skipped_rows)
        rows_seen += reported
        if expected is not None:
            assert reported == expected, (name, reported, expected, data[:400])
        for rejected in result.rejected:
            assert CODE.match(rejected.code) and _clean(rejected.message), (name, rejected)
        controls = any(CONTROL.search(row.worker_name or "") for row in result.accepted)
        if result.accepted and checked < (25 if controls else 5):
            run = selfcheck_run(read=result, as_of=date(2026, 12, 7))
            assert len(run.outcomes) == result.data_rows, name
            checked += 1
    print(f"\nroster fuzz: {COUNT} inputs, {refused} refused with a code, {read} read, "
          f"{rows_seen} rows each accepted, rejected or skipped, {checked} run through "
          f"the self-check; 0 crashes, 0 silent drops")
    assert refused > 60 and read > 300 and rows_seen > 1500


def test_a_stray_quote_rejects_the_rows_it_spans_and_keeps_the_others(db):
    """The finding: 12 workers in, one stray quote, 2 checked and exit 0. Now the lines the
    quote joined are each rejected, the others read, all 12 accounted for."""
    rng = random.Random(1)
    rows = _rows(rng, 12)
    lines = _csv_text(rows).split("\n")
    lines[3] = lines[3].replace(",", ',"', 1)  # worker 3: a quote before the name
    result = read_roster(source="\n".join(lines).encode())
    assert result.data_rows == 12
    broken = [r for r in result.rejected if r.code == "csv_quote_unpaired"]
    assert [r.row_no for r in broken] == list(range(4, 14))  # to the end: no closing quote
    assert "引号不配对" in broken[0].message and broken[0].raw[1].startswith('"')
    assert [r.row_no for r in result.accepted] == [2, 3]
    lines[8] = lines[8] + '"'  # a second quote closes the span after worker 8
    result = read_roster(source="\n".join(lines).encode())
    assert result.data_rows == 12
    assert [r.row_no for r in result.rejected] == [4, 5, 6, 7, 8, 9]
    assert len(result.accepted) == 6


def test_a_line_break_inside_a_cell_is_not_a_stray_quote(db):
    id_no = ids.make_id_no("140521", date(1980, 1, 1), 1)
    text = f"姓名,身份证号,备注\n张三,{id_no},\"第一行\n第二行\"\n"
    result = read_roster(source=text.encode())
    assert result.data_rows == 1 and len(result.accepted) == 1
