"""Typical-case bulletins: “一类一通报” (one per kind) and “一季度一通报” (quarterly), drafted
from closed cases with personal data masked by rule, checked again at every edit and at
approval; approved by the department head, then published."""

from __future__ import annotations

import re
from datetime import date, datetime, time

from django.db import transaction
from django.utils import timezone

from certguard.cases import documents
from certguard.cases.common import locked, now, text
from certguard.cases.masking import mask_text, unmasked
from certguard.cases.models import Bulletin, Case, Referral
from certguard.cases.reference import BULLETIN_KINDS, BULLETIN_TYPES, INDIVIDUAL_PARTIES
from certguard.core.errors import AppError
from certguard.core.policy import require
from certguard.core.scoping import UserLike, account_of

MISSING = "通报不存在或无权查看"
_PERIOD = re.compile(r"^(\d{4})Q([1-4])$")


def period_bounds(period: str) -> tuple[datetime, datetime]:
    found = _PERIOD.match(period or "")
    if not found:
        raise AppError("period_invalid", "期间格式应为“年份Q季度”，如 2026Q3",
                       fields={"period": ["期间无效"]})
    year, quarter = int(found.group(1)), int(found.group(2))
    if not 2000 <= year <= 2100:  # the platform's cases lie in this century
        raise AppError("period_invalid", "期间的年份应在 2000 至 2100 之间",
                       fields={"period": ["年份无效"]})
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1)
    tz = timezone.get_current_timezone()
    return datetime.combine(start, time.min, tz), datetime.combine(end, time.min, tz)


def _handling(case: Case) -> str:
    parts = []
    for decision in case.decisions.all():
        what = decision.get_kind_display()
        parts.append(f"{what}，罚款{decision.amount:,.0f}元" if decision.amount else what)
    try:
        referral = case.referral
    except Referral.DoesNotExist:
        referral = None
    if referral is not None and referral.transferred_at:
        parts.append(f"移送公安机关（{referral.get_status_display()}）")
    return "；".join(parts) or case.get_closure_display()


def _entry(case: Case) -> dict:
    names = [p.name for p in case.parties.all() if p.kind in INDIVIDUAL_PARTIES]
    return {"case_id": case.pk, "number": case.number,
            "kind": BULLETIN_KINDS.get(case.kind, ""),
            "title": mask_text(case.title, names=names),
            "facts": mask_text(case.facts, names=names),
            "handling": mask_text(_handling(case), names=names)}


def _check(entries: list[dict]) -> list[dict]:
    clean = []
    for i, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            raise AppError("entries_invalid", f"第{i}条案例格式无效")
        row: dict[str, object] = {
            k: text(entry.get(k, ""), field=k, what="案例内容", required=k in ("title", "facts"),
                    limit=5000) for k in ("number", "kind", "title", "facts", "handling")}
        row["case_id"] = entry.get("case_id")
        left = [kind for value in row.values() if isinstance(value, str)
                for kind in unmasked(value)]
        if left:
            raise AppError("bulletin_unmasked", f"第{i}条案例仍含{'、'.join(sorted(set(left)))}，"
                           "须删除后才能保存（个人信息须脱敏）", fields={"entries": ["未脱敏"]})
        clean.append(row)
    return clean


@transaction.atomic
def bulletin_draft(*, by: UserLike, kind: str, period: str) -> Bulletin:
    actor = require(by, "cases.bulletin_draft")
    if kind not in BULLETIN_TYPES:
        raise AppError("bulletin_kind_invalid", "通报类别无效", fields={"kind": ["类别无效"]})
    start, end = period_bounds(period)
    if actor.organisation_id is None:
        raise AppError("not_an_authority", "只有执法部门的人员才能起草通报")
    found = (Case.objects.restrict(by, "cases.view")
             .filter(status="closed", closed_at__gte=start, closed_at__lt=end,
                     region__code__startswith=actor.region_prefix)
             .select_related("referral").prefetch_related("parties", "decisions")
             .order_by("closed_at", "pk"))
    if kind != "quarterly":
        found = found.filter(kind=kind)
    cases = list(found[:200])
    if not cases:
        raise AppError("no_cases", f"{period}没有可通报的已结案案件")
    label = BULLETIN_TYPES[kind]
    return Bulletin.objects.create(
        kind=kind, period=period, organisation_id=actor.organisation_id,
        region_id=actor.region_code, department=actor.department,
        title=f"关于{period[:4]}年第{period[-1]}季度典型案例的通报（{label}）"[:200],
        entries=_check([_entry(c) for c in cases]), case_ids=[c.pk for c in cases],
        drafted_by=account_of(by))


