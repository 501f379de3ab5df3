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


def regions_sync(region_model=None) -> int:
    """Bring an existing table up to the packaged list: new codes added, names and years of
    known codes corrected (a newer GB/T 2260 list, or the abolition-year fix). Returns how
    many rows were added or changed. ``region_model`` lets a migration pass its own model."""
    if region_model is None:
        from certguard.orgs.models import Region as region_model
    current = {r.code: r for r in region_model.objects.all()}
    changed, added = [], []
    for row in region_rows():
        known = current.get(row["code"])
        if known is None:
            added.append(region_model(**row))
        elif any(getattr(known, k) != v for k, v in row.items()):
            for key, value in row.items():
                setattr(known, key, value)
            changed.append(known)
    region_model.objects.bulk_create(added, batch_size=2000)
    region_model.objects.bulk_update(changed, ["name", "level", "parent_code", "start_year",
                                               "end_year"], batch_size=2000)
    return len(added) + len(changed)
