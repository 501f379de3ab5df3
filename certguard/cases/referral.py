"""行刑衔接: the criminal referral of a case through every hop of 国务院令第310号 and
应急〔2019〕54号, each hop a clock with its owner.

Times are always the platform's clock at the moment a step is recorded (no step takes a time
from the user, so none can be back-dated); each step needs the one before it (none can be
skipped); an answer after the due time is recorded as late, never refused."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from certguard.cases.common import hours, locked, now, text
from certguard.cases.models import Case, Clock, Referral, ReferralEvent
from certguard.cases.reference import CLOCKS, COURT_OUTCOMES, CRIMINAL_OFFENCES
from certguard.core.errors import AppError
from certguard.core.scoping import UserLike, account_of

MISSING = "移送记录不存在或无权查看"
# 国务院令第310号第六条: what goes with the 移送书.
ATTACHMENTS = ["涉嫌犯罪案件移送书", "涉嫌犯罪案件情况的调查报告", "涉案物品清单",
               "有关检验报告或者鉴定结论", "其他有关涉嫌犯罪的材料"]
POLICE_VIEW = "cases.referrals"


def _referral(by: UserLike, pk: int, action: str) -> Referral:
    view = POLICE_VIEW if action in ("cases.police", "cases.procuratorate") else "cases.view"
    return locked(Referral, by=by, pk=pk, action=action, view=view, missing=MISSING)


def _status(referral: Referral, *allowed: str, message: str) -> None:
    if referral.status not in allowed:
        raise AppError("referral_step_invalid",
                       f"{message}（当前状态：{referral.get_status_display()}）")


def _start(referral: Referral, kind: str) -> Clock:
    rule = CLOCKS[kind]
    owner_org = {"agency": referral.case.organisation_id, "police": referral.police_org_id,
                 "procuratorate": referral.procuratorate_org_id}[rule.owner]
    if owner_org is None:
        raise AppError("no_owner", f"没有承担“{rule.label}”的单位，不能开始该期限")
    started = now()
    return Clock.objects.create(case_id=referral.case_id, referral=referral, kind=kind,
                                owner=rule.owner, owner_org_id=owner_org, started_at=started,
                                due_at=started + hours(rule.hours))


def _meet(referral: Referral, kind: str) -> bool:
    """Close the hop's clock now; True when late. A clock is met once, never reopened."""
    clock = Clock.objects.select_for_update().filter(referral=referral, kind=kind).first()
    if clock is None or clock.met_at is not None:
        raise AppError("clock_missing", "该环节的期限尚未开始或已结束，不能跳过前一环节")
    clock.met_at = now()
    clock.late = clock.met_at > clock.due_at
    clock.save(update_fields=["met_at", "late"])
    return clock.late


def _event(referral: Referral, kind: str, by: UserLike, note: str = "",
           late: bool = False) -> None:
    ReferralEvent.objects.create(referral=referral, kind=kind, actor=account_of(by), note=note,
                                 late=late)


def _same_level(department: str, case: Case) -> int | None:
    from certguard.orgs.selectors import department_over

    org = department_over(department=department, region_code=case.organisation.region_id)
    if org is None or org.region_id != case.organisation.region_id:
        return None
    return org.pk


@transaction.atomic
def referral_propose(*, by: UserLike, case_id: int, reason: str,
                     offences: Sequence[str]) -> Referral:
    """The case team proposes referral; the head's 3-day clock starts."""
    case = locked(Case, by=by, pk=case_id, action="cases.work", view="cases.view",
                  missing="案件不存在或无权查看")
    if not case.is_open:
        raise AppError("case_closed", "案件已结案，不能提请移送")
    if Referral.objects.filter(case=case).exists():
        raise AppError("referral_exists", "本案已提请移送，不能重复提请")
    police = _same_level("ga", case)
    if police is None:
        raise AppError("no_police", "未找到同级公安机关，不能提请移送（须向同级公安机关移送）")
    offences = [str(o) for o in offences or ()]
    if not offences or any(o not in CRIMINAL_OFFENCES for o in offences):
        raise AppError("offences_invalid", "请选择涉嫌的罪名（刑法条款）",
                       fields={"offences": ["罪名无效"]})
    referral = Referral.objects.create(
        case=case, status="proposed", offences=offences,
        reason=text(reason, field="reason", what="涉嫌犯罪的事实与理由", limit=10000),
        police_org_id=police, procuratorate_org_id=_same_level("jcy", case))
    _start(referral, "head_decision")
    _event(referral, "propose", by, referral.reason[:500])
    return referral


