"""A self-check cannot be used to harvest holders' names: a roster of 3,000 guessed ID numbers
named 某某, 30 of them real, discloses no registered name, is held for the regulator's review
with a clue, and touches no ledger; released, it still shows 姓名不符 without the name."""

from __future__ import annotations

import io
import json
import random
from datetime import date

import openpyxl
import pytest

from certguard import ids
from certguard.clues.selectors import clues_for
from certguard.registry import services as registry
from certguard.selfcheck import services
from certguard.selfcheck.models import RosterUpload
from certguard.workforce.models import LedgerEntry

AS_OF = date(2025, 6, 1)


@pytest.fixture
def guessed(cast) -> tuple[bytes, list[str]]:
    """The roster, and the registered names of its 30 real ID numbers."""
    rng = random.Random(11)
    real, names = [], []
    for i in range(30):
        id_no = ids.make_id_no("140521", date(1980 + i % 15, 1 + i % 12, 1 + i % 27), 500 + i)
        name = f"真名{chr(0x4E00 + 300 + i)}{chr(0x4E00 + 600 + i)}"
        registry.certificate_issue(by=cast.issuer, id_no=id_no, name=name, family="special_ops",
                                   item_code="1.2", first_issued=date(2024, 1, 10))
        real.append(id_no)
        names.append(name)
    guesses = {ids.make_id_no("140521", date(rng.randint(1965, 2000), rng.randint(1, 12),
                                             rng.randint(1, 28)), rng.randint(1, 999))
               for _ in range(3200)} - set(real)
    rows = sorted(guesses)[:2970] + real
    rng.shuffle(rows)
    body = "\n".join(f"某某,{id_no},T{id_no},电工" for id_no in rows)
    return f"姓名,身份证号,证书编号,岗位\n{body}\n".encode(), names


def _no_name(text: str, names: list[str]) -> None:
    leaked = [n for n in names if n in text]
    assert not leaked, leaked


def test_a_roster_of_guesses_is_held_and_discloses_no_name(
        cast, client, guessed, django_capture_on_commit_callbacks):
    data, names = guessed
    client.force_login(cast.user_x)
    upload = services.upload_create(by=cast.user_x, employer=cast.enterprise_x,
                                    file_name="guess.csv", data=data)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/selfcheck/uploads/{upload.pk}/confirm/", {"as_of": "2025-06-01"})
    upload.refresh_from_db()
    assert upload.status == RosterUpload.Status.HELD, upload.error
    assert "超过上限 600 人" in upload.held_reason
    assert not LedgerEntry.objects.exists()

    page = client.get(f"/selfcheck/uploads/{upload.pk}/").content.decode()
    assert "核验结果待监管部门审核" in page and 'data-testid="results"' not in page
    _no_name(page, names)
    api = client.get(f"/api/v1/selfcheck/uploads/{upload.pk}/results?limit=500")
    assert api.status_code == 200 and api.json()["count"] == 0
    _no_name(client.get(f"/api/v1/selfcheck/uploads/{upload.pk}").content.decode(), names)
    assert client.get(f"/selfcheck/uploads/{upload.pk}/report.xlsx").status_code == 302
    assert client.get(f"/selfcheck/uploads/{upload.pk}/official/").status_code == 404

    flagged = clues_for(user=cast.inspector_a).filter(source_kind="selfcheck",
                                                      source_id=upload.pk)
    assert flagged.count() == 1 and flagged.get().subject == "employer"
    assert "疑似借自查批量查询" in flagged.get().detail

    client.force_login(cast.inspector_a)  # the regulator reviews the rows, then releases
    review = client.get(f"/selfcheck/uploads/{upload.pk}/?result=name_mismatch")
    assert "审核放行" in review.content.decode()
    client.post(f"/selfcheck/uploads/{upload.pk}/release/")
    upload.refresh_from_db()
    assert upload.status == RosterUpload.Status.VERIFIED
    assert LedgerEntry.objects.filter(employer=cast.enterprise_x).count() == 3000

    client.force_login(cast.user_x)
    page = client.get(f"/selfcheck/uploads/{upload.pk}/?result=name_mismatch").content.decode()
    assert page.count('data-result="name_mismatch"') == 30 and "姓名不符" in page
    _no_name(page, names)
    results = client.get(f"/api/v1/selfcheck/uploads/{upload.pk}/results"
                         "?result=name_mismatch&limit=100").json()["results"]
    assert len(results) == 30
    _no_name(json.dumps(results, ensure_ascii=False), names)
    report = client.get(f"/selfcheck/uploads/{upload.pk}/report.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(report.streaming_content)))
    _no_name(" ".join(str(c.value) for s in book.worksheets for r in s.iter_rows() for c in r
                      if c.value), names)
