from __future__ import annotations

from datetime import date

from csp.decorators import csp_exempt
from django.conf import settings
from django.utils.decorators import method_decorator
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from certguard.core.errors import AppError
from certguard.core.middleware import client_ip
from certguard.registry.batch import verify_many
from certguard.registry.limits import verify_limit
from certguard.registry.verification import VerifyQuery, verify_certificate


class VerifyRequest(serializers.Serializer):
    name = serializers.CharField(max_length=50, help_text="持证人姓名（必填）")
    id_no = serializers.CharField(max_length=30, required=False, allow_blank=True, default="",
                                  help_text="身份证号（与证书编号至少填一项）")
    cert_no = serializers.CharField(max_length=40, required=False, allow_blank=True,
                                    default="", help_text="证书编号")
    on = serializers.DateField(required=False, allow_null=True, default=None,
                               help_text="按哪一天判断状态，默认今天")


class BatchRequest(serializers.Serializer):
    items = VerifyRequest(many=True)

    def validate_items(self, items):
        if not items:
            raise serializers.ValidationError("至少提交1条")
        if len(items) > settings.VERIFY_BATCH_MAX:
            raise serializers.ValidationError(f"每批最多{settings.VERIFY_BATCH_MAX}条")
        return items


def _limit(request, cost: int) -> None:
    """Token holders (other departments' systems) get a higher quota than anonymous callers;
    every caller is limited per address or token, per account, and per day."""
    token = getattr(request.auth, "key", "") if request.auth is not None else ""
    verify_limit(user=request.user, ip=client_ip(request), token_key=token, cost=cost)


ANSWER_EXAMPLE = OpenApiExample("查询结果", value={
    "result": "found", "message": "查询到以下证书，请核对证书状态和有效期",
    "holder": {"name": "张三", "id_no_masked": "1405**********0012"},
    "certificates": [{"cert_no": "T140521199001010012", "family": "special_ops",
                      "item_code": "1.2", "item_name": "低压电工作业",
                      "valid_until": "2030-05-05",
                      "status": {"code": "valid", "label": "有效"}}]})


def parse_query(item: object) -> VerifyQuery:
    """The hot path skips serializer construction (a deep copy of every field per request):
    the service validates what matters and answers in the one error shape."""
    if not isinstance(item, dict):
        raise AppError("invalid", "请求体应为 JSON 对象：{\"name\": …, \"id_no\": …}")
    values = {k: item.get(k) for k in ("name", "id_no", "cert_no", "on")}
    for key in ("name", "id_no", "cert_no"):
        if values[key] is not None and not isinstance(values[key], str):
            raise AppError("invalid", f"字段 {key} 应为字符串", fields={key: ["应为字符串"]})
    on = values["on"]
    if on:
        try:
            on = date.fromisoformat(str(on))
        except ValueError:
            raise AppError("invalid", "日期格式应为 YYYY-MM-DD",
                           fields={"on": ["日期格式应为 YYYY-MM-DD"]}) from None
    return VerifyQuery(name=values["name"] or "", id_no=values["id_no"] or "",
                       cert_no=values["cert_no"] or "", on=on or None)


@method_decorator(csp_exempt(), name="dispatch")  # JSON answers: no page to protect
class VerifyApi(APIView):
    policy = "public.verify"

    @extend_schema(summary="核验一张证书（身份证号或证书编号 + 姓名）", request=VerifyRequest,
                   responses={200: {"type": "object"}}, examples=[ANSWER_EXAMPLE])
    def post(self, request):
        query = parse_query(request.data)
        _limit(request, 1)
        return Response(verify_certificate(query=query, user=request.user, channel="api"))


class VerifyBatchApi(APIView):
    policy = "public.verify"

    @extend_schema(summary="批量核验（每批最多1000条，逐条返回结果或错误）",
                   request=BatchRequest, responses={200: {"type": "object"}})
    def post(self, request):
        data = BatchRequest(data=request.data)
        data.is_valid(raise_exception=True)
        items = data.validated_data["items"]
        _limit(request, len(items))
        answers = verify_many(queries=[VerifyQuery(**item) for item in items],
                              user=request.user, channel="api-batch")
        results = [{"index": index, **answer} for index, answer in enumerate(answers)]
        return Response({"count": len(results), "results": results})
