"""Lists: one pagination for every API list, capped and range-checked, and its documented
page shape. (Apart from ``core.api``: DRF loads it from settings while the schema generator
is being imported.)"""

from __future__ import annotations

from rest_framework import serializers
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response

from certguard.core.errors import AppError

MAX_LIMIT = 500
MAX_OFFSET = 2**31 - 1


def _bounded_int(request, name: str, *, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    text = raw.strip()
    value = int(text) if text.isascii() and text.lstrip("-").isdigit() and len(text) < 20 else None
    if value is None or not low <= value <= high:
        message = f"{name} 应为 {low} 到 {high} 之间的整数"
        raise AppError(f"{name}_invalid", message, fields={name: [message]})
    return value


class Pagination(LimitOffsetPagination):
    """``limit`` (1–500, default 50) and ``offset`` (0–2³¹−1): a value outside is a 400 in the
    error shape, never a server error nor a silently different page."""

    default_limit = 50
    max_limit = MAX_LIMIT

    def get_limit(self, request) -> int:
        return _bounded_int(request, self.limit_query_param, default=self.default_limit,
                            low=1, high=self.max_limit)

    def get_offset(self, request) -> int:
        return _bounded_int(request, self.offset_query_param, default=0, low=0,
                            high=MAX_OFFSET)

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return [
            {"name": self.limit_query_param, "required": False, "in": "query",
             "description": f"每页条数（1–{self.max_limit}，默认 {self.default_limit}）",
             "schema": {"type": "integer", "minimum": 1, "maximum": self.max_limit}},
            {"name": self.offset_query_param, "required": False, "in": "query",
             "description": "从第几条开始（0 起）",
             "schema": {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET}},
        ]


def paginate(request, rows, serializer: type[serializers.BaseSerializer], *, view=None,
             context: dict | None = None) -> Response:
    """A page of ``rows`` in the paginated shape (``count``, ``next``, ``previous``,
    ``results``); document it with ``paginated(serializer)``."""
    paginator = Pagination()
    page: list | None = paginator.paginate_queryset(rows, request, view=view)
    return paginator.get_paginated_response(
        serializer(page, many=True, context=context or {}).data)


class PageSerializer(serializers.Serializer):
    """Base of every documented page shape (``paginated``): the schema names a GET answering
    with one a list operation (``core.api_schema.AutoSchema``)."""


_PAGINATED: dict[str, type[serializers.Serializer]] = {}


def paginated(serializer: type[serializers.BaseSerializer] | serializers.BaseSerializer, *,
              name: str = "") -> type[serializers.Serializer]:
    """The documented shape of a page of ``serializer`` (for ``extend_schema(responses=)``).
    ``serializer`` is a serializer class, or an instance made with ``many=True`` (e.g. a
    ``PolymorphicProxySerializer`` when a page holds one of several record types), then
    with the page's ``name``."""
    if isinstance(serializer, type):
        name = name or "Paginated" + serializer.__name__.removesuffix("Serializer") + "List"
    elif not name:
        raise ValueError("paginated(): a serializer instance needs a name")
    if name not in _PAGINATED:
        results = serializer(many=True) if isinstance(serializer, type) else serializer
        _PAGINATED[name] = type(name, (PageSerializer,), {
            "count": serializers.IntegerField(help_text="总条数"),
            "next": serializers.URLField(allow_null=True, help_text="下一页地址"),
            "previous": serializers.URLField(allow_null=True, help_text="上一页地址"),
            "results": results,
            "__module__": __name__,
            "__doc__": "分页列表：总条数、上一页与下一页的地址和本页的记录",
        })
    return _PAGINATED[name]


def page_parameters() -> list:
    """``limit`` and ``offset`` as documented query parameters of an APIView's list."""
    from drf_spectacular.utils import OpenApiParameter

    return [OpenApiParameter(p["name"], p["schema"], required=False,
                             description=p["description"])
            for p in Pagination().get_schema_operation_parameters(None)]
