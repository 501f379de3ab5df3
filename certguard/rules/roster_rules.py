"""Rules over the roster joined to the certificate registry (R01, R03–R10)."""

# ruff: noqa: S608 - SQL is built from code constants, spec column names and quoted
# literals; user text only ever reaches it through sql_str() / quote_ident().
from __future__ import annotations

from certguard.rules.base import DECLARED_CERTIFICATES, Context, clue, id_key, name_key, rule, union

_DECLARED = """(SELECT DISTINCT cert_no, worker_id_no, worker_name, employer_code
    FROM roster WHERE cert_no IS NOT NULL)"""
# The registry rows of the numbers the roster declares: every lookup of a declared number
# reads these, made once per run, rather than the whole registry once per rule.
_REGISTRY = DECLARED_CERTIFICATES.name
_NOT_FOUND = f"NOT EXISTS (SELECT 1 FROM {_REGISTRY} c WHERE c.cert_no = r.cert_no)"
_WORKER = {"cert_no": "r.cert_no", "id_no": "r.worker_id_no", "name": "r.worker_name",
           "employer_code": "r.employer_code"}
_READS = (DECLARED_CERTIFICATES,)
_NEAR_MAX_LEN = 32  # altered numbers are compared position by position up to this length


def _declared_on_post(ctx: Context) -> str:
    return f"""(SELECT DISTINCT r.cert_no, r.worker_id_no, r.worker_name, r.employer_code
        FROM roster r WHERE r.cert_no IS NOT NULL AND {ctx.on_post('r')})"""


@rule("R01", "cert_not_found", "high", needs=("roster", "certificates"), reads=_READS)
def r01(ctx: Context) -> str:
    d = ctx.d
    return clue(ctx, "R01", subject="worker", **_WORKER,
                source=f"FROM {_DECLARED} r WHERE {_NOT_FOUND}",
                detail="'用人单位申报的证书编号 ' || r.cert_no "
                       "|| ' 在各发证机关的证书库中均不存在'",
                evidence=[("declared_cert_no", d.jtext("r.cert_no")),
                          ("employer_code", d.jtext("r.employer_code"))])


def same_id(ctx: Context, a: str, b: str) -> str:
    """Two ID numbers of the same person: equal, or a 15-digit legacy number and its
    18-character form (the cheap equality is tried first)."""
    # CASE, not OR / AND: DuckDB evaluates every operand of OR and AND for every row of a
    # projection, CASE only where needed (the 15-digit conversion is rare and costly).
    return (f"(CASE WHEN {a} = {b} THEN true WHEN length({a}) = 15 OR length({b}) = 15 "
            f"THEN {id_key(ctx.d, a)} = {id_key(ctx.d, b)} ELSE false END)")


def same_name(a: str, b: str) -> str:
    """Two names that are the same once the middle-dot variants are made one."""
    return f"(CASE WHEN {a} = {b} THEN true ELSE {name_key(a)} = {name_key(b)} END)"


def _matched(ctx: Context) -> str:
    """Each declaration joined to the registry rows of its cert_no, summarised."""
    same = same_id(ctx, "c.id_no", "d.worker_id_no")
    return f"""(SELECT d.cert_no, d.worker_id_no, d.worker_name, d.employer_code,
        min(c.id_no) AS holder_id_no, min(c.name) AS holder_name,
        max(CASE WHEN {same} THEN 1 ELSE 0 END) AS same_id,
        max(CASE WHEN {same} AND {same_name('c.name', 'd.worker_name')} THEN 1 ELSE 0 END)
          AS same_person,
        min(CASE WHEN {same} THEN c.name END) AS registry_name
      FROM {_DECLARED} d JOIN {_REGISTRY} c ON c.cert_no = d.cert_no
      GROUP BY d.cert_no, d.worker_id_no, d.worker_name, d.employer_code)"""


@rule("R03", "certno_id_mismatch", "high", needs=("certificates",), reads=_READS)
def r03(ctx: Context) -> str:
    d = ctx.d
    parts = [clue(
        ctx, "R03", subject="certificate", cert_no="c.cert_no", id_no="c.id_no", name="c.name",
        source="FROM certificates c WHERE c.family = 'special_ops' AND c.cert_no <> 'T' || c.id_no "
               f"AND NOT (substr(c.cert_no, 1, 1) = 'T' "
               f"AND {same_id(ctx, 'substr(c.cert_no, 2)', 'c.id_no')})",
        detail="'特种作业操作证编号 ' || c.cert_no || ' 不是 T 加持证人身份证号 ' || c.id_no",
        evidence=[("cert_no", d.jtext("c.cert_no")), ("id_no", d.jtext("c.id_no"))])]
    if "roster" in ctx.available:
        parts.append(clue(
            ctx, "R03", subject="worker", **_WORKER,
            source=f"FROM {_matched(ctx)} r WHERE r.same_id = 0",
            detail="'申报的证书 ' || r.cert_no || ' 属于身份证号为 ' || r.holder_id_no "
                   "|| ' 的持证人，与从业人员身份证号 ' || r.worker_id_no || ' 不符'",
            evidence=[("declared_id_no", d.jtext("r.worker_id_no")),
                      ("holder_id_no", d.jtext("r.holder_id_no")),
                      ("holder_name", d.jtext("r.holder_name"))]))
    return union(parts)


