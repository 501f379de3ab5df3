"""The audit log page's one filter."""

from __future__ import annotations

import django_filters

from certguard.core.filters import StrictFilterSet
from certguard.core.models import AuditEntry


class AuditFilterSet(StrictFilterSet):
    actor = django_filters.CharFilter(label="操作人", max_length=150)
    action = django_filters.ChoiceFilter(label="动作", choices=AuditEntry.Action.choices)
    object_type = django_filters.CharFilter(label="对象类型", max_length=100)
