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
from certguard.registry.api_docs import VerifyAnswerDoc, VerifyBatchAnswerDoc
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
    """What the schema documents; the items are read one by one (``batch_items``), so one bad
    item is an error in its own answer, never a refusal of the whole batch."""

    items = VerifyRequest(many=True, help_text="每批最多1000条")


_MAX_LENGTHS = {"name": 50, "id_no": 30, "cert_no": 40}


def batch_items(data: object) -> list[VerifyQuery | AppError]:
    """Each item as a query, or the AppError that says what is wrong with it."""
    items = data.get("items") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise AppError("invalid", "请求体应为 {\"items\": [...]}", fields={"items": ["应为数组"]})
    if not items:
        raise AppError("invalid", "至少提交1条", fields={"items": ["至少提交1条"]})
    if len(items) > settings.VERIFY_BATCH_MAX:
        raise AppError("invalid", f"每批最多{settings.VERIFY_BATCH_MAX}条",
                       fields={"items": [f"每批最多{settings.VERIFY_BATCH_MAX}条"]})
    parsed: list[VerifyQuery | AppError] = []
    for item in items:
        try:
            query = parse_query(item)
            for key, limit in _MAX_LENGTHS.items():
                if len(getattr(query, key)) > limit:
                    raise AppError("invalid", f"字段 {key} 超过 {limit} 个字符",
                                   fields={key: [f"最多 {limit} 个字符"]})
        except AppError as exc:
            parsed.append(exc)
        else:
            parsed.append(query)
    return parsed


def _limit(request, cost: int) -> None:
    """Token holders (other departments' systems) get a higher quota than anonymous callers;
    every caller is limited per address or token, per account, and per day."""
    token = getattr(request.auth, "key", "") if request.auth is not None else ""
    verify_limit(user=request.user, ip=client_ip(request), token_key=token, cost=cost)


ANSWER_EXAMPLE = OpenApiExample("查询结果", value={
    "result": "found", "message": "查询到以下证书，请核对证书状态和有效期",
    "query": {"name": "张三", "id_no_masked": "1405**********0012", "cert_no_masked": None,
              "on": "2026-12-07"},
    "holder": {"name": "张三", "id_no_masked": "1405**********0012"},
    "certificates": [{"cert_no": "T1405**********0012", "family": "special_ops",
                      "family_name": "特种作业操作证", "item_code": "1.2",
                      "item_name": "低压电工作业", "issuer_code": "140000-YJ",
                      "issuer_name": "山西省应急管理厅", "first_issued": "2024-05-06",
                      "valid_from": "2024-05-06", "valid_until": "2030-05-05",
                      "review_due": "2027-05-05", "last_review": None,
                      "status": {"code": "valid", "label": "有效", "reason": "",
                                 "next_change": "2027-05-05", "next_code": "review_overdue"}}]})


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
                   responses={200: VerifyAnswerDoc}, examples=[ANSWER_EXAMPLE])
    def post(self, request):
        query = parse_query(request.data)
        _limit(request, 1)
        return Response(verify_certificate(query=query, user=request.user, channel="api"))


class VerifyBatchApi(APIView):
    policy = "public.verify"

    @extend_schema(summary="批量核验（每批最多1000条，逐条返回结果或错误）",
                   description="每条单独核验：有误的一条在其结果中返回 result=error 和 error，"
                               "不影响其余各条。",
                   request=BatchRequest, responses={200: VerifyBatchAnswerDoc})
    def post(self, request):
        items = batch_items(request.data)
        _limit(request, len(items))
        queries = [item for item in items if isinstance(item, VerifyQuery)]
        answers = iter(verify_many(queries=queries, user=request.user, channel="api-batch")
                       if queries else [])
        results = [{"index": index, "result": "error", **item.as_dict()}
                   if isinstance(item, AppError) else {"index": index, **next(answers)}
                   for index, item in enumerate(items)]
        return Response({"count": len(results), "results": results})
