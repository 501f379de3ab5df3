"""Inspection tasks: created from a draw, a clue, a tip, a plan or a rectification order's
deadline; approved by the department head; 四不两直 tasks hidden from the target and from
everyone outside the team until the visit starts; each lists the unit's ledger workers whose
certificates must be checked (逢查必检证书); the yearly cap shared by every department."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models import Q

from certguard.core.errors import AppError, Forbidden, NotFound
from certguard.core.policy import require
from certguard.core.scoping import UserLike, actor_of
from certguard.enforcement.common import day, enforcement_body, now, text
from certguard.enforcement.models import (
    ChecklistEntry,
    Inspector,
    Plan,
    RectificationOrder,
    Task,
    TaskMember,
    TaskWorker,
    figures_add,
)
from certguard.enforcement.reference import (
    CHECKLIST_EMPLOYER,
    CHECKLIST_INSTITUTION,
    MODES,
    SOURCES,
    UNIT_KINDS,
)
from certguard.enforcement.registers import cap_for
from certguard.orgs.selectors import organisations_for
from certguard.workforce.selectors import ledger_for

CLOSED = ("cancelled", "rejected")


@dataclass
class Created:
    task: Task
    warnings: list[str] = field(default_factory=list)


def earlier_inspections(*, user: UserLike, target_id: int, year: int,
                        exclude: int | None = None) -> list[Task]:
    """This year's other inspections of the unit, by every department — those the user may
    see (a 四不两直 task of another team stays hidden until its visit starts)."""
    rows = Task.objects.restrict(user, "enforcement.view").select_related("organisation").filter(
        target_id=target_id, planned_on__year=year).exclude(status__in=CLOSED)
    if exclude:
        rows = rows.exclude(pk=exclude)
    return list(rows.order_by("planned_on", "id"))


def _count_this_year(target_id: int, year: int) -> int:
    """Every department's inspections count against the cap (国办发〔2024〕54号)."""
    return Task.objects.filter(target_id=target_id, planned_on__year=year).exclude(
        status__in=CLOSED).count()


def _team(by: UserLike, *, user_ids: list[int], organisation_id: int, target_id: int,
          cross: bool, target_region: str) -> list[Inspector]:
    ids = list(dict.fromkeys(int(u) for u in user_ids))
    if len(ids) < 2:
        raise AppError("team_too_small", "检查组至少须有2名执法人员（行政处罚法第四十二条）",
                       fields={"team": ["至少2人"]})
    found = {i.user_id: i for i in Inspector.objects.filter(user_id__in=ids, active=True)
             .prefetch_related("recusals")}
    team = []
    for uid in ids:
        inspector = found.get(uid)
        if inspector is None:
            raise AppError("not_registered", "检查组成员须是执法检查人员名录库中的在册人员",
                           fields={"team": [f"用户 {uid} 未在册"]})
        if any(r.unit_id == target_id for r in inspector.recusals.all()):
            raise AppError("recused", f"{inspector.name} 与被检查单位存在利害关系，应当回避",
                           fields={"team": [f"{inspector.name} 应回避"]})
        if cross and inspector.region_id == target_region:
            raise AppError("not_cross", f"异地交叉检查不能由本县人员 {inspector.name} 参加",
                           fields={"team": ["非异地人员"]})
        if not cross and inspector.organisation_id != organisation_id:
            raise AppError("not_colleague", f"{inspector.name} 不是本部门人员（跨部门请用异地"
                                            "交叉检查）", fields={"team": ["非本部门人员"]})
        team.append(inspector)
    return team


