"""The demo campaigns: seed 002's 晋城 2024 campaign (its six months, July to December:
bi-monthly 工作情况统计表 and monthly 检查表, whose submissions ``reporting.demo`` drives
through every state) with a 约谈 of a lagging department in progress; and the 广东 2018
campaign (seed 004) as data.

Every role of the two apps has work waiting: the county offices a report to fill or correct,
the city office reports to approve, non-submitters to remind and a rectification report to
receive; the provincial office the city's report. Safe to run again."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from certguard.campaigns import services
from certguard.campaigns.models import Campaign, Supervision
from certguard.campaigns.reference import SEED_CAMPAIGNS
from certguard.core.scoping import COMMAND_LINE, UserLike
from certguard.orgs.selectors import organisations_for
from certguard.orgs.services import throwaway_password, user_create

OFFICES = {"140521": ("demo_campaign_qs", "沁水县专项办"),
           "140522": ("demo_campaign_yc", "阳城县专项办"),
           "140525": ("demo_campaign_zz", "泽州县专项办"),
           "140000": ("demo_campaign_sx", "山西省专项办")}


def _office(code: str, password: str) -> UserLike:
    from django.contrib.auth import get_user_model

    username, name = OFFICES[code]
    existing = get_user_model().objects.filter(username=username).first()
    if existing is not None:
        return existing
    department = organisations_for(user=COMMAND_LINE, kind="department").filter(
        region_id=code, department="yj").first()
    # A random password passes the validators; the demo's published one is set afterwards,
    # as for every demo account (certguard demo is refused in production).
    user = user_create(username=username, password=throwaway_password(), display_name=name,
                       organisation=department, role="campaign_office")
    user.set_password(password)
    user.save(update_fields=["password"])
    return user


def _department(code: str, kind: str):
    return organisations_for(user=COMMAND_LINE, kind="department").filter(
        region_id=code, department=kind).first()


@transaction.atomic
def demo_campaigns_build(*, city: UserLike, password: str) -> dict:
    """``city``: 晋城市's campaign office login (from the demo world)."""
    offices = {code: _office(code, password) for code in ("140521", "140522", "140525")}
    province = _office("140000", password)
    jincheng = Campaign.objects.filter(doc_no=SEED_CAMPAIGNS["jc-2024"]["doc_no"]).first() \
        or services.campaign_install(by=city, key="jc-2024")
    if not Campaign.objects.filter(doc_no=SEED_CAMPAIGNS["gd-2018"]["doc_no"]).exists():
        services.campaign_install(by=COMMAND_LINE, key="gd-2018")
    interview = _interview(jincheng, city)
    return {"campaign": jincheng.name, "interview": interview.pk if interview else None,
            "logins": [name for name, _ in OFFICES.values()],
            "reporting": {"series": jincheng.series, "offices": offices, "city": city,
                          "province": province}}


def _interview(campaign: Campaign, city: UserLike) -> Supervision | None:
    """阳城县应急管理局 lags (a returned table, a late one): reminded, then summoned; the
    meeting held and minuted, the written rectification report still awaited."""
    target = _department("140522", "yj")
    if target is None:
        return None
    existing = Supervision.objects.filter(campaign=campaign, target=target,
                                          stage="interview").first()
    if existing is not None:
        return existing
    lagging = ["9—10月统计表被退回未重报", "7—8月统计表逾期报送"]
    remind = services.supervision_open(by=city, campaign_id=campaign.pk, target_id=target.pk,
                                       stage="remind", lagging=lagging,
                                       reason="统计表退回后未按期重报，执法检查进度滞后")
    step = services.supervision_open(by=city, campaign_id=campaign.pk, target_id=target.pk,
                                     stage="interview", previous_id=remind.pk, lagging=lagging,
                                     reason="经提醒仍未整改，约谈主要负责人")
    meeting = timezone.make_aware(datetime.combine(timezone.localdate(), time(9, 30)))
    services.interview_meeting(by=city, supervision_id=step.pk,
                               meeting_at=max(meeting, step.created_at + timedelta(minutes=1)))
    services.interview_minutes(by=city, supervision_id=step.pk, text=(
        "约谈阳城县应急管理局主要负责人。指出：统计表退回后未重报、执法检查家次偏少。"
        "要求：5个工作日内书面报送整改报告，补报9—10月统计表。"))
    return step
