"""GB 11643 as SQL, built from certguard.ids' constants so there is one algorithm, not two.

The order of checks and the reason codes mirror ids.check_id_no: length, characters, birth
date, address code (an abandoned code stays valid for births up to and including the year it
was abolished: SQL `year > end_year` is the same test as ids `year <= end`),
check character. The address table is loaded from ids.region_code_years() by the engine.
Dates are handled as yyyymmdd integers: plain arithmetic is several times faster than building
date strings and casting them, and reads the same on DuckDB and Spark.
"""

from __future__ import annotations

from certguard import ids
from certguard.rules.base import Context

REASONS = {
    "id_length": "长度不是18位（或15位旧版）",
    "id_chars": "含有数字和末位X以外的字符",
    "id_birth_date": "出生日期不存在",
    "id_region": "地址码不是有效的行政区划代码",
    "id_check_char": "校验位错误",
}


def ymd_of(date_expr: str) -> str:
    """yyyymmdd integer of a DATE."""
    return f"(year({date_expr}) * 10000 + month({date_expr}) * 100 + day({date_expr}))"


def ymd_text(ctx: Context, ymd: str) -> str:
    """'YYYY-MM-DD' text of a yyyymmdd integer."""
    t = f"CAST({ymd} AS STRING)"
    return f"(substr({t}, 1, 4) || '-' || substr({t}, 5, 2) || '-' || substr({t}, 7, 2))"


def id_birth_ymd(ctx: Context, x: str) -> str:
    """Birth date encoded in an ID number (18 or 15 characters) as yyyymmdd, NULL if none."""
    d = ctx.d
    return (f"CASE length({x}) WHEN 18 THEN {d.to_int(f'substr({x}, 7, 8)')} "
            f"WHEN 15 THEN 19000000 + {d.to_int(f'substr({x}, 7, 6)')} END")


def ymd_valid(ctx: Context, ymd: str) -> str:
    """True when a yyyymmdd integer is a date that exists (Gregorian leap years)."""
    d = ctx.d
    y, m = d.int_div(ymd, "10000"), f"({d.int_div(ymd, '100')} % 100)"
    day = f"({ymd} % 100)"
    leap = f"(({y} % 4 = 0 AND {y} % 100 <> 0) OR {y} % 400 = 0)"
    last = (f"CASE WHEN {m} = 2 THEN CASE WHEN {leap} THEN 29 ELSE 28 END "
            f"WHEN {m} IN (4, 6, 9, 11) THEN 30 ELSE 31 END")
    return f"({m} BETWEEN 1 AND 12 AND {day} >= 1 AND {day} <= {last})"


def check_char_sql(ctx: Context, n: str) -> str:
    """Expected check character, given n = the first 17 digits as a BIGINT (computed once)."""
    d = ctx.d
    terms = " + ".join(f"({d.int_div(n, str(10 ** (16 - i)))} % 10) * {w}"
                       for i, w in enumerate(ids.ID_WEIGHTS))
    return f"substr('{ids.ID_CHECK_CHARS}', (({terms}) % 11) + 1, 1)"


def sex_sql(ctx: Context, x: str) -> str:
    """男 / 女 from the sequence code (odd = male), NULL when the number has none."""
    d = ctx.d
    digit = (f"CASE length({x}) WHEN 18 THEN {d.to_int(f'substr({x}, 17, 1)')} "
             f"WHEN 15 THEN {d.to_int(f'substr({x}, 15, 1)')} END")
    return f"CASE ({digit}) % 2 WHEN 1 THEN '男' WHEN 0 THEN '女' END"


def id_parts_sql(ctx: Context, x: str) -> str:
    """Columns id_ymd and id_n17, computed once per row for id_reason_sql (SELECT list part)."""
    return (f"{id_birth_ymd(ctx, x)} AS id_ymd, "
            f"{ctx.d.to_bigint(f'substr({x}, 1, 17)')} AS id_n17")


def id_reason_sql(ctx: Context, *, x: str, ymd: str, n17: str, region_end: str,
                  region_found: str) -> str:
    """Reason code ('ok' when valid) for ID number x; ymd / n17 come from id_parts_sql and the
    region columns from a join with region_codes."""
    d = ctx.d
    as_of = ctx.as_of.year * 10000 + ctx.as_of.month * 100 + ctx.as_of.day
    is15 = f"(length({x}) = 15 AND {d.full_match(x, '[0-9]{15}')})"
    year = d.int_div(ymd, "10000")
    return f"""CASE
        WHEN NOT {is15} AND length({x}) <> 18 THEN 'id_length'
        WHEN NOT {is15} AND NOT {d.full_match(x, '[0-9]{17}[0-9X]')} THEN 'id_chars'
        WHEN NOT {ymd_valid(ctx, ymd)} OR {ymd} > {as_of} OR {year} < 1900 THEN 'id_birth_date'
        WHEN {region_found} IS NULL OR ({region_end} IS NOT NULL AND {year} > {region_end})
          THEN 'id_region'
        WHEN NOT {is15} AND substr({x}, 18, 1) <> {check_char_sql(ctx, n17)} THEN 'id_check_char'
        ELSE 'ok' END"""


def reason_text_sql(reason: str) -> str:
    cases = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in REASONS.items())
    return f"CASE {reason} {cases} END"
