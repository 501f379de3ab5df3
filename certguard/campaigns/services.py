"""Workflows of campaigns: define one (phases, required forms with their periods, targets,
responsibilities), and supervise lagging departments step by step (提醒 → 警示 → 约谈 →
挂牌督办 → 通报), each step a record with its clock and documents. Every change is audited."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from certguard.campaigns.models import (
    Campaign,
    Phase,
    RequiredForm,
    Responsibility,
    Supervision,
    SupervisionDocument,
)
from certguard.campaigns.reference import (
    CLOCKS,
    NOT_ENTERPRISES,
    SEED_CAMPAIGNS,
    STAGE_ORDER,
    STAGES,
    TARGET_MEASURES,
)
from certguard.core.errors import AppError, NotFound
from certguard.core.policy import require
from certguard.core.scoping import COMMAND_LINE, UserLike, account_of, actor_of
from certguard.orgs.reference import DEPARTMENTS
from certguard.orgs.selectors import organisations_for, region_known
from certguard.reporting import selectors as reporting_selectors
from certguard.reporting import services as reporting


def add_working_days(start: date, days: int) -> date:
    """``days`` working days after ``start`` (Monday to Friday; public holidays and their
    make-up working days are not modelled: a clerk adjusts the date when one falls inside)."""
    current, left = start, days
    while left > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            left -= 1
    return current


def _day(value: Any, what: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise AppError("date_invalid", f"{what}无效：{str(value)[:20]}（格式 YYYY-MM-DD）") \
            from None


# --- campaigns as data --------------------------------------------------------------------------

def _targets_clean(targets: Any) -> list[dict]:
    clean = []
    for target in targets or []:
        code = str(target.get("code", "")) if isinstance(target, dict) else ""
        if code not in TARGET_MEASURES:
            raise AppError("target_invalid", f"未知的目标指标：{code[:30]}（可用："
                                             f"{'、'.join(TARGET_MEASURES)}）")
        try:
            threshold = float(target.get("threshold", 1.0))
        except (TypeError, ValueError):
            raise AppError("target_invalid", f"目标“{code}”的达标值应为数字") from None
        clean.append({"code": code, "label": str(target.get("label") or
                                                 TARGET_MEASURES[code])[:100],
                      "threshold": threshold})
    return clean


@transaction.atomic
def campaign_create(*, by: UserLike, spec: dict) -> Campaign:
    """A campaign from its document: name, number, dates, phases, targets, responsibilities
    and the forms it requires (each form's periods are opened for its region)."""
    actor = require(by, "campaigns.manage")
    name = str(spec.get("name", "")).strip()
    if not name:
        raise AppError("name_required", "专项行动须填写名称")
    region = str(spec.get("region", "")).strip()
    if not region_known(code=region):
        raise AppError("region_invalid", "范围应为有效的行政区划代码")
    if actor.role != "system" and not actor.is_admin and \
            not region.startswith(actor.region_prefix):
        raise AppError("region_outside", "只能为本辖区建立专项行动")
    start, end = _day(spec.get("start"), "开始日期"), _day(spec.get("end"), "结束日期")
    if end < start:
        raise AppError("date_invalid", "结束日期早于开始日期")
    campaign = Campaign.objects.create(
        name=name[:200], doc_no=str(spec.get("doc_no", ""))[:60],
        issuer=str(spec.get("issuer", ""))[:200], region_id=region, start=start, end=end,
        final_due=_day(spec["final_due"], "总结期限") if spec.get("final_due") else None,
        targets=_targets_clean(spec.get("targets")), goal=str(spec.get("goal", "")),
        created_by=account_of(by))
    for n, (phase, first, last, tasks) in enumerate(spec.get("phases", []), start=1):
        first, last = _day(first, "阶段开始日期"), _day(last, "阶段结束日期")
        if last < first:
            raise AppError("date_invalid", f"阶段“{phase}”的结束日期早于开始日期")
        Phase.objects.create(campaign=campaign, order=n, name=str(phase)[:40], start=first,
                             end=last, tasks=str(tasks))
    for n, (task, detail, departments, indicators) in enumerate(
            spec.get("responsibilities", []), start=1):
        unknown = [d for d in departments if d not in DEPARTMENTS]
        if unknown:
            raise AppError("department_invalid", f"未知的部门类别：{'、'.join(unknown)[:40]}")
        Responsibility.objects.create(campaign=campaign, order=n, task=str(task)[:100],
                                      detail=str(detail), departments=list(departments),
                                      indicators=list(indicators))
    for code, first, last in spec.get("forms", []):
        campaign_form_add(by=by, campaign=campaign, form_code=code, first_start=first,
                          last_start=last)
    return campaign


def campaign_form_add(*, by: UserLike, campaign: Campaign, form_code: str, first_start: Any,
                      last_start: Any) -> RequiredForm:
    """Require a form (its latest version) and open its periods from the first to the last
    period start, each with the form's due date, tied to the campaign (累计 from its start)."""
    version = reporting_selectors.versions_for(user=by).filter(form__code=form_code).order_by(
        "-number").first()
    if version is None:
        raise AppError("form_unknown", f"报表不存在：{str(form_code)[:40]}")
    first, last = _day(first_start, "首期开始日期"), _day(last_start, "末期开始日期")
    required = RequiredForm.objects.create(campaign=campaign, version=version,
                                           first_start=first, last_start=last)
    step = {"monthly": 1, "bimonthly": 2}.get(version.period_type)
    current = first
    while current <= last:
        reporting.period_open(by=by, version_id=version.pk, region_code=campaign.region_id,
                              start=current, end=last if step is None else None,
                              series=campaign.series, cumulative_from=first)
        if step is None:
            break
        month = current.month - 1 + step
        current = date(current.year + month // 12, month % 12 + 1, 1)
    return required


def campaign_install(*, by: UserLike, key: str) -> Campaign:
    """One of the seeds' campaigns. The seeds' forms it requires are the platform's reference
    data: installed by the platform itself where missing."""
    if key not in SEED_CAMPAIGNS:
        raise AppError("campaign_unknown", f"没有这个示例专项行动：{key[:20]}")
    require(by, "campaigns.manage")
    reporting.forms_install(by=COMMAND_LINE)
    return campaign_create(by=by, spec=SEED_CAMPAIGNS[key])


# --- supervision of lagging departments ---------------------------------------------------------

def _campaign(by: UserLike, campaign_id: int, action: str) -> Campaign:
    campaign = Campaign.objects.restrict(by, "campaigns.view").filter(pk=campaign_id).first()
    if campaign is None:
        raise NotFound("campaign_not_found", "专项行动不存在或无权查看")
    require(by, action, campaign)
    return campaign


def _supervision(by: UserLike, pk: int) -> Supervision:
    found = Supervision.objects.restrict(by, "campaigns.supervise").filter(pk=pk).first()
    if found is None:
        raise NotFound("supervision_not_found", "督办事项不存在或无权办理")
    require(by, "campaigns.supervise", found)
    return Supervision.objects.select_for_update().select_related("target", "campaign").get(
        pk=found.pk)


def _document(step: Supervision, kind: str, title: str, body: str, by: UserLike,
              late: bool = False) -> SupervisionDocument:
    return SupervisionDocument.objects.create(supervision=step, kind=kind, title=title[:200],
                                              body=body, by=account_of(by), late=late)


NOTICE = {
    "remind": "关于{campaign}工作进展的提醒函",
    "warn": "关于{campaign}工作进展滞后的警示函",
    "interview": "约谈通知书",
    "listing": "挂牌督办通知",
    "bulletin": "关于{campaign}工作进展情况的通报",
}


@transaction.atomic
def supervision_open(*, by: UserLike, campaign_id: int, target_id: int, stage: str,
                     reason: str, lagging: list | None = None, deadline: Any = None,
                     previous_id: int | None = None) -> Supervision:
    """A step against a lagging department (never an enterprise); escalating a step closes
    the previous one. The step's clock starts now; the notice is its first document."""
    campaign = _campaign(by, campaign_id, "campaigns.supervise")
    if stage not in STAGES:
        raise AppError("stage_invalid", "督办方式只能是提醒、警示、约谈、挂牌督办或通报")
    reason = (reason or "").strip()
    if not reason:
        raise AppError("reason_required", "督办须写明事由（滞后的工作和数据）")
    target = organisations_for(user=by).filter(pk=target_id).first()
    if target is None:
        raise NotFound("target_not_found", "被督办单位不存在或不在本辖区")
    if target.kind != "department":
        raise AppError("not_a_department", NOT_ENTERPRISES)
    actor = actor_of(by)
    if actor.role != "system" and target.region_id == actor.region_code and \
            target.pk == actor.organisation_id:
        raise AppError("self_supervision", "不能督办本单位")
    previous = None
    if previous_id:
        previous = _supervision(by, previous_id)
        if previous.target_id != target.pk or previous.campaign_id != campaign.pk:
            raise AppError("previous_invalid", "上一步督办不是同一专项行动、同一部门")
        if previous.status != "open":
            raise AppError("previous_closed", "上一步督办已办结或已升级")
        if STAGE_ORDER.index(stage) <= STAGE_ORDER.index(previous.stage):
            raise AppError("stage_order", f"只能从“{previous.stage_label}”升级为更严厉的督办方式")
    today = timezone.localdate()
    step = Supervision(campaign=campaign, target=target, region_id=target.region_id,
                       stage=stage, previous=previous, reason=reason[:4000],
                       lagging=list(lagging or []), opened_by=account_of(by))
    if stage in ("remind", "warn"):
        step.due_date = add_working_days(today, CLOCKS[stage])
    elif stage == "listing":
        if not deadline:
            raise AppError("deadline_required", "挂牌督办须规定整改期限")
        step.due_date = _day(deadline, "整改期限")
        if step.due_date <= today:
            raise AppError("deadline_invalid", "挂牌督办的整改期限应晚于今天")
        step.publish_due = add_working_days(today, CLOCKS["listing_publish"])
    elif stage == "bulletin":
        step.published_at, step.status, step.closed_at = timezone.now(), "closed", timezone.now()
    step.save()
    title = NOTICE[stage].format(campaign=campaign.name)
    _document(step, "bulletin" if stage == "bulletin" else
              "listing_notice" if stage == "listing" else "notice", title,
              f"{target.name}：\n{reason}\n（{campaign.name}，{campaign.doc_no}）", by)
    if previous is not None:
        previous.status, previous.closed_at = "escalated", timezone.now()
        previous.close_note = f"升级为{STAGES[stage]}"
        previous.save(update_fields=["status", "closed_at", "close_note", "updated_at"])
    return step


def _moment(value: Any, what: str) -> datetime:
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(str(value))
        except ValueError:
            raise AppError("date_invalid", f"{what}无效：{str(value)[:25]}") from None
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _require_stage(step: Supervision, stage: str, what: str) -> None:
    if step.stage != stage:
        raise AppError("stage_mismatch", f"只有{STAGES[stage]}可以{what}")
    if step.status != "open":
        raise AppError("supervision_closed", "该督办事项已办结或已升级")


@transaction.atomic
def interview_meeting(*, by: UserLike, supervision_id: int, meeting_at: Any) -> Supervision:
    step = _supervision(by, supervision_id)
    _require_stage(step, "interview", "记录约谈会议")
    step.meeting_at = _moment(meeting_at, "约谈时间")
    if step.meeting_at < step.created_at:
        raise AppError("meeting_early", "约谈时间不能早于约谈通知")
    step.save(update_fields=["meeting_at", "updated_at"])
    return step


@transaction.atomic
def interview_minutes(*, by: UserLike, supervision_id: int, text: str) -> Supervision:
    """The 约谈纪要; the summoned department's written rectification report is due 5
    working days after the meeting."""
    step = _supervision(by, supervision_id)
    _require_stage(step, "interview", "记录约谈纪要")
    if step.meeting_at is None:
        raise AppError("meeting_missing", "请先记录约谈时间")
    text = (text or "").strip()
    if not text:
        raise AppError("minutes_empty", "约谈纪要不能为空")
    step.report_due = add_working_days(timezone.localdate(step.meeting_at),
                                       CLOCKS["interview_report"])
    step.save(update_fields=["report_due", "updated_at"])
    _document(step, "minutes", "约谈纪要", text, by)
    return step


@transaction.atomic
def rectification_report(*, by: UserLike, supervision_id: int, text: str,
                         received_at: Any = None) -> tuple[Supervision, str]:
    """The written rectification report after a 约谈. A report after its deadline is
    recorded, marked late, and the answer says so."""
    step = _supervision(by, supervision_id)
    _require_stage(step, "interview", "接收整改报告")
    if step.report_due is None:
        raise AppError("minutes_missing", "请先记录约谈纪要（整改报告期限从约谈之日起计算）")
    text = (text or "").strip()
    if not text:
        raise AppError("report_empty", "整改报告内容不能为空")
    moment = _moment(received_at, "收到时间") if received_at else timezone.now()
    received = timezone.localdate(moment)
    late = received > step.report_due
    step.report_received_at, step.report_late = moment, late
    step.save(update_fields=["report_received_at", "report_late", "updated_at"])
    _document(step, "rectification", "书面整改报告", text, by, late=late)
    message = (f"整改报告已记录为逾期：期限为{step.report_due:%Y年%m月%d日}，"
               f"{received:%Y年%m月%d日}才收到" if late else "整改报告已按期收到")
    return step, message


@transaction.atomic
def listing_publish(*, by: UserLike, supervision_id: int) -> Supervision:
    step = _supervision(by, supervision_id)
    _require_stage(step, "listing", "公开")
    if step.published_at is not None:
        raise AppError("already_published", "挂牌督办已公开")
    step.published_at = timezone.now()
    step.save(update_fields=["published_at", "updated_at"])
    _document(step, "publication", "挂牌督办公开", f"对{step.target.name}挂牌督办：{step.reason}",
              by, late=timezone.localdate() > (step.publish_due or timezone.localdate()))
    return step


@transaction.atomic
def extension_request(*, by: UserLike, supervision_id: int, until: Any,
                      reason: str) -> Supervision:
    """A request to extend a 挂牌督办 deadline, made before the deadline."""
    step = _supervision(by, supervision_id)
    _require_stage(step, "listing", "申请延期")
    reason = (reason or "").strip()
    if not reason:
        raise AppError("reason_required", "延期申请须写明理由")
    deadline = step.extension_until or step.due_date
    if deadline is not None and timezone.localdate() > deadline:
        raise AppError("extension_late",
                       f"延期申请须在督办期限（{deadline:%Y年%m月%d日}）届满前提出")
    new = _day(until, "延期日期")
    if deadline is not None and new <= deadline:
        raise AppError("extension_invalid", "延期日期应晚于原期限")
    step.extension_until = new
    step.save(update_fields=["extension_until", "updated_at"])
    _document(step, "extension", "延期申请", f"申请延期至{new:%Y年%m月%d日}：{reason}", by)
    return step


@transaction.atomic
def supervision_close(*, by: UserLike, supervision_id: int, note: str) -> Supervision:
    """Close a step (a 挂牌督办 is struck off — 销号 — and the closing published)."""
    step = _supervision(by, supervision_id)
    if step.status != "open":
        raise AppError("supervision_closed", "该督办事项已办结或已升级")
    note = (note or "").strip()
    if not note:
        raise AppError("note_required", "办结须写明整改结果")
    if step.stage == "interview" and step.report_received_at is None:
        raise AppError("report_missing", "约谈后须收到书面整改报告才能办结")
    step.status, step.closed_at, step.close_note = "closed", timezone.now(), note[:2000]
    step.save(update_fields=["status", "closed_at", "close_note", "updated_at"])
    if step.stage == "listing":
        _document(step, "closing", "挂牌督办销号", note, by)
    return step
