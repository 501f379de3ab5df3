"""The region table as rows for the Region model, derived from the packaged GB/T 2260 data."""

from __future__ import annotations

from certguard import ids
from certguard.orgs.reference import region_level


def parent_code(code: str, known: set[str]) -> str:
    level = region_level(code)
    if level == "province":
        return ""
    candidates = [code[:4] + "00", code[:2] + "0000"] if level == "county" else [code[:2] + "0000"]
    return next((c for c in candidates if c in known and c != code), "")


def region_rows() -> list[dict]:
    years = ids.region_code_years()
    names = ids.region_names()
    known = set(years)
    return [{"code": code, "name": names[code], "level": region_level(code),
             "parent_code": parent_code(code, known), "start_year": start, "end_year": end}
            for code, (start, end) in sorted(years.items())]


def regions_ensure() -> int:
    """Load the table if it is missing (fresh database, or a test database after a flush)."""
    from certguard.orgs.models import Region

    if Region.objects.exists():
        return 0
    rows = [Region(**row) for row in region_rows()]
    Region.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    return len(rows)
