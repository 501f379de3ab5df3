"""Workflows of the statistical tables: define a form (version), open a period, compute a
unit's values from the records, enter the hand-filled ones, submit, return with a reason,
approve (which locks), unlock one value with a reason, remind the units that have not
submitted. Every change is audited (audited models); nothing is half-saved."""

from __future__ import annotations

import calendar
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from certguard.core.errors import AppError, Forbidden, NotFound
from certguard.core.figures import FigureFilter
from certguard.core.policy import require
from certguard.core.scoping import UserLike, account_of, actor_of
from certguard.orgs.reference import region_level
from certguard.orgs.selectors import region_known, region_units
from certguard.reporting import formulas, sources
from certguard.reporting.models import Form, FormVersion, Period, Report, ReportEvent, Value
from certguard.reporting.reference import LEVELS, PERIOD_TYPES, SEED_FORMS, UPPER

MAX_MEASURES = 200


# --- forms as data ------------------------------------------------------------------------------

def _layout_clean(layout: Any) -> dict:
    if not isinstance(layout, dict):
        raise AppError("layout_invalid", "表样应为对象（含 measures）")
    measures = layout.get("measures")
    if not isinstance(measures, list) or not measures:
        raise AppError("layout_invalid", "表样至少要有一个统计指标（measures）")
    if len(measures) > MAX_MEASURES:
        raise AppError("layout_invalid", f"统计指标不超过{MAX_MEASURES}项")
    orientation = layout.get("orientation", "measure_rows")
    if orientation not in ("measure_rows", "dimension_rows"):
        raise AppError("layout_invalid", "表样方向只能是 measure_rows 或 dimension_rows")
    dimension = layout.get("dimension")
    if dimension is not None:
        from certguard.orgs.reference import DEPARTMENTS

        items = dimension.get("items") if isinstance(dimension, dict) else None
        if not isinstance(items, list) or not items or \
                any(item not in DEPARTMENTS for item in items):
            raise AppError("layout_invalid",
                           f"维度只能是部门类别：{'、'.join(DEPARTMENTS)}")
    elif orientation == "dimension_rows":
        raise AppError("layout_invalid", "按部门分行的表样必须列出部门（dimension.items）")
    seen: set[str] = set()
    clean = []
    for n, measure in enumerate(measures, start=1):
        if not isinstance(measure, dict) or not str(measure.get("code", "")).strip() or \
                not str(measure.get("label", "")).strip():
            raise AppError("layout_invalid", f"第{n}项指标缺少代码（code）或名称（label）")
        code = str(measure["code"]).strip()[:40]
        if code in seen:
            raise AppError("layout_invalid", f"指标代码重复：{code}")
        seen.add(code)
        row: dict[str, object] = {"code": code, "label": str(measure["label"]).strip()[:100],
               "group": str(measure.get("group", "")).strip()[:100]}
        if measure.get("manual"):
            row["manual"] = True
        else:
            try:
                formula = formulas.parse(str(measure.get("formula", "")))
            except formulas.FormulaError as exc:
                raise AppError("formula_invalid",
                               f"第{n}项“{row['label']}”的公式有误：{exc}") from None
            for ref in formula.refs:
                try:
                    sources.check_ref(ref)
                except AppError as exc:
                    raise AppError(exc.code, f"第{n}项“{row['label']}”：{exc.message}") from None
            row["formula"] = formula.text
        clean.append(row)
    return {"orientation": orientation, "cumulative": bool(layout.get("cumulative")),
            "dimension": {"kind": "department", "items": list(dimension["items"])}
            if dimension else None, "measures": clean}


def _due_clean(due: Any) -> dict:
    if isinstance(due, dict) and "day" in due:
        day = due["day"]
        if not isinstance(day, int) or not 1 <= day <= 31:
            raise AppError("due_invalid", "报送期限的日期应为1至31之间的整数")
        return {"day": day}
    if isinstance(due, dict) and isinstance(due.get("dates"), dict):
        dates = {}
        for key, value in due["dates"].items():
            try:
                date.fromisoformat(f"{key}-01")
                dates[key] = date.fromisoformat(str(value)).isoformat()
            except ValueError:
                raise AppError("due_invalid", f"报送期限日期无效：{str(key)[:10]} → "
                                              f"{str(value)[:12]}（格式 YYYY-MM → YYYY-MM-DD）") \
                    from None
        return {"dates": dates}
    raise AppError("due_invalid", '报送期限应为 {"day": 每月几日} 或 {"dates": {期间: 日期}}')


