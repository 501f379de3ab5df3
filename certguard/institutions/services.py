"""Workflows of the institutions' self-inspection: file records, run the own check, answer
findings, plan and prove rectification, file the per-period checklist; the regulator's side:
send a filing back, turn a finding into a clue, open a period."""

from __future__ import annotations

import csv
import hashlib
import json
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from certguard.core.errors import AppError, NotFound
from certguard.core.policy import require
from certguard.core.scoping import UserLike, account_of, actor_of
from certguard.institutions import check as checking
from certguard.institutions.models import (
    Answer,
    ExamSitting,
    Filing,
    Finding,
    Period,
    Plan,
    PlanProgress,
    RecordUpload,
    TrainingRecord,
)
from certguard.institutions.reader import SHOWN, read_records, row_key
from certguard.institutions.reference import CHECKLISTS, ORG_KIND_OF
from certguard.orgs.selectors import own_organisation

# Which records each kind of organisation files.
UPLOADS_OF = {"institution": "training", "exam_centre": "exams"}
FILER_KIND = {v: k for k, v in ORG_KIND_OF.items()}
MAX_TEXT = 2000
MAX_EVIDENCE = 20 * 1024 * 1024


def _store(kind: str, data: bytes, suffix: str) -> tuple[str, str]:
    digest = hashlib.sha256(data).hexdigest()
    folder = Path(settings.VAR_DIR) / "uploads" / "institutions" / kind
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{digest}{suffix}"
    if not path.exists():
        path.write_bytes(data)
    return digest, str(path.relative_to(Path(settings.VAR_DIR)))


def _own_org(by: UserLike, action: str):
    require(by, action)
    org = own_organisation(user=by)
    if org is None:
        raise AppError("no_organisation", "当前账户不属于任何单位")
    return org


