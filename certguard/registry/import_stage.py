"""The staging table of an import: checked rows land here first, outside the registry.

Both databases: a temporary table of the registry's connection, never written to the
registry's log (SQLite: temp_store = FILE, no journal; PostgreSQL: filled with COPY, no WAL).
Either way the registry is untouched until the merge, which runs in one transaction
(import_store).
"""

# ruff: noqa: S608 - table and column names are code constants
from __future__ import annotations

import io
import queue
import threading

from django.db import DatabaseError, connection, transaction

from certguard.registry.import_rows import STAGE_FIELDS

SQLITE_TYPES = {"line": "INTEGER", "issuer_id": "INTEGER"}
PG_TYPES = {"line": "bigint", "issuer_id": "bigint", "birth_date": "date",
            "first_issued": "date", "valid_from": "date", "valid_until": "date",
            "review_due": "date", "last_review": "date"}
CACHE_KIB = 256 * 1024  # SQLite page cache during an import
EXTRA = (("cert_id", "bigint"), ("action", "varchar(8)"), ("code", "varchar(40)"),
         ("message", "varchar(300)"), ("changed", "varchar(200)"))


class Stage:
    """Where the rows of one import wait; ``table`` is how the merge's SQL names it."""

    table = ""

    def add(self, rows: list[tuple]) -> None:
        raise NotImplementedError

    def add_arrow(self, table) -> None:
        """Rows already checked and staged as an Arrow table (STAGE_FIELDS columns)."""
        raise NotImplementedError

    def ready(self) -> None:
        """All rows are in: index what the set-based checks and the merge look up."""

    def close(self) -> None:
        raise NotImplementedError


class SqliteStage(Stage):
    """A TEMP table of the registry's own connection: SQLite keeps it in a file of its own
    (temp_store = FILE), never in the registry's WAL, and it works inside any transaction."""

    table = "import_stage_rows"

    def __init__(self) -> None:
        columns = [f"{name} {SQLITE_TYPES.get(name, 'TEXT')}" for name in STAGE_FIELDS]
        columns += [f"{name} {kind}" for name, kind in EXTRA]
        with connection.cursor() as cursor:
            self.restore = []
            for name in ("mmap_size", "cache_size"):
                cursor.execute(f"PRAGMA {name}")
                found = cursor.fetchone()  # none for an in-memory database's mmap_size
                if found is not None:
                    self.restore.append((name, found[0]))
            # Memory-mapped reads would count the registry file's pages against the import's
            # memory; a larger page cache keeps the indexes being written in memory instead.
            cursor.execute("PRAGMA mmap_size=0")
            cursor.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
            # The staging table's own cache (SQLite's default is 2 MB per schema): the merge
            # reads it by index, and a small cache rereads its file for every row.
            cursor.execute(f"PRAGMA temp.cache_size=-{CACHE_KIB}")
            if not connection.in_atomic_block:  # SQLite refuses both inside a transaction
                cursor.execute("PRAGMA temp_store=FILE")
                cursor.execute("PRAGMA temp.journal_mode=OFF")  # thrown away afterwards
            cursor.execute(f"DROP TABLE IF EXISTS temp.{self.table}")
            cursor.execute(f"CREATE TEMP TABLE {self.table} ({', '.join(columns)})")
        self.insert = (f"INSERT INTO {self.table} ({', '.join(STAGE_FIELDS)}) "
                       f"VALUES ({', '.join(['%s'] * len(STAGE_FIELDS))})")

    def add(self, rows: list[tuple]) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(self.insert, rows)

    def add_arrow(self, table) -> None:
        columns = [column.to_pylist() for column in table.columns]
        self.add(list(zip(*columns, strict=True)))

    def ready(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE INDEX temp.import_stage_key ON {self.table} "
                           "(cert_no, family, item_code)")
            cursor.execute(f"CREATE INDEX temp.import_stage_id ON {self.table} (id_no, name)")
            cursor.execute(f"ANALYZE temp.{self.table}")

    def close(self) -> None:
        if connection.connection is not None:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS temp.{self.table}")
                for name, value in self.restore:
                    cursor.execute(f"PRAGMA {name}={int(value)}")


