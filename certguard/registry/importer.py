"""Import certificates in the exchange format (CSV, CSV.GZ, XLSX, Parquet) into the registry.

The file is read and type-checked by the screening engine's reader (one reader for the
contract), then checked against the registry's own rules; every row ends up accepted or
reported with its line, column and reason. Accepted rows are written in one transaction: an
import never half-loads. Existing certificates (same number, family and item) are updated.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
from django.db import connection, transaction
from django.utils import timezone

from certguard import ids
from certguard.catalog.models import Item
from certguard.core.audit import audit_record
from certguard.core.errors import AppError
from certguard.core.exports import CsvFile
from certguard.core.policy import require
from certguard.orgs.models import Organisation
from certguard.registry.models import Certificate, Holder, ImportBatch
from certguard.registry.names import normalise_cert_no, normalise_name
from certguard.rules.errors import InputError
from certguard.rules.readers import load_file
from certguard.rules.schema import CERTIFICATES

COLUMNS = [c.name for c in CERTIFICATES.columns]
BATCH = 5000
Progress = Callable[[int, int | None, str], None]


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
class ImportReport:
    file: str
    rows_read: int = 0
    inserted: int = 0
    updated: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    batch_id: int | None = None
    dry_run: bool = False

    @property
    def accepted(self) -> int:
        return self.rows_read - len(self.rejected)

    def as_dict(self, *, limit: int = 1000) -> dict:
        return {"file": self.file, "rows_read": self.rows_read, "accepted": self.accepted,
                "inserted": self.inserted, "updated": self.updated,
                "rejected_count": len(self.rejected), "batch_id": self.batch_id,
                "dry_run": self.dry_run,
                "rejected": [r.as_dict() for r in self.rejected[:limit]]}

    def write_csv(self, path: str | Path) -> None:
        with CsvFile(path, ["行号", "列", "代码", "原因"]) as out:
            for r in sorted(self.rejected, key=lambda r: r.line):
                out.write([r.line, r.column, r.code, r.message])


def _xlsx_to_parquet(path: Path, workdir: Path) -> Path:
    """Spreadsheets are read with calamine, all cells as text, into a Parquet file."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    from python_calamine import CalamineWorkbook

    try:
        sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    except Exception as exc:  # calamine raises several types for damaged workbooks
        raise AppError("file_unreadable", f"无法读取电子表格 {path.name}：{exc}") from None
    if not sheet:
        raise AppError("file_empty", f"{path.name} 是空表")
    header = [str(h).strip() for h in sheet[0]]
    columns = {name: [_cell(row[i]) if i < len(row) else None for row in sheet[1:]]
               for i, name in enumerate(header) if name}
    target = workdir / (path.stem + ".parquet")
    pq.write_table(pa.table({k: pa.array(v, pa.string()) for k, v in columns.items()}), target)
    return target


def _cell(value) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value.isoformat()[:10]
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def _read(path: Path, workdir: Path) -> tuple[duckdb.DuckDBPyConnection, ImportReport]:
    source = _xlsx_to_parquet(path, workdir) if path.suffix.lower() in (".xlsx", ".xls") else path
    con = duckdb.connect()
    try:
        loaded = load_file(con, spec=CERTIFICATES, path=source, on_bad_rows="report")
    except InputError as exc:
        raise AppError(exc.code, str(exc)) from None
    report = ImportReport(file=path.name, rows_read=loaded.rows_read)
    report.rejected = [Rejected(b.line, b.column, b.code, b.message) for b in loaded.bad_rows]
    return con, report


def _fetch(con: duckdb.DuckDBPyConnection) -> list[dict]:
    present = [c for c in COLUMNS
               if c in {r[0] for r in con.execute("DESCRIBE certificates").fetchall()}]
    # Column names come from the contract's fixed list, never from the file.
    rows = con.execute(f"SELECT _line, {', '.join(present)} FROM certificates "  # noqa: S608
                       "ORDER BY _line")
    names = ["_line", *present]
    return [dict(zip(names, values, strict=True)) for values in rows.fetchall()]


