"""Rules over training and exam records (R12–R16)."""

# ruff: noqa: S608 - SQL is built from code constants, spec column names and quoted
# literals; user text only ever reaches it through sql_str() / quote_ident().
from __future__ import annotations

from certguard.rules.base import Context, clue, rule, union


@rule("R12", "training_short", "medium", needs=("training",))
def r12(ctx: Context) -> str:
    d = ctx.d
    totals = """(SELECT institution_code, class_id, trainee_id_no, item_code,
        sum(hours) AS hours, min(trainee_name) AS trainee_name FROM training
      GROUP BY institution_code, class_id, trainee_id_no, item_code)"""
    return clue(ctx, "R12", subject="institution", institution_code="t.institution_code",
                id_no="t.trainee_id_no", name="t.trainee_name",
                source=f"FROM {totals} t JOIN min_hours m ON m.item_code = t.item_code "
                       "WHERE t.hours < m.hours",
                detail="'培训班 ' || t.class_id || ' 学员 ' || t.trainee_name || ' 的 ' "
                       "|| t.item_code "
                       f"|| ' 培训仅 ' || {d.fmt_num('t.hours', 1)} || ' 学时，低于最低 ' || "
                       f"{d.fmt_num('m.hours', 1)} || ' 学时'",
                evidence=[("class_id", d.jtext("t.class_id")),
                          ("item_code", d.jtext("t.item_code")),
                          ("hours", d.jnum("t.hours", 1)), ("min_hours", d.jnum("m.hours", 1))])


def _r13_training(ctx: Context) -> str:
    d = ctx.d
    trained = """(SELECT trainee_id_no, item_code, min(end_date) AS end_date FROM training
      GROUP BY trainee_id_no, item_code)"""
    return clue(ctx, "R13", subject="certificate", cert_no="c.cert_no", id_no="c.id_no",
                name="c.name",
                source=f"FROM certificates c JOIN {trained} t ON t.trainee_id_no = c.id_no "
                       "AND t.item_code = c.item_code WHERE c.first_issued < t.end_date",
                detail=f"'证书初次发证日期 ' || {d.text('c.first_issued')} "
                       "|| ' 早于持证人该项目培训结束日期 ' "
                       f"|| {d.text('t.end_date')}",
                evidence=[("reason", "'\"issued_before_training_end\"'"),
                          ("item_code", d.jtext("c.item_code")),
                          ("first_issued", d.jtext("c.first_issued")),
                          ("training_end", d.jtext("t.end_date"))])


def _r13_exams(ctx: Context) -> str:
    d, m = ctx.d, ctx.params.exam_validity_months
    hi = d.add_months("max(exam_date)", str(m))
    cover = f"""(SELECT item_code, min(exam_date) AS lo, {hi} AS hi
      FROM exams GROUP BY item_code)"""
    covered = f"""(SELECT c.cert_no, c.id_no, c.name, c.item_code, c.first_issued
      FROM certificates c JOIN {cover} v ON v.item_code = c.item_code
      WHERE c.first_issued >= v.lo AND c.first_issued <= v.hi)"""
    window = (f"e.exam_date <= k.first_issued AND "
              f"e.exam_date >= {d.add_months('k.first_issued', str(-m))}")
    unsupported = f"""(SELECT k.cert_no, k.id_no, k.name, k.item_code, k.first_issued
      FROM {covered} k LEFT JOIN (SELECT candidate_id_no, item_code, exam_date FROM exams
        WHERE passed) e ON e.candidate_id_no = k.id_no AND e.item_code = k.item_code
      GROUP BY k.cert_no, k.id_no, k.name, k.item_code, k.first_issued
      HAVING max(CASE WHEN {window} THEN 1 ELSE 0 END) = 0)"""
    return clue(ctx, "R13", subject="certificate", cert_no="c.cert_no", id_no="c.id_no",
                name="c.name", source=f"FROM {unsupported} c",
                detail=f"'证书于 ' || {d.text('c.first_issued')} "
                       f"|| ' 发证，持证人此前 {m} 个月内没有 ' "
                       "|| c.item_code || ' 项目的考试合格记录'",
                evidence=[("reason", "'\"no_passed_exam\"'"), ("item_code", d.jtext("c.item_code")),
                          ("first_issued", d.jtext("c.first_issued"))])


@rule("R13", "issued_without_exam", "high", needs=("certificates",),
      needs_any=("training", "exams"))
def r13(ctx: Context) -> str:
    parts = []
    if "training" in ctx.available:
        parts.append(_r13_training(ctx))
    if "exams" in ctx.available:
        parts.append(_r13_exams(ctx))
    return union(parts)


