"""The platform's own certificates as a certificates exchange file (Parquet), for screening."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from certguard.core.scoping import UserLike
from certguard.registry import selectors as registry_selectors
from certguard.registry.services import today

COLUMNS = (("cert_no", "cert_no", pa.string()), ("id_no", "id_no", pa.string()),
           ("name", "name", pa.string()), ("sex", "holder__sex", pa.string()),
           ("birth_date", "holder__birth_date", pa.date32()), ("family", "family_id", pa.string()),
           ("item_code", "item_code", pa.string()), ("issuer_code", "issuer_code", pa.string()),
           ("first_issued", "first_issued", pa.date32()),
           ("valid_from", "valid_from", pa.date32()),
           ("valid_until", "valid_until", pa.date32()),
           ("review_due", "review_due", pa.date32()),
           ("last_review", "last_review", pa.date32()), ("status", "status", pa.string()),
           ("source", "source", pa.string()))
SCHEMA = pa.schema([(name, kind) for name, _, kind in COLUMNS])
CHUNK = 50_000


def _batch(rows: list[tuple]) -> pa.RecordBatch:
    columns = list(zip(*rows, strict=True)) if rows else [[] for _ in COLUMNS]
    arrays = [pa.array([v or None for v in col] if kind == pa.string() else list(col), kind)
              for col, (_, _, kind) in zip(columns, COLUMNS, strict=True)]
    return pa.RecordBatch.from_arrays(arrays, schema=SCHEMA)


def export_registry_certificates(*, user: UserLike, path: Path) -> int:
    """Write the certificates the user may see to ``path``; returns the row count."""
    rows = registry_selectors.certificates_for(user=user, on=today()).order_by("pk") \
        .values_list(*(field for _, field, _ in COLUMNS))
    count, buffer = 0, []
    with pq.ParquetWriter(path, SCHEMA) as writer:
        for row in rows.iterator(chunk_size=CHUNK):
            buffer.append(row)
            if len(buffer) >= CHUNK:
                writer.write_batch(_batch(buffer))
                count, buffer = count + len(buffer), []
        writer.write_batch(_batch(buffer))
    return count + len(buffer)