class _Checker:
    """The registry's own rules, beyond the file format's."""

    def __init__(self) -> None:
        self.items = set(Item.objects.values_list("family_id", "code"))
        self.names: dict[str, str] = {}
        self.id_cache: dict[str, ids.IdCheck] = {}

    def problem(self, row: dict) -> tuple[str, str, str] | None:
        check = self.id_cache.get(row["id_no"])
        if check is None:
            check = self.id_cache[row["id_no"]] = ids.check_id_no(row["id_no"])
        if not check.ok:
            return "id_no", check.code, check.message
        if (row["family"], row["item_code"]) not in self.items:
            return ("item_code", "item_unknown",
                    f"证书类别 {row['family']} 中没有操作项目 {row['item_code']}")
        if row["valid_from"] > row["valid_until"]:
            return "valid_until", "period_inverted", "有效期止早于有效期起"
        holder_id = self.id_no(row)
        if row["family"] == "special_ops" and row["cert_no"] != "T" + holder_id:
            return "cert_no", "certno_id_mismatch", "特种作业操作证编号应为“T+身份证号”"
        seen = self.names.setdefault(holder_id, row["name"])
        if seen != row["name"]:
            return "name", "holder_name_conflict", f"同一身份证号有两个姓名：{seen} / {row['name']}"
        return None

    def id_no(self, row: dict) -> str:
        check = self.id_cache[row["id_no"]]
        return ids.upgrade_legacy_id(check.id_no) if len(check.id_no) == 15 else check.id_no


def _existing_name_conflicts(rows: list[dict], checker: _Checker) -> dict[int, Rejected]:
    ids_in_file = list(checker.names)
    conflicts: dict[int, Rejected] = {}
    for start in range(0, len(ids_in_file), BATCH):
        for id_no, name in Holder.objects.filter(id_no__in=ids_in_file[start:start + BATCH]
                                                 ).values_list("id_no", "name"):
            if checker.names[id_no] != name:
                checker.names[id_no] = name  # keep the registry's name; reject the rows
    for row in rows:
        holder_id = checker.id_no(row)
        if checker.names[holder_id] != row["name"]:
            conflicts[row["_line"]] = Rejected(row["_line"], "name", "holder_name_conflict",
                                               f"身份证号已登记姓名为“{checker.names[holder_id]}”")
    return conflicts


def _validate(rows: list[dict], report: ImportReport) -> list[dict]:
    checker = _Checker()
    good = []
    for row in rows:
        row["name"] = normalise_name(row["name"])
        row["cert_no"] = normalise_cert_no(row["cert_no"])
        problem = checker.problem(row)
        if problem:
            report.rejected.append(Rejected(row["_line"], *problem))
        else:
            row["holder_id_no"] = checker.id_no(row)
            row["id_check"] = checker.id_cache[row["id_no"]]
            good.append(row)
    conflicts = _existing_name_conflicts(good, checker)
    report.rejected.extend(conflicts.values())
    return [row for row in good if row["_line"] not in conflicts]


def _executemany(sql: str, rows: list[tuple], progress: Progress | None, what: str) -> None:
    """Plain parameterised SQL: at a million rows the ORM's per-field preparation costs more
    than the database work. ON CONFLICT is accepted by SQLite, PostgreSQL and openGauss."""
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[start:start + BATCH])
            if progress:
                progress(min(start + BATCH, len(rows)), len(rows), what)


