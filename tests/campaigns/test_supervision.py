"""Supervision of lagging departments: 提醒 → 警示 → 约谈 (notice, meeting, 约谈纪要, report
due in 5 working days, a late report recorded late) → 挂牌督办 (published, deadline, extension
before the deadline) → 通报; never an enterprise; every step audited."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from certguard.campaigns import services
from certguard.campaigns.models import Supervision, SupervisionDocument
from certguard.core.errors import AppError

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(world):
    office = world.user("campaign_office", "city")
    campaign = services.campaign_create(by=office, spec={
        "name": "测试专项", "region": "140500", "start": "2024-08-01", "end": "2026-12-31"})
    return office, campaign, world.orgs["yj_B"] if "yj_B" in world.orgs else None, world


def _open(setting, stage="remind", **extra):
    office, campaign, target, _ = setting
    return services.supervision_open(by=office, campaign_id=campaign.pk, target_id=target.pk,
                                     stage=stage, reason="自查率仅60%，执法检查未开展", **extra)


def test_escalation_from_reminder_to_interview_with_its_clock(setting):
    office = setting[0]
    remind = _open(setting)
    assert remind.due_date > timezone.localdate()
    assert SupervisionDocument.objects.filter(supervision=remind, kind="notice").exists()
    interview = _open(setting, "interview", previous_id=remind.pk)
    remind.refresh_from_db()
    assert remind.status == "escalated"
    with pytest.raises(AppError) as exc:
        services.interview_minutes(by=office, supervision_id=interview.pk, text="纪要")
    assert exc.value.message == "请先记录约谈时间"
    meeting = timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=1),
                                                   datetime.min.time().replace(hour=9)))
    services.interview_meeting(by=office, supervision_id=interview.pk, meeting_at=meeting)
    step = services.interview_minutes(by=office, supervision_id=interview.pk,
                                      text="约谈阳城县应急管理局，要求限期整改")
    assert step.report_due == services.add_working_days(meeting.date(), 5)
    late_at = datetime.combine(step.report_due + timedelta(days=2), datetime.min.time())
    step, message = services.rectification_report(by=office, supervision_id=interview.pk,
                                                  text="已完成整改", received_at=late_at)
    assert step.report_late is True
    assert message.startswith("整改报告已记录为逾期")
    assert SupervisionDocument.objects.get(supervision=step, kind="rectification").late


def test_enterprises_are_never_supervised(setting):
    office, campaign, _, world = setting
    with pytest.raises(AppError) as exc:
        services.supervision_open(by=office, campaign_id=campaign.pk,
                                  target_id=world.cast.enterprise_x.pk, stage="warn",
                                  reason="企业未自查")
    assert "国办发〔2024〕54号" in exc.value.message
    assert not Supervision.objects.exists()


def test_no_step_back_and_a_reason_is_required(setting):
    office, campaign, target, _ = setting
    warn = _open(setting, "warn")
    with pytest.raises(AppError) as exc:
        _open(setting, "remind", previous_id=warn.pk)
    assert exc.value.code == "stage_order"
    with pytest.raises(AppError) as exc:
        services.supervision_open(by=office, campaign_id=campaign.pk, target_id=target.pk,
                                  stage="warn", reason=" ")
    assert exc.value.code == "reason_required"
    assert Supervision.objects.count() == 1


def test_listing_publication_extension_and_closing(setting):
    office = setting[0]
    deadline = timezone.localdate() + timedelta(days=20)
    listing = _open(setting, "listing", deadline=deadline.isoformat())
    services.listing_publish(by=office, supervision_id=listing.pk)
    with pytest.raises(AppError) as exc:
        services.extension_request(by=office, supervision_id=listing.pk,
                                   until=deadline.isoformat(), reason="需要更多时间")
    assert exc.value.message == "延期日期应晚于原期限"
    services.extension_request(by=office, supervision_id=listing.pk,
                               until=(deadline + timedelta(days=10)).isoformat(),
                               reason="涉及多个县区")
    Supervision.objects.filter(pk=listing.pk).update(extension_until=date(2020, 1, 1))
    with pytest.raises(AppError) as exc:
        services.extension_request(by=office, supervision_id=listing.pk, until="2030-01-01",
                                   reason="再延")
    assert exc.value.code == "extension_late"
    closed = services.supervision_close(by=office, supervision_id=listing.pk, note="整改完成，销号")
    assert closed.status == "closed"
    assert SupervisionDocument.objects.filter(supervision=listing, kind="closing").exists()
    bulletin = _open(setting, "bulletin")
    assert bulletin.published_at is not None and bulletin.status == "closed"
