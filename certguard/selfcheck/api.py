"""JSON endpoints of the self-check: upload a roster, confirm it, read its results (scoped)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from certguard.core.errors import AppError, NotFound
from certguard.orgs.models import Organisation
from certguard.selfcheck import selectors, services
from certguard.selfcheck.models import RosterUpload, WorkerResult


class UploadSerializer(serializers.ModelSerializer):
    employer = serializers.CharField(source="employer.name", read_only=True)
    job_id = serializers.IntegerField(source="job.pk", read_only=True, allow_null=True)
    problem_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = RosterUpload
        fields = ("id", "employer", "file_name", "size", "sha256", "file_kind", "status",
                  "as_of", "mapping", "overrides", "accepted_count", "rejected_count",
                  "counts", "problem_count", "ledger_report", "job_id", "created_at",
                  "confirmed_at", "verified_at", "error")


class ResultSerializer(serializers.ModelSerializer):
    result_label = serializers.CharField(source="get_result_display", read_only=True)

    class Meta:
        model = WorkerResult
        fields = ("id", "sheet", "row_no", "result", "result_label", "rules", "values",
                  "registry", "evidence", "reason")


class UploadRequest(serializers.Serializer):
    file = serializers.FileField(help_text="花名册文件（.xlsx、.xls 或 .csv）")
    confirm = serializers.BooleanField(default=False,
                                       help_text="true：不经预览，直接按自动识别的列确认并开始核验")
    as_of = serializers.DateField(required=False, allow_null=True, default=None,
                                  help_text="核验基准日，默认今天")


class ConfirmRequest(serializers.Serializer):
    overrides = serializers.DictField(
        child=serializers.DictField(child=serializers.CharField(allow_null=True)),
        required=False, help_text="工作表名 → {列序号（从0起）: 字段或 null（忽略）}")
    as_of = serializers.DateField(required=False, allow_null=True, default=None)


def _upload(request, pk: int) -> RosterUpload:
    upload = selectors.upload_for(user=request.user, pk=pk)
    if upload is None:
        raise NotFound("not_found", "花名册不存在或无权查看")
    return upload


class UploadListApi(ListAPIView):
    serializer_class = UploadSerializer
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self):
        return selectors.uploads_for(user=self.request.user).select_related("job")

    @extend_schema(summary="花名册列表（本单位的，或辖区内企业的）")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(summary="上传花名册：识别列并预览；confirm=true 时直接开始核验",
                   request={"multipart/form-data": UploadRequest},
                   responses={201: UploadSerializer})
    def post(self, request):
        data = UploadRequest(data=request.data)
        data.is_valid(raise_exception=True)
        employer_id = services.actor_employer_id(request.user)
        if employer_id is None:
            raise AppError("selfcheck_forbidden", "只有用人单位可以导入花名册", status=403)
        file = data.validated_data["file"]
        upload = services.upload_create(by=request.user,
                                        employer=Organisation.objects.get(pk=employer_id),
                                        file_name=file.name, data=file.read())
        if data.validated_data["confirm"]:
            upload = services.upload_confirm(by=request.user, upload=upload,
                                             as_of=data.validated_data["as_of"])
        return Response(UploadSerializer(upload).data, status=201)


class UploadDetailApi(APIView):
    @extend_schema(summary="花名册状态、列对应关系与结果统计", responses={200: UploadSerializer})
    def get(self, request, pk: int):
        return Response(UploadSerializer(_upload(request, pk)).data)


class UploadConfirmApi(APIView):
    parser_classes = [JSONParser]

    @extend_schema(summary="（可先调整列对应关系）确认花名册并开始核验",
                   request=ConfirmRequest, responses={200: UploadSerializer})
    def post(self, request, pk: int):
        data = ConfirmRequest(data=request.data)
        data.is_valid(raise_exception=True)
        upload = _upload(request, pk)
        if data.validated_data.get("overrides"):
            upload = services.upload_set_mapping(by=request.user, upload=upload,
                                                 overrides=data.validated_data["overrides"])
        upload = services.upload_confirm(by=request.user, upload=upload,
                                         as_of=data.validated_data["as_of"])
        return Response(UploadSerializer(upload).data)


class UploadResultsApi(ListAPIView):
    serializer_class = ResultSerializer

    @extend_schema(summary="逐行核验结果（可按结果筛选）", parameters=[
        OpenApiParameter("result", str, description="结果代码，如 not_found；problems = 全部问题"),
        OpenApiParameter("q", str, description="姓名、身份证号或证书编号")])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        upload = _upload(self.request, self.kwargs["pk"])
        return selectors.results_for(user=self.request.user, upload=upload,
                                     result=self.request.query_params.get("result", ""),
                                     query=self.request.query_params.get("q", ""))

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        rows = response.data.get("results", response.data) if isinstance(response.data, dict) \
            else response.data
        selectors.results_shown(user=request.user,
                                rows=[WorkerResult(pk=r["id"]) for r in rows])
        return response
