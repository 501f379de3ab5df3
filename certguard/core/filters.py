"""One FilterSet per list (django-filter), shared by the page, the API and the export.

A value that does not fit is an error with a Chinese message — a page shows it above an empty
list, the API answers 400 in the error shape — never a silently unfiltered list.
"""

from __future__ import annotations

from collections.abc import Mapping

import django_filters
from django.core.validators import RegexValidator
from django.db.models import QuerySet

from certguard.core.errors import AppError

REGION_CODE = RegexValidator(r"^\d{2}(\d{2}){0,2}$", "地区代码应为2、4或6位数字（省、市、县）")
# Database keys are 64-bit: a larger number is an error, not a server crash.
MAX_ID = 2**63 - 1


class StrictFilterSet(django_filters.FilterSet):
    """A FilterSet whose invalid values are refused (see ``apply_filters``)."""


def filter_errors(filterset: django_filters.FilterSet) -> dict[str, list[str]]:
    return {name: [str(m) for m in messages] for name, messages in filterset.errors.items()}


def apply_filters(filterset_class: type[StrictFilterSet], *, data: Mapping, queryset: QuerySet,
                  request=None) -> QuerySet:
    """The filtered queryset, or AppError("filter_invalid") naming each bad value."""
    filterset = filterset_class(data=data, queryset=queryset, request=request)
    if not filterset.is_valid():
        errors = filter_errors(filterset)
        labels = {name: str(filterset.filters[name].label or name) for name in errors}
        detail = "；".join(f"{labels[name]}：{'、'.join(problems)}"
                          for name, problems in errors.items())
        raise AppError("filter_invalid", f"筛选条件有误（{detail}）", fields=errors)
    return filterset.qs


def page_filters(filterset_class: type[StrictFilterSet], *, request,
                 queryset: QuerySet) -> tuple[QuerySet, str]:
    """For a page: (rows, error message). A bad value gives no rows and the message, so the
    user sees why rather than an unfiltered list they may take for the filtered one."""
    try:
        return apply_filters(filterset_class, data=request.GET, queryset=queryset,
                             request=request), ""
    except AppError as exc:
        return queryset.none(), exc.message


def filter_parameters(filterset_class: type[StrictFilterSet]) -> list:
    """The FilterSet's fields as OpenAPI query parameters (for ``extend_schema``)."""
    from drf_spectacular.types import OpenApiTypes
    from drf_spectacular.utils import OpenApiParameter

    parameters = []
    for name, flt in filterset_class.base_filters.items():
        choices = [str(k) for k, _ in (flt.extra.get("choices") or [])]
        kind = {django_filters.NumberFilter: OpenApiTypes.INT,
                django_filters.BooleanFilter: OpenApiTypes.BOOL}.get(type(flt), OpenApiTypes.STR)
        parameters.append(OpenApiParameter(name, kind, required=False,
                                           description=str(flt.label or name),
                                           enum=choices or None))
    return parameters
