"""JSON endpoints of enforcement (OpenAPI documented): every action of the pages, the phone's
offline bundle and sync, the draw and its public verification, figures."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from certguard.core.errors import AppError, NotFound
from certguard.core.filters import apply_filters, filter_parameters
from certguard.core.pagination import Pagination, paginated
from certguard.enforcement import actions, selectors, services
from certguard.enforcement import figures as enforcement_figures
from certguard.enforcement.filters import PenaltyFilterSet, TaskFilterSet
from certguard.enforcement.models import (
    Draw,
    Finding,
    PenaltyDecision,
    Plan,
    RegisterUnit,
    Task,
)
from certguard.enforcement.reference import FINDING_KINDS, MODES, SOURCES


class TaskSerializer(serializers.ModelSerializer):
    class Meta:
        model = Task
        fields = ["id", "organisation", "department", "target", "target_name", "target_kind",
                  "region", "sector", "plan", "draw", "source", "source_ref", "mode", "secret",
                  "planned_on", "status", "approved_by", "approved_at", "started_at",
                  "completed_at", "cancelled_reason", "cap_reason", "parent_order", "place",
                  "handling", "unit_signed", "refusal_note"]


class TaskCreateRequest(serializers.Serializer):
    target = serializers.IntegerField(help_text="被检查单位编号（orgs）")
    source = serializers.ChoiceField(  # type: ignore[assignment]
        choices=[k for k in SOURCES if k != "reinspection"])
    planned_on = serializers.DateField()
    mode = serializers.ChoiceField(choices=list(MODES), default="normal")
    team = serializers.ListField(child=serializers.IntegerField(), min_length=1,
                                 help_text="检查组成员的用户编号（≥2 名在册执法人员）")
    source_ref = serializers.CharField(required=False, allow_blank=True, max_length=50)
    plan = serializers.IntegerField(required=False, allow_null=True)
    cap_reason = serializers.CharField(required=False, allow_blank=True, max_length=300)


class TaskListApi(APIView):
    policy = {"read": "enforcement.view", "write": "enforcement.task_create"}

    @extend_schema(summary="检查任务（四不两直任务在检查开始前只对检查组和负责人可见）",
                   parameters=filter_parameters(TaskFilterSet),
                   responses=paginated(TaskSerializer))
    def get(self, request):
        rows = apply_filters(TaskFilterSet, data=request.query_params,
                             queryset=selectors.tasks_for(user=request.user), request=request)
        paginator = Pagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(TaskSerializer(page, many=True).data)

    @extend_schema(summary="创建检查任务（待报批）", request=TaskCreateRequest,
                   responses={201: OpenApiTypes.OBJECT})
    def post(self, request):
        data = TaskCreateRequest(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        created = services.task_create(
            by=request.user, target_id=v["target"], source=v["source"],
            planned_on=v["planned_on"], mode=v["mode"], team=v["team"],
            source_ref=v.get("source_ref", ""), plan_id=v.get("plan"),
            cap_reason=v.get("cap_reason", ""))
        return Response({"task": TaskSerializer(created.task).data,
                         "warnings": created.warnings}, status=201)


class TaskDetailApi(APIView):
    policy = "enforcement.view"

    @extend_schema(summary="检查任务详情：检查组、检查表、核验名单、问题、文书",
                   responses=OpenApiTypes.OBJECT)
    def get(self, request, pk: int):
        task = selectors.task_get(user=request.user, pk=pk)
        return Response({
            **TaskSerializer(task).data,
            "team": [{"user": m.user_id, "name": str(m.user), "lead": m.lead}
                     for m in task.members.all()],
            "checklist": [{"code": e.code, "text": e.text, "result": e.result, "note": e.note,
                           "version": e.version} for e in task.checklist.all()],
            "workers": [{"id": w.pk, "name": w.name, "id_no": w.id_no, "post": w.post,
                         "result": w.result, "method": w.method}
                        for w in selectors.task_workers(user=request.user, task=task)],
            "findings": [{"id": f.pk, "kind": f.kind, "description": f.description,
                          "people": f.people, "clue_id": f.clue_id}
                         for f in selectors.task_findings(user=request.user, task=task)],
            "documents": [{"id": d.pk, "kind": d.kind, "number": d.number,
                           "pdf": f"/enforcement/documents/{d.pk}.pdf"}
                          for d in task.documents.all()]})


class TaskActionRequest(serializers.Serializer):
    action = serializers.ChoiceField(choices=list(actions.TASK_ACTIONS),
                                     help_text="、".join(f"{k} {v}" for k, v in
                                                        actions.TASK_ACTION_LABELS.items()))
    reason = serializers.CharField(required=False, allow_blank=True)
    handling = serializers.CharField(required=False, allow_blank=True)
    unit_signed = serializers.BooleanField(required=False)
    refusal_note = serializers.CharField(required=False, allow_blank=True)
    code = serializers.CharField(required=False, help_text="checklist：检查项编号 E1…E7 / I1…I7")
    result = serializers.CharField(required=False)
    note = serializers.CharField(required=False, allow_blank=True)
    base_version = serializers.IntegerField(required=False)
    worker_id = serializers.IntegerField(required=False)
    id_no = serializers.CharField(required=False, allow_blank=True)
    name = serializers.CharField(required=False, allow_blank=True)
    qr_text = serializers.CharField(required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=list(FINDING_KINDS), required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    people = serializers.IntegerField(required=False)
    finding_id = serializers.IntegerField(required=False)
    deadline = serializers.CharField(required=False, help_text="order：整改期限 YYYY-MM-DD")
    items = serializers.CharField(required=False, allow_blank=True)
    corrected = serializers.BooleanField(required=False)
    opinion = serializers.CharField(required=False, allow_blank=True)
    amount = serializers.CharField(required=False, help_text="penalty：罚款金额（元）")
    reason_outside = serializers.CharField(required=False, allow_blank=True)
    number = serializers.CharField(required=False, allow_blank=True,
                                   help_text="不接受：文书编号由系统连续编号")


def _shape(result: Any) -> dict:
    if isinstance(result, dict):
        return result
    if isinstance(result, int):
        return {"id": result}
    out: dict[str, Any] = {"id": getattr(result, "pk", None)}
    for key in ("status", "number", "version", "result", "deadline", "clue_id"):
        if hasattr(result, key):
            out[key] = str(getattr(result, key))
    return out


class TaskActionApi(APIView):
    policy = {"write": "enforcement.work"}
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(summary="办理检查任务：报批、审批、开始、检查表、核验证书、问题、转线索、"
                           "责令整改、复查、现场检查记录、拟定处罚、完成、取消",
                   request=TaskActionRequest, responses=OpenApiTypes.OBJECT)
    def post(self, request, pk: int):
        if not Task.objects.restrict(request.user, "enforcement.work").filter(pk=pk).exists():
            raise NotFound("task_not_found", "检查任务不存在或您不是该任务的检查组成员")
        data = TaskActionRequest(data=request.data)
        data.is_valid(raise_exception=True)
        payload = {**request.data.dict()} if hasattr(request.data, "dict") else dict(
            request.data)
        result = actions.task_act(by=request.user, task_id=pk,
                                  action=data.validated_data["action"], data=payload,
                                  files=request.FILES)
        return Response(_shape(result))


class OfflineBundleApi(APIView):
    policy = "enforcement.work"

    @extend_schema(summary="离线缓存包：检查表（含版本）、核验名单及其证书库摘录",
                   responses=OpenApiTypes.OBJECT)
    def get(self, request, pk: int):
        task = Task.objects.restrict(request.user, "enforcement.work").filter(pk=pk).first()
        if task is None:
            raise NotFound("task_not_found", "检查任务不存在或您不是该任务的检查组成员")
        return Response(selectors.offline_bundle(user=request.user, task=task))


class SyncRequest(serializers.Serializer):
    entries = serializers.ListField(child=serializers.DictField(), max_length=2000)


class SyncApi(APIView):
    policy = {"write": "enforcement.work"}

    @extend_schema(summary="同步离线记录（冲突逐项列出、不覆盖；任务已取消则拒绝）",
                   request=SyncRequest, responses=OpenApiTypes.OBJECT)
    def post(self, request, pk: int):
        if not Task.objects.restrict(request.user, "enforcement.work").filter(pk=pk).exists():
            raise NotFound("task_not_found", "检查任务不存在或您不是该任务的检查组成员")
        data = SyncRequest(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(services.sync_apply(by=request.user, task_id=pk,
                                            entries=data.validated_data["entries"]))


class PhotoApi(APIView):
    policy = {"write": "enforcement.work"}
    parser_classes = [MultiPartParser]

    @extend_schema(summary="为问题上传照片（JPEG、PNG、GIF、WebP，每张不超过20 MB）",
                   request={"multipart/form-data": {"type": "object", "properties": {
                       "photo": {"type": "string", "format": "binary"}}}},
                   responses={201: OpenApiTypes.OBJECT})
    def post(self, request, pk: int):
        from certguard.enforcement.reference import PHOTO_MAX_BYTES

        if not Finding.objects.restrict(request.user, "enforcement.work").filter(pk=pk).exists():
            raise NotFound("finding_not_found", "问题记录不存在或您不是该任务的检查组成员")
        upload = request.FILES.get("photo")
        if upload is None:
            raise AppError("photo_required", "请选择照片", fields={"photo": ["必填"]})
        photo = services.photo_add(by=request.user, finding_id=pk, name=upload.name,
                                   data=upload.read(PHOTO_MAX_BYTES + 1))
        return Response({"id": photo.pk, "sha256": photo.sha256, "kind": photo.kind},
                        status=201)


# --- plans, registers, draws ------------------------------------------------------------------

class PlanSerializer(serializers.ModelSerializer):
    matters = serializers.SerializerMethodField()
    proportions = serializers.SerializerMethodField()

    class Meta:
        model = Plan
        fields = ["id", "organisation", "department", "region", "year", "title",
                  "approved_by", "approved_at", "matters", "proportions"]

    def get_matters(self, plan) -> list[dict]:
        return [{"basis": m.basis, "subject": m.subject, "content": m.content,
                 "method": m.method} for m in plan.matters.all()]

    def get_proportions(self, plan) -> list[dict]:
        return [{"sector": p.sector, "risk_tier": p.risk_tier, "percent": str(p.percent)}
                for p in plan.proportions.all()]


class PlanRequest(serializers.Serializer):
    year = serializers.IntegerField()
    title = serializers.CharField(max_length=200)
    matters = serializers.ListField(child=serializers.DictField(),
                                    help_text="[{basis, subject, content, method}]")
    proportions = serializers.ListField(child=serializers.DictField(), required=False,
                                        help_text="[{sector, risk_tier, percent}]")


class PlanListApi(APIView):
    policy = {"read": "enforcement.view", "write": "enforcement.plan"}

    @extend_schema(summary="年度检查计划（事项、比例）", responses=PlanSerializer(many=True))
    def get(self, request):
        return Response(PlanSerializer(selectors.plans_for(user=request.user)[:200],
                                       many=True).data)

    @extend_schema(summary="制定年度检查计划", request=PlanRequest,
                   responses={201: PlanSerializer})
    def post(self, request):
        data = PlanRequest(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        plan = services.plan_create(by=request.user, year=v["year"], title=v["title"],
                                    matters=v["matters"], proportions=v.get("proportions", []))
        return Response(PlanSerializer(plan).data, status=201)


class PlanApproveApi(APIView):
    policy = {"write": "enforcement.approve"}

    @extend_schema(summary="批准年度检查计划（部门负责人）", request=None,
                   responses=PlanSerializer)
    def post(self, request, pk: int):
        return Response(PlanSerializer(services.plan_approve(by=request.user,
                                                             plan_id=pk)).data)


class UnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = RegisterUnit
        fields = ["id", "organisation", "kind", "name", "sector", "risk_tier", "region",
                  "active"]


class RegisterRequest(serializers.Serializer):
    action = serializers.ChoiceField(choices=["sync", "inspector", "recusal", "risk"])
    user = serializers.IntegerField(required=False)
    cert_no = serializers.CharField(required=False)
    inspector = serializers.IntegerField(required=False)
    unit = serializers.IntegerField(required=False)
    reason = serializers.CharField(required=False)
    risk_tier = serializers.CharField(required=False)


class RegisterApi(APIView):
    policy = {"read": "enforcement.view", "write": "enforcement.plan"}

    @extend_schema(summary="检查对象名录库", responses=paginated(UnitSerializer))
    def get(self, request):
        paginator = Pagination()
        page = paginator.paginate_queryset(selectors.units_for(user=request.user).order_by(
            "region_id", "name", "id"), request, view=self)
        return paginator.get_paginated_response(UnitSerializer(page, many=True).data)

    @extend_schema(summary="更新名录库：同步单位、登记执法人员、登记回避、设定风险等级",
                   request=RegisterRequest, responses=OpenApiTypes.OBJECT)
    def post(self, request):
        data = RegisterRequest(data=request.data)
        data.is_valid(raise_exception=True)
        v, by = data.validated_data, request.user
        if v["action"] == "sync":
            return Response(services.register_sync(by=by))
        if v["action"] == "inspector":
            row = services.inspector_register(by=by, user_id=v.get("user", 0),
                                              cert_no=v.get("cert_no", ""))
        elif v["action"] == "recusal":
            row = services.recusal_add(by=by, inspector_id=v.get("inspector", 0),
                                       unit_id=v.get("unit", 0), reason=v.get("reason", ""))
        else:
            row = services.unit_risk_set(by=by, unit_id=v.get("unit", 0),
                                         risk_tier=v.get("risk_tier", ""))
        return Response({"id": row.pk})


class DrawSerializer(serializers.ModelSerializer):
    class Meta:
        model = Draw
        fields = ["id", "plan", "organisation", "status", "commitment", "seed_source", "seed",
                  "cross_county", "per_team", "params", "units_hash", "inspectors_hash",
                  "units_count", "inspectors_count", "result_hash", "published_at"]


class DrawRequest(serializers.Serializer):
    plan = serializers.IntegerField()
    commitment = serializers.CharField(help_text="随机种子的 SHA-256（十六进制，事先公布）")
    seed_source = serializers.CharField(max_length=300)
    cross_county = serializers.BooleanField(default=False)
    per_team = serializers.IntegerField(default=2)


class DrawListApi(APIView):
    policy = {"read": "enforcement.view", "write": "enforcement.plan"}

    @extend_schema(summary="双随机抽取", responses=DrawSerializer(many=True))
    def get(self, request):
        return Response(DrawSerializer(selectors.draws_for(user=request.user)[:200],
                                       many=True).data)

    @extend_schema(summary="冻结名录库并承诺随机种子（SHA-256）", request=DrawRequest,
                   responses={201: DrawSerializer})
    def post(self, request):
        data = DrawRequest(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        draw = services.draw_commit(by=request.user, plan_id=v["plan"],
                                    commitment=v["commitment"], seed_source=v["seed_source"],
                                    cross_county=v["cross_county"], per_team=v["per_team"])
        return Response(DrawSerializer(draw).data, status=201)


class RevealRequest(serializers.Serializer):
    seed = serializers.CharField(max_length=200)


class DrawRevealApi(APIView):
    policy = {"write": "enforcement.plan"}

    @extend_schema(summary="揭示种子、抽取并公布结果（抽中单位生成待报批任务）",
                   request=RevealRequest, responses=DrawSerializer)
    def post(self, request, pk: int):
        if not Draw.objects.restrict(request.user, "enforcement.plan").filter(pk=pk).exists():
            raise NotFound("draw_not_found", "抽取记录不存在或不是本部门的抽取")
        data = RevealRequest(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(DrawSerializer(services.draw_reveal(
            by=request.user, draw_id=pk, seed=data.validated_data["seed"])).data)


class PublicDrawApi(APIView):
    policy = "enforcement.public"

    @extend_schema(summary="公布的抽取（种子、名录库哈希、参数、结果）及复核结论（无需登录）",
                   responses=OpenApiTypes.OBJECT)
    def get(self, request, pk: int):
        draw = selectors.published_draw(pk=pk)
        check = services.draw_verify(draw_id=pk)
        return Response({"manifest": services.manifest(draw),
                         "verification": {"ok": check.ok, "differences": check.differences},
                         "files": {name: f"/enforcement/public/draws/{pk}/{name}"
                                   for name in ("units.csv", "inspectors.csv",
                                                "manifest.json")}})


# --- penalties, clocks, figures -----------------------------------------------------------------

class PenaltySerializer(serializers.ModelSerializer):
    class Meta:
        model = PenaltyDecision
        fields = ["id", "task", "finding", "organisation", "region", "party_kind", "party_name",
                  "article_code", "article_version", "basis", "tier_code", "range_min",
                  "range_max", "amount", "suspension", "facts", "reason_outside",
                  "review_status", "review_note", "status", "filed_at", "notified_at",
                  "hearing_requested", "decided_at", "delivered_at", "paid_at", "paid_amount",
                  "published_at"]


class PenaltyListApi(APIView):
    policy = "enforcement.view"

    @extend_schema(summary="行政处罚", parameters=filter_parameters(PenaltyFilterSet),
                   responses=paginated(PenaltySerializer))
    def get(self, request):
        rows = apply_filters(PenaltyFilterSet, data=request.query_params, request=request,
                             queryset=selectors.penalty_decisions_for(user=request.user))
        paginator = Pagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(PenaltySerializer(page, many=True).data)


class PenaltyDetailApi(APIView):
    policy = "enforcement.view"

    @extend_schema(summary="处罚详情、时限与文书", responses=OpenApiTypes.OBJECT)
    def get(self, request, pk: int):
        from django.utils import timezone

        penalty = selectors.penalty_get(user=request.user, pk=pk)
        return Response({**PenaltySerializer(penalty).data,
                         "surcharge": str(services.surcharge(penalty, timezone.localdate())),
                         "clocks": [{"kind": c.kind, "due_at": c.due_at, "met_at": c.met_at}
                                    for c in penalty.clocks.all()],
                         "documents": [{"id": d.pk, "kind": d.kind, "number": d.number}
                                       for d in penalty.documents.all()]})


class PenaltyActionRequest(serializers.Serializer):
    action = serializers.ChoiceField(choices=list(actions.PENALTY_ACTIONS),
                                     help_text="、".join(f"{k} {v}" for k, v in
                                                        actions.PENALTY_ACTION_LABELS.items()))
    approve = serializers.BooleanField(required=False)
    note = serializers.CharField(required=False, allow_blank=True)
    hearing_requested = serializers.BooleanField(required=False)
    hearing_waived = serializers.BooleanField(required=False)
    paid_on = serializers.CharField(required=False)
    amount = serializers.CharField(required=False)
    number = serializers.CharField(required=False, allow_blank=True,
                                   help_text="不接受：文书编号由系统连续编号")


class PenaltyActionApi(APIView):
    policy = {"write": "enforcement.penalty"}

    @extend_schema(summary="办理处罚：法制审核、告知、决定、送达、缴纳、公开",
                   request=PenaltyActionRequest, responses=OpenApiTypes.OBJECT)
    def post(self, request, pk: int):
        if not PenaltyDecision.objects.restrict(request.user, "enforcement.penalty").filter(
                pk=pk).exists():
            raise NotFound("penalty_not_found", "处罚记录不存在或不是本机关的处罚")
        data = PenaltyActionRequest(data=request.data)
        data.is_valid(raise_exception=True)
        result = actions.penalty_act(by=request.user, penalty_id=pk,
                                     action=data.validated_data["action"],
                                     data=dict(request.data))
        return Response(_shape(result))


class SuggestApi(APIView):
    policy = "enforcement.penalty"

    @extend_schema(summary="为问题建议处罚条款、裁量档次和幅度（参考数据，标注是否核实）",
                   responses=OpenApiTypes.OBJECT)
    def get(self, request, pk: int):
        return Response(services.penalty_suggest(
            by=request.user, finding_id=pk,
            uncorrected=request.query_params.get("uncorrected") in ("1", "true")))


class OverdueApi(APIView):
    policy = "enforcement.overdue"

    @extend_schema(summary="超期未办的执法时限（部门负责人）", responses=OpenApiTypes.OBJECT)
    def get(self, request):
        return Response({"clocks": [{"id": c.pk, "kind": c.kind, "due_at": c.due_at,
                                     "penalty": c.penalty_id, "order": c.order_id,
                                     "organisation": c.organisation.name}
                                    for c in selectors.overdue_clocks(user=request.user)[:500]]})


class FiguresApi(APIView):
    policy = "enforcement.figures"

    @extend_schema(summary="执法检查统计（按地区、部门、行业、期间）",
                   responses=OpenApiTypes.OBJECT)
    def get(self, request):
        filters = enforcement_figures.filter_from(request.query_params)
        result = enforcement_figures.enforcement_figures(
            user=request.user, filters=filters, group_by=request.query_params.get("group", ""))
        return Response(result)


class PublicPenaltiesApi(APIView):
    policy = "enforcement.public"

    @extend_schema(summary="公开的行政处罚决定（个人信息已遮盖，无需登录）",
                   responses=OpenApiTypes.OBJECT)
    def get(self, request):
        return Response({"decisions": selectors.published_decisions()})
