"""JSON endpoints of the institutions' self-inspection: every action of the pages, on the
same selectors and services (OpenAPI documented)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer, extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from certguard.core.errors import AppError
from certguard.core.figures import filter_from
from certguard.core.filters import apply_filters, filter_parameters
from certguard.core.pagination import Pagination, page_parameters, paginated
from certguard.institutions import figures, selectors, services
from certguard.institutions.filters import FindingFilterSet
from certguard.institutions.models import (
    Answer,
    Filing,
    Finding,
    Period,
    Plan,
    PlanProgress,
    RecordUpload,
)


class InstitutionUploadSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = RecordUpload
        fields = ["id", "organisation", "organisation_name", "kind", "file_name", "size",
                  "sha256", "rows_read", "accepted", "rejected_count", "created_at"]


class UploadDetailSerializer(InstitutionUploadSerializer):
    class Meta(InstitutionUploadSerializer.Meta):
        fields = [*InstitutionUploadSerializer.Meta.fields, "rejected"]


class UploadInSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="交换格式 training（培训机构）或 exams（考试机构）的 "
                                           "CSV 或 XLSX 文件")


class AnswerSerializer(serializers.ModelSerializer):
    by = serializers.CharField(source="by.username", default=None, read_only=True)

    class Meta:
        model = Answer
        fields = ["id", "kind", "text", "plan", "by", "at"]


class FindingSerializer(serializers.ModelSerializer):
    rule_label = serializers.CharField(read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = Finding
        fields = ["id", "organisation", "organisation_name", "rule", "rule_label", "severity",
                  "detail", "id_no", "name", "cert_no", "item_code", "status", "present",
                  "created_at", "last_seen", "clue_id", "referred_at"]


class FindingDetailSerializer(FindingSerializer):
    answers = AnswerSerializer(many=True, read_only=True)

    class Meta(FindingSerializer.Meta):
        fields = [*FindingSerializer.Meta.fields, "evidence", "rows", "answers"]


class AnswerInSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["explanation", "correction", "plan"],
                                   help_text="情况说明、更正记录（附更正后的上传）或整改计划")
    text = serializers.CharField(max_length=2000)
    deadline = serializers.DateField(required=False, allow_null=True,
                                     help_text="整改期限（kind=plan 时必填，不得早于今天）")


class ProgressSerializer(serializers.ModelSerializer):
    by = serializers.CharField(source="by.username", default=None, read_only=True)

    class Meta:
        model = PlanProgress
        fields = ["id", "note", "completes", "evidence_name", "evidence_sha256", "by", "at"]


class InstitutionPlanSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = Plan
        fields = ["id", "organisation", "organisation_name", "finding", "measures", "deadline",
                  "status", "done_on", "created_at"]


class PlanDetailSerializer(InstitutionPlanSerializer):
    progress = ProgressSerializer(many=True, read_only=True)

    class Meta(InstitutionPlanSerializer.Meta):
        fields = [*InstitutionPlanSerializer.Meta.fields, "progress"]


class PlanInSerializer(serializers.Serializer):
    measures = serializers.CharField(max_length=2000)
    deadline = serializers.DateField(allow_null=True)
    finding = serializers.IntegerField(required=False, allow_null=True, min_value=1)


class ProgressInSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000)
    completes = serializers.BooleanField(required=False, default=False)
    evidence = serializers.FileField(required=False, help_text="佐证材料（完成整改时必附）")


class InstitutionPeriodSerializer(serializers.ModelSerializer):
    class Meta:
        model = Period
        fields = ["id", "name", "start", "end", "closes_on"]


class FilingSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    period_name = serializers.CharField(source="period.name", read_only=True)

    class Meta:
        model = Filing
        fields = ["id", "organisation", "organisation_name", "period", "period_name", "kind",
                  "department", "status", "filed_at", "late", "problems_found",
                  "procedures_streamlined", "return_reason", "returned_at"]


class FilingDetailSerializer(FilingSerializer):
    class Meta(FilingSerializer.Meta):
        fields = [*FilingSerializer.Meta.fields, "answers", "figures", "principal", "contact",
                  "phone"]


class FilingInSerializer(serializers.Serializer):
    answers = serializers.DictField(
        child=serializers.DictField(child=serializers.CharField(allow_blank=True)),
        help_text="自查项目 → {situation（必填）, problems, measures}")
    principal = serializers.CharField(required=False, allow_blank=True, default="")
    contact = serializers.CharField(required=False, allow_blank=True, default="")
    phone = serializers.CharField(required=False, allow_blank=True, default="")
    problems_found = serializers.IntegerField(required=False, default=0, min_value=0)
    procedures_streamlined = serializers.IntegerField(required=False, default=0, min_value=0)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


def _valid(serializer_class, request):
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return data.validated_data


def _page(request, view, rows, serializer_class):
    paginator = Pagination()
    page = paginator.paginate_queryset(rows, request, view=view)
    return paginator.get_paginated_response(serializer_class(page, many=True).data)


class UploadListApi(APIView):
    policy = {"read": "institutions.view", "write": "institutions.file"}
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(summary="本机构（或辖区机构）上传的培训、考试记录文件",
                   responses=paginated(InstitutionUploadSerializer))
    def get(self, request):
        return _page(request, self, selectors.uploads_for(user=request.user),
                     InstitutionUploadSerializer)

    @extend_schema(summary="上传培训班与学时记录（培训机构）或考试记录（考试机构），逐行检查并自查",
                   request={"multipart/form-data": UploadInSerializer},
                   responses=UploadDetailSerializer)
    def post(self, request):
        handle = request.FILES.get("file")
        if handle is None:
            raise AppError("file_required", "请上传文件（字段名 file）")
        made = services.upload_create(by=request.user, file_name=handle.name,
                                      data=handle.read())
        return Response(UploadDetailSerializer(made).data, status=201)


class UploadDetailApi(APIView):
    policy = "institutions.view"

    @extend_schema(summary="一次上传：文件指纹与被拒绝的行", responses=UploadDetailSerializer)
    def get(self, request, pk: int):
        return Response(UploadDetailSerializer(
            selectors.upload_get(user=request.user, pk=pk)).data)


class CheckApi(APIView):
    policy = {"write": "institutions.file"}

    @extend_schema(summary="对本机构的记录重新自查（规则 R11–R16 及复审证书核对）", request=None,
                   responses={200: dict})
    def post(self, request):
        return Response(services.check_run(by=request.user).as_dict())


class FindingListApi(APIView):
    policy = "institutions.view"

    @extend_schema(summary="平台发现的问题（本机构的，或辖区机构的）",
                   responses=paginated(FindingSerializer),
                   parameters=filter_parameters(FindingFilterSet))
    def get(self, request):
        rows = apply_filters(FindingFilterSet, data=request.query_params, request=request,
                             queryset=selectors.findings_for(user=request.user))
        return _page(request, self, rows, FindingSerializer)


class FindingDetailApi(APIView):
    policy = "institutions.view"

    @extend_schema(summary="一条问题：相关记录与答复", responses=FindingDetailSerializer)
    def get(self, request, pk: int):
        return Response(FindingDetailSerializer(
            selectors.finding_get(user=request.user, pk=pk)).data)


class FindingAnswerApi(APIView):
    policy = {"write": "institutions.file"}

    @extend_schema(summary="答复问题：情况说明、更正记录或整改计划（带期限）",
                   request=AnswerInSerializer, responses=FindingDetailSerializer)
    def post(self, request, pk: int):
        selectors.finding_get(user=request.user, pk=pk, action="institutions.file")
        data = _valid(AnswerInSerializer, request)
        services.finding_answer(by=request.user, finding_id=pk, kind=data["kind"],
                                text=data["text"], deadline=data.get("deadline"))
        return Response(FindingDetailSerializer(
            selectors.finding_get(user=request.user, pk=pk)).data)


class FindingReferApi(APIView):
    policy = {"write": "institutions.refer"}

    @extend_schema(summary="把问题转为线索（进入线索处理、检查或立案）", request=None,
                   responses=FindingDetailSerializer)
    def post(self, request, pk: int):
        selectors.finding_get(user=request.user, pk=pk, action="institutions.refer")
        services.finding_refer(by=request.user, finding_id=pk)
        return Response(FindingDetailSerializer(
            selectors.finding_get(user=request.user, pk=pk)).data)


class PlanListApi(APIView):
    policy = {"read": "institutions.view", "write": "institutions.file"}

    @extend_schema(summary="整改计划", responses=paginated(InstitutionPlanSerializer))
    def get(self, request):
        return _page(request, self, selectors.plans_for(user=request.user),
                     InstitutionPlanSerializer)

    @extend_schema(summary="制定整改计划（期限不得早于今天）", request=PlanInSerializer,
                   responses=PlanDetailSerializer)
    def post(self, request):
        data = _valid(PlanInSerializer, request)
        plan = services.plan_create(by=request.user, measures=data["measures"],
                                    deadline=data["deadline"], finding_id=data.get("finding"))
        return Response(PlanDetailSerializer(plan).data, status=201)


class PlanDetailApi(APIView):
    policy = "institutions.view"

    @extend_schema(summary="一项整改计划及其进展", responses=PlanDetailSerializer)
    def get(self, request, pk: int):
        return Response(PlanDetailSerializer(selectors.plan_get(user=request.user, pk=pk)).data)


class PlanProgressApi(APIView):
    policy = {"write": "institutions.file"}
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(summary="记录整改进展（附佐证材料；完成整改须附材料）",
                   request={"multipart/form-data": ProgressInSerializer},
                   responses=PlanDetailSerializer)
    def post(self, request, pk: int):
        selectors.plan_get(user=request.user, pk=pk)
        data = _valid(ProgressInSerializer, request)
        evidence = data.get("evidence")
        services.plan_progress(by=request.user, plan_id=pk, note=data["note"],
                               completes=data["completes"],
                               evidence_name=evidence.name if evidence else "",
                               evidence=evidence.read() if evidence else None)
        return Response(PlanDetailSerializer(selectors.plan_get(user=request.user, pk=pk)).data)


class PeriodListApi(APIView):
    policy = {"read": "institutions.view", "write": "institutions.periods"}

    @extend_schema(summary="自查期间", responses=paginated(InstitutionPeriodSerializer))
    def get(self, request):
        return _page(request, self, selectors.periods_for(user=request.user),
                     InstitutionPeriodSerializer)

    @extend_schema(summary="设立自查期间（报送截止日期后报送记为逾期）",
                   request=InstitutionPeriodSerializer, responses=InstitutionPeriodSerializer)
    def post(self, request):
        data = _valid(InstitutionPeriodSerializer, request)
        period = services.period_create(by=request.user, name=data["name"],
                                        start=data["start"], end=data["end"],
                                        closes_on=data["closes_on"])
        return Response(InstitutionPeriodSerializer(period).data, status=201)


def _file(request, pk: int) -> Response:
    data = _valid(FilingInSerializer, request)
    filing = services.filing_file(by=request.user, period_id=pk, answers=data["answers"],
                                  principal=data["principal"], contact=data["contact"],
                                  phone=data["phone"], problems_found=data["problems_found"],
                                  procedures_streamlined=data["procedures_streamlined"])
    body = FilingDetailSerializer(filing).data
    body["late_message"] = services.late_message(filing)
    return Response(body, status=201)


class FilingFileApi(APIView):
    policy = {"write": "institutions.file"}

    @extend_schema(summary="报送培训机构或考试机构本期自查表（截止后报送记为逾期）",
                   request=FilingInSerializer, responses=FilingDetailSerializer)
    def post(self, request, pk: int):
        return _file(request, pk)


class AuthorityFilingFileApi(APIView):
    policy = {"write": "institutions.authority_file"}

    @extend_schema(summary="报送考核发证机关本期自查表（发现问题、优化办事程序条数）",
                   request=FilingInSerializer, responses=FilingDetailSerializer)
    def post(self, request, pk: int):
        return _file(request, pk)


class FilingListApi(APIView):
    policy = "institutions.view"

    @extend_schema(summary="自查表（本单位的，或辖区的）", responses=paginated(FilingSerializer))
    def get(self, request):
        return _page(request, self, selectors.filings_for(user=request.user), FilingSerializer)


class FilingDetailApi(APIView):
    policy = "institutions.view"

    @extend_schema(summary="一份自查表：答复与平台数据", responses=FilingDetailSerializer)
    def get(self, request, pk: int):
        return Response(FilingDetailSerializer(
            selectors.filing_get(user=request.user, pk=pk)).data)


class FilingReturnApi(APIView):
    policy = {"write": "institutions.return"}

    @extend_schema(summary="退回自查表（须填理由）", request=ReasonSerializer,
                   responses=FilingDetailSerializer)
    def post(self, request, pk: int):
        selectors.filing_get(user=request.user, pk=pk)
        data = _valid(ReasonSerializer, request)
        filing = services.filing_return(by=request.user, filing_id=pk, reason=data["reason"])
        return Response(FilingDetailSerializer(filing).data)


class FilingDownloadApi(APIView):
    policy = "institutions.view"

    @extend_schema(summary="下载自查表（xlsx 或 pdf，盖章用）", responses={200: bytes})
    def get(self, request, pk: int, fmt: str):
        from certguard.institutions.views import checklist_file

        filing = selectors.filing_get(user=request.user, pk=pk)
        return checklist_file(user=request.user, filing=filing, fmt=fmt)


class ProgressApi(APIView):
    policy = "institutions.view"

    @extend_schema(summary="辖区各机构的自查进度（问题、答复、整改计划、报送）",
                   responses={200: dict})
    def get(self, request):
        rows = selectors.progress_by_institution(user=request.user)
        for row in rows:
            row["last_filed"] = row["last_filed"].isoformat() if row["last_filed"] else None
        return Response({"institutions": rows})


FIGURE_PARAMS = [OpenApiParameter("region", str, description="地区代码前缀（2–6位）"),
                 OpenApiParameter("department", str, description="部门类别（yj、zj、scjg…）"),
                 OpenApiParameter("start", str, description="期间开始 YYYY-MM-DD"),
                 OpenApiParameter("end", str, description="期间结束 YYYY-MM-DD")]


class FiguresApi(APIView):
    policy = "institutions.figures"

    @extend_schema(summary="机构自查统计（按地区、部门、期间）",
                   parameters=[*FIGURE_PARAMS, OpenApiParameter(
                       "group_by", str, description="region 或 department")],
                   responses={200: dict})
    def get(self, request):
        return Response(figures.institutions_figures(
            user=request.user, filters=filter_from(request.query_params),
            group_by=str(request.query_params.get("group_by", ""))))


class FigureRecordsApi(APIView):
    policy = "institutions.figures"

    @extend_schema(summary="一项统计背后的记录（自查表或问题）",
                   parameters=[*FIGURE_PARAMS, *page_parameters()],
                   responses=paginated(PolymorphicProxySerializer(
                       component_name="FigureRecord", resource_type_field_name=None,
                       serializers=[FilingSerializer, FindingSerializer], many=True),
                       name="PaginatedFigureRecordList"))
    def get(self, request, figure: str):
        records = figures.figure_records(user=request.user, figure=figure,
                                         filters=filter_from(request.query_params))
        paginator = Pagination()
        page: list = paginator.paginate_queryset(records, request, view=self) or []
        serializer = FilingSerializer if records.model is Filing else FindingSerializer
        return paginator.get_paginated_response(serializer(page, many=True).data)
