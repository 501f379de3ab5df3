"""Rectification of problems, automatic clues for suspected fakes (once), send-back, scoping."""

from __future__ import annotations

from datetime import date

import pytest

from certguard.clues.models import Clue
from certguard.core.errors import AppError
from certguard.core.models import AuditEntry
from certguard.selfcheck import rectification
from certguard.selfcheck.models import Rectification, RosterUpload, UploadEvent, WorkerResult
from tests.selfcheck.verified import verified_upload

FAKES = {"not_found", "id_mismatch", "name_mismatch", "altered"}


@pytest.fixture
def upload(cast, tmp_path, django_capture_on_commit_callbacks):
    return verified_upload(cast, tmp_path, django_capture_on_commit_callbacks)


def _result(kind: str) -> WorkerResult:
    return WorkerResult.objects.get(result=kind)


def test_suspected_fakes_become_clues_once(cast, upload):
    clues = Clue.objects.filter(source_kind="selfcheck", source_id=upload.pk)
    assert {c.evidence["declared_name"] for c in clues} == {
        r.worker_name for r in WorkerResult.objects.filter(result__in=FAKES)}
    assert sorted(clues.values_list("rule", flat=True)) == ["R01", "R03", "R04", "R05"]
    clue = clues.get(rule="R01")
    assert clue.region_id == "140521" and clue.employer_code == cast.enterprise_x.credit_code
    assert clue.organisation_id == cast.enterprise_x.pk
    # Re-running adds nothing.
    assert rectification.upload_report_fakes(upload_id=upload.pk) == 0
    assert clues.count() == 4


def test_the_responsible_regulator_sees_the_clue(cast, client, upload):
    clue = Clue.objects.get(source_kind="selfcheck", rule="R01")
    assert Clue.objects.restrict(cast.inspector_a, "clues.view").filter(pk=clue.pk).exists()
    assert Clue.objects.restrict(cast.inspector_city, "clues.view").filter(pk=clue.pk).exists()
    for outsider in (cast.inspector_b, cast.user_x, cast.user_y, cast.police):
        assert not Clue.objects.restrict(outsider, "clues.view").filter(pk=clue.pk).exists()


def test_rectification_is_recorded_with_history_and_audited(cast, client, upload):
    result = _result("expired")
    client.force_login(cast.user_x)
    url = f"/selfcheck/uploads/{upload.pk}/results/{result.pk}/rectify/"
    client.post(url, {"action": "dismiss", "done_on": "2025-06-02", "note": "暂停作业"})
    client.post(url, {"action": "review", "done_on": "2025-06-10", "note": "已复审"})
    history = list(Rectification.objects.filter(result=result))
    assert [h.get_action_display() for h in history] == ["复审", "辞退"]
    result.refresh_from_db()
    assert result.rectified_action == "review" and result.rectified_on == date(2025, 6, 10)
    assert AuditEntry.objects.filter(object_type="selfcheck.rectification").count() == 2
    page = client.get(f"/selfcheck/uploads/{upload.pk}/?result=problems").content.decode()
    assert "辞退：暂停作业" in page and "已整改 <strong>1</strong>" in page
    assert "待整改 <strong>8</strong>" in page
    # Not a problem: nothing to rectify.
    with pytest.raises(AppError):
        rectification.rectification_record(by=cast.user_x, result=_result("valid"),
                                           action="review", done_on=date(2025, 6, 2))


def test_certificate_source_goes_to_the_clue_evidence(cast, client, upload):
    result = _result("not_found")
    client.force_login(cast.user_x)
    client.post(f"/selfcheck/uploads/{upload.pk}/results/{result.pk}/rectify/",
                {"action": "report", "done_on": "2025-06-02",
                 "cert_source": "网上中介“速通培训”代办，500元"})
    clues = Clue.objects.filter(source_kind="selfcheck", id_no=result.worker_id_no)
    assert clues.count() == 1  # no duplicate
    assert clues.get().evidence["employer_cert_source"] == "网上中介“速通培训”代办，500元"


def test_reporting_another_problem_creates_its_clue_once(cast, upload):
    result = _result("revoked")
    for day in (2, 3):
        rectification.rectification_record(by=cast.user_x, result=result, action="report",
                                           done_on=date(2025, 6, day))
    clue = Clue.objects.get(source_kind="selfcheck", id_no=result.worker_id_no)
    assert clue.rule == "R09"


def test_others_cannot_rectify(cast, client, upload):
    result = _result("expired")
    url = f"/selfcheck/uploads/{upload.pk}/results/{result.pk}/rectify/"
    data = {"action": "dismiss", "done_on": "2025-06-02"}
    client.force_login(cast.user_y)
    assert client.post(url, data).status_code == 404
    client.force_login(cast.inspector_a)
    client.post(url, data)
    assert not Rectification.objects.exists()


def test_send_back_and_refile(cast, client, upload):
    client.force_login(cast.inspector_b)  # another county: cannot see, cannot return
    assert client.post(f"/selfcheck/uploads/{upload.pk}/return/",
                       {"reason": "x"}).status_code == 404
    client.force_login(cast.user_x)
    client.post(f"/selfcheck/uploads/{upload.pk}/return/", {"reason": "自己退回"})
    upload.refresh_from_db()
    assert not upload.is_returned

    client.force_login(cast.inspector_a)
    page = client.get(f"/selfcheck/uploads/{upload.pk}/").content.decode()
    assert 'data-testid="return-form"' in page
    client.post(f"/selfcheck/uploads/{upload.pk}/return/", {"reason": ""})
    upload.refresh_from_db()
    assert not upload.is_returned  # a reason is required
    client.post(f"/selfcheck/uploads/{upload.pk}/return/", {"reason": "整改记录不完整"})
    upload.refresh_from_db()
    assert upload.is_returned and upload.return_reason == "整改记录不完整"

    client.force_login(cast.user_x)
    page = client.get(f"/selfcheck/uploads/{upload.pk}/").content.decode()
    assert "整改记录不完整" in page and "重新报送" in page
    assert "（已退回）" in client.get("/selfcheck/uploads/").content.decode()
    client.post(f"/selfcheck/uploads/{upload.pk}/refile/", {"note": "已补充"})
    upload.refresh_from_db()
    assert not upload.is_returned
    assert list(UploadEvent.objects.values_list("kind", flat=True)) == ["returned", "refiled"]


def test_progress_per_upload_is_scoped(cast, client, upload):
    rectification.rectification_record(by=cast.user_x, result=_result("expired"),
                                       action="dismiss", done_on=date(2025, 6, 2))
    row = rectification.with_progress(RosterUpload.objects.filter(pk=upload.pk)).get()
    assert (row.found, row.rectified, row.outstanding) == (9, 1, 8)
    for user, sees in ((cast.inspector_a, True), (cast.inspector_city, True),
                       (cast.inspector_b, False), (cast.construction_inspector_a, False),
                       (cast.user_y, False), (cast.police, False)):
        client.force_login(user)
        page = client.get("/selfcheck/uploads/").content.decode()
        assert (upload.file_name in page) is sees, user


def test_the_job_says_how_many_clues_it_reported(upload):
    from certguard.core.models import Job

    assert Job.objects.get(pk=upload.job_id).result["上报疑似假证线索"] == 4
