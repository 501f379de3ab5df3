"""Roster uploads: keep the file and preview its mapping; confirm; verify; export the report."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from certguard.core.errors import AppError, Forbidden
from certguard.core.exports import Export, download, temporary_copy
from certguard.core.jobs import Progress, job_start
from certguard.core.policy import allows
from certguard.core.scoping import actor_of
from certguard.selfcheck import outcomes as o
from certguard.selfcheck.check import SelfcheckRun, selfcheck_run
from certguard.selfcheck.models import RosterUpload, WorkerResult
from certguard.selfcheck.reader import (
    FIELDS,
    RosterReadError,
    RosterReadResult,
    SheetMapping,
    preview_roster,
    read_roster,
)
from certguard.selfcheck.rectification import upload_report_fakes
from certguard.selfcheck.report import write_report
from certguard.workforce.services import LedgerRow, ledger_apply, may_change_ledger

PREVIEW_ROWS = 20
_SAVE_BATCH = 1000
FIELD_LABELS = {
    "worker_name": "姓名", "worker_id_no": "身份证号", "cert_no": "证书编号", "post": "岗位",
    "item": "作业类别/操作项目", "valid_until": "有效期至", "valid_from": "有效期起/发证日期",
    "on_post_from": "上岗日期", "on_post_to": "离岗日期", "issuer": "发证机关",
    "remark": "备注", "department": "部门", "employer_code": "统一社会信用代码",
    "employer_name": "单位名称", "region_code": "行政区划代码", "sector": "行业",
}


def uploads_dir() -> Path:
    path = Path(settings.VAR_DIR) / "uploads" / "selfcheck"
    path.mkdir(parents=True, exist_ok=True)
    return path


def stored_file(upload: RosterUpload) -> Path:
    return Path(settings.VAR_DIR) / upload.stored_path


def mapping_json(mappings: list[SheetMapping]) -> list[dict]:
    return [{"sheet": m.sheet, "header_rows": list(m.header_rows),
             "columns": [{"index": c.index, "header": c.header, "field": c.field,
                          "source": c.source} for c in m.columns]} for m in mappings]


def _overrides(upload: RosterUpload) -> dict[str, dict[int, str | None]]:
    return {sheet: {int(k): v for k, v in cols.items()}
            for sheet, cols in (upload.overrides or {}).items()}


def _check_owner(*, by: object, employer: object) -> None:
    if not may_change_ledger(by=by, employer=employer):
        raise Forbidden("selfcheck_forbidden", "只有本单位人员可以导入本单位的花名册")


def _read(*, source: object, **kwargs) -> RosterReadResult:
    try:
        return read_roster(source=source, **kwargs)
    except RosterReadError as exc:
        raise AppError(exc.code, exc.message) from None


def upload_create(*, by: object, employer: object, file_name: str, data: bytes) -> RosterUpload:
    """Read the file's header and first rows; keep the file and the detected mapping.

    A file that cannot be read (corrupt, encrypted, no ID column) raises AppError with the
    reader's Chinese message, and nothing is kept. The ledger is not touched until confirmed.
    """
    _check_owner(by=by, employer=employer)
    try:
        preview = preview_roster(source=data, rows=PREVIEW_ROWS)
    except RosterReadError as exc:
        raise AppError(exc.code, exc.message) from None
    digest = hashlib.sha256(data).hexdigest()
    path = uploads_dir() / f"{digest}.{preview.file_kind}"
    if not path.exists():
        path.write_bytes(data)
    return RosterUpload.objects.create(
        employer=employer, uploaded_by=by if getattr(by, "pk", None) else None,
        file_name=Path(file_name).name[:255] or "roster", size=len(data), sha256=digest,
        stored_path=str(path.relative_to(Path(settings.VAR_DIR))), file_kind=preview.file_kind,
        mapping=mapping_json(preview.mappings))


def _stored_bytes(upload: RosterUpload) -> bytes:
    """The kept file as bytes: read as at upload (a CSV's sheet is then named "CSV", not after
    the stored file's digest, so the user's column overrides keep applying)."""
    try:
        return stored_file(upload).read_bytes()
    except FileNotFoundError:
        raise AppError("file_not_found", f"找不到文件 {upload.file_name}（已被清理？）") from None


def upload_preview(*, upload: RosterUpload, rows: int = PREVIEW_ROWS) -> RosterReadResult:
    return _read(source=_stored_bytes(upload), overrides=_overrides(upload), max_rows=rows)


Overrides = dict[str, dict[str, str | None]]


def _clean_overrides(raw: Mapping[str, Mapping[object, object]]) -> Overrides:
    clean: Overrides = {}
    for sheet, columns in raw.items():
        for index, value in columns.items():
            field = str(value) if value not in (None, "", "-") else None
            if field is not None and field not in FIELDS:
                raise AppError("field_unknown", f"未知的字段：{field}")
            if not str(index).isdigit():
                raise AppError("column_invalid", f"列序号应为数字：{index}")
            clean.setdefault(str(sheet), {})[str(int(str(index)))] = field
    return clean


@transaction.atomic
def upload_set_mapping(*, by: object, upload: RosterUpload,
                       overrides: Mapping[str, Mapping[object, object]]) -> RosterUpload:
    """The user's corrections: sheet -> {column index: field, or None to ignore the column}."""
    _check_owner(by=by, employer=upload.employer)
    if upload.status != RosterUpload.Status.PREVIEW:
        raise AppError("already_confirmed", "花名册已确认核验，不能再修改列对应关系")
    merged = {**(upload.overrides or {})}
    for sheet, columns in _clean_overrides(overrides).items():
        merged[sheet] = {**merged.get(sheet, {}), **columns}
    upload.overrides = merged
    preview = upload_preview(upload=upload)  # the ID column must still be there
    upload.mapping = mapping_json(preview.mappings)
    upload.save(update_fields=["overrides", "mapping", "updated_at"])
    return upload


