"""Small helpers shared by the management commands."""

from __future__ import annotations

from datetime import date

from django.core.management.base import CommandError


def cli_date(text: str) -> date:
    """A YYYY-MM-DD argument, or exit code 2 with a message naming the bad value."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{text}", returncode=2) from None
