"""JSON endpoints of the campaign view: figures by employer, region and sector, the employers
that have not filed, and reminders (scoped like the pages, the same services)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from certguard.core.errors import AppError, NotFound
from certguard.core.filters import MAX_ID
from certguard.core.pagination import page_parameters, paginate, paginated
from certguard.orgs.reference import SECTORS
from certguard.selfcheck import figures
from certguard.selfcheck.models import Reminder

PERIOD_PARAMETERS = [
    OpenApiParameter("start", OpenApiTypes.DATE, description="统计起始日，默认本年1月1日"),
    OpenApiParameter("end", OpenApiTypes.DATE, description="统计截止日，默认今天"),
    OpenApiParameter("region", str, description="行政区划代码（前缀，2至6位）"),
    OpenApiParameter("sector", str, enum=list(SECTORS), description="行业"),
]


class FiguresSerializer(serializers.Serializer):
    employers = serializers.IntegerField(help_text="用人单位数")
    filed = serializers.IntegerField(help_text="已报送自查的单位数（已核验且未被退回）")
    checked = serializers.IntegerField(help_text="核验人数")
    valid = serializers.IntegerField(help_text="持证有效人数")
    found = serializers.IntegerField(help_text="发现问题数")
    rectified = serializers.IntegerField(help_text="已整改数")
    outstanding = serializers.IntegerField(help_text="待整改数")
    selfcheck_rate = serializers.FloatField(allow_null=True, help_text="自查率（0–1）")
    certified_rate = serializers.FloatField(allow_null=True, help_text="持证率（0–1）")
    selfcheck_pct = serializers.CharField(help_text="自查率，如 50.0%；无数据时为 —")
    certified_pct = serializers.CharField(help_text="持证率，如 50.0%；无数据时为 —")


class RegionFiguresSerializer(serializers.Serializer):
    region_code = serializers.CharField()
    region_name = serializers.CharField()
    figures = FiguresSerializer()


class SectorFiguresSerializer(serializers.Serializer):
    sector = serializers.CharField()
    sector_label = serializers.CharField()
    figures = FiguresSerializer()


class CellFiguresSerializer(serializers.Serializer):
    region_code = serializers.CharField()
    region_name = serializers.CharField()
    sector = serializers.CharField()
    sector_label = serializers.CharField()
    figures = FiguresSerializer()


class EmployerBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    region_code = serializers.CharField()
    region_name = serializers.CharField()
    sector = serializers.CharField()
    sector_label = serializers.CharField()
    returned = serializers.BooleanField(help_text="自查被退回、尚未重新报送")
    last_reminded = serializers.DateTimeField(allow_null=True, help_text="最近一次提醒时间")
    last_reminder_read = serializers.DateTimeField(
        allow_null=True, help_text="最近一次提醒的阅读时间（未读为 null）")


class EmployerFiguresSerializer(EmployerBriefSerializer):
    filed = serializers.BooleanField(help_text="期间内已报送自查")
    upload_id = serializers.IntegerField(allow_null=True, help_text="计入统计的花名册")
    figures = FiguresSerializer()


class PeriodSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()


class FiguresResponse(serializers.Serializer):
    period = PeriodSerializer()
    region = serializers.CharField()
    sector = serializers.CharField()
    overall = FiguresSerializer()
    by_region = RegionFiguresSerializer(many=True)
    by_sector = SectorFiguresSerializer(many=True)
    by_region_sector = CellFiguresSerializer(many=True)
    employers = EmployerFiguresSerializer(many=True)


def _figures_query(request) -> tuple[figures.Period, dict[str, str]]:
    params = request.query_params
    period = figures.period_parse(start=params.get("start", ""), end=params.get("end", ""))
    return period, figures.filters_clean(region=params.get("region", ""),
                                         sector=params.get("sector", ""))


class FiguresApi(APIView):
    policy = "selfcheck.figures"

    @extend_schema(summary="自查统计：各单位，并按地区、行业合计（与统计页相同的数字）",
                   parameters=PERIOD_PARAMETERS, responses=FiguresResponse)
    def get(self, request):
        period, query = _figures_query(request)
        rows = figures.employer_rows(user=request.user, period=period, **query)
        roll = figures.rollup(rows)
        return Response(FiguresResponse({
            "period": period, **query, "overall": roll.overall.as_dict(),
            "by_region": [{"region_code": c, "region_name": n, "figures": f.as_dict()}
                          for c, n, f in roll.by_region],
            "by_sector": [{"sector": c, "sector_label": n, "figures": f.as_dict()}
                          for c, n, f in roll.by_sector],
            "by_region_sector": [{"region_code": r, "region_name": rn, "sector": s,
                                  "sector_label": sl, "figures": f.as_dict()}
                                 for r, rn, s, sl, f in roll.by_region_sector],
            "employers": [{**vars(row), "sector_label": row.sector_label,
                           "filed": bool(row.figures.filed), "figures": row.figures.as_dict()}
                          for row in rows],
        }).data)


class NotFiledApi(APIView):
    policy = "selfcheck.figures"

    @extend_schema(summary="期间内未报送自查的单位（含被退回待重报的）",
                   parameters=page_parameters() +
                              PERIOD_PARAMETERS, responses=paginated(EmployerBriefSerializer))
    def get(self, request):
        period, query = _figures_query(request)
        rows = figures.not_filed(figures.employer_rows(user=request.user, period=period, **query))
        return paginate(request, rows, EmployerBriefSerializer)


class ReminderSerializer(serializers.ModelSerializer):
    employer_name = serializers.CharField(source="employer.name", read_only=True)
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Reminder
        fields = ("id", "employer", "employer_name", "message", "sender_name", "created_at",
                  "is_read", "read_at")


class ReminderRequest(serializers.Serializer):
    employers = serializers.ListField(child=serializers.IntegerField(min_value=1,
                                                                     max_value=MAX_ID),
                                      max_length=10_000,
                                      help_text="用人单位编号（须在本辖区、本职责范围内）")
    message = serializers.CharField(max_length=500, required=False, allow_blank=True,
                                    default="",
                                    help_text="提醒内容，默认：" + figures.DEFAULT_MESSAGE)


class ReminderSentSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    results = ReminderSerializer(many=True)


class ReminderListApi(APIView):
    policy = {"read": "selfcheck.reminders", "write": "selfcheck.remind"}

    @extend_schema(summary="自查提醒（企业：收到的；监管部门：辖区内单位收到的）",
                   parameters=page_parameters() +
                              [OpenApiParameter("unread", bool, description="true：只看未读")],
                   responses=paginated(ReminderSerializer))
    def get(self, request):
        unread = request.query_params.get("unread", "").strip().lower()
        if unread not in ("", "true", "false", "1", "0"):
            raise AppError("unread_invalid", "unread 应为 true 或 false",
                           fields={"unread": ["应为 true 或 false"]})
        rows = figures.reminders_of(user=request.user, unread=unread in ("true", "1"))
        return paginate(request, rows, ReminderSerializer)

    @extend_schema(summary="提醒未报送自查的单位（监管部门；每家一条）", request=ReminderRequest,
                   responses={201: ReminderSentSerializer})
    def post(self, request):
        data = ReminderRequest(data=request.data)
        data.is_valid(raise_exception=True)
        sent = figures.reminder_send(by=request.user, employer_ids=data.validated_data["employers"],
                                     message=data.validated_data["message"])
        rows = figures.reminders_of(user=request.user).filter(pk__in=[r.pk for r in sent])
        return Response({"count": len(sent),
                         "results": ReminderSerializer(rows.order_by("employer_id"),
                                                       many=True).data}, status=201)


class ReminderReadApi(APIView):
    policy = {"write": "selfcheck.reminder_read"}

    @extend_schema(summary="把收到的提醒标记为已读（仅收到提醒的单位；重复标记保留首次时间）",
                   request=None, responses=ReminderSerializer)
    def post(self, request, pk: int):
        reminder = figures.reminders_of(user=request.user).filter(pk=pk).first()
        if reminder is None:
            raise NotFound("reminder_not_found", "提醒不存在或无权查看")
        reminder = figures.reminder_mark_read(by=request.user, reminder=reminder)
        return Response(ReminderSerializer(reminder).data)