@rule("R14", "training_overlap", "medium", needs=("training",))
def r14(ctx: Context) -> str:
    d = ctx.d
    classes = """(SELECT DISTINCT trainee_id_no, trainee_name, institution_code, class_id,
        start_date, end_date FROM training)"""
    desc = "{a}.institution_code || '/' || {a}.class_id || ' ' || " + d.text("{a}.start_date") \
        + " || '~' || " + d.text("{a}.end_date")
    return clue(ctx, "R14", subject="worker", id_no="a.trainee_id_no", name="a.trainee_name",
                source=f"FROM {classes} a JOIN {classes} b ON a.trainee_id_no = b.trainee_id_no "
                       "AND a.institution_code < b.institution_code "
                       "AND a.start_date <= b.end_date AND b.start_date <= a.end_date",
                detail="'学员 ' || a.trainee_name || ' 同时在两家机构参加日期重叠的培训班'",
                evidence=[("class_a", d.json_str(desc.format(a="a"))),
                          ("class_b", d.json_str(desc.format(a="b")))])


@rule("R15", "exam_too_fast", "medium", needs=("exams",))
def r15(ctx: Context) -> str:
    d = ctx.d
    # Whole seconds, rounded down: the comparison is duration_seconds < min_exam_minutes * 60,
    # and the text shows minutes and seconds, so 19 min 59 s never reads as "20.0 minutes".
    seconds = f"CAST(floor({d.seconds_between('e.start_time', 'e.end_time')}) AS BIGINT)"
    limit = ctx.params.min_exam_minutes * 60
    limit_text = f"{ctx.params.min_exam_minutes:g}"
    duration = (f"CASE WHEN e.seconds < 0 THEN '交卷时间早于开始时间' ELSE '仅用时 ' || "
                f"CAST({d.int_div('e.seconds', '60')} AS STRING) || ' 分 ' || "
                f"CAST(e.seconds % 60 AS STRING) || ' 秒' END")
    fast = f"""(SELECT e.exam_center_code, e.candidate_id_no, e.candidate_name, e.item_code,
        e.exam_date, {seconds} AS seconds FROM exams e
      WHERE e.passed AND e.start_time IS NOT NULL AND e.end_time IS NOT NULL)"""
    return clue(ctx, "R15", subject="exam_center", exam_center_code="e.exam_center_code",
                id_no="e.candidate_id_no", name="e.candidate_name",
                source=f"FROM {fast} e WHERE e.seconds < {limit}",
                detail=f"'考生 ' || e.candidate_name || ' 的 ' || e.item_code || ' 考试' || "
                       f"{duration} || '即合格，短于最短合理用时 {limit_text} 分钟'",
                evidence=[("item_code", d.jtext("e.item_code")),
                          ("exam_date", d.jtext("e.exam_date")),
                          ("seconds", d.jnum("e.seconds")),
                          ("min_exam_minutes", f"'{limit_text}'")])


@rule("R16", "exam_center_outlier", "low", needs=("exams",))
def r16(ctx: Context) -> str:
    d, p = ctx.d, ctx.params
    groups = f"""(SELECT exam_center_code, item_code, count(*) AS n,
        CAST(sum(CASE WHEN passed THEN 1 ELSE 0 END) AS DOUBLE) / count(*) AS rate
      FROM exams GROUP BY exam_center_code, item_code
      HAVING count(*) >= {p.outlier_min_sittings})"""
    loo = f"""(SELECT a.exam_center_code, a.item_code, a.n, a.rate, count(*) AS others,
        avg(b.rate) AS mean, stddev_pop(b.rate) AS sd
      FROM {groups} a JOIN {groups} b ON a.item_code = b.item_code
        AND a.exam_center_code <> b.exam_center_code
      GROUP BY a.exam_center_code, a.item_code, a.n, a.rate)"""
    sd = "CASE WHEN o.sd = 0 THEN 0.01 ELSE o.sd END"
    return clue(ctx, "R16", subject="exam_center", exam_center_code="o.exam_center_code",
                source=f"FROM {loo} o WHERE o.others >= 3 "
                       f"AND o.rate > o.mean + {p.outlier_z} * {sd}",
                detail=f"'考点 ' || o.exam_center_code || ' 的 ' || o.item_code || ' 通过率 ' || "
                       f"{d.fmt_num('o.rate * 100', 1)} || '% 远高于其他考点平均 ' || "
                       f"{d.fmt_num('o.mean * 100', 1)} || '%'",
                evidence=[("item_code", d.jtext("o.item_code")), ("sittings", d.jnum("o.n")),
                          ("pass_rate", d.jnum("o.rate", 4)), ("others_mean", d.jnum("o.mean", 4)),
                          ("others_sd", d.jnum("o.sd", 4)), ("others", d.jnum("o.others"))])


__all__ = ["union"]
