"""The reward of a report (安监总财〔2018〕19号, amounts per jurisdiction): a share of the final
fine between a floor and a cap; for a concealed accident a sum per concealed death by the
accident's grade, capped. Only the first accepted report of a matter, only once final."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from certguard.core.errors import AppError
from certguard.tips.reference import ACCIDENT_GRADES


def reward_amount(*, rules: dict, fine: Decimal | None, deaths: int = 0,
                  grade: str = "") -> tuple[Decimal, str]:
    """(amount in yuan, basis in words)."""
    if deaths:
        per_death = (rules.get("concealed_per_death") or {}).get(grade)
        if per_death is None:
            raise AppError("grade_unknown", "瞒报事故的奖励需要事故等级")
        raw = Decimal(per_death) * deaths
        amount = min(raw, Decimal(rules["concealed_max"]))
        return amount, (f"瞒报{ACCIDENT_GRADES.get(grade, grade)}，死亡 {deaths} 人 × "
                        f"¥{Decimal(per_death):,.0f}" + ("（按上限）" if amount < raw else ""))
    if fine is None or fine <= 0:
        raise AppError("fine_missing", "处罚决定未记录罚款金额，无法计算奖励")
    rate = Decimal(rules["reward_rate"])
    raw = (fine * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    low, high = Decimal(rules["reward_min"]), Decimal(rules["reward_max"])
    amount = min(max(raw, low), high)
    note = "（按最低标准）" if amount > raw else "（按最高标准）" if amount < raw else ""
    return amount, f"罚款 ¥{fine:,.2f} × {rate * 100:.0f}% = ¥{raw:,.2f}{note}"
