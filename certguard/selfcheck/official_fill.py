"""Fill the official self-inspection tables from one verified upload (issue 5, item 5):
employer from the Organisation, workers from the results with their rectification, the seven
checklist answers the employer gave (prefilled from the figures), principals and managers
from the ledger where the posts say so, else as entered. Layouts: certguard.selfcheck.official."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from certguard.core.audit import audit_record
from certguard.core.errors import AppError, Forbidden
from certguard.core.policy import allows
from certguard.core.scoping import COMMAND_LINE
from certguard.ids import mask_id_no
from certguard.orgs.reference import SECTORS
from certguard.selfcheck import outcomes as o
from certguard.selfcheck.models import OfficialAnswers, Rectification, RosterUpload, WorkerResult
from certguard.selfcheck.official import (
    TABLES,
    ChecklistAnswer,
    Employer,
    SelfCheckData,
    WorkerLine,
    write_pdf,
    write_xlsx,
)
from certguard.selfcheck.official.data import CHECKLIST
from certguard.workforce.selectors import ledger_for

FORMATS = ("xlsx", "pdf")
PRINCIPAL_POST, MANAGER_POST = "主要负责人", "安全生产管理人员"
COUNT_FIELDS = ("principals_total", "principals_certified", "managers_total",
                "managers_certified")
ACTION_LABELS = dict(Rectification.Action.choices)


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def _line(r: WorkerResult) -> WorkerLine:
    values, registry = r.values or {}, r.registry or {}
    return WorkerLine(
        name=r.worker_name, id_no_masked=mask_id_no(r.worker_id_no), post=values.get("post") or "",
        item=values.get("required_item_code") or registry.get("item_code") or "",
        cert_no=r.cert_no, issuer=values.get("issuer") or registry.get("issuer_code") or "",
        valid_until=_date(values.get("valid_until") or registry.get("valid_until")),
        result=r.get_result_display(),
        found_in_registry=bool(registry) and r.result != o.NOT_FOUND,
        rectification=ACTION_LABELS.get(r.rectified_action, ""), rectified_on=r.rectified_on)


def worker_results(upload: RosterUpload) -> list[WorkerResult]:
    return list(upload.results.exclude(result=o.REJECTED).order_by("id"))


def ledger_counts(*, upload: RosterUpload, results: list[WorkerResult]) -> dict[str, int] | None:
    """Principals and safety managers on the employer's ledger (by post), and how many of them
    this upload found valid; None when the ledger names none of those posts."""
    entries = ledger_for(user=COMMAND_LINE, employer_id=upload.employer_id).values_list(
        "post", "worker_id_no")
    valid = {r.worker_id_no for r in results if r.result == o.VALID}
    counts = dict.fromkeys(COUNT_FIELDS, 0)
    for post, id_no in entries:
        key = "principals" if PRINCIPAL_POST in post else "managers" if MANAGER_POST in post \
            else ""
        if key:
            counts[f"{key}_total"] += 1
            counts[f"{key}_certified"] += id_no in valid
    return counts if counts["principals_total"] or counts["managers_total"] else None


def _problem_text(results: list[WorkerResult]) -> str:
    tally = Counter(r.get_result_display() for r in results if r.result in o.PROBLEMS)
    return "；".join(f"{label} {n} 人" for label, n in tally.most_common()) or "未发现问题"


def prefill(*, upload: RosterUpload, results: list[WorkerResult],
            counts: dict[str, int] | None) -> list[ChecklistAnswer]:
    """Sensible starting text for the seven items, from the figures of the upload."""
    total = len(results)
    valid = sum(r.result == o.VALID for r in results)
    problems = [r for r in results if r.result in o.PROBLEMS]
    fixed = sum(r.rectified_on is not None for r in problems)
    found = sum(bool(r.registry) and r.result != o.NOT_FOUND for r in results)
    left = len(problems) - fixed
    measures = f"已整改 {fixed} 人，待整改 {left} 人" if problems else ""
    c = counts or dict.fromkeys(COUNT_FIELDS, 0)
    return [
        ChecklistAnswer(f"主要负责人 {c['principals_total']} 人、安全生产管理人员 "
                        f"{c['managers_total']} 人，考核合格 "
                        f"{c['principals_certified'] + c['managers_certified']} 人"),
        ChecklistAnswer(f"核验特种作业等三项岗位人员 {total} 人，证书有效 {valid} 人",
                        _problem_text(results), measures),
        ChecklistAnswer(f"已建立“三项岗位人员”持证台账，本次花名册《{upload.file_name}》"
                        f"{total} 人已逐人核验"),
        ChecklistAnswer(f"通过平台逐人查询，查询到 {found} 人，未查询到 {total - found} 人",
                        f"未查询到 {total - found} 人" if total - found else "", measures),
        ChecklistAnswer("已核对专业、学历及从业经历，未发现造假情况"),
        ChecklistAnswer("已建立从业人员安全培训档案，按规定组织年度培训和复训"),
        ChecklistAnswer(f"已完成自查自纠，发现问题 {len(problems)} 人，已整改 {fixed} 人",
                        f"待整改 {left} 人" if left else "", measures),
    ]


def answers_of(upload: RosterUpload) -> OfficialAnswers | None:
    return OfficialAnswers.objects.filter(upload=upload).first()


def checklist_of(*, upload: RosterUpload, results: list[WorkerResult],
                 answers: OfficialAnswers | None, counts: dict[str, int] | None
                 ) -> list[ChecklistAnswer]:
    saved = (answers.checklist if answers else None) or []
    if len(saved) == len(CHECKLIST):
        return [ChecklistAnswer(a.get("situation", ""), a.get("problems", ""),
                                a.get("measures", "")) for a in saved]
    return prefill(upload=upload, results=results, counts=counts)


def _counts(answers: OfficialAnswers | None, ledger: dict[str, int] | None) -> dict[str, int]:
    if ledger is not None:
        return ledger
    return {f: (getattr(answers, f) or 0) if answers else 0 for f in COUNT_FIELDS}


def official_data(*, upload: RosterUpload) -> SelfCheckData:
    results = worker_results(upload)
    answers, ledger = answers_of(upload), ledger_counts(upload=upload, results=results)
    org = upload.employer
    employer = Employer(
        name=org.name, credit_code=org.credit_code or "", region=org.region.name,
        sector=SECTORS.get(org.sector, org.sector), address=org.address,
        principal=answers.principal if answers else "", contact=answers.contact if answers
        else "", phone=(answers.phone if answers else "") or org.contact_phone,
        project=answers.project if answers else "")
    as_of = upload.as_of or timezone.localdate()
    return SelfCheckData(
        employer=employer, period=(answers.period if answers else "") or f"{as_of:%Y年%m月}",
        filled_on=timezone.localdate(), workers=[_line(r) for r in results],
        checklist=checklist_of(upload=upload, results=results, answers=answers, counts=ledger),
        **_counts(answers, ledger))


def _check_verified(upload: RosterUpload) -> None:
    if upload.status != RosterUpload.Status.VERIFIED:
        raise AppError("not_verified", "花名册尚未核验完成")


def official_write(*, user: object, upload: RosterUpload, table: str, fmt: str,
                   path: Path) -> Path:
    """Write one official table of a verified upload (the export is logged)."""
    _check_verified(upload)
    if table not in TABLES or fmt not in FORMATS:
        raise AppError("table_unknown", "没有这种自查表")
    data = official_data(upload=upload)
    (write_xlsx if fmt == "xlsx" else write_pdf)(data, path, table=table)
    audit_record(action="export", object_type="selfcheck.rosterupload", object_id=upload.pk,
                 summary=f"导出自查表 {table}.{fmt}（{upload.employer.name}）",
                 data={"table": table, "format": fmt, "workers": data.workers_total},
                 user=user)
    return path


def _number(value: object) -> int | None:
    text = str(value or "").strip()
    if not text:
        return None
    if not text.isdigit():
        raise AppError("number_invalid", "人数应为非负整数")
    return int(text)


@transaction.atomic
def official_answers_save(*, by: object, upload: RosterUpload, checklist: list[dict[str, str]],
                          details: dict[str, object]) -> OfficialAnswers:
    """The employer's answers to the seven items and the header fields."""
    if not allows(by, "selfcheck.file", upload):
        raise Forbidden("not_owner", "只有本单位可以填报自查表", status=403)
    _check_verified(upload)
    if len(checklist) != len(CHECKLIST):
        raise AppError("checklist_incomplete", "自查表应有七项")
    clean = [{k: str(item.get(k) or "").strip()[:2000] for k in
              ("situation", "problems", "measures")} for item in checklist]
    answers, _ = OfficialAnswers.objects.get_or_create(upload=upload)
    answers.checklist = clean
    for field in ("principal", "contact", "phone", "project", "period"):
        setattr(answers, field, str(details.get(field) or "").strip()[:200])
    for field in COUNT_FIELDS:
        setattr(answers, field, _number(details.get(field)))
    answers.save()
    return answers
