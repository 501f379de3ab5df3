"""JSON endpoints of the statistical tables: every action of the pages (define a form
version, open a period, compute, enter, submit, return, approve, unlock one value, remind,
drill down), through the same services and selectors."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from certguard.core.pagination import Pagination, paginated
from certguard.core.scoping import actor_of
from certguard.reporting import selectors, services
from certguard.reporting.models import FormVersion, Period, Report
from certguard.reporting.reference import EVENT_KINDS, LEVELS, PERIOD_TYPES, SOURCES, STATUSES


class FormVersionSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="form.code", read_only=True)
    name = serializers.CharField(source="form.name", read_only=True)

    class Meta:
        model = FormVersion
        fields = ["id", "code", "name", "number", "period_type", "fill_level", "due", "layout",
                  "note", "created_at"]


class FormVersionInSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=40)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    source = serializers.CharField(  # type: ignore[assignment]  # the payload's key
        max_length=200, required=False, allow_blank=True, default="")
    period_type = serializers.ChoiceField(choices=list(PERIOD_TYPES))
    fill_level = serializers.ChoiceField(choices=["county", "city"])
    due = serializers.JSONField()
    layout = serializers.JSONField()
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class FormVersionListApi(APIView):
    policy = {"read": "reporting.view", "write": "reporting.forms"}

    @extend_schema(summary="报表及其版本", responses=FormVersionSerializer(many=True))
    def get(self, request):
        versions = selectors.versions_for(user=request.user).order_by("form__code", "number")
        return Response(FormVersionSerializer(versions, many=True).data)

    @extend_schema(summary="新增报表或新版本（版本保存后不再修改）",
                   request=FormVersionInSerializer, responses=FormVersionSerializer)
    def post(self, request):
        data = FormVersionInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        version = services.form_version_create(by=request.user, **data.validated_data)
        return Response(FormVersionSerializer(version).data, status=201)


class ReportingPeriodSerializer(serializers.ModelSerializer):
    form = serializers.CharField(source="form.code", read_only=True)
    version = serializers.IntegerField(source="version.number", read_only=True)

    class Meta:
        model = Period
        fields = ["id", "form", "version", "region", "label", "start", "end", "due_date",
                  "upper_due_date", "series", "cumulative_from"]


class PeriodInSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)
    region = serializers.CharField(max_length=6)
    start = serializers.CharField(max_length=20)
    end = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    series = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    cumulative_from = serializers.CharField(max_length=20, required=False, allow_blank=True,
                                            default="")


class PeriodListApi(APIView):
    policy = {"read": "reporting.view", "write": "reporting.periods"}

    @extend_schema(summary="报送期间", responses=paginated(ReportingPeriodSerializer),
                   parameters=[OpenApiParameter("series", str, description="专项行动")])
    def get(self, request):
        periods = selectors.periods_for(user=request.user,
                                        series=str(request.query_params.get("series", ""))[:60])
        paginator = Pagination()
        page = paginator.paginate_queryset(periods, request, view=self)
        return paginator.get_paginated_response(ReportingPeriodSerializer(page, many=True).data)

    @extend_schema(summary="开启报送期间（为辖区各单位建立报表）", request=PeriodInSerializer,
                   responses=ReportingPeriodSerializer)
    def post(self, request):
        data = PeriodInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        period = services.period_open(by=request.user, version_id=d["version"],
                                      region_code=d["region"], start=d["start"],
                                      end=d["end"] or None, series=d["series"],
                                      cumulative_from=d["cumulative_from"] or None)
        return Response(ReportingPeriodSerializer(period).data, status=201)


class RemindSerializer(serializers.Serializer):
    message = serializers.CharField(max_length=500, required=False, allow_blank=True,
                                    default="")


# --- documented answers (the views build these shapes from the selectors' objects) ----------

class CompletenessSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=list(LEVELS.items()))
    expected = serializers.IntegerField(help_text="应报送的报表数")
    submitted = serializers.IntegerField(help_text="已报送（含已审核，不含退回）")
    on_time = serializers.IntegerField(help_text="按时报送")
    reporting_rate = serializers.FloatField(allow_null=True, help_text="报送率（无应报时为空）")
    on_time_rate = serializers.FloatField(allow_null=True, help_text="及时率（无应报时为空）")


class PeriodReportRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    region = serializers.CharField(help_text="填报单位的地区代码")
    level = serializers.ChoiceField(choices=list(LEVELS.items()))
    status = serializers.ChoiceField(choices=list(STATUSES.items()))
    on_time = serializers.BooleanField(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)


class NonSubmitterSerializer(serializers.Serializer):
    report = serializers.IntegerField(help_text="报表 id")
    region = serializers.CharField()
    name = serializers.CharField(help_text="单位名称")
    status = serializers.ChoiceField(choices=list(STATUSES.items()))
    reminders = serializers.IntegerField(help_text="已催报次数")


class PeriodDetailSerializer(serializers.Serializer):
    period = ReportingPeriodSerializer()
    completeness = CompletenessSerializer(many=True, help_text="各层级的报送率与及时率")
    reports = PeriodReportRowSerializer(many=True, help_text="本人可见的各单位报表")
    not_submitted = NonSubmitterSerializer(many=True, help_text="未报送（草稿或退回）的下级单位")


class RemindedSerializer(serializers.Serializer):
    reminded = serializers.ListField(child=serializers.CharField(),
                                     help_text="已催报单位的地区代码")


class CellSerializer(serializers.Serializer):
    measure = serializers.CharField()
    item = serializers.CharField(help_text="部门代码（无分项时为空）")
    value = serializers.CharField(allow_null=True, help_text="数值（十进制文本）")
    text = serializers.CharField(help_text="显示文本")
    source = serializers.ChoiceField(choices=list(SOURCES.items()))  # type: ignore[assignment]
    locked = serializers.BooleanField()
    recomputed = serializers.CharField(allow_null=True, help_text="重新计算所得的值")
    difference = serializers.CharField(allow_null=True, help_text="重新计算与已报数值之差")
    unlock_reason = serializers.CharField()
    cumulative = serializers.CharField(allow_null=True, help_text="累计数（累计报表）")


class ReportEventRowSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=list(EVENT_KINDS.items()))
    actor = serializers.CharField(help_text="经办人")
    reason = serializers.CharField()
    at = serializers.DateTimeField()


class ReportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    period = serializers.IntegerField(help_text="报送期间 id")
    form = serializers.CharField(help_text="表号")
    label = serializers.CharField(help_text="期间名称")  # type: ignore[assignment]
    region = serializers.CharField()
    level = serializers.ChoiceField(choices=list(LEVELS.items()))
    status = serializers.ChoiceField(choices=list(STATUSES.items()))
    due_date = serializers.DateField()
    on_time = serializers.BooleanField(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    approved_at = serializers.DateTimeField(allow_null=True)
    returned_reason = serializers.CharField()
    included = serializers.ListField(child=serializers.CharField(),
                                     help_text="汇总的下级单位的地区代码")
    measures = serializers.ListField(child=serializers.DictField(), help_text=(
        "指标：[{code, group, label, formula 或 manual}]（见报表版本的 layout）"))
    items = serializers.ListField(child=serializers.CharField(),
                                  help_text="分项（部门代码；无分项时为一个空字符串）")
    values = CellSerializer(many=True)
    events = ReportEventRowSerializer(many=True, help_text="办理记录")


class DrillRecordSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="记录类别")
    id = serializers.IntegerField()
    text = serializers.CharField()
    created_at = serializers.DateTimeField(allow_null=True)


class DrillPartSerializer(serializers.Serializer):
    ref = serializers.CharField(help_text="指标引用 <app>.<figure>")
    label = serializers.CharField()  # type: ignore[assignment]
    available = serializers.BooleanField(help_text="数据源是否可用")
    count = serializers.IntegerField(allow_null=True)
    records = DrillRecordSerializer(many=True, help_text="所计的记录（至多 200 条）")


class DrillSerializer(serializers.Serializer):
    label = serializers.CharField()  # type: ignore[assignment]
    formula = serializers.CharField(help_text="计算公式（手工填报的指标为“手工填报”）")
    parts = DrillPartSerializer(many=True)


class PeriodDetailApi(APIView):
    policy = {"read": "reporting.view", "write": "reporting.approve"}

    @extend_schema(summary="报送期间：报送率、及时率与未报送单位",
                   responses=PeriodDetailSerializer)
    def get(self, request, pk: int):
        period = selectors.period_get(user=request.user, pk=pk)
        pending = selectors.non_submitters(period=period,
                                           parent=actor_of(request.user).region_code)
        return Response({
            "period": ReportingPeriodSerializer(period).data,
            "completeness": [c.as_dict() for c in selectors.completeness(period=period)],
            "reports": [{"id": r.pk, "region": r.region_id, "level": r.level,
                         "status": r.status, "on_time": r.on_time, "submitted_at": r.submitted_at}
                        for r in selectors.period_reports(user=request.user, period=period)],
            "not_submitted": [{"report": p["report"].pk, "region": p["region"],
                               "name": p["name"], "status": p["status"],
                               "reminders": p["reminders"]} for p in pending]})

    @extend_schema(summary="向未报送的下级单位催报", request=RemindSerializer,
                   responses=RemindedSerializer, operation_id="reporting_periods_remind")
    def post(self, request, pk: int):
        selectors.period_get(user=request.user, pk=pk)
        data = RemindSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        sent = services.reminders_send(by=request.user, period_id=pk,
                                       message=data.validated_data["message"])
        return Response({"reminded": [r.region_id for r in sent]})


def _report_json(report: Report) -> dict:
    table = selectors.report_table(report=report)
    return {"id": report.pk, "period": report.period_id, "form": report.period.form.code,
            "label": report.period.label, "region": report.region_id, "level": report.level,
            "status": report.status, "due_date": report.due_date, "on_time": report.on_time,
            "submitted_at": report.submitted_at, "approved_at": report.approved_at,
            "returned_reason": report.returned_reason, "included": report.included,
            "measures": table.measures, "items": table.items,
            "values": [c.as_dict() for c in table.cells.values()],
            "events": [{"kind": e.kind, "actor": e.actor_name, "reason": e.reason,
                        "at": e.created_at} for e in selectors.report_events(report=report)]}


class ReportDetailApi(APIView):
    policy = "reporting.view"

    @extend_schema(summary="一张报表：数值（来源、锁定、重新计算差异、累计）与办理记录",
                   responses=ReportSerializer)
    def get(self, request, pk: int):
        return Response(_report_json(selectors.report_get(user=request.user, pk=pk)))


class FillSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=["compute", "enter", "submit"])
    measure = serializers.CharField(max_length=40, required=False, allow_blank=True,
                                    default="")
    item = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    value = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")


class ReportFillApi(APIView):
    policy = {"write": "reporting.fill"}

    @extend_schema(summary="本单位：计算、手工填报（或更正已解锁的数值）、报送",
                   request=FillSerializer, responses=ReportSerializer)
    def post(self, request, pk: int):
        selectors.report_get(user=request.user, pk=pk, action="reporting.fill")
        data = FillSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        if d["action"] == "compute":
            services.report_compute(by=request.user, report_id=pk)
        elif d["action"] == "enter":
            services.value_enter(by=request.user, report_id=pk, measure=d["measure"],
                                 item=d["item"], value=d["value"])
        else:
            services.report_submit(by=request.user, report_id=pk)
        return Response(_report_json(selectors.report_get(user=request.user, pk=pk)))


class ReviewSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=["approve", "return", "unlock"])
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True,
                                   default="")
    measure = serializers.CharField(max_length=40, required=False, allow_blank=True,
                                    default="")
    item = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")


class ReportReviewApi(APIView):
    policy = {"write": "reporting.approve"}

    @extend_schema(summary="上一级：审核通过（锁定）、退回（须填理由）、解锁单个数值（须填理由）",
                   request=ReviewSerializer, responses=ReportSerializer)
    def post(self, request, pk: int):
        selectors.report_get(user=request.user, pk=pk, action="reporting.approve")
        data = ReviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        if d["action"] == "approve":
            services.report_approve(by=request.user, report_id=pk)
        elif d["action"] == "return":
            services.report_return(by=request.user, report_id=pk, reason=d["reason"])
        else:
            services.value_unlock(by=request.user, report_id=pk, measure=d["measure"],
                                  item=d["item"], reason=d["reason"])
        return Response(_report_json(selectors.report_get(user=request.user, pk=pk)))


class ReportRecordsApi(APIView):
    policy = "reporting.view"

    @extend_schema(summary="一个数值所计的业务记录",
                   parameters=[OpenApiParameter("measure", str), OpenApiParameter("item", str)],
                   responses=DrillSerializer)
    def get(self, request, pk: int):
        report = selectors.report_get(user=request.user, pk=pk)
        drill = selectors.value_records(user=request.user, report=report,
                                        measure=str(request.query_params.get("measure", "")),
                                        item=str(request.query_params.get("item", "")))
        return Response({"label": drill.label, "formula": drill.formula, "parts": drill.parts})