@rule("R04", "name_mismatch", "high", needs=("roster", "certificates"), reads=_READS)
def r04(ctx: Context) -> str:
    d = ctx.d
    return clue(ctx, "R04", subject="worker", **_WORKER,
                source=f"FROM {_matched(ctx)} r WHERE r.same_id = 1 AND r.same_person = 0",
                detail="'证书 ' || r.cert_no || ' 的持证人姓名为 ' || r.registry_name "
                       "|| '，与申报姓名 ' || r.worker_name || ' 不符'",
                evidence=[("declared_name", d.jtext("r.worker_name")),
                          ("registry_name", d.jtext("r.registry_name"))])


def _near_terms(a: str, b: str) -> tuple[str, str]:
    """SQL counting differing positions, and adjacent swaps, between equal-length a and b."""
    diffs, swaps = [], []
    for i in range(1, _NEAR_MAX_LEN + 1):
        ai, bi = f"substr({a}, {i}, 1)", f"substr({b}, {i}, 1)"
        diffs.append(f"CASE WHEN {ai} <> {bi} THEN 1 ELSE 0 END")
        if i < _NEAR_MAX_LEN:
            an, bn = f"substr({a}, {i + 1}, 1)", f"substr({b}, {i + 1}, 1)"
            swaps.append(f"CASE WHEN {ai} <> {bi} AND {ai} = {bn} AND {an} = {bi} "
                         "THEN 1 ELSE 0 END")
    return " + ".join(diffs), " + ".join(swaps)


@rule("R05", "altered_near_match", "high", needs=("roster", "certificates"), reads=_READS)
def r05(ctx: Context) -> str:
    d = ctx.d
    diffs, swaps = _near_terms("n.cert_no", "c.cert_no")
    # One substitution leaves two of three thirds intact, one adjacent swap at least one of the
    # outer thirds: candidate pairs share the name, the length and the first or the last third.
    third = d.int_div("length({a}.cert_no)", "3")
    head = "substr({a}.cert_no, 1, " + third + ")"
    tail = "substr({a}.cert_no, length({a}.cert_no) - " + third + " + 1)"
    found = "found"
    candidates = []
    for part in (head, tail):
        candidates.append(f"""SELECT n.cert_no, n.worker_id_no, n.worker_name, n.employer_code,
            c.cert_no AS registry_cert_no, {diffs} AS diffs, {swaps} AS swaps
          FROM {found} n JOIN certificates c ON {name_key('c.name')} = {name_key('n.worker_name')}
            AND length(c.cert_no) = length(n.cert_no)
            AND {part.format(a='c')} = {part.format(a='n')}""")
    pairs = f"(SELECT DISTINCT * FROM ({candidates[0]} UNION ALL {candidates[1]}) u)"
    hits = f"""(SELECT cert_no, worker_id_no, worker_name, employer_code,
        min(registry_cert_no) AS registry_cert_no FROM {pairs} p
      WHERE p.diffs = 1 OR (p.diffs = 2 AND p.swaps >= 1)
      GROUP BY cert_no, worker_id_no, worker_name, employer_code)"""
    return clue(ctx, "R05", subject="worker", **_WORKER, source=f"FROM {hits} r",
                ctes=[("found", f"SELECT * FROM {_DECLARED} r WHERE {_NOT_FOUND}")],
                detail="'申报的证书编号 ' || r.cert_no || ' 不存在，但与同名持证人的证书 ' "
                       "|| r.registry_cert_no || ' 仅差一个字符，疑似涂改'",
                evidence=[("declared_cert_no", d.jtext("r.cert_no")),
                          ("registry_cert_no", d.jtext("r.registry_cert_no")),
                          ("name", d.jtext("r.worker_name"))])