@transaction.atomic
def task_create(*, by: UserLike, target_id: int, source: str, planned_on: date | str,
                team: list[int], mode: str = "normal", source_ref: str = "",
                plan_id: int | None = None, cap_reason: str = "",
                parent_order: RectificationOrder | None = None,
                draw_id: int | None = None) -> Created:
    actor = require(by, "enforcement.task_create")
    enforcement_body(actor)
    if source not in SOURCES:
        raise AppError("source_invalid", "任务来源只能是双随机抽取、线索、举报、复查或年度计划",
                       fields={"source": ["无效"]})
    if source == "reinspection" and parent_order is None:
        raise AppError("reinspection_without_order", "复查任务须由责令限期整改指令书的整改期限"
                       "产生：没有整改指令，不能安排复查", fields={"source": ["没有整改指令"]})
    if mode not in MODES:
        raise AppError("mode_invalid", "检查方式无效", fields={"mode": ["无效"]})
    planned = day(planned_on, name="planned_on", what="计划检查日期")
    target = organisations_for(user=by).filter(pk=target_id, kind__in=list(UNIT_KINDS)).first()
    if target is None:
        raise NotFound("target_not_found", "被检查单位不存在或不在您的辖区和职责范围内")
    org = organisations_for(user=by, action="organisations.view_own").filter(
        pk=actor.organisation_id or 0).first()
    if org is None:
        raise Forbidden("no_department", "请以执法部门身份创建检查任务")
    plan = None
    if plan_id:
        plan = Plan.objects.restrict(by, "enforcement.view").filter(pk=plan_id).first()
        if plan is None:
            raise NotFound("plan_not_found", "检查计划不存在")
    members = _team(by, user_ids=team, organisation_id=org.pk, target_id=target.pk,
                    cross=mode == "cross", target_region=target.region_id)
    cap, cap_source = cap_for(region_code=target.region_id)
    warnings = []
    earlier = earlier_inspections(user=by, target_id=target.pk, year=planned.year)
    if earlier:
        warnings.append("重复检查提醒：该单位今年已有检查 " + "；".join(
            f"#{t.pk} {t.planned_on:%m-%d}（{t.get_status_display()}）" for t in earlier[:10]))
    reason = text(cap_reason, name="cap_reason", what="超出上限的理由", limit=300,
                  required=False)
    if target.kind == "enterprise" and _count_this_year(target.pk, planned.year) >= cap \
            and not reason:
        raise AppError("cap_reached", f"该企业{planned.year}年入企检查已达上限（每年{cap}次，"
                       f"{cap_source}），各部门共用；确需检查的请填写理由",
                       fields={"cap_reason": ["已达上限"]})
    task = Task.objects.create(
        organisation=org, department=org.department, target=target, target_name=target.name,
        target_kind=target.kind, region_id=target.region_id, sector=target.sector, plan=plan,
        draw_id=draw_id, source=source,
        source_ref=text(source_ref, name="source_ref", what="来源编号", limit=50,
                        required=False),
        mode=mode, secret=mode == "secret", planned_on=planned, created_by_id=actor.user_id,
        cap_reason=reason, parent_order=parent_order, place=target.address[:200])
    for n, inspector in enumerate(members):
        TaskMember.objects.create(task=task, user_id=inspector.user_id, inspector=inspector,
                                  lead=n == 0)
    items = CHECKLIST_EMPLOYER if target.kind == "enterprise" else CHECKLIST_INSTITUTION
    ChecklistEntry.objects.bulk_create([ChecklistEntry(task=task, code=c, text=t)
                                        for c, t in items])
    workers = [TaskWorker(task=task, id_no=e.worker_id_no, name=e.worker_name, post=e.post,
                          cert_no=e.cert_no)
               for e in ledger_for(user=by, employer_id=target.pk)[:2000]]
    TaskWorker.objects.bulk_create(workers)
    if not workers and target.kind == "enterprise":
        warnings.append("该单位持证台账中没有在岗的三项岗位人员：请在现场逐一登记核验")
    return Created(task=task, warnings=warnings)


def task_for_change(by: UserLike, task_id: int, action: str = "enforcement.work") -> Task:
    """The task, locked, if ``by`` may change it (team or head); 404 otherwise."""
    task = Task.objects.restrict(by, action).select_for_update().filter(pk=task_id).first()
    if task is None:
        raise NotFound("task_not_found", "检查任务不存在或您不是该任务的检查组成员")
    return task


