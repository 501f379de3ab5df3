"""Lifecycle facts and the one status-at-a-date function (pure: no Django).

``status_on`` is used everywhere a certificate's state is shown or checked: the public answer,
the API, the issuer screens, the roster verification and the screening rules' definitions.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

# Order No. 30 Art. 25: a review fails for one of these.
REVIEW_FAIL_REASONS = {
    "health": "健康体检不合格",
    "serious_violation": "违章操作造成严重后果或者有2次以上违章行为",
    "safety_penalty": "有安全生产违法行为，并给予行政处罚",
    "obstruction": "拒绝、阻碍安全生产监管监察部门监督检查",
    "training_or_exam": "未按规定参加安全培训，或者考试不合格",
}
# Art. 30: revocation (撤销). The last two bar a new application for 3 years.
REVOKE_REASONS = {
    "expired_without_review": "超过特种作业操作证有效期未延期复审",
    "unfit": "特种作业人员的身体条件已不适合继续从事特种作业",
    "accident": "对发生生产安全事故负有责任",
    "false_information": "特种作业操作证记载虚假信息",
    "fraud_or_bribery": "以欺骗、贿赂等不正当手段取得特种作业操作证",
    "decision_error": "发证机关违法发证，依法撤销",
}
BARRING_REVOKE_REASONS = frozenset({"false_information", "fraud_or_bribery"})
# Art. 31: cancellation (注销).
CANCEL_REASONS = {
    "death": "特种作业人员死亡",
    "own_request": "特种作业人员提出注销申请",
    "revoked": "特种作业操作证被依法撤销",
}
SUSPEND_REASONS = {
    "investigation": "涉嫌违法违规，正在调查",
    "court_order": "依法暂扣",
}
REINSTATE_REASONS = {
    "suspension_lifted": "调查结束，解除暂扣",
    "decision_overturned": "撤销决定经行政复议或诉讼被撤销",
}

STATUS_LABELS = {
    "valid": "有效",
    "not_yet_valid": "尚未生效",
    "review_overdue": "逾期未复审（失效）",
    "expired": "已过期",
    "revoked": "已撤销",
    "cancelled": "已注销",
    "suspended": "已暂扣",
}


def add_months(day: date, months: int) -> date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def period_end(start: date, months: int) -> date:
    """Last day of a validity period of ``months`` starting on ``start``."""
    return add_months(start, months) - timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Status:
    code: str
    label: str
    reason: str
    next_change: date | None  # the day the status changes by itself, if it will
    next_code: str | None

    @property
    def usable(self) -> bool:
        return self.code == "valid"

    def as_dict(self) -> dict:
        return {"code": self.code, "label": self.label, "reason": self.reason,
                "next_change": self.next_change.isoformat() if self.next_change else None,
                "next_code": self.next_code}


def _status(code: str, reason: str, next_change: date | None = None,
            next_code: str | None = None) -> Status:
    return Status(code, STATUS_LABELS[code], reason, next_change, next_code)


def status_code_on(on: date, record_status: str, valid_from: date, valid_until: date,
                   review_due: date | None, last_review: date | None) -> str:
    """The decision alone (positional, no text): what bulk checks need, and what
    ``status_on`` explains. Takes dates, or all of them as ISO text (which compares alike)."""
    if record_status in ("revoked", "cancelled", "suspended"):
        return record_status
    if on < valid_from:
        return "not_yet_valid"
    if on > valid_until:
        return "expired"
    if review_due is not None and on > review_due and not (
            last_review is not None and last_review >= review_due):
        return "review_overdue"
    return "valid"


def status_on(*, on: date, record_status: str, valid_from: date, valid_until: date,
              review_due: date | None, last_review: date | None,
              status_reason: str = "") -> Status:
    """The status of a certificate on a date, with why and when it next changes."""
    code = status_code_on(on, record_status, valid_from, valid_until, review_due, last_review)
    if code in ("revoked", "cancelled", "suspended"):
        return _status(code, status_reason or STATUS_LABELS[code])
    if code == "not_yet_valid":
        return _status(code, f"有效期自{valid_from:%Y-%m-%d}起", valid_from, "valid")
    if code == "expired":
        return _status(code, f"有效期已于{valid_until:%Y-%m-%d}届满")
    if code == "review_overdue":
        return _status(code, f"应于{review_due:%Y-%m-%d}前复审，逾期未复审，证书失效")
    reviewed = last_review is not None and review_due is not None and last_review >= review_due
    if review_due is not None and not reviewed and review_due < valid_until:
        return _status("valid", "证书有效", review_due + timedelta(days=1), "review_overdue")
    return _status("valid", "证书有效", valid_until + timedelta(days=1), "expired")
