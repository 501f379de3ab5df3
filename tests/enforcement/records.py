"""Enforcement records around the cast (county A = 沁水县, 应急管理局): two registered
inspectors and the head, an approved plan, and tasks in the states tests need."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from certguard import ids
from tests.conftest import COUNTY_A, World

WORKER_ID = ids.make_id_no(COUNTY_A, date(1988, 6, 1), 51)


@dataclass
class Team:
    world: World
    inspector: object  # inspector@A (lead)
    second: object  # a second inspector of 沁水县应急管理局
    head: object  # department_head@A
    plan: object


def team(world: World) -> Team:
    from certguard.enforcement import services
    from certguard.enforcement.models import RegisterUnit
    from certguard.workforce.models import LedgerEntry
    from tests.conftest import _user

    head = world.user("department_head", "A")
    inspector = world.user("inspector", "A")
    second = _user("inspector_a2", world.orgs["yj_A"], "inspector")
    services.inspector_register(by=head, user_id=inspector.pk, cert_no="14052100001")
    services.inspector_register(by=head, user_id=second.pk, cert_no="14052100002")
    services.register_sync(by=head)
    RegisterUnit.objects.filter(organisation=world.cast.enterprise_x).update(risk_tier="A")
    plan = services.plan_create(
        by=head, year=timezone.localdate().year, title="沁水县应急管理局年度监督检查计划",
        matters=[{"basis": "《安全生产法》第六十二条", "subject": "沁水县应急管理局",
                  "content": "特种作业人员持证上岗情况", "method": "双随机抽查、现场检查"}],
        proportions=[{"sector": "", "risk_tier": "A", "percent": 100},
                     {"sector": "", "risk_tier": "C", "percent": 50}])
    services.plan_approve(by=head, plan_id=plan.pk)
    LedgerEntry.objects.get_or_create(employer=world.cast.enterprise_x, worker_id_no=WORKER_ID,
                                      post="电工", defaults={"worker_name": "王电工",
                                                             "cert_no": "T" + WORKER_ID})
    return Team(world=world, inspector=inspector, second=second, head=head, plan=plan)


def new_task(t: Team, *, mode: str = "normal", status: str = "draft", target=None,
             source: str = "plan", cap_reason: str = "复查需要"):
    """A task of 沁水县应急管理局 on enterprise X, taken to ``status``."""
    from certguard.enforcement import services

    created = services.task_create(
        by=t.inspector, target_id=(target or t.world.cast.enterprise_x).pk, source=source,
        planned_on=timezone.localdate() + timedelta(days=1), mode=mode,
        team=[t.inspector.pk, t.second.pk], plan_id=t.plan.pk, cap_reason=cap_reason)
    task = created.task
    if status == "draft":
        return task
    services.task_submit(by=t.inspector, task_id=task.pk)
    if status == "pending":
        return task
    services.task_approve(by=t.head, task_id=task.pk)
    if status == "approved":
        return task
    services.task_start(by=t.inspector, task_id=task.pk)
    task.refresh_from_db()
    return task


def matrix_task(world: World):
    """A 四不两直 task in county A, approved but not started: only its team and the head
    may see it (the permission matrix proves it for every route)."""
    return new_task(team(world), mode="secret", status="approved")


SEED = "2024-09-01 福彩3D 123"


def published_draw(t: Team):
    import hashlib

    from certguard.enforcement import services

    draw = services.draw_commit(by=t.head, plan_id=t.plan.pk,
                                commitment=hashlib.sha256(SEED.encode()).hexdigest(),
                                seed_source="2024年9月1日福利彩票3D开奖号码")
    return services.draw_reveal(by=t.head, draw_id=draw.pk, seed=SEED)


def matrix_records(world: World) -> dict:
    """One of each record for the permission matrix, all of 沁水县应急管理局 (county A)."""
    import hashlib

    from certguard.enforcement import services

    t = team(world)
    secret = new_task(t, mode="secret", status="approved")
    working = new_task(t, status="in_progress")
    finding = services.finding_add(by=t.inspector, task_id=working.pk, kind="uncertified",
                                   description="电焊工1人无证上岗", people=1)
    photo = services.photo_add(by=t.inspector, finding_id=finding.pk, name="现场.png",
                               data=b"\x89PNG\r\n\x1a\n" + bytes(64))
    order = services.order_issue(by=t.inspector, task_id=working.pk,
                                 deadline=timezone.localdate() + timedelta(days=10),
                                 items="立即停止无证人员作业，组织培训取证")
    penalty = services.penalty_propose(by=t.inspector, finding_id=finding.pk, amount="20000")
    committed = services.draw_commit(by=t.head, plan_id=t.plan.pk,
                                     commitment=hashlib.sha256(b"x").hexdigest(),
                                     seed_source="待公布")
    published = published_draw(t)
    return {"secret_task": secret, "task": working, "finding": finding,
            "document": order.document, "plan": t.plan, "draw": committed,
            "published_draw": published, "penalty": penalty, "photo": photo}
