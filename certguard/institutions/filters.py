"""One filter for the findings list, shared by the page and the API."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet

from certguard.core.filters import MAX_ID, StrictFilterSet
from certguard.institutions.reference import FINDING_STATUSES, RULE_LABELS


class FindingFilterSet(StrictFilterSet):
    rule = django_filters.ChoiceFilter(label="规则", choices=sorted(RULE_LABELS.items()))
    status = django_filters.ChoiceFilter(label="状态", choices=list(FINDING_STATUSES.items()))
    present = django_filters.BooleanFilter(label="最近一次检查仍存在")
    organisation = django_filters.NumberFilter(label="机构", field_name="organisation_id",
                                               min_value=1, max_value=MAX_ID)
    referred = django_filters.BooleanFilter(label="已转为线索", method="filter_referred")

    def filter_referred(self, rows: QuerySet, name: str, value: bool) -> QuerySet:
        return rows.filter(clue_id__isnull=not value)