@transaction.atomic
def task_submit(*, by: UserLike, task_id: int) -> Task:
    require(by, "enforcement.task_create")
    task = task_for_change(by, task_id, "enforcement.task_create")
    if task.status != "draft":
        raise AppError("task_not_draft", f"任务{task.get_status_display()}，不能报批")
    task.status = "pending"
    task.save(update_fields=["status", "updated_at"])
    return task


@transaction.atomic
def task_approve(*, by: UserLike, task_id: int, approve: bool = True, reason: str = "") -> Task:
    """The department head approves (or refuses with a reason) an inspection of their own
    department (国办发〔2024〕54号: every inspection has a plan approved by the head)."""
    actor = actor_of(by)
    task = Task.objects.filter(pk=task_id).only("organisation_id").first()
    if actor.role != "system" and (actor.role != "department_head" or task is None
                                   or task.organisation_id != actor.organisation_id):
        raise Forbidden("not_head", "检查任务须由本部门负责人审批：您不是该执法部门的负责人，"
                                    "不能审批")
    require(by, "enforcement.approve")
    task = task_for_change(by, task_id, "enforcement.approve")
    if task.status not in ("draft", "pending"):
        raise AppError("task_not_pending", f"任务{task.get_status_display()}，不能审批")
    if approve:
        task.status, task.approved_by_id, task.approved_at = "approved", actor.user_id, now()
    else:
        task.status = "rejected"
        task.cancelled_reason = text(reason, name="reason", what="不予批准的理由", limit=300)
    task.save(update_fields=["status", "approved_by", "approved_at", "cancelled_reason",
                             "updated_at"])
    return task


@transaction.atomic
def task_start(*, by: UserLike, task_id: int) -> Task:
    """The visit starts (扫码入企): from now a 四不两直 task is visible to the unit."""
    require(by, "enforcement.work")
    task = task_for_change(by, task_id)
    if task.status != "approved":
        raise AppError("task_not_approved", "任务须经部门负责人批准后才能开始检查"
                       if task.status in ("draft", "pending")
                       else f"任务{task.get_status_display()}，不能开始检查")
    task.status, task.started_at = "in_progress", now()
    task.save(update_fields=["status", "started_at", "updated_at"])
    return task


@transaction.atomic
def task_complete(*, by: UserLike, task_id: int, handling: str, unit_signed: bool,
                  refusal_note: str = "", place: str = "") -> Task:
    require(by, "enforcement.work")
    task = task_for_change(by, task_id)
    if task.status != "in_progress":
        raise AppError("task_not_started", "只有检查中的任务才能完成")
    task.handling = text(handling, name="handling", what="处理意见", limit=2000)
    task.unit_signed = bool(unit_signed)
    task.refusal_note = text(refusal_note, name="refusal_note", what="拒绝签字情况",
                             limit=300, required=not unit_signed)
    if place:
        task.place = text(place, name="place", what="检查地点", limit=200)
    task.status, task.completed_at = "completed", now()
    task.save(update_fields=["handling", "unit_signed", "refusal_note", "place", "status",
                             "completed_at", "updated_at"])
    figures_add(when=task.completed_at, region_id=task.region_id, department=task.department,
                sector=task.sector, inspections=1)
    return task


@transaction.atomic
def task_cancel(*, by: UserLike, task_id: int, reason: str) -> Task:
    require(by, "enforcement.task_create")
    task = task_for_change(by, task_id, "enforcement.task_create")
    if task.status in ("completed", "cancelled", "rejected"):
        raise AppError("task_closed", f"任务{task.get_status_display()}，不能取消")
    task.cancelled_reason = text(reason, name="reason", what="取消理由", limit=300)
    task.status = "cancelled"
    task.save(update_fields=["status", "cancelled_reason", "updated_at"])
    return task


def team_user_ids(task: Task) -> set[int]:
    return set(TaskMember.objects.filter(task=task).values_list("user_id", flat=True))


def visible_condition(user: UserLike) -> Q:
    """For lists: the tasks ``user`` may see (the same as ``restrict``)."""
    from certguard.core.policy import scope_for

    return scope_for(Task, user, "enforcement.view") or Q(pk__in=[])
