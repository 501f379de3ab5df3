"""Campaign figures of the self-inspection (issue 5, item 6), per employer and rolled up by
county and sector: self-check rate, certified rate, problems found / rectified / outstanding;
the employers that have not filed, and reminders to them.

One SQL query gives every employer's figures (subqueries on its latest filed upload); the
roll-up adds those rows up, so the page costs the same number of queries for 3 or 3,000
employers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from certguard.core.audit import audit_record
from certguard.core.errors import AppError, Forbidden
from certguard.core.scoping import actor_of
from certguard.orgs.models import Organisation
from certguard.orgs.reference import SECTORS
from certguard.selfcheck import outcomes as o
from certguard.selfcheck.models import Reminder, RosterUpload, WorkerResult

REMIND_ROLES = frozenset({"inspector", "analyst", "campaign_office"})
DEFAULT_MESSAGE = "请于规定时间内完成“三项岗位人员”证书自查并在平台报送自查结果。"


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @classmethod
    def this_year(cls, today: date) -> Period:
        return cls(date(today.year, 1, 1), today)


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
    figures: Figures

    @property
    def sector_label(self) -> str:
        return SECTORS.get(self.sector, self.sector or "未注明")


def employers_in_scope(*, user: object) -> QuerySet[Organisation]:
    return Organisation.objects.restrict(user, "view").filter(kind="enterprise")


def _filed_uploads(period: Period) -> QuerySet[RosterUpload]:
    return RosterUpload.objects.filter(
        employer=OuterRef("pk"), status=RosterUpload.Status.VERIFIED, returned_at__isnull=True,
        verified_at__date__gte=period.start, verified_at__date__lte=period.end)


def _count(condition: Q) -> Coalesce:
    rows = (WorkerResult.objects.filter(condition, upload_id=OuterRef("filed_upload"))
            .order_by().values("upload_id").annotate(n=Count("pk")).values("n")[:1])
    return Coalesce(Subquery(rows), 0)


def _annotated(employers: QuerySet[Organisation], period: Period) -> QuerySet[Organisation]:
    problem = Q(result__in=o.PROBLEMS)
    latest = _filed_uploads(period).order_by("-verified_at", "-id").values("pk")[:1]
    returned = RosterUpload.objects.filter(employer=OuterRef("pk"), returned_at__isnull=False)
    reminded = (Reminder.objects.filter(employer=OuterRef("pk")).order_by()
                .values("employer").annotate(at=Max("created_at")).values("at")[:1])
    return employers.annotate(
        filed_upload=Subquery(latest), has_returned=Exists(returned),
        last_reminded=Subquery(reminded),
    ).annotate(
        checked=_count(~Q(result=o.REJECTED)), valid=_count(Q(result=o.VALID)),
        found=_count(problem), rectified=_count(problem & Q(rectified_on__isnull=False)))


def employer_rows(*, user: object, period: Period, region: str = "",
                  sector: str = "") -> list[EmployerRow]:
    """Every employer in the user's scope with its figures: one query."""
    employers = employers_in_scope(user=user)
    if region:
        employers = employers.filter(region__code__startswith=region)
    if sector:
        employers = employers.filter(sector=sector)
    rows = _annotated(employers, period).values(
        "pk", "name", "region_id", "region__name", "sector", "filed_upload", "has_returned",
        "last_reminded", "checked", "valid", "found", "rectified").order_by("region_id", "name")
    return [_row(r) for r in rows]


def _row(r: dict) -> EmployerRow:
    filed = r["filed_upload"] is not None
    figures = Figures(employers=1, filed=int(filed), checked=r["checked"], valid=r["valid"],
                      found=r["found"], rectified=r["rectified"])
    return EmployerRow(pk=r["pk"], name=r["name"], region_code=r["region_id"],
                       region_name=r["region__name"], sector=r["sector"],
                       upload_id=r["filed_upload"], returned=bool(r["has_returned"]) and not filed,
                       last_reminded=r["last_reminded"], figures=figures)


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

def can_remind(*, user: object) -> bool:
    actor = actor_of(user)
    return actor.is_admin or (actor.is_regulator and actor.role in REMIND_ROLES)


@transaction.atomic
def reminder_send(*, by: object, employer_ids: Iterable[int], message: str = "",
                  sender_name: str = "") -> list[Reminder]:
    """Remind employers (in the sender's scope) to file; each sees the message on its
    self-check page. One reminder per employer; the sending is logged."""
    if not can_remind(user=by):
        raise Forbidden("remind_forbidden", "无权发送自查提醒", status=403)
    wanted = {int(i) for i in employer_ids}
    employers = list(employers_in_scope(user=by).filter(pk__in=wanted).values_list("pk",
                                                                                     flat=True))
    if not wanted or len(employers) != len(wanted):
        raise AppError("employer_invalid", "请选择本辖区、本职责范围内的用人单位")
    message = (message or "").strip()[:500] or DEFAULT_MESSAGE
    user = by if getattr(by, "pk", None) else None
    reminders = Reminder.objects.bulk_create(
        Reminder(employer_id=pk, message=message, sent_by=user, sender_name=sender_name[:200])
        for pk in sorted(employers))
    audit_record(action="create", object_type="selfcheck.reminder",
                 object_id=f"{len(reminders)} 家", summary=f"发送自查提醒 {len(reminders)} 家",
                 data={"employers": sorted(employers), "message": message}, user=by)
    return reminders
