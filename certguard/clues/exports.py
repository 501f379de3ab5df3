"""The filtered clue list as CSV or XLSX. No cell is ever a live formula taken from data."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO

from django.db.models import QuerySet

from certguard.clues.models import Clue
from certguard.clues.reference import SEVERITIES, SUBJECTS
from certguard.core import exports
from certguard.core.exports import Column, inert_text

MAX_ROWS = 1_000_000  # a sheet holds 1,048,576 rows
HEADER = ("线索编号", "规则", "规则名称", "严重程度", "对象", "证书编号", "身份证号", "姓名",
          "用人单位代码", "培训机构代码", "考试机构代码", "所属地区", "状态", "承办人", "说明",
          "处理理由", "证据", "发现时间")


def export_rows(clues: QuerySet[Clue]) -> Iterator[list[str]]:
    fields = ("id", "rule", "severity", "subject", "cert_no", "id_no", "name", "employer_code",
              "institution_code", "exam_center_code", "region_id", "status",
              "assignee__username", "detail", "reason", "evidence", "created_at")
    statuses = dict(Clue.Status.choices)
    for row in clues.values_list(*fields)[:MAX_ROWS].iterator(chunk_size=5000):
        values = dict(zip(fields, row, strict=True))
        clue = Clue(rule=values["rule"])
        yield [inert_text(v) for v in (
            values["id"], values["rule"], clue.rule_name, SEVERITIES.get(values["severity"], ""),
            SUBJECTS.get(values["subject"], ""), values["cert_no"], values["id_no"],
            values["name"], values["employer_code"], values["institution_code"],
            values["exam_center_code"], values["region_id"] or "", statuses.get(values["status"]),
            values["assignee__username"] or "", values["detail"], values["reason"],
            json.dumps(values["evidence"], ensure_ascii=False),
            values["created_at"].strftime("%Y-%m-%d %H:%M"))]


WIDTHS = (10, 6, 18, 8, 8, 22, 20, 10, 20, 20, 20, 10, 8, 10, 40, 24, 40, 16)
WRAPPED = {"说明", "处理理由", "证据"}
COLUMNS = tuple(Column(h, w, wrap=h in WRAPPED) for h, w in zip(HEADER, WIDTHS, strict=True))


def csv_chunks(clues: QuerySet[Clue]) -> Iterator[str]:
    """UTF-8 with BOM so that Excel and WPS open the Chinese text correctly."""
    return exports.csv_chunks(HEADER, export_rows(clues))


def xlsx_file(clues: QuerySet[Clue]) -> IO[bytes]:
    """An XLSX in a temporary file (constant memory), printable, every cell inert text."""
    return exports.xlsx_table_file(sheet_name="线索", columns=COLUMNS, rows=export_rows(clues),
                                   title="线索导出")
