"""Set-based checks of the staged file and its merge into the registry, in the caller's one
transaction: either the whole file's good rows are in the registry, or nothing is.

The checks that need other rows run here, in SQL, whatever the file's size: a certificate twice
in the file, one ID number with two names (in the file or against the registry), and, for an
issuing officer, a certificate that another authority holds (Order No. 30: an authority changes
only what it issued). Each rejected row gets its reason; every updated certificate gets an
import event with the previous values of what changed, every created one an import event.
"""

# ruff: noqa: S608 - table and column names are code constants; values are parameters.
from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime

from django.db import connection

log = logging.getLogger(__name__)

T = "import_stage_rows"
# Only rejected rows are marked (action = 'reject'): rewriting every staged row to say what
# becomes of it would copy the whole table once more (PostgreSQL's MVCC), so the fate of the
# others is read from cert_id and changed.
TO_INSERT = "action IS NULL AND cert_id IS NULL"
TO_UPDATE = "action IS NULL AND cert_id IS NOT NULL AND changed <> ''"
WRITTEN = "action IS NULL AND (cert_id IS NULL OR changed <> '')"
KEY = "c.cert_no = s.cert_no AND c.family_id = s.family AND c.item_code = s.item_code"
# Certificate fields an import writes, compared to decide between "update" and "unchanged".
VALUES = ("cert_no, family, item_code, id_no, name, sex, birth_date, issuer_code, issuer_id, "
          "first_issued, valid_from, valid_until, review_due, last_review, status, source")
COMPARED = ("id_no", "name", "issuer_code", "issuer_id", "first_issued", "valid_from",
            "valid_until", "review_due", "last_review", "status", "source")


@dataclass
class MergeContext:
    batch_id: int
    user_id: int | None
    authority_id: int | None  # an issuing officer's authority; None = every authority
    today: date
    now: datetime
    bulk: bool = False  # more rows to insert than the registry holds: build indexes after


def _run(sql: str, params: list | tuple = ()) -> int:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        log.debug("%.2f s, %s rows: %s", time.perf_counter() - started, cursor.rowcount,
                  sql[:90])
        return cursor.rowcount


def _rows(sql: str, params: list | tuple = (), size: int = 5000) -> Iterator[tuple]:
    """Rows streamed from the database (a server-side cursor on PostgreSQL, whose driver
    would otherwise fetch the whole result at once)."""
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(size):
            yield from batch


def _reject(where: str, code: str, message_sql: str, params: list | tuple = ()) -> int:
    return _run(f"UPDATE {T} SET action = 'reject', code = %s, message = {message_sql} "
                f"WHERE action IS NULL AND {where}", [code, *params])


def check_duplicates() -> None:
    """The same certificate (number, family, item) twice: an identical copy is reported and
    the first kept; copies that differ are all rejected, since nobody can tell which is right.
    (Copies are identical when every staged value is: GROUP BY counts nulls as equal.)"""
    _run("DROP TABLE IF EXISTS import_stage_dups")
    # The repeated keys first, from the key index alone; the details only for those.
    repeated = (f"(cert_no, family, item_code) IN (SELECT cert_no, family, item_code FROM {T} "
                f"GROUP BY cert_no, family, item_code HAVING count(*) > 1)")
    _run(f"CREATE TEMPORARY TABLE import_stage_dups AS SELECT cert_no, family, item_code, "
         f"min(first_line) AS first_line, count(*) AS versions FROM (SELECT {VALUES}, "
         f"min(line) AS first_line FROM {T} WHERE {repeated} GROUP BY {VALUES}) v "
         f"GROUP BY cert_no, family, item_code")
    match = (f"d.cert_no = {T}.cert_no AND d.family = {T}.family "
             f"AND d.item_code = {T}.item_code")
    first = f"(SELECT d.first_line FROM import_stage_dups d WHERE {match})"
    keys = "(cert_no, family, item_code) IN (SELECT cert_no, family, item_code FROM " \
           "import_stage_dups)"
    _reject(f"{keys} AND EXISTS (SELECT 1 FROM import_stage_dups d WHERE {match} "
            f"AND d.versions > 1)",
            "E_DUPLICATE_CONFLICT",
            f"'同一证书（编号、类别、项目相同）在文件中出现多次且内容不同（首次在第' || "
            f"CAST({first} AS VARCHAR(20)) || '行），均未导入，请核对后保留一行'")
    _reject(f"{keys} AND EXISTS (SELECT 1 FROM import_stage_dups d WHERE {match} "
            f"AND d.versions = 1 AND {T}.line > d.first_line)", "E_DUPLICATE",
            f"'与第' || CAST({first} AS VARCHAR(20)) || '行完全重复，只导入一次'")
    _run("DROP TABLE import_stage_dups")


