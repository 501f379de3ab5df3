"""The 双随机 draw as a workflow: commit (freeze and hash the registers, publish the hash of a
seed not yet known), reveal (the seed — e.g. a later lottery result, or the committed secret —
drives the deterministic selection of ``draw.select``), publish (tasks for every target, the
public page, the audit chain) and verify (re-run from the stored or published files)."""

from __future__ import annotations

import json
import zlib

from django.db import transaction
from django.utils import timezone

from certguard.core.audit import audit_record
from certguard.core.errors import AppError, NotFound
from certguard.core.policy import require
from certguard.core.scoping import UserLike
from certguard.enforcement import draw as algorithm
from certguard.enforcement.common import enforcement_body, text
from certguard.enforcement.inspections import task_create
from certguard.enforcement.models import Draw, Inspector, Plan, Recusal, RegisterUnit
from certguard.enforcement.reference import DEFAULT_RATIOS
from certguard.orgs.reference import DEPARTMENTS
from certguard.orgs.reference import region_prefix as _prefix

HEX = frozenset("0123456789abcdef")


def _units(plan: Plan) -> str:
    sectors = DEPARTMENTS.get(plan.department, ("", frozenset(), frozenset()))[2]
    prefix = _prefix(plan.region_id)
    rows = (RegisterUnit.objects.filter(active=True, region__code__startswith=prefix)
            .values_list("organisation_id", "kind", "sector", "risk_tier", "region_id"))
    return algorithm.units_text((i, k, s, t, r) for i, k, s, t, r in rows.iterator()
                                if k != "enterprise" or s in sectors)


def _inspectors(plan: Plan, *, cross_county: bool) -> str:
    prefix = plan.region_id[:4] if cross_county else _prefix(plan.region_id)
    rows = list(Inspector.objects.filter(active=True, department=plan.department,
                                         region__code__startswith=prefix)
                .values_list("pk", "organisation_id", "region_id", "department"))
    recused: dict[int, set[int]] = {}
    for inspector_id, unit_id in Recusal.objects.filter(
            inspector_id__in=[r[0] for r in rows]).values_list("inspector_id", "unit_id"):
        recused.setdefault(inspector_id, set()).add(unit_id)
    return algorithm.inspectors_text((i, o, r, d, recused.get(i, set())) for i, o, r, d in rows)


def _proportions(plan: Plan) -> list[dict]:
    rows = [{"sector": p.sector, "risk_tier": p.risk_tier, "percent": str(p.percent)}
            for p in plan.proportions.all()]
    return rows or [{"sector": "", "risk_tier": t, "percent": str(v)}
                    for t, v in DEFAULT_RATIOS.items()]


@transaction.atomic
def draw_commit(*, by: UserLike, plan_id: int, commitment: str, seed_source: str,
                cross_county: bool = False, per_team: int = 2) -> Draw:
    """Freeze the registers as they stand and commit to a seed by its SHA-256, before anyone
    can know the seed: the registers and the commitment are published at once."""
    actor = require(by, "enforcement.plan")
    enforcement_body(actor)
    plan = Plan.objects.restrict(by, "enforcement.plan").filter(pk=plan_id).first()
    if plan is None:
        raise NotFound("plan_not_found", "检查计划不存在或不是本部门的计划")
    if plan.approved_at is None:
        raise AppError("plan_not_approved", "年度检查计划须经部门负责人批准后才能抽取")
    commitment = str(commitment or "").strip().lower()
    if len(commitment) != 64 or not set(commitment) <= HEX:
        raise AppError("commitment_invalid", "种子承诺应为64位十六进制的 SHA-256 值",
                       fields={"commitment": ["格式无效"]})
    if not 2 <= int(per_team) <= 5:
        raise AppError("per_team_invalid", "每组检查人员应为2至5人（行政处罚法第四十二条："
                       "不少于2人）", fields={"per_team": ["2至5人"]})
    units = _units(plan)
    inspectors = _inspectors(plan, cross_county=cross_county)
    draw = Draw.objects.create(
        plan=plan, organisation=plan.organisation, department=plan.department,
        region_id=plan.region_id, commitment=commitment,
        seed_source=text(seed_source, name="seed_source", what="种子来源说明", limit=300),
        cross_county=bool(cross_county), per_team=int(per_team),
        params={"proportions": _proportions(plan), "per_team": int(per_team),
                "cross_county": bool(cross_county)},
        units_hash=algorithm.sha256_text(units),
        inspectors_hash=algorithm.sha256_text(inspectors),
        units_count=max(units.count("\n") - 1, 0),
        inspectors_count=max(inspectors.count("\n") - 1, 0),
        units_file=zlib.compress(units.encode()), inspectors_file=zlib.compress(
            inspectors.encode()), committed_by_id=actor.user_id)
    audit_record(action="create", object_type="enforcement.draw", object_id=draw.pk,
                 summary=f"双随机抽取承诺：名录库已冻结（对象 {draw.units_count}，人员 "
                         f"{draw.inspectors_count}）",
                 data={"commitment": commitment, "units_hash": draw.units_hash,
                       "inspectors_hash": draw.inspectors_hash, "params": draw.params},
                 user=by)
    return draw


