"""One filter for the clue list, shared by the inbox, the API and the exports."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet

from certguard.clues.reference import RULE_NAMES, SEVERITIES, SOURCE_CHOICES, STATUS_CHOICES
from certguard.core.filters import MAX_ID, REGION_CODE, StrictFilterSet

OPEN = ("new", "assigned")


class ClueFilterSet(StrictFilterSet):
    rule = django_filters.ChoiceFilter(label="规则", choices=sorted(RULE_NAMES.items()))
    severity = django_filters.ChoiceFilter(label="严重程度", choices=list(SEVERITIES.items()))
    status = django_filters.ChoiceFilter(
        label="状态", choices=[("open", "未处理完（待处理、已分派）"), *STATUS_CHOICES],
        method="filter_status")
    region = django_filters.CharFilter(label="地区", method="filter_region",
                                       validators=[REGION_CODE])
    employer = django_filters.CharFilter(label="用人单位代码", field_name="employer_code",
                                         max_length=40)
    q = django_filters.CharFilter(label="关键词", method="filter_text", max_length=100)
    source_kind = django_filters.ChoiceFilter(label="来源", choices=SOURCE_CHOICES)
    source_id = django_filters.NumberFilter(label="来源批次", min_value=1,
                                            max_value=MAX_ID)
    mine = django_filters.BooleanFilter(label="只看分派给我的", method="filter_mine")

    def filter_status(self, clues: QuerySet, name: str, value: str) -> QuerySet:
        return clues.filter(status__in=OPEN) if value == "open" else clues.filter(status=value)

    def filter_region(self, clues: QuerySet, name: str, value: str) -> QuerySet:
        return clues.filter(region__code__startswith=value)

    def filter_text(self, clues: QuerySet, name: str, value: str) -> QuerySet:
        """A certificate or ID number, a name, or text of the detail."""
        text = value.strip()
        return clues.filter(Q(cert_no=text) | Q(id_no=text) | Q(name=text)
                            | Q(detail__contains=text))

    def filter_mine(self, clues: QuerySet, name: str, value: bool) -> QuerySet:
        user = getattr(self.request, "user", None)
        return clues.filter(assignee_id=getattr(user, "pk", None)) if value else clues
