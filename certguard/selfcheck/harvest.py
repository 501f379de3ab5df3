"""A self-check verifies the employer's own workforce; it is not a lookup service.

A roster whose rows the registry cannot match (numbers not found, names or ID numbers not
matching) beyond ``SELFCHECK_UNMATCHED_PERCENT`` of its rows and ``SELFCHECK_UNMATCHED_MIN``
rows looks like a list of guessed or collected ID numbers: its results are held (the
employer sees none of them), its ledger is not touched, and a clue tells the regulator
responsible for the employer, who reviews the rows and releases the upload or not.
(PIPL art. 10: no collecting personal information by illegal means; art. 6: the minimum.)
"""

from __future__ import annotations

import csv
import json
import math
import tempfile
from pathlib import Path

from django.conf import settings

from certguard.clues.placement import ClueHints
from certguard.clues.services import clue_bulk_create
from certguard.core.scoping import COMMAND_LINE
from certguard.selfcheck import outcomes as o
from certguard.selfcheck.models import RosterUpload

UNMATCHED = (o.NOT_FOUND, o.NAME_MISMATCH, o.ID_MISMATCH, o.ALTERED)
CLUE_COLUMNS = ("rule", "severity", "subject", "cert_no", "id_no", "name", "employer_code",
                "institution_code", "exam_center_code", "detail", "evidence")


def unmatched_cap(rows: int) -> int:
    """The most unmatched rows an upload of ``rows`` checked rows may have."""
    share = settings.SELFCHECK_UNMATCHED_PERCENT / 100
    return max(settings.SELFCHECK_UNMATCHED_MIN, math.ceil(rows * share))


def over_cap(counts: dict[str, int]) -> tuple[int, int] | None:
    """(unmatched, cap) when the upload's results must be held, else None."""
    checked = sum(n for code, n in counts.items() if code != o.REJECTED)
    unmatched = sum(counts.get(code, 0) for code in UNMATCHED)
    cap = unmatched_cap(checked)
    return (unmatched, cap) if unmatched > cap else None


def held_reason(*, unmatched: int, cap: int, checked: int) -> str:
    return (f"本次花名册核验 {checked} 人，其中证书库查询不到或信息不符 {unmatched} 人，超过上限 "
            f"{cap} 人（{settings.SELFCHECK_UNMATCHED_PERCENT}%，至少 "
            f"{settings.SELFCHECK_UNMATCHED_MIN} 人）。为防止借自查批量查询他人信息，核验结果已暂停"
            "显示，持证台账未更新，已提交属地监管部门审核")


def hold_clue(*, upload: RosterUpload, unmatched: int, cap: int, checked: int) -> int:
    """One clue about the employer for the regulator responsible for it (region, sector)."""
    employer = upload.employer
    code = employer.credit_code or ""
    evidence = {"upload_id": upload.pk, "file_name": upload.file_name, "checked": checked,
                "unmatched": unmatched, "cap": cap}
    row = {"rule": "R01", "severity": "high", "subject": "employer", "cert_no": "",
           "id_no": "", "name": "", "employer_code": code, "institution_code": "",
           "exam_center_code": "", "evidence": json.dumps(evidence, ensure_ascii=False),
           "detail": f"企业自查异常：{employer.name} 花名册《{upload.file_name}》核验 "
                     f"{checked} 人，证书库查询不到或信息不符 {unmatched} 人（上限 {cap} 人），"
                     "疑似借自查批量查询非本单位人员，核验结果已暂停，请审核"}
    hints = ClueHints(employers={code: (employer.region_id, employer.sector)})
    with tempfile.TemporaryDirectory(prefix="certguard-selfcheck-hold-") as tmp:
        path = Path(tmp) / "clues.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=CLUE_COLUMNS)
            writer.writeheader()
            writer.writerow(row)
        intake = clue_bulk_create(by=COMMAND_LINE, path=path, source_kind="selfcheck",
                                  source_id=upload.pk, organisation_id=upload.employer_id,
                                  hints=hints)
    return intake.written