@transaction.atomic
def referral_head_decide(*, by: UserLike, pk: int, refer: bool, reasons: str = "") -> Referral:
    """The agency head decides within 3 days; a refusal states its reasons."""
    referral = _referral(by, pk, "cases.head")
    _status(referral, "proposed", message="负责人已作出决定，不能重复审批")
    reasons = text(reasons, field="reasons", what="不予移送的理由" if not refer else "审批意见",
                   required=not refer)
    late = _meet(referral, "head_decision")
    referral.head_reasons = reasons
    referral.status = "approved" if refer else "head_refused"
    referral.save(update_fields=["head_reasons", "status", "updated_at"])
    _event(referral, "head_refer" if refer else "head_refuse", by, reasons, late)
    if refer:
        _start(referral, "transfer")
    return referral


@transaction.atomic
def referral_transfer(*, by: UserLike, pk: int, attachments: Sequence[str] = ()) -> Referral:
    """Transfer to the same-level police within 24 hours, with 移送书 and the attachment
    list; the procuratorate is copied."""
    referral = _referral(by, pk, "cases.work")
    if referral.status == "proposed":
        raise AppError("referral_not_approved", "负责人尚未批准移送，不能移送公安机关"
                       "（国务院令第310号第五条：须经本机关正职负责人批准）")
    _status(referral, "approved", message="只有经负责人批准的移送才能移送公安机关")
    extra = [text(a, field="attachments", what="附件名称", limit=100) for a in attachments]
    late = _meet(referral, "transfer")
    moment = now()
    count = Referral.objects.filter(case__organisation_id=referral.case.organisation_id,
                                    transferred_at__year=moment.year).count() + 1
    referral.transfer_no = (f"{referral.case.region_id}{referral.case.department}"
                            f"移〔{moment.year}〕{count}号")
    referral.attachments = ATTACHMENTS + [a for a in extra if a not in ATTACHMENTS]
    referral.transferred_at, referral.status = moment, "transferred"
    referral.save(update_fields=["transfer_no", "attachments", "transferred_at", "status",
                                 "updated_at"])
    case = referral.case
    case.status = "referred"
    case.save(update_fields=["status", "updated_at"])
    _event(referral, "transfer", by, referral.transfer_no, late)
    _start(referral, "police_receipt")
    return referral


@transaction.atomic
def referral_receipt(*, by: UserLike, pk: int) -> Referral:
    """The police acknowledge (回执); their 3-day decision clock starts."""
    referral = _referral(by, pk, "cases.police")
    _status(referral, "transferred", message="已出具回执或尚未移送")
    late = _meet(referral, "police_receipt")
    referral.received_at, referral.status = now(), "received"
    referral.save(update_fields=["received_at", "status", "updated_at"])
    _event(referral, "receipt", by, late=late)
    _start(referral, "police_decision")
    return referral


def _police_answer(referral: Referral, by: UserLike, *, accept: bool, case_no: str,
                   reasons: str, clock: str, kinds: tuple[str, str]) -> Referral:
    late = _meet(referral, clock)
    if accept:
        referral.police_case_no = text(case_no, field="case_no", what="公安立案编号", limit=60)
        referral.status, referral.accepted_at = "police_accepted", now()
    else:
        referral.police_reasons = text(reasons, field="reasons", what="不予立案的书面理由")
        referral.status = "police_refused" if clock == "police_decision" else "reconsider_refused"
    referral.save()
    note = referral.police_case_no if accept else referral.police_reasons
    _event(referral, kinds[0] if accept else kinds[1], by, note, late)
    if not accept:
        _start(referral, "reconsider_request" if clock == "police_decision"
               else "supervision_request")
    return referral


@transaction.atomic
def referral_police_decide(*, by: UserLike, pk: int, accept: bool, case_no: str = "",
                           reasons: str = "") -> Referral:
    """立案 or 不予立案 (in writing, with reasons) within 3 days of the receipt. A late answer
    is recorded as late."""
    referral = _referral(by, pk, "cases.police")
    if referral.status == "transferred":
        raise AppError("receipt_first", "请先出具接收回执，再决定是否立案")
    _status(referral, "received", message="已作出立案决定，不能重复决定")
    return _police_answer(referral, by, accept=accept, case_no=case_no, reasons=reasons,
                          clock="police_decision", kinds=("accept", "refuse"))


