"""The roster and the fetched certificates as exchange-format Parquet files for the rules engine."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from certguard.selfcheck.reader import RosterRow
from certguard.selfcheck.registry_fetch import COLUMNS

_DATES = {"first_issued", "valid_from", "valid_until", "review_due", "last_review"}
CERT_SCHEMA = pa.schema([(("family" if c == "family_id" else c),
                          pa.date32() if c in _DATES else pa.string()) for c in COLUMNS])
ROSTER_SCHEMA = pa.schema([
    ("employer_code", pa.string()), ("worker_id_no", pa.string()), ("worker_name", pa.string()),
    ("post", pa.string()), ("required_item_code", pa.string()), ("cert_no", pa.string()),
    ("on_post_from", pa.date32()), ("on_post_to", pa.date32()),
])


def write_certificates(*, rows: Sequence[tuple], path: Path) -> int:
    """Registry rows (``registry_fetch.COLUMNS`` order, dates as ISO text), one per
    certificate, as Parquet."""
    unique = {(r[0], r[3], r[4]): r for r in rows}  # cert_no, family, item: the registry's key
    columns = list(zip(*unique.values(), strict=True)) if unique else [[] for _ in COLUMNS]
    table = pa.table([pa.array(col, type=pa.string()).cast(CERT_SCHEMA.field(i).type)
                      for i, col in enumerate(columns)], schema=CERT_SCHEMA)
    pq.write_table(table, path, compression="zstd")
    return table.num_rows


def on_post_dates(row: RosterRow, *, as_of: date) -> tuple[date, date | None]:
    """A roster without a start date lists who is on post now: they count as on post from
    ``as_of`` (or from the day they left, when only that is given)."""
    start = row.on_post_from
    if start is None:
        start = min(as_of, row.on_post_to) if row.on_post_to else as_of
    return start, row.on_post_to


def write_roster(*, rows: Sequence[RosterRow], item_codes: Sequence[str | None],
                 employer_code: str, as_of: date, path: Path) -> int:
    spans = [on_post_dates(r, as_of=as_of) for r in rows]
    table = pa.table({
        "employer_code": [employer_code or r.employer_code or "-" for r in rows],
        "worker_id_no": [r.worker_id_no for r in rows],
        "worker_name": [r.worker_name for r in rows],
        "post": [r.post for r in rows],
        "required_item_code": list(item_codes),
        "cert_no": [r.cert_no for r in rows],
        "on_post_from": [s[0] for s in spans],
        "on_post_to": [s[1] for s in spans],
    }, schema=ROSTER_SCHEMA)
    pq.write_table(table, path, compression="zstd")
    return table.num_rows
