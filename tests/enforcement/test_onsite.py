"""On site: certificate check by ID + name against the registry and by the e-certificate QR
(verified with the ecert verifier), findings with photos, findings → clues, and the offline
sync: conflicts shown (never overwritten), a cancelled task refused, bad entries refuse all."""

from __future__ import annotations

import pytest

from certguard.clues.models import Clue
from certguard.core.errors import AppError
from certguard.enforcement import selectors, services
from certguard.enforcement.models import ChecklistEntry, Finding, FindingPhoto
from tests.core.matrix_objects import ID_NO, _certificate
from tests.enforcement.records import new_task, team
from tests.tips.records import png_bytes

pytestmark = pytest.mark.django_db


def test_certificate_check_by_id_and_name_and_by_qr(world):
    from certguard.ecert import services as ecert

    cert = _certificate(world)  # 李建国, special_ops 1.2, in the registry with a signing key
    t = team(world)
    task = new_task(t, status="in_progress")
    ok = services.worker_check(by=t.inspector, task_id=task.pk, id_no=ID_NO, name="李建国")
    assert ok.result == "valid" and ok.method == "manual"
    wrong = services.worker_check(by=t.inspector, task_id=task.pk, id_no=ID_NO, name="李建军")
    assert wrong.result == "not_found"  # a wrong name never tells the number is registered
    payload = ecert.certificate_sign(by=world.cast.issuer, certificate=cert).payload
    scanned = services.worker_check(by=t.inspector, task_id=task.pk, qr_text=payload)
    assert scanned.result == "ecert_valid" and scanned.method == "qr"
    forged = services.worker_check(by=t.inspector, task_id=task.pk,
                                   qr_text=payload[:-6] + "ABCDEF")
    assert forged.result == "ecert_invalid"
    with pytest.raises(AppError) as err:
        services.worker_check(by=t.inspector, task_id=task.pk, id_no="123", name="某")
    assert err.value.code == "id_no_invalid"


def test_photo_must_be_an_image_under_20_mb(world, settings):
    t = team(world)
    task = new_task(t, status="in_progress")
    with pytest.raises(AppError) as err:
        services.finding_add(by=t.inspector, task_id=task.pk, kind="uncertified",
                             description="无证上岗", people=1,
                             photos=[("证据.pdf", b"%PDF-1.4 not an image")])
    assert err.value.code == "photo_not_image" and "不是图片" in err.value.message
    big = b"\x89PNG\r\n\x1a\n" + b"0" * (20 * 1024 * 1024)
    with pytest.raises(AppError) as err:
        services.finding_add(by=t.inspector, task_id=task.pk, kind="uncertified",
                             description="无证上岗", people=1, photos=[("大图.png", big)])
    assert err.value.code == "photo_too_large" and "20 MB" in err.value.message
    assert not Finding.objects.exists() and not FindingPhoto.objects.exists()
    finding = services.finding_add(by=t.inspector, task_id=task.pk, kind="uncertified",
                                   description="无证上岗", people=1,
                                   photos=[("现场.png", png_bytes())])
    assert finding.photos.get().kind == "png"


def test_finding_becomes_a_clue(world):
    t = team(world)
    task = new_task(t, status="in_progress")
    finding = services.finding_add(by=t.inspector, task_id=task.pk, kind="fake_cert_worker",
                                   description="电工持伪造证书", people=1,
                                   worker_id_no=ID_NO, worker_name="李建国")
    clue_id = services.finding_to_clue(by=t.inspector, finding_id=finding.pk)
    clue = Clue.objects.get(pk=clue_id)
    assert clue.source_kind == "inspection" and clue.id_no == ID_NO
    assert clue.region_id == task.region_id
    with pytest.raises(AppError):
        services.finding_to_clue(by=t.inspector, finding_id=finding.pk)


def test_sync_shows_conflicts_and_never_overwrites(world):
    t = team(world)
    task = new_task(t, status="in_progress")
    bundle = selectors.offline_bundle(user=t.inspector, task=task)
    version = {e["code"]: e["version"] for e in bundle["checklist"]}
    # the second inspector records E3 online while the first is offline
    services.checklist_set(by=t.second, task_id=task.pk, code="E3", result="problem",
                           note="台账缺2人", base_version=version["E3"])
    answer = services.sync_apply(by=t.inspector, task_id=task.pk, entries=[
        {"type": "checklist", "code": "E3", "result": "ok", "note": "",
         "base_version": version["E3"]},
        {"type": "checklist", "code": "E2", "result": "problem", "note": "1人无证",
         "base_version": version["E2"]},
        {"type": "finding", "key": "k1", "kind": "uncertified", "description": "焊工无证",
         "people": 1},
        {"type": "finding", "key": "k1", "kind": "uncertified", "description": "焊工无证",
         "people": 1}])
    assert answer["applied"] == 3
    assert [c["code"] for c in answer["conflicts"]] == ["E3"]
    assert answer["conflicts"][0]["theirs"]["note"] == "台账缺2人"
    e3 = ChecklistEntry.objects.get(task=task, code="E3")
    assert (e3.result, e3.note) == ("problem", "台账缺2人")
    assert ChecklistEntry.objects.get(task=task, code="E2").result == "problem"
    assert Finding.objects.filter(task=task).count() == 1


def test_sync_of_a_cancelled_task_is_refused(world, client):
    from tests.core.test_permission_matrix import _sign_in

    t = team(world)
    task = new_task(t, status="in_progress")
    services.task_cancel(by=t.head, task_id=task.pk, reason="企业已停产")
    entries = [{"type": "finding", "key": "k", "kind": "uncertified", "description": "无证",
                "people": 1}]
    with pytest.raises(AppError) as err:
        services.sync_apply(by=t.inspector, task_id=task.pk, entries=entries)
    assert err.value.code == "task_cancelled" and "取消" in err.value.message
    _sign_in(client, t.inspector)
    response = client.post(f"/api/v1/enforcement/tasks/{task.pk}/sync",
                           data={"entries": entries}, content_type="application/json")
    assert response.status_code == 409
    assert "取消" in response.json()["error"]["message"]
    assert not Finding.objects.exists()


def test_a_bad_entry_refuses_the_whole_batch(world):
    t = team(world)
    task = new_task(t, status="in_progress")
    with pytest.raises(AppError) as err:
        services.sync_apply(by=t.inspector, task_id=task.pk, entries=[
            {"type": "finding", "key": "a", "kind": "uncertified", "description": "无证",
             "people": 1},
            {"type": "finding", "key": "b", "kind": "nonsense", "description": "x"}])
    assert "第2条离线记录" in err.value.message
    assert not Finding.objects.exists()
