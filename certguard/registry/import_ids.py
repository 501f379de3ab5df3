"""GB 11643 checks of a whole chunk of ID numbers at once.

A national file holds millions of distinct ID numbers; checking them one by one in Python is
the largest single cost of an import. The screening engine already states the check as SQL
(rules.idcheck, built from certguard.ids' constants and mirroring ids.check_id_no); DuckDB runs
it over the chunk in one vectorised pass. Only a number that SQL calls valid skips Python; any
other goes through ids.check_id_no, which gives the precise reason (and accepts what needs
repair, such as a lower-case x or a 15-digit legacy number).
"""

from __future__ import annotations

from datetime import date

from certguard import ids
from certguard.rules.base import Context
from certguard.rules.dialect import DuckDBDialect
from certguard.rules.idcheck import id_parts_sql, id_reason_sql
from certguard.rules.params import Params


class IdBatch:
    def __init__(self, *, as_of: date) -> None:
        import duckdb
        import pyarrow as pa

        self.pa = pa
        self.con = duckdb.connect()
        years = ids.region_code_years()
        regions = pa.table({"code": list(years), "end_year": [v[1] for v in years.values()]},
                           schema=pa.schema([("code", pa.string()), ("end_year", pa.int32())]))
        self.con.register("region_in", regions)
        self.con.execute("CREATE TABLE region_codes AS SELECT * FROM region_in")
        self.con.unregister("region_in")
        ctx = Context(d=DuckDBDialect(), as_of=as_of, params=Params(), available=frozenset())
        reason = id_reason_sql(ctx, x="p.x", ymd="p.id_ymd", n17="p.id_n17",
                               region_end="rc.end_year", region_found="rc.code")
        self.sql = (f"SELECT p.x FROM (SELECT x, {id_parts_sql(ctx, 'x')} FROM chunk_ids) p "  # noqa: S608
                    f"LEFT JOIN region_codes rc ON rc.code = substr(p.x, 1, 6) "
                    f"WHERE ({reason}) = 'ok'")

    def valid(self, values: list) -> set[str]:
        """The values that are clean, valid 18-character ID numbers."""
        candidates = [v for v in values if v.__class__ is str and len(v) == 18]
        if not candidates:
            return set()
        self.con.register("chunk_ids", self.pa.table({"x": self.pa.array(candidates,
                                                                           self.pa.string())}))
        try:
            found = [row[0] for row in self.con.execute(self.sql).fetchall()]
        finally:
            self.con.unregister("chunk_ids")
        return set(found)

    def close(self) -> None:
        self.con.close()


def parts(id_no: str) -> tuple[str, str]:
    """Sex and ISO birth date of a valid 18-character ID number (GB 11643: the 17th digit is
    odd for men; digits 7–14 are the birth date)."""
    return ("男" if int(id_no[16]) % 2 else "女",
            f"{id_no[6:10]}-{id_no[10:12]}-{id_no[12:14]}")