def check_names() -> None:
    """One name per ID number: the registry's name wins, then the first in the file."""
    _reject(f"EXISTS (SELECT 1 FROM registry_holder h WHERE h.id_no = {T}.id_no "
            f"AND h.name <> {T}.name)", "holder_name_conflict",
            f"'该身份证号在证书库中登记的姓名为“' || (SELECT h.name FROM registry_holder h "
            f"WHERE h.id_no = {T}.id_no) || '”，与本行不一致'")
    _run("DROP TABLE IF EXISTS import_stage_names")
    # Whether two names differ needs no linguistic order: PostgreSQL compares bytes ("C")
    # in half the time of the database's collation (5,000,000 rows: 10 s instead of 20 s).
    name = 'name COLLATE "C"' if connection.vendor == "postgresql" else "name"
    _run(f"CREATE TEMPORARY TABLE import_stage_names AS SELECT s.id_no, s.name, s.line "
         f"FROM {T} s JOIN (SELECT id_no, min(line) AS line FROM {T} WHERE action IS NULL "
         f"AND id_no IN (SELECT id_no FROM {T} GROUP BY id_no "
         f"HAVING min({name}) <> max({name})) GROUP BY id_no) f "
         f"ON f.id_no = s.id_no AND f.line = s.line")
    first = f"(SELECT n.{{}} FROM import_stage_names n WHERE n.id_no = {T}.id_no)"
    _reject(f"id_no IN (SELECT id_no FROM import_stage_names) AND EXISTS (SELECT 1 FROM "
            f"import_stage_names n WHERE n.id_no = {T}.id_no AND n.name <> {T}.name)",
            "holder_name_conflict",
            f"'同一身份证号在文件中有两个姓名：第' || CAST({first.format('line')} AS VARCHAR(20))"
            f" || '行为“' || {first.format('name')} || '”'")
    _run("DROP TABLE import_stage_names")


def classify(context: MergeContext) -> None:
    """Match existing certificates; refuse another authority's; tell updates from no-ops."""
    if connection.vendor == "postgresql":
        _run(f"UPDATE {T} s SET cert_id = c.id FROM registry_certificate c "
             f"WHERE s.action IS NULL AND {KEY}")
    else:
        _run(f"UPDATE {T} SET cert_id = (SELECT c.id FROM registry_certificate c "
             f"WHERE {KEY.replace('s.', T + '.')}) WHERE action IS NULL")
    owner = f"(SELECT c.issuer_id FROM registry_certificate c WHERE c.id = {T}.cert_id)"
    if context.authority_id is not None:
        _reject(f"cert_id IS NOT NULL AND ({owner} IS NULL OR {owner} <> %s)",
                "E_OTHER_AUTHORITY",
                "'该证书已由其他发证机关登记，本机关不能修改；如需更正请联系原发证机关'",
                [context.authority_id])
    changed = " || ".join(f"CASE WHEN c.{f} IS DISTINCT FROM {T}.{f} THEN '{f} ' ELSE '' END"
                          for f in COMPARED)
    _run(f"UPDATE {T} SET changed = (SELECT {changed} FROM registry_certificate c "
         f"WHERE c.id = {T}.cert_id) WHERE action IS NULL AND cert_id IS NOT NULL")


