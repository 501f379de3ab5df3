"""Import certificates in the exchange format (CSV, CSV.GZ, XLSX, Parquet) into the registry.

Streaming, in three steps, with memory that does not grow with the file:
1. read the file chunk by chunk (import_source); check the chunk column-wise and stage its
   clean rows (import_vector), check the others one by one (import_rows), report a rejected
   row to the report file at once (import_report), stage the good ones (import_stage);
2. in ONE transaction: check what needs other rows set-based (import_store), then merge;
3. commit. A failure anywhere (a damaged file half-way, the disk full, the database gone) rolls
   the transaction back: the registry is exactly as it was before, never half-loaded. The
   import is all or nothing by design; run it again once the cause is fixed.

Existing certificates (same number, family and item) are updated, identical ones left alone.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction
from django.utils import timezone

from certguard.catalog.models import Family, Item
from certguard.core.audit import audit_bulk, audit_record, plain
from certguard.core.errors import AppError, Forbidden
from certguard.core.policy import require
from certguard.core.scoping import UserLike
from certguard.orgs.models import Organisation
from certguard.registry import import_store as store
from certguard.registry.import_ids import IdBatch
from certguard.registry.import_report import ImportReport, Rejected, RejectWriter
from certguard.registry.import_rows import Reject, Remit, RowChecker
from certguard.registry.import_source import read_chunks
from certguard.registry.import_stage import open_stage
from certguard.registry.import_vector import VectorCheck
from certguard.registry.models import Certificate, CertificateEvent, ImportBatch

__all__ = ["ImportReport", "Rejected", "certificates_import"]
log = logging.getLogger(__name__)
Progress = Callable[[int, int | None, str], None]
AUDIT_CHUNK = 10_000
SET_BASED_COLUMNS = {"holder_name_conflict": "name", "E_OTHER_AUTHORITY": "cert_no"}


def _remit(by: UserLike, actor) -> Remit:
    """An issuing officer writes only their authority's certificates of the families in their
    department's remit (the same rule as issuing one, services._issuer_for); an administrator
    and the command line write for every authority."""
    if actor.is_admin:
        return Remit()
    from certguard.registry.services import _issuer_for

    families = set()
    for family in Family.objects.all():
        try:
            _issuer_for(by, None, family)
        except Forbidden as exc:
            if exc.code != "family_not_in_remit":
                raise
        else:
            families.add(family.key)
    authority = Organisation.objects.get(pk=actor.organisation_id)
    return Remit(issuer_code=authority.issuer_code, families=frozenset(families),
                 authority_name=authority.name)


def _checkers(remit: Remit) -> tuple[RowChecker, VectorCheck]:
    issuers = dict(Organisation.objects.exclude(issuer_code="").values_list("issuer_code", "pk"))
    items = set(Item.objects.values_list("family_id", "code"))
    today = timezone.localdate()
    return (RowChecker(items=items, issuers=issuers, remit=remit, today=today,
                       id_batch=IdBatch(as_of=today)),
            VectorCheck(items=items, issuers=issuers, remit=remit, as_of=today))


def _read(path: Path, checker: RowChecker, vector: VectorCheck, stage, writer: RejectWriter,
          report: ImportReport, progress: Progress | None) -> None:
    """Each chunk: its clean rows found and staged set-based (import_vector), the others
    checked one by one (import_rows), a rejected row reported at once."""
    for chunk in read_chunks(path):
        report.rows_read += chunk.size + len(chunk.rejected)
        for line, column, code, message in chunk.rejected:
            writer.add(line, column, code, message)
        table = chunk.table if chunk.table is not None else vector.table(chunk.rows)
        clean = vector.clean(table) if table is not None else None
        if clean is not None and clean.num_rows:
            stage.add_arrow(clean)
        rows = chunk.python_rows(None if clean is None else clean.column("line"))
        checker.new_chunk(rows)
        good = []
        for line, values in rows:
            try:
                good.append(checker.check(line, values))
            except Reject as problem:
                writer.add(line, problem.column, problem.code, problem.message)
        if good:
            stage.add(good)
        if progress:
            progress(report.rows_read, None, f"正在逐行检查：已读 {report.rows_read} 行")


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            sha.update(block)
    return sha.hexdigest()


def _prepare_merge() -> None:
    """Hold off other writers (readers go on) so the checks see what the merge writes over.
    SQLite's IMMEDIATE transaction already does; PostgreSQL needs a table lock."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("LOCK TABLE registry_certificate, registry_holder "
                       "IN SHARE ROW EXCLUSIVE MODE")
        # Memory for the hash aggregates and joins over the whole file (5,000,000 rows spilled
        # to disk at 256 MB); no JIT, whose compiling cost each statement about 0.5 s.
        cursor.execute("SET LOCAL work_mem = '512MB'")
        cursor.execute("SET LOCAL jit = off")
    try:
        # Foreign keys are satisfied by construction here (holders joined, families checked
        # against the catalogue, authorities looked up): skip the per-row trigger checks,
        # as pg_restore --disable-triggers does, where the role may.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
    except DatabaseError:
        pass


