"""Penalties: suggestion from the catalogue (unconfirmed tiers flagged), an amount outside the
range only with a reason → legal review, notice and decision numbered, the clocks, the late
surcharge capped at the fine, publication masked, overdue clocks for the head."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from certguard.core.errors import AppError
from certguard.enforcement import selectors, services
from certguard.enforcement.models import Clock, PenaltyDecision
from tests.enforcement.records import WORKER_ID, new_task, team

pytestmark = pytest.mark.django_db


def _finding(t, **extra):
    task = new_task(t, status="in_progress")
    values = {"kind": "uncertified", "description": "2名电焊工无证上岗", "people": 2, **extra}
    return services.finding_add(by=t.inspector, task_id=task.pk, **values)


def test_suggestion_for_two_uncertified_welders(world):
    t = team(world)
    finding = _finding(t)
    s = services.penalty_suggest(by=t.inspector, finding_id=finding.pk)
    assert s["article"] == "AQSCF-97-7" and s["tier"] == "B"
    assert (s["min"], s["max"]) == ("30000.00", "60000.00") and s["unconfirmed"]
    forged = services.suggest_for(kind="fake_cert_worker", people=1)
    assert forged["article"] == "L30-41-F" and forged["party"] == "person"


def test_outside_range_needs_a_reason_then_legal_review(world):
    t = team(world)
    finding = _finding(t)
    with pytest.raises(AppError) as err:
        services.penalty_propose(by=t.inspector, finding_id=finding.pk, amount="80000")
    assert err.value.code == "reason_required" and "法制审核" in err.value.message
    assert not PenaltyDecision.objects.exists() and not Clock.objects.exists()
    penalty = services.penalty_propose(by=t.inspector, finding_id=finding.pk, amount="80000",
                                       reason_outside="曾因同类违法被处罚，情节较重")
    assert penalty.review_status == "pending" and penalty.status == "review"
    with pytest.raises(AppError) as err:
        services.penalty_notify(by=t.inspector, penalty_id=penalty.pk)
    assert err.value.code == "review_pending"
    with pytest.raises(AppError) as err:
        services.penalty_review(by=t.inspector, penalty_id=penalty.pk, approve=True, note="同意")
    assert err.value.code == "not_head"
    services.penalty_review(by=t.head, penalty_id=penalty.pk, approve=True, note="理由充分")
    notice = services.penalty_notify(by=t.inspector, penalty_id=penalty.pk)
    assert notice.kind == "notice" and "罚告" in notice.number


def test_procedure_clocks_surcharge_and_publication(world, client):
    t = team(world)
    finding = _finding(t, worker_id_no=WORKER_ID, worker_name="王电工")
    penalty = services.penalty_propose(by=t.inspector, finding_id=finding.pk, amount="40000")
    decision_clock = penalty.clocks.get(kind="decision")
    assert (decision_clock.due_at - penalty.filed_at).days == 90
    services.penalty_notify(by=t.inspector, penalty_id=penalty.pk)
    with pytest.raises(AppError) as err:
        services.penalty_decide(by=t.inspector, penalty_id=penalty.pk)
    assert err.value.code == "hearing_window"
    decision = services.penalty_decide(by=t.inspector, penalty_id=penalty.pk,
                                       hearing_waived=True)
    assert decision.kind == "decision"
    services.penalty_deliver(by=t.inspector, penalty_id=penalty.pk)
    penalty.refresh_from_db()
    due = timezone.localtime(penalty.delivered_at).date() + timedelta(days=15)
    assert services.surcharge(penalty, due) == 0
    assert services.surcharge(penalty, due + timedelta(days=2)) == Decimal("2400.00")
    assert services.surcharge(penalty, due + timedelta(days=400)) == Decimal("40000.00")
    with pytest.raises(AppError) as err:
        services.penalty_pay(by=t.inspector, penalty_id=penalty.pk,
                             paid_on=timezone.localdate(), amount="100")
    assert err.value.code == "amount_short"
    services.penalty_pay(by=t.inspector, penalty_id=penalty.pk, paid_on=timezone.localdate(),
                         amount="40000")
    services.penalty_publish(by=t.inspector, penalty_id=penalty.pk)
    page = client.get("/enforcement/public/penalties/").content.decode()
    assert "40000" in page and world.cast.enterprise_x.name in page
    assert WORKER_ID not in page


def test_overdue_clock_listed_for_the_head(world, client):
    from tests.core.test_permission_matrix import _sign_in

    t = team(world)
    penalty = services.penalty_propose(by=t.inspector, finding_id=_finding(t).pk,
                                       amount="40000")
    Clock.objects.filter(penalty=penalty, kind="decision").update(
        due_at=timezone.now() - timedelta(days=1))
    assert [c.penalty_id for c in selectors.overdue_clocks(user=t.head)] == [penalty.pk]
    assert not selectors.overdue_clocks(user=world.user("department_head", "B")).exists()
    _sign_in(client, t.head)
    assert f"处罚 #{penalty.pk}" in client.get("/enforcement/overdue/").content.decode()
    _sign_in(client, t.inspector)
    assert client.get("/enforcement/overdue/").status_code == 403


def test_penalty_decisions_for_is_scoped(world):
    t = team(world)
    penalty = services.penalty_propose(by=t.inspector, finding_id=_finding(t).pk,
                                       amount="40000")
    assert list(selectors.penalty_decisions_for(user=t.head, ids_=[penalty.pk])) == [penalty]
    assert not selectors.penalty_decisions_for(user=world.user("inspector", "B"),
                                               ids_=[penalty.pk]).exists()
    assert not selectors.penalty_decisions_for(user=world.cast.user_x).exists()