def registry_size() -> int:
    return next(_rows("SELECT count(*) FROM registry_certificate"))[0]


def rejected_rows() -> Iterator[tuple]:
    return _rows(f"SELECT line, code, message FROM {T} WHERE action = 'reject' ORDER BY line")


def counts() -> dict[str, int]:
    return dict(_rows(f"SELECT CASE WHEN action IS NOT NULL THEN action "
                      f"WHEN cert_id IS NULL THEN 'insert' WHEN changed = '' THEN 'same' "
                      f"ELSE 'update' END AS fate, count(*) FROM {T} GROUP BY 1"))


def _previous_json() -> str:
    """JSON of the previous value of each changed field (absent value = "")."""
    fields = [f for f in COMPARED if f != "issuer_id"]
    if connection.vendor == "postgresql":
        pairs = ", ".join(f"'{f}', CASE WHEN c.{f} IS DISTINCT FROM s.{f} "
                          f"THEN coalesce(c.{f}::text, '') END" for f in fields)
        return (f"jsonb_build_object('import_batch', %s::int, 'line', s.line, "
                f"'previous', jsonb_strip_nulls(jsonb_build_object({pairs})))")
    pairs = ", ".join(f"'{f}', CASE WHEN c.{f} IS DISTINCT FROM s.{f} "
                      f"THEN coalesce(c.{f}, '') END" for f in fields)
    # json_patch drops the members whose value is null: only what changed is kept.
    return (f"json_object('import_batch', %s, 'line', s.line, "
            f"'previous', json_patch('{{}}', json_object({pairs})))")


EVENT = ("INSERT INTO registry_certificateevent (certificate_id, kind, \"on\", reason_code, "
         "reason, data, by_id, at) ")


def merge(context: MergeContext, progress: Callable[[str], None]) -> None:
    now, today = context.now, context.today
    # SQLite: the holders from one pass over the staged rows, sorted, rather than a walk of
    # the staging table's (id_no, name) index fetching each row (1,000,000 rows: 2.4 s, not 4).
    scan = "" if connection.vendor == "postgresql" else " NOT INDEXED"
    # Rows go in key order so that each insert into a unique index lands beside the last;
    # a PostgreSQL bulk load has no such index while it inserts, and skips the sort.
    unsorted = context.bulk and connection.vendor == "postgresql"
    # One name per ID number by now (check_names): any will do, compared as bytes.
    name = 'name COLLATE "C"' if connection.vendor == "postgresql" else "name"
    rebuilt = _drop_secondary_indexes(context.bulk)
    progress("正在写入持证人")
    _run(f"INSERT INTO registry_holder (id_no, name, sex, birth_date, created_at, updated_at) "
         f"SELECT id_no, min({name}), min(sex), min(birth_date), %s, %s FROM {T} s{scan} "
         f"WHERE {WRITTEN} AND NOT EXISTS "
         f"(SELECT 1 FROM registry_holder h WHERE h.id_no = s.id_no) "
         f"GROUP BY id_no{'' if unsorted else ' ORDER BY id_no'}", [now, now])
    progress("正在更新已有证书")
    _run(EVENT + f"SELECT c.id, 'import', %s, 'import_update', '导入更新', {_previous_json()}, "
         f"%s, %s FROM {T} s JOIN registry_certificate c ON c.id = s.cert_id "
         f"WHERE s.{TO_UPDATE.replace(' AND ', ' AND s.')}",
         [today, context.batch_id, context.user_id, now])
    sets = ", ".join(f"{f} = s.{f}" for f in COMPARED)
    _run(f"UPDATE registry_certificate SET {sets}, holder_id = h.id, "
         f"status_changed_on = CASE WHEN registry_certificate.status <> s.status THEN %s "
         f"ELSE registry_certificate.status_changed_on END, import_batch_id = %s, "
         f"updated_at = %s FROM {T} s JOIN registry_holder h ON h.id_no = s.id_no "
         f"WHERE s.{TO_UPDATE.replace(' AND ', ' AND s.')} "
         f"AND s.cert_id = registry_certificate.id",
         [today, context.batch_id, now])
    progress("正在写入新证书")
    last = next(_rows("SELECT coalesce(max(id), 0) FROM registry_certificate"))[0]
    _run(f"INSERT INTO registry_certificate (cert_no, holder_id, id_no, name, family_id, "
         f"item_code, issuer_id, issuer_code, first_issued, valid_from, valid_until, "
         f"review_due, last_review, status, status_reason, source, import_batch_id, "
         f"created_at, updated_at) SELECT s.cert_no, h.id, s.id_no, s.name, s.family, "
         f"s.item_code, s.issuer_id, s.issuer_code, s.first_issued, s.valid_from, "
         f"s.valid_until, s.review_due, s.last_review, s.status, '', s.source, %s, %s, %s "
         f"FROM {T} s JOIN registry_holder h ON h.id_no = s.id_no "
         f"WHERE s.{TO_INSERT.replace(' AND ', ' AND s.')} "
         f"{'' if unsorted else 'ORDER BY s.cert_no, s.family, s.item_code'}",
         [context.batch_id, now, now])
    progress("正在写入证书记录")
    # PostgreSQL: one constant document (a parameter), not one built per row.
    data, batch = (("%s::jsonb", json.dumps({"import_batch": context.batch_id}))
                   if connection.vendor == "postgresql"
                   else ("json_object('import_batch', %s)", context.batch_id))
    _run(EVENT + f"SELECT c.id, 'import', %s, 'import_create', '导入新增', {data}, %s, %s "
         f"FROM registry_certificate c WHERE c.id > %s AND c.import_batch_id = %s",
         [today, batch, context.user_id, now, last, context.batch_id])
    _recreate(rebuilt, progress)


