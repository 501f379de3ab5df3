"""JSON endpoints of network governance: the same services as the pages (OpenAPI documented)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from certguard.core.errors import AppError
from certguard.core.filters import MAX_ID
from certguard.core.jobs import job_start
from certguard.core.pagination import page_parameters, paginate, paginated
from certguard.core.scoping import actor_of
from certguard.netwatch import figures as nw_figures
from certguard.netwatch import handover as ho
from certguard.netwatch import selectors, services
from certguard.netwatch.models import Capture, Handover, SuspectAd, SuspectDomain
from certguard.netwatch.reference import RECIPIENTS


class TextOrFile(serializers.Serializer):
    text = serializers.CharField(required=False, allow_blank=True,
                                 help_text="每行一条（域名或网址 / 广告文本），最多 5000 行")
    file = serializers.FileField(required=False, help_text="大文件：后台任务处理，返回任务编号")
    where = serializers.CharField(required=False, allow_blank=True, max_length=300)
    keywords = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID,
                                        help_text="关键词清单编号（默认最新）")


class DomainResult(serializers.Serializer):
    line = serializers.IntegerField()
    domain = serializers.CharField()
    verdict = serializers.ChoiceField(choices=["official", "lookalike", "unrelated"])
    imitates = serializers.CharField(allow_null=True)
    score = serializers.IntegerField(min_value=0, max_value=100)
    reasons = serializers.ListField(child=serializers.CharField())


class DomainRunSerializer(serializers.Serializer):
    results = DomainResult(many=True)
    counts = serializers.DictField(child=serializers.IntegerField())
    blank = serializers.IntegerField()
    rejected = serializers.ListField(child=serializers.DictField())
    kept = serializers.IntegerField()
    officials_version = serializers.IntegerField()


class AdResult(serializers.Serializer):
    text = serializers.CharField()
    verdict = serializers.ChoiceField(choices=["selling", "clean"])
    score = serializers.IntegerField()
    matched = serializers.ListField(child=serializers.CharField())
    normalised = serializers.CharField()
    evasions = serializers.ListField(child=serializers.CharField())


class AdRunSerializer(serializers.Serializer):
    results = AdResult(many=True)
    counts = serializers.DictField(child=serializers.IntegerField())
    kept = serializers.IntegerField()
    keywords = serializers.CharField()


class JobStarted(serializers.Serializer):
    job = serializers.IntegerField()


def _job(request, kind: str, title: str, params: dict) -> Response:
    from certguard.netwatch.views import _upload

    stored = _upload(request, "file")
    if stored is None:
        raise AppError("file_required", "请上传文件")
    job = job_start(kind=kind, title=f"{title} {stored[1]}", owner=request.user,
                    organisation_id=actor_of(request.user).organisation_id,
                    params={"path": str(stored[0]), "file_name": stored[1], **params})
    return Response({"job": job.pk}, status=202)


class DomainScoreApi(APIView):
    policy = {"write": "netwatch.work"}
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(summary="评估域名（粘贴文本或上传清单文件）", request=TextOrFile,
                   responses={200: DomainRunSerializer, 202: JobStarted})
    def post(self, request):
        if request.FILES.get("file"):
            return _job(request, "netwatch_feed", "评估域名清单", {})
        text = request.data.get("text", "")
        run = services.domains_score(by=request.user, lines=services.text_lines(str(text)),
                                     source="api")
        if not run.counts and not run.rejected:
            raise AppError("input_empty", "没有需要评估的域名（全是空行）")
        return Response(run.as_dict())


class AdClassifyApi(APIView):
    policy = {"write": "netwatch.work"}
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(summary="识别售证广告（粘贴文本或上传文件）", request=TextOrFile,
                   responses={200: AdRunSerializer, 202: JobStarted})
    def post(self, request):
        keywords = request.data.get("keywords")
        keywords = int(keywords) if str(keywords or "").isdigit() else None
        if request.FILES.get("file"):
            return _job(request, "netwatch_ads", "识别售证广告",
                        {"keywords_id": keywords, "where": str(request.data.get("where", ""))})
        run = services.ads_classify(by=request.user,
                                    texts=services.texts_from_paste(str(request.data.get(
                                        "text", ""))), source="api",
                                    where=str(request.data.get("where", "")),
                                    keywords_id=keywords)
        return Response(run.as_dict())


class SuspectDomainSerializer(serializers.ModelSerializer):
    class Meta:
        model = SuspectDomain
        fields = ["id", "domain", "verdict", "imitates", "score", "reasons", "source", "status",
                  "times_seen", "clue_id", "region", "created_at", "last_seen"]


class SuspectAdSerializer(serializers.ModelSerializer):
    class Meta:
        model = SuspectAd
        fields = ["id", "text", "where", "verdict", "score", "matched", "evasions",
                  "keywords_label", "status", "clue_id", "region", "created_at"]


def _page(request, view, queryset, serializer):
    return paginate(request, queryset, serializer, view=view)


class SuspectDomainListApi(APIView):
    policy = "netwatch.view"

    @extend_schema(parameters=page_parameters(),
                   summary="疑似仿冒域名清单", responses=paginated(SuspectDomainSerializer))
    def get(self, request):
        return _page(request, self, selectors.domains_for(
            user=request.user, q=request.query_params.get("q", "")), SuspectDomainSerializer)


class SuspectAdListApi(APIView):
    policy = "netwatch.view"

    @extend_schema(parameters=page_parameters(),
                   summary="疑似售证广告清单", responses=paginated(SuspectAdSerializer))
    def get(self, request):
        return _page(request, self, selectors.ads_for(user=request.user), SuspectAdSerializer)


class SuspectActionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=["clue", "dismiss"])
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500)


class SuspectActionApi(APIView):
    policy = {"write": "netwatch.work"}

    @extend_schema(summary="疑似域名或广告：转为线索、排除", request=SuspectActionSerializer,
                   responses={200: OpenApiTypes.OBJECT})
    def post(self, request, kind: str, pk: int):
        if kind not in ("domains", "ads"):
            raise AppError("not_found", "对象不存在", status=404)
        getter = selectors.domain_get if kind == "domains" else selectors.ad_get
        getter(user=request.user, pk=pk, action="netwatch.work")
        data = SuspectActionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        kind_key = "domain" if kind == "domains" else "ad"
        if data.validated_data["action"] == "clue":
            return Response({"clue": services.clue_from_suspect(by=request.user, kind=kind_key,
                                                                pk=pk)})
        services.suspect_dismiss(by=request.user, kind=kind_key, pk=pk,
                                 reason=data.validated_data.get("reason", ""))
        return Response({"status": "dismissed"})


class CaptureSerializer(serializers.ModelSerializer):
    class Meta:
        model = Capture
        fields = ["id", "url", "final_url", "redirects", "http_status", "captured_at", "ok",
                  "error_code", "error", "html_sha256", "screenshot_sha256", "package_sha256",
                  "resources", "tlsh", "phash", "signals", "similarity", "score",
                  "reference_host", "suspect"]


class CaptureRequest(serializers.Serializer):
    url = serializers.CharField(max_length=2000)
    suspect = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    reference_host = serializers.CharField(required=False, allow_blank=True, max_length=253)


class CaptureApi(APIView):
    policy = {"read": "netwatch.view", "write": "netwatch.work"}

    @extend_schema(parameters=page_parameters(),
                   summary="网页取证列表", responses=paginated(CaptureSerializer))
    def get(self, request):
        return _page(request, self, selectors.captures_for(user=request.user), CaptureSerializer)

    @extend_schema(summary="网页取证（网页、截图、资源、哈希、相似度）", request=CaptureRequest,
                   responses=CaptureSerializer)
    def post(self, request):
        data = CaptureRequest(data=request.data)
        data.is_valid(raise_exception=True)
        capture = services.capture_site(by=request.user, url=data.validated_data["url"],
                                        suspect_id=data.validated_data.get("suspect"),
                                        reference_host=data.validated_data.get(
                                            "reference_host", ""))
        return Response(CaptureSerializer(capture).data, status=201)


class CaptureDetailApi(APIView):
    policy = "netwatch.view"

    @extend_schema(summary="网页取证详情", responses=CaptureSerializer)
    def get(self, request, pk: int):
        return Response(CaptureSerializer(selectors.capture_get(user=request.user, pk=pk)).data)


class HandoverSerializer(serializers.ModelSerializer):
    target = serializers.CharField(read_only=True)

    class Meta:
        model = Handover
        fields = ["id", "number", "recipient", "recipient_name", "domain", "ad", "target",
                  "facts", "status", "handed_at", "disposed_at", "reappeared_at", "dark_since",
                  "last_checked_at", "letter_sha256", "package_sha256"]


class HandoverRequest(serializers.Serializer):
    recipient = serializers.ChoiceField(choices=list(RECIPIENTS))
    recipient_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    facts = serializers.CharField(max_length=3000)
    domain = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    ad = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)


class HandoverApi(APIView):
    policy = {"read": "netwatch.view", "write": "netwatch.work"}

    @extend_schema(parameters=page_parameters(),
                   summary="移交处置列表", responses=paginated(HandoverSerializer))
    def get(self, request):
        return _page(request, self, selectors.handovers_for(user=request.user),
                     HandoverSerializer)

    @extend_schema(summary="移交（生成编号移交函与证据包）", request=HandoverRequest,
                   responses=HandoverSerializer)
    def post(self, request):
        data = HandoverRequest(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        handover = ho.handover_create(by=request.user, recipient=v["recipient"],
                                      recipient_name=v.get("recipient_name", ""),
                                      facts=v["facts"], domain_id=v.get("domain"),
                                      ad_id=v.get("ad"))
        return Response(HandoverSerializer(handover).data, status=201)


class HandoverStatusRequest(serializers.Serializer):
    action = serializers.ChoiceField(choices=["dispose", "reappear", "recheck"])
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


class HandoverDetailApi(APIView):
    policy = {"read": "netwatch.view", "write": "netwatch.work"}

    @extend_schema(summary="移交详情", responses=HandoverSerializer)
    def get(self, request, pk: int):
        return Response(HandoverSerializer(selectors.handover_get(user=request.user,
                                                                  pk=pk)).data)

    @extend_schema(summary="记录已处置、复现，或立即复查", request=HandoverStatusRequest,
                   responses=HandoverSerializer, operation_id="netwatch_handovers_update")
    def post(self, request, pk: int):
        handover = selectors.handover_get(user=request.user, pk=pk, action="netwatch.work")
        data = HandoverStatusRequest(data=request.data)
        data.is_valid(raise_exception=True)
        action, note = data.validated_data["action"], data.validated_data.get("note", "")
        if action == "dispose":
            handover = ho.handover_dispose(by=request.user, pk=pk, note=note)
        elif action == "reappear":
            handover = ho.handover_reappear(by=request.user, pk=pk, note=note)
        else:
            if not handover.domain_id:
                raise AppError("not_a_site", "广告无法复查访问情况")
            ho.recheck_one(handover, by=request.user)
        return Response(HandoverSerializer(selectors.handover_get(user=request.user,
                                                                  pk=pk)).data)


class FiguresApi(APIView):
    policy = "netwatch.figures"

    @extend_schema(summary="网络治理统计（发现假冒网站、封堵网站、清理信息量、移交线索），"
                           "参数 region、department、start、end、group_by",
                   responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        f = nw_figures.filter_from(request.query_params)
        return Response(nw_figures.netwatch_figures(
            user=request.user, filters=f, group_by=request.query_params.get("group_by", "")))
