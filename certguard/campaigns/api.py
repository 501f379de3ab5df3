"""JSON endpoints of campaigns: list and create (from the document's content), one campaign
with its live board, and every supervision action, through the same services."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from certguard.campaigns import selectors, services
from certguard.campaigns.models import (
    Campaign,
    Phase,
    RequiredForm,
    Responsibility,
    Supervision,
)
from certguard.campaigns.reference import STAGES
from certguard.core.pagination import Pagination, paginated


class CampaignSerializer(serializers.ModelSerializer):
    class Meta:
        model = Campaign
        fields = ["id", "name", "doc_no", "issuer", "region", "start", "end", "final_due",
                  "targets", "goal"]


class PhaseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Phase
        fields = ["name", "start", "end", "tasks"]


class ResponsibilitySerializer(serializers.ModelSerializer):
    departments = serializers.ListField(child=serializers.CharField(), help_text="责任部门代码")
    indicators = serializers.ListField(child=serializers.CharField(), help_text="衡量指标")

    class Meta:
        model = Responsibility
        fields = ["task", "detail", "departments", "indicators"]


class RequiredFormSerializer(serializers.ModelSerializer):
    form = serializers.CharField(source="version.form.code", help_text="表号")
    version = serializers.IntegerField(source="version.number", help_text="报表版本")

    class Meta:
        model = RequiredForm
        fields = ["form", "version", "first_start", "last_start"]


class UnitFiguresSerializer(serializers.Serializer):
    """A unit's progress on the campaign's targets (a rate is 0–1; empty: no data yet)."""

    selfcheck_rate = serializers.FloatField(allow_null=True, help_text="用人单位自查率")
    certified_rate = serializers.FloatField(allow_null=True, help_text="持证率")
    on_time_rate = serializers.FloatField(allow_null=True, help_text="报表及时率")
    inspections = serializers.IntegerField(allow_null=True,
                                           help_text="执法检查次数（空：暂无数据源）")
    cases = serializers.IntegerField(allow_null=True, help_text="立案数（空：暂无数据源）")
    reports_due = serializers.IntegerField(help_text="到期应报的报表数")
    reports_on_time = serializers.IntegerField(help_text="按时报送的报表数")


class UnitProgressSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="单位（地区）代码")
    name = serializers.CharField()
    figures = UnitFiguresSerializer()
    lagging = serializers.ListField(child=serializers.CharField(),
                                    help_text="滞后的指标及目标（空：不滞后）")


class PhaseBoardSerializer(serializers.Serializer):
    name = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    as_of = serializers.DateField(allow_null=True, help_text="统计截至日（空：阶段未开始）")
    units = UnitProgressSerializer(many=True, help_text="各单位进度，滞后单位在前")


class CampaignDetailSerializer(CampaignSerializer):
    phases = PhaseSerializer(many=True, read_only=True)
    responsibilities = ResponsibilitySerializer(many=True, read_only=True)
    forms = RequiredFormSerializer(many=True, read_only=True)
    board = PhaseBoardSerializer(many=True, read_only=True,
                                 help_text="进度看板（按阶段，本人可见的单位）")

    class Meta(CampaignSerializer.Meta):
        fields = [*CampaignSerializer.Meta.fields, "phases", "responsibilities", "forms",
                  "board"]


class CampaignInSerializer(serializers.Serializer):
    seed = serializers.ChoiceField(choices=["jc-2024", "gd-2018"], required=False,
                                   help_text="按内置的文件建立；否则用 spec")
    spec = serializers.JSONField(required=False, help_text=(
        "{name, doc_no, issuer, region, start, end, final_due, goal, targets: [{code, "
        "threshold}], phases: [[名称, 开始, 结束, 要求]], responsibilities: [[任务, 内容, "
        "[部门], [指标]]], forms: [[表号, 首期开始, 末期开始]]}"))


class CampaignListApi(APIView):
    policy = {"read": "campaigns.view", "write": "campaigns.manage"}

    @extend_schema(summary="专项行动列表", responses=paginated(CampaignSerializer))
    def get(self, request):
        rows = selectors.campaigns_for(user=request.user)
        paginator = Pagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(CampaignSerializer(page, many=True).data)

    @extend_schema(summary="按文件建立专项行动（阶段、要求报送的报表、目标、责任分工）",
                   request=CampaignInSerializer, responses=CampaignSerializer)
    def post(self, request):
        data = CampaignInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if data.validated_data.get("seed"):
            campaign = services.campaign_install(by=request.user,
                                                 key=data.validated_data["seed"])
        elif isinstance(data.validated_data.get("spec"), dict):
            campaign = services.campaign_create(by=request.user, spec=data.validated_data["spec"])
        else:
            raise serializers.ValidationError({"spec": ["请给出 seed 或 spec"]})
        return Response(CampaignSerializer(campaign).data, status=201)


class CampaignDetailApi(APIView):
    policy = "campaigns.view"

    @extend_schema(summary="专项行动：阶段、责任分工、报表与进度看板（滞后单位在前）",
                   responses=CampaignDetailSerializer)
    def get(self, request, pk: int):
        campaign = selectors.campaign_get(user=request.user, pk=pk)
        return Response({
            **CampaignSerializer(campaign).data,
            "phases": [{"name": p.name, "start": p.start, "end": p.end, "tasks": p.tasks}
                       for p in campaign.phases.all()],
            "responsibilities": [{"task": r.task, "detail": r.detail,
                                  "departments": r.departments, "indicators": r.indicators}
                                 for r in campaign.responsibilities.all()],
            "forms": [{"form": f.version.form.code, "version": f.version.number,
                       "first_start": f.first_start, "last_start": f.last_start}
                      for f in campaign.forms.select_related("version__form")],
            "board": [b.as_dict() for b in selectors.board(user=request.user,
                                                            campaign=campaign)]})


class SupervisionSerializer(serializers.ModelSerializer):
    target_name = serializers.CharField(source="target.name", read_only=True)

    class Meta:
        model = Supervision
        fields = ["id", "campaign", "target", "target_name", "region", "stage", "previous",
                  "status", "reason", "lagging", "due_date", "meeting_at", "report_due",
                  "report_received_at", "report_late", "published_at", "publish_due",
                  "extension_until", "closed_at", "close_note", "created_at"]


class SupervisionInSerializer(serializers.Serializer):
    target = serializers.IntegerField(min_value=1)
    stage = serializers.ChoiceField(choices=list(STAGES))
    reason = serializers.CharField(max_length=4000)
    lagging = serializers.ListField(child=serializers.CharField(max_length=300),
                                    required=False, default=list)
    deadline = serializers.DateField(required=False, allow_null=True, default=None)
    previous = serializers.IntegerField(required=False, allow_null=True, default=None)


class CampaignSupervisionsApi(APIView):
    policy = {"read": "campaigns.view", "write": "campaigns.supervise"}

    @extend_schema(summary="专项行动的督办事项", responses=SupervisionSerializer(many=True))
    def get(self, request, pk: int):
        campaign = selectors.campaign_get(user=request.user, pk=pk)
        rows = selectors.supervisions_for(user=request.user, campaign=campaign)
        return Response(SupervisionSerializer(rows, many=True).data)

    @extend_schema(summary="督办滞后部门：提醒、警示、约谈、挂牌督办、通报（不督办企业）",
                   request=SupervisionInSerializer, responses=SupervisionSerializer)
    def post(self, request, pk: int):
        selectors.campaign_get(user=request.user, pk=pk)
        data = SupervisionInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        step = services.supervision_open(by=request.user, campaign_id=pk, target_id=d["target"],
                                         stage=d["stage"], reason=d["reason"],
                                         lagging=d["lagging"], deadline=d["deadline"],
                                         previous_id=d["previous"])
        return Response(SupervisionSerializer(step).data, status=201)


class StepActionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=["meeting", "minutes", "report", "publish",
                                              "extend", "close"])
    meeting_at = serializers.CharField(max_length=30, required=False, default="", allow_blank=True)
    text = serializers.CharField(max_length=20000, required=False, allow_blank=True,
                                 default="")
    until = serializers.CharField(max_length=20, required=False, default="", allow_blank=True)
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True,
                                   default="")
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True,
                                 default="")


class SupervisionDetailApi(APIView):
    policy = {"read": "campaigns.view", "write": "campaigns.supervise"}

    @extend_schema(summary="督办事项及其文书", responses=SupervisionSerializer)
    def get(self, request, pk: int):
        step = selectors.supervision_get(user=request.user, pk=pk)
        return Response({**SupervisionSerializer(step).data, "documents": [
            {"kind": d.kind, "title": d.title, "body": d.body, "late": d.late,
             "at": d.created_at} for d in step.documents.all()]})

    @extend_schema(summary="办理：约谈时间、约谈纪要、整改报告（逾期照录并标明）、公开、延期申请、办结",
                   request=StepActionSerializer, responses=SupervisionSerializer,
                   operation_id="campaigns_supervisions_handle")
    def post(self, request, pk: int):
        selectors.supervision_get(user=request.user, pk=pk)
        data = StepActionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d, by, message = data.validated_data, request.user, ""
        if d["action"] == "meeting":
            step = services.interview_meeting(by=by, supervision_id=pk,
                                              meeting_at=d["meeting_at"])
        elif d["action"] == "minutes":
            step = services.interview_minutes(by=by, supervision_id=pk, text=d["text"])
        elif d["action"] == "report":
            step, message = services.rectification_report(by=by, supervision_id=pk,
                                                          text=d["text"])
        elif d["action"] == "publish":
            step = services.listing_publish(by=by, supervision_id=pk)
        elif d["action"] == "extend":
            step = services.extension_request(by=by, supervision_id=pk, until=d["until"],
                                              reason=d["reason"])
        else:
            step = services.supervision_close(by=by, supervision_id=pk, note=d["note"])
        return Response({**SupervisionSerializer(step).data, "message": message})