def _text(value: str, *, what: str, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise AppError("text_required", f"请填写{what}", fields={"text": [f"请填写{what}"]})
    if len(text) > MAX_TEXT:
        raise AppError("text_too_long", f"{what}不能超过 {MAX_TEXT} 字")
    return text


# --- 1. records in ----------------------------------------------------------------------------

def upload_create(*, by: UserLike, file_name: str, data: bytes) -> RecordUpload:
    """File a training (institution) or exams (exam centre) file: every row checked, rows of
    another code or with impossible values rejected one by one, the rest replacing the same
    records filed earlier; then the own check runs. The file is kept with its fingerprint."""
    org = _own_org(by, "institutions.file")
    kind = UPLOADS_OF.get(org.kind)
    if kind is None:
        raise AppError("not_institution", "只有培训机构和考试机构可以上传培训、考试记录")
    read = read_records(kind=kind, data=data, own_code=org.credit_code or "")
    suffix = ".xlsx" if data[:2] == b"PK" else ".csv"
    with transaction.atomic():
        digest, stored = _store(kind, data, suffix)
        upload = RecordUpload.objects.create(
            organisation=org, kind=kind, file_name=Path(file_name).name[:255] or kind,
            stored_path=stored, size=len(data), sha256=digest, rows_read=read.rows_read,
            accepted=len(read.rows), rejected_count=len({r.line for r in read.rejected}),
            rejected=[r.as_dict() for r in read.rejected[:SHOWN]], uploaded_by=account_of(by))
        _replace_records(upload=upload, rows=read.rows)
    if read.rows:
        check_run(by=by)
    return upload


def _replace_records(*, upload: RecordUpload, rows: list[dict]) -> None:
    org, kind = upload.organisation, upload.kind
    model = TrainingRecord if kind == "training" else ExamSitting
    keys = {row_key(kind, r) for r in rows}
    earlier = model.objects.filter(organisation=org, current=True)
    stale = [pk for pk, *key in earlier.values_list(
        "pk", *(("class_id", "trainee_id_no", "item_code") if kind == "training"
                else ("candidate_id_no", "item_code", "exam_date")))
        if tuple(key) in keys]
    if stale:
        model.objects.filter(pk__in=stale).update(current=False)
    if kind == "training":
        TrainingRecord.objects.bulk_create([TrainingRecord(
            organisation=org, upload=upload, line=r["line"],
            institution_code=r["institution_code"], class_id=r["class_id"][:60],
            class_kind=r["class_kind"], trainee_id_no=r["trainee_id_no"][:18],
            trainee_name=r["trainee_name"][:50], item_code=r["item_code"][:20],
            start_date=r["start_date"], end_date=r["end_date"],
            hours=Decimal(str(round(r["hours"], 1))), cert_no=(r.get("cert_no") or "")[:40])
            for r in rows], batch_size=1000)
    else:
        ExamSitting.objects.bulk_create([ExamSitting(
            organisation=org, upload=upload, line=r["line"],
            exam_center_code=r["exam_center_code"], candidate_id_no=r["candidate_id_no"][:18],
            candidate_name=r["candidate_name"][:50], item_code=r["item_code"][:20],
            exam_date=r["exam_date"], start_time=_aware(r["start_time"]),
            end_time=_aware(r["end_time"]), theory_score=_score(r["theory_score"]),
            practical_score=_score(r["practical_score"]), passed=r["passed"])
            for r in rows], batch_size=1000)


def _aware(value):
    if value is None:
        return None
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _score(value) -> Decimal | None:
    return None if value is None else Decimal(str(round(value, 1)))


# --- 2. own check and answers ------------------------------------------------------------------

def check_run(*, by: UserLike, as_of: date | None = None) -> checking.CheckResult:
    """Run the rules that concern the actor's institution on its own records."""
    org = _own_org(by, "institutions.file")
    found = checking.run_rules(organisation=org, as_of=as_of or timezone.localdate())
    return checking.findings_save(organisation=org, found=found)


def _finding(by: UserLike, pk: int, action: str) -> Finding:
    finding = Finding.objects.restrict(by, action).select_for_update().filter(pk=pk).first()
    if finding is None:
        raise NotFound("finding_not_found", "问题不存在或无权处理")
    return finding


def _deadline(value: date | None) -> date:
    if value is None:
        raise AppError("deadline_required", "整改计划须填写整改期限",
                       fields={"deadline": ["请填写整改期限"]})
    if value < timezone.localdate():
        raise AppError("deadline_past", f"整改期限 {value.isoformat()} 已经过去，请填写今天或"
                                        "以后的日期", fields={"deadline": ["整改期限不能早于今天"]})
    return value


@transaction.atomic
def finding_answer(*, by: UserLike, finding_id: int, kind: str, text: str,
                   deadline: date | None = None) -> Answer:
    """The institution answers a finding: an explanation, a correction of its records (the
    corrected file is uploaded, the next check confirms it), or a 整改 plan with a deadline.
    Answers add up; none replaces or deletes the finding."""
    require(by, "institutions.file")
    finding = _finding(by, finding_id, "institutions.file")
    if kind not in ("explanation", "correction", "plan"):
        raise AppError("answer_kind", "答复方式应为 情况说明、更正记录 或 整改计划")
    text = _text(text, what="答复内容" if kind != "plan" else "整改措施")
    plan = None
    if kind == "plan":
        plan = Plan.objects.create(organisation=finding.organisation, finding=finding,
                                   measures=text, deadline=_deadline(deadline),
                                   created_by=account_of(by))
        finding.status = "planned"
    elif finding.status in ("open", "gone"):
        finding.status = "answered"
    finding.save(update_fields=["status", "updated_at"])
    return Answer.objects.create(finding=finding, kind=kind, text=text, plan=plan,
                                 by=account_of(by))


# --- 4. rectification plans -------------------------------------------------------------------

@transaction.atomic
def plan_create(*, by: UserLike, measures: str, deadline: date | None,
                finding_id: int | None = None) -> Plan:
    """A plan of the institution's own (from its checklist, or for a finding)."""
    if finding_id:
        return finding_answer(by=by, finding_id=finding_id, kind="plan", text=measures,
                              deadline=deadline).plan  # type: ignore[return-value]
    org = _own_org(by, "institutions.file")
    return Plan.objects.create(organisation=org, measures=_text(measures, what="整改措施"),
                               deadline=_deadline(deadline), created_by=account_of(by))


@transaction.atomic
def plan_progress(*, by: UserLike, plan_id: int, note: str, completes: bool = False,
                  evidence_name: str = "", evidence: bytes | None = None) -> PlanProgress:
    """A step of a plan with its evidence (kept with its fingerprint); completing a plan
    needs evidence."""
    require(by, "institutions.file")
    plan = Plan.objects.restrict(by, "institutions.file").select_for_update() \
        .filter(pk=plan_id).first()
    if plan is None:
        raise NotFound("plan_not_found", "整改计划不存在或无权处理")
    if plan.status == "done":
        raise AppError("plan_done", "该整改计划已完成，不能再添加进展")
    note = _text(note, what="整改进展")
    if evidence is not None and len(evidence) > MAX_EVIDENCE:
        raise AppError("evidence_too_large", "佐证材料超过 20 MB")
    if completes and not evidence:
        raise AppError("evidence_required", "完成整改须上传佐证材料（照片、制度文件、培训记录等）",
                       fields={"evidence": ["请上传佐证材料"]})
    digest = path = ""
    if evidence:
        digest, path = _store("evidence", evidence, Path(evidence_name).suffix[:10])
    step = PlanProgress.objects.create(plan=plan, note=note, completes=completes,
                                       evidence_name=Path(evidence_name).name[:255],
                                       evidence_sha256=digest, evidence_path=path,
                                       by=account_of(by))
    if completes:
        plan.status, plan.done_on = "done", timezone.localdate()
        plan.save(update_fields=["status", "done_on", "updated_at"])
        if plan.finding_id:
            finding = Finding.objects.select_for_update().get(pk=plan.finding_id)
            finding.status = "resolved"
            finding.save(update_fields=["status", "updated_at"])
    return step


# --- 3. checklists per period -----------------------------------------------------------------

def period_create(*, by: UserLike, name: str, start: date, end: date,
                  closes_on: date) -> Period:
    require(by, "institutions.periods")
    if end < start:
        raise AppError("period_dates", "自查期间的结束日期早于开始日期")
    if closes_on < start:
        raise AppError("period_closes", "报送截止日期早于期间开始日期")
    return Period.objects.create(name=_text(name, what="期间名称")[:100], start=start, end=end,
                                 closes_on=closes_on, created_by=account_of(by))


def _filer(by: UserLike):
    """The organisation filing and its checklist kind, with the action that lets it."""
    org = own_organisation(user=by)
    if org is not None and org.kind in ("institution", "exam_centre"):
        require(by, "institutions.file")
        return org, FILER_KIND[org.kind]
    if org is not None and org.kind == "department" and org.issuer_code:
        require(by, "institutions.authority_file")
        return org, "authority"
    require(by, "institutions.file")
    raise AppError("not_filer", "只有培训机构、考试机构和考核发证机关填报此自查表")


def _count(value: object, what: str) -> int:
    text = str(value if value is not None else "").strip() or "0"
    if not text.isdigit() or int(text) > 100000:
        raise AppError("count_invalid", f"{what}应为0或正整数")
    return int(text)


def filing_file(*, by: UserLike, period_id: int, answers: dict, principal: str = "",
                contact: str = "", phone: str = "", problems_found: object = 0,
                procedures_streamlined: object = 0) -> Filing:
    """File (or re-file after a return) the checklist of one period. After the period's
    closing date the filing is accepted and recorded late."""
    from certguard.institutions.checklists import platform_figures

    org, kind = _filer(by)
    period = Period.objects.restrict(by, "institutions.view").filter(pk=period_id).first()
    if period is None:
        raise NotFound("period_not_found", "自查期间不存在")
    items = CHECKLISTS[kind]
    clean = {}
    for item in items:
        answer = answers.get(item.key) or {}
        situation = _text(str(answer.get("situation", "")), what=f"“{item.text[:20]}…”的自查情况")
        clean[item.key] = {"situation": situation,
                           "problems": _text(str(answer.get("problems", "")), what="存在问题",
                                             required=False),
                           "measures": _text(str(answer.get("measures", "")), what="整改措施",
                                             required=False)}
    unknown = set(answers) - {i.key for i in items}
    if unknown:
        raise AppError("item_unknown", f"自查表没有这些项目：{'、'.join(sorted(unknown))[:100]}")
    now = timezone.now()
    late = timezone.localdate() > period.closes_on
    with transaction.atomic():
        filing = Filing.objects.select_for_update().filter(organisation=org,
                                                           period=period).first()
        if filing is not None and filing.status != "returned":
            raise AppError("already_filed", f"本期（{period.name}）自查表已于 "
                                            f"{timezone.localtime(filing.filed_at):%Y-%m-%d} "
                                            "报送；被退回后才能重新报送")
        filing = filing or Filing(organisation=org, period=period, kind=kind)
        filing.department = org.department or "yj"
        filing.answers, filing.figures = clean, platform_figures(organisation=org, kind=kind,
                                                                 period=period)
        filing.problems_found = _count(problems_found, "发现问题（条）")
        filing.procedures_streamlined = _count(procedures_streamlined, "优化办事程序（条）")
        filing.principal, filing.contact = principal.strip()[:50], contact.strip()[:50]
        filing.phone, filing.status, filing.filed_at = phone.strip()[:30], "filed", now
        filing.late, filing.filed_by = late, account_of(by)
        filing.save()
    return filing


def late_message(filing: Filing) -> str:
    return (f"本期（{filing.period.name}）报送截止日期为 {filing.period.closes_on.isoformat()}，"
            "本次报送已记录为逾期报送") if filing.late else ""


@transaction.atomic
def filing_return(*, by: UserLike, filing_id: int, reason: str) -> Filing:
    require(by, "institutions.return")
    filing = Filing.objects.restrict(by, "institutions.return").select_for_update() \
        .filter(pk=filing_id).first()
    if filing is None:
        raise NotFound("filing_not_found", "自查表不存在或无权处理")
    if filing.status == "returned":
        raise AppError("already_returned", "该自查表已退回，等待重新报送")
    filing.status, filing.returned_at = "returned", timezone.now()
    filing.return_reason = _text(reason, what="退回理由")
    filing.save(update_fields=["status", "returned_at", "return_reason", "updated_at"])
    return filing


# --- the regulator turns a finding into a clue -------------------------------------------------

def finding_refer(*, by: UserLike, finding_id: int) -> int:
    """The finding becomes a clue in the inbox (source 机构自查), within the regulator's own
    scope (scoped intake); returns the clue's id."""
    from certguard.clues.selectors import clues_for
    from certguard.clues.services import clue_bulk_create

    actor = require(by, "institutions.refer")
    with transaction.atomic():
        finding = _finding(by, finding_id, "institutions.refer")
        if finding.clue_id:
            raise AppError("clue_exists", f"该问题已转为线索 #{finding.clue_id}")
        path = _clue_file(finding)
        try:
            intake = clue_bulk_create(by=by, path=path, source_kind="institution",
                                      source_id=finding.pk,
                                      organisation_id=actor.organisation_id)
        finally:
            path.unlink(missing_ok=True)
        if intake.rejected:
            raise AppError("clue_outside", intake.rejected[0]["reason"])
        finding.clue_id = clues_for(user=by).filter(
            source_kind="institution", source_id=finding.pk).order_by("-id") \
            .values_list("id", flat=True).first()
        finding.referred_at, finding.referred_by = timezone.now(), account_of(by)
        finding.save(update_fields=["clue_id", "referred_at", "referred_by", "updated_at"])
    return finding.clue_id or 0


def _clue_file(finding: Finding) -> Path:
    org = finding.organisation
    code = org.credit_code or ""
    subject = {"R12": "institution", "R14": "worker", "R15": "exam_center",
               "R16": "exam_center", "RV": "institution"}.get(finding.rule, "certificate")
    row = {"rule": finding.rule, "severity": finding.severity, "subject": subject,
           "cert_no": finding.cert_no, "id_no": finding.id_no, "name": finding.name,
           "employer_code": "",
           "institution_code": code if org.kind == "institution" else "",
           "exam_center_code": code if org.kind == "exam_centre" else "",
           "detail": f"{org.name}：{finding.detail}",
           "evidence": json.dumps({**finding.evidence, "item_code": finding.item_code,
                                   "finding_id": finding.pk}, ensure_ascii=False)}
    handle = tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, encoding="utf-8",
                                         newline="")
    with handle:
        writer = csv.DictWriter(handle, fieldnames=list(row))
        writer.writeheader()
        writer.writerow(row)
    return Path(handle.name)


def filer_kind(*, user: UserLike) -> str:
    """'training', 'exam', 'authority' or '' — what the user's organisation files."""
    actor = actor_of(user)
    if actor.organisation_kind in ("institution", "exam_centre"):
        return FILER_KIND[actor.organisation_kind]
    org = own_organisation(user=user) if actor.role == "issuing_officer" else None
    return "authority" if org is not None and org.issuer_code else ""