@transaction.atomic
def referral_reconsider(*, by: UserLike, pk: int, reasons: str) -> Referral:
    """The agency asks the police to reconsider within 3 days of the refusal."""
    referral = _referral(by, pk, "cases.work")
    _status(referral, "police_refused", message="只有公安机关不予立案后才能提请复议")
    reasons = text(reasons, field="reasons", what="提请复议的理由")
    late = _meet(referral, "reconsider_request")
    referral.status = "reconsideration"
    referral.save(update_fields=["status", "updated_at"])
    _event(referral, "reconsider", by, reasons, late)
    _start(referral, "reconsider_answer")
    return referral


@transaction.atomic
def referral_reconsider_answer(*, by: UserLike, pk: int, accept: bool, case_no: str = "",
                               reasons: str = "") -> Referral:
    referral = _referral(by, pk, "cases.police")
    _status(referral, "reconsideration", message="没有待答复的复议")
    return _police_answer(referral, by, accept=accept, case_no=case_no, reasons=reasons,
                          clock="reconsider_answer",
                          kinds=("reconsider_accept", "reconsider_refuse"))


@transaction.atomic
def referral_supervise(*, by: UserLike, pk: int, reasons: str) -> Referral:
    """The agency asks the procuratorate for 立案监督 within 3 days of the reconsideration."""
    referral = _referral(by, pk, "cases.work")
    _status(referral, "reconsider_refused", message="只有复议维持不予立案后才能建议立案监督")
    if referral.procuratorate_org_id is None:
        raise AppError("no_procuratorate", "未找到同级人民检察院，不能建议立案监督")
    reasons = text(reasons, field="reasons", what="建议立案监督的理由")
    late = _meet(referral, "supervision_request")
    referral.status, referral.supervision_at = "supervision", now()
    referral.save(update_fields=["status", "supervision_at", "updated_at"])
    _event(referral, "supervise", by, reasons, late)
    return referral


@transaction.atomic
def referral_supervision_result(*, by: UserLike, pk: int, police_opened: bool, note: str,
                                case_no: str = "") -> Referral:
    referral = _referral(by, pk, "cases.procuratorate")
    _status(referral, "supervision", message="没有进行中的立案监督")
    note = text(note, field="note", what="立案监督结果")
    if police_opened:
        referral.police_case_no = text(case_no, field="case_no", what="公安立案编号", limit=60)
        referral.status, referral.accepted_at = "police_accepted", now()
    else:
        referral.status = "closed"
    referral.save()
    _event(referral, "supervision_result", by, note)
    return referral


@transaction.atomic
def referral_early(*, by: UserLike, pk: int, note: str) -> Referral:
    """The procuratorate, copied on the transfer, records 提前介入."""
    referral = _referral(by, pk, "cases.procuratorate")
    if referral.transferred_at is None:
        raise AppError("not_transferred", "案件尚未移送，不能记录提前介入")
    referral.early_involvement = text(note, field="note", what="提前介入情况")
    referral.early_at = referral.early_at or now()
    referral.save(update_fields=["early_involvement", "early_at", "updated_at"])
    _event(referral, "early", by, referral.early_involvement)
    return referral


@transaction.atomic
def referral_court(*, by: UserLike, pk: int, outcome: str, note: str = "") -> Referral:
    """The court outcome, recorded by the procuratorate."""
    referral = _referral(by, pk, "cases.procuratorate")
    _status(referral, "police_accepted", message="公安机关立案后才能记录判决结果")
    if outcome not in COURT_OUTCOMES:
        raise AppError("outcome_invalid", "判决结果无效", fields={"outcome": ["结果无效"]})
    referral.court_outcome, referral.court_note = outcome, text(
        note, field="note", what="判决说明", required=False)
    referral.status, referral.judged_at = "judged", now()
    referral.save()
    _event(referral, "court", by, f"{COURT_OUTCOMES[outcome]} {referral.court_note}")
    return referral


@transaction.atomic
def referral_close(*, by: UserLike, pk: int, reason: str) -> Referral:
    """The agency ends the referral (the head refused, or it accepts the police's refusal
    without asking further); the agency's own pending clock is met by this decision."""
    referral = _referral(by, pk, "cases.work")
    _status(referral, "head_refused", "police_refused", "reconsider_refused",
            message="移送程序进行中，不能终结")
    reason = text(reason, field="reason", what="终结的理由")
    late = False
    for kind in ("reconsider_request", "supervision_request"):
        if Clock.objects.filter(referral=referral, kind=kind, met_at__isnull=True).exists():
            late = _meet(referral, kind)
    referral.status = "closed"
    referral.save(update_fields=["status", "updated_at"])
    _event(referral, "close", by, reason, late)
    return referral
