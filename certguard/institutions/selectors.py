"""Reads of the institutions' self-inspection, always through ``restrict(user, action)``;
names and ID numbers of trainees and candidates are logged where they are read."""

from __future__ import annotations

from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.utils import timezone

from certguard.core.errors import NotFound
from certguard.core.personal import logged_reads
from certguard.core.policy import allows
from certguard.core.scoping import UserLike
from certguard.institutions.models import (
    Answer,
    Filing,
    Finding,
    Period,
    Plan,
    PlanProgress,
    RecordUpload,
)


def uploads_for(*, user: UserLike) -> QuerySet[RecordUpload]:
    return RecordUpload.objects.restrict(user, "institutions.view") \
        .select_related("organisation", "uploaded_by").order_by("-created_at", "-id")


def upload_get(*, user: UserLike, pk: int) -> RecordUpload:
    upload = uploads_for(user=user).filter(pk=pk).first()
    if upload is None:
        raise NotFound("upload_not_found", "上传记录不存在或无权查看")
    return upload


def findings_for(*, user: UserLike, action: str = "institutions.view") -> QuerySet[Finding]:
    rows = Finding.objects.restrict(user, action).select_related("organisation") \
        .order_by("-present", "status", "rule", "id")
    return logged_reads(rows, fields=("name", "id_no", "rows"), summary="查看机构自查发现的问题",
                        user=user)


def finding_get(*, user: UserLike, pk: int, action: str = "institutions.view") -> Finding:
    finding = findings_for(user=user, action=action).filter(pk=pk).prefetch_related(
        Prefetch("answers", queryset=Answer.objects.select_related("by").order_by("at", "id"))
    ).first()
    if finding is None:
        raise NotFound("finding_not_found", "问题不存在或无权查看")
    return finding


def answers_of(*, finding: Finding) -> QuerySet[Answer]:
    return finding.answers.select_related("by", "plan").order_by("at", "id")


def plans_for(*, user: UserLike) -> QuerySet[Plan]:
    return Plan.objects.restrict(user, "institutions.view") \
        .select_related("organisation", "finding").order_by("status", "deadline", "id")


def plan_get(*, user: UserLike, pk: int) -> Plan:
    plan = plans_for(user=user).filter(pk=pk).prefetch_related(
        Prefetch("progress",
                 queryset=PlanProgress.objects.select_related("by").order_by("at", "id"))
    ).first()
    if plan is None:
        raise NotFound("plan_not_found", "整改计划不存在或无权查看")
    return plan


def progress_of(*, plan: Plan) -> QuerySet[PlanProgress]:
    return plan.progress.select_related("by").order_by("at", "id")


def filings_for(*, user: UserLike) -> QuerySet[Filing]:
    return Filing.objects.restrict(user, "institutions.view") \
        .select_related("organisation", "period", "filed_by").order_by("-filed_at", "-id")


def filing_get(*, user: UserLike, pk: int) -> Filing:
    filing = filings_for(user=user).filter(pk=pk).first()
    if filing is None:
        raise NotFound("filing_not_found", "自查表不存在或无权查看")
    return filing


def periods_for(*, user: UserLike) -> QuerySet[Period]:
    return Period.objects.restrict(user, "institutions.view").order_by("-start", "-id")


def progress_by_institution(*, user: UserLike) -> list[dict]:
    """The regulator's overview: each institution in scope with its findings, answers, plans
    (overdue ones counted) and filings — one grouped query per kind of record."""
    today = timezone.localdate()
    findings = Finding.objects.restrict(user, "institutions.view").values(
        "organisation_id", "organisation__name", "organisation__kind").annotate(
        total=Count("pk"), open=Count("pk", filter=Q(status="open", present=True)),
        referred=Count("pk", filter=Q(clue_id__isnull=False)))
    plans = {p["organisation_id"]: p for p in Plan.objects.restrict(
        user, "institutions.view").values("organisation_id").annotate(
        total=Count("pk"), done=Count("pk", filter=Q(status="done")),
        overdue=Count("pk", filter=Q(status="in_progress", deadline__lt=today)))}
    filings = {f["organisation_id"]: f for f in Filing.objects.restrict(
        user, "institutions.view").values("organisation_id").annotate(
        filed=Count("pk"), returned=Count("pk", filter=Q(status="returned")),
        late=Count("pk", filter=Q(late=True)), last=Max("filed_at"))}
    rows = {}
    if allows(user, "organisations.view"):  # every institution in scope, the idle ones too
        from certguard.orgs.selectors import organisations_for

        for pk, name, kind in organisations_for(user=user).filter(
                kind__in=("institution", "exam_centre")).values_list("pk", "name", "kind"):
            rows[pk] = {"id": pk, "name": name, "kind": kind, "findings": 0, "open": 0,
                        "referred": 0}
    for f in findings:
        rows[f["organisation_id"]] = {"id": f["organisation_id"], "name": f["organisation__name"],
                                      "kind": f["organisation__kind"], "findings": f["total"],
                                      "open": f["open"], "referred": f["referred"]}
    for org_id in set(plans) | set(filings):
        rows.setdefault(org_id, {"id": org_id, "name": "", "kind": "", "findings": 0,
                                 "open": 0, "referred": 0})
    if any(not r["name"] for r in rows.values()):
        from certguard.orgs.selectors import organisations_for

        names = dict(organisations_for(user=user).filter(
            pk__in=[k for k, r in rows.items() if not r["name"]]).values_list("pk", "name"))
        for key, row in rows.items():
            row["name"] = row["name"] or names.get(key, f"#{key}")
    for key, row in rows.items():
        p, f = plans.get(key, {}), filings.get(key, {})
        row.update(plans=p.get("total", 0), plans_done=p.get("done", 0),
                   plans_overdue=p.get("overdue", 0), filed=f.get("filed", 0),
                   returned=f.get("returned", 0), late=f.get("late", 0),
                   last_filed=f.get("last"))
    return sorted(rows.values(), key=lambda r: (r["filed"] > 0, -r["open"],
                                                -r["plans_overdue"], r["name"]))
