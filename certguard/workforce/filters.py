"""The ledger list's one filter (page and API)."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet

from certguard.core.filters import MAX_ID, StrictFilterSet

STATUSES = [("active", "在岗"), ("ended", "已离岗"), ("all", "全部")]


class LedgerFilterSet(StrictFilterSet):
    q = django_filters.CharFilter(label="姓名、身份证号、证书编号或岗位", method="filter_text",
                                  max_length=100)
    status = django_filters.ChoiceFilter(label="状态", choices=STATUSES, method="filter_status")
    employer = django_filters.NumberFilter(label="用人单位编号", field_name="employer_id",
                                           min_value=1, max_value=MAX_ID)

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        if not self.form.cleaned_data.get("status"):  # by default the workers on post
            queryset = queryset.filter(active=True)
        return super().filter_queryset(queryset)

    def filter_status(self, entries: QuerySet, name: str, value: str) -> QuerySet:
        return entries if value == "all" else entries.filter(active=value == "active")

    def filter_text(self, entries: QuerySet, name: str, value: str) -> QuerySet:
        text = value.strip()
        return entries.filter(Q(worker_name__contains=text) | Q(worker_id_no=text.upper())
                              | Q(cert_no=text.upper()) | Q(post__contains=text))
