"""The checking scan's building blocks (certguard/rules/readers.py), value by value."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from certguard.rules.readers import (
    _checks,
    _repeated,
    mask_expr,
    needs_clean_expr,
    plain_value_expr,
    settled_by_dictionary,
)
from certguard.rules.schema import CERTIFICATES, ROSTER, Column

TRICKY = ["110105198005011234", "11010519800501123X", "11010519800501123x", "", " ", "  a ",
          " 110105198005011234", "110105198005011234 ", "１１０１０５１９８００５０１１２３４",
          "1.10105E+17", "110105198005011234.0", "1101 0519800501 1234", "'110105198005011234",
          "\u200b110105198005011234", "abc", "张伟", "男", "女", "其他", "special_ops", "valid",
          "a\tb", "\tab", "!a", "!a ", "\x01", None]


def _ungated(bits: list[tuple[Column, str]]) -> str:
    """The mask written the plain way: every condition evaluated on every row."""
    return " | ".join(f"(CAST(coalesce({sql}, false) AS BIGINT) << {at})"
                      for at, (_, sql) in enumerate(bits))


@pytest.mark.parametrize("column", [c for c in (*CERTIFICATES.columns, *ROSTER.columns)
                                    if c.kind in ("str", "id", "enum")], ids=lambda c: c.name)
def test_gated_mask_is_the_plain_mask_for_every_tricky_value(column: Column) -> None:
    con = duckdb.connect()
    con.register("t", pa.table({column.name: pa.array(TRICKY, type=pa.string())}))
    spec = CERTIFICATES if column in CERTIFICATES.columns else ROSTER
    checks = _checks(spec, {column.name}, native=set(), not_null=set())
    bits = [(column, sql) for _, sql, _, _ in checks] + [(column, needs_clean_expr(column))]
    gated = con.execute(f"SELECT {mask_expr(bits, native=set())} FROM t").fetchall()
    plain = con.execute(f"SELECT {_ungated(bits)} FROM t").fetchall()
    assert gated == plain
    assert any(m for (m,) in gated) and not all(m for (m,) in gated)


def test_repeated_hashes_are_found_in_both_halves_of_the_hash_range() -> None:
    rng = np.random.default_rng(0)
    hashes = rng.integers(0, 2**64 - 1, size=10_000, dtype=np.uint64)
    hashes[[10, 20]] = np.uint64(3)  # low half
    hashes[[30, 40, 50]] = np.uint64(2**64 - 5)  # high half, three times
    expected = np.zeros(len(hashes), dtype=bool)
    expected[[10, 20, 30, 40, 50]] = True
    assert (_repeated(hashes) == expected).all()
    assert not _repeated(np.array([1, 2**63], dtype=np.uint64)).any()


_DICTIONARY_COLUMNS = [c for c in (*CERTIFICATES.columns, *ROSTER.columns)
                       if c.kind in ("str", "enum")]


@pytest.mark.parametrize("column", _DICTIONARY_COLUMNS, ids=lambda c: c.name)
def test_a_dictionary_column_is_settled_only_when_every_row_is_plain(
        column: Column, tmp_path: Path) -> None:
    """Differential: settled_by_dictionary (distinct values) against the plain test row by
    row, for a column of ordinary values plus each tricky value in turn."""
    spec = CERTIFICATES if column in CERTIFICATES.columns else ROSTER
    ordinary = list(column.choices) or ["A1", "B2", "张三"]
    con = duckdb.connect()
    outcomes = set()
    for extra in [[], *([value] for value in TRICKY)]:
        path = tmp_path / "f.parquet"
        values = pa.array(ordinary * 3 + extra, type=pa.string()).dictionary_encode()
        pq.write_table(pa.table({column.name: values}), path)
        settled = settled_by_dictionary(con, path, spec, {column.name}, native=set())
        failing = con.execute(
            f"SELECT count(*) FROM read_parquet('{path}') WHERE NOT coalesce("
            f"{plain_value_expr(column, native=False)}, false)").fetchall()[0][0]
        assert (column.name in settled) == (failing == 0), extra
        outcomes.add(failing == 0)
    assert outcomes == {True, False}


def test_plain_text_columns_are_never_settled(tmp_path: Path) -> None:
    path = tmp_path / "f.parquet"
    pq.write_table(pa.table({"cert_no": ["A1", "A2"]}), path)
    assert settled_by_dictionary(duckdb.connect(), path, CERTIFICATES, {"cert_no"},
                                 native=set()) == set()