@transaction.atomic
def upload_confirm(*, by: object, upload: RosterUpload, as_of: date | None = None
                   ) -> RosterUpload:
    """Confirm the mapping: start the job that updates the ledger and verifies every row."""
    _check_owner(by=by, employer=upload.employer)
    upload = RosterUpload.objects.select_for_update().get(pk=upload.pk)
    if upload.status != RosterUpload.Status.PREVIEW:
        raise AppError("already_confirmed", "该花名册已确认核验")
    upload.status = RosterUpload.Status.VERIFYING
    upload.as_of = as_of or timezone.localdate()
    upload.confirmed_at = timezone.now()
    upload.job = job_start(kind="selfcheck_verify", title=f"花名册核验：{upload.file_name}",
                           owner=by, organisation_id=upload.employer_id,
                           params={"upload_id": upload.pk})
    upload.save(update_fields=["status", "as_of", "confirmed_at", "job", "updated_at"])
    return upload


def ledger_rows(read: RosterReadResult) -> list[LedgerRow]:
    return [LedgerRow(worker_id_no=r.worker_id_no, worker_name=r.worker_name, post=r.post or "",
                      required_item_code=r.required_item_code or "", cert_no=r.cert_no or "",
                      valid_until=r.valid_until, on_post_from=r.on_post_from,
                      on_post_to=r.on_post_to) for r in read.accepted]


def upload_verify(*, upload_id: int, progress: Progress | None = None) -> dict:
    """The job's work: read the whole file, update the ledger, verify, keep the results."""
    upload = RosterUpload.objects.select_related("employer", "uploaded_by").get(pk=upload_id)
    try:
        return _verify(upload=upload, progress=progress)
    except Exception as exc:
        message = exc.message if isinstance(exc, AppError) else "核验时发生内部错误"
        RosterUpload.objects.filter(pk=upload.pk).update(status=RosterUpload.Status.FAILED,
                                                          error=message)
        raise