def _audit(report: ImportReport, batch: ImportBatch, by: UserLike) -> None:
    """The change log of an import. Created certificates: one entry per chunk naming the
    file's lines (the values are that file's, identified by its SHA-256 on the batch).
    Updated certificates: before and after values of every changed field, read back from the
    history events the merge wrote and the rows as they now are (``audit_bulk``)."""
    for first, last, n_created, created in store.created_lines(
            AUDIT_CHUNK, updates=bool(report.updated)):
        audit_record(action="create", object_type="registry.certificate",
                     object_id=f"导入批次{batch.pk}",
                     summary=f"导入证书 {report.file} 第{first}–{last}行：新增{n_created}",
                     data={"import_batch": batch.pk, "file_sha256": batch.sha256,
                           "created_lines": created}, user=by)
    audit_bulk(object_type="registry.certificate", action="update", user=by,
               summary=f"导入证书 {report.file}：更新已有证书", changes=_updates(batch.pk))


def _updates(batch_id: int) -> Iterator[dict]:
    """{id, before, after} of each certificate the import updated (changed fields only)."""
    events = CertificateEvent.objects.filter(reason_code="import_update",
                                             data__import_batch=batch_id).order_by("pk")
    chunk: list[tuple[int, dict]] = []
    for cert_id, data in events.values_list("certificate_id", "data").iterator(2000):
        chunk.append((cert_id, (data or {}).get("previous") or {}))
        if len(chunk) >= 2000:
            yield from _paired(chunk)
            chunk = []
    yield from _paired(chunk)


def _paired(chunk: list[tuple[int, dict]]) -> Iterator[dict]:
    fields = sorted({f for _, before in chunk for f in before})
    now = {row["pk"]: row for row in Certificate.objects.filter(
        pk__in=[pk for pk, _ in chunk]).values("pk", *fields)}
    for pk, before in chunk:
        yield {"id": pk, "before": {k: plain(v) for k, v in before.items()},
               "after": {k: plain(now[pk][k]) for k in before}}


