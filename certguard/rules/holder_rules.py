"""Rules over the certificate registry itself (R02, R11, R17); R03 lives with the roster rules."""

# ruff: noqa: S608 - SQL is built from code constants, spec column names and quoted
# literals; user text only ever reaches it through sql_str() / quote_ident().
from __future__ import annotations

from certguard.rules.base import Context, clue, name_key, rule, union
from certguard.rules.idcheck import (
    id_birth_ymd,
    id_parts_sql,
    id_reason_sql,
    reason_text_sql,
    sex_sql,
    ymd_of,
    ymd_text,
    ymd_valid,
)


def _checked(ctx: Context, *, source: str, x: str, cols: str) -> str:
    """The source's rows with the reason their ID number x is invalid ('ok' when valid)."""
    reason = id_reason_sql(ctx, x="p.x", ymd="p.id_ymd", n17="p.id_n17",
                           region_end="rc.end_year", region_found="rc.code")
    return f"""(SELECT p.*, {reason} AS reason FROM
        (SELECT {cols}, {x} AS x, {id_parts_sql(ctx, x)} FROM {source}) p
      LEFT JOIN region_codes rc ON rc.code = substr(p.x, 1, 6))"""


@rule("R02", "id_invalid", "high", needs=(), needs_any=("certificates", "roster"))
def r02(ctx: Context) -> str:
    d = ctx.d
    parts = []
    if "certificates" in ctx.available:
        checked = _checked(ctx, source="certificates c", x="c.id_no",
                           cols="c.cert_no, c.id_no, c.name")
        parts.append(clue(
            ctx, "R02", subject="certificate", cert_no="k.cert_no", id_no="k.id_no",
            name="k.name", source=f"FROM {checked} k WHERE k.reason <> 'ok'",
            detail="'持证人身份证号 ' || k.id_no || ' 不符合 GB 11643：' || "
                   f"{reason_text_sql('k.reason')}",
            evidence=[("id_no", d.jtext("k.id_no")), ("reason", d.jtext("k.reason"))]))
    if "roster" in ctx.available:
        workers = "(SELECT DISTINCT worker_id_no, worker_name, employer_code FROM roster) w"
        checked = _checked(ctx, source=workers, x="w.worker_id_no",
                           cols="w.worker_id_no, w.worker_name, w.employer_code")
        parts.append(clue(
            ctx, "R02", subject="worker", id_no="k.worker_id_no", name="k.worker_name",
            employer_code="k.employer_code", source=f"FROM {checked} k WHERE k.reason <> 'ok'",
            detail="'从业人员身份证号 ' || k.worker_id_no || ' 不符合 GB 11643：' || "
                   f"{reason_text_sql('k.reason')}",
            evidence=[("id_no", d.jtext("k.worker_id_no")), ("reason", d.jtext("k.reason"))]))
    return union(parts)


def _with_birth(ctx: Context, source: str) -> str:
    """certificates (or a subset) plus `birth`: yyyymmdd from birth_date, else the ID number's.
    The ID's date is computed once in an inner query because the validity test uses it often."""
    return f"""(SELECT b.*, coalesce(b.bd, CASE WHEN {ymd_valid(ctx, 'b.idb')} THEN b.idb END)
        AS birth FROM (SELECT c.*, {ymd_of('c.birth_date')} AS bd,
          {id_birth_ymd(ctx, 'c.id_no')} AS idb FROM {source} c) b)"""


def _age(ctx: Context, birth: str, on: str) -> str:
    """Completed years: (yyyymmdd(on) - yyyymmdd(birth)) div 10000, exact for real dates."""
    return ctx.d.int_div(f"({ymd_of(on)} - {birth})", "10000")