def _holders(rows: list[dict], now, progress: Progress | None) -> dict[str, int]:
    people: dict[str, tuple] = {}
    for row in rows:
        if row["holder_id_no"] not in people:
            check = row["id_check"]
            people[row["holder_id_no"]] = (row["holder_id_no"], row["name"], check.sex or "",
                                           check.birth_date, now, now)
    _executemany(
        "INSERT INTO registry_holder (id_no, name, sex, birth_date, created_at, updated_at) "
        "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (id_no) DO NOTHING",
        list(people.values()), progress, "正在写入持证人")
    found: dict[str, int] = {}
    keys = list(people)
    for start in range(0, len(keys), 900):  # SQLite allows ~1000 parameters a statement
        found.update(Holder.objects.filter(id_no__in=keys[start:start + 900])
                     .values_list("id_no", "pk"))
    return found


UPSERT_CERTIFICATE = """
INSERT INTO registry_certificate (cert_no, holder_id, id_no, name, family_id, item_code,
    issuer_id, issuer_code, first_issued, valid_from, valid_until, review_due, last_review,
    status, status_reason, source, import_batch_id, created_at, updated_at)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, '', %s, %s, %s, %s)
ON CONFLICT (cert_no, family_id, item_code) DO UPDATE SET
    holder_id = excluded.holder_id, id_no = excluded.id_no, name = excluded.name,
    issuer_id = excluded.issuer_id,
    issuer_code = excluded.issuer_code, first_issued = excluded.first_issued,
    valid_from = excluded.valid_from, valid_until = excluded.valid_until,
    review_due = excluded.review_due, last_review = excluded.last_review,
    status = excluded.status, source = excluded.source,
    import_batch_id = excluded.import_batch_id, updated_at = excluded.updated_at
"""


def _count_existing(rows: list[dict]) -> int:
    keys = {(r["cert_no"], r["family"], r["item_code"]) for r in rows}
    numbers = sorted({k[0] for k in keys})
    found = 0
    for start in range(0, len(numbers), 900):
        found += sum(1 for key in Certificate.objects.filter(
            cert_no__in=numbers[start:start + 900]).values_list("cert_no", "family_id",
                                                                  "item_code") if key in keys)
    return found


def _write(rows: list[dict], batch: ImportBatch, progress: Progress | None) -> tuple[int, int]:
    now = timezone.now()
    updated = _count_existing(rows)
    holders = _holders(rows, now, progress)
    issuers = dict(Organisation.objects.exclude(issuer_code="").values_list("issuer_code", "pk"))
    values = [(r["cert_no"], holders[r["holder_id_no"]], r["holder_id_no"], r["name"],
               r["family"], r["item_code"],
               issuers.get(r["issuer_code"]), r["issuer_code"], r["first_issued"],
               r["valid_from"], r["valid_until"], r.get("review_due"), r.get("last_review"),
               r["status"], r.get("source") or "", batch.pk, now, now) for r in rows]
    _executemany(UPSERT_CERTIFICATE, values, progress, "正在写入证书库")
    return len(rows) - updated, updated


def certificates_import(*, by: object, path: str | Path, dry_run: bool = False,
                        progress: Progress | None = None) -> ImportReport:
    """Check a certificates file and load its good rows; returns the per-row report."""
    require(by, "certificates.import")
    path = Path(path)
    with tempfile.TemporaryDirectory() as workdir:
        con, report = _read(path, Path(workdir))
        rows = _validate(_fetch(con), report)
    report.dry_run = dry_run
    if dry_run or not rows:
        return report
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    with transaction.atomic():
        batch = ImportBatch.objects.create(file_name=path.name, sha256=digest,
                                           by=by if getattr(by, "pk", None) else None,
                                           rows_read=report.rows_read)
        report.inserted, report.updated = _write(rows, batch, progress)
        report.batch_id = batch.pk
        ImportBatch.objects.filter(pk=batch.pk).update(
            inserted=report.inserted, updated=report.updated, rejected=len(report.rejected))
        audit_record(action="create", object_type="registry.importbatch", object_id=batch.pk,
                     summary=f"导入证书 {path.name}：新增{report.inserted}，更新{report.updated}，"
                             f"拒绝{len(report.rejected)}", user=by)
    return report