def _verify(*, upload: RosterUpload, progress: Progress | None) -> dict:
    say = progress or (lambda done, total=None, message="": None)
    say(0, 4, "正在读取花名册")
    read = _read(source=_stored_bytes(upload), overrides=_overrides(upload))
    run = selfcheck_run(read=read, as_of=upload.as_of, employer_code=upload.employer.credit_code
                        or "", notify=lambda d, t, m: say(d + 1, 4, m))
    say(4, 4, "正在保存核验结果")
    with transaction.atomic():
        report = ledger_apply(employer=upload.employer, rows=ledger_rows(read),
                              by=upload.uploaded_by, as_of=upload.as_of,
                              source_upload_id=upload.pk,
                              source_label=f"花名册 {upload.file_name}（#{upload.pk}）")
        _save_results(upload=upload, run=run)
        upload.status = RosterUpload.Status.VERIFIED
        upload.accepted_count, upload.rejected_count = len(read.accepted), len(read.rejected)
        upload.counts, upload.ledger_report = run.counts(), report.as_dict()
        upload.verified_at, upload.error = timezone.now(), ""
        upload.save()
        clues = upload_report_fakes(upload_id=upload.pk)  # with the results, or not at all
    return {"花名册": upload.file_name, "读取成功": upload.accepted_count,
            "有误行": upload.rejected_count, "发现问题": upload.problem_count,
            "上报疑似假证线索": clues}


def _save_results(*, upload: RosterUpload, run: SelfcheckRun) -> None:
    upload.results.all().delete()
    WorkerResult.objects.bulk_create((
        WorkerResult(upload=upload, sheet=x.sheet[:100], row_no=x.row_no,
                     worker_name=(x.values.get("worker_name") or "")[:50],
                     worker_id_no=(x.values.get("worker_id_no") or "")[:18],
                     cert_no=(x.values.get("cert_no") or "")[:40], result=x.result,
                     rules=x.rules, values=x.values, registry=x.registry,
                     evidence=x.evidence, reason=x.reason[:300])
        for x in run.outcomes), batch_size=_SAVE_BATCH)


def outcome_of(result: WorkerResult) -> o.WorkerOutcome:
    return o.WorkerOutcome(sheet=result.sheet, row_no=result.row_no, result=result.result,
                           values=result.values, rules=result.rules,
                           details=[e.get("detail", "") for e in result.evidence],
                           evidence=result.evidence, registry=result.registry,
                           reason=result.reason)


def upload_report(*, upload: RosterUpload, path: Path) -> Path:
    """Write REPORT.xlsx of a verified upload (the download that hands it out is logged)."""
    if upload.status != RosterUpload.Status.VERIFIED:
        raise AppError("not_verified", "花名册尚未核验完成")
    outcomes = [outcome_of(r) for r in upload.results.order_by("id")]
    write_report(path=path, outcomes=outcomes, as_of=upload.as_of.isoformat(),
                 title=f"{upload.employer.name} · {upload.file_name}", counts=upload.counts)
    return path


def upload_report_download(*, user: object, upload: RosterUpload) -> object:
    """REPORT.xlsx as a download, with its audit entry (core.exports.download)."""
    handle = temporary_copy(lambda path: upload_report(upload=upload, path=path), suffix=".xlsx")
    return download(user=user, file=handle, filename=f"核验报告-{upload.pk}.xlsx",
                    export=Export(object_type="selfcheck.rosterupload", object_id=upload.pk,
                                  summary=f"导出花名册核验报告 {upload.file_name}",
                                  data={"rows": upload.accepted_count + upload.rejected_count}))


def actor_employer_id(user: object) -> int | None:
    """The enterprise the user files self-checks for, if they may file at all."""
    actor = actor_of(user)
    if actor.organisation_kind != "enterprise" or not allows(user, "selfcheck.file"):
        return None
    return actor.organisation_id
