"""One FilterSet per list (tasks, penalties), shared by the page and the API."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet

from certguard.core.filters import REGION_CODE, StrictFilterSet
from certguard.enforcement.reference import MODES, PENALTY_STATUSES, SOURCES, STATUSES


class TaskFilterSet(StrictFilterSet):
    status = django_filters.ChoiceFilter(label="状态", choices=list(STATUSES.items()))
    source = django_filters.ChoiceFilter(label="来源", choices=list(SOURCES.items()))
    mode = django_filters.ChoiceFilter(label="检查方式", choices=list(MODES.items()))
    region = django_filters.CharFilter(label="地区", method="filter_region",
                                       validators=[REGION_CODE])
    q = django_filters.CharFilter(label="被检查单位", field_name="target_name",
                                  lookup_expr="contains", max_length=100)

    def filter_region(self, rows: QuerySet, name: str, value: str) -> QuerySet:
        return rows.filter(region__code__startswith=value)


class PenaltyFilterSet(StrictFilterSet):
    status = django_filters.ChoiceFilter(label="状态", choices=list(PENALTY_STATUSES.items()))
    review = django_filters.ChoiceFilter(label="法制审核", field_name="review_status",
                                         choices=[("pending", "待审核"), ("approved", "通过"),
                                                  ("rejected", "不通过")])
    region = django_filters.CharFilter(label="地区", method="filter_region",
                                       validators=[REGION_CODE])

    def filter_region(self, rows: QuerySet, name: str, value: str) -> QuerySet:
        return rows.filter(region__code__startswith=value)
