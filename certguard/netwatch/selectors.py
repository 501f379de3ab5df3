"""Reads of network governance, always through restrict()."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from certguard.core.audit import audit_record
from certguard.core.errors import NotFound
from certguard.core.scoping import UserLike
from certguard.netwatch.models import Capture, Handover, KeywordList, SuspectAd, SuspectDomain


def domains_for(*, user: UserLike, q: str = "", status: str = "") -> QuerySet[SuspectDomain]:
    rows = SuspectDomain.objects.restrict(user, "netwatch.view").select_related("region")
    if q.strip():
        rows = rows.filter(domain__contains=q.strip().lower()[:100])
    if status:
        rows = rows.filter(status=status[:12])
    return rows.order_by("-score", "domain")


def domain_get(*, user: UserLike, pk: int, action: str = "netwatch.view") -> SuspectDomain:
    found = SuspectDomain.objects.restrict(user, action).filter(pk=pk).first()
    if found is None:
        raise NotFound("suspect_not_found", "疑似域名不存在或无权查看")
    return found


def ads_for(*, user: UserLike) -> QuerySet[SuspectAd]:
    return SuspectAd.objects.restrict(user, "netwatch.view").order_by("-created_at")


def ad_get(*, user: UserLike, pk: int, action: str = "netwatch.view") -> SuspectAd:
    found = SuspectAd.objects.restrict(user, action).filter(pk=pk).first()
    if found is None:
        raise NotFound("suspect_not_found", "疑似广告不存在或无权查看")
    return found


def captures_for(*, user: UserLike) -> QuerySet[Capture]:
    return Capture.objects.restrict(user, "netwatch.view").select_related("suspect")


def capture_get(*, user: UserLike, pk: int) -> Capture:
    found = captures_for(user=user).filter(pk=pk).first()
    if found is None:
        raise NotFound("capture_not_found", "取证记录不存在或无权查看")
    return found


def handovers_for(*, user: UserLike) -> QuerySet[Handover]:
    return Handover.objects.restrict(user, "netwatch.view").select_related("domain", "ad")


def handover_get(*, user: UserLike, pk: int, action: str = "netwatch.view") -> Handover:
    found = Handover.objects.restrict(user, action).select_related("domain", "ad").filter(
        pk=pk).first()
    if found is None:
        raise NotFound("handover_not_found", "移交记录不存在或无权查看")
    return found


def can_work(*, user: UserLike, obj) -> bool:
    return type(obj).objects.restrict(user, "netwatch.work").filter(pk=obj.pk).exists()


def keyword_lists() -> list[KeywordList]:
    return list(KeywordList.objects.order_by("department", "-version")[:100])


def counts(*, user: UserLike) -> dict:
    domains = SuspectDomain.objects.restrict(user, "netwatch.view")
    return {"domains": dict(domains.values_list("status").annotate(n=Count("pk"))),
            "ads": dict(SuspectAd.objects.restrict(user, "netwatch.view").values_list(
                "status").annotate(n=Count("pk"))),
            "handovers": dict(Handover.objects.restrict(user, "netwatch.view").values_list(
                "status").annotate(n=Count("pk")))}


def download_logged(*, user: UserLike, handover: Handover, name: str) -> None:
    audit_record(action="export", object_type="netwatch.handover", object_id=handover.pk,
                 summary=f"下载{handover.number}的{name}", user=user)