@rule("R06", "multi_employer", "high", needs=("roster",))
def r06(ctx: Context) -> str:
    d = ctx.d
    end = "DATE '9999-12-31'"
    # One pass keeps only the numbers declared by more than one employer (a tiny share):
    # their lowest and highest employer codes differ. Those rows are then paired.
    multi = """SELECT cert_no, employer_code, on_post_from, on_post_to FROM (
        SELECT cert_no, employer_code, on_post_from, on_post_to,
               min(employer_code) OVER (PARTITION BY cert_no) AS lo,
               max(employer_code) OVER (PARTITION BY cert_no) AS hi
        FROM roster WHERE cert_no IS NOT NULL) w WHERE lo <> hi"""
    pairs = f"""(SELECT a.cert_no, a.employer_code AS ea, a.on_post_from AS fa, a.on_post_to AS ta,
        b.employer_code AS eb, b.on_post_from AS fb, b.on_post_to AS tb
      FROM r06_multi a JOIN r06_multi b ON a.cert_no = b.cert_no
        AND a.employer_code < b.employer_code
        AND a.on_post_from <= coalesce(b.on_post_to, {end})
        AND b.on_post_from <= coalesce(a.on_post_to, {end}))"""
    span = "{e} || ':' || " + d.text("{f}") + " || '~' || " + d.text("{t}")
    # Both sides of every overlapping pair, via a two-row side table (one scan of the pairs).
    spans = f"""(SELECT DISTINCT p.cert_no,
        CASE WHEN k.side = 1 THEN p.ea ELSE p.eb END AS employer,
        CASE WHEN k.side = 1 THEN {span.format(e='p.ea', f='p.fa', t='p.ta')}
             ELSE {span.format(e='p.eb', f='p.fb', t='p.tb')} END AS span
      FROM {pairs} p CROSS JOIN (SELECT 1 AS side UNION ALL SELECT 2 AS side) k)"""
    agg = f"""(SELECT cert_no, {d.agg_sorted_join('span', ';')} AS periods,
        count(DISTINCT employer) AS n FROM {spans} s GROUP BY cert_no)"""
    return clue(ctx, "R06", subject="certificate", cert_no="r.cert_no", source=f"FROM {agg} r",
                detail="'证书 ' || r.cert_no || ' 被 ' || CAST(r.n AS STRING) "
                       "|| ' 个不同用人单位在重叠的期间内申报使用'",
                evidence=[("periods", d.json_str("r.periods"))],
                ctes=[("r06_multi", multi)])


def _declared_certs(ctx: Context, select: str, where: str, having: str) -> str:
    return f"""(SELECT d.cert_no, d.worker_id_no, d.worker_name, d.employer_code, {select}
      FROM {_declared_on_post(ctx)} d JOIN {_REGISTRY} c ON c.cert_no = d.cert_no
      WHERE {where}
      GROUP BY d.cert_no, d.worker_id_no, d.worker_name, d.employer_code HAVING {having})"""


@rule("R07", "expired", "medium", needs=("roster", "certificates"), reads=_READS)
def r07(ctx: Context) -> str:
    d = ctx.d
    src = _declared_certs(ctx, "max(c.valid_until) AS valid_until", "true",
                          f"max(c.valid_until) < {ctx.as_of_sql}")
    return clue(ctx, "R07", subject="worker", **_WORKER, source=f"FROM {src} r",
                detail="'在岗人员申报的证书 ' || r.cert_no || ' 已于 ' || "
                       + d.text("r.valid_until")
                       + " || ' 过期'",
                evidence=[("valid_until", d.jtext("r.valid_until")),
                          ("as_of", d.jtext(ctx.as_of_sql))])


@rule("R08", "review_overdue", "medium", needs=("roster", "certificates"), reads=_READS)
def r08(ctx: Context) -> str:
    d = ctx.d
    where = (f"c.review_due < {ctx.as_of_sql} AND "
             "(c.last_review IS NULL OR c.last_review < c.review_due)")
    src = _declared_certs(ctx, "min(c.review_due) AS review_due, max(c.last_review) AS last_review",
                          where, "count(*) > 0")
    return clue(ctx, "R08", subject="worker", **_WORKER, source=f"FROM {src} r",
                detail="'在岗人员申报的证书 ' || r.cert_no || ' 应于 ' || " + d.text("r.review_due")
                       + " || ' 前复审，未见复审记录'",
                evidence=[("review_due", d.jtext("r.review_due")),
                          ("last_review", d.jtext("r.last_review"))])


@rule("R09", "revoked_in_use", "high", needs=("roster", "certificates"), reads=_READS)
def r09(ctx: Context) -> str:
    d = ctx.d
    src = _declared_certs(ctx, "min(c.status) AS status",
                          "c.status IN ('revoked', 'cancelled', 'suspended')", "count(*) > 0")
    status = ("CASE r.status WHEN 'revoked' THEN '撤销' WHEN 'cancelled' THEN '注销' "
              "ELSE '暂扣' END")
    return clue(ctx, "R09", subject="worker", **_WORKER, source=f"FROM {src} r",
                detail=f"'在岗人员申报的证书 ' || r.cert_no || ' 已被' || {status} || '，仍在使用'",
                evidence=[("status", d.jtext("r.status"))])


@rule("R10", "item_mismatch", "high", needs=("roster", "certificates"))
def r10(ctx: Context) -> str:
    d = ctx.d
    a = ctx.as_of_sql
    src = f"""FROM (SELECT DISTINCT r.cert_no, r.worker_id_no, r.worker_name, r.employer_code,
        r.required_item_code FROM roster r
      WHERE {ctx.on_post('r')} AND r.required_item_code IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM certificates c
          WHERE {id_key(d, 'c.id_no')} = {id_key(d, 'r.worker_id_no')}
          AND c.item_code = r.required_item_code AND c.status = 'valid'
          AND c.valid_from <= {a} AND c.valid_until >= {a})) r"""
    return clue(ctx, "R10", subject="worker", **_WORKER, source=src,
                detail="'岗位要求操作项目 ' || r.required_item_code "
                       "|| '，该从业人员没有此项目的有效证书'",
                evidence=[("required_item_code", d.jtext("r.required_item_code")),
                          ("declared_cert_no", d.jtext("r.cert_no"))])