SECONDARY_INDEXES = """SELECT indexname, indexdef FROM pg_indexes
WHERE schemaname = current_schema() AND tablename = %s AND indexname NOT IN
  (SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)"""
# PostgreSQL: the unique keys (not the primary keys, which other tables reference).
UNIQUE_KEYS = """SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
WHERE conrelid = %s::regclass AND contype = 'u' ORDER BY conname"""
# SQLite: the indexes a CREATE INDEX made (a UNIQUE constraint's own index has no SQL text).
SQLITE_INDEXES = """SELECT name, sql FROM sqlite_master
WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL"""
BULK_TABLES = ("registry_certificate", "registry_certificateevent")
UNIQUE_TABLES = ("registry_holder", "registry_certificate")
STATISTICS_TABLES = ("registry_holder", "registry_certificate", "registry_certificateevent")


def _drop_secondary_indexes(bulk: bool) -> list[tuple[str, str]]:
    """A bulk load into a registry smaller than the file (the first national load) builds the
    secondary indexes once, sorted, instead of row by row: on SQLite the certificates' insert
    and its indexes take less than half the time (1,000,000 rows: 6.5 s instead of 14.4 s
    here), on PostgreSQL several times less. On PostgreSQL the unique keys of holders and
    certificates are rebuilt too, their check then made once over all rows: a duplicate still
    fails the import (SQLite keeps them: its unique keys cannot be dropped). The statements
    are part of the transaction: a failed import rolls them back with the rows. On
    PostgreSQL they lock the tables until the commit, so verification waits for this import
    (SQLite's readers go on reading the committed registry with its indexes); an ordinary
    import never does this."""
    if not bulk:
        return []
    if connection.vendor != "postgresql":
        indexes = [row for t in BULK_TABLES for row in _rows(SQLITE_INDEXES, [t])]
        for name, _ in indexes:
            _run(f'DROP INDEX "{name}"')
        return indexes
    indexes = [row for t in BULK_TABLES for row in _rows(SECONDARY_INDEXES, [t, t])]
    keys = [(t, name, f'ALTER TABLE {t} ADD CONSTRAINT "{name}" {definition}')
            for t in UNIQUE_TABLES for name, definition in _rows(UNIQUE_KEYS, [t])]
    for name, _ in indexes:
        _run(f'DROP INDEX "{name}"')
    for table, name, _ in keys:
        _run(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    # Pending foreign-key checks (when triggers could not be turned off) would forbid the
    # ALTER TABLE that restores a key: they run first.
    restore = [("", "SET CONSTRAINTS ALL IMMEDIATE")] if keys else []
    return [*restore, *((name, sql) for _, name, sql in keys), *indexes]


def _recreate(indexes: list[tuple[str, str]], progress: Callable[[str], None]) -> None:
    if not indexes:
        return
    progress("正在重建索引")
    if connection.vendor == "postgresql":
        _run("SET LOCAL maintenance_work_mem = '512MB'")
    for _, definition in indexes:
        _run(definition)
    if connection.vendor == "postgresql":
        # Statistics for what the bulk load wrote, committed with it: without them the
        # planner guessed a batch of 900 ID numbers to match 30 million certificates and read
        # the whole table for each batch of a self-check (6 s a batch at 30,000,000).
        _run(f"ANALYZE {', '.join(STATISTICS_TABLES)}")


def created_lines(size: int, *, updates: bool = True) -> Iterator[
        tuple[int, int, int, list[list[int]]]]:
    """The written rows in line order, ``size`` at a time: for each such chunk that created
    certificates, its first and last line, how many it created and the runs of consecutive
    lines that did ([first, last] each). Computed in SQL ("gaps and islands"): a national file
    is millions of rows but a few runs. Without updates every written row is a created one,
    and one numbering of the rows gives both the chunks and the runs."""
    if not updates:
        runs = _rows(f"SELECT chunk, min(first) OVER (PARTITION BY chunk), "
                     f"max(last) OVER (PARTITION BY chunk), first, last, count FROM ("
                     f"SELECT chunk, min(line) AS first, max(line) AS last, count(*) AS count "
                     f"FROM (SELECT line, (n - 1) / {int(size)} AS chunk, line - n AS run FROM "
                     f"(SELECT line, row_number() OVER (ORDER BY line) AS n FROM {T} "
                     f"WHERE {TO_INSERT}) w) r GROUP BY chunk, run) g ORDER BY chunk, first")
    else:
        chunks = (f"SELECT line, cert_id, (row_number() OVER (ORDER BY line) - 1) / {int(size)} "
                  f"AS chunk FROM {T} WHERE {WRITTEN}")
        runs = _rows(f"WITH w AS ({chunks}), "
                     f"b AS (SELECT chunk, min(line) AS first, max(line) AS last FROM w "
                     f"GROUP BY chunk), "
                     f"c AS (SELECT chunk, line, line - row_number() OVER (PARTITION BY chunk "
                     f"ORDER BY line) AS run FROM w WHERE cert_id IS NULL) "
                     f"SELECT c.chunk, b.first, b.last, min(c.line), max(c.line), count(*) "
                     f"FROM c JOIN b ON b.chunk = c.chunk "
                     f"GROUP BY c.chunk, b.first, b.last, c.run ORDER BY c.chunk, 4")
    chunk_at, head, count_of_chunk = None, (0, 0), 0
    runs_of_chunk: list[list[int]] = []
    for chunk, first, last, start, end, count in runs:
        if chunk != chunk_at and runs_of_chunk:
            yield head[0], head[1], count_of_chunk, runs_of_chunk
            runs_of_chunk, count_of_chunk = [], 0
        chunk_at, head = chunk, (first, last)
        count_of_chunk += count
        runs_of_chunk.append([start, end])
    if runs_of_chunk:
        yield head[0], head[1], count_of_chunk, runs_of_chunk
