"""Rectification of the problems a self-check found, the clues it reports, and the regulator's
send-back of a filing (issue 5, item 4)."""

from __future__ import annotations

import csv
import json
import tempfile
from datetime import date
from pathlib import Path

from django.db import transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from certguard.clues.placement import ClueHints
from certguard.clues.selectors import clues_for
from certguard.clues.services import clue_bulk_create, clue_evidence_add
from certguard.core.audit import audit_record
from certguard.core.errors import AppError, Forbidden
from certguard.core.personal import logged_reads
from certguard.core.policy import allows
from certguard.core.scoping import COMMAND_LINE, UserLike
from certguard.rules.titles import rule_severities
from certguard.selfcheck import outcomes as o
from certguard.selfcheck.models import Rectification, RosterUpload, UploadEvent, WorkerResult

SOURCE_KIND = "selfcheck"
# Suspected fakes: reported as clues automatically when the verification completes.
FAKE_RULES = {o.NOT_FOUND: "R01", o.ID_MISMATCH: "R03", o.NAME_MISMATCH: "R04",
              o.ALTERED: "R05"}
# Other problems become clues only when the employer reports them (线索上报).
REPORTED_RULES = {o.EXPIRED: "R07", o.REVIEW_OVERDUE: "R08", o.REVOKED: "R09",
                  o.ITEM_MISMATCH: "R10", o.UNCERTIFIED: "R10"}
CLUE_COLUMNS = ("rule", "severity", "subject", "cert_no", "id_no", "name", "employer_code",
                "institution_code", "exam_center_code", "detail", "evidence")
SOURCE_KEY = "employer_cert_source"  # evidence key: where the employer says the cert came from


# --- Clues ------------------------------------------------------------------------------------

def _clue_row(result: WorkerResult, *, employer_code: str, cert_source: str = "") -> dict:
    rule = FAKE_RULES.get(result.result) or REPORTED_RULES[result.result]
    severity = rule_severities()[rule]  # the contract's, never this module's own
    upload = result.upload
    evidence = {"upload_id": upload.pk, "file_name": upload.file_name, "sheet": result.sheet,
                "row_no": result.row_no, "declared_name": result.worker_name,
                "declared_id_no": result.worker_id_no, "declared_cert_no": result.cert_no,
                "item_code": (result.values or {}).get("required_item_code") or "",
                "result": result.get_result_display()}
    if cert_source:
        evidence[SOURCE_KEY] = cert_source
    detail = (f"企业自查：{upload.employer.name} 花名册《{upload.file_name}》第 {result.row_no} 行 "
              f"{result.worker_name}，核验结果为“{result.get_result_display()}”")
    return {"rule": rule, "severity": severity, "subject": "certificate",
            "cert_no": result.cert_no, "id_no": result.worker_id_no, "name": result.worker_name,
            "employer_code": employer_code, "institution_code": "", "exam_center_code": "",
            "detail": detail, "evidence": json.dumps(evidence, ensure_ascii=False)}


def _reported_keys(upload_id: int) -> set[tuple[str, str]]:
    return set(clues_for(user=COMMAND_LINE).filter(source_kind=SOURCE_KIND, source_id=upload_id)
               .values_list("id_no", "cert_no"))


def _create_clues(*, upload: RosterUpload, results: list[WorkerResult],
                  sources: dict[int, str] | None = None) -> int:
    """Clues for these results not yet reported from this upload (idempotent)."""
    done = _reported_keys(upload.pk)
    fresh, seen = [], set()
    for r in results:
        key = (r.worker_id_no, r.cert_no)
        if key not in done and key not in seen:
            seen.add(key)
            fresh.append(r)
    if not fresh:
        return 0
    code = upload.employer.credit_code or ""
    hints = ClueHints(employers={code: (upload.employer.region_id, upload.employer.sector)})
    with tempfile.TemporaryDirectory(prefix="certguard-selfcheck-clues-") as tmp:
        path = Path(tmp) / "clues.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=CLUE_COLUMNS)
            writer.writeheader()
            for r in fresh:
                writer.writerow(_clue_row(r, employer_code=code,
                                          cert_source=(sources or {}).get(r.pk, "")))
        intake = clue_bulk_create(by=COMMAND_LINE, path=path, source_kind=SOURCE_KIND,
                                  source_id=upload.pk, organisation_id=upload.employer_id,
                                  hints=hints)
    return intake.written


