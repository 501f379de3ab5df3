"""The SQL differences between DuckDB and Spark SQL, in one place.

Rules are written once against these helpers; everything else in their SQL is the common subset
(CTEs, joins, CASE, window functions, NOT EXISTS, ``||``, substr, DATE literals, STRING casts).
Values that end up in clue text are formatted here so both engines print them identically.
"""

from __future__ import annotations

from collections.abc import Sequence


class Dialect:
    name = "abstract"

    def full_match(self, expr: str, pattern: str) -> str:
        raise NotImplementedError

    def to_date(self, expr: str) -> str:
        """A 'YYYY-MM-DD' string to DATE, NULL when the date does not exist."""
        raise NotImplementedError

    def to_int(self, expr: str) -> str:
        raise NotImplementedError

    def add_months(self, expr: str, months: str) -> str:
        raise NotImplementedError

    def to_bigint(self, expr: str) -> str:
        raise NotImplementedError

    def int_div(self, a: str, b: str) -> str:
        raise NotImplementedError

    def hash64(self, expr: str) -> str:
        """A 64-bit hash: grouping by it is much cheaper than by long strings. Used only to
        pre-select candidates; exact comparisons follow, so collisions cannot change results."""
        raise NotImplementedError

    def seconds_between(self, start: str, end: str) -> str:
        raise NotImplementedError

    def fmt_num(self, expr: str, decimals: int) -> str:
        raise NotImplementedError

    def agg_sorted_join(self, expr: str, sep: str) -> str:
        """Aggregate: the group's values sorted and joined (callers dedupe first)."""
        raise NotImplementedError

    def json_str(self, expr: str) -> str:
        """A JSON string literal for a text value (null stays null); chr() avoids escapes that
        the two parsers read differently (Spark treats backslash in literals as an escape)."""
        escaped = (f"replace(replace({expr}, chr(92), chr(92) || chr(92)), "
                   "chr(34), chr(92) || chr(34))")
        # Control characters (a name with ESC, a tab pasted into a code) as \u00XX: JSON
        # forbids them raw. Written with chr() so both engines build the same text.
        for code in (*range(32), 127):
            escaped = f"replace({escaped}, chr({code}), chr(92) || 'u{code:04x}')"
        return f"CASE WHEN {expr} IS NULL THEN 'null' ELSE chr(34) || {escaped} || chr(34) END"

    def json_object(self, fields: Sequence[tuple[str, str]]) -> str:
        """Fields are (key, SQL text value); numbers are passed pre-formatted via ``num``."""
        parts = []
        for index, (key, value) in enumerate(fields):
            sep = "," if index else ""
            parts.append(f"'{sep}\"{key}\":' || {value}")
        return "'{' || " + " || ".join(parts) + " || '}'" if parts else "'{}'"

    def jtext(self, expr: str) -> str:
        return self.json_str(f"CAST({expr} AS STRING)")

    def jnum(self, expr: str, decimals: int = 0) -> str:
        return f"coalesce({self.fmt_num(expr, decimals)}, 'null')"

    def text(self, expr: str) -> str:
        """Any value as text for clue detail (dates print as YYYY-MM-DD on both engines)."""
        return f"coalesce(CAST({expr} AS STRING), '')"


class DuckDBDialect(Dialect):
    name = "duckdb"

    def json_str(self, expr: str) -> str:
        """The engine's own JSON encoder: quotes, backslashes and every control character
        (ESC, NUL … in a name from a roster) escaped, so the evidence always parses."""
        return (f"CASE WHEN {expr} IS NULL THEN 'null' "
                f"ELSE CAST(to_json(CAST({expr} AS VARCHAR)) AS VARCHAR) END")

    def full_match(self, expr: str, pattern: str) -> str:
        return f"regexp_full_match({expr}, '{pattern}')"

    def to_date(self, expr: str) -> str:
        return f"TRY_CAST({expr} AS DATE)"

    def to_int(self, expr: str) -> str:
        return f"TRY_CAST({expr} AS INTEGER)"

    def add_months(self, expr: str, months: str) -> str:
        return f"CAST({expr} + to_months(CAST({months} AS INTEGER)) AS DATE)"

    def to_bigint(self, expr: str) -> str:
        return f"TRY_CAST({expr} AS BIGINT)"

    def int_div(self, a: str, b: str) -> str:
        return f"({a} // {b})"

    def hash64(self, expr: str) -> str:
        return f"hash({expr})"

    def seconds_between(self, start: str, end: str) -> str:
        return f"(epoch({end}) - epoch({start}))"

    def fmt_num(self, expr: str, decimals: int) -> str:
        return f"printf('%.{decimals}f', CAST({expr} AS DOUBLE))"

    def agg_sorted_join(self, expr: str, sep: str) -> str:
        return f"string_agg({expr}, '{sep}' ORDER BY {expr})"


class SparkDialect(Dialect):
    """Spark SQL with spark.sql.ansi.enabled=false (casts of bad text give NULL, as TRY_CAST)."""

    name = "spark"

    def json_str(self, expr: str) -> str:
        """Jackson's encoder (control characters escaped): the one-element array's text
        without its brackets."""
        encoded = f"to_json(array(CAST({expr} AS STRING)))"
        return (f"CASE WHEN {expr} IS NULL THEN 'null' "
                f"ELSE substring({encoded}, 2, length({encoded}) - 2) END")

    def full_match(self, expr: str, pattern: str) -> str:
        return f"({expr} RLIKE '^(?:{pattern})$')"

    def to_date(self, expr: str) -> str:
        return f"CAST({expr} AS DATE)"

    def to_int(self, expr: str) -> str:
        return f"CAST({expr} AS INT)"

    def add_months(self, expr: str, months: str) -> str:
        return f"add_months({expr}, {months})"

    def to_bigint(self, expr: str) -> str:
        return f"CAST({expr} AS BIGINT)"

    def int_div(self, a: str, b: str) -> str:
        return f"({a} div {b})"

    def hash64(self, expr: str) -> str:
        return f"xxhash64({expr})"

    def seconds_between(self, start: str, end: str) -> str:
        return f"(unix_timestamp({end}) - unix_timestamp({start}))"

    def fmt_num(self, expr: str, decimals: int) -> str:
        return f"format_string('%.{decimals}f', CAST({expr} AS DOUBLE))"

    def agg_sorted_join(self, expr: str, sep: str) -> str:
        return f"array_join(array_sort(collect_list({expr})), '{sep}')"
