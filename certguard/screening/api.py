"""JSON endpoints: start a screening run (multipart upload or the platform registry), read one."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from certguard.clues.reference import RULE_NAMES
from certguard.screening import selectors, services
from certguard.screening.models import ScreeningRun


class RunSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.username", default=None, read_only=True)
    job_id = serializers.IntegerField(source="job.pk", default=None, read_only=True)
    job_status = serializers.CharField(source="job.status", default=None, read_only=True)
    percent = serializers.IntegerField(source="job.percent", default=None, read_only=True)
    progress_message = serializers.CharField(source="job.message", default=None,
                                             read_only=True)
    inputs = serializers.SerializerMethodField()

    class Meta:
        model = ScreeningRun
        fields = ["id", "title", "source", "as_of", "rules", "params", "engine", "inputs",
                  "status", "job_id", "job_status", "percent", "progress_message", "rule_stats",
                  "on_bad_rows", "bad_rows", "clue_count", "seconds", "error", "owner",
                  "created_at", "finished_at"]

    def get_inputs(self, run) -> list[dict]:
        """Name, size and sha256 of each input (the server path is not shown)."""
        return [{k: i[k] for k in ("kind", "name", "size", "sha256")} for i in run.inputs]


class RunCreateSerializer(serializers.Serializer):
    certificates = serializers.FileField(required=False, help_text="证书数据（CSV/CSV.GZ/Parquet）")
    roster = serializers.FileField(required=False)
    training = serializers.FileField(required=False)
    exams = serializers.FileField(required=False)
    use_registry = serializers.BooleanField(required=False, default=False,
                                            help_text="证书数据使用平台证书库")
    as_of = serializers.DateField(required=False, help_text="筛查基准日，默认今天")
    rules = serializers.ListField(child=serializers.ChoiceField(choices=list(RULE_NAMES)),
                                  required=False, default=list)
    params = serializers.DictField(child=serializers.CharField(), required=False, default=dict,
                                   help_text="如 {\"outlier_z\": \"2.5\"}")
    title = serializers.CharField(max_length=200, required=False, allow_blank=True,
                                  default="")
    on_bad_rows = serializers.ChoiceField(choices=["error", "report"], default="error",
                                          help_text="error 停止；report 跳过有误数据行并列出")


class RunListApi(APIView):
    policy = {"write": "screening.run"}
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(summary="发起交叉比对筛查（后台任务）", request={
        "multipart/form-data": RunCreateSerializer, "application/json": RunCreateSerializer},
        responses={202: RunSerializer})
    def post(self, request):
        data = RunCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        run = services.run_create(
            by=request.user, uploads={k: values.get(k) for k in ("certificates", "roster",
                                                                   "training", "exams")},
            use_registry=values["use_registry"], as_of=values.get("as_of"),
            rules=values["rules"], params=values["params"], title=values["title"],
            on_bad_rows=values["on_bad_rows"])
        return Response(RunSerializer(run).data, status=202)


class RunDetailApi(APIView):
    policy = "screening.view"

    @extend_schema(summary="筛查批次：参数、输入指纹、进度与各规则结果", responses=RunSerializer)
    def get(self, request, pk: int):
        return Response(RunSerializer(selectors.run_get(user=request.user, pk=pk)).data)