@transaction.atomic
def form_version_create(*, by: UserLike, code: str, name: str = "", source: str = "",
                        period_type: str, fill_level: str, due: Any, layout: Any,
                        note: str = "") -> FormVersion:
    """A new form, or a new version of an existing one (versions are never edited)."""
    require(by, "reporting.forms")
    code = (code or "").strip()
    if not code or len(code) > 40:
        raise AppError("code_invalid", "表号不能为空，且不超过40个字符")
    if period_type not in PERIOD_TYPES:
        raise AppError("period_type_invalid", "报送周期只能是月报、双月报或一次性")
    if fill_level not in ("county", "city"):
        raise AppError("level_invalid", "填报层级只能是县级或市级")
    clean_layout, clean_due = _layout_clean(layout), _due_clean(due)
    form = Form.objects.select_for_update().filter(code=code).first()
    if form is None:
        if not (name or "").strip():
            raise AppError("name_required", "新报表须填写表名")
        form = Form.objects.create(code=code, name=name.strip()[:200],
                                   source=(source or "").strip()[:200])
    last = form.versions.order_by("-number").values_list("number", flat=True).first() or 0
    return FormVersion.objects.create(
        form=form, number=last + 1, period_type=period_type, fill_level=fill_level,
        due=clean_due, layout=clean_layout, note=(note or "").strip()[:200],
        created_by=account_of(by))


def forms_install(*, by: UserLike) -> list[FormVersion]:
    """The seeds' five tables (first versions), where not defined yet."""
    installed = []
    for code, spec in SEED_FORMS.items():
        if not Form.objects.filter(code=code).exists():
            installed.append(form_version_create(by=by, code=code, name=spec["name"],
                                                 source=spec["source"],
                                                 period_type=spec["period_type"],
                                                 fill_level=spec["fill_level"],
                                                 due=spec["due"], layout=spec["layout"]))
    return installed


# --- periods ------------------------------------------------------------------------------------

def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def period_bounds(*, period_type: str, start: date, end: date | None = None
                  ) -> tuple[date, date, str]:
    """(start, end, label) of a period of the type, refused when it does not exist."""
    if period_type == "monthly":
        if start.day != 1:
            raise AppError("period_invalid", "月报的统计期间应从每月1日开始")
        return start, _last_day(start.year, start.month), f"{start.year}年{start.month}月"
    if period_type == "bimonthly":
        if start.day != 1:
            raise AppError("period_invalid", "双月报的统计期间应从月初开始")
        month2 = start.month + 1
        if month2 > 12:
            raise AppError("period_invalid", "双月报的两个月应在同一年内")
        return (start, _last_day(start.year, month2),
                f"{start.year}年{start.month}—{month2}月")
    if end is None or end < start:
        raise AppError("period_invalid", "一次性报表须给出不早于开始日期的结束日期")
    return start, end, f"{start.isoformat()}至{end.isoformat()}"


def due_date_for(*, version: FormVersion, start: date, end: date) -> date:
    """The due date of the period from the version's rule (day of the period's last month,
    or a date per period): the seeds' deadlines fall before the period ends."""
    rule = version.due
    if "day" in rule:
        last = calendar.monthrange(end.year, end.month)[1]
        return date(end.year, end.month, min(int(rule["day"]), last))
    key = f"{start.year}-{start.month:02d}"
    if key not in rule.get("dates", {}):
        raise AppError("due_missing", f"该报表版本没有规定 {key} 期间的报送期限")
    return date.fromisoformat(rule["dates"][key])


