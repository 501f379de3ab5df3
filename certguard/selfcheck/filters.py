"""The results list of one roster upload: one filter for the page and the API."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet

from certguard.core.filters import StrictFilterSet
from certguard.selfcheck import outcomes


class ResultFilterSet(StrictFilterSet):
    result = django_filters.ChoiceFilter(
        label="核验结果", choices=[("problems", "有问题的"), *outcomes.LABELS.items()],
        method="filter_result")
    q = django_filters.CharFilter(label="姓名、身份证号或证书编号", method="filter_text",
                                  max_length=100)

    def filter_result(self, rows: QuerySet, name: str, value: str) -> QuerySet:
        if value == "problems":
            return rows.exclude(result__in=("valid", "rejected"))
        return rows.filter(result=value)

    def filter_text(self, rows: QuerySet, name: str, value: str) -> QuerySet:
        text = value.strip()
        return rows.filter(Q(worker_name__contains=text) | Q(worker_id_no=text.upper())
                           | Q(cert_no=text.upper()))
