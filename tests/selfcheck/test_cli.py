"""`certguard selfcheck ROSTER --out REPORT.xlsx --json`: no account, nothing saved."""

from __future__ import annotations

import io
import json
from datetime import date

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from certguard import ids
from certguard.selfcheck.models import RosterUpload
from certguard.workforce.models import LedgerEntry
from tests.selfcheck.cases import AS_OF, build_registry_and_rows, write_messy_roster

FORMULA = '=HYPERLINK("http://evil.example/x","点我")'


def _run(*args) -> dict:
    out = io.StringIO()
    call_command("selfcheck", *args, stdout=out, stderr=io.StringIO())
    return json.loads(out.getvalue()) if out.getvalue() else {}


def test_json_and_report(cast, tmp_path):
    rows, expected = build_registry_and_rows(cast)
    evil_id = ids.make_id_no("140521", date(1990, 1, 1), 33)
    extra = [[99, FORMULA, evil_id, None, None, "电工", "1.2", date(2024, 3, 1)]]
    roster = write_messy_roster(tmp_path / "roster.xlsx", rows, extra=extra)
    report = tmp_path / "REPORT.xlsx"
    data = _run(str(roster), "--out", str(report), "--json", "--as-of", AS_OF.isoformat())

    assert data["as_of"] == "2025-06-01" and len(data["rows"]) == 12
    by_name = {r["values"].get("worker_name"): r for r in data["rows"]}
    for name, result in expected.items():
        assert by_name[name]["result"] == result, name
    assert by_name["张有效"]["row_no"] == 4  # title + two header rows above
    rejected = [r for r in data["rows"] if r["result"] == "rejected"]
    assert len(rejected) == 1 and "身份证" in rejected[0]["reason"] and rejected[0]["row_no"]
    assert data["counts"]["valid"] == 1 and data["counts"]["rejected"] == 1

    book = openpyxl.load_workbook(report)
    assert book.sheetnames == ["汇总", "核验结果", "问题明细"]
    sheet = book["核验结果"]  # every row, compact (one sheet read: no 工作表 column)
    header = [c.value for c in sheet[1]]
    assert header == ["行号", "姓名", "身份证号", "证书编号", "核验结果", "有效期至（证书库）",
                      "说明"]
    assert sheet.max_row == 13  # header + 12 rows
    cells = [row[1] for row in sheet.iter_rows(min_row=2)]
    evil = next(c for c in cells if c.value and "HYPERLINK" in c.value)
    assert evil.data_type == "s" and evil.value == "'" + FORMULA
    labels = [row[4].value for row in sheet.iter_rows(min_row=2)]
    assert {"无证上岗", "疑似涂改", "行数据有误，未核验"} <= set(labels)
    valid = next(row for row in sheet.iter_rows(min_row=2) if row[4].value == "有效")
    assert valid[5].value  # the registry's validity shown for a valid certificate too
    # Problem rows again, with the declared and registry values side by side.
    detail = book["问题明细"]
    header = [c.value for c in detail[1]]
    assert header[:4] == ["行号", "核验结果", "姓名（申报）", "身份证号（申报）"]
    assert "证书编号（证书库）" in header and "触发规则" in header
    assert "姓名（证书库）" not in header  # whose certificate it is stays undisclosed
    detail_labels = [row[1].value for row in detail.iter_rows(min_row=2)]
    assert "有效" not in detail_labels
    assert len(detail_labels) == len(labels) - labels.count("有效")
    summary = {r[0].value: r[1].value for r in book["汇总"].iter_rows() if r[0].value}
    assert summary["有效"] == 1 and summary["行数合计"] == 12
    assert not RosterUpload.objects.exists() and not LedgerEntry.objects.exists()


@pytest.mark.parametrize(("content", "message"), [
    (b"PK\x03\x04" + b"\x00" * 100, "文件已损坏"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "EncryptedPackage".encode("utf-16-le"),
     "设置了打开密码"),
    ("序号,备注\n1,无\n".encode(), "没有找到身份证号列"),
])
def test_bad_file_exits_2_with_a_chinese_message(db, tmp_path, content, message):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(content)
    with pytest.raises(CommandError) as failure:
        _run(str(bad), "--out", str(tmp_path / "R.xlsx"))
    assert failure.value.returncode == 2 and message in str(failure.value)
    assert not (tmp_path / "R.xlsx").exists()


def test_a_report_that_cannot_be_written_is_a_clear_error(cast, tmp_path):
    rows, _expected = build_registry_and_rows(cast)
    roster = write_messy_roster(tmp_path / "roster.xlsx", rows)
    target = tmp_path / "no-such-directory" / "REPORT.xlsx"
    with pytest.raises(CommandError) as failure:
        _run(str(roster), "--out", str(target), "--as-of", AS_OF.isoformat())
    assert failure.value.returncode == 2
    assert "[report_failed]" in str(failure.value) and "核验报告写出失败" in str(failure.value)
    assert "目录不存在或没有写权限" in str(failure.value)
    assert not target.exists()