class CopyPipe:
    """COPY of one chunk in a thread while the caller reads and checks the next (PostgreSQL):
    the server parses and stores chunk n while this process checks chunk n + 1, instead of
    each waiting for the other. The thread alone uses the connection until ``finish``; at
    most DEPTH chunks wait, so memory stays that of a few chunks. A COPY that fails stops
    the pipe and its error is raised to the caller, as Django's, at the next chunk or at
    ``finish``."""

    DEPTH = 2

    def __init__(self) -> None:
        connection.ensure_connection()
        self.raw = connection.connection
        self.queue: queue.Queue = queue.Queue(maxsize=self.DEPTH)
        self.error: Exception | None = None
        self.stopping = False
        self.thread = threading.Thread(target=self._run, name="import-copy", daemon=True)
        self.thread.start()

    def put(self, sql: str, payload) -> None:
        self._raise()
        self.queue.put((sql, payload))

    def finish(self) -> None:
        """Every chunk COPYed (or the first error raised); the connection is the caller's."""
        self._stop()
        self._raise()

    def abandon(self) -> None:
        """Stop without raising (the cleanup after another failure)."""
        self.stopping = True
        while True:  # a full queue would block the stop
            try:
                self.queue.get_nowait()
            except queue.Empty:
                break
        self._stop()

    def _stop(self) -> None:
        if self.thread.is_alive():
            self.queue.put(None)
            self.thread.join()

    def _raise(self) -> None:
        error, self.error = self.error, None
        if error is not None:
            self.stopping = True
            with connection.wrap_database_errors:
                raise error

    def _run(self) -> None:
        while (item := self.queue.get()) is not None:
            if self.stopping or self.error is not None:
                continue  # drained: the caller hears of the error at its next call
            sql, payload = item
            try:
                with self.raw.cursor() as cursor, cursor.copy(sql) as copy:
                    if isinstance(payload, list):
                        for row in payload:
                            copy.write_row(row)
                    else:
                        copy.write(payload)
            except Exception as exc:  # handed over to the caller's thread
                self.error = exc


class PostgresStage(Stage):
    table = "import_stage_rows"

    def __init__(self) -> None:
        columns = [f"{name} {PG_TYPES.get(name, 'text')}" for name in STAGE_FIELDS]
        columns += [f"{name} {kind}" for name, kind in EXTRA]
        try:  # refused once the session has used a temporary table: then it stays as it is
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET temp_buffers = '256MB'")
        except DatabaseError:
            pass
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.table}")
            cursor.execute(f"CREATE TEMPORARY TABLE {self.table} ({', '.join(columns)})")
        self.copy_sql = f"COPY {self.table} ({', '.join(STAGE_FIELDS)}) FROM STDIN"
        self.copy_csv = self.copy_sql + " (FORMAT csv)"
        self.pipe = CopyPipe()

    def add(self, rows: list[tuple]) -> None:
        self.pipe.put(self.copy_sql, rows)

    def add_arrow(self, table) -> None:
        """CSV written by Arrow in C: a null is an empty field, an empty text a quoted "" (the
        meaning PostgreSQL's CSV format gives them)."""
        import pyarrow.csv as pa_csv

        out = io.BytesIO()
        pa_csv.write_csv(table, out, pa_csv.WriteOptions(include_header=False))
        self.pipe.put(self.copy_csv, out.getbuffer())

    def ready(self) -> None:
        """Statistics only: PostgreSQL runs the set-based checks and the merge as hash joins
        and sorts over the whole staging table, which its indexes did not speed up (building
        them cost 1,000,000 rows about 2 s)."""
        self.pipe.finish()
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {self.table}")

    def close(self) -> None:
        self.pipe.abandon()
        if connection.connection is not None and not connection.connection.closed:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {self.table}")


def open_stage() -> Stage:
    if connection.vendor == "postgresql":
        return PostgresStage()
    return SqliteStage()