def upload_report_fakes(*, upload_id: int) -> int:
    """After verification: every suspected fake of the upload becomes a clue for the regulator
    responsible for the employer (region and remit). Running it again adds nothing."""
    upload = RosterUpload.objects.select_related("employer").get(pk=upload_id)
    if upload.status != RosterUpload.Status.VERIFIED:
        return 0
    results = list(upload.results.filter(result__in=FAKE_RULES).select_related(
        "upload__employer").order_by("id"))
    with transaction.atomic():
        return _create_clues(upload=upload, results=results)


# --- Rectification ----------------------------------------------------------------------------

def can_rectify(*, user: UserLike, upload: RosterUpload) -> bool:
    """Only the employer itself records rectification and re-files."""
    return allows(user, "selfcheck.file", upload)


def check_employer(*, by: UserLike, upload: RosterUpload) -> None:
    if not can_rectify(user=by, upload=upload):
        raise Forbidden("not_owner", "只有本单位可以记录整改情况", status=403)


def _clean_rectification(*, action: str, done_on: date | None, note: str,
                         cert_source: str) -> tuple[str, str]:
    if action not in Rectification.Action.values:
        raise AppError("action_invalid", "请选择整改措施", fields={"action": ["请选择整改措施"]})
    if done_on is None:
        raise AppError("date_required", "请填写整改日期", fields={"done_on": ["请填写整改日期"]})
    if done_on > timezone.localdate():
        raise AppError("date_future", "整改日期不能晚于今天", fields={"done_on": ["日期在将来"]})
    note, cert_source = (note or "").strip(), (cert_source or "").strip()
    if len(note) > 500 or len(cert_source) > 500:
        raise AppError("text_too_long", "说明和证书来源均不能超过500字")
    return note, cert_source


@transaction.atomic
def rectification_record(*, by: UserLike, result: WorkerResult, action: str,
                         done_on: date | None, note: str = "",
                         cert_source: str = "") -> Rectification:
    """Record what was done about one problem and when; the history is kept. 线索上报 makes
    sure a clue exists; a stated certificate source is added to the worker's clue."""
    upload = result.upload
    check_employer(by=by, upload=upload)
    if result.result in (o.VALID, o.REJECTED):
        raise AppError("not_a_problem", "该行核验结果无问题，无需整改")
    if upload.status != RosterUpload.Status.VERIFIED:
        raise AppError("not_verified", "花名册尚未核验完成（或待监管部门审核），不能记录整改")
    note, cert_source = _clean_rectification(action=action, done_on=done_on, note=note,
                                             cert_source=cert_source)
    entry = Rectification.objects.create(result=result, upload=upload, action=action,
                                         done_on=done_on, note=note, cert_source=cert_source,
                                         by=by if getattr(by, "pk", None) else None)
    latest = result.rectifications.order_by("-done_on", "-id").first()
    result.rectified_action, result.rectified_on = latest.action, latest.done_on
    result.save(update_fields=["rectified_action", "rectified_on"])
    _clue_follow_up(result=result, action=action, cert_source=cert_source)
    return entry  # the change log (Audited) records the entry


def _clue_follow_up(*, result: WorkerResult, action: str, cert_source: str) -> None:
    upload = result.upload
    wants_clue = result.result in FAKE_RULES or action == Rectification.Action.REPORT
    if wants_clue:
        _create_clues(upload=upload, results=[result], sources={result.pk: cert_source})
    if cert_source:
        clue_evidence_add(source_kind=SOURCE_KIND, source_id=upload.pk,
                          id_no=result.worker_id_no, cert_no=result.cert_no,
                          evidence={SOURCE_KEY: cert_source},
                          summary=f"用人单位补充证书来源（花名册 #{upload.pk}）")


def rectifications_carry_over(*, upload: RosterUpload) -> int:
    """Rectifications recorded on the employer's earlier uploads carry over to the same worker
    and certificate (ID number, certificate number) on this one, each marked with the record
    it came from: a re-uploaded roster does not lose what was done. Returns how many."""
    problems = {(r.worker_id_no, r.cert_no): r for r in
                upload.results.filter(result__in=o.PROBLEMS).exclude(worker_id_no="")}
    if not problems:
        return 0
    earlier = (Rectification.objects
               .filter(upload__employer_id=upload.employer_id, upload_id__lt=upload.pk,
                       carried_from__isnull=True,
                       result__worker_id_no__in={k[0] for k in problems})
               .select_related("result").order_by("done_on", "id"))
    copies = [Rectification(result=target, upload=upload, action=r.action, done_on=r.done_on,
                            note=r.note, cert_source=r.cert_source, by_id=r.by_id,
                            carried_from=r)
              for r in earlier
              if (target := problems.get((r.result.worker_id_no, r.result.cert_no)))]
    if not copies:
        return 0
    Rectification.objects.bulk_create(copies)
    latest: dict[int, Rectification] = {}
    for copy in copies:  # in date order: the last one per result is its latest
        latest[copy.result.pk] = copy
    targets = []
    for copy in latest.values():
        target = copy.result
        target.rectified_action, target.rectified_on = copy.action, copy.done_on
        targets.append(target)
    WorkerResult.objects.bulk_update(targets, ["rectified_action", "rectified_on"])
    audit_record(action="create", object_type="selfcheck.rectification",
                 object_id=f"{len(copies)} 条",
                 summary=f"沿用以前花名册的整改记录（花名册 #{upload.pk}）",
                 data={"upload_id": upload.pk, "from": sorted({c.carried_from_id for c in copies}),
                       "results": sorted(latest)})
    return len(copies)


