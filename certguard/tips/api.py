"""JSON endpoints of tip-offs: public intake and follow-up by receipt (no account), and the
handling office's list, report and decisions (OpenAPI documented)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from certguard.core.errors import AppError
from certguard.core.filters import MAX_ID
from certguard.core.middleware import client_ip
from certguard.core.pagination import page_parameters, paginate, paginated
from certguard.tips import figures as tip_figures
from certguard.tips import intake, selectors, services
from certguard.tips.models import Tip
from certguard.tips.reference import FAMILIES, REFUSALS, SUBJECT_KINDS


class TipRequest(serializers.Serializer):
    subject_kind = serializers.ChoiceField(choices=list(SUBJECT_KINDS))
    subject_name = serializers.CharField(max_length=200)
    subject_code = serializers.CharField(required=False, allow_blank=True, max_length=200)
    family = serializers.ChoiceField(choices=list(FAMILIES), required=False, allow_blank=True,
                                     default="")
    sector = serializers.CharField(required=False, allow_blank=True, max_length=30)
    place = serializers.CharField(max_length=6, help_text="事发地行政区划代码")
    description = serializers.CharField(help_text="举报内容（不超过 TIPS_TEXT_MAX_CHARS 字）")
    anonymous = serializers.BooleanField(default=True)
    insider = serializers.BooleanField(default=False,
                                       help_text="举报人是被举报单位职工（须实名）")
    name = serializers.CharField(required=False, allow_blank=True, max_length=50)
    contact = serializers.CharField(required=False, allow_blank=True, max_length=100)
    attachments = serializers.ListField(child=serializers.FileField(), required=False,
                                        help_text="图片或 PDF（按内容检查类型，元数据会被清除）")


class ReceiptAnswer(serializers.Serializer):
    receipt = serializers.CharField(help_text="16 位回执编号：唯一凭证，只显示这一次")


class FollowRequest(serializers.Serializer):
    receipt = serializers.CharField(max_length=40)
    action = serializers.ChoiceField(choices=["progress", "answer", "claim"], default="progress")
    text = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    payee = serializers.CharField(required=False, allow_blank=True, max_length=300)


class TipSubmitApi(APIView):
    policy = {"write": "tips.submit"}
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(summary="举报（无需账户，可匿名）", request=TipRequest,
                   responses={201: ReceiptAnswer})
    def post(self, request):
        data = TipRequest(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        files = [(f.name, f.read(settings.TIPS_ATTACHMENT_MAX_BYTES + 1))
                 for f in request.FILES.getlist("attachments")[:20]]
        _, receipt = intake.tip_submit(data=intake.TipInput(
            subject_kind=v["subject_kind"], subject_name=v["subject_name"],
            subject_code=v.get("subject_code", ""), family=v.get("family", ""),
            sector=v.get("sector", ""), place=v["place"], description=v["description"],
            anonymous=v["anonymous"], insider=v["insider"], name=v.get("name", ""),
            contact=v.get("contact", ""), channel="api", files=files), source=client_ip(request))
        return Response({"receipt": receipt}, status=201)


class TipFollowApi(APIView):
    policy = {"write": "tips.submit"}

    @extend_schema(summary="凭回执查询进度、答复问题、申领奖励（连续输错将被暂停）",
                   request=FollowRequest, responses={200: OpenApiTypes.OBJECT})
    def post(self, request):
        data = FollowRequest(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        tip = intake.tip_by_receipt(receipt=v["receipt"], source=client_ip(request))
        if v["action"] == "answer":
            intake.tip_answer(tip=tip, text=v.get("text", ""))
        elif v["action"] == "claim":
            services.reward_claim(tip=tip, payee=v.get("payee", ""))
        progress = intake.progress_for_reporter(tip)
        progress["may_claim"] = not services.reward_eligibility(tip)
        return Response(progress)


class TipSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tip
        fields = ["id", "subject_kind", "subject_name", "subject_code", "family", "place",
                  "description", "anonymous", "insider", "department", "organisation",
                  "status", "refusal", "refusal_note", "duplicate_of", "matter", "accepted_at",
                  "handled_at", "result", "clue_id", "created_at"]


class TipListApi(APIView):
    policy = "tips.view"

    @extend_schema(parameters=page_parameters(), summary="本部门辖区的举报（不含举报人身份）",
                   responses=paginated(TipSerializer))
    def get(self, request):
        tips = selectors.tips_for(user=request.user)
        status = request.query_params.get("status", "")
        if status:
            tips = tips.filter(status=status[:10])
        return paginate(request, tips, TipSerializer, view=self)


class DecisionRequest(serializers.Serializer):
    action = serializers.ChoiceField(choices=["accept", "refuse", "ask", "close",
                                              "extend_request", "penalty"])
    reason = serializers.CharField(required=False, allow_blank=True,
                                   help_text="refuse: " + "、".join(REFUSALS) + "；"
                                             "extend_request: 延期理由")
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)
    duplicate_of = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    text = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    result = serializers.CharField(required=False, allow_blank=True, max_length=3000)
    fine = serializers.DecimalField(required=False, max_digits=14, decimal_places=2)
    decision_no = serializers.CharField(required=False, allow_blank=True, max_length=100)
    final_on = serializers.DateField(required=False)
    deaths = serializers.IntegerField(required=False, min_value=0, max_value=1000)
    grade = serializers.CharField(required=False, allow_blank=True, max_length=15)
    enforcement_ref = serializers.CharField(required=False, allow_blank=True, max_length=100)


class TipDetailApi(APIView):
    policy = {"read": "tips.view", "write": "tips.handle"}

    @extend_schema(summary="举报详情", responses=TipSerializer)
    def get(self, request, pk: int):
        return Response(TipSerializer(selectors.tip_get(user=request.user, pk=pk)).data)

    @extend_schema(summary="受理、不予受理（重复时注明首次举报）、提问、申请延期、记录处罚生效、"
                           "办结并反馈", request=DecisionRequest, responses=TipSerializer,
                   operation_id="tips_decide")
    def post(self, request, pk: int):
        from certguard.core.errors import NotFound
        from certguard.tips.views import act_on

        selectors.tip_get(user=request.user, pk=pk)
        if not Tip.objects.restrict(request.user, "tips.handle").filter(pk=pk).exists():
            raise NotFound("tip_not_found", "举报不存在或不由本单位承办")
        data = DecisionRequest(data=request.data)
        data.is_valid(raise_exception=True)
        v: dict[str, Any] = {k: ("" if val is None else val)
                             for k, val in data.validated_data.items()}
        if v["action"] == "penalty":
            if not v.get("final_on"):
                raise AppError("final_on_required", "请填写处罚决定生效日期",
                               fields={"final_on": ["必填"]})
            services.penalty_record(by=request.user, pk=pk, decision_no=v.get("decision_no", ""),
                                    final_on=v["final_on"], fine=v.get("fine"),
                                    deaths=v.get("deaths") or 0, grade=v.get("grade", ""),
                                    enforcement_ref=v.get("enforcement_ref", ""))
        else:
            act_on(request, pk, v["action"], v)
        return Response(TipSerializer(selectors.tip_get(user=request.user, pk=pk)).data)


class TipFiguresApi(APIView):
    policy = "tips.figures"

    @extend_schema(summary="举报统计，参数 region、department、start、end、group_by",
                   responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        f = tip_figures.filter_from(request.query_params)
        return Response(tip_figures.tips_figures(
            user=request.user, filters=f, group_by=request.query_params.get("group_by", "")))
