"""No destructive surprise: what confirming will do is stated, an empty or ID-less roster
cannot be confirmed, a large departure must be confirmed explicitly, rows of another
enterprise are refused row by row, and a roster that checked nobody is not a filed self-check."""

from __future__ import annotations

from datetime import date

import pytest

from certguard import ids
from certguard.core.errors import AppError
from certguard.selfcheck import services
from certguard.selfcheck.figures import Period, employer_rows
from certguard.selfcheck.models import RosterUpload, WorkerResult
from certguard.workforce.models import LedgerEntry

AS_OF = date(2025, 6, 1)


def _ids(n: int, seq: int = 100) -> list[str]:
    return [ids.make_id_no("140521", date(1985, 1, 1 + i % 27), seq + i) for i in range(n)]


def _csv(rows: list[tuple[str, str]], *, header: str = "姓名,身份证号,岗位", extra: str = ""
         ) -> bytes:
    lines = [header] + [f"{name},{id_no},电工{extra}" for name, id_no in rows]
    return ("\n".join(lines) + "\n").encode()


def _upload(cast, data: bytes, name: str = "r.csv") -> RosterUpload:
    return services.upload_create(by=cast.user_x, employer=cast.enterprise_x, file_name=name,
                                  data=data)


def _confirm(cast, upload, capture, **kwargs) -> RosterUpload:
    with capture(execute=True):
        services.upload_confirm(by=cast.user_x, upload=upload, as_of=AS_OF, **kwargs)
    upload.refresh_from_db()
    return upload


@pytest.fixture
def ledger_of_ten(cast, django_capture_on_commit_callbacks):
    people = [(f"工人{i}", id_no) for i, id_no in enumerate(_ids(10))]
    upload = _confirm(cast, _upload(cast, _csv(people)), django_capture_on_commit_callbacks)
    assert upload.status == "verified" and LedgerEntry.objects.filter(active=True).count() == 10
    return people


def test_a_header_only_roster_cannot_be_confirmed(cast, client, ledger_of_ten):
    upload = _upload(cast, "姓名,身份证号\n".encode())
    client.force_login(cast.user_x)
    page = client.get(f"/selfcheck/uploads/{upload.pk}/").content.decode()
    assert "没有读取到可以核验的人员" in page
    response = client.post(f"/selfcheck/uploads/{upload.pk}/confirm/", {"as_of": "2025-06-01"},
                           follow=True)
    assert "不能确认" in response.content.decode()
    upload.refresh_from_db()
    assert upload.status == "preview" and LedgerEntry.objects.filter(active=True).count() == 10


def test_a_roster_whose_id_column_is_ignored_cannot_be_confirmed(cast, ledger_of_ten):
    upload = _upload(cast, _csv(ledger_of_ten))
    services.upload_set_mapping(by=cast.user_x, upload=upload,
                                overrides={upload.mapping[0]["sheet"]: {"1": None}})
    assert upload.plan["id_mapped"] is False
    with pytest.raises(AppError) as refused:
        services.upload_confirm(by=cast.user_x, upload=upload, as_of=AS_OF)
    assert refused.value.code == "no_id_column" and "身份证号" in refused.value.message
    assert LedgerEntry.objects.filter(active=True).count() == 10


def test_the_preview_states_what_confirming_will_do(cast, client, ledger_of_ten):
    kept = ledger_of_ten[:9]
    new = [("新人", _ids(1, seq=500)[0])]
    upload = _upload(cast, _csv([(f"{n}改", i) if k == 0 else (n, i)
                                 for k, (n, i) in enumerate(kept)] + new))
    assert {k: upload.plan[k] for k in ("added", "updated", "ended", "unchanged")} == {
        "added": 1, "updated": 1, "ended": 1, "unchanged": 8}
    client.force_login(cast.user_x)
    page = client.get(f"/selfcheck/uploads/{upload.pk}/").content.decode()
    assert "将标记 1 人离岗" in page and "新增 <strong>1</strong> 人" in page
    assert 'name="confirm_leaving"' not in page  # one of ten: no extra confirmation


def test_more_than_a_fifth_leaving_must_be_confirmed_explicitly(
        cast, client, ledger_of_ten, django_capture_on_commit_callbacks):
    upload = _upload(cast, _csv(ledger_of_ten[:7]))  # three of ten would leave
    client.force_login(cast.user_x)
    page = client.get(f"/selfcheck/uploads/{upload.pk}/").content.decode()
    assert "确认将 3 人标记为离岗" in page and 'name="confirm_leaving"' in page
    with pytest.raises(AppError) as refused:
        services.upload_confirm(by=cast.user_x, upload=upload, as_of=AS_OF)
    assert refused.value.code == "confirm_leaving" and "3 人标记为离岗" in refused.value.message
    assert LedgerEntry.objects.filter(active=True).count() == 10
    api = client.post(f"/api/v1/selfcheck/uploads/{upload.pk}/confirm", {"as_of": "2025-06-01"},
                      content_type="application/json")
    assert api.status_code == 400 and api.json()["error"]["code"] == "confirm_leaving"
    upload = _confirm(cast, upload, django_capture_on_commit_callbacks, confirm_leaving=True)
    assert upload.status == "verified" and upload.ledger_report["ended"] == 3
    assert LedgerEntry.objects.filter(active=True).count() == 7


def test_rows_of_another_enterprise_are_refused_row_by_row(
        cast, client, django_capture_on_commit_callbacks):
    own, other = cast.enterprise_x.credit_code, cast.enterprise_y.credit_code
    people = _ids(3, seq=700)
    data = ("姓名,身份证号,统一社会信用代码\n"
            f"甲,{people[0]},{own}\n乙,{people[1]},{other}\n丙,{people[2]},\n").encode()
    upload = _upload(cast, data)
    assert (upload.plan["accepted"], upload.plan["rejected"], upload.plan["added"]) == (2, 1, 2)
    upload = _confirm(cast, upload, django_capture_on_commit_callbacks)
    assert set(LedgerEntry.objects.values_list("worker_name", flat=True)) == {"甲", "丙"}
    refused = WorkerResult.objects.get(upload=upload, result="rejected")
    assert refused.row_no == 3 and "不是本单位的代码" in refused.reason
    client.force_login(cast.user_x)
    page = client.get(f"/selfcheck/uploads/{upload.pk}/?result=rejected").content.decode()
    assert "不是本单位的代码" in page


def test_an_upload_with_no_verified_worker_is_not_a_filed_self_check(cast):
    upload = RosterUpload.objects.create(employer=cast.enterprise_x, file_name="r.csv",
                                         stored_path="x", sha256="0" * 64, status="verified",
                                         verified_at="2025-06-01T08:00:00Z")
    WorkerResult.objects.create(upload=upload, sheet="CSV", row_no=2, result="rejected",
                                reason="身份证号校验位错误")
    period = Period(date(2025, 1, 1), date(2025, 12, 31))
    row = next(r for r in employer_rows(user=cast.inspector_a, period=period)
               if r.pk == cast.enterprise_x.pk)
    assert row.figures.filed == 0
    WorkerResult.objects.create(upload=upload, sheet="CSV", row_no=3, result="valid")
    row = next(r for r in employer_rows(user=cast.inspector_a, period=period)
               if r.pk == cast.enterprise_x.pk)
    assert row.figures.filed == 1
