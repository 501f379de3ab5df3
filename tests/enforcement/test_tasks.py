"""Tasks: approval by the head only, sources, the campaign office never creates, 四不两直
secrecy before the visit, the 逢查必检证书 worker list, and the yearly cap across departments."""

from __future__ import annotations

import pytest
from django.utils import timezone

from certguard.core.errors import AppError
from certguard.enforcement import selectors, services
from certguard.enforcement.models import Task, TaskMember
from tests.enforcement.records import WORKER_ID, new_task, team

pytestmark = pytest.mark.django_db


def test_task_lists_ledger_workers_and_checklist(world):
    t = team(world)
    task = new_task(t)
    assert list(task.workers.values_list("id_no", flat=True)) == [WORKER_ID]
    assert task.checklist.count() == 7
    assert task.status == "draft"
    assert set(task.members.values_list("user_id", flat=True)) == {t.inspector.pk, t.second.pk}


def test_only_the_departments_head_approves(world):
    t = team(world)
    task = new_task(t, status="pending")
    for someone in (t.inspector, world.user("department_head", "B"),
                    world.user("campaign_office", "A")):
        with pytest.raises(AppError) as err:
            services.task_approve(by=someone, task_id=task.pk)
        assert err.value.code == "not_head"
        assert "负责人" in err.value.message
    task.refresh_from_db()
    assert task.status == "pending" and task.approved_by_id is None
    services.task_approve(by=t.head, task_id=task.pk)
    task.refresh_from_db()
    assert task.status == "approved" and task.approved_by_id == t.head.pk


def test_campaign_office_never_creates(world):
    t = team(world)
    with pytest.raises(AppError) as err:
        services.task_create(by=world.user("campaign_office", "A"),
                             target_id=world.cast.enterprise_x.pk, source="plan",
                             planned_on=timezone.localdate(), team=[t.inspector.pk, t.second.pk])
    assert err.value.status == 403
    assert Task.objects.count() == 0


def test_team_needs_two_registered_unrecused_inspectors(world):
    t = team(world)
    with pytest.raises(AppError) as err:
        services.task_create(by=t.inspector, target_id=world.cast.enterprise_x.pk,
                             source="plan", planned_on=timezone.localdate(),
                             team=[t.inspector.pk])
    assert err.value.code == "team_too_small"
    from certguard.enforcement.models import Inspector

    second = Inspector.objects.get(user=t.second)
    services.recusal_add(by=t.head, inspector_id=second.pk, unit_id=world.cast.enterprise_x.pk,
                         reason="其配偶在该企业任安全员")
    with pytest.raises(AppError) as err:
        new_task(t)
    assert err.value.code == "recused"
    assert Task.objects.count() == 0 and TaskMember.objects.count() == 0


def test_reinspection_needs_an_order(world):
    t = team(world)
    with pytest.raises(AppError) as err:
        new_task(t, source="reinspection")
    assert err.value.code == "reinspection_without_order"
    assert "整改" in err.value.message
    assert Task.objects.count() == 0


def test_repeated_inspection_warns_and_cap_is_shared(world):
    t = team(world)
    first = new_task(t, cap_reason="")
    created = services.task_create(by=t.inspector, target_id=world.cast.enterprise_x.pk,
                                   source="clue", planned_on=first.planned_on,
                                   team=[t.inspector.pk, t.second.pk])
    assert any(f"#{first.pk}" in w for w in created.warnings)
    with pytest.raises(AppError) as err:  # default cap: 2 a year, every department together
        services.task_create(by=t.inspector, target_id=world.cast.enterprise_x.pk,
                             source="tip", planned_on=first.planned_on,
                             team=[t.inspector.pk, t.second.pk])
    assert err.value.code == "cap_reached" and "上限" in err.value.message
    assert Task.objects.count() == 2
    third = services.task_create(by=t.inspector, target_id=world.cast.enterprise_x.pk,
                                 source="tip", planned_on=first.planned_on,
                                 team=[t.inspector.pk, t.second.pk],
                                 cap_reason="群众举报涉及无证上岗，须立即核查")
    assert third.task.cap_reason.startswith("群众举报")


def test_secret_task_hidden_until_the_visit_starts(world):
    t = team(world)
    task = new_task(t, mode="secret", status="approved")
    insiders = [t.inspector, t.second, t.head]
    outsiders = [world.cast.user_x, world.user("inspector", "city"),
                 world.user("campaign_office", "A"), world.user("analyst", "A"),
                 world.user("inspector", "B"), world.user("worker", "A"), None]
    for user in insiders:
        assert selectors.tasks_for(user=user).filter(pk=task.pk).exists()
    for user in outsiders:
        assert not selectors.tasks_for(user=user).filter(pk=task.pk).exists(), user
    services.task_start(by=t.inspector, task_id=task.pk)
    assert selectors.tasks_for(user=world.cast.user_x).filter(pk=task.pk).exists()
    assert selectors.tasks_for(user=world.user("campaign_office", "A")).filter(
        pk=task.pk).exists()


def test_secret_task_not_in_pages_api_or_audit_for_outsiders(world, client):
    from tests.core.test_permission_matrix import _sign_in

    t = team(world)
    task = new_task(t, mode="secret", status="approved")
    for user in (world.cast.user_x, world.user("inspector", "city")):
        _sign_in(client, user)
        assert client.get(f"/enforcement/tasks/{task.pk}/").status_code == 404
        assert client.get(f"/api/v1/enforcement/tasks/{task.pk}").status_code == 404
        listing = client.get("/api/v1/enforcement/tasks").json()
        assert task.pk not in [r["id"] for r in listing["results"]]
        page = client.get("/enforcement/tasks/").content.decode()
        assert task.target_name not in page
    # the audit log is read by the audit administrator only
    _sign_in(client, world.cast.user_x)
    assert client.get("/audit/").status_code == 403
