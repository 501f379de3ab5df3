"""API base: the one error shape, and the DRF exception handler that produces it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DataError
from django.http import Http404
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView, set_rollback
from rest_framework.views import exception_handler as drf_exception_handler

from certguard.core import selectors
from certguard.core.errors import AppError, NotFound
from certguard.core.models import Job

_DRF_CODES = {
    exceptions.NotAuthenticated: ("not_authenticated", "请先登录或提供有效的令牌"),
    exceptions.AuthenticationFailed: ("authentication_failed", "身份认证失败"),
    exceptions.PermissionDenied: ("permission_denied", "无权执行此操作"),
    exceptions.NotFound: ("not_found", "对象不存在或无权查看"),
    exceptions.MethodNotAllowed: ("method_not_allowed", "不支持该请求方法"),
    exceptions.Throttled: ("rate_limited", "请求过于频繁，请稍后再试"),
    exceptions.ParseError: ("bad_json", "请求体不是有效的 JSON"),
    exceptions.UnsupportedMediaType: ("unsupported_media_type", "不支持的请求格式"),
}


def error_response(code: str, message: str, status_code: int, fields: dict | None = None):
    body: dict[str, object] = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    return Response({"error": body}, status=status_code)


def exception_handler(exc, context):
    if isinstance(exc, OverflowError | DataError):
        # A number beyond what the database stores (a 64-bit key, an SQLite INTEGER): the
        # request is wrong, not the server. Parameters are range-checked where they are read;
        # this is the net under them.
        set_rollback()
        return error_response("out_of_range", "请求中的数值超出允许范围", 400)
    if isinstance(exc, AppError):
        response = error_response(exc.code, exc.message, exc.status, exc.fields)
        if getattr(exc, "retry_after", None):
            response["Retry-After"] = str(exc.retry_after)
        return response
    if isinstance(exc, ValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict")
                                         else exc.messages)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    if isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # unexpected: Django's 500 handler answers in the error shape
    if isinstance(exc, exceptions.ValidationError):
        return error_response("invalid", "提交的数据有误", response.status_code,
                              fields=_flatten(exc.detail))
    code, message = next(((c, m) for cls, (c, m) in _DRF_CODES.items()
                          if isinstance(exc, cls)), ("error", str(exc.detail)))
    if isinstance(exc, exceptions.PermissionDenied) and _is_chinese(str(exc.detail)):
        message = str(exc.detail)  # the policy's refusal names what was refused
    result = error_response(code, message, response.status_code)
    for header in ("WWW-Authenticate", "Retry-After"):
        if header in response:
            result[header] = response[header]
    return result


def _is_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _flatten(detail, prefix: str = "") -> dict:
    """DRF's nested error detail as {"items[1].name": ["该字段是必填项。"]}: plain text at
    every level, never the repr of a nested dict or of ErrorDetail."""
    flat: dict[str, list[str]] = {}

    def walk(value, path: str) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                label = f"[{key}]" if isinstance(key, int) else (f".{key}" if path else key)
                walk(inner, f"{path}{label}")
        elif isinstance(value, list) and any(isinstance(v, dict | list) for v in value):
            for index, inner in enumerate(value):
                if inner:
                    walk(inner, f"{path}[{index}]" if isinstance(inner, dict | list) else path)
        elif isinstance(value, list):
            flat.setdefault(path or "non_field_errors", []).extend(str(v) for v in value)
        else:
            flat.setdefault(path or "non_field_errors", []).append(str(value))

    walk(detail, prefix)
    return flat


HTTP_500 = status.HTTP_500_INTERNAL_SERVER_ERROR


# --- The schema and its documentation: public, like the verification they describe ---------

class SchemaApi(SpectacularAPIView):
    policy = "public.api_docs"


class SchemaDocsApi(SpectacularSwaggerView):
    policy = "public.api_docs"


# --- Jobs -------------------------------------------------------------------------------------



class JobSerializer(serializers.ModelSerializer):
    percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = Job
        fields = ["id", "kind", "title", "status", "done", "total", "percent", "message",
                  "result", "error", "created_at", "started_at", "finished_at"]


class JobDetailApi(APIView):
    policy = "jobs.view"

    @extend_schema(responses=JobSerializer, summary="查询后台任务进度")
    def get(self, request, pk: int):
        job = selectors.jobs_for(user=request.user).filter(pk=pk).first()
        if job is None:
            raise NotFound("job_not_found", "任务不存在或无权查看")
        return Response(JobSerializer(job).data)
