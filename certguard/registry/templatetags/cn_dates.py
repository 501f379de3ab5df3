"""Dates in Chinese form (2024年5月6日) for answers that carry ISO text."""

from __future__ import annotations

from datetime import date

from django import template

register = template.Library()


@register.filter
def cn_date(value: object) -> str:
    """An ISO date (text or date) as 2024年5月6日; anything else unchanged, empty as —."""
    if not value:
        return "—"
    if isinstance(value, date):
        day = value
    else:
        try:
            day = date.fromisoformat(str(value)[:10])
        except ValueError:
            return str(value)
    return f"{day.year}年{day.month}月{day.day}日"
