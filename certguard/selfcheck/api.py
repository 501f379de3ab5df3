"""JSON endpoints of the self-check: upload a roster, confirm it, read its results; record
rectification, send a filing back and re-file it; download the official tables; the campaign
figures, the non-filers and reminders are in ``api_campaign`` (all scoped like the pages)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from certguard.core.errors import AppError, NotFound
from certguard.core.filters import MAX_ID, apply_filters, filter_parameters
from certguard.core.pagination import page_parameters, paginate, paginated
from certguard.orgs.models import Organisation
from certguard.selfcheck import official_fill, rectification, selectors, services
from certguard.selfcheck.filters import ResultFilterSet
from certguard.selfcheck.models import (
    Rectification,
    RosterUpload,
    UploadEvent,
    WorkerResult,
)
from certguard.selfcheck.official_views import TABLE_NAMES, table_file


class UploadEventSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    by = serializers.CharField(source="by.username", default=None, read_only=True)

    class Meta:
        model = UploadEvent
        fields = ("kind", "kind_label", "reason", "by", "at")


class UploadSerializer(serializers.ModelSerializer):
    employer = serializers.CharField(source="employer.name", read_only=True)
    job_id = serializers.IntegerField(source="job.pk", read_only=True, allow_null=True)
    problem_count = serializers.IntegerField(read_only=True)
    events = UploadEventSerializer(many=True, read_only=True,
                                   help_text="退回与重新报送记录（从早到晚）")

    class Meta:
        model = RosterUpload
        fields = ("id", "employer", "file_name", "size", "sha256", "file_kind", "status",
                  "as_of", "mapping", "overrides", "accepted_count", "rejected_count",
                  "counts", "problem_count", "ledger_report", "plan", "held_reason", "job_id",
                  "created_at",
                  "confirmed_at", "verified_at", "error", "returned_at", "return_reason",
                  "events")


class ResultSerializer(serializers.ModelSerializer):
    result_label = serializers.CharField(source="get_result_display", read_only=True)

    class Meta:
        model = WorkerResult
        fields = ("id", "sheet", "row_no", "result", "result_label", "rules", "values",
                  "registry", "evidence", "reason", "rectified_action", "rectified_on")


class UploadRequest(serializers.Serializer):
    file = serializers.FileField(help_text="花名册文件（.xlsx、.xls 或 .csv）")
    confirm = serializers.BooleanField(default=False,
                                       help_text="true：不经预览，直接按自动识别的列确认并开始核验")
    as_of = serializers.DateField(required=False, allow_null=True, default=None,
                                  help_text="核验基准日，默认今天")
    confirm_leaving = serializers.BooleanField(
        default=False, help_text="确认后将标记离岗的人数超过台账在岗人数五分之一时，须为 true")


class ConfirmRequest(serializers.Serializer):
    overrides = serializers.DictField(
        child=serializers.DictField(child=serializers.CharField(allow_null=True)),
        required=False, help_text="工作表名 → {列序号（从0起）: 字段或 null（忽略）}")
    as_of = serializers.DateField(required=False, allow_null=True, default=None)
    confirm_leaving = serializers.BooleanField(
        default=False, help_text="确认后将标记离岗的人数超过台账在岗人数五分之一时，须为 true")


def _upload(request, pk: int, action: str = "selfcheck.view") -> RosterUpload:
    upload = selectors.upload_for(user=request.user, pk=pk, action=action)
    if upload is None:
        raise NotFound("not_found", "花名册不存在或无权查看")
    return upload


class UploadListApi(ListAPIView):
    policy = {"read": "selfcheck.view", "write": "selfcheck.file"}
    serializer_class = UploadSerializer
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self):
        return selectors.uploads_for(user=self.request.user).select_related("job") \
            .prefetch_related("events__by")

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
        if employer_id is None:  # the policy let the role in; the account has no enterprise
            raise AppError("selfcheck_forbidden", "只有用人单位可以导入花名册", status=403)
        file = data.validated_data["file"]
        services.check_upload_size(file.size)
        upload = services.upload_create(by=request.user,
                                        employer=Organisation.objects.get(pk=employer_id),
                                        file_name=file.name, data=file.read())
        if data.validated_data["confirm"]:
            upload = services.upload_confirm(
                by=request.user, upload=upload, as_of=data.validated_data["as_of"],
                confirm_leaving=data.validated_data["confirm_leaving"])
        return Response(UploadSerializer(upload).data, status=201)


class UploadDetailApi(APIView):
    policy = "selfcheck.view"

    @extend_schema(summary="花名册状态、列对应关系与结果统计", responses={200: UploadSerializer})
    def get(self, request, pk: int):
        upload = selectors.uploads_for(user=request.user).select_related("job") \
            .prefetch_related("events__by").filter(pk=pk).first()
        if upload is None:
            raise NotFound("not_found", "花名册不存在或无权查看")
        return Response(UploadSerializer(upload).data)


class UploadConfirmApi(APIView):
    policy = {"write": "selfcheck.file"}
    parser_classes = [JSONParser]

    @extend_schema(summary="（可先调整列对应关系）确认花名册并开始核验",
                   request=ConfirmRequest, responses={200: UploadSerializer})
    def post(self, request, pk: int):
        data = ConfirmRequest(data=request.data)
        data.is_valid(raise_exception=True)
        upload = _upload(request, pk, "selfcheck.file")
        if data.validated_data.get("overrides"):
            upload = services.upload_set_mapping(by=request.user, upload=upload,
                                                 overrides=data.validated_data["overrides"])
        upload = services.upload_confirm(by=request.user, upload=upload,
                                         as_of=data.validated_data["as_of"],
                                         confirm_leaving=data.validated_data["confirm_leaving"])
        return Response(UploadSerializer(upload).data)


class UploadResultsApi(ListAPIView):
    policy = "selfcheck.view"
    serializer_class = ResultSerializer

    @extend_schema(summary="逐行核验结果（可按结果筛选）",
                   parameters=filter_parameters(ResultFilterSet))
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        upload = _upload(self.request, self.kwargs["pk"])
        return apply_filters(ResultFilterSet, data=self.request.query_params,
                             request=self.request,
                             queryset=selectors.results_for(user=self.request.user,
                                                            upload=upload))


# --- Rectification, send-back and re-filing (issue 5, item 4) ---------------------------------

class RectificationSerializer(serializers.ModelSerializer):
    result = serializers.IntegerField(source="result_id", read_only=True,
                                      help_text="核验结果（问题行）编号")
    sheet = serializers.CharField(source="result.sheet", read_only=True)
    row_no = serializers.IntegerField(source="result.row_no", read_only=True)
    worker_name = serializers.CharField(source="result.worker_name", read_only=True)
    problem = serializers.CharField(source="result.result", read_only=True,
                                    help_text="该行的核验结果代码")
    problem_label = serializers.CharField(source="result.get_result_display", read_only=True)
    action = serializers.CharField(read_only=True, help_text="整改措施代码")
    action_label = serializers.CharField(source="get_action_display", read_only=True)
    by = serializers.CharField(source="by.username", default=None, read_only=True)

    class Meta:
        model = Rectification
        fields = ("id", "result", "sheet", "row_no", "worker_name", "problem", "problem_label",
                  "action", "action_label", "done_on", "note", "cert_source", "by",
                  "created_at")


class RectificationRequest(serializers.Serializer):
    action = serializers.ChoiceField(choices=Rectification.Action.choices,
                                     help_text="整改措施：transfer 调岗、dismiss 辞退、"
                                               "retrain 重新培训取证、review 复审、report 线索上报")
    done_on = serializers.DateField(help_text="整改日期（YYYY-MM-DD，不晚于今天）")
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="",
                                 help_text="说明")
    cert_source = serializers.CharField(max_length=500, required=False, allow_blank=True,
                                        default="",
                                        help_text="证书从何处取得（疑似假证时补充到线索证据）")


class ReturnRequest(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="",
                                   help_text="退回理由（必填，企业可见）")


class RefileRequest(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="",
                                 help_text="重新报送说明")


def _result(request, upload: RosterUpload, pk: int) -> WorkerResult:
    result = selectors.results_for(user=request.user, upload=upload).filter(pk=pk).first()
    if result is None:
        raise NotFound("result_not_found", "核验结果不存在或无权查看")
    return result


def _rectifications(request, upload: RosterUpload, result_id: int | None) -> Response:
    rows = rectification.rectifications_for(user=request.user, upload=upload,
                                            result_id=result_id)
    return paginate(request, rows, RectificationSerializer)


def _filing(upload: RosterUpload) -> dict:
    upload = RosterUpload.objects.select_related("employer", "job").prefetch_related(
        "events__by").get(pk=upload.pk)
    return UploadSerializer(upload).data


class UploadRectificationsApi(APIView):
    policy = "selfcheck.view"

    @extend_schema(summary="花名册全部整改记录（每个问题行按整改日期从新到旧）",
                   parameters=page_parameters() + [OpenApiParameter("result", int,
                                                description="只看该核验结果（行）的记录")],
                   responses=paginated(RectificationSerializer))
    def get(self, request, pk: int):
        upload = _upload(request, pk)
        result_id = request.query_params.get("result", "").strip()
        if result_id and not (result_id.isascii() and result_id.isdigit()
                              and int(result_id) <= MAX_ID):
            raise AppError("result_invalid", "result 应为核验结果编号（整数）",
                           fields={"result": ["应为整数"]})
        return _rectifications(request, upload, int(result_id) if result_id else None)


class ResultRectificationsApi(APIView):
    policy = {"read": "selfcheck.view", "write": "selfcheck.file"}

    @extend_schema(parameters=page_parameters(), summary="一个问题行的整改记录（从新到旧）",
                   responses=paginated(RectificationSerializer))
    def get(self, request, pk: int, result_pk: int):
        upload = _upload(request, pk)
        return _rectifications(request, upload, _result(request, upload, result_pk).pk)

    @extend_schema(summary="记录一个问题行的整改情况（仅本单位）；线索上报或疑似假证时生成线索",
                   request=RectificationRequest, responses={201: RectificationSerializer})
    def post(self, request, pk: int, result_pk: int):
        upload = _upload(request, pk, "selfcheck.file")
        result = _result(request, upload, result_pk)
        data = RectificationRequest(data=request.data)
        data.is_valid(raise_exception=True)
        entry = rectification.rectification_record(by=request.user, result=result,
                                                   **data.validated_data)
        return Response(RectificationSerializer(entry).data, status=201)


class UploadReturnApi(APIView):
    policy = {"write": "selfcheck.return"}

    @extend_schema(summary="退回企业自查（监管部门，须填理由）", request=ReturnRequest,
                   responses=UploadSerializer)
    def post(self, request, pk: int):
        upload = _upload(request, pk, "selfcheck.return")
        data = ReturnRequest(data=request.data)
        data.is_valid(raise_exception=True)
        upload = rectification.upload_return(by=request.user, upload=upload,
                                             reason=data.validated_data["reason"])
        return Response(_filing(upload))


class UploadRefileApi(APIView):
    policy = {"write": "selfcheck.file"}

    @extend_schema(summary="重新报送被退回的自查（仅本单位）", request=RefileRequest,
                   responses=UploadSerializer)
    def post(self, request, pk: int):
        upload = _upload(request, pk, "selfcheck.file")
        data = RefileRequest(data=request.data)
        data.is_valid(raise_exception=True)
        upload = rectification.upload_refile(by=request.user, upload=upload,
                                             note=data.validated_data["note"])
        return Response(_filing(upload))


# --- Official tables (issue 5, item 5) --------------------------------------------------------

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _AnyAccept(BaseContentNegotiation):
    """A download answers with its file whatever Accept says; errors are JSON."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class OfficialTableApi(APIView):
    policy = "selfcheck.view"
    renderer_classes = [JSONRenderer]
    content_negotiation_class = _AnyAccept

    @extend_schema(
        summary="下载自查表（register 登记表、checklist 自查表、management 特种作业管理情况自查表；"
                "xlsx 或 pdf）",
        description="按已核验的花名册填写官方表式（报监管部门，身份证号完整）；只提供适用于本单位"
                    "行业和证书类别的表式，其他表式答 400 table_not_applicable。下载记入审计日志。",
        parameters=[
            OpenApiParameter("table", str, OpenApiParameter.PATH, enum=list(TABLE_NAMES),
                             description="表：" + "、".join(f"{k} {v}"
                                                          for k, v in TABLE_NAMES.items())),
            OpenApiParameter("fmt", str, OpenApiParameter.PATH,
                             enum=list(official_fill.FORMATS), description="格式")],
        responses={(200, XLSX): OpenApiTypes.BINARY, (200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request, pk: int, table: str, fmt: str):
        upload = _upload(request, pk)
        if table not in TABLE_NAMES or fmt not in official_fill.FORMATS:
            raise NotFound("table_unknown", "没有这种自查表：表为 register、checklist 或 "
                                            "management，格式为 xlsx 或 pdf")
        return table_file(user=request.user, upload=upload, table=table, fmt=fmt)
