"""Exports of the filtered clue list: CSV and XLSX open; formula-like text stays text."""

from __future__ import annotations

import csv
import io

import openpyxl

from tests.clues.conftest import make_clue
from tests.conftest import COUNTY_A


def _download(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_xlsx_opens_and_a_formula_like_name_is_inert(cast, clues, client):
    make_clue(region_id=COUNTY_A, family="special_ops", name='=HYPERLINK("http://x","y")',
              cert_no="TX9")
    client.force_login(cast.inspector_a)
    response = client.get("/clues/export.xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(_download(response)))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:3] == ("线索编号", "规则", "规则名称")
    names = {row[7] for row in rows[1:]}
    assert "'=HYPERLINK(\"http://x\",\"y\")" in names
    assert "县乙" not in names and "县甲" in names
    cell = next(c for c in book.active["H"] if str(c.value).startswith("'="))
    assert cell.data_type == "s"


def test_csv_follows_the_filters(cast, clues, client):
    client.force_login(cast.inspector_city)
    response = client.get("/clues/export.csv", {"region": "140522"})
    text = _download(response).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "线索编号"
    assert [r[7] for r in rows[1:]] == ["县乙"]


def test_export_is_audited_and_refused_to_enterprises(cast, clues, client):
    from certguard.core.models import AuditEntry

    client.force_login(cast.user_x)
    assert client.get("/clues/export.csv").status_code == 403
    client.force_login(cast.inspector_a)
    _download(client.get("/clues/export.csv"))
    assert AuditEntry.objects.filter(action="export", object_type="clues.clue").exists()