def _merge(*, report: ImportReport, writer: RejectWriter, by: UserLike, actor, remit: Remit,
           digest: str, progress: Progress | None) -> None:
    step = (lambda message: progress(report.rows_read, report.rows_read, message)) \
        if progress else (lambda message: None)
    with transaction.atomic():
        _prepare_merge()
        batch = ImportBatch.objects.create(file_name=report.file[:255], sha256=digest,
                                           by=by if getattr(by, "pk", None) else None,
                                           rows_read=report.rows_read)
        context = store.MergeContext(
            batch_id=batch.pk, user_id=actor.user_id, today=timezone.localdate(),
            authority_id=None if remit.issuer_code is None else actor.organisation_id,
            now=timezone.now())
        step("正在检查文件内重复、姓名一致与发证机关")
        store.check_duplicates()
        store.check_names()
        store.classify(context)
        for line, code, message in store.rejected_rows():
            writer.add(line, SET_BASED_COLUMNS.get(code, "*"), code, message)
        writer.close()
        found = store.counts()
        report.inserted, report.updated = found.get("insert", 0), found.get("update", 0)
        report.unchanged = found.get("same", 0)
        if report.dry_run or not (report.inserted or report.updated):
            transaction.set_rollback(True)
            return
        context.bulk = report.inserted > store.registry_size()
        report.bulk_load = context.bulk and connection.vendor == "postgresql"
        store.merge(context, step)
        step("正在记录审计日志")
        _audit(report, batch, by)
        ImportBatch.objects.filter(pk=batch.pk).update(
            inserted=report.inserted, updated=report.updated, rejected=report.rejected_count)
        report.batch_id = batch.pk
        audit_record(action="create", object_type="registry.importbatch", object_id=batch.pk,
                     summary=report.summary[:300], user=by)


def certificates_import(*, by: UserLike, path: str | Path, dry_run: bool = False,
                        progress: Progress | None = None,
                        report_path: str | Path | None = None) -> ImportReport:
    """Check a certificates file and load its good rows, all or nothing; every rejected row
    goes to ``report_path`` (CSV) with its line, column, code and reason."""
    actor = require(by, "certificates.import")
    path = Path(path)
    if not path.is_file():
        raise AppError("E_NO_FILE", f"找不到要导入的文件 {path.name}")
    remit = _remit(by, actor)
    report = ImportReport(file=path.name, dry_run=dry_run,
                          report_path=str(report_path) if report_path else "")
    writer = RejectWriter(report, Path(report_path) if report_path else Path(os.devnull))
    started = time.perf_counter()
    stage = checker = vector = None
    try:
        stage = open_stage()
        checker, vector = _checkers(remit)
        _read(path, checker, vector, stage, writer, report, progress)
        stage.ready()
        _merge(report=report, writer=writer, by=by, actor=actor, remit=remit,
               digest=_digest(path), progress=progress)
    except (OperationalError, InterfaceError) as exc:
        problem = _database_problem(exc)
        if problem is None:
            raise
        log.warning("import of %s stopped by the database: %s", path.name, exc)
        if not connection.in_atomic_block:
            connection.close()  # perhaps dropped by the server: the next query reconnects
        raise problem from None
    finally:
        if checker is not None and checker.id_batch is not None:
            checker.id_batch.close()
        if vector is not None:
            vector.close()
        _cleanup(stage, writer)
    log.info("import of %s: %s in %.1f s", path.name, report.summary, time.perf_counter() - started)
    return report


def _database_problem(exc: Exception) -> AppError | None:
    """The database went away, is busy or is full: a Chinese message, the registry intact.
    (SQLite reports SQL mistakes as OperationalError too: those stay program errors.)"""
    text = str(exc).lower()
    undone = "本次导入已整体撤销，证书库未作任何改动"
    if "full" in text:
        return AppError("E_DISK_FULL", f"数据库所在磁盘空间已满，{undone}；请腾出空间后重新导入")
    if "locked" in text or "busy" in text:
        return AppError("E_DATABASE_BUSY", f"证书库正被其他操作占用，{undone}；请稍后重新导入")
    if connection.vendor == "postgresql" or isinstance(exc, InterfaceError) or "i/o" in text:
        return AppError("E_DATABASE", f"导入过程中数据库连接中断或不可用，{undone}；"
                                      "请在数据库恢复后重新导入")
    return None


def _cleanup(stage, writer: RejectWriter) -> None:
    try:
        writer.close()
    except AppError:
        pass
    if stage is None:
        return
    try:
        stage.close()
    except DatabaseError:
        connection.close()  # a connection the database dropped: the next use reconnects
