"""One filter per list of the cases app, shared by the pages and the API."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet

from certguard.cases.reference import BULLETIN_KINDS, CASE_STATUSES, LISTING_STATUSES
from certguard.core.filters import REGION_CODE, StrictFilterSet


class CaseFilterSet(StrictFilterSet):
    status = django_filters.ChoiceFilter(label="状态", choices=list(CASE_STATUSES.items()))
    kind = django_filters.ChoiceFilter(label="案件类别", choices=list(BULLETIN_KINDS.items()))
    region = django_filters.CharFilter(label="地区", method="filter_region",
                                       validators=[REGION_CODE])
    marked = django_filters.BooleanFilter(label="有涉嫌犯罪标记", method="filter_marked")
    q = django_filters.CharFilter(label="案号或案由", method="filter_text", max_length=100)

    def filter_region(self, cases: QuerySet, name: str, value: str) -> QuerySet:
        return cases.filter(region__code__startswith=value)

    def filter_marked(self, cases: QuerySet, name: str, value: bool) -> QuerySet:
        return cases.exclude(markers=[]) if value else cases.filter(markers=[])

    def filter_text(self, cases: QuerySet, name: str, value: str) -> QuerySet:
        text = value.strip()
        return cases.filter(Q(number=text) | Q(title__contains=text))


class ListingFilterSet(StrictFilterSet):
    status = django_filters.ChoiceFilter(label="状态", choices=list(LISTING_STATUSES.items()))
