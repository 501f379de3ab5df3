"""What confirming a roster will do, and the checks that stop a destructive surprise.

The preview states it (added, changed, put back on post, "将标记 N 人离岗"); a roster with
no usable row or without its ID column cannot be confirmed; when more than a fifth of the
workers on the ledger would be marked as having left, the employer confirms that explicitly.
Rows naming another enterprise's credit code are not this employer's: they are neither
checked nor written to its ledger (workforce.services.ledger_row_problem).
"""

from __future__ import annotations

from datetime import date

from certguard.core.errors import AppError
from certguard.selfcheck.reader import RejectedRow, RosterReadResult, RosterRow
from certguard.selfcheck.reader.headers import ID_FIELD
from certguard.workforce.services import LedgerRow, ledger_plan, ledger_row_problem

LEAVING_SHARE = 0.2  # more than a fifth of the ledger marked as left must be confirmed


def ledger_row(row: RosterRow) -> LedgerRow:
    return LedgerRow(worker_id_no=row.worker_id_no, worker_name=row.worker_name,
                     post=row.post or "", required_item_code=row.required_item_code or "",
                     cert_no=row.cert_no or "", valid_until=row.valid_until,
                     on_post_from=row.on_post_from, on_post_to=row.on_post_to,
                     employer_code=row.employer_code or "",
                     where=f"{row.sheet} 第 {row.row_no} 行")


def ledger_rows(read: RosterReadResult) -> list[LedgerRow]:
    return [ledger_row(r) for r in read.accepted]


def _refused(row: RosterRow, reason: str) -> RejectedRow:
    declared = tuple((f, str(v)) for f, v in (("worker_name", row.worker_name),
                                              ("worker_id_no", row.worker_id_no),
                                              ("cert_no", row.cert_no), ("post", row.post),
                                              ("employer_code", row.employer_code)) if v)
    return RejectedRow(sheet=row.sheet, row_no=row.row_no, raw=row.raw, code="other_employer",
                       message=reason, field="employer_code", declared=declared)


def own_rows(read: RosterReadResult, *, employer: object) -> RosterReadResult:
    """The read with every row of another enterprise moved to the rejected rows, row by row
    with its reason (not checked, not written to the ledger)."""
    kept, refused = [], []
    for row in read.accepted:
        problem = ledger_row_problem(employer=employer, row=ledger_row(row)) \
            if row.employer_code else ""
        if problem:
            refused.append(_refused(row, problem))
        else:
            kept.append(row)
    if refused:
        read.accepted = kept
        read.rejected = sorted([*read.rejected, *refused], key=lambda r: (r.sheet, r.row_no))
    return read


def id_mapped(read: RosterReadResult) -> bool:
    return bool(read.mappings) and all(
        any(c.field == ID_FIELD for c in m.columns) for m in read.mappings)


def plan_of(read: RosterReadResult, *, employer: object, as_of: date) -> dict:
    """The figures the preview states and confirmation checks (plain JSON, kept on the
    upload)."""
    report = ledger_plan(employer=employer, rows=ledger_rows(read), as_of=as_of)
    return {"as_of": as_of.isoformat(), "accepted": len(read.accepted),
            "rejected": len(read.rejected), "skipped": len(read.skipped_rows),
            "id_mapped": id_mapped(read), "added": report.added, "updated": report.updated,
            "resumed": report.resumed, "ended": report.ended, "unchanged": report.unchanged,
            "active_before": report.active_before,
            "leaving_needs_confirmation": needs_confirmation(report.ended,
                                                             report.active_before)}


def needs_confirmation(ended: int, active: int) -> bool:
    return ended > 0 and ended > active * LEAVING_SHARE


def check_plan(plan: dict, *, confirm_leaving: bool) -> None:
    """Refuse what must not be confirmed, with a Chinese message that says why."""
    if not plan.get("id_mapped"):
        raise AppError("no_id_column", "身份证号列没有对应到“身份证号”（或被设为忽略此列）："
                                       "没有身份证号既无法核验，也不能更新持证台账。"
                                       "请调整列对应关系后再确认",
                       fields={"mapping": ["请把身份证号所在列对应为“身份证号”"]})
    if not plan.get("accepted"):
        raise AppError("no_rows", f"花名册没有读取到可以核验的人员（读取成功 0 行，有误 "
                                  f"{plan.get('rejected', 0)} 行），不能确认。请检查表头、"
                                  "列对应关系和数据行")
    ended, active = plan.get("ended", 0), plan.get("active_before", 0)
    if needs_confirmation(ended, active) and not confirm_leaving:
        raise AppError("confirm_leaving", f"确认后将把 {ended} 人标记为离岗，占台账在岗 {active} "
                                          f"人的 {ended / active:.0%}，超过五分之一。请核对花名册"
                                          f"是否完整；确需如此，请勾选“确认将 {ended} 人标记为离岗”"
                                          "后再提交",
                       fields={"confirm_leaving": [f"请确认将 {ended} 人标记为离岗"]})