@rule("R11", "age_out_of_range", "medium", needs=("certificates",))
def r11(ctx: Context) -> str:
    d, p = ctx.d, ctx.params
    holders = f"""(SELECT c.cert_no, c.id_no, c.name, c.first_issued, c.valid_from, c.birth,
        coalesce({sex_sql(ctx, 'c.id_no')}, c.sex) AS sex
      FROM {_with_birth(ctx, 'certificates')} c)"""
    limit = (f"CASE WHEN h.sex = '女' THEN {p.retirement_age_female} "
             f"ELSE {p.retirement_age_male} END")
    age_first = _age(ctx, "h.birth", "h.first_issued")
    age_from = _age(ctx, "h.birth", "h.valid_from")
    # "Older than the retirement age": completed years above it; at exactly 60 (or 50) the
    # holder has reached it, not passed it (spec: R11).
    young, old = f"{age_first} < 18", f"{age_from} > {limit}"
    return clue(ctx, "R11", subject="certificate", cert_no="h.cert_no", id_no="h.id_no",
                name="h.name",
                source=f"FROM {holders} h WHERE h.birth IS NOT NULL AND ({young} OR {old})",
                detail=f"CASE WHEN {young} THEN '持证人初次发证时未满18周岁（发证 ' || "
                       f"{d.text('h.first_issued')} || '）' ELSE "
                       f"'持证人在有效期起始日已超过退休年龄（起始 ' || "
                       f"{d.text('h.valid_from')} || '，时年 ' || "
                       f"CAST({age_from} AS STRING) || ' 周岁，上限 ' || CAST({limit} AS STRING) "
                       "|| ' 周岁）' END",
                evidence=[("birth_date", d.json_str(ymd_text(ctx, "h.birth"))),
                          ("first_issued", d.jtext("h.first_issued")),
                          ("valid_from", d.jtext("h.valid_from")),
                          ("age_at_first_issued", d.jnum(age_first)),
                          ("age_at_valid_from", d.jnum(age_from))])


@rule("R17", "cross_registry_conflict", "medium", needs=("certificates",))
def r17(ctx: Context) -> str:
    d = ctx.d
    # Cheap first pass: only ID numbers on more than one certificate can conflict; grouping by
    # a 64-bit hash of the number is several times faster than by the 18-character text.
    multi = (f"SELECT {d.hash64('id_no')} AS h FROM certificates GROUP BY {d.hash64('id_no')} "
             "HAVING count(*) > 1")
    subset = (f"(SELECT c.* FROM certificates c JOIN multi m ON m.h = {d.hash64('c.id_no')})")
    rows = f"""SELECT c.cert_no, c.id_no, c.name, {name_key('c.name')} AS name_key,
        coalesce(c.source, '') AS source, c.birth
      FROM {_with_birth(ctx, subset)} c"""
    # min <> max is count(DISTINCT) > 1 without per-group sets; the ordered listing of the
    # variants is built only for the few ID numbers that really conflict.
    bad = """SELECT id_no FROM rows GROUP BY id_no HAVING min(source) <> max(source)
        AND (min(name_key) <> max(name_key) OR min(birth) <> max(birth))"""
    variant = "v.source || ':' || v.name || ':' || " + f"coalesce({ymd_text(ctx, 'v.birth')}, '')"
    variants = f"""(SELECT DISTINCT v.id_no, {variant} AS variant FROM rows v
      JOIN bad b ON b.id_no = v.id_no)"""
    conflicts = f"""(SELECT v.id_no, {d.agg_sorted_join('v.variant', ';')} AS variants
      FROM {variants} v GROUP BY v.id_no)"""
    return clue(ctx, "R17", subject="certificate", cert_no="r.cert_no", id_no="r.id_no",
                name="r.name", ctes=[("multi", multi), ("rows", rows), ("bad", bad)],
                source=f"FROM rows r JOIN {conflicts} v ON v.id_no = r.id_no",
                detail="'身份证号 ' || r.id_no || ' 在不同来源的证书库中姓名或出生日期不一致'",
                evidence=[("variants", d.json_str("v.variants"))])
