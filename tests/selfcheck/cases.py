"""A messy employer roster with one worker crafted for each of the ten results.

The workbook looks like employers' own: a title row, a two-row header with 证书信息 merged over
证书编号 | 有效期至, full-width digits in one ID number and an ID stored as a number
(1.10105E+17, its last digits lost), which the reader must reject rather than "fix".
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl

from certguard import ids
from certguard.registry import services as registry

AS_OF = date(2025, 6, 1)
ON_POST = date(2024, 3, 1)
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def _id(seq: int, born: date = date(1985, 3, 14)) -> str:
    return ids.make_id_no("140521", born, seq)


def _issue(cast, id_no: str, name: str, *, on: date, item: str = "1.2"):
    return registry.certificate_issue(by=cast.issuer, id_no=id_no, name=name,
                                      family="special_ops", item_code=item, first_issued=on)


def _altered(cert_no: str) -> str:
    """One character of the number changed (the last digit before the check character)."""
    digit = cert_no[-2]
    return cert_no[:-2] + ("1" if digit != "1" else "2") + cert_no[-1]


def build_registry_and_rows(cast) -> tuple[list[list[object]], dict[str, str]]:
    """Issue the certificates; return the roster's data rows and expected result per name."""
    rows, expected = [], {}

    def add(name, id_no, cert_no, item, result, post="电工"):
        rows.append([len(rows) + 1, name, id_no, cert_no, "", post, item, ON_POST])
        expected[name] = result

    a = _id(11)
    _issue(cast, a, "张有效", on=date(2024, 1, 10))
    add("张有效", a.translate(FULL_WIDTH), "T" + a, "1.2", "valid")
    add("李假证", _id(13), "T" + _id(13), "1.2", "not_found")
    c = _id(15)
    _issue(cast, c, "王五", on=date(2024, 1, 10))
    add("王伍", c, "T" + c, "1.2", "name_mismatch")
    d, e = _id(17), _id(19)
    _issue(cast, d, "赵真", on=date(2024, 1, 10))
    add("钱冒用", e, "T" + d, "1.2", "id_mismatch")
    f = _id(21)
    _issue(cast, f, "孙涂改", on=date(2024, 1, 10))
    add("孙涂改", f, _altered("T" + f), "1.2", "altered")
    g = _id(23, date(1980, 1, 1))
    _issue(cast, g, "周过期", on=date(2018, 1, 1))
    add("周过期", g, "T" + g, "1.2", "expired")
    h = _id(25)
    _issue(cast, h, "吴复审", on=date(2021, 1, 1))
    add("吴复审", h, "T" + h, "1.2", "review_overdue")
    k = _id(27)
    cert = _issue(cast, k, "郑撤销", on=date(2024, 1, 10))
    registry.certificate_revoke(by=cast.issuer, certificate=cert, on=date(2025, 1, 5),
                                reason="fraud_or_bribery")
    add("郑撤销", k, "T" + k, "1.2", "revoked")
    m = _id(29)
    _issue(cast, m, "冯焊工", on=date(2024, 1, 10))
    add("冯焊工", m, "T" + m, "2.1", "item_mismatch", post="焊工")
    add("陈无证", _id(31), None, "1.2", "uncertified")
    return rows, expected


def write_messy_roster(path: Path, rows: list[list[object]], *, extra: list | None = None) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "花名册"
    sheet.append(["沁水县X煤业有限公司三项岗位人员持证情况自查登记表"])
    sheet.merge_cells("A1:H1")
    sheet.append(["序号", "姓名", "身份证号码", "证书信息", None, "岗位", "作业类别", "上岗日期"])
    sheet.append([None, None, None, "证书编号", "有效期至", None, None, None])
    sheet.merge_cells("D2:E2")
    for col in "ABCFGH":
        sheet.merge_cells(f"{col}2:{col}3")
    for row in rows + (extra or []):
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text typed by the employer, not a formula
    sheet.append([len(rows) + 9, "丢位数", 1.10105e17, None, None, "电工", "1.2", ON_POST])
    book.save(path)
    return path
