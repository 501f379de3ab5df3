from __future__ import annotations

from django.db.models import Count, QuerySet

from certguard.core.audit import audit_read
from certguard.core.scoping import UserLike, actor_of
from certguard.orgs.models import LoginEvent, Membership, Organisation


def organisations_for(*, user: UserLike, kind: str = "", sector: str = "", region: str = "",
                      q: str = "", action: str = "organisations.view") -> QuerySet[Organisation]:
    orgs = Organisation.objects.restrict(user, action).select_related("region")
    if kind:
        orgs = orgs.filter(kind=kind)
    if sector:
        orgs = orgs.filter(sector=sector)
    if region:
        orgs = orgs.filter(region__code__startswith=region)
    if q:
        orgs = orgs.filter(name__contains=q.strip()) | orgs.filter(credit_code=q.strip().upper())
    return orgs


def own_organisation(*, user: UserLike) -> Organisation | None:
    """The organisation the user acts for, if they may see it."""
    pk = actor_of(user).organisation_id
    if pk is None:
        return None
    return organisations_for(user=user, action="organisations.view_own").filter(pk=pk).first()


def own_credit_code(*, organisation_id: int) -> str:
    """The credit code of an organisation (for checks of "is this record our own")."""
    return Organisation.objects.filter(pk=organisation_id).values_list(
        "credit_code", flat=True).first() or ""


def enterprise_counts_by_sector(*, user: UserLike) -> list[dict]:
    return list(Organisation.objects.restrict(user, "organisations.view")
                .filter(kind="enterprise")
                .values("sector").annotate(n=Count("pk")).order_by("sector"))


def members_for(*, user: UserLike, organisation_id: int | None = None) -> list[Membership]:
    """Staff of an organisation: names and phones are personal data, so the read is logged."""
    members = Membership.objects.restrict(user, "members.view").select_related(
        "user", "organisation")
    if organisation_id is not None:
        members = members.filter(organisation_id=organisation_id)
    rows = list(members.order_by("organisation_id", "role", "user__username"))
    if rows:
        audit_read(object_type="orgs.user", object_ids=[m.user_id for m in rows],
                   fields=["display_name", "phone"], summary="查看单位人员名单", user=user)
    return rows


def login_history(*, user: UserLike, limit: int = 50) -> QuerySet[LoginEvent]:
    return LoginEvent.objects.filter(user_id=actor_of(user).user_id or 0).order_by("-at")[:limit]


# --- routing of public reports (tips) -------------------------------------------------------

def department_over(*, department: str, region_code: str) -> Organisation | None:
    """The department of this type responsible for a place: the county's own, else the
    city's, else the province's (routing of a public report, which has no actor)."""
    from certguard.orgs.reference import region_level

    level = region_level(region_code)
    places = [region_code]
    if level == "county":
        places += [region_code[:4] + "00", region_code[:2] + "0000"]
    elif level == "city":
        places.append(region_code[:2] + "0000")
    for place in places:
        found = Organisation.objects.filter(kind="department", department=department,
                                            region_id=place).order_by("pk").first()
        if found is not None:
            return found
    return None


def region_known(*, code: str) -> bool:
    from certguard.orgs.models import Region

    return Region.objects.filter(pk=code).exists()


# --- reporting and campaigns (the units of a collecting office) -----------------------------

def region_units(*, code: str) -> list[tuple[str, str]]:
    """(code, name) of the regions in use directly under ``code`` (a province's cities, a
    city's counties and districts), without the historical codes and the "市辖区" heading."""
    from certguard.orgs.models import Region

    rows = Region.objects.filter(parent_code=code, end_year__isnull=True).exclude(
        name="市辖区").order_by("code").values_list("code", "name")
    return list(rows)


def region_names(*, codes: list[str] | set[str]) -> dict[str, str]:
    from certguard.orgs.models import Region

    return dict(Region.objects.filter(pk__in=list(codes)).values_list("code", "name"))
