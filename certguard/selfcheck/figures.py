"""Campaign figures of the self-inspection (issue 5, item 6), per employer and rolled up by
county and sector: self-check rate, certified rate, problems found / rectified / outstanding;
the employers that have not filed, and reminders to them.

One SQL query gives every employer's figures (subqueries on its latest filed upload); the
roll-up adds those rows up, so the page costs the same number of queries for 3 or 3,000
employers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from certguard.core.audit import audit_record
from certguard.core.errors import AppError, Forbidden
from certguard.core.policy import allows
from certguard.core.scoping import UserLike, actor_of
from certguard.orgs.models import Organisation
from certguard.orgs.reference import SECTORS
from certguard.selfcheck import outcomes as o
from certguard.selfcheck.models import Reminder, RosterUpload, WorkerResult
from certguard.selfcheck.selectors import reminders_for

DEFAULT_MESSAGE = "请于规定时间内完成“三项岗位人员”证书自查并在平台报送自查结果。"


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @classmethod
    def this_year(cls, today: date) -> Period:
        return cls(date(today.year, 1, 1), today)


def _day(text: str, name: str) -> date | None:
    try:
        return date.fromisoformat(text.strip()) if text and text.strip() else None
    except ValueError:
        raise AppError("date_invalid", "日期格式应为 YYYY-MM-DD",
                       fields={name: ["日期格式应为 YYYY-MM-DD"]}) from None


def period_parse(*, start: str = "", end: str = "", today: date | None = None) -> Period:
    """The period asked for as YYYY-MM-DD texts; a missing end is today, a missing start the
    first day of the end's year (this year when both are missing)."""
    end_day = _day(end, "end") or today or timezone.localdate()
    start_day = _day(start, "start") or date(end_day.year, 1, 1)
    if start_day > end_day:
        raise AppError("period_invalid", "开始日期不能晚于结束日期",
                       fields={"start": ["开始日期晚于结束日期"]})
    return Period(start_day, end_day)


def filters_clean(*, region: str = "", sector: str = "") -> dict[str, str]:
    """The drill-down filters: a region code prefix (2–6 digits) and a sector code."""
    region, sector = (region or "").strip(), (sector or "").strip()
    if region and not (region.isascii() and region.isdigit() and 2 <= len(region) <= 6):
        raise AppError("region_invalid", "地区应为2至6位行政区划代码",
                       fields={"region": ["地区应为2至6位行政区划代码"]})
    if sector and sector not in SECTORS:
        raise AppError("sector_unknown", f"未知的行业：{sector[:40]}",
                       fields={"sector": ["未知的行业"]})
    return {"region": region, "sector": sector}


