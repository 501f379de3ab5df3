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
from certguard.selfcheck.harvest import held_reason, hold_clue, over_cap
from certguard.selfcheck.models import RosterUpload, UploadEvent, WorkerResult
from certguard.selfcheck.plan import check_plan, id_mapped, ledger_rows, own_rows, plan_of
from certguard.selfcheck.reader import (
    DEFAULT_MAX_BYTES,
    FIELDS,
    RosterReadError,
    RosterReadResult,
    SheetMapping,
    preview_roster,
    read_roster,
)
from certguard.selfcheck.reader.errors import file_too_large
from certguard.selfcheck.rectification import rectifications_carry_over, upload_report_fakes
from certguard.selfcheck.report import write_report
from certguard.workforce.services import ledger_apply, may_change_ledger

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


def check_upload_size(size: int) -> None:
    """Before an uploaded file is read into memory: too large is refused at once."""
    if size > DEFAULT_MAX_BYTES:
        error = file_too_large(size=size, limit=DEFAULT_MAX_BYTES)
        raise AppError(error.code, error.message)


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
    plan = plan_of(own_rows(_read(source=data), employer=employer), employer=employer,
                   as_of=timezone.localdate())
    digest = hashlib.sha256(data).hexdigest()
    path = uploads_dir() / f"{digest}.{preview.file_kind}"
    if not path.exists():
        path.write_bytes(data)
    return RosterUpload.objects.create(
        employer=employer, uploaded_by=by if getattr(by, "pk", None) else None,
        file_name=Path(file_name).name[:255] or "roster", size=len(data), sha256=digest,
        stored_path=str(path.relative_to(Path(settings.VAR_DIR))), file_kind=preview.file_kind,
        mapping=mapping_json(preview.mappings), plan=plan)


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
    preview = upload_preview(upload=upload)
    upload.mapping = mapping_json(preview.mappings)
    upload.plan = upload_plan(upload=upload)
    upload.save(update_fields=["overrides", "mapping", "plan", "updated_at"])
    return upload


def _full_read(upload: RosterUpload) -> RosterReadResult:
    """The whole roster as confirmed: rows of another enterprise moved to the rejected."""
    read = _read(source=_stored_bytes(upload), overrides=_overrides(upload))
    return own_rows(read, employer=upload.employer)


def upload_plan(*, upload: RosterUpload, as_of: date | None = None) -> dict:
    """What confirming would do to the ledger (nothing is written)."""
    return plan_of(_full_read(upload), employer=upload.employer,
                   as_of=as_of or timezone.localdate())


@transaction.atomic
def upload_confirm(*, by: object, upload: RosterUpload, as_of: date | None = None,
                   confirm_leaving: bool = False) -> RosterUpload:
    """Confirm the mapping: start the job that updates the ledger and verifies every row.

    Refused, with the reason, for a roster without a usable row or an ID column; when more
    than a fifth of the workers on the ledger would be marked as left, unless
    ``confirm_leaving`` says the employer confirmed exactly that."""
    _check_owner(by=by, employer=upload.employer)
    upload = RosterUpload.objects.select_for_update().get(pk=upload.pk)
    # A failed check (bad file, or its worker died) saved no result: it may be started again.
    if upload.status not in (RosterUpload.Status.PREVIEW, RosterUpload.Status.FAILED):
        raise AppError("already_confirmed", "该花名册已确认核验")
    as_of = as_of or timezone.localdate()
    plan = upload_plan(upload=upload, as_of=as_of)
    check_plan(plan, confirm_leaving=confirm_leaving)
    upload.status = RosterUpload.Status.VERIFYING
    upload.as_of, upload.plan = as_of, {**plan, "leaving_confirmed": confirm_leaving}
    upload.confirmed_at, upload.error = timezone.now(), ""
    upload.job = job_start(kind="selfcheck_verify", title=f"花名册核验：{upload.file_name}",
                           owner=by, organisation_id=upload.employer_id,
                           params={"upload_id": upload.pk})
    upload.save(update_fields=["status", "as_of", "plan", "confirmed_at", "error", "job",
                               "updated_at"])
    return upload