def rectifications_for(*, user: UserLike, upload: RosterUpload,
                       result_id: int | None = None) -> QuerySet[Rectification]:
    """The upload's rectification records the user may see, per row newest first."""
    rows = Rectification.objects.restrict(user, "selfcheck.view").filter(upload=upload)
    if result_id is not None:
        rows = rows.filter(result_id=result_id)
    return logged_reads(rows.select_related("by", "result").order_by("result_id", "-done_on",
                                                                     "-id"),
                        fields=("worker_name",), summary="查看整改记录", user=user,
                        object_type="selfcheck.workerresult", id_field="result_id")


def rectifications_of(*, user: UserLike, upload: RosterUpload) -> dict[int, list[Rectification]]:
    history: dict[int, list[Rectification]] = {}
    for r in rectifications_for(user=user, upload=upload):
        history.setdefault(r.result_id, []).append(r)
    return history


# --- Progress and send-back -------------------------------------------------------------------

PROBLEM = Q(results__result__in=o.PROBLEMS)


def with_progress(uploads: QuerySet[RosterUpload]) -> QuerySet[RosterUpload]:
    """Problems found / rectified per upload, counted in SQL (outstanding = found - rectified)."""
    return uploads.annotate(
        found=Count("results", filter=PROBLEM),
        rectified=Count("results", filter=PROBLEM & Q(results__rectified_on__isnull=False)),
    ).annotate(outstanding=F("found") - F("rectified"))


def _may_return(*, user: UserLike, upload: RosterUpload) -> bool:
    return allows(user, "selfcheck.return", upload)


def can_review(*, user: UserLike, upload: RosterUpload) -> bool:
    """A held upload's results are for its regulator to review (and release), not the
    employer's to read."""
    return upload.status == RosterUpload.Status.HELD and _may_return(user=user, upload=upload)


def can_return(*, user: UserLike, upload: RosterUpload) -> bool:
    return upload.status == RosterUpload.Status.VERIFIED and _may_return(user=user, upload=upload)


@transaction.atomic
def upload_return(*, by: UserLike, upload: RosterUpload, reason: str) -> RosterUpload:
    """The regulator sends a filing back with a reason the employer sees."""
    if not _may_return(user=by, upload=upload):
        raise Forbidden("return_forbidden", "无权退回该单位的自查", status=403)
    if upload.status != RosterUpload.Status.VERIFIED:
        raise AppError("not_verified", "花名册尚未核验完成，不能退回")
    reason = (reason or "").strip()
    if not reason:
        raise AppError("reason_required", "退回必须填写理由", fields={"reason": ["请填写理由"]})
    upload = RosterUpload.objects.select_for_update().get(pk=upload.pk)
    if upload.is_returned:
        raise AppError("already_returned", "该自查已退回，等待企业重新报送")
    upload.returned_at, upload.return_reason = timezone.now(), reason[:2000]
    upload.save(update_fields=["returned_at", "return_reason", "updated_at"])
    UploadEvent.objects.create(upload=upload, kind=UploadEvent.Kind.RETURNED, reason=reason,
                               by=by if getattr(by, "pk", None) else None)
    return upload


@transaction.atomic
def upload_refile(*, by: UserLike, upload: RosterUpload, note: str = "") -> RosterUpload:
    """The employer re-files a returned self-check (after rectifying or correcting it)."""
    check_employer(by=by, upload=upload)
    upload = RosterUpload.objects.select_for_update().get(pk=upload.pk)
    if not upload.is_returned:
        raise AppError("not_returned", "该自查未被退回，无需重新报送")
    upload.returned_at, upload.return_reason = None, ""
    upload.save(update_fields=["returned_at", "return_reason", "updated_at"])
    UploadEvent.objects.create(upload=upload, kind=UploadEvent.Kind.REFILED,
                               reason=(note or "").strip()[:2000],
                               by=by if getattr(by, "pk", None) else None)
    return upload