@dataclass
class Figures:
    """Figures of one employer, or of a group of them (``employers`` > 1)."""

    employers: int = 0
    filed: int = 0
    checked: int = 0
    valid: int = 0
    found: int = 0
    rectified: int = 0

    @property
    def outstanding(self) -> int:
        return self.found - self.rectified

    @property
    def selfcheck_rate(self) -> float | None:
        return self.filed / self.employers if self.employers else None

    @property
    def certified_rate(self) -> float | None:
        return self.valid / self.checked if self.checked else None

    @property
    def selfcheck_pct(self) -> str:
        return _pct(self.selfcheck_rate)

    @property
    def certified_pct(self) -> str:
        return _pct(self.certified_rate)

    def add(self, other: Figures) -> None:
        for name in ("employers", "filed", "checked", "valid", "found", "rectified"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict[str, object]:
        return {"employers": self.employers, "filed": self.filed, "checked": self.checked,
                "valid": self.valid, "found": self.found, "rectified": self.rectified,
                "outstanding": self.outstanding, "selfcheck_rate": self.selfcheck_rate,
                "certified_rate": self.certified_rate, "selfcheck_pct": self.selfcheck_pct,
                "certified_pct": self.certified_pct}


def _pct(rate: float | None) -> str:
    return "—" if rate is None else f"{rate:.1%}"


@dataclass
class EmployerRow:
    pk: int
    name: str
    region_code: str
    region_name: str
    sector: str
    upload_id: int | None
    returned: bool
    last_reminded: object
    last_reminder_read: object
    figures: Figures

    @property
    def sector_label(self) -> str:
        return SECTORS.get(self.sector, self.sector or "未注明")


def can_see_figures(*, user: UserLike) -> bool:
    return allows(user, "selfcheck.figures")


def employers_in_scope(*, user: UserLike) -> QuerySet[Organisation]:
    return Organisation.objects.restrict(user, "selfcheck.figures").filter(kind="enterprise")


def _filed_uploads(period: Period) -> QuerySet[RosterUpload]:
    """Uploads that count as a filed self-check: verified, not sent back, and with at least
    one worker actually verified (a roster of unreadable rows checks nobody)."""
    checked = WorkerResult.objects.filter(upload=OuterRef("pk")).exclude(result=o.REJECTED)
    return RosterUpload.objects.filter(
        Exists(checked), employer=OuterRef("pk"), status=RosterUpload.Status.VERIFIED,
        returned_at__isnull=True, verified_at__date__gte=period.start,
        verified_at__date__lte=period.end)


def _count(condition: Q) -> Coalesce:
    rows = (WorkerResult.objects.filter(condition, upload_id=OuterRef("filed_upload"))
            .order_by().values("upload_id").annotate(n=Count("pk")).values("n")[:1])
    return Coalesce(Subquery(rows), 0)


def _annotated(employers: QuerySet[Organisation], period: Period) -> QuerySet[Organisation]:
    problem = Q(result__in=o.PROBLEMS)
    latest = _filed_uploads(period).order_by("-verified_at", "-id").values("pk")[:1]
    returned = RosterUpload.objects.filter(employer=OuterRef("pk"), returned_at__isnull=False)
    reminded = Reminder.objects.filter(employer=OuterRef("pk")).order_by("-created_at", "-id")
    return employers.annotate(
        filed_upload=Subquery(latest), has_returned=Exists(returned),
        last_reminded=Subquery(reminded.values("created_at")[:1]),
        last_reminder_read=Subquery(reminded.values("read_at")[:1]),
    ).annotate(
        checked=_count(~Q(result=o.REJECTED)), valid=_count(Q(result=o.VALID)),
        found=_count(problem), rectified=_count(problem & Q(rectified_on__isnull=False)))


def employer_rows(*, user: UserLike, period: Period, region: str = "",
                  sector: str = "") -> list[EmployerRow]:
    """Every employer in the user's scope with its figures: one query."""
    employers = employers_in_scope(user=user)
    if region:
        employers = employers.filter(region__code__startswith=region)
    if sector:
        employers = employers.filter(sector=sector)
    rows = _annotated(employers, period).values(
        "pk", "name", "region_id", "region__name", "sector", "filed_upload", "has_returned",
        "last_reminded", "last_reminder_read", "checked", "valid", "found", "rectified",
    ).order_by("region_id", "name")
    return [_row(r) for r in rows]


def _instants(period: Period) -> tuple[datetime, datetime]:
    """The period's first and last instants in the current time zone (what ``__date`` compares
    with), as a range the index on ``verified_at`` can serve."""
    tz = timezone.get_current_timezone()
    return datetime.combine(period.start, time.min, tz), datetime.combine(period.end, time.max, tz)


def totals(*, user: UserLike, period: Period, region: str = "",
           sectors: Iterable[str] | None = None) -> Figures:
    """The figures of every employer in scope added up — the same numbers as adding up
    ``employer_rows`` — set-based in named steps, without a row per employer:

    1. ``employers``: the employers in scope (region prefix, sectors);
    2. ``filed``: their uploads that count as a filed self-check in the period;
    3. ``latest``: each employer's latest filed upload (no later one of the same employer);
    4. the results of those uploads counted by outcome in one pass.
    """
    employers = employers_in_scope(user=user)
    if region:
        employers = employers.filter(region__code__startswith=region)
    if sectors is not None:
        employers = employers.filter(sector__in=list(sectors))
    start, end = _instants(period)
    checked = WorkerResult.objects.filter(upload=OuterRef("pk")).exclude(result=o.REJECTED)
    in_scope = employers.filter(pk=OuterRef("employer"))  # a filter, never the loop's driver
    filed = RosterUpload.objects.filter(
        Exists(checked), Exists(in_scope),
        status=RosterUpload.Status.VERIFIED, returned_at__isnull=True,
        verified_at__gte=start, verified_at__lte=end)
    later = filed.filter(employer=OuterRef("employer")).filter(
        Q(verified_at__gt=OuterRef("verified_at"))
        | Q(verified_at=OuterRef("verified_at"), pk__gt=OuterRef("pk")))
    latest = filed.filter(~Exists(later))
    # Counted from the uploads, joined to their results, and over the result column (never
    # null): the index on (upload, result, rectified_on) answers alone.
    result = "results__result"
    problem = Q(results__result__in=o.PROBLEMS)
    counts = latest.aggregate(
        checked=Count(result, filter=~Q(results__result=o.REJECTED)),
        valid=Count(result, filter=Q(results__result=o.VALID)),
        found=Count(result, filter=problem),
        rectified=Count(result, filter=problem & Q(results__rectified_on__isnull=False)))
    return Figures(employers=employers.count(), filed=latest.count(),
                   **{name: int(value or 0) for name, value in counts.items()})


def not_filed(rows: Iterable[EmployerRow]) -> list[EmployerRow]:
    """The employers without a filed (verified, not sent back) self-check in the period."""
    return [r for r in rows if not r.figures.filed]


def _row(r: dict) -> EmployerRow:
    filed = r["filed_upload"] is not None
    figures = Figures(employers=1, filed=int(filed), checked=r["checked"], valid=r["valid"],
                      found=r["found"], rectified=r["rectified"])
    return EmployerRow(pk=r["pk"], name=r["name"], region_code=r["region_id"],
                       region_name=r["region__name"], sector=r["sector"],
                       upload_id=r["filed_upload"], returned=bool(r["has_returned"]) and not filed,
                       last_reminded=r["last_reminded"],
                       last_reminder_read=r["last_reminder_read"], figures=figures)


@dataclass
class Rollup:
    overall: Figures
    by_region: list[tuple[str, str, Figures]]
    by_sector: list[tuple[str, str, Figures]]
    by_region_sector: list[tuple[str, str, str, str, Figures]]


def rollup(rows: Iterable[EmployerRow]) -> Rollup:
    overall, regions, sectors, cells = Figures(), {}, {}, {}
    names: dict[str, str] = {}
    for row in rows:
        names[row.region_code] = row.region_name
        overall.add(row.figures)
        for table, key in ((regions, row.region_code), (sectors, row.sector),
                           (cells, (row.region_code, row.sector))):
            table.setdefault(key, Figures()).add(row.figures)
    return Rollup(
        overall=overall,
        by_region=[(k, names[k], f) for k, f in sorted(regions.items())],
        by_sector=[(k, SECTORS.get(k, k or "未注明"), f) for k, f in sorted(sectors.items())],
        by_region_sector=[(r, names[r], s, SECTORS.get(s, s or "未注明"), f)
                          for (r, s), f in sorted(cells.items())])


# --- Reminders --------------------------------------------------------------------------------

def can_remind(*, user: UserLike) -> bool:
    return allows(user, "selfcheck.remind")


def _sender_name(user: UserLike) -> str:
    actor = actor_of(user)
    names = Organisation.objects.filter(pk=actor.organisation_id).values_list("name", flat=True)
    return next(iter(names), "")


def _employer_ids(values: Iterable[object]) -> set[int]:
    try:
        return {int(str(i)) for i in values}
    except ValueError:
        raise AppError("employer_invalid", "用人单位编号应为整数",
                       fields={"employers": ["应为整数"]}) from None


@transaction.atomic
def reminder_send(*, by: UserLike, employer_ids: Iterable[object], message: str = "",
                  sender_name: str = "") -> list[Reminder]:
    """Remind employers (in the sender's scope) to file; each sees the message on its
    self-check page. One reminder per employer; the sending is logged. The sender's name
    defaults to the name of the organisation the user acts for."""
    if not can_remind(user=by):
        raise Forbidden("remind_forbidden", "无权发送自查提醒", status=403)
    wanted = _employer_ids(employer_ids)
    employers = list(employers_in_scope(user=by).filter(pk__in=wanted).values_list("pk",
                                                                                     flat=True))
    if not wanted or len(employers) != len(wanted):
        raise AppError("employer_invalid", "请选择本辖区、本职责范围内的用人单位",
                       fields={"employers": ["请选择本辖区、本职责范围内的用人单位"]})
    message = (message or "").strip()[:500] or DEFAULT_MESSAGE
    sender_name = (sender_name or "").strip() or _sender_name(by)
    user = by if getattr(by, "pk", None) else None
    reminders = Reminder.objects.bulk_create(
        Reminder(employer_id=pk, message=message, sent_by=user, sender_name=sender_name[:200])
        for pk in sorted(employers))
    audit_record(action="create", object_type="selfcheck.reminder",
                 object_id=f"{len(reminders)} 家", summary=f"发送自查提醒 {len(reminders)} 家",
                 data={"employers": sorted(employers), "message": message}, user=by)
    return reminders


def reminders_of(*, user: UserLike, unread: bool = False) -> QuerySet[Reminder]:
    """The reminders the user may see (an employer its own; regulators those to employers in
    their region and remit), newest first."""
    rows = reminders_for(user=user)
    return rows.filter(read_at__isnull=True) if unread else rows


def can_mark_read(*, user: UserLike, reminder: Reminder) -> bool:
    return allows(user, "selfcheck.reminder_read", reminder)


@transaction.atomic
def reminder_mark_read(*, by: UserLike, reminder: Reminder) -> Reminder:
    """The employer that received the reminder marks it read (once: marking it again keeps
    the first time); the sender then sees that it was read."""
    if not can_mark_read(user=by, reminder=reminder):
        raise Forbidden("not_recipient", "只有收到提醒的单位可以标记为已读", status=403)
    reminder = Reminder.objects.select_for_update().get(pk=reminder.pk)
    if reminder.read_at is None:
        reminder.read_at = timezone.now()
        reminder.read_by = by if getattr(by, "pk", None) else None
        reminder.save(update_fields=["read_at", "read_by", "updated_at"])
    return reminder