def registers_of(draw: Draw) -> tuple[str, str]:
    return (zlib.decompress(bytes(draw.units_file)).decode(),
            zlib.decompress(bytes(draw.inspectors_file)).decode())


@transaction.atomic
def draw_reveal(*, by: UserLike, draw_id: int, seed: str, planned_on=None) -> Draw:
    """Reveal the seed: it must match the commitment; the selection follows, is published
    (public page, audit chain) and each fully staffed target becomes a draft task."""
    require(by, "enforcement.plan")
    draw = Draw.objects.restrict(by, "enforcement.plan").select_for_update().filter(
        pk=draw_id).first()
    if draw is None:
        raise NotFound("draw_not_found", "抽取记录不存在或不是本部门的抽取")
    if draw.status != "committed":
        raise AppError("draw_published", "该抽取已公布结果，不能再次抽取")
    seed = text(seed, name="seed", what="随机种子", limit=200)
    if algorithm.sha256_text(seed) != draw.commitment:
        raise AppError("seed_mismatch", "随机种子与事先公布的种子承诺（SHA-256）不符，不能抽取",
                       fields={"seed": ["与承诺不符"]})
    units, inspectors = registers_of(draw)
    outcome = algorithm.select(seed=seed, units=units, inspectors=inspectors,
                               proportions=draw.params["proportions"], per_team=draw.per_team,
                               cross_county=draw.cross_county)
    draw.seed, draw.status, draw.published_at = seed, "published", timezone.now()
    draw.result = {"targets": outcome.targets, "unstaffed": outcome.unstaffed}
    draw.result_hash = outcome.digest
    users = dict(Inspector.objects.filter(
        pk__in={i for _, team in outcome.targets for i in team}).values_list("pk", "user_id"))
    skipped = []
    day = planned_on or timezone.localdate()
    for unit_id, team in outcome.targets:
        if len(team) < draw.per_team:
            continue
        try:
            with transaction.atomic():
                task_create(by=by, target_id=unit_id, source="draw", planned_on=day,
                            team=[users[i] for i in team], plan_id=draw.plan_id,
                            mode="cross" if draw.cross_county else "normal",
                            source_ref=f"抽取#{draw.pk}", draw_id=draw.pk)
        except AppError as exc:
            skipped.append({"unit": unit_id, "reason": exc.message})
    draw.params = {**draw.params, "skipped": skipped}
    draw.save()
    audit_record(action="update", object_type="enforcement.draw", object_id=draw.pk,
                 summary=f"公布双随机抽取结果：抽中 {len(outcome.targets)} 家",
                 data={"seed": seed, "result_hash": draw.result_hash,
                       "units_hash": draw.units_hash, "inspectors_hash": draw.inspectors_hash},
                 user=by)
    return draw


def manifest(draw: Draw) -> dict:
    """What is published: everything needed, with the two register files, to re-run it."""
    return {"draw": draw.pk, "authority": draw.organisation.name, "plan": draw.plan.title,
            "seed_source": draw.seed_source, "commitment": draw.commitment, "seed": draw.seed,
            "params": {k: v for k, v in draw.params.items() if k != "skipped"},
            "units_hash": draw.units_hash, "inspectors_hash": draw.inspectors_hash,
            "units_count": draw.units_count, "inspectors_count": draw.inspectors_count,
            "result": draw.result, "result_hash": draw.result_hash,
            "published_at": draw.published_at.isoformat() if draw.published_at else None,
            "algorithm": "certguard.enforcement.draw.select v1"}


def draw_verify(*, draw_id: int, units: str | None = None, inspectors: str | None = None,
                published: dict | None = None) -> algorithm.Check:
    """Re-run a published draw from its stored registers (or files given) and compare."""
    draw = Draw.objects.select_related("organisation", "plan").filter(
        pk=draw_id, status="published").first()
    if draw is None:
        raise NotFound("draw_not_found", f"抽取 #{draw_id} 不存在或尚未公布")
    stored_units, stored_inspectors = registers_of(draw)
    return algorithm.verify(manifest=published or manifest(draw),
                            units=stored_units if units is None else units,
                            inspectors=stored_inspectors if inspectors is None else inspectors)


def published_draw_ids() -> list[int]:
    return list(Draw.objects.filter(status="published").order_by("pk").values_list("pk",
                                                                                   flat=True))


def manifest_json(draw: Draw) -> str:
    return json.dumps(manifest(draw), ensure_ascii=False, indent=1)
