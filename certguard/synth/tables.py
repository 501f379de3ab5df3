"""Small helpers to turn numpy columns into Arrow columns (days -> date32, -1 -> null)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

NULL = -1


def dates(days: np.ndarray, *, given: np.ndarray | None = None) -> pa.Array:
    """A date32 column straight from its buffers (no cast): days, validity bitmap for NULL.
    ``given``: which values are dates, for columns where day -1 (1969-12-31) is a real date
    (birth dates), so NULL cannot mark the missing ones."""
    values = np.asarray(days)
    data = pa.py_buffer(np.ascontiguousarray(values, dtype=np.int32))  # no copy if int32
    null = values == NULL if given is None else ~given
    nulls = int(np.count_nonzero(null))
    if not nulls:
        return pa.Array.from_buffers(pa.date32(), len(values), [None, data], null_count=0)
    valid = pa.py_buffer(np.packbits(~null, bitorder="little"))
    return pa.Array.from_buffers(pa.date32(), len(values), [valid, data], null_count=nulls)


def strings(values: pa.Array | list | None, n: int) -> pa.Array:
    if values is None:
        return pa.nulls(n, pa.string())
    if isinstance(values, list):
        return pa.array(values, pa.string())
    return values.cast(pa.string())


def take(values: pa.Array, index: np.ndarray, *, null_at: np.ndarray | None = None) -> pa.Array:
    """values[index], with null where index == NULL (or null_at is true)."""
    index = np.asarray(index, dtype=np.int64)
    mask = index == NULL if null_at is None else null_at
    return values.take(pa.array(np.where(mask, 0, index), mask=mask))


TRUTH_SCHEMA = pa.schema([(c, pa.string()) for c in (
    "fraud_id", "kind", "rule", "subject", "cert_no", "id_no", "name", "employer_code",
    "institution_code", "exam_center_code")])


def truth(kind: str, rule: str, subject: str, *, n: int, start: int = 0,
          **keys: pa.Array | None) -> pa.Table:
    """Truth rows: one expected clue per planted fraud (fraud ids number the kind's plants)."""
    ids = pa.array([f"{kind}-{i:07d}" for i in range(start, start + n)], pa.string())
    cols = {"fraud_id": ids, "kind": pa.array([kind] * n, pa.string()),
            "rule": pa.array([rule] * n, pa.string()),
            "subject": pa.array([subject] * n, pa.string())}
    for name in TRUTH_SCHEMA.names[4:]:
        cols[name] = strings(keys.get(name), n)
    return pa.table(cols, schema=TRUTH_SCHEMA)
