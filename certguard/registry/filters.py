"""The issuing authority's certificate list: one filter for the page (and any export)."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet

from certguard.core.filters import StrictFilterSet
from certguard.registry.lifecycle import STATUS_LABELS
from certguard.registry.names import normalise_cert_no, normalise_name
from certguard.registry.selectors import status_condition
from certguard.registry.services import today


class CertificateFilterSet(StrictFilterSet):
    family = django_filters.CharFilter(label="证书类别", field_name="family_id", max_length=30)
    item = django_filters.CharFilter(label="操作项目代码", field_name="item_code", max_length=10)
    status = django_filters.ChoiceFilter(label="今日状态", choices=list(STATUS_LABELS.items()),
                                         method="filter_status")
    q = django_filters.CharFilter(label="证书编号、身份证号或姓名", method="filter_text",
                                  max_length=100)

    def filter_status(self, rows: QuerySet, name: str, value: str) -> QuerySet:
        return rows.filter(status_condition(value, today()))

    def filter_text(self, rows: QuerySet, name: str, value: str) -> QuerySet:
        number = normalise_cert_no(value)
        return rows.filter(Q(cert_no=number) | Q(holder__id_no=number)
                           | Q(holder__name__contains=normalise_name(value)))
