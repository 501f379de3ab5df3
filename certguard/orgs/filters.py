"""The organisation list's one filter (page and API)."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet

from certguard.core.filters import REGION_CODE, StrictFilterSet
from certguard.orgs.reference import ORG_KINDS, SECTORS


class OrganisationFilterSet(StrictFilterSet):
    kind = django_filters.ChoiceFilter(label="单位类型", choices=list(ORG_KINDS.items()))
    sector = django_filters.ChoiceFilter(label="行业", choices=list(SECTORS.items()))
    region = django_filters.CharFilter(label="地区", method="filter_region",
                                       validators=[REGION_CODE])
    q = django_filters.CharFilter(label="名称或信用代码", method="filter_text", max_length=100)

    def filter_region(self, orgs: QuerySet, name: str, value: str) -> QuerySet:
        return orgs.filter(region__code__startswith=value)

    def filter_text(self, orgs: QuerySet, name: str, value: str) -> QuerySet:
        text = value.strip()
        return orgs.filter(Q(name__contains=text) | Q(credit_code=text.upper()))
