"""Fetch the registry certificates a roster can be checked against, in batches of keys."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator

from django.db.models import Q

from certguard.registry.models import Certificate
from certguard.registry.verification import execute_raw

_RANGES_PER_QUERY = 100
BATCH = 900  # keys per query: below SQLite's and Oracle-style limits on bound parameters
COLUMNS = ("cert_no", "id_no", "name", "family_id", "item_code", "issuer_code", "first_issued",
           "valid_from", "valid_until", "review_due", "last_review", "status", "source")


def _batches(keys: Iterable[str] | Iterable[int]) -> Iterator[list]:
    ordered = sorted({k for k in keys if k})
    for start in range(0, len(ordered), BATCH):
        yield ordered[start:start + BATCH]


_DATES = {"first_issued", "valid_from", "valid_until", "review_due", "last_review"}
# Dates stay ISO text (SQLite and PostgreSQL give the same): they compare correctly as strings,
# Arrow casts them in one step, and no per-value conversion is paid.
_SELECT = ("SELECT id, " + ", ".join(f"CAST({c} AS TEXT)" if c in _DATES else c  # noqa: S608
                                     for c in COLUMNS)
           + " FROM registry_certificate WHERE {field} IN ({marks})")
_IDS = "SELECT id FROM registry_certificate WHERE {field} IN ({marks})"
_DATE_AT = [i + 1 for i, c in enumerate(COLUMNS) if c in _DATES]


def _marks(count: int) -> str:
    return ", ".join(["%s"] * count)


OnBatch = Callable[[int, int], None]


def _fetch_rows(field: str, keys: Iterable[str] | Iterable[int], rows: dict[int, tuple],
                on_batch: OnBatch | None = None) -> None:
    """Certificates whose ``field`` is one of ``keys``, added to ``rows`` by primary key.
    Straight on the driver: the ORM's converters cost more than the index probes.
    ``on_batch(done, total)`` hears of each batch of keys looked up."""
    batches = list(_batches(keys))
    total, done = sum(map(len, batches)), 0
    for batch in batches:
        sql = _SELECT.format(field=field, marks=_marks(len(batch)))
        for row in execute_raw(sql, batch):
            if row[0] not in rows:
                rows[row[0]] = row[1:]
        done += len(batch)
        if on_batch:
            on_batch(done, total)


def _fetch_more(field: str, keys: Iterable[str], rows: dict[int, tuple]) -> None:
    """As ``_fetch_rows`` when most matches are in ``rows`` already: the keys first give primary
    keys (the index holds them: no table access), and only new certificates are read."""
    new: set[int] = set()
    for batch in _batches(keys):
        sql = _IDS.format(field=field, marks=_marks(len(batch)))
        new.update(pk for (pk,) in execute_raw(sql, batch) if pk not in rows)
    _fetch_rows("id", sorted(new), rows)


def _iso_dates(row: tuple) -> tuple:
    """A row from the ORM (dates) in the driver rows' form (ISO text)."""
    return tuple(v.isoformat() if i in _DATE_AT and v is not None else v
                 for i, v in enumerate(row))


def registry_rows(*, cert_nos: Iterable[str], id_nos: Iterable[str],
                  on_batch: OnBatch | None = None) -> list[tuple]:
    """Certificates whose number was declared or whose holder is a listed worker (by pk, so a
    certificate matching both comes once); tuples in ``COLUMNS`` order, dates as ISO text.
    By holder first: that
    finds nearly every declared number too, so the numbers then add only the few others."""
    rows: dict[int, tuple] = {}
    _fetch_rows("id_no", id_nos, rows, on_batch)
    _fetch_more("cert_no", cert_nos, rows)
    return list(rows.values())


def near(a: str, b: str) -> bool:
    """One substitution or one adjacent transposition apart (R05's definition)."""
    if len(a) != len(b) or a == b:
        return False
    diffs = [i for i in range(len(a)) if a[i] != b[i]]
    if len(diffs) == 1:
        return True
    return (len(diffs) == 2 and diffs[1] == diffs[0] + 1
            and a[diffs[0]] == b[diffs[1]] and a[diffs[1]] == b[diffs[0]])


def near_match_rows(*, missing: dict[str, set[str]]) -> list[tuple]:
    """For declared numbers not in the registry (number -> workers' names), certificates of a
    holder with one of those names whose number is one edit away: what R05 compares against.

    A worker's own certificates are already fetched by ID number; this adds the case of a
    borrowed number with another ID. Registry names carry no index, so candidates come from
    index range probes on the number: an edit in the last third leaves the first two thirds as
    a prefix (a short range). An edit earlier in a borrowed number is not looked for: that
    needs an index on the registry's names (a half-length prefix costs 13 s at 5 M rows).
    """
    wanted = sorted(missing)
    rows: dict[int, tuple] = {}
    for start in range(0, len(wanted), _RANGES_PER_QUERY):
        condition = Q()
        for cert_no in wanted[start:start + _RANGES_PER_QUERY]:
            prefix = cert_no[:_prefix_len(cert_no)]
            condition |= Q(cert_no__gte=prefix, cert_no__lt=prefix + "\U0010ffff")
        for row in Certificate.objects.filter(condition).values_list("pk", *COLUMNS):
            names = missing.get(_near_key(row[1], wanted), set())
            if row[3] in names:
                rows[row[0]] = _iso_dates(row)[1:]
    return list(rows.values())


def _near_key(registry_no: str, wanted: list[str]) -> str:
    """The declared number one edit away from a registry number, if any ("" otherwise)."""
    prefix_len = _prefix_len(registry_no)
    at = bisect_left(wanted, registry_no[:prefix_len])
    while at < len(wanted) and wanted[at].startswith(registry_no[:prefix_len]):
        if near(wanted[at], registry_no):
            return wanted[at]
        at += 1
    return ""


def _prefix_len(cert_no: str) -> int:
    return max(1, len(cert_no) * 2 // 3)
