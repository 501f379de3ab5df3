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
        self.check_chars = pa.array(list(ids.ID_CHECK_CHARS), pa.string())
        self.sexes = pa.array(["", "男", "女"], pa.string())
        self.month_days = pa.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], pa.int64())

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
        check character, as ids.check_id_no."""
        pc, c = self.pc, t.column
        id_no = c("id_no")
        tests = [self._date_ok(c(name)) for name in REQUIRED_DATES]
        tests += [pc.or_kleene(pc.is_null(c(name)), pc.or_kleene(
            pc.equal(c(name), ""), self._date_ok(c(name)))) for name in OPTIONAL_DATES]
        year = self._int(id_no, 6, 10)
        tests += [self._exists(year, self._int(id_no, 10, 12), self._int(id_no, 12, 14)),
                  pc.greater_equal(year, 1900),
                  pc.less_equal(pc.utf8_slice_codeunits(id_no, 6, 14),
                                self.as_of.strftime("%Y%m%d"))]
        region = pc.index_in(pc.utf8_slice_codeunits(id_no, 0, 6), value_set=self.regions)
        end = pc.take(self.region_ends, region)
        tests += [pc.is_valid(region),
                  pc.or_kleene(pc.is_null(end), pc.less_equal(year, end))]
        total = None
        for i, weight in enumerate(ids.ID_WEIGHTS):
            digit = pc.cast(pc.utf8_slice_codeunits(id_no, i, i + 1), self.pa.int64())
            term = pc.multiply(digit, weight)
            total = term if total is None else pc.add(total, term)
        remainder = pc.subtract(total, pc.multiply(pc.divide(total, 11), 11))  # integers
        expected = pc.take(self.check_chars, remainder)
        tests.append(pc.equal(pc.utf8_slice_codeunits(id_no, 17, 18), expected))
        return _all(pc, tests)

    def _int(self, column, start: int, stop: int) -> Any:
        """Digits start:stop as integers (the column already matched its pattern)."""
        return self.pc.cast(self.pc.utf8_slice_codeunits(column, start, stop), self.pa.int64())

    def _exists(self, year, month, day) -> Any:
        """True where year-month-day is a date of the Gregorian calendar (year 1 to 9999)."""
        pc = self.pc

        def divisible(n: int):
            return pc.equal(pc.subtract(year, pc.multiply(pc.divide(year, n), n)), 0)

        leap = pc.or_(pc.and_(divisible(4), pc.invert(divisible(100))), divisible(400))
        real_month = pc.and_(pc.greater_equal(month, 1), pc.less_equal(month, 12))
        last = pc.take(self.month_days, pc.if_else(real_month, month, 0))
        last = pc.add(last, pc.cast(pc.and_(leap, pc.equal(month, 2)), self.pa.int64()))
        return _all(pc, [pc.greater_equal(year, 1), real_month, pc.greater_equal(day, 1),
                         pc.less_equal(day, last)])

    def _date_ok(self, column) -> Any:
        """An existing date, for a column that matched DATE (or is empty, then false)."""
        pc = self.pc
        full = pc.equal(pc.utf8_length(column), 10)  # "" where an optional date is absent
        column = pc.if_else(full, column, "0000-00-00")
        return pc.and_(full, self._exists(self._int(column, 0, 4), self._int(column, 5, 7),
                                          self._int(column, 8, 10)))

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
