"""The registers (名录库) and the annual plan: inspected units drawn from ``orgs``, inspectors
with their enforcement certificates and recusals, the plan's matters and proportions, and the
yearly cap on inspections per enterprise shared by every department."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from certguard.core.errors import AppError, Forbidden, NotFound
from certguard.core.policy import require
from certguard.core.scoping import UserLike
from certguard.enforcement.common import enforcement_body, text
from certguard.enforcement.models import (
    CapSetting,
    Inspector,
    Plan,
    PlanMatter,
    PlanProportion,
    Recusal,
    RegisterUnit,
)
from certguard.enforcement.reference import RISK_TIERS, UNIT_KINDS
from certguard.orgs.reference import SECTORS
from certguard.orgs.selectors import members_for, organisations_for

DEFAULT_CAP = 2
CAP_SOURCE = "国办发〔2024〕54号：各地公布每家企业每年入企检查次数上限（默认值未核实）"


@transaction.atomic
def register_sync(*, by: UserLike) -> dict[str, int]:
    """Bring the inspected-unit register up to date with the organisations ``by`` may see
    (enterprises, training institutions, exam centres); risk tiers already set are kept."""
    require(by, "enforcement.plan")
    existing = {u.organisation_id: u for u in RegisterUnit.objects.all()}
    added = updated = 0
    new = []
    for kind in UNIT_KINDS:
        for org in organisations_for(user=by, kind=kind).iterator():
            unit = existing.get(org.pk)
            if unit is None:
                new.append(RegisterUnit(organisation=org, kind=kind, name=org.name,
                                        sector=org.sector, region_id=org.region_id))
                continue
            if (unit.name, unit.sector, unit.region_id) != (org.name, org.sector,
                                                             org.region_id):
                unit.name, unit.sector, unit.region_id = org.name, org.sector, org.region_id
                unit.save(update_fields=["name", "sector", "region", "updated_at"])
                updated += 1
    RegisterUnit.objects.bulk_create(new, batch_size=1000)
    added = len(new)
    return {"added": added, "updated": updated}


@transaction.atomic
def unit_risk_set(*, by: UserLike, unit_id: int, risk_tier: str) -> RegisterUnit:
    require(by, "enforcement.plan")
    if risk_tier not in RISK_TIERS:
        raise AppError("risk_tier_invalid", "风险等级只能是 A、B、C、D",
                       fields={"risk_tier": ["无效"]})
    unit = RegisterUnit.objects.restrict(by, "enforcement.plan").filter(pk=unit_id).first()
    if unit is None:
        raise NotFound("unit_not_found", "检查对象不存在或不在您的辖区")
    unit.risk_tier = risk_tier
    unit.save(update_fields=["risk_tier", "updated_at"])
    return unit


@transaction.atomic
def inspector_register(*, by: UserLike, user_id: int, cert_no: str) -> Inspector:
    """Enter a colleague (an inspector or head of the actor's own department) in the
    inspector register with their enforcement-certificate number."""
    actor = require(by, "enforcement.plan")
    enforcement_body(actor)
    cert_no = text(cert_no, name="cert_no", what="执法证号", limit=30)
    membership = next((m for m in members_for(user=by, organisation_id=actor.organisation_id)
                       if m.user_id == user_id and m.active
                       and m.role in ("inspector", "department_head")), None)
    if membership is None:
        raise AppError("not_a_colleague", "只能登记本部门的执法检查人员或负责人",
                       fields={"user": ["不是本部门执法人员"]})
    if Inspector.objects.filter(cert_no=cert_no).exclude(user_id=user_id).exists():
        raise AppError("cert_no_taken", f"执法证号 {cert_no} 已登记给其他人员",
                       fields={"cert_no": ["重复"]})
    org = membership.organisation
    inspector, _ = Inspector.objects.update_or_create(
        user_id=user_id, organisation=org,
        defaults={"name": membership.user.display_name or membership.user.username,
                  "department": org.department, "region_id": org.region_id,
                  "cert_no": cert_no, "active": True})
    return inspector


@transaction.atomic
def recusal_add(*, by: UserLike, inspector_id: int, unit_id: int, reason: str) -> Recusal:
    require(by, "enforcement.plan")
    inspector = Inspector.objects.restrict(by, "enforcement.plan").filter(pk=inspector_id).first()
    if inspector is None:
        raise NotFound("inspector_not_found", "执法人员不存在或不是本部门人员")
    unit = organisations_for(user=by).filter(pk=unit_id).first()
    if unit is None:
        raise NotFound("unit_not_found", "回避单位不存在或不在您的辖区")
    recusal, _ = Recusal.objects.update_or_create(
        inspector=inspector, unit=unit,
        defaults={"reason": text(reason, name="reason", what="回避理由", limit=200)})
    return recusal


def _proportions(rows: list[dict]) -> list[PlanProportion]:
    out, seen = [], set()
    for row in rows:
        sector, tier = str(row.get("sector") or ""), str(row.get("risk_tier") or "")
        if sector and sector not in SECTORS:
            raise AppError("sector_invalid", f"未知的行业：{sector[:20]}",
                           fields={"proportions": ["行业无效"]})
        if tier not in RISK_TIERS:
            raise AppError("risk_tier_invalid", "风险等级只能是 A、B、C、D",
                           fields={"proportions": ["风险等级无效"]})
        try:
            percent = Decimal(str(row.get("percent")))
        except (InvalidOperation, ValueError):
            raise AppError("percent_invalid", "抽取比例应为0到100之间的数",
                           fields={"proportions": ["比例无效"]}) from None
        if not (0 <= percent <= 100):
            raise AppError("percent_invalid", "抽取比例应为0到100之间的数",
                           fields={"proportions": ["比例无效"]})
        if (sector, tier) in seen:
            raise AppError("proportion_duplicate", "同一行业和风险等级只能设一个比例",
                           fields={"proportions": ["重复"]})
        seen.add((sector, tier))
        out.append(PlanProportion(sector=sector, risk_tier=tier, percent=percent))
    return out


@transaction.atomic
def plan_create(*, by: UserLike, year: int, title: str, matters: list[dict],
                proportions: list[dict]) -> Plan:
    """The department's annual plan: its public list of matters (依据, 主体, 内容, 方式) and
    the share of each sector and risk tier to draw. Approved by the head before use."""
    actor = require(by, "enforcement.plan")
    enforcement_body(actor)
    if not (2000 <= int(year) <= 2100):
        raise AppError("year_invalid", "年度无效", fields={"year": ["年度无效"]})
    if Plan.objects.filter(organisation_id=actor.organisation_id or 0, year=year).exists():
        raise AppError("plan_exists", f"本部门{year}年度的检查计划已存在",
                       fields={"year": ["已存在"]})
    if not matters:
        raise AppError("matters_required", "请至少列出一项检查事项（依据、主体、内容、方式）",
                       fields={"matters": ["必填"]})
    rows = [PlanMatter(basis=text(m.get("basis"), name="basis", what="检查依据", limit=300),
                       subject=text(m.get("subject"), name="subject", what="检查主体", limit=100),
                       content=text(m.get("content"), name="content", what="检查内容"),
                       method=text(m.get("method"), name="method", what="检查方式", limit=100))
            for m in matters]
    shares = _proportions(proportions)
    org = organisations_for(user=by, action="organisations.view_own").filter(
        pk=actor.organisation_id or 0).first()
    if org is None:
        raise Forbidden("no_department", "请以执法部门身份制定计划")
    plan = Plan.objects.create(organisation=org, department=org.department,
                               region_id=org.region_id, year=year,
                               title=text(title, name="title", what="计划名称", limit=200))
    for row in rows:
        row.plan = plan
        row.save()
    for share in shares:
        share.plan = plan
        share.save()
    return plan


@transaction.atomic
def plan_approve(*, by: UserLike, plan_id: int) -> Plan:
    actor = require(by, "enforcement.approve")
    plan = Plan.objects.restrict(by, "enforcement.approve").select_for_update().filter(
        pk=plan_id).first()
    if plan is None:
        raise NotFound("plan_not_found", "检查计划不存在或不是本部门的计划")
    if plan.approved_at:
        raise AppError("plan_approved", "检查计划已批准")
    plan.approved_by_id, plan.approved_at = actor.user_id, timezone.now()
    plan.save(update_fields=["approved_by", "approved_at", "updated_at"])
    return plan


def cap_for(*, region_code: str) -> tuple[int, str]:
    """The yearly cap that applies in a place: the county's row, else the city's, the
    province's, else the default (unconfirmed)."""
    places = [region_code, region_code[:4] + "00", region_code[:2] + "0000"]
    rows = {c.region_id: c for c in CapSetting.objects.filter(region_id__in=places)}
    for place in places:
        if place in rows:
            return rows[place].yearly_cap, rows[place].source
    return DEFAULT_CAP, CAP_SOURCE
