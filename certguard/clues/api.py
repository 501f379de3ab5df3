"""JSON endpoints of the clue inbox: the same filter, selectors and services as the pages."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from certguard.clues import selectors, services
from certguard.clues.filters import ClueFilterSet
from certguard.clues.models import Clue, ClueEvent
from certguard.core.filters import apply_filters, filter_parameters
from certguard.core.pagination import page_parameters, paginate, paginated
from certguard.orgs.models import User


class ClueSerializer(serializers.ModelSerializer):
    rule_name = serializers.CharField(read_only=True)
    region_name = serializers.CharField(source="region.name", default=None, read_only=True)
    assignee = serializers.CharField(source="assignee.username", default=None, read_only=True)

    class Meta:
        model = Clue
        fields = ["id", "source_kind", "source_id", "rule", "rule_name", "severity", "subject",
                  "cert_no", "id_no", "name", "employer_code", "institution_code",
                  "exam_center_code", "detail", "evidence", "region", "region_name", "family",
                  "status", "assignee", "reason", "decided_at", "created_at"]


class ClueEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None, read_only=True)
    assignee = serializers.CharField(source="assignee.username", default=None, read_only=True)

    class Meta:
        model = ClueEvent
        fields = ["kind", "actor", "assignee", "reason", "at"]


class ClueDetailSerializer(ClueSerializer):
    events = ClueEventSerializer(many=True, read_only=True)

    class Meta(ClueSerializer.Meta):
        fields = [*ClueSerializer.Meta.fields, "events"]


class DecisionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=["assign", "confirm", "dismiss", "reopen", "note"])
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True,
                                   default="")
    assignee = serializers.CharField(max_length=150, required=False,
                                     help_text="承办人用户名（action=assign 时必填）")


class ClueListApi(APIView):
    policy = "clues.view"

    @extend_schema(summary="线索列表（按规则、严重程度、状态、地区、用人单位等筛选）",
                   responses=paginated(ClueSerializer),
                   parameters=page_parameters() + filter_parameters(ClueFilterSet))
    def get(self, request):
        clues = apply_filters(ClueFilterSet, data=request.query_params, request=request,
                              queryset=selectors.clues_for(user=request.user))
        return paginate(request, clues, ClueSerializer, view=self)


class ClueDetailApi(APIView):
    policy = "clues.view"

    @extend_schema(summary="线索详情（含证据与处理记录）", responses=ClueDetailSerializer)
    def get(self, request, pk: int):
        clue = selectors.clue_get(user=request.user, pk=pk)
        return Response(ClueDetailSerializer(clue).data)


class ClueDecisionApi(APIView):
    policy = {"write": "clues.work"}

    @extend_schema(summary="处理线索：分派、确认、排除（须填理由）、重新打开、备注",
                   request=DecisionSerializer, responses=ClueDetailSerializer)
    def post(self, request, pk: int):
        selectors.clue_get(user=request.user, pk=pk, action="clues.work")
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        action, reason = data.validated_data["action"], data.validated_data["reason"]
        if action == "assign":
            assignee = User.objects.filter(username=data.validated_data.get("assignee", ""),
                                           is_active=True).first()
            services.clue_assign(by=request.user, clue_id=pk, assignee=assignee, reason=reason)
        else:
            services.DECISIONS[action](by=request.user, clue_id=pk, reason=reason)
        clue = selectors.clue_get(user=request.user, pk=pk)
        return Response(ClueDetailSerializer(clue).data)
