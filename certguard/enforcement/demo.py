"""Demo enforcement for 沁水县应急管理局: registers, an approved annual plan, a published draw
anyone can verify, tasks in every state (draft, pending approval, approved, a 四不两直 task,
in progress, completed, cancelled, not approved), findings, worker checks, documents, a
re-inspection, penalties at each step (one waiting for the head's legal review, one decided
and published) and an overdue clock for the head. Safe to re-run."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from certguard import ids
from certguard.core.scoping import actor_of
from certguard.enforcement import services
from certguard.enforcement.models import Clock, Plan, RegisterUnit, Task
from certguard.orgs.selectors import organisations_for
from certguard.orgs.services import throwaway_password, user_create
from certguard.workforce.services import LedgerRow, ledger_apply

SEED = "2024年9月2日 福利彩票3D第2024236期 开奖号码 5 8 1"
WORKERS = [("赵铁柱", "电工"), ("钱焊工", "焊工"), ("孙卷扬", "提升机操作工"),
           ("李瓦检", "瓦斯检查工")]


def _ledger(enterprise_user, employer) -> None:
    rows = [LedgerRow(worker_id_no=ids.make_id_no(employer.region_id, date(1980 + i, 3, 1),
                                                  61 + 2 * i),
                      worker_name=name, post=post) for i, (name, post) in enumerate(WORKERS)]
    ledger_apply(employer=employer, rows=rows, by=enterprise_user, as_of=timezone.localdate())


def _walk(task: Task, inspector, head, to: str) -> Task:
    if to == "draft":
        return task
    services.task_submit(by=inspector, task_id=task.pk)
    if to == "pending":
        return task
    if to == "rejected":
        return services.task_approve(by=head, task_id=task.pk, approve=False,
                                     reason="与市局专项检查重复，并入市局检查")
    services.task_approve(by=head, task_id=task.pk)
    if to == "approved":
        return task
    if to == "cancelled":
        return services.task_cancel(by=head, task_id=task.pk, reason="企业已停产，另行安排")
    services.task_start(by=inspector, task_id=task.pk)
    return task


@transaction.atomic
def demo_enforcement_build(*, inspector, head, enterprise_user) -> str:
    if Plan.objects.exists():
        return ""
    department = organisations_for(user=head, action="organisations.view_own").get(
        pk=actor_of(head).organisation_id or 0)
    second = user_create(username="demo_inspector2", display_name="沁水县执法员（二）",
                         password=throwaway_password(),
                         organisation=department, role="inspector")
    services.inspector_register(by=head, user_id=inspector.pk, cert_no="14052124001")
    services.inspector_register(by=head, user_id=second.pk, cert_no="14052124002")
    services.register_sync(by=head)
    mine = organisations_for(user=enterprise_user, action="organisations.view_own").get(
        pk=actor_of(enterprise_user).organisation_id or 0)
    _ledger(enterprise_user, mine)
    units = list(RegisterUnit.objects.filter(region_id=department.region_id,
                                             kind="enterprise").order_by("pk"))
    for unit in units[:6]:
        services.unit_risk_set(by=head, unit_id=unit.pk, risk_tier="A")
    services.unit_risk_set(by=head, unit_id=RegisterUnit.objects.get(organisation=mine).pk,
                           risk_tier="A")
    year = timezone.localdate().year
    plan = services.plan_create(
        by=head, year=year, title=f"沁水县应急管理局{year}年度安全生产监督检查计划",
        matters=[{"basis": "《安全生产法》第三十条、第六十二条",
                  "subject": "沁水县应急管理局", "content": "特种作业人员持证上岗（逢查必检证书）",
                  "method": "双随机抽查、现场检查"},
                 {"basis": "《特种作业人员安全技术培训考核管理规定》",
                  "subject": "沁水县应急管理局", "content": "培训机构学时、档案",
                  "method": "调看监控、电话回访、核对档案"}],
        proportions=[{"sector": "", "risk_tier": "A", "percent": 100},
                     {"sector": "", "risk_tier": "B", "percent": 30},
                     {"sector": "", "risk_tier": "C", "percent": 10},
                     {"sector": "", "risk_tier": "D", "percent": 5}])
    services.plan_approve(by=head, plan_id=plan.pk)
    draw = services.draw_commit(by=head, plan_id=plan.pk,
                                commitment=hashlib.sha256(SEED.encode()).hexdigest(),
                                seed_source="福利彩票3D第2024236期开奖号码（抽取前公布承诺）")
    draw = services.draw_reveal(by=head, draw_id=draw.pk, seed=SEED)
    drawn = list(Task.objects.filter(draw=draw).exclude(target=mine).order_by("pk"))
    states = ["draft", "pending", "approved", "cancelled", "rejected", "in_progress"]
    for task, state in zip(drawn, states, strict=False):
        _walk(task, inspector, head, state)
    team = [inspector.pk, second.pk]
    soon = timezone.localdate() + timedelta(days=1)
    secret = services.task_create(by=inspector, target_id=mine.pk, source="tip",
                                  planned_on=soon, mode="secret", team=team,
                                  source_ref="举报", cap_reason="群众举报，四不两直核查").task
    _walk(secret, inspector, head, "approved")
    # the demo mine: inspected today, findings, order, penalties
    on_site = Task.objects.filter(draw=draw, target=mine).first() or services.task_create(
        by=inspector, target_id=mine.pk, source="plan", planned_on=timezone.localdate(),
        team=team, cap_reason="年度计划检查").task
    _walk(on_site, inspector, head, "in_progress")
    for entry in ("E1", "E3", "E4"):
        services.checklist_set(by=inspector, task_id=on_site.pk, code=entry, result="ok")
    services.checklist_set(by=inspector, task_id=on_site.pk, code="E2", result="problem",
                           note="2名电焊工未取得特种作业操作证上岗")
    for worker in on_site.workers.all()[:2]:
        services.worker_check(by=inspector, task_id=on_site.pk, worker_id=worker.pk)
    uncertified = services.finding_add(by=inspector, task_id=on_site.pk, kind="uncertified",
                                       description="2名电焊工无证上岗作业", people=2)
    forged = services.finding_add(by=inspector, task_id=on_site.pk, kind="fake_cert_employer",
                                  description="企业使用伪造的提升机操作证1本", people=1)
    services.finding_to_clue(by=inspector, finding_id=forged.pk)
    services.order_issue(by=inspector, task_id=on_site.pk,
                         deadline=timezone.localdate() + timedelta(days=15),
                         items="立即停止无证人员作业，组织培训考核取证后上岗")
    decided = services.penalty_propose(by=inspector, finding_id=uncertified.pk, amount="45000")
    services.penalty_notify(by=inspector, penalty_id=decided.pk)
    services.penalty_decide(by=inspector, penalty_id=decided.pk, hearing_waived=True)
    services.penalty_deliver(by=inspector, penalty_id=decided.pk)
    services.penalty_publish(by=inspector, penalty_id=decided.pk)
    review = services.penalty_propose(by=inspector, finding_id=forged.pk, amount="35000",
                                      reason_outside="伪造证书且拒不说明来源，情节严重")
    services.task_complete(by=inspector, task_id=on_site.pk, handling="责令限期整改，立案处罚",
                           unit_signed=True)
    services.record_issue(by=inspector, task_id=on_site.pk)
    # an older penalty whose decision clock ran out: on the head's overdue list
    late = services.penalty_propose(by=inspector, finding_id=uncertified.pk, amount="35000")
    Clock.objects.filter(penalty=late, kind="decision").update(
        due_at=timezone.now() - timedelta(days=3))
    counts = {s: Task.objects.filter(status=s).count() for s in
              ("draft", "pending", "approved", "in_progress", "completed", "cancelled")}
    return (f"检查计划1份，公布抽取 #{draw.pk}（抽中 {len(draw.result['targets'])} 家，可用 "
            f"certguard enforcement draw-verify {draw.pk} 复核），任务 {counts}，"
            f"待法制审核的处罚 #{review.pk}，超期时限1项")
