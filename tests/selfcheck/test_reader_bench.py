"""The roster-read benchmark runs end to end on a small generated file and reports its figures."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from certguard.bench import roster_read


def test_bench_reports_rates_and_the_calamine_baseline(tmp_path: Path) -> None:
    pytest.importorskip("xlsxwriter")
    parser = argparse.ArgumentParser()
    roster_read.add_arguments(parser)
    options = vars(parser.parse_args(["--rows", "500", "--rounds", "1",
                                      "--file", str(tmp_path / "r.xlsx")]))
    figures = roster_read.run(options)
    assert figures["rows"] == 500
    # 1 in 100 rows carries an ID stored as a number: those are rejected, the rest accepted.
    assert (figures["accepted"], figures["rejected"]) == (495, 5)
    assert figures["reader_rows_per_s"] > 0
    assert figures["baseline_calamine_raw_seconds"] > 0
    assert figures["ratio_reader_to_baseline"] > 0
    assert Path(figures["file"]).exists()
