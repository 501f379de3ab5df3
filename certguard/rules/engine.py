"""The engine API: a few methods per engine (Splink-style), heavy engines imported lazily.

Validation always happens in DuckDB (readers.py), which leaves typed tables in a DuckDB
connection; an engine makes those tables visible to itself and runs rule SQL, returning Arrow.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from certguard.rules.dialect import Dialect, DuckDBDialect, SparkDialect


class Engine(ABC):
    name: str
    dialect: Dialect

    @abstractmethod
    def attach(self, *, con: duckdb.DuckDBPyConnection, tables: list[str], work_dir: Path) -> None:
        """Make the validated DuckDB tables visible to this engine under the same names."""

    @abstractmethod
    def run(self, sql: str) -> pa.Table:
        """Run one rule's SQL and return its clue rows."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release what the engine holds (nothing by default)."""


class DuckDBEngine(Engine):
    name = "duckdb"

    def __init__(self) -> None:
        self.dialect = DuckDBDialect()
        self._con: duckdb.DuckDBPyConnection | None = None

    def attach(self, *, con: duckdb.DuckDBPyConnection, tables: list[str], work_dir: Path) -> None:
        self._con = con  # same connection: the tables are already here

    def run(self, sql: str) -> pa.Table:
        assert self._con is not None, "attach() first"
        return self._con.sql(sql).to_arrow_table()


def spark_session(*, master: str = "local[2]", app: str = "certguard-screen") -> Any:
    """A Spark session with the settings the rules' SQL assumes (see SparkDialect)."""
    from pyspark.sql import SparkSession

    spark = (SparkSession.builder.master(master).appName(app)
             .config("spark.sql.shuffle.partitions", "4")
             .config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false")
             .config("spark.driver.memory", "2g")
             .getOrCreate())
    apply_spark_settings(spark)
    return spark


def apply_spark_settings(spark: Any) -> None:
    # Casts of bad text must give NULL (as DuckDB's TRY_CAST), and dates parse strictly.
    spark.conf.set("spark.sql.ansi.enabled", "false")
    spark.conf.set("spark.sql.legacy.timeParserPolicy", "CORRECTED")
    spark.conf.set("spark.sql.session.timeZone", "UTC")


class SparkEngine(Engine):
    name = "spark"

    def __init__(self, *, spark: Any | None = None, master: str = "local[2]") -> None:
        self.dialect = SparkDialect()
        self._own = spark is None
        self.spark = spark if spark is not None else spark_session(master=master)
        apply_spark_settings(self.spark)

    def attach(self, *, con: duckdb.DuckDBPyConnection, tables: list[str], work_dir: Path) -> None:
        # Hand the validated tables over as Parquet (on a cluster: a shared filesystem path).
        for table in tables:
            target = work_dir / f"{table}.parquet"
            con.execute(f"COPY {table} TO '{target}' (FORMAT parquet)").fetchall()
            self.spark.read.parquet(str(target)).createOrReplaceTempView(table)

    def run(self, sql: str) -> pa.Table:
        frame = self.spark.sql(sql)
        if hasattr(frame, "toArrow"):
            return frame.toArrow()
        return pa.Table.from_pandas(frame.toPandas(), preserve_index=False)

    def close(self) -> None:
        if self._own:
            self.spark.stop()


def make_engine(engine: str | Engine, **options: Any) -> Engine:
    if isinstance(engine, Engine):
        return engine
    if engine == "duckdb":
        return DuckDBEngine()
    if engine == "spark":
        return SparkEngine(**options)
    raise ValueError(f"未知引擎 {engine}（可用：duckdb、spark）")
