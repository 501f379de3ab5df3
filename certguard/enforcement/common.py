"""Small helpers shared by enforcement's services: text checks, the acting department."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone

from certguard.core.errors import AppError, Forbidden
from certguard.core.scoping import Actor
from certguard.enforcement.reference import ENFORCEMENT_DEPARTMENTS


def text(value: object, *, name: str, what: str, limit: int = 500, required: bool = True) -> str:
    cleaned = str(value or "").strip()
    if required and not cleaned:
        raise AppError("text_required", f"请填写{what}", fields={name: ["必填"]})
    if len(cleaned) > limit:
        raise AppError("text_too_long", f"{what}不能超过{limit}字", fields={name: ["过长"]})
    return cleaned


def day(value: object, *, name: str, what: str) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    try:
        return date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise AppError("date_invalid", f"{what}应为日期（YYYY-MM-DD）",
                       fields={name: ["日期无效"]}) from None


def now() -> datetime:
    return timezone.now()


def today() -> date:
    return timezone.localdate()


def enforcement_body(actor: Actor) -> None:
    """国办发〔2024〕54号: only legal enforcement bodies inspect enterprises."""
    if actor.role == "system" or actor.is_admin:
        return
    if actor.role == "campaign_office":
        raise Forbidden("campaign_office_may_not_inspect",
                        "专项行动办公室等议事协调机构不得直接开展入企检查，只能督促、指导"
                        "（国办发〔2024〕54号）")
    if actor.organisation_kind != "department" or actor.department not in ENFORCEMENT_DEPARTMENTS:
        raise Forbidden("not_enforcement_body", "只有依法具有执法权的部门才能开展入企检查"
                                                "（国办发〔2024〕54号）")