def _parse_day(value: Any, what: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise AppError("period_invalid", f"{what}不存在：{str(value)[:20]}（格式 YYYY-MM-DD）") \
            from None


@transaction.atomic
def period_open(*, by: UserLike, version_id: int, region_code: str, start: Any,
                end: Any = None, series: str = "", cumulative_from: Any = None,
                upper_due_date: Any = None) -> Period:
    """Open a period of a form version for the units under a city or a province: one report
    per unit at the filling level and per collecting office above it."""
    version = FormVersion.objects.restrict(by, "reporting.periods").filter(pk=version_id).first()
    if version is None:
        raise NotFound("version_not_found", "报表版本不存在")
    actor = require(by, "reporting.periods", version)
    region_code = str(region_code or "").strip()
    if not region_known(code=region_code) or region_level(region_code) == "county":
        raise AppError("region_invalid", "汇总地区应为市级或省级行政区划代码")
    if not actor.is_admin and actor.role != "system" and \
            not region_code.startswith(actor.region_prefix):
        raise Forbidden("region_outside", "只能为本辖区开启报送期间", status=403)
    first, last, label = period_bounds(period_type=version.period_type,
                                       start=_parse_day(start, "开始日期"),
                                       end=_parse_day(end, "结束日期") if end else None)
    due = due_date_for(version=version, start=first, end=last)
    upper = _parse_day(upper_due_date, "上级报送期限") if upper_due_date else due
    if Period.objects.filter(form=version.form, region_id=region_code, series=series[:60],
                             start=first).exists():
        raise AppError("period_exists", f"{label}的报送期间已开启")
    period = Period.objects.create(
        form=version.form, version=version, region_id=region_code, label=label, start=first,
        end=last, due_date=due, upper_due_date=upper, series=(series or "")[:60],
        cumulative_from=_parse_day(cumulative_from, "累计起始日期") if cumulative_from else None)
    _reports_create(period, region_code, version.fill_level)
    return period


def _reports_create(period: Period, root: str, fill_level: str) -> None:
    units: list[tuple[str, str]] = [(root, region_level(root))]
    if region_level(root) == "province":
        for city, _ in region_units(code=root):
            units.append((city, "city"))
            if fill_level == "county":
                units += [(county, "county") for county, _ in region_units(code=city)]
    elif fill_level == "county":
        units += [(county, "county") for county, _ in region_units(code=root)]
    Report.objects.bulk_create(Report(period=period, region_id=code, level=level)
                               for code, level in units)


# --- values -------------------------------------------------------------------------------------

def _event(report: Report, kind: str, by: UserLike, reason: str = "", **data: Any) -> None:
    actor = actor_of(by)
    ReportEvent.objects.create(report=report, kind=kind, actor=account_of(by),
                               actor_name=actor.username[:100], reason=reason, data=data)


def _locked_report(by: UserLike, report_id: int, action: str) -> Report:
    report = Report.objects.restrict(by, action).select_related(
        "period__version", "period__form").filter(pk=report_id).first()
    if report is None:
        raise NotFound("report_not_found", "报表不存在或无权查看")
    require(by, action, report)
    return Report.objects.select_for_update().select_related(
        "period__version", "period__form").get(pk=report.pk)


def _check_filler(by: UserLike, report: Report) -> None:
    actor = actor_of(by)
    if actor.role != "system" and actor.region_code != report.region_id:
        raise Forbidden("not_own_report", "只有本级专项办可以填报、报送本单位报表", status=403)


def _check_approver(by: UserLike, report: Report) -> None:
    actor = actor_of(by)
    if actor.role == "system":
        return
    if report.level not in UPPER or actor.region_code != _parent(report.region_id):
        raise Forbidden("not_upper_level", "只有上一级专项办可以审核、退回本报表或解锁数值",
                        status=403)


def _parent(code: str) -> str:
    level = region_level(code)
    return code[:4] + "00" if level == "county" else code[:2] + "0000"


def compute_values(*, version: FormVersion, region: str, start: date, end: date
                   ) -> dict[tuple[str, str], tuple[Decimal | None, str]]:
    """{(measure, item): (value, source)} for a place and period, each computed measure from
    its indicators (one figures call per app and department); manual ones are None."""
    cache: dict[tuple[str, str], dict | None] = {}
    out: dict[tuple[str, str], tuple[Decimal | None, str]] = {}
    for item in version.items:
        filters = FigureFilter(region=region, department=item, start=start, end=end)
        for measure in version.measures:
            if measure.get("manual"):
                out[(measure["code"], item)] = (None, "manual")
                continue
            formula = formulas.parse(measure["formula"])
            values: dict[str, Decimal | int | None] = {}
            for ref in formula.refs:
                app, _, figure = ref.partition(".")
                if (app, item) not in cache:
                    cache[(app, item)] = sources.totals(app=app, filters=filters)
                totals = cache[(app, item)]
                values[ref] = None if totals is None else totals.get(figure)
            result = formula.evaluate(values)
            out[(measure["code"], item)] = (result, "computed" if result is not None
                                            else "missing")
    return out


def _aggregate(report: Report) -> dict[tuple[str, str], tuple[Decimal | None, str]]:
    """A collecting office's values: the sum of its approved units' values."""
    children = Report.objects.filter(period=report.period, status="approved",
                                     region__parent_code=report.region_id)
    report.included = sorted(children.values_list("region_id", flat=True))
    out: dict[tuple[str, str], tuple[Decimal | None, str]] = {}
    version = report.period.version
    for measure in version.measures:
        for item in version.items:
            out[(measure["code"], item)] = (None, "manual" if measure.get("manual")
                                            else "missing")
    for v in Value.objects.filter(report__in=children).values("measure", "item", "value"):
        key = (v["measure"], v["item"])
        if key in out and v["value"] is not None:
            current = out[key][0] or Decimal(0)
            out[key] = (current + v["value"], "aggregated")
    return out


def _fresh(report: Report) -> dict[tuple[str, str], tuple[Decimal | None, str]]:
    if report.level == report.period.version.fill_level:
        return compute_values(version=report.period.version, region=report.region_id,
                              start=report.period.start, end=report.period.end)
    return _aggregate(report)


@transaction.atomic
def report_compute(*, by: UserLike, report_id: int) -> Report:
    """Compute the values from the records. A draft or returned report takes them (hand-filled
    values are kept); a submitted or approved one keeps what was submitted and shows the new
    value beside it."""
    report = _locked_report(by, report_id, "reporting.fill")
    _check_filler(by, report)
    fresh = _fresh(report)
    existing = {(v.measure, v.item): v for v in report.values.all()}
    now = timezone.now()
    changed = 0
    for key, (value, source) in fresh.items():
        row = existing.get(key)
        if row is None:
            Value.objects.create(report=report, measure=key[0], item=key[1], value=value,
                                 source=source, locked=report.locked)
            continue
        if row.source == "manual" and source == "manual":
            continue
        if report.locked and row.locked:
            if row.recomputed != value:
                row.recomputed, row.recomputed_at = value, now
                row.save(update_fields=["recomputed", "recomputed_at", "updated_at"])
                changed += 1
        elif row.value != value or row.source != source:
            row.value, row.source, row.recomputed = value, source, None
            if report.locked:  # an unlocked value corrected by recomputation locks again
                row.locked, row.unlock_reason = True, row.unlock_reason
            row.save(update_fields=["value", "source", "recomputed", "locked", "updated_at"])
            changed += 1
    report.computed_at = now
    report.save(update_fields=["computed_at", "included", "updated_at"])
    _event(report, "recompute" if report.locked else "compute", by, changed=changed)
    return report


def _number(text: Any, label: str) -> Decimal:
    raw = str(text if text is not None else "").strip().replace(",", "")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise AppError("value_invalid", f"“{label}”应填写数字", fields={"value": ["应为数字"]}) \
            from None
    if not value.is_finite() or value < 0:
        raise AppError("value_invalid", f"“{label}”应为不小于0的数字",
                       fields={"value": ["应为不小于0的数字"]})
    if value >= Decimal(10) ** 15:
        raise AppError("value_invalid", f"“{label}”数值过大")
    return value


def measure_label(version: FormVersion, code: str) -> str:
    for measure in version.measures:
        if measure["code"] == code:
            return measure["label"]
    return code


@transaction.atomic
def value_enter(*, by: UserLike, report_id: int, measure: str, item: str = "",
                value: Any) -> Value:
    """A hand-filled value (宣传报道), or the correction of one unlocked value."""
    report = _locked_report(by, report_id, "reporting.fill")
    _check_filler(by, report)
    row = report.values.select_for_update().filter(measure=measure, item=item or "").first()
    if row is None:
        raise NotFound("value_not_found", "该报表没有这个指标")
    label = measure_label(report.period.version, measure)
    if report.locked and row.locked:
        raise AppError("value_locked", f"“{label}”已报送锁定；如需更正，请上级专项办先解锁该数值")
    if row.source != "manual" and not (report.locked and not row.locked):
        raise AppError("value_computed", f"“{label}”由业务记录计算，不能手工填写")
    number = _number(value, label)
    old = row.value
    row.value = number
    if report.locked:
        row.locked = True
    row.save(update_fields=["value", "locked", "updated_at"])
    _event(report, "relock" if report.locked else "enter", by, measure=measure, item=item,
           before=str(old) if old is not None else None, after=str(number))
    return row


@transaction.atomic
def report_submit(*, by: UserLike, report_id: int) -> Report:
    report = _locked_report(by, report_id, "reporting.fill")
    _check_filler(by, report)
    if report.status == "approved":
        raise AppError("already_approved",
                       "该报表已审核通过并锁定，不能再次报送；如需更正，请上级专项办解锁单个数值")
    if report.status == "submitted":
        raise AppError("already_submitted", "该报表已报送，正在等待上级审核")
    if report.computed_at is None:
        raise AppError("not_computed", "请先计算本期数值再报送")
    version = report.period.version
    empty = [measure_label(version, v.measure) for v in report.values.all()
             if v.source == "manual" and v.value is None]
    if empty:
        raise AppError("manual_missing", f"以下手工填报项尚未填写：{'、'.join(sorted(set(empty)))}")
    now = timezone.now()
    report.status, report.submitted_at, report.submitted_by = "submitted", now, account_of(by)
    report.on_time = timezone.localtime(now).date() <= report.due_date
    report.save(update_fields=["status", "submitted_at", "submitted_by", "on_time",
                               "updated_at"])
    report.values.update(locked=True, recomputed=None, recomputed_at=None)
    _event(report, "submit", by, on_time=report.on_time)
    return report


def _reason(reason: str, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise AppError("reason_required", f"{what}必须填写理由", fields={"reason": ["必填"]})
    return reason[:2000]


@transaction.atomic
def report_return(*, by: UserLike, report_id: int, reason: str) -> Report:
    report = _locked_report(by, report_id, "reporting.approve")
    _check_approver(by, report)
    reason = _reason(reason, "退回报表")
    if report.status != "submitted":
        raise AppError("not_submitted", "只有已报送、待审核的报表可以退回")
    report.status, report.returned_reason = "returned", reason
    report.save(update_fields=["status", "returned_reason", "updated_at"])
    report.values.update(locked=False)
    _event(report, "return", by, reason)
    return report


@transaction.atomic
def report_approve(*, by: UserLike, report_id: int) -> Report:
    report = _locked_report(by, report_id, "reporting.approve")
    _check_approver(by, report)
    if report.status != "submitted":
        raise AppError("not_submitted", "只有已报送、待审核的报表可以审核通过")
    report.status, report.approved_at, report.approved_by = ("approved", timezone.now(),
                                                             account_of(by))
    report.save(update_fields=["status", "approved_at", "approved_by", "updated_at"])
    report.values.update(locked=True)
    _event(report, "approve", by)
    return report


@transaction.atomic
def value_unlock(*, by: UserLike, report_id: int, measure: str, item: str = "",
                 reason: str) -> Value:
    """Unlock one value of one approved (or submitted) report for its unit to correct."""
    report = _locked_report(by, report_id, "reporting.approve")
    _check_approver(by, report)
    reason = _reason(reason, "解锁数值")
    if not report.locked:
        raise AppError("not_locked", "该报表尚未报送，数值未锁定")
    row = report.values.select_for_update().filter(measure=measure, item=item or "").first()
    if row is None:
        raise NotFound("value_not_found", "该报表没有这个指标")
    if not row.locked:
        raise AppError("already_unlocked", "该数值已解锁，等待填报单位更正")
    row.locked, row.unlock_reason = False, reason
    row.save(update_fields=["locked", "unlock_reason", "updated_at"])
    _event(report, "unlock", by, reason, measure=measure, item=item,
           label=measure_label(report.period.version, measure))
    return row


@transaction.atomic
def reminders_send(*, by: UserLike, period_id: int, message: str = "") -> list[Report]:
    """Remind the units below the sender that have not submitted (each report's history
    shows the reminder; the sending is audited)."""
    period = Period.objects.restrict(by, "reporting.approve").filter(pk=period_id).first()
    if period is None:
        raise NotFound("period_not_found", "报送期间不存在")
    actor = require(by, "reporting.approve", period)
    reports = Report.objects.filter(period=period, status__in=("draft", "returned"))
    if actor.role != "system":
        reports = reports.filter(region__parent_code=actor.region_code)
    pending = list(reports)
    if not pending:
        raise AppError("nothing_to_remind", "下级单位均已报送，无需催报")
    text = (message or "").strip()[:500] or \
        f"请于{period.due_date:%Y年%m月%d日}前报送《{period.form.name}》{period.label}。"
    for report in pending:
        _event(report, "remind", by, text)
    return pending


LEVEL_LABELS = LEVELS
