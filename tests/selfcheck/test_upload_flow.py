"""Upload a messy roster → preview the mapping → override a column → confirm → job → results."""

from __future__ import annotations

import io
import re

import openpyxl

from certguard.selfcheck.models import RosterUpload, WorkerResult
from certguard.workforce.models import LedgerChange, LedgerEntry
from tests.selfcheck.cases import AS_OF, build_registry_and_rows, write_messy_roster


def _upload(client, path):
    with path.open("rb") as handle:
        return client.post("/selfcheck/uploads/new/", {"file": handle})


def test_messy_roster_from_upload_to_results(cast, client, tmp_path,
                                             django_capture_on_commit_callbacks):
    rows, expected = build_registry_and_rows(cast)
    path = write_messy_roster(tmp_path / "花名册.xlsx", rows)
    client.force_login(cast.user_x)
    response = _upload(client, path)
    upload = RosterUpload.objects.get()
    assert response.status_code == 302 and response.url == f"/selfcheck/uploads/{upload.pk}/"

    page = client.get(response.url).content.decode()
    assert "证书信息/证书编号" in page and "表头在第 2、3 行" in page
    assert 'name="map_0_2"' in page  # the ID column offered for correction
    assert not LedgerEntry.objects.exists() and not WorkerResult.objects.exists()

    # Override: the 序号 column (index 0, ignored by default) becomes the remark.
    client.post(f"/selfcheck/uploads/{upload.pk}/mapping/", {"map_0_0": "remark"})
    upload.refresh_from_db()
    assert upload.overrides == {"花名册": {"0": "remark"}}
    column = next(c for c in upload.mapping[0]["columns"] if c["index"] == 0)
    assert column["field"] == "remark" and column["source"] == "override"
    assert not LedgerEntry.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/selfcheck/uploads/{upload.pk}/confirm/", {"as_of": AS_OF.isoformat()})
    upload.refresh_from_db()
    assert upload.status == "verified", upload.error
    assert upload.accepted_count == 10 and upload.rejected_count == 1

    got = {r.worker_name: r.result for r in WorkerResult.objects.exclude(result="rejected")}
    assert got == expected
    page = client.get(f"/selfcheck/uploads/{upload.pk}/").content.decode()
    for label in ("有效", "证书不存在（疑似假证）", "姓名不符", "证号与身份证不符", "疑似涂改",
                  "已过期", "逾期未复审", "已撤销/注销", "作业类别与岗位不符", "无证上岗"):
        assert f"<strong>{label}</strong>" in page
    assert set(re.findall(r'data-result="(\w+)"', page)) == {*expected.values(), "rejected"}

    # The registry's values beside the declared ones, but never the registered holder's name
    # or ID number when they are not the declared ones; the rule evidence kept without them.
    wrong_name = WorkerResult.objects.get(result="name_mismatch")
    assert wrong_name.registry["name"] is None and wrong_name.values["worker_name"] == "王伍"
    assert wrong_name.evidence[0]["evidence"] == {"declared_name": "王伍"}
    assert wrong_name.evidence[0]["detail"].endswith("登记的持证人姓名与申报姓名不符")
    borrowed = WorkerResult.objects.get(result="id_mismatch")
    assert borrowed.registry["id_no"] is None and "赵真" not in str(borrowed.evidence)
    filtered = client.get(f"/selfcheck/uploads/{upload.pk}/?result=altered").content.decode()
    assert set(re.findall(r'data-result="(\w+)"', filtered)) == {"altered"}

    # The ledger: one entry per accepted worker, each with its "added" history.
    assert LedgerEntry.objects.filter(employer=cast.enterprise_x).count() == 10
    assert LedgerChange.objects.filter(kind="added").count() == 10

    report = client.get(f"/selfcheck/uploads/{upload.pk}/report.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(report.streaming_content)))
    assert book.sheetnames == ["汇总", "核验结果", "问题明细"]
    assert book["核验结果"].max_row == 12  # header + 11 rows


def test_nothing_is_kept_from_a_corrupt_or_locked_file(cast, client, tmp_path):
    client.force_login(cast.user_x)
    broken = tmp_path / "坏.xlsx"
    broken.write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    response = client.post("/selfcheck/uploads/new/", {"file": broken.open("rb")},
                           follow=True)
    assert "文件已损坏" in response.content.decode()
    locked = tmp_path / "locked.xlsx"
    locked.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
                       + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 64)
    response = client.post("/selfcheck/uploads/new/", {"file": locked.open("rb")},
                           follow=True)
    assert "设置了打开密码" in response.content.decode()
    assert not RosterUpload.objects.exists() and not LedgerEntry.objects.exists()