def _bulletin(by: UserLike, pk: int, action: str) -> Bulletin:
    return locked(Bulletin, by=by, pk=pk, action=action, view="cases.bulletins",
                  missing=MISSING)


@transaction.atomic
def bulletin_edit(*, by: UserLike, pk: int, entries: list[dict], title: str = "") -> Bulletin:
    bulletin = _bulletin(by, pk, "cases.bulletin_draft")
    if bulletin.status != "draft":
        raise AppError("bulletin_not_draft", "通报已审批，不能再修改")
    if not isinstance(entries, list) or not entries:
        raise AppError("entries_invalid", "通报至少要有一条案例")
    bulletin.entries = _check(entries)
    if title:
        bulletin.title = text(title, field="title", what="标题", limit=200)
    bulletin.save(update_fields=["entries", "title", "updated_at"])
    return bulletin


@transaction.atomic
def bulletin_approve(*, by: UserLike, pk: int) -> Bulletin:
    bulletin = _bulletin(by, pk, "cases.bulletin_approve")
    if bulletin.status != "draft":
        raise AppError("bulletin_not_draft", "通报已审批")
    _check(bulletin.entries)
    # The PDF and the DOCX are drawn from the same sections as this text.
    left = unmasked(documents.docx_text(bulletin_docx(bulletin)))
    if left:
        raise AppError("bulletin_unmasked", f"通报文件仍含{'、'.join(left)}，不能审批")
    bulletin.status, bulletin.approved_by, bulletin.approved_at = "approved", account_of(by), now()
    bulletin.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    return bulletin


@transaction.atomic
def bulletin_publish(*, by: UserLike, pk: int) -> Bulletin:
    bulletin = _bulletin(by, pk, "cases.bulletin_approve")
    if bulletin.status != "approved":
        raise AppError("bulletin_not_approved", "通报须经负责人审批后才能发布")
    bulletin.status, bulletin.published_at = "published", now()
    bulletin.save(update_fields=["status", "published_at", "updated_at"])
    return bulletin


def _sections(bulletin: Bulletin) -> list[documents.Section]:
    intro = documents.Section("", [
        f"　　为深入推进打击假冒特种作业操作证专项行动，现将{bulletin.period[:4]}年第"
        f"{bulletin.period[-1]}季度查处的{len(bulletin.entries)}起典型案例通报如下。"])
    cases = [documents.Section(f"{i}. {e['title']}", [
        f"案号：{e['number']}" + (f"　类别：{e['kind']}" if e.get("kind") else ""),
        f"基本案情：{e['facts']}", f"处理情况：{e['handling']}"])
        for i, e in enumerate(bulletin.entries, start=1)]
    return [intro, *cases]


def _meta(bulletin: Bulletin) -> dict:
    stamp = (bulletin.approved_at or bulletin.created_at)
    return {"title": bulletin.title, "number": BULLETIN_TYPES.get(bulletin.kind, ""),
            "sender": bulletin.organisation.name, "date": f"{stamp:%Y年%m月%d日}"}


def bulletin_pdf(bulletin: Bulletin) -> bytes:
    return documents.pdf(sections=_sections(bulletin), **_meta(bulletin))


def bulletin_docx(bulletin: Bulletin) -> bytes:
    return documents.docx(sections=_sections(bulletin), **_meta(bulletin))
