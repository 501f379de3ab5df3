"""The plain Chinese results of the self-check, one per roster row (no Django)."""

from __future__ import annotations

from dataclasses import dataclass, field

VALID = "valid"
NOT_FOUND = "not_found"
NAME_MISMATCH = "name_mismatch"
ID_MISMATCH = "id_mismatch"
ALTERED = "altered"
EXPIRED = "expired"
REVIEW_OVERDUE = "review_overdue"
REVOKED = "revoked"
ITEM_MISMATCH = "item_mismatch"
UNCERTIFIED = "uncertified"
REJECTED = "rejected"

LABELS: dict[str, str] = {
    VALID: "有效",
    NOT_FOUND: "证书不存在（疑似假证）",
    NAME_MISMATCH: "姓名不符",
    ID_MISMATCH: "证号与身份证不符",
    ALTERED: "疑似涂改",
    EXPIRED: "已过期",
    REVIEW_OVERDUE: "逾期未复审",
    REVOKED: "已撤销/注销",
    ITEM_MISMATCH: "作业类别与岗位不符",
    UNCERTIFIED: "无证上岗",
    REJECTED: "行数据有误，未核验",
}
PROBLEMS = tuple(code for code in LABELS if code not in (VALID, REJECTED))


@dataclass(slots=True)
class WorkerOutcome:
    """One roster row: what was read, the result, the rules that decided it and their evidence."""

    sheet: str
    row_no: int
    result: str
    values: dict[str, str | None] = field(default_factory=dict)  # as read, dates ISO
    rules: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)
    evidence: list[dict] = field(default_factory=list)  # [{"rule", "detail", "evidence"}]
    registry: dict | None = None  # the registry certificate shown beside the declared one
    reason: str = ""  # rejected rows: why

    @property
    def label(self) -> str:
        return LABELS[self.result]

    def as_dict(self) -> dict:
        return {"sheet": self.sheet, "row_no": self.row_no, "result": self.result,
                "result_label": self.label, "values": self.values, "rules": self.rules,
                "details": self.details, "evidence": self.evidence,
                "registry": self.registry, "reason": self.reason}
