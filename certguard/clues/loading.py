"""Reading a clue file (the contract's output, CSV or Parquet) in batches of plain dicts."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from certguard.core.errors import AppError

CLUE_COLUMNS = ("rule", "severity", "subject", "cert_no", "id_no", "name", "employer_code",
                "institution_code", "exam_center_code", "detail", "evidence")


def _open(path: Path, batch_size: int) -> Iterator[pa.RecordBatch]:
    if path.name.lower().endswith((".parquet", ".pq")):
        return pq.ParquetFile(path).iter_batches(batch_size=batch_size,
                                                 columns=list(CLUE_COLUMNS))
    types = {c: pa.string() for c in CLUE_COLUMNS}
    reader = pacsv.open_csv(path, read_options=pacsv.ReadOptions(block_size=1 << 22),
                            convert_options=pacsv.ConvertOptions(column_types=types,
                                                                 include_columns=list(CLUE_COLUMNS)))
    return iter(reader)


def clue_rows(path: Path, *, batch_size: int = 5000) -> Iterator[list[dict]]:
    try:
        for batch in _open(path, batch_size):
            rows = batch.to_pylist()
            for row in rows:
                row["evidence"] = _evidence(row.get("evidence"))
            yield rows
    except (pa.ArrowInvalid, KeyError) as exc:
        raise AppError("clue_file_unreadable", f"线索文件 {path.name} 无法读取：{exc}") from exc


def clue_file_count(path: Path) -> int | None:
    if path.name.lower().endswith((".parquet", ".pq")):
        return pq.ParquetFile(path).metadata.num_rows
    return None


def _evidence(text: str | None) -> dict:
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return {"raw": text}
    return value if isinstance(value, dict) else {"value": value}
