"""A campaign period and complete checklist answers, generated for the tests."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from certguard.institutions.models import Period
from certguard.institutions.reference import CHECKLISTS


def period(*, closes_in: int = 10) -> Period:
    today = timezone.localdate()
    return Period.objects.create(name="2026年第一季度", start=today - timedelta(days=90),
                                 end=today + timedelta(days=30),
                                 closes_on=today + timedelta(days=closes_in))


def answers(kind: str) -> dict:
    return {item.key: {"situation": f"已自查：{item.key}", "problems": "", "measures": ""}
            for item in CHECKLISTS[kind]}
