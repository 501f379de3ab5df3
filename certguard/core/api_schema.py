"""The OpenAPI schema: operation names (``AutoSchema``) and post-processing, so that every
operation documents its 4xx answers in the one error shape
(``{"error": {"code", "message", "fields"}}``, see ``core.api``)."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema

from certguard.core.pagination import PageSerializer


class AutoSchema(SpectacularAutoSchema):
    """One naming rule for list operations. The API's views are plain ``APIView``s, so
    drf-spectacular cannot tell a list from a detail and names both ``GET /x`` and
    ``GET /x/{id}`` ``x_retrieve`` (then numbers them). Here a GET documented as answering
    with a page of records (``core.pagination.paginated``) is a list: its operationId ends in
    ``_list`` (``x_list`` beside ``x_retrieve``), as DRF's own list views are named. The page
    stays documented as the object it is (``count``, ``next``, ``previous``, ``results``).
    An explicit ``extend_schema(operation_id=...)`` still wins."""

    def get_operation_id(self) -> str:
        operation_id = super().get_operation_id()
        if self.method != "GET" or not operation_id.endswith("_retrieve"):
            return operation_id
        if not self._answers_with_a_page():
            return operation_id
        stem = operation_id.removesuffix("_retrieve")
        return stem if stem.endswith("_list") else stem + "_list"  # ".../list" paths

    def _answers_with_a_page(self) -> bool:
        shape = self.get_response_serializers()
        if isinstance(shape, dict) and shape:  # {status: serializer}: the main (lowest) one
            shape = shape[min(shape, key=str)]
        return isinstance(shape, PageSerializer) or (
            isinstance(shape, type) and issubclass(shape, PageSerializer))


ERROR_BODY: dict = {
    "type": "object",
    "properties": {
        "code": {"type": "string", "description": "稳定的错误代码，如 invalid、not_found"},
        "message": {"type": "string", "description": "中文说明"},
        "fields": {"type": "object", "description": "各字段的问题",
                   "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    },
    "required": ["code", "message"],
}
ERROR_SCHEMA: dict = {
    "type": "object",
    "description": "错误（所有接口统一）",
    "properties": {"error": ERROR_BODY},
    "required": ["error"],
}

ANSWERS = {
    "400": "请求有误（参数、字段或文件内容），error.fields 指出各字段的问题",
    "401": "未登录，或令牌缺失、无效（响应头 WWW-Authenticate 给出认证方式）",
    "403": "无权执行此操作",
    "404": "对象不存在或不在本人可见范围内",
    "405": "不支持该请求方法",
    "413": "请求体或上传文件过大",
    "415": "不支持的请求格式",
    "429": "请求过于频繁，请稍后再试（响应头 Retry-After 给出等待秒数）",
}


def add_error_responses(result: dict, generator, request, public) -> dict:
    """drf-spectacular POSTPROCESSING_HOOKS entry: the Error component and, for every
    operation, each 4xx answer it does not document itself."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    shape = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for status, description in ANSWERS.items():
                responses.setdefault(status, {"description": description, "content": shape})
    return result
