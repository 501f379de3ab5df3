"""Data of the reporting benchmark: every kind of record a province-level monthly table reads
(self-check results, inspections and findings, orders and penalties, cases with their
referrals, decisions and listings, tip-offs with their clocks and rewards, suspect domains,
ads and handovers), generated set-based — one ``INSERT … SELECT`` per table over
``generate_series`` (PostgreSQL) or a recursive CTE (SQLite) — and the same aggregate as the
product's table written by hand as one SQL query (the baseline).

Throw-away data of a scratch database only (not platform records, so neither audited nor
checked row by row): foreign-key checks are off while filling, ids are given explicitly.
The records are spread evenly over 2024 in the order they would have been written (ids grow
with time, as in a live database), 70 % in 山西 (ten places, seven of them in 山西)."""

from __future__ import annotations

import os
import time
from datetime import date
from typing import Any

PLACES = ["140521", "140522", "140525", "140423", "140428", "140581", "140502",
          "440103", "440305", "440604"]  # 7 in 山西, 3 in 广东
DEPARTMENTS = ["yj", "zj", "scjg"]
SECTORS = ["coal_mine", "construction", "hazardous_chemicals", "non_coal_mine", "metallurgy"]
EPOCH = 1704067200  # 2024-01-01T00:00:00Z
DAYS = 366

# Rows of each table per 10,000 underlying records (sum: 10,000).
SHARES = {
    "enterprises": 20, "uploads": 50, "results": 3900,                      # self-check
    "tasks": 1200, "findings": 1500, "documents": 300, "orders": 300,       # enforcement
    "penalties": 200,
    "cases": 200, "referrals": 100, "parties": 50, "decisions": 50,         # cases
    "listings": 50,
    "tips": 1000, "clocks": 500, "rewards": 50,                             # tips
    "domains": 400, "ads": 30, "handovers": 100,                            # netwatch
}

# The table's measures: every figure of the five source apps.
MEASURES: list[tuple[str, str]] = [
    ("selfcheck", f) for f in ("employers", "filed", "checked", "valid", "found", "rectified")
] + [("enforcement", f) for f in ("inspections", "units_inspected", "uncertified_people",
                                  "fake_cert_people", "problems", "orders", "suspensions",
                                  "fines")
     ] + [("cases", f) for f in ("opened", "referred", "police_accepted", "prosecutor_involved",
                                 "judged", "fines", "listed")
          ] + [("netwatch", f) for f in ("sites_found", "sites_blocked", "ads_cleaned",
                                         "handovers")
               ] + [("tips", f) for f in ("received", "accepted", "refused", "handled",
                                          "overdue", "rewarded")]


