"""Read a training or exams file of the exchange format (CSV or XLSX) into checked rows.

The file is turned into plain UTF-8 CSV (a workbook's first sheet; GBK text re-encoded) and
validated by the screening engine's own reader (``certguard.rules.readers.load_file``): the same
header check, types and per-row report as every import. On top come the checks of a filing:
the row's institution or centre code must be the filer's own, a class may not end before it
starts, scores lie within 0–100, a sitting may not end before it starts, a row may not repeat
an earlier one. Every row is either accepted or rejected with its line, column and reason.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from certguard.core.errors import AppError
from certguard.institutions.reference import CLASS_KIND_WORDS, CLASS_KINDS
from certguard.rules.errors import InputError
from certguard.rules.schema import EXAMS, TRAINING, FileSpec

MAX_BYTES = 20 * 1024 * 1024
SPECS: dict[str, FileSpec] = {"training": TRAINING, "exams": EXAMS}
CODE_COLUMN = {"training": "institution_code", "exams": "exam_center_code"}
# Optional columns beyond the contract (it allows extra columns): the class type and the
# certificate a review or renewal trainee presented.
EXTRA = {"training": ("class_kind", "cert_no"), "exams": ()}
SHOWN = 500


@dataclass
class Rejected:
    line: int
    column: str
    code: str
    message: str

    def as_dict(self) -> dict:
        return {"line": self.line, "column": self.column, "code": self.code,
                "message": self.message}


@dataclass
class ReadResult:
    kind: str
    rows: list[dict] = field(default_factory=list)  # accepted, with "line"
    rejected: list[Rejected] = field(default_factory=list)
    rows_read: int = 0


def _text(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise AppError("E_ENCODING", "文件编码无法识别，请另存为 UTF-8 编码的 CSV 或 .xlsx 后再上传")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds") if (value.hour or value.minute
                                                       or value.second) \
            else value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return " ".join(str(value).split())  # one line per row: no breaks inside a value


def _xlsx_rows(data: bytes) -> Iterator[list[str]]:
    import python_calamine as calamine

    try:
        book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        rows = list(book.get_sheet_by_index(0).to_python(skip_empty_area=False))
    except calamine.PasswordError:
        raise AppError("E_XLSX_ENCRYPTED", "工作簿设置了打开密码，请取消密码后再上传") from None
    except BaseException as exc:  # calamine raises many types, a Rust panic a BaseException
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        raise AppError("E_XLSX_CORRUPT", "文件不是有效的 Excel 工作簿：可能已损坏或改了扩展名；"
                                         "请另存为 .xlsx 或 CSV 后再上传") from None
    for row in rows:
        yield [_cell(v) for v in row]


def _csv_rows(data: bytes) -> Iterator[list[str]]:
    try:
        yield from csv.reader(io.StringIO(_text(data), newline=""))
    except csv.Error:
        raise AppError("E_CSV_PARSE", "CSV 格式错误（引号不配对），请从原系统重新导出") from None


def _normalised(data: bytes, path: Path) -> list[int]:
    """Write the file's rows as plain CSV at ``path``; returns the original line of each
    written row (blank rows are left out, so the engine's line numbers are mapped back)."""
    if not data:
        raise AppError("E_EMPTY_FILE", "文件是空的（0 字节）")
    rows = _xlsx_rows(data) if data[:2] == b"PK" or data[:4] == b"\xd0\xcf\x11\xe0" \
        else _csv_rows(data)
    lines: list[int] = []
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        for number, row in enumerate(rows, start=1):
            cells = [" ".join(c.split()) for c in row]
            if not any(cells):
                continue
            if not lines:
                cells = [c.strip().lstrip("\ufeff") for c in cells]
            writer.writerow(cells)
            lines.append(number)
    if not lines:
        raise AppError("E_EMPTY_FILE", "文件没有表头行，也没有数据")
    return lines


def _engine_load(kind: str, path: Path, lines: list[int]) -> tuple[list[dict], list[Rejected]]:
    import duckdb

    from certguard.rules.readers import load_file

    spec = SPECS[kind]
    con = duckdb.connect(":memory:")
    try:
        report = load_file(con, spec=spec, path=path, on_bad_rows="report")
        names = [c.name for c in spec.columns]
        found = con.execute(f"SELECT {', '.join(names)}, _line FROM {spec.name} "  # noqa: S608
                            "ORDER BY _line").fetchall()
    except InputError as exc:
        message = str(exc).split(": ", 1)[-1]
        if exc.code == "E_MISSING_COLUMN":
            message = (f"第1行（表头）缺少必填列 {exc.column}；表头应使用交换格式的英文列名"
                       f"（{'、'.join(spec.required)}）")
        raise AppError(exc.code, message) from None
    finally:
        con.close()

    def original(line: int) -> int:
        return lines[line - 1] if 0 < line <= len(lines) else line

    rows = [{**dict(zip(names, values[:-1], strict=True)), "line": original(values[-1])}
            for values in found]
    rejected = [Rejected(original(b.line), b.column, b.code, b.message
                         + (f"（值：{b.value[:40]}）" if b.value else ""))
                for b in report.bad_rows]
    return rows, rejected


def _extras(kind: str, path: Path, lines: list[int]) -> dict[int, dict[str, str]]:
    wanted = EXTRA[kind]
    if not wanted:
        return {}
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        at = {name: header.index(name) for name in wanted if name in header}
        return {lines[i]: {n: (row[j].strip() if j < len(row) else "") for n, j in at.items()}
                for i, row in enumerate(reader, start=1)}


def _problems(kind: str, row: dict, own_code: str) -> list[tuple[str, str, str]]:
    """(column, code, Chinese message) for each filing check the row fails."""
    found = []
    code_column = CODE_COLUMN[kind]
    if row[code_column] != own_code:
        label = "机构代码" if kind == "training" else "考点代码"
        found.append((code_column, "E_NOT_OWN",
                      f"{label} {row[code_column]} 不是本单位的代码（本单位为 {own_code}），"
                      "只能报送本单位的记录，该行未导入"))
    if kind == "training":
        if row["end_date"] < row["start_date"]:
            found.append(("end_date", "E_END_BEFORE_START",
                          f"结业日期 {row['end_date']} 早于开班日期 {row['start_date']}"))
        if not 0 < row["hours"] <= 2000:
            found.append(("hours", "E_HOURS", f"学时应大于0且不超过2000，实际为 {row['hours']}"))
        if row.get("class_kind", "") not in ("", *CLASS_KINDS, *CLASS_KIND_WORDS):
            found.append(("class_kind", "E_CLASS_KIND",
                          "培训类型应为 初训、复审 或 换证（或 initial、review、renewal）"))
    else:
        for column, label in (("theory_score", "理论成绩"), ("practical_score", "实操成绩")):
            value = row[column]
            if value is not None and not 0 <= value <= 100:
                found.append((column, "E_SCORE", f"{label}应在0至100分之间，实际为 {value:g} 分"))
        if row["start_time"] and row["end_time"] and row["end_time"] < row["start_time"]:
            found.append(("end_time", "E_END_BEFORE_START", "交卷时间早于开考时间"))
        if row["start_time"] and row["start_time"].date() != row["exam_date"]:
            found.append(("start_time", "E_EXAM_DATE", "开考时间不在考试日期当天"))
    return found


def row_key(kind: str, row: dict) -> tuple:
    if kind == "training":
        return (row["class_id"], row["trainee_id_no"], row["item_code"])
    return (row["candidate_id_no"], row["item_code"], row["exam_date"])


def read_records(*, kind: str, data: bytes, own_code: str) -> ReadResult:
    """Check every row of a filed file. Raises AppError (code, Chinese message) when the file
    cannot be read at all; otherwise every row is accepted or rejected with its reason."""
    if kind not in SPECS:
        raise AppError("kind_unknown", "记录类别应为 training（培训）或 exams（考试）")
    if len(data) > MAX_BYTES:
        raise AppError("E_TOO_LARGE", f"文件超过 {MAX_BYTES // 1024 // 1024} MB，请拆分后分批上传")
    with tempfile.TemporaryDirectory(prefix="certguard-inst-") as tmp:
        path = Path(tmp) / f"{kind}.csv"
        lines = _normalised(data, path)
        rows, rejected = _engine_load(kind, path, lines)
        extras = _extras(kind, path, lines)
    result = ReadResult(kind=kind, rejected=rejected)
    bad_lines = {r.line for r in rejected}
    seen: dict[tuple, int] = {}
    for row in rows:
        row.update(extras.get(row["line"], {}))
        problems = _problems(kind, row, own_code)
        key = row_key(kind, row)
        if not problems and key in seen:
            problems = [("*", "E_DUPLICATE", f"与第{seen[key]}行重复（同一"
                         + ("培训班、学员和项目" if kind == "training" else "考生、项目和考试日期")
                         + "）")]
        if problems:
            result.rejected += [Rejected(row["line"], c, code, m) for c, code, m in problems]
            bad_lines.add(row["line"])
            continue
        seen[key] = row["line"]
        if kind == "training":
            word = row.get("class_kind", "")
            row["class_kind"] = CLASS_KIND_WORDS.get(word, word or "initial")
        result.rows.append(row)
    result.rows_read = len(result.rows) + len(bad_lines)
    result.rejected.sort(key=lambda r: (r.line, r.column))
    return result
