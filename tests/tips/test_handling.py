"""Handling a report: routing, accept → clue, duplicate linked to the first, questions and
answers by receipt, deadlines with an extension a level up, overdue for the head, the final
penalty and the reward (first accepted report only, once final, every step audited)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from certguard.core.errors import AppError
from certguard.tips import intake, services
from certguard.tips.models import TipClock
from certguard.tips.rewards import reward_amount
from tests.tips.records import tip_input


def test_routed_to_the_county_department_of_the_family(world):
    tip, receipt = intake.tip_submit(data=tip_input(), source="s1")
    assert tip.organisation == world.orgs["yj_A"] and tip.department == "yj"
    assert len(receipt) == 16 and receipt.isdigit()
    assert receipt not in tip.receipt_hash
    site, _ = intake.tip_submit(data=tip_input(subject_kind="fake_site", family=""), source="s1")
    assert site.organisation == world.orgs["wx_A"]
    clock = tip.clocks.get(kind="handle")
    assert (clock.due_at - clock.started_at).days == 60


def test_the_reporter_is_seen_only_by_the_handler(world):
    tip, _ = intake.tip_submit(data=tip_input(), source="s2")
    with pytest.raises(AppError):
        services.identity_read(by=world.user("inspector", "B"), pk=tip.pk)
    with pytest.raises(AppError):  # the city sees the report but does not handle it
        services.identity_read(by=world.user("inspector", "city"), pk=tip.pk)
    who = services.identity_read(by=world.user("inspector", "A"), pk=tip.pk)
    assert who == {"name": "李举报", "contact": "13800000000"}
    from certguard.core.audit_spool import audit_ingest
    from certguard.core.models import AuditEntry

    audit_ingest(force=True)
    assert AuditEntry.objects.filter(action="read", summary="查看举报人身份").count() == 1


def test_accept_makes_a_clue_and_duplicates_join_the_first(world):
    inspector = world.user("inspector", "A")
    first, _ = intake.tip_submit(data=tip_input(), source="s3")
    second, receipt2 = intake.tip_submit(data=tip_input(anonymous=True, name="", contact=""),
                                         source="s4")
    services.tip_accept(by=inspector, pk=first.pk)
    first.refresh_from_db()
    assert first.status == "accepted" and first.clue_id
    from certguard.clues.selectors import clue_get

    clue = clue_get(user=inspector, pk=first.clue_id)
    assert clue.rule == "TIP" and clue.source_kind == "tip" and clue.family == "special_ops"
    with pytest.raises(AppError):
        services.tip_refuse(by=inspector, pk=second.pk, reason="duplicate")
    services.tip_refuse(by=inspector, pk=second.pk, reason="duplicate", duplicate_of=first.pk)
    second.refresh_from_db()
    assert second.duplicate_of_id == first.pk and second.matter_id == first.matter_id
    progress = intake.progress_for_reporter(intake.tip_by_receipt(receipt=receipt2,
                                                                  source="s4"))
    assert progress["status_code"] == "refused" and "重复" in progress["refusal"]
    assert services.reward_eligibility(second) == "只有被受理的首次举报才能申领奖励"


def test_reward_only_once_final_then_approved_and_paid(world):
    inspector, head = world.user("inspector", "A"), world.user("department_head", "A")
    tip, receipt = intake.tip_submit(data=tip_input(), source="s5")
    services.tip_accept(by=inspector, pk=tip.pk)
    services.tip_ask(by=inspector, pk=tip.pk, text="张某在哪个工地？")
    opened = intake.tip_by_receipt(receipt=receipt, source="s5")
    intake.tip_answer(tip=opened, text="在二号井。")
    with pytest.raises(AppError) as caught:
        services.reward_claim(tip=opened, payee="李举报 工商银行 6222")
    assert "处罚决定生效后" in caught.value.message
    services.penalty_record(by=inspector, pk=tip.pk, decision_no="沁应急罚〔2024〕3号",
                            final_on=date.today(), fine="10000")
    opened.refresh_from_db()
    reward = services.reward_claim(tip=opened, payee="李举报 工商银行 6222")
    assert reward.amount == Decimal("3000")  # 15 % of 10,000 is under the floor
    assert b"6222" not in bytes(reward.payee)
    assert intake.progress_for_reporter(opened)["reward"]["amount"] is None  # until approved
    with pytest.raises(AppError):
        services.reward_decide(by=inspector, pk=tip.pk, approve=True)
    services.reward_decide(by=head, pk=tip.pk, approve=True)
    services.reward_pay(by=head, pk=tip.pk, voucher_no="PZ-001")
    opened.refresh_from_db()
    assert intake.progress_for_reporter(opened)["reward"]["amount"] == Decimal("3000")
    assert services.payee_read(by=head, pk=tip.pk).startswith("李举报")


@pytest.mark.parametrize(("fine", "deaths", "grade", "expected"), [
    (Decimal("100000"), 0, "", Decimal("15000")),
    (Decimal("10000"), 0, "", Decimal("3000")),
    (Decimal("5000000"), 0, "", Decimal("300000")),
    (None, 2, "larger", Decimal("80000")),
    (None, 9, "extraordinary", Decimal("300000")),
])
def test_reward_schedule(fine, deaths, grade, expected):
    from certguard.tips.reference import DEFAULTS

    amount, basis = reward_amount(rules=DEFAULTS, fine=fine, deaths=deaths, grade=grade)
    assert amount == expected and basis


def test_extension_approved_a_level_up_and_overdue_listed(world):
    inspector = world.user("inspector", "A")
    tip, _ = intake.tip_submit(data=tip_input(), source="s6")
    services.tip_accept(by=inspector, pk=tip.pk)
    services.tip_extension_request(by=inspector, pk=tip.pk, reason="需要外省协查")
    with pytest.raises(AppError) as caught:  # the county's own head is not the level above
        services.tip_extension_approve(by=world.user("department_head", "A"), pk=tip.pk)
    assert "上一级" in caught.value.message
    before = tip.clocks.get(kind="handle").due_at
    services.tip_extension_approve(by=world.user("department_head", "city"), pk=tip.pk)
    assert tip.clocks.get(kind="handle").due_at - before == timedelta(days=30)
    assert "需要外省协查" in tip.messages.filter(kind="notice").last().text
    TipClock.objects.filter(tip=tip).update(due_at=timezone.now() - timedelta(days=1))
    from certguard.tips.selectors import overdue_clocks

    assert [c.tip_id for c in overdue_clocks(user=world.user("department_head", "A"))] == \
        [tip.pk]
    assert not overdue_clocks(user=world.user("department_head", "city")).exclude(
        tip__place__code__startswith="1405").exists()
    services.tip_close(by=inspector, pk=tip.pk, result="已查实，处罚并吊销。")
    assert not overdue_clocks(user=world.user("department_head", "A")).exists()


def test_figures_list_their_records(world):
    from certguard.tips.figures import figure_records, tips_figures

    inspector = world.user("inspector", "A")
    tip, _ = intake.tip_submit(data=tip_input(), source="s7")
    services.tip_accept(by=inspector, pk=tip.pk)
    data = tips_figures(user=inspector, group_by="region")
    assert data["totals"]["received"] == 1 and data["totals"]["accepted"] == 1
    assert [t.pk for t in figure_records(user=inspector, figure="accepted")] == [tip.pk]
    assert tips_figures(user=world.user("inspector", "B"))["totals"]["received"] == 0