def upload_job_lost(*, job_id: int, reason: str) -> bool:
    """The check's worker died mid-job: the upload ends failed with the reason (its results
    are saved in one transaction at the end, so none were kept) and may be confirmed again.
    False when the check had already saved its results (the worker died just after)."""
    uploads = RosterUpload.objects.filter(job_id=job_id)
    failed = uploads.filter(status=RosterUpload.Status.VERIFYING).update(
        status=RosterUpload.Status.FAILED, error=reason)
    return bool(failed) or not uploads.exists()


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
    say(0, 100, "正在读取花名册")
    read = _full_read(upload)
    check_plan({**upload.plan, "id_mapped": id_mapped(read), "accepted": len(read.accepted),
                "rejected": len(read.rejected)}, confirm_leaving=True)
    run = selfcheck_run(read=read, as_of=upload.as_of, employer_code=upload.employer.credit_code
                        or "", notify=say)
    say(95, 100, f"正在保存 {len(run.outcomes)} 行核验结果")
    counts = run.counts()
    held = over_cap(counts)
    with transaction.atomic():
        _save_results(upload=upload, run=run)
        upload.accepted_count, upload.rejected_count = len(read.accepted), len(read.rejected)
        upload.counts, upload.verified_at, upload.error = counts, timezone.now(), ""
        upload.plan = {**upload.plan, "skipped_rows": [
            {"sheet": r.sheet, "row_no": r.row_no, "message": r.message}
            for r in read.skipped_rows[:200]]}
        if held:
            return _hold(upload=upload, unmatched=held[0], cap=held[1], read=read)
        clues = _file(upload=upload, read=read)
    return {"花名册": upload.file_name, "读取成功": upload.accepted_count,
            "有误行": upload.rejected_count, "跳过的合计、说明行": len(read.skipped_rows),
            "发现问题": upload.problem_count, "上报疑似假证线索": clues}


def _file(*, upload: RosterUpload, read: RosterReadResult) -> int:
    """The verified roster becomes the employer's filing: the ledger follows it, earlier
    rectifications carry over, suspected fakes go to the regulator as clues."""
    report = ledger_apply(employer=upload.employer, rows=ledger_rows(read),
                          by=upload.uploaded_by, as_of=upload.as_of,
                          source_upload_id=upload.pk,
                          source_label=f"花名册 {upload.file_name}（#{upload.pk}）")
    upload.status, upload.held_reason = RosterUpload.Status.VERIFIED, ""
    upload.ledger_report = report.as_dict()
    upload.save()
    rectifications_carry_over(upload=upload)
    return upload_report_fakes(upload_id=upload.pk)  # with the results, or not at all


def _hold(*, upload: RosterUpload, unmatched: int, cap: int, read: RosterReadResult) -> dict:
    checked = len(read.accepted)
    upload.status = RosterUpload.Status.HELD
    upload.held_reason = held_reason(unmatched=unmatched, cap=cap, checked=checked)
    upload.save()
    hold_clue(upload=upload, unmatched=unmatched, cap=cap, checked=checked)
    return {"花名册": upload.file_name, "结果": "核验结果已暂停，待监管部门审核",
            "查询不到或信息不符": unmatched, "上限": cap}


@transaction.atomic
def upload_release(*, by: object, upload: RosterUpload) -> RosterUpload:
    """The regulator has reviewed a held upload and releases it: it becomes the employer's
    filing as any other (the ledger follows it, suspected fakes become clues)."""
    if not allows(by, "selfcheck.return", upload):
        raise Forbidden("release_forbidden", "无权审核该单位的自查", status=403)
    upload = RosterUpload.objects.select_for_update(of=("self",)) \
        .select_related("employer", "uploaded_by").get(pk=upload.pk)
    if upload.status != RosterUpload.Status.HELD:
        raise AppError("not_held", "该花名册没有待审核的核验结果")
    _file(upload=upload, read=_full_read(upload))
    UploadEvent.objects.create(upload=upload, kind=UploadEvent.Kind.RELEASED,
                               reason="监管部门审核后放行",
                               by=by if getattr(by, "pk", None) else None)
    return upload


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
