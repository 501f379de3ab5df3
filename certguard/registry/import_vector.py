"""The row checks of a whole chunk at once, vectorised (Arrow compute kernels, in C++).

Checking rows one by one in Python costs tens of microseconds a row: at national scale the
largest part of an import. Almost every row of a real file is clean: its values already in
their normal form and passing every check. This module finds those rows column by column and
builds their staged values (sex and birth date from the ID number, the authority's id) without
a Python object per row; every other row goes through ``import_rows.RowChecker``, which gives
the precise reason of a rejection, or repairs what it may (full-width characters, spaces, a
lower-case x, a 15-digit legacy ID number, a name with a middle dot).

The pass is conservative by construction: a row is called clean only when each value matches
a pattern stricter than what the Python check accepts unchanged (GB 11643 as in ids.check_id_no:
characters, birth date, address code and its abolition year, check character), so the two
paths stage the same values for any row both accept; a differential test holds them together.
Checks that need other rows (duplicates, one name per ID number, another authority's
certificates, unchanged rows) are set-based in the staging table (import_store).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from certguard import ids
from certguard.registry.import_rows import STAGE_FIELDS, Remit
from certguard.registry.import_source import COLUMNS
from certguard.rules.schema import FAMILIES, STATUSES

REQUIRED_DATES = ("first_issued", "valid_from", "valid_until")
OPTIONAL_DATES = ("review_due", "last_review", "birth_date")
# Stricter than the Python check: values matching these are already normal (NFKC, trimmed,
# upper case), hold no control character and are within the columns' limits.
CERT_NO = r"^[0-9A-Z\x{4e00}-\x{9fff}]{1,40}$"  # CJK unified ideographs are NFKC-stable
NAME = r"^[\x{4e00}-\x{9fff}]{1,20}$"
CODE = r"^[0-9A-Za-z._-]{1,20}$"
DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
ID18 = r"^[0-9]{17}[0-9X]$"


class VectorCheck:
    """The clean rows of a chunk (an Arrow table: line, then the contract's COLUMNS)."""

    def __init__(self, *, items: set[tuple[str, str]], issuers: dict[str, int], remit: Remit,
                 as_of: date) -> None:
        import numpy as np
        import pyarrow as pa
        import pyarrow.compute as pc

        self.pa, self.pc, self.remit, self.as_of = pa, pc, remit, as_of
        self.items = pa.array(sorted(f"{f}|{c}" for f, c in items), pa.string())
        self.issuer_codes = pa.array(list(issuers), pa.string())
        self.issuer_ids = pa.array(list(issuers.values()), pa.int64())
        years = ids.region_code_years()
        permits = set(ids.RESIDENCE_PERMIT_CODES)
        self.regions = pa.array([*years, *(permits - set(years))], pa.string())
        self.region_ends = pa.array([years[c][1] if c in years else None for c in
                                     self.regions.to_pylist()], pa.int64())
        self.families = pa.array(sorted(FAMILIES), pa.string())
        self.statuses = pa.array(sorted(STATUSES), pa.string())
        self.remit_families = pa.array(sorted(remit.families), pa.string())
        self.sexes = pa.array(["", "男", "女"], pa.string())
        self.np = np
        self.month_days = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
        self.weights = np.array(ids.ID_WEIGHTS, dtype=np.int64)
        self.check_bytes = np.frombuffer(ids.ID_CHECK_CHARS.encode("ascii"), dtype=np.uint8)

    def table(self, rows: list[tuple[int, list | tuple]]) -> Any | None:
        """An Arrow table of a chunk read as Python values (CSV, XLSX): None when a column
        holds anything but text (a spreadsheet's dates or numbers), left to the rows' check."""
        pa = self.pa
        if not rows:
            return None
        lines, values = zip(*rows, strict=True)
        try:
            arrays = [pa.array(column, pa.string()) for column in zip(*values, strict=True)]
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            return None
        return pa.table([pa.array(lines, pa.int64()), *arrays], names=["line", *COLUMNS])

    def clean(self, chunk) -> Any | None:
        """The staged rows (Arrow, STAGE_FIELDS columns, in line order) of the chunk's clean
        rows; None when a column is not text (numbers in a Parquet file): the rows' check."""
        pa = self.pa
        columns = {}
        for name in COLUMNS:
            column = chunk.column(name)
            if pa.types.is_large_string(column.type) or pa.types.is_null(column.type):
                column = column.cast(pa.string())
            if not pa.types.is_string(column.type):
                return None
            columns[name] = column
        table = pa.table({"line": chunk.column("line"), **columns})
        table = table.filter(self._formats(table))
        if table.num_rows:
            table = table.filter(self._values(table))
        return self._staged(table)

    def _formats(self, t) -> Any:
        """Patterns, enumerations and the catalogue: cheap, and they make the rest safe."""
        pc, c = self.pc, t.column
        family, status, sex, source = c("family"), c("status"), c("sex"), c("source")
        tests = [
            pc.match_substring_regex(c("id_no"), ID18),
            pc.match_substring_regex(c("cert_no"), CERT_NO),
            pc.match_substring_regex(c("name"), NAME),
            pc.is_in(family, value_set=self.families),
            pc.is_in(status, value_set=self.statuses),
            pc.or_kleene(pc.is_null(sex), pc.is_in(sex, value_set=self.sexes)),
            pc.match_substring_regex(c("issuer_code"), CODE),
            pc.or_kleene(pc.is_null(source), pc.or_kleene(
                pc.equal(source, ""), pc.match_substring_regex(source, CODE))),
            pc.is_in(pc.binary_join_element_wise(family, c("item_code"), "|"),
                     value_set=self.items),
            *[pc.match_substring_regex(c(name), DATE) for name in REQUIRED_DATES],
            *[pc.or_kleene(pc.is_null(c(name)), pc.or_kleene(
                pc.equal(c(name), ""), pc.match_substring_regex(c(name), DATE)))
              for name in OPTIONAL_DATES],
            pc.less_equal(c("valid_from"), c("valid_until")),
            pc.or_kleene(pc.not_equal(family, "special_ops"),
                         pc.equal(c("cert_no"), pc.binary_join_element_wise("T", c("id_no"), ""))),
        ]
        if self.remit.issuer_code is not None:
            tests.append(pc.equal(c("issuer_code"), self.remit.issuer_code))
        tests.append(pc.is_in(family, value_set=self.remit_families))
        return _all(pc, tests)

    def _values(self, t) -> Any:
        """Dates that exist, and GB 11643 for ID numbers already known to be 17 digits and a
        digit or X: birth date, address code (valid for births up to its abolition year) and
        check character, as ids.check_id_no. The fixed-width values are read as a matrix of
        bytes (numpy), a handful of operations for the whole chunk."""
        np, pc, c = self.np, self.pc, t.column
        tests = [self._date_ok(c(name)) for name in REQUIRED_DATES]
        for name in OPTIONAL_DATES:
            column = c(name)
            absent = pc.fill_null(pc.equal(column, ""), True)
            tests.append(absent.to_numpy(zero_copy_only=False)
                         | self._date_ok(pc.if_else(absent, "2000-01-01", column)))
        id_no = self._bytes(c("id_no"), 18)
        digits = id_no[:, :17].astype(np.int64) - 48
        year = digits[:, 6:10] @ np.array([1000, 100, 10, 1])
        month, day = digits[:, 10] * 10 + digits[:, 11], digits[:, 12] * 10 + digits[:, 13]
        region = pc.index_in(pc.utf8_slice_codeunits(c("id_no"), 0, 6), value_set=self.regions)
        end = pc.fill_null(pc.take(self.region_ends, region), 9999).to_numpy(zero_copy_only=False)
        as_of = self.as_of.year * 10000 + self.as_of.month * 100 + self.as_of.day
        tests += [self._exists(year, month, day), year >= 1900,
                  year * 10000 + month * 100 + day <= as_of,
                  pc.is_valid(region).to_numpy(zero_copy_only=False), year <= end,
                  id_no[:, 17] == self.check_bytes[(digits @ self.weights) % 11]]
        ok = tests[0]
        for test in tests[1:]:
            ok = ok & test
        return self.pa.array(ok, self.pa.bool_())

    def _bytes(self, column, width: int) -> Any:
        """A text column whose values are all ``width`` ASCII characters, as an (n, width)
        matrix of bytes, without copying."""
        np = self.np
        array = column.combine_chunks() if hasattr(column, "combine_chunks") else column
        if array.null_count or not len(array):
            raise ValueError("a null where a fixed-width value was checked")
        offsets = np.frombuffer(array.buffers()[1], dtype=np.int32, count=len(array) + 1,
                                offset=array.offset * 4)
        start, stop = int(offsets[0]), int(offsets[-1])
        if stop - start != width * len(array):
            raise ValueError("values of another width where a fixed width was checked")
        data = np.frombuffer(array.buffers()[2], dtype=np.uint8, count=stop - start,
                             offset=start)
        return data.reshape(len(array), width)

    def _exists(self, year, month, day) -> Any:
        """True where year-month-day is a date of the Gregorian calendar (year 1 to 9999)."""
        leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
        real_month = (month >= 1) & (month <= 12)
        last = self.month_days[self.np.where(real_month, month, 0)] + (leap & (month == 2))
        return (year >= 1) & real_month & (day >= 1) & (day <= last)

    def _date_ok(self, column) -> Any:
        """An existing date, for a column whose values all matched DATE."""
        digits = self._bytes(column, 10).astype(self.np.int64) - 48
        year = digits[:, 0:4] @ self.np.array([1000, 100, 10, 1])
        return self._exists(year, digits[:, 5] * 10 + digits[:, 6],
                            digits[:, 8] * 10 + digits[:, 9])

    def _staged(self, t) -> Any:
        pa, pc, c = self.pa, self.pc, t.column
        id_no = c("id_no")
        odd = pc.equal(pc.bit_wise_and(pc.cast(pc.utf8_slice_codeunits(id_no, 16, 17),
                                                pa.int64()), 1), 1)
        sex = pc.if_else(odd, "男", "女")
        birth = pc.binary_join_element_wise(pc.utf8_slice_codeunits(id_no, 6, 10),
                                            pc.utf8_slice_codeunits(id_no, 10, 12),
                                            pc.utf8_slice_codeunits(id_no, 12, 14), "-")
        issuer = pc.take(self.issuer_ids, pc.index_in(c("issuer_code"),
                                                      value_set=self.issuer_codes))

        def optional(name: str):
            column = c(name)
            return pc.if_else(pc.equal(column, ""), pa.scalar(None, pa.string()), column)

        staged = {"line": c("line"), "cert_no": c("cert_no"), "id_no": id_no, "name": c("name"),
                  "sex": sex, "birth_date": birth, "family": c("family"),
                  "item_code": c("item_code"), "issuer_code": c("issuer_code"),
                  "issuer_id": issuer, "first_issued": c("first_issued"),
                  "valid_from": c("valid_from"), "valid_until": c("valid_until"),
                  "review_due": optional("review_due"), "last_review": optional("last_review"),
                  "status": c("status"), "source": pc.fill_null(c("source"), "")}
        assert tuple(staged) == STAGE_FIELDS
        return pa.table(staged)

    def close(self) -> None:
        """Nothing held outside Python's memory (kept for the importer's cleanup)."""


def _all(pc, tests: list) -> Any:
    """AND of the tests, a null (a missing value) counting as false."""
    result = pc.fill_null(tests[0], False)
    for test in tests[1:]:
        result = pc.and_(result, pc.fill_null(test, False))
    return result
