"""DuckDB and Spark (local mode) give byte-identical clue files on the same data."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from certguard import ids
from certguard.catalog.reference import min_training_hours
from certguard.rules import screen
from certguard.synth.generate import generate
from tests.rules.conftest import AS_OF, cert, sitting, worker, write_csv

pytestmark = [
    pytest.mark.spark,
    pytest.mark.skipif(shutil.which("java") is None,
                       reason="PySpark needs a Java runtime "
                              "(apt-get install default-jre-headless)"),
]


@pytest.fixture(scope="module")
def spark() -> Iterator[object]:
    pytest.importorskip("pyspark", reason="pyspark is not installed")
    from certguard.rules.engine import spark_session

    session = spark_session(master="local[2]")
    session.conf.set("spark.sql.shuffle.partitions", "2")  # tiny data: fewer, faster tasks
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def _both(spark: object, files: dict, out_dir: Path, as_of: date,
          rules: list[str] | None = None) -> tuple[bytes, bytes]:
    from certguard.rules.engine import SparkEngine

    outputs = []
    for name, engine in (("duckdb", "duckdb"), ("spark", SparkEngine(spark=spark))):
        out = out_dir / f"clues-{name}.csv"
        screen(files, out=out, as_of=as_of, engine=engine, rules=rules,
               catalogue_min_hours=min_training_hours())
        outputs.append(out.read_bytes())
    return outputs[0], outputs[1]


def test_every_rule_gives_identical_clues_on_synthetic_data(spark: object, tmp_path: Path
                                                             ) -> None:
    made = generate(out_dir=tmp_path, certificates=2000, roster=800, training=400, exams=500,
                    seed=11, fmt="parquet")
    duck, sparked = _both(spark, made.files, tmp_path, made.as_of)
    assert duck.count(b"\n") > 40
    rules = {line.split(b",")[0] for line in duck.splitlines()[1:]}
    assert rules == {f"R{i:02d}".encode() for i in range(1, 18)}
    assert duck == sparked


def test_edge_cases_agree_across_engines(spark: object, tmp_path: Path) -> None:
    odd_ids = ["11010519800501001", "1101051980050100AX", "110105198002300113",
               ids.make_id_no("999999", date(1980, 5, 1), 11), "110105800501001",
               ids.make_id_no("110105", date(2006, 1, 1), 11),
               # born in the abolition year of 崇文区 (2010) and the year after
               "110103201003150014", ids.make_id_no("110103", date(2011, 3, 15), 1)]
    certs = [cert(id_no=x, cert_no=f"N{i}", family="construction", review_due="",
                  first_issued="2023-02-28", valid_from="2024-02-29")
             for i, x in enumerate(odd_ids)] + [cert(name='张"伟\\')]
    files = {"certificates": write_csv(tmp_path / "c.csv", certs),
             "roster": write_csv(tmp_path / "r.csv", [worker(cert_no="T" + odd_ids[3])]),
             "exams": write_csv(tmp_path / "e.csv", [
                 sitting(end_time="2019-12-01T09:19:59"),
                 sitting(exam_center_code="KC02", start_time="2019-12-01T09:00:00+08:00",
                         end_time="2019-12-01T09:05:30+08:00")])}
    duck, sparked = _both(spark, files, tmp_path, AS_OF, rules=["R02", "R11", "R15"])
    assert b"id_region" in duck and b"exam_too_fast" not in duck
    assert duck == sparked
