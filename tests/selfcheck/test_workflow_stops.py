"""The self-check finishes as a user watches it: progress in rows, the results page showing the
results by itself, the ledger summary counting workers put back on post, rectifications kept
across uploads of the same roster, and totals rows not read as workers."""

from __future__ import annotations

from datetime import date

from certguard import ids
from certguard.core.models import Job
from certguard.selfcheck import official_fill, rectification, services
from certguard.selfcheck.models import Rectification, RosterUpload, WorkerResult
from tests.selfcheck.cases import AS_OF, build_registry_and_rows
from tests.selfcheck.verified import verified_upload


def _csv(people: list[tuple[str, str]], tail: str = "") -> bytes:
    body = "\n".join(f"{n},{i},电工" for n, i in people)
    return f"姓名,身份证号,岗位\n{body}\n{tail}".encode()


def _people(n: int, seq: int) -> list[tuple[str, str]]:
    return [(f"工人{seq + i}", ids.make_id_no("140521", date(1984, 2, 1 + i % 27), seq + i))
            for i in range(n)]


def _confirmed(cast, data: bytes, capture, **kwargs) -> RosterUpload:
    upload = services.upload_create(by=cast.user_x, employer=cast.enterprise_x,
                                    file_name="r.csv", data=data)
    with capture(execute=True):
        services.upload_confirm(by=cast.user_x, upload=upload, as_of=AS_OF, **kwargs)
    upload.refresh_from_db()
    return upload


def test_progress_counts_rows_through_the_check(cast, django_capture_on_commit_callbacks):
    people = _people(2000, 1000)
    upload = services.upload_create(by=cast.user_x, employer=cast.enterprise_x,
                                    file_name="r.csv", data=_csv(people))
    with django_capture_on_commit_callbacks():
        services.upload_confirm(by=cast.user_x, upload=upload, as_of=AS_OF)
    heard: list[tuple[int, int, str]] = []
    services.upload_verify(upload_id=upload.pk,
                           progress=lambda done, total=None, message="": heard.append(
                               (done, total, message)))
    percents = [d for d, _t, _m in heard]
    assert percents == sorted(percents) and percents[0] == 0 and percents[-1] >= 95
    assert len(set(percents)) >= 5  # it moves through the check, not 0 then 100
    assert any("/ 2000 人" in m for _d, _t, m in heard)
    assert {t for _d, t, _m in heard} == {100}


def test_the_results_page_shows_the_results_by_itself(cast, client,
                                                      django_capture_on_commit_callbacks):
    upload = services.upload_create(by=cast.user_x, employer=cast.enterprise_x,
                                    file_name="r.csv", data=_csv(_people(3, 10)))
    with django_capture_on_commit_callbacks() as jobs:
        services.upload_confirm(by=cast.user_x, upload=upload, as_of=AS_OF)
    client.force_login(cast.user_x)
    page = client.get(f"/selfcheck/uploads/{upload.pk}/").content.decode()
    assert f'hx-get="/selfcheck/uploads/{upload.pk}/progress/"' in page
    polled = client.get(f"/selfcheck/uploads/{upload.pk}/progress/", HTTP_HX_REQUEST="true")
    assert polled.status_code == 200 and "HX-Refresh" not in polled
    for job in jobs:
        job()
    upload.refresh_from_db()
    assert Job.objects.get(pk=upload.job_id).status == "succeeded"
    done = client.get(f"/selfcheck/uploads/{upload.pk}/progress/", HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true"
    page = client.get(f"/selfcheck/uploads/{upload.pk}/").content.decode()
    assert 'data-testid="results"' in page and "hx-get" not in page


def test_the_summary_counts_workers_put_back_on_post(cast, client,
                                                     django_capture_on_commit_callbacks):
    first, second = _people(11, 100), _people(11, 300)
    _confirmed(cast, _csv(first), django_capture_on_commit_callbacks)
    away = _confirmed(cast, _csv(second), django_capture_on_commit_callbacks,
                      confirm_leaving=True)
    assert away.ledger_report["ended"] == 11
    back = _confirmed(cast, _csv(first), django_capture_on_commit_callbacks,
                      confirm_leaving=True)
    assert (back.ledger_report["resumed"], back.ledger_report["ended"]) == (11, 11)
    client.force_login(cast.user_x)
    page = client.get(f"/selfcheck/uploads/{back.pk}/").content.decode()
    assert "重新上岗 11" in page and "离岗 11" in page


def test_rectifications_carry_over_to_the_next_upload_of_the_same_roster(
        cast, client, tmp_path, django_capture_on_commit_callbacks):
    rows, _ = build_registry_and_rows(cast)
    first = verified_upload(cast, tmp_path, django_capture_on_commit_callbacks, rows=rows)
    expired = WorkerResult.objects.get(upload=first, result="expired")
    rectification.rectification_record(by=cast.user_x, result=expired, action="review",
                                       done_on=date(2025, 6, 2), note="已安排复审")
    second = verified_upload(cast, tmp_path, django_capture_on_commit_callbacks, rows=rows,
                             name="花名册-第二次.xlsx")
    again = WorkerResult.objects.get(upload=second, result="expired")
    assert (again.rectified_action, again.rectified_on) == ("review", date(2025, 6, 2))
    carried = Rectification.objects.get(result=again)
    assert carried.carried_from.result_id == expired.pk and carried.note == "已安排复审"
    assert official_fill.figures_of(upload=second).rectified == 1
    client.force_login(cast.user_x)
    page = client.get(f"/selfcheck/uploads/{second.pk}/?result=expired").content.decode()
    assert "已安排复审" in page
    third = verified_upload(cast, tmp_path, django_capture_on_commit_callbacks, rows=rows,
                            name="花名册-第三次.xlsx")
    assert Rectification.objects.filter(upload=third).count() == 1  # not once per upload


def test_totals_and_signature_rows_are_skipped_with_a_note(cast, client,
                                                          django_capture_on_commit_callbacks):
    tail = "合计,13人,\n制表人：张三,,\n"
    upload = _confirmed(cast, _csv(_people(3, 40), tail), django_capture_on_commit_callbacks)
    assert (upload.accepted_count, upload.rejected_count) == (3, 0)
    assert not WorkerResult.objects.filter(upload=upload, result="rejected").exists()
    assert [r["row_no"] for r in upload.plan["skipped_rows"]] == [5, 6]
    client.force_login(cast.user_x)
    page = client.get(f"/selfcheck/uploads/{upload.pk}/").content.decode()
    assert "跳过合计、说明或签字行 2 行" in page and "第 5 行是合计、说明或签字行" in page