def sizes(records: int) -> dict[str, int]:
    return {name: max(1, records * share // 10_000) for name, share in SHARES.items()}


# --- SQL pieces (integers and constants only: nothing here comes from a user) ------------

class Dialect:
    def __init__(self, vendor: str) -> None:
        self.vendor = vendor

    def series(self, n: int) -> str:
        if self.vendor == "postgresql":
            return f"SELECT i FROM generate_series(CAST(1 AS bigint), {n}) AS g(i)"  # noqa: S608
        return (f"WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq "  # noqa: S608
                f"WHERE i < {n}) SELECT i FROM seq")

    def ts(self, seconds: str) -> str:
        """A timestamp ``seconds`` after 2024-01-01 00:00 UTC."""
        if self.vendor == "postgresql":
            return f"to_timestamp({EPOCH} + ({seconds}))"
        return f"datetime({EPOCH} + ({seconds}), 'unixepoch')"

    def day(self, days: str) -> str:
        if self.vendor == "postgresql":
            return f"(DATE '2024-01-01' + CAST(({days}) AS integer))"
        return f"date({EPOCH} + ({days}) * 86400, 'unixepoch')"

    def json(self, text: str) -> str:
        return f"CAST('{text}' AS jsonb)" if self.vendor == "postgresql" else f"'{text}'"

    def code(self, i: str) -> str:
        """A unique 18-character code (an enterprise's credit code) from the row number."""
        if self.vendor == "postgresql":
            return f"('91' || lpad(CAST({i} AS text), 16, '0'))"
        return f"('91' || substr('0000000000000000' || ({i}), -16, 16))"

    def blob(self) -> str:
        return "CAST('' AS bytea)" if self.vendor == "postgresql" else "X''"


def when(i: str, n: int, *, shift_days: int = 0) -> str:
    """Seconds since 2024-01-01 of row ``i`` of ``n``: rows in time order over the year,
    shifted by whole days (a later step of the same record)."""
    return f"((({i}) - 1) * {DAYS * 86400 - 1} / {n} + {shift_days * 86400})"


def pick(values: list[str], expr: str) -> str:
    return ("CASE " + " ".join(f"WHEN ({expr}) % {len(values)} = {n} THEN '{v}'"
                               for n, v in enumerate(values)) + " END")


def _default(field: Any, d: Dialect, now: str) -> str:
    kind = field.get_internal_type()
    default = field.default if field.has_default() and not callable(field.default) else None
    if kind in ("CharField", "TextField", "SlugField", "EmailField", "URLField"):
        return f"'{default}'" if isinstance(default, str) else "''"
    if kind == "BooleanField":
        return "TRUE" if default else "FALSE"
    if kind in ("IntegerField", "PositiveIntegerField", "PositiveSmallIntegerField",
                "SmallIntegerField", "BigIntegerField", "DecimalField", "FloatField",
                "PositiveBigIntegerField"):
        return str(default or 0)
    if kind == "JSONField":
        return d.json("[]" if field.default is list else "{}")
    if kind == "DateTimeField":
        return now
    if kind == "DateField":
        return d.day("0")
    if kind == "BinaryField":
        return d.blob()
    raise RuntimeError(f"no default for {field.model.__name__}.{field.name} ({kind})")


def insert(model: Any, n: int, columns: dict[str, str], d: Dialect, *, now: str = "") -> int:
    """Insert ``n`` rows into the model's table with ids ``base + i`` (i = 1 … n); the
    columns not given take their default (NULL when nullable). Returns ``base``."""
    from django.db import connection

    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608 - our table
        base = int(cursor.fetchone()[0])
    names, exprs = [], []
    for field in model._meta.concrete_fields:
        if field.column in columns:
            expr = columns[field.column].replace("{base}", str(base))
        elif field.primary_key:
            expr = f"{base} + i"
        elif field.null:
            continue
        elif field.is_relation:
            raise RuntimeError(f"{model.__name__}.{field.name}: give the foreign key")
        else:
            expr = _default(field, d, now or d.ts(when("i", n)))
        names.append(connection.ops.quote_name(field.column))
        exprs.append(expr)
    sql = (f"INSERT INTO {table} ({', '.join(names)}) "  # noqa: S608 - integers and constants only
           f"SELECT {', '.join(exprs)} FROM ({d.series(n)}) AS s")
    with connection.cursor() as cursor:
        cursor.execute(sql)
    return base


# --- the fill -----------------------------------------------------------------------------

def fill(records: int, *, analyse: bool = True) -> dict:
    """Every source of the table, set-based (scratch database only; a test fills its own
    transaction without ``analyse``)."""
    from django.core.management.color import no_style
    from django.db import connection, transaction

    if os.environ.get("CERTGUARD_BENCH_SCRATCH") != "1":
        raise RuntimeError("只能在基准的临时数据库中生成数据")
    d = Dialect(connection.vendor)
    n = sizes(records)
    timings: dict[str, float] = {}
    if d.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA foreign_keys = OFF")
    started = time.perf_counter()
    with transaction.atomic():
        if d.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
        models = _fill_all(d, n, timings)
        if d.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = origin")
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)
    if d.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA foreign_keys = ON")
    inserted = time.perf_counter()
    if analyse:
        _analyse(connection)
    return {"records": records, "rows": n, "fill_seconds": round(inserted - started, 1),
            "table_seconds": timings,
            "analyze_seconds": round(time.perf_counter() - inserted, 1)}


def _timed(timings: dict, name: str, step: Any) -> Any:
    mark = time.perf_counter()
    out = step()
    timings[name] = round(time.perf_counter() - mark, 1)
    return out


def _fill_all(d: Dialect, n: dict[str, int], timings: dict) -> list:
    from certguard.cases.models import Case, CaseDecision, CaseParty, Listing, ListingCondition
    from certguard.enforcement.models import (
        Document,
        Finding,
        PenaltyDecision,
        RectificationOrder,
        Task,
    )
    from certguard.netwatch.models import Handover, SuspectAd, SuspectDomain
    from certguard.orgs.models import Organisation
    from certguard.selfcheck.models import RosterUpload, WorkerResult
    from certguard.tips.models import Reward, Tip, TipClock

    e = n["enterprises"] = max(n["enterprises"], 100)
    ts, day = d.ts, d.day
    org = _departments()
    dept = pick(DEPARTMENTS, "i")
    org_of = "CASE " + " ".join(f"WHEN i % 3 = {k} THEN {org[code]}"
                                for k, code in enumerate(DEPARTMENTS)) + " END"
    place = pick(PLACES, "i")

    # Self-check: enterprises, their roster uploads, one result per worker.
    ebase = _timed(timings, "enterprises", lambda: insert(Organisation, e, {
        "kind": "'enterprise'", "name": "'基准企业' || i", "region_id": place,
        "sector": pick(SECTORS, "i"), "credit_code": d.code("i")}, d))
    u, w = n["uploads"], n["results"]
    ubase = _timed(timings, "uploads", lambda: insert(RosterUpload, u, {
        "employer_id": f"{ebase} + 1 + (i - 1) % {e}",
        "status": "CASE WHEN i % 25 = 0 THEN 'failed' ELSE 'verified' END",
        "verified_at": f"CASE WHEN i % 25 = 0 THEN NULL ELSE {ts(when('i', u))} END",
        "returned_at": f"CASE WHEN i % 40 = 0 THEN {ts(when('i', u, shift_days=3))} END",
        "file_name": "'roster.xlsx'", "sha256": "'bench' || i"}, d))
    problem = "i % 20 IN (16, 17, 18)"
    fixed = day(when("i", w) + " / 86400 + 10")
    _timed(timings, "results", lambda: insert(WorkerResult, w, {
        "upload_id": f"{ubase} + 1 + (i - 1) * {u} / {w}", "row_no": "i",
        "result": "CASE i % 20 WHEN 16 THEN 'not_found' WHEN 17 THEN 'expired' "
                  "WHEN 18 THEN 'uncertified' WHEN 19 THEN 'rejected' ELSE 'valid' END",
        "rectified_on": f"CASE WHEN {problem} AND i % 3 = 0 THEN "
                        f"{fixed} END"}, d))

    # Enforcement: inspections, findings (and the daily figures kept from them), orders with
    # their documents, penalty decisions.
    t = n["tasks"]
    target = f"{ebase} + 10 * ((i * 7) % ({e // 10} - 1)) + 10 + i % 10"
    tbase = _timed(timings, "tasks", lambda: insert(Task, t, {
        "organisation_id": org_of, "department": dept, "target_id": target,
        "target_name": "'基准企业'", "target_kind": "'enterprise'", "region_id": place,
        "sector": pick(SECTORS, "i"), "source": "'plan'",
        "planned_on": day(when("i", t) + " / 86400"),
        "status": "CASE WHEN i % 10 = 9 THEN 'approved' ELSE 'completed' END",
        "started_at": f"CASE WHEN i % 10 = 9 THEN NULL ELSE {ts(when('i', t))} END",
        "completed_at": f"CASE WHEN i % 10 = 9 THEN NULL ELSE {ts(when('i', t))} END"}, d))

    def of_task(m: int) -> dict[str, str]:
        k = f"(1 + (i - 1) * {t} / {m})"
        return {"task_id": f"{tbase} + {k}", "region_id": pick(PLACES, k),
                "department": pick(DEPARTMENTS, k), "sector": pick(SECTORS, k),
                "_when": when(k, t)}

    f = n["findings"]
    spec = of_task(f)
    kinds = ["uncertified", "fake_cert_employer", "fake_cert_worker", "ledger", "other",
             "lent_cert", "uncertified"]
    _timed(timings, "findings", lambda: insert(Finding, f, {
        **_strip(spec), "kind": pick(kinds, "i"), "description": "'问题'",
        "people": "i % 3", "found_at": ts(spec["_when"])}, d))
    _timed(timings, "daily_figures", _rollup)
    o = n["orders"] = n["documents"]
    spec = of_task(o)
    dbase = _timed(timings, "documents", lambda: insert(Document, o, {
        "task_id": spec["task_id"], "kind": "'order'", "authority_id": org_of, "year": "2024",
        "seq": "i", "number": "'基准责改' || i"}, d))
    _timed(timings, "orders", lambda: insert(RectificationOrder, o, {
        **_strip(spec), "document_id": f"{dbase} + i", "deadline": day("300"),
        "items": "'整改事项'", "status": "'open'",
        "issued_at": ts(f"{spec['_when']} + 3600")}, d))
    p = n["penalties"]
    spec = of_task(p)
    _timed(timings, "penalties", lambda: insert(PenaltyDecision, p, {
        **_strip(spec), "organisation_id": org_of, "party_kind": "'enterprise'",
        "party_name": "'基准企业'", "article_code": "'bench'", "basis": "'依据'",
        "range_min": "0", "range_max": "100000", "amount": "(i % 50 + 1) * 1000",
        "suspension": "i % 5 = 0", "facts": "'事实'", "status": "'decided'",
        "filed_at": ts(spec["_when"]),
        "decided_at": f"CASE WHEN i % 10 = 0 THEN NULL ELSE "
                      f"{ts(spec['_when'] + ' + 3 * 86400')} END"}, d))

    # Cases: cases, referrals of half of them, parties, decisions and listings.
    c = n["cases"]
    cbase = _timed(timings, "cases", lambda: insert(Case, c, {
        "number": "'基准案' || i", "title": "'案由'", "organisation_id": org_of,
        "year": "2024", "seq": "i",
        "region_id": place, "department": dept, "status": "'open'",
        "source_kind": "'inspection'", "source_ref": "''", "opened_at": ts(when("i", c))}, d))
    r = n["referrals"] = c // 2
    at = when("2 * i", c)
    _timed(timings, "referrals", lambda: insert(_referral(), r, {
        "case_id": f"{cbase} + 2 * i", "status": "'transferred'",
        "police_org_id": str(org["ga"]),
        "transferred_at": ts(f"{at} + 5 * 86400"),
        "accepted_at": f"CASE WHEN i % 2 = 0 THEN {ts(f'{at} + 15 * 86400')} END",
        "judged_at": f"CASE WHEN i % 5 = 0 THEN {ts(f'{at} + 60 * 86400')} END",
        "early_at": f"CASE WHEN i % 7 = 0 THEN {ts(f'{at} + 10 * 86400')} END",
        "supervision_at": f"CASE WHEN i % 11 = 0 THEN {ts(f'{at} + 20 * 86400')} END"}, d))
    pa = n["parties"] = n["listings"] = c // 4
    pbase = _timed(timings, "parties", lambda: insert(CaseParty, pa, {
        "case_id": f"{cbase} + 4 * i", "kind": "'enterprise'", "name": "'基准企业' || i"}, d))
    de = n["decisions"] = c // 4
    _timed(timings, "decisions", lambda: insert(CaseDecision, de, {
        "case_id": f"{cbase} + 4 * i - 1",
        "kind": "CASE WHEN i % 5 = 0 THEN 'order' ELSE 'penalty' END", "number": "'决' || i",
        "basis_key": "'bench'", "amount": "(i % 20 + 1) * 500",
        "decided_at": ts(f"{when('4 * i - 1', c)} + 30 * 86400")}, d))
    cond = insert(ListingCondition, 1, {"code": "'bench'", "title": "'情形'",
                                        "subject": "'organisation'", "source": "'依据'",
                                        "effective_from": day("0")}, d) + 1
    at = when("4 * i", c)
    _timed(timings, "listings", lambda: insert(Listing, pa, {
        "case_id": f"{cbase} + 4 * i", "party_id": f"{pbase} + i", "condition_id": str(cond),
        "organisation_id": org_of, "region_id": pick(PLACES, "4 * i"), "department": dept,
        "status": "'decided'", "public_name": "'基准企业'", "facts": "'事实'",
        "noticed_at": ts(f"{at} + 10 * 86400"),
        "objection_due_at": ts(f"{at} + 15 * 86400"),
        "decided_at": f"CASE WHEN i % 3 = 0 THEN NULL ELSE {ts(f'{at} + 20 * 86400')} END"},
        d))

    # Tips: tip-offs, a handling clock for every other one, rewards.
    ti = n["tips"]
    created = when("i", ti)
    refused, handled = "i % 10 = 0", "i % 5 < 2 AND i % 10 <> 0"
    tibase = _timed(timings, "tips", lambda: insert(Tip, ti, {
        "created_at": ts(created),
        "updated_at": f"CASE WHEN {handled} THEN {ts(f'{created} + 20 * 86400')} "
                      f"ELSE {ts(f'{created} + 2 * 86400')} END",
        "receipt_hash": "'bench' || i", "subject_kind": "'fake_certificate'",
        "subject_name": "'基准对象'", "family": "'special_ops'", "description": "'基准举报'",
        "anonymous": "TRUE", "channel": "'web'", "department": dept,
        "status": f"CASE WHEN {refused} THEN 'refused' WHEN {handled} THEN 'handled' "
                  "ELSE 'accepted' END",
        "accepted_at": f"CASE WHEN {refused} THEN NULL ELSE {ts(f'{created} + 2 * 86400')} END",
        "handled_at": f"CASE WHEN {handled} THEN {ts(f'{created} + 20 * 86400')} END",
        "place_id": place}, d))
    cl = n["clocks"] = ti // 2
    j = "(2 * i - 1)"
    made = when(j, ti)
    _timed(timings, "clocks", lambda: insert(TipClock, cl, {
        "tip_id": f"{tibase} + {j}", "kind": "'handle'", "organisation_id": org_of,
        "started_at": ts(f"{made} + 2 * 86400"), "due_at": ts(f"{made} + 62 * 86400"),
        "met_at": f"CASE WHEN {j} % 5 < 2 THEN {ts(f'{made} + 20 * 86400')} END"}, d))
    rw = n["rewards"] = ti // 20
    j = "(20 * i - 19)"
    _timed(timings, "rewards", lambda: insert(Reward, rw, {
        "tip_id": f"{tibase} + {j}", "amount": "500", "basis": "'标准'",
        "status": "CASE WHEN i % 2 = 0 THEN 'paid' ELSE 'approved' END",
        "paid_at": f"CASE WHEN i % 2 = 0 THEN {ts(f'{when(j, ti)} + 30 * 86400')} END"}, d))

    # Network governance: suspect domains and ads, handovers of both.
    do, ad, ho = n["domains"], n["ads"], n["handovers"]
    wx = str(org["wx"])
    dobase = _timed(timings, "domains", lambda: insert(SuspectDomain, do, {
        "organisation_id": wx, "region_id": place, "status": "'new'",
        "domain": "'bench' || i || '.example'",
        "verdict": "CASE WHEN i % 4 = 0 THEN 'lookalike' ELSE 'unrelated' END",
        "score": "50", "source": "'feed'", "officials_version": "1", "times_seen": "1"}, d))
    adbase = _timed(timings, "ads", lambda: insert(SuspectAd, ad, {
        "organisation_id": wx, "region_id": place, "status": "'new'", "text": "'办证'",
        "text_sha256": "'bench' || i", "source": "'upload'", "verdict": "'ad'",
        "score": "60"}, d))
    _timed(timings, "handovers", lambda: insert(Handover, ho, {
        "number": "'网信移' || i", "year": "2024", "serial": "i", "organisation_id": wx,
        "region_id": place, "recipient": "'wx'", "recipient_name": "'网信办'",
        "domain_id": f"CASE WHEN i % 4 = 0 THEN NULL ELSE {dobase} + 1 + (i * 4) % {do} END",
        "ad_id": f"CASE WHEN i % 4 = 0 THEN {adbase} + 1 + i % {ad} END",
        "facts": "'事实'", "status": "'handed_over'", "handed_at": ts(when("i", ho)),
        "disposed_at": f"CASE WHEN i % 3 = 0 THEN NULL ELSE "
                       f"{ts(when('i', ho) + ' + 7 * 86400')} END"}, d))
    return [Organisation, RosterUpload, WorkerResult, Task, Finding, Document,
            RectificationOrder, PenaltyDecision, Case, _referral(), CaseParty, CaseDecision,
            ListingCondition, Listing, Tip, TipClock, Reward, SuspectDomain, SuspectAd,
            Handover]


def _referral() -> Any:
    from certguard.cases.models import Referral

    return Referral


def _strip(spec: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in spec.items() if not k.startswith("_")}


def _departments() -> dict[str, int]:
    from certguard.orgs.models import Organisation

    names = {"yj": "应急管理局", "zj": "住房和城乡建设局", "scjg": "市场监督管理局",
             "wx": "网信办", "ga": "公安局"}
    return {code: Organisation.objects.create(kind="department", name=f"基准{name}",
                                              region_id="140000", department=code).pk
            for code, name in names.items()}


def _rollup() -> None:
    """The daily figures the enforcement services keep as they go, built set-based."""
    from django.db import connection

    day = "DATE({})" if connection.vendor == "sqlite" else "CAST({} AS DATE)"
    if connection.vendor == "postgresql":  # the day as the services see it (local time)
        day = "CAST(({} AT TIME ZONE 'Asia/Shanghai') AS DATE)"
    else:
        day = "DATE({}, '+8 hours')"
    fake = "('fake_cert_employer', 'fake_cert_worker', 'lent_cert')"
    sql = (
        "INSERT INTO enforcement_dailyfigures (day, region_id, department, sector, "  # noqa: S608 - constants only
        "inspections, problems, uncertified_people, fake_cert_people) "
        "SELECT d, region_id, department, sector, SUM(i), SUM(p), SUM(u), SUM(f) FROM ("
        f"SELECT {day.format('completed_at')} AS d, region_id, department, sector, 1 AS i, "
        "0 AS p, 0 AS u, 0 AS f FROM enforcement_task WHERE status = 'completed' UNION ALL "
        f"SELECT {day.format('found_at')}, region_id, department, sector, 0, 1, "
        "CASE WHEN kind = 'uncertified' THEN people ELSE 0 END, "
        f"CASE WHEN kind IN {fake} THEN people ELSE 0 END FROM enforcement_finding"
        ") AS x GROUP BY d, region_id, department, sector")
    with connection.cursor() as cursor:
        cursor.execute(sql)


def _analyse(connection: Any) -> None:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    if connection.vendor == "postgresql":  # the visibility map: index-only scans
        old = connection.connection.autocommit
        connection.connection.autocommit = True
        with connection.connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        connection.connection.autocommit = old


# --- the baseline: the same aggregate as one query written by hand ------------------------

HAND_WRITTEN = """
WITH filed AS (
  SELECT u.id, u.employer_id, u.verified_at
  FROM selfcheck_rosterupload u JOIN orgs_organisation e ON e.id = u.employer_id
  WHERE e.kind = 'enterprise' AND e.region_id LIKE :region AND u.status = 'verified'
    AND u.returned_at IS NULL AND u.verified_at BETWEEN :lo AND :hi
    AND EXISTS (SELECT 1 FROM selfcheck_workerresult r
                WHERE r.upload_id = u.id AND r.result <> 'rejected')),
latest AS (
  SELECT f.id FROM filed f WHERE NOT EXISTS (
    SELECT 1 FROM filed g WHERE g.employer_id = f.employer_id
      AND (g.verified_at > f.verified_at OR (g.verified_at = f.verified_at AND g.id > f.id)))),
checked AS (
  SELECT SUM(CASE WHEN r.result <> 'rejected' THEN 1 ELSE 0 END) AS checked,
         SUM(CASE WHEN r.result = 'valid' THEN 1 ELSE 0 END) AS valid,
         SUM(CASE WHEN r.result IN (:problems) THEN 1 ELSE 0 END) AS found,
         SUM(CASE WHEN r.result IN (:problems) AND r.rectified_on IS NOT NULL
             THEN 1 ELSE 0 END) AS rectified
  FROM selfcheck_workerresult r JOIN latest l ON l.id = r.upload_id),
daily AS (
  SELECT SUM(inspections) AS inspections, SUM(problems) AS problems,
         SUM(uncertified_people) AS uncertified, SUM(fake_cert_people) AS fake
  FROM enforcement_dailyfigures
  WHERE region_id >= :low_code AND region_id <= :high_code AND day BETWEEN :d0 AND :d1),
penalties AS (
  SELECT SUM(amount) AS fines, SUM(CASE WHEN suspension THEN 1 ELSE 0 END) AS suspensions
  FROM enforcement_penaltydecision
  WHERE region_id >= :low_code AND region_id <= :high_code AND decided_at BETWEEN :lo AND :hi),
referrals AS (
  SELECT SUM(CASE WHEN f.transferred_at BETWEEN :lo AND :hi THEN 1 ELSE 0 END) AS referred,
         SUM(CASE WHEN f.accepted_at BETWEEN :lo AND :hi THEN 1 ELSE 0 END) AS accepted,
         SUM(CASE WHEN f.early_at BETWEEN :lo AND :hi
                    OR f.supervision_at BETWEEN :lo AND :hi THEN 1 ELSE 0 END) AS prosecutor,
         SUM(CASE WHEN f.judged_at BETWEEN :lo AND :hi THEN 1 ELSE 0 END) AS judged
  FROM cases_referral f JOIN cases_case c ON c.id = f.case_id
  WHERE c.region_id LIKE :region AND (f.transferred_at BETWEEN :lo AND :hi
    OR f.accepted_at BETWEEN :lo AND :hi OR f.early_at BETWEEN :lo AND :hi
    OR f.supervision_at BETWEEN :lo AND :hi OR f.judged_at BETWEEN :lo AND :hi))
SELECT
  (SELECT COUNT(*) FROM orgs_organisation e
   WHERE e.kind = 'enterprise' AND e.region_id LIKE :region),
  (SELECT COUNT(*) FROM latest),
  (SELECT checked FROM checked), (SELECT valid FROM checked), (SELECT found FROM checked),
  (SELECT rectified FROM checked),
  (SELECT inspections FROM daily),
  (SELECT COUNT(DISTINCT target_id) FROM enforcement_task
   WHERE status = 'completed' AND region_id >= :low_code AND region_id <= :high_code
     AND completed_at BETWEEN :lo AND :hi),
  (SELECT uncertified FROM daily), (SELECT fake FROM daily), (SELECT problems FROM daily),
  (SELECT COUNT(*) FROM enforcement_rectificationorder
   WHERE region_id >= :low_code AND region_id <= :high_code AND issued_at BETWEEN :lo AND :hi),
  (SELECT suspensions FROM penalties), (SELECT fines FROM penalties),
  (SELECT COUNT(*) FROM cases_case c
   WHERE c.region_id LIKE :region AND c.opened_at BETWEEN :lo AND :hi),
  (SELECT referred FROM referrals), (SELECT accepted FROM referrals),
  (SELECT prosecutor FROM referrals), (SELECT judged FROM referrals),
  (SELECT SUM(x.amount) FROM cases_casedecision x JOIN cases_case c ON c.id = x.case_id
   WHERE c.region_id LIKE :region AND x.kind = 'penalty' AND x.decided_at BETWEEN :lo AND :hi),
  (SELECT COUNT(*) FROM cases_listing x JOIN cases_case c ON c.id = x.case_id
   WHERE c.region_id LIKE :region AND x.decided_at BETWEEN :lo AND :hi),
  (SELECT COUNT(*) FROM netwatch_suspectdomain d
   WHERE d.region_id LIKE :region AND d.verdict = 'lookalike'
     AND d.created_at BETWEEN :lo AND :hi),
  (SELECT COUNT(*) FROM netwatch_handover h
   WHERE h.region_id LIKE :region AND h.domain_id IS NOT NULL
     AND h.disposed_at BETWEEN :lo AND :hi),
  (SELECT COUNT(*) FROM netwatch_handover h
   WHERE h.region_id LIKE :region AND h.ad_id IS NOT NULL
     AND h.disposed_at BETWEEN :lo AND :hi),
  (SELECT COUNT(*) FROM netwatch_handover h
   WHERE h.region_id LIKE :region AND h.handed_at BETWEEN :lo AND :hi),
  (SELECT COUNT(*) FROM tips_tip t WHERE t.place_id LIKE :region
     AND t.created_at BETWEEN :lo AND :hi),
  (SELECT COUNT(*) FROM tips_tip t WHERE t.place_id LIKE :region
     AND t.accepted_at BETWEEN :lo AND :hi),
  (SELECT COUNT(*) FROM tips_tip t WHERE t.place_id LIKE :region AND t.status = 'refused'
     AND t.updated_at BETWEEN :lo AND :hi),
  (SELECT COUNT(*) FROM tips_tip t WHERE t.place_id LIKE :region
     AND t.handled_at BETWEEN :lo AND :hi),
  (SELECT COUNT(*) FROM tips_tip t WHERE t.place_id LIKE :region
     AND t.created_at BETWEEN :lo AND :hi AND EXISTS (
       SELECT 1 FROM tips_tipclock k
       WHERE k.tip_id = t.id AND k.met_at IS NULL AND k.due_at < :now)),
  (SELECT COUNT(*) FROM tips_reward r JOIN tips_tip t ON t.id = r.tip_id
   WHERE t.place_id LIKE :region AND r.status = 'paid' AND r.paid_at BETWEEN :lo AND :hi)
"""


PROBLEMS = ("not_found", "name_mismatch", "id_mismatch", "altered", "expired", "review_overdue",
            "revoked", "item_mismatch", "uncertified")  # selfcheck.outcomes.PROBLEMS


def hand_written(start: date, end: date, region: str = "14") -> dict[str, int]:
    """The table's aggregate as one query written by hand (the baseline)."""
    import re

    from django.db import connection
    from django.utils import timezone

    from certguard.core.figures import FigureFilter

    ops = connection.ops
    low, high = (ops.adapt_datetimefield_value(x)
                 for x in FigureFilter(start=start, end=end).bounds())
    values = {"lo": low, "hi": high, "now": ops.adapt_datetimefield_value(timezone.now()),
              "d0": ops.adapt_datefield_value(start), "d1": ops.adapt_datefield_value(end),
              "region": region + "%", "low_code": region,
              "high_code": region + "9" * (6 - len(region))}
    params: list = []
    for name in re.findall(r":(\w+)", HAND_WRITTEN):
        params += list(PROBLEMS) if name == "problems" else [values[name]]
    sql = re.sub(r":(\w+)", lambda m: ", ".join(["%s"] * len(PROBLEMS))
                 if m.group(1) == "problems" else "%s", HAND_WRITTEN)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return {f"{app}_{figure}": int(value or 0) for (app, figure), value in
            zip(MEASURES, row, strict=True)}
