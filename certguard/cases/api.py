"""JSON endpoints of the cases app (OpenAPI documented): case files and their actions, the
referral hops for the agency, the police and the procuratorate, overdue clocks, the 以罚代刑
list, dishonesty listings and the public list, credit-record exports, bulletins, figures.

Every action is a POST ``{"action": name, …parameters}`` read by ``cases.actions``; a record
the caller may not see is 404 before its body is read."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from certguard.cases import actions, figures, selectors, services
from certguard.cases import exports as credit
from certguard.cases.bulletins import bulletin_docx, bulletin_pdf
from certguard.cases.filters import CaseFilterSet, ListingFilterSet
from certguard.cases.models import (
    Bulletin,
    Case,
    CaseBasis,
    CaseDecision,
    CaseParty,
    Clock,
    Listing,
    Referral,
    ReferralEvent,
    SupervisionFlag,
)
from certguard.cases.reference import (
    BULLETIN_TYPES,
    CRIMINAL_OFFENCES,
    EVIDENCE_KINDS,
    SOURCE_KINDS,
)
from certguard.core.errors import AppError, NotFound
from certguard.core.exports import Export, download
from certguard.core.figures import filter_from
from certguard.core.filters import apply_filters, filter_parameters
from certguard.core.pagination import Pagination, paginated
from certguard.core.scoping import actor_of


def _visible(model, request, pk: int, action: str) -> None:
    """404 unless the caller may ``action`` this record (checked before the body is read)."""
    if not model.objects.restrict(request.user, action).filter(pk=pk).exists():
        raise NotFound("not_found", "对象不存在或无权查看")


def _page(request, view, rows, serializer):
    paginator = Pagination()
    page = paginator.paginate_queryset(rows, request, view=view)
    return paginator.get_paginated_response(serializer(page, many=True).data)


# --- serializers ------------------------------------------------------------------------------

class ClockSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    owner_org = serializers.CharField(source="owner_org.name", read_only=True)
    case_number = serializers.CharField(source="case.number", read_only=True)

    class Meta:
        model = Clock
        fields = ["id", "kind", "kind_label", "owner", "owner_org", "case_number", "started_at",
                  "due_at", "met_at", "late"]


class EventSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = ReferralEvent
        fields = ["kind", "kind_label", "note", "late", "at"]


class ReferralSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    case_number = serializers.CharField(source="case.number", read_only=True)
    case_title = serializers.CharField(source="case.title", read_only=True)
    agency = serializers.CharField(source="case.organisation.name", read_only=True)
    police_org = serializers.CharField(source="police_org.name", read_only=True)
    procuratorate_org = serializers.CharField(source="procuratorate_org.name", default=None,
                                              read_only=True)

    class Meta:
        model = Referral
        fields = ["id", "case", "case_number", "case_title", "agency", "status", "status_label",
                  "reason", "offences", "police_org", "procuratorate_org", "head_reasons",
                  "transfer_no", "attachments", "transferred_at", "received_at",
                  "police_case_no", "police_reasons", "accepted_at", "supervision_at",
                  "early_at", "early_involvement", "court_outcome", "court_note", "judged_at"]


class ReferralDetailSerializer(ReferralSerializer):
    events = EventSerializer(many=True, read_only=True)
    clocks = ClockSerializer(many=True, read_only=True)

    class Meta(ReferralSerializer.Meta):
        fields = [*ReferralSerializer.Meta.fields, "events", "clocks"]


class ArticleSerializer(serializers.Serializer):
    """An article of the penalty catalogue (``catalog.PenaltyArticle``, shared with
    enforcement): the legal basis a case and its decisions cite, by ``code``."""

    code = serializers.CharField(help_text="条款代码，如 L30-41-F")
    version = serializers.IntegerField(help_text="条款版本（引用时施行的版本）")
    conduct = serializers.CharField(help_text="违法行为")
    basis = serializers.CharField(help_text="法律依据（条文出处）")
    penalty = serializers.CharField(help_text="处罚种类和幅度")
    party = serializers.CharField(help_text="处罚对象：organisation 单位，person 个人")
    party_label = serializers.CharField(source="get_party_display")
    min_amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    max_amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    suspension = serializers.BooleanField()
    source = serializers.CharField(help_text="来源")  # type: ignore[assignment]
    unconfirmed = serializers.BooleanField(help_text="未核实（参考数据，管理员可更正）")
    effective_from = serializers.DateField()
    effective_to = serializers.DateField(allow_null=True)


class CaseBasisSerializer(serializers.ModelSerializer):
    article = ArticleSerializer(read_only=True, allow_null=True,
                                help_text="引用的处罚条款；为空表示迁移时未能对应目录，"
                                          "见 legacy_ref")
    legacy_ref = serializers.CharField(read_only=True, help_text="迁移前的法律依据原文，未能对应"
                                       "处罚条款目录，待办案人员用 basis_set 修正（已对应时为空）")

    class Meta:
        model = CaseBasis
        fields = ["id", "article", "legacy_ref"]


class CaseSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    organisation = serializers.CharField(source="organisation.name", read_only=True)
    bases = CaseBasisSerializer(many=True, read_only=True,
                                help_text="法律依据：处罚条款目录中的条款（立案之日施行的版本）")

    class Meta:
        model = Case
        fields = ["id", "number", "title", "kind", "status", "status_label", "organisation",
                  "region", "department", "source_kind", "source_ref", "parent", "markers",
                  "bases", "opened_at", "closed_at", "closure"]


class PartySerializer(serializers.ModelSerializer):
    class Meta:
        model = CaseParty
        fields = ["id", "kind", "name", "id_no", "credit_code", "phone"]


class EvidenceSerializer(serializers.Serializer):
    """A link to evidence held by another app, with what it points to read now through that
    app's selectors (never a copy)."""

    id = serializers.IntegerField()
    case = serializers.IntegerField(help_text="关联证据的案件（拆分案件共用上游案件的证据）")
    kind = serializers.ChoiceField(choices=list(EVIDENCE_KINDS.items()))
    kind_label = serializers.CharField()
    ref = serializers.CharField(help_text="被引用记录在其所属系统中的编号")
    title = serializers.CharField()
    shared = serializers.BooleanField(help_text="是否为上游（卖证）案件共用的证据")
    available = serializers.BooleanField(
        allow_null=True, help_text="执法系统的记录现在能否查看（不存在或无权查看为 false；"
                                   "非执法系统的证据为 null）")
    summary = serializers.CharField(help_text="被引用记录的当前内容摘要（执法系统的记录）")
    url = serializers.CharField(help_text="被引用记录的页面地址（可查看时）")
    added_at = serializers.DateTimeField()


class DecisionSerializer(serializers.ModelSerializer):
    article = ArticleSerializer(read_only=True, allow_null=True,
                                help_text="法律依据（处罚条款目录中的条款，决定之日施行的版本）")
    legacy_basis = serializers.CharField(read_only=True, help_text="迁移前未能对应目录的法律依据"
                                         "原文，待用 decision_fix 修正（已对应时为空）")
    penalty = serializers.IntegerField(source="penalty_id", read_only=True, allow_null=True,
                                       help_text="关联的执法系统行政处罚决定编号")
    legacy_enforcement_ref = serializers.CharField(
        read_only=True, help_text="迁移前未能关联到执法系统处罚决定的原编号（已关联时为空）")

    class Meta:
        model = CaseDecision
        fields = ["id", "kind", "number", "party", "article", "legacy_basis", "amount", "text",
                  "penalty", "legacy_enforcement_ref", "decided_at"]


class EnforcementPenaltySerializer(serializers.Serializer):
    """A penalty decision the enforcement app recorded for one of the case's parties."""

    id = serializers.IntegerField()
    party_kind = serializers.CharField()
    party_name = serializers.CharField()
    article_code = serializers.CharField(help_text="处罚条款目录中的条款代码")
    basis = serializers.CharField()
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    suspension = serializers.BooleanField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    authority = serializers.CharField(source="organisation.name")
    decided_at = serializers.DateTimeField(allow_null=True)
    linked = serializers.BooleanField(help_text="是否已关联到本案的处理决定")


class CaseDetailSerializer(CaseSerializer):
    facts = serializers.CharField(read_only=True)
    officers = serializers.SerializerMethodField()
    parties = serializers.SerializerMethodField()
    evidence = serializers.SerializerMethodField()
    decisions = DecisionSerializer(many=True, read_only=True)
    enforcement_penalties = serializers.SerializerMethodField()
    children = serializers.SerializerMethodField()
    referral = serializers.SerializerMethodField()

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "facts", "officers", "parties", "evidence",
                  "decisions", "enforcement_penalties", "children", "referral"]

    def get_officers(self, case) -> list[str]:
        return [o.user.get_username() for o in case.officers.all()]

    def get_parties(self, case) -> list:
        user = self.context["user"]
        return list(PartySerializer(selectors.case_parties(user=user, case=case), many=True).data)

    @extend_schema_field(EvidenceSerializer(many=True))
    def get_evidence(self, case) -> list:
        rows = selectors.evidence_resolved(user=self.context["user"], case=case)
        return list(EvidenceSerializer(rows, many=True).data)

    @extend_schema_field(EnforcementPenaltySerializer(many=True))
    def get_enforcement_penalties(self, case) -> list:
        linked = {d.penalty_id for d in case.decisions.all() if d.penalty_id}
        rows = list(selectors.enforcement_penalties(user=self.context["user"], case=case))
        for row in rows:
            row.linked = row.pk in linked
        return list(EnforcementPenaltySerializer(rows, many=True).data)

    def get_children(self, case) -> list[dict]:
        return [{"id": c.pk, "number": c.number, "status": c.status}
                for c in case.children.all()]

    def get_referral(self, case) -> dict | None:
        referral = selectors.referral_of(user=self.context["user"], case=case)
        return ReferralDetailSerializer(referral).data if referral else None


class FlagSerializer(serializers.ModelSerializer):
    case_number = serializers.CharField(source="case.number", read_only=True)
    case_title = serializers.CharField(source="case.title", read_only=True)
    organisation = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = SupervisionFlag
        fields = ["id", "case", "case_number", "case_title", "organisation", "region",
                  "markers", "fine", "created_at"]


class ListingSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    condition = serializers.CharField(source="condition.title", read_only=True)

    class Meta:
        model = Listing
        fields = ["id", "case", "party", "condition", "status", "status_label", "public_name",
                  "facts", "noticed_at", "objection_due_at", "objection", "decision_no",
                  "decided_at", "published_at", "expires_at", "removed_at"]


class PublicListingSerializer(serializers.ModelSerializer):
    condition = serializers.CharField(source="condition.title", read_only=True)
    basis = serializers.CharField(source="condition.source", read_only=True)
    authority = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = Listing
        fields = ["public_name", "condition", "basis", "facts", "decision_no", "decided_at",
                  "published_at", "expires_at", "authority"]


class BulletinSerializer(serializers.ModelSerializer):
    class Meta:
        model = Bulletin
        fields = ["id", "kind", "period", "title", "status", "entries", "case_ids",
                  "approved_at", "published_at", "created_at"]


class OpenRequest(serializers.Serializer):
    source_kind = serializers.ChoiceField(choices=[k for k in SOURCE_KINDS if k != "split"])
    source_ref = serializers.CharField(max_length=100,
                                       help_text="线索编号、举报编号、执法检查发现的问题编号"
                                                 "（inspection）或执法处罚决定编号（penalty）")
    title = serializers.CharField(max_length=200)
    facts = serializers.CharField(max_length=10000)
    officers = serializers.ListField(child=serializers.CharField(max_length=150),
                                     help_text="办案人员用户名（至少两名本单位执法人员）")
    kind = serializers.CharField(required=False, allow_blank=True, default="")
    articles = serializers.ListField(
        child=serializers.CharField(max_length=40), required=False, default=list,
        help_text="法律依据：处罚条款目录中的条款代码（见 GET /api/v1/cases/articles），如 "
                  "L30-41-F；不在目录中的代码被拒绝（article_unknown）")


def _action_request(name: str, table: dict, params: str):
    return type(name, (serializers.Serializer,), {
        "action": serializers.ChoiceField(choices=sorted(table), help_text=params),
        "__doc__": params})


CaseAction = _action_request("CaseAction", actions.CASE_ACTIONS,
                             "party_add: kind, name, id_no, credit_code, phone；"
                             "evidence_link: kind, ref（执法系统的记录：finding 检查发现、"
                             "inspection_record 检查任务、photo 现场照片、penalty 处罚决定"
                             "的编号）, "
                             "title；basis_set: articles [处罚条款代码]；decide: kind, article "
                             "（处罚条款代码；关联处罚决定时可省略）, amount, text, party, penalty "
                             "（执法系统中本案当事人的行政处罚决定编号）；decision_fix: decision, "
                             "article, penalty；split: parts [{kind, name, id_no | credit_code, "
                             "articles}]；close: closure, note；refer: reason, offences [刑法条款："
                             + "、".join(CRIMINAL_OFFENCES) + "]；listing_notice: party, "
                             "condition, facts")
AgencyAction = _action_request("AgencyAction", actions.AGENCY_ACTIONS,
                               "head_decide: refer (bool), reasons（不移送须填）；transfer: "
                               "attachments；reconsider: reasons；supervise: reasons；"
                               "close: reason")
PoliceAction = _action_request("PoliceAction", actions.POLICE_ACTIONS,
                               "receipt；decide: accept (bool), case_no | reasons；"
                               "reconsider_answer: accept, case_no | reasons")
ProcuratorateAction = _action_request("ProcuratorateAction", actions.PROCURATORATE_ACTIONS,
                                      "early: note；supervision_result: police_opened (bool), "
                                      "note, case_no；court: outcome, note")
ListingWorkAction = _action_request("ListingWorkAction", actions.LISTING_WORK_ACTIONS,
                                    "objection: text；repair_request: text")
ListingDecideAction = _action_request("ListingDecideAction", actions.LISTING_DECIDE_ACTIONS,
                                      "decide: listed (bool), note；publish；repair_review: "
                                      "grant (bool), note；restore: reason")
BulletinAction = _action_request("BulletinAction", actions.BULLETIN_ACTIONS, "approve；publish")


class DraftRequest(serializers.Serializer):
    kind = serializers.ChoiceField(choices=list(BULLETIN_TYPES))
    period = serializers.RegexField(r"^\d{4}Q[1-4]$", help_text="如 2026Q3")


class EditRequest(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    entries = serializers.ListField(child=serializers.DictField(),
                                    help_text="案例：number, kind, title, facts, handling（不得含"
                                              "身份证号、电话号码）")


# --- cases ------------------------------------------------------------------------------------

class CaseListApi(APIView):
    policy = {"read": "cases.view", "write": "cases.work"}

    @extend_schema(summary="案件列表", responses=paginated(CaseSerializer),
                   parameters=filter_parameters(CaseFilterSet))
    def get(self, request):
        rows = apply_filters(CaseFilterSet, data=request.query_params, request=request,
                             queryset=selectors.cases_for(user=request.user))
        return _page(request, self, rows, CaseSerializer)

    @extend_schema(summary="立案（来源：确认的线索、举报、执法检查发现或处罚决定）",
                   request=OpenRequest, responses=CaseDetailSerializer)
    def post(self, request):
        from certguard.orgs.selectors import members_for

        data = OpenRequest(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        names = set(values["officers"])
        own = actor_of(request.user).organisation_id
        team = [m.user for m in members_for(user=request.user, organisation_id=own)
                if m.user.username in names]
        case = services.case_open(by=request.user, source_kind=values["source_kind"],
                                  source_ref=values["source_ref"], title=values["title"],
                                  facts=values["facts"], officers=team, kind=values["kind"],
                                  articles=values["articles"])
        return _case(request, case.pk, status=201)


class ArticleListApi(APIView):
    policy = "cases.view"

    @extend_schema(summary="处罚条款目录（案件及其决定可引用的法律依据，今日施行的版本）",
                   responses=ArticleSerializer(many=True))
    def get(self, request):
        return Response(ArticleSerializer(selectors.citable_articles(), many=True).data)


def _case(request, pk: int, status: int = 200):
    case = selectors.case_get(user=request.user, pk=pk)
    return Response(CaseDetailSerializer(case, context={"user": request.user}).data,
                    status=status)


class CaseDetailApi(APIView):
    policy = "cases.view"

    @extend_schema(summary="案件详情（当事人、证据、决定、拆分案件、移送与期限）",
                   responses=CaseDetailSerializer)
    def get(self, request, pk: int):
        return _case(request, pk)


class CaseActionApi(APIView):
    policy = {"write": "cases.work"}

    @extend_schema(summary="办案：添加当事人、关联证据、作出决定、拆分、结案、提请移送、失信告知",
                   request=CaseAction, responses=CaseDetailSerializer)
    def post(self, request, pk: int):
        _visible(Case, request, pk, "cases.work")
        actions.run(actions.CASE_ACTIONS, by=request.user, pk=pk, data=request.data)
        return _case(request, pk)


# --- referrals --------------------------------------------------------------------------------

class ReferralInboxApi(APIView):
    policy = "cases.referrals"

    @extend_schema(summary="移送本单位的案件（公安、检察），含待办期限",
                   responses=paginated(ReferralDetailSerializer))
    def get(self, request):
        return _page(request, self, selectors.referrals_inbox(user=request.user),
                     ReferralDetailSerializer)


class ReferralDetailApi(APIView):
    policy = "cases.referrals"

    @extend_schema(summary="移送详情（公安、检察）", responses=ReferralDetailSerializer)
    def get(self, request, pk: int):
        return Response(ReferralDetailSerializer(
            selectors.referral_get(user=request.user, pk=pk)).data)


def _referral_action(request, pk: int, action: str, table: dict):
    _visible(Referral, request, pk, action)
    actions.run(table, by=request.user, pk=pk, data=request.data)
    referral = Referral.objects.restrict(request.user, action).select_related(
        "case", "case__organisation", "police_org", "procuratorate_org").get(pk=pk)
    return Response(ReferralDetailSerializer(referral).data)


class AgencyReferralApi(APIView):
    policy = {"write": "cases.work"}

    @extend_schema(summary="执法机关：负责人审批（3日）、移送（24小时）、提请复议、建议立案监督、终结",
                   request=AgencyAction, responses=ReferralDetailSerializer)
    def post(self, request, pk: int):
        return _referral_action(request, pk, "cases.work", actions.AGENCY_ACTIONS)


class PoliceReferralApi(APIView):
    policy = {"write": "cases.police"}

    @extend_schema(summary="公安机关：回执、立案或不予立案（3日）、复议决定（3日）",
                   request=PoliceAction, responses=ReferralDetailSerializer)
    def post(self, request, pk: int):
        return _referral_action(request, pk, "cases.police", actions.POLICE_ACTIONS)


class ProcuratorateReferralApi(APIView):
    policy = {"write": "cases.procuratorate"}

    @extend_schema(summary="人民检察院：提前介入、立案监督结果、判决结果",
                   request=ProcuratorateAction, responses=ReferralDetailSerializer)
    def post(self, request, pk: int):
        return _referral_action(request, pk, "cases.procuratorate",
                                actions.PROCURATORATE_ACTIONS)


class OverdueListApi(APIView):
    policy = "cases.head"

    @extend_schema(summary="本单位超期未完成的期限（部门负责人）",
                   responses=paginated(ClockSerializer))
    def get(self, request):
        return _page(request, self, selectors.overdue_clocks(user=request.user),
                     ClockSerializer)


class SupervisionListApi(APIView):
    policy = "cases.supervision"

    @extend_schema(summary="以罚代刑预警：有涉嫌犯罪标记却只罚款结案、未作移送决定的案件",
                   responses=paginated(FlagSerializer))
    def get(self, request):
        return _page(request, self, selectors.supervision_list(user=request.user),
                     FlagSerializer)


# --- listings ---------------------------------------------------------------------------------

class ListingListApi(APIView):
    policy = "cases.listings"

    @extend_schema(summary="失信名单办理", responses=paginated(ListingSerializer),
                   parameters=filter_parameters(ListingFilterSet))
    def get(self, request):
        rows = apply_filters(ListingFilterSet, data=request.query_params, request=request,
                             queryset=selectors.listings_for(user=request.user))
        return _page(request, self, rows, ListingSerializer)


class ListingDetailApi(APIView):
    policy = {"read": "cases.listings", "write": "cases.listing_work"}

    @extend_schema(summary="失信名单记录", responses=ListingSerializer)
    def get(self, request, pk: int):
        return Response(ListingSerializer(selectors.listing_get(user=request.user, pk=pk)).data)

    @extend_schema(summary="记录当事人异议、申请信用修复（列入满12个月）",
                   request=ListingWorkAction, responses=ListingSerializer)
    def post(self, request, pk: int):
        _visible(Listing, request, pk, "cases.listing_work")
        actions.run(actions.LISTING_WORK_ACTIONS, by=request.user, pk=pk, data=request.data)
        return Response(ListingSerializer(selectors.listing_get(user=request.user, pk=pk)).data)


class ListingDecisionApi(APIView):
    policy = {"write": "cases.listing_decide"}

    @extend_schema(summary="列入决定（告知及异议期后）、公示、信用修复审核、恢复列入",
                   request=ListingDecideAction, responses=ListingSerializer)
    def post(self, request, pk: int):
        _visible(Listing, request, pk, "cases.listing_decide")
        actions.run(actions.LISTING_DECIDE_ACTIONS, by=request.user, pk=pk, data=request.data)
        return Response(ListingSerializer(selectors.listing_get(user=request.user, pk=pk)).data)


class PublicListingApi(APIView):
    policy = "cases.public_list"

    @extend_schema(summary="失信名单公示（公开）", responses=paginated(PublicListingSerializer))
    def get(self, request):
        return _page(request, self, selectors.public_listings(user=request.user),
                     PublicListingSerializer)


class CreditRecordsApi(APIView):
    policy = "cases.credit_export"

    @extend_schema(summary="导出个人信用记录（CSV 或 JSON，格式见 docs/credit-records.md）",
                   parameters=[OpenApiParameter("fmt", OpenApiTypes.STR,
                                                enum=["csv", "json"])],
                   responses={(200, "text/csv"): OpenApiTypes.STR,
                              (200, "application/json"): OpenApiTypes.OBJECT})
    def get(self, request):
        return credit_download(request, request.query_params.get("fmt", "json"))


def credit_download(request, fmt: str):
    if fmt not in ("csv", "json"):
        raise AppError("format_invalid", "格式只能是 csv 或 json")
    rows = selectors.credit_records(user=request.user)
    record = Export(object_type="cases.listing", object_id="credit-records",
                    summary=f"导出个人信用记录（{fmt}）", data={"format": fmt})
    if fmt == "csv":
        return download(user=request.user, filename="credit-records.csv", export=record,
                        chunks=credit.csv_chunks(rows.iterator()))
    return download(user=request.user, filename="credit-records.json", export=record,
                    file=credit.json_file(rows), content_type="application/json")


# --- bulletins --------------------------------------------------------------------------------

class BulletinListApi(APIView):
    policy = {"read": "cases.bulletins", "write": "cases.bulletin_draft"}

    @extend_schema(summary="典型案例通报列表", responses=paginated(BulletinSerializer))
    def get(self, request):
        return _page(request, self, selectors.bulletins_for(user=request.user),
                     BulletinSerializer)

    @extend_schema(summary="起草通报（一类一通报或一季度一通报，自动脱敏）", request=DraftRequest,
                   responses=BulletinSerializer)
    def post(self, request):
        data = DraftRequest(data=request.data)
        data.is_valid(raise_exception=True)
        bulletin = services.bulletin_draft(by=request.user, **data.validated_data)
        return Response(BulletinSerializer(bulletin).data, status=201)


class BulletinDetailApi(APIView):
    policy = {"read": "cases.bulletins", "write": "cases.bulletin_draft"}

    @extend_schema(summary="通报详情", responses=BulletinSerializer)
    def get(self, request, pk: int):
        return Response(BulletinSerializer(selectors.bulletin_get(user=request.user,
                                                                  pk=pk)).data)

    @extend_schema(summary="修改通报草稿（再次检查脱敏）", request=EditRequest,
                   responses=BulletinSerializer)
    def post(self, request, pk: int):
        _visible(Bulletin, request, pk, "cases.bulletin_draft")
        data = EditRequest(data=request.data)
        data.is_valid(raise_exception=True)
        bulletin = services.bulletin_edit(by=request.user, pk=pk, **data.validated_data)
        return Response(BulletinSerializer(bulletin).data)


class BulletinApprovalApi(APIView):
    policy = {"write": "cases.bulletin_approve"}

    @extend_schema(summary="审批、发布通报（部门负责人）", request=BulletinAction,
                   responses=BulletinSerializer)
    def post(self, request, pk: int):
        _visible(Bulletin, request, pk, "cases.bulletin_approve")
        actions.run(actions.BULLETIN_ACTIONS, by=request.user, pk=pk, data=request.data)
        return Response(BulletinSerializer(selectors.bulletin_get(user=request.user,
                                                                  pk=pk)).data)


class BulletinDocumentApi(APIView):
    policy = "cases.bulletins"

    @extend_schema(summary="下载通报文件（PDF 或 DOCX）",
                   parameters=[OpenApiParameter("fmt", OpenApiTypes.STR,
                                                enum=["pdf", "docx"])],
                   responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request, pk: int):
        return bulletin_download(request, pk, request.query_params.get("fmt", "pdf"))


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def bulletin_download(request, pk: int, fmt: str):
    import io

    if fmt not in ("pdf", "docx"):
        raise AppError("format_invalid", "格式只能是 pdf 或 docx")
    bulletin = selectors.bulletin_get(user=request.user, pk=pk)
    data = bulletin_pdf(bulletin) if fmt == "pdf" else bulletin_docx(bulletin)
    return download(user=request.user, filename=f"典型案例通报-{bulletin.pk}.{fmt}",
                    export=Export(object_type="cases.bulletin", object_id=bulletin.pk,
                                  summary=f"下载通报（{fmt}）"),
                    file=io.BytesIO(data),
                    content_type="application/pdf" if fmt == "pdf" else DOCX_TYPE)


class FigureFilterSerializer(serializers.Serializer):
    region = serializers.CharField(help_text="地区代码前缀（空：本人辖区）")
    department = serializers.CharField(help_text="部门代码（空：全部）")
    start = serializers.DateField(allow_null=True)
    end = serializers.DateField(allow_null=True)


class CaseFigureValuesSerializer(serializers.Serializer):
    opened = serializers.IntegerField(help_text=figures.FIGURES["opened"])
    referred = serializers.IntegerField(help_text=figures.FIGURES["referred"])
    police_accepted = serializers.IntegerField(help_text=figures.FIGURES["police_accepted"])
    prosecutor_involved = serializers.IntegerField(
        help_text=figures.FIGURES["prosecutor_involved"])
    judged = serializers.IntegerField(help_text=figures.FIGURES["judged"])
    fines = serializers.CharField(help_text="罚款金额（元，十进制文本）")
    listed = serializers.IntegerField(help_text=figures.FIGURES["listed"])


class CaseFigureGroupSerializer(CaseFigureValuesSerializer):
    key = serializers.CharField(allow_null=True, help_text="分组：地区代码或部门代码")


class CaseFiguresSerializer(serializers.Serializer):
    filters = FigureFilterSerializer()
    labels = serializers.DictField(child=serializers.CharField(), help_text="各统计项的名称")
    totals = CaseFigureValuesSerializer()
    groups = CaseFigureGroupSerializer(many=True, help_text="按 group_by 分组（未分组时为空）")


class FiguresApi(APIView):
    policy = "cases.figures"

    @extend_schema(summary="案件统计（立案、移送、公安立案、检察介入、判决、罚款、失信名单）",
                   parameters=[OpenApiParameter(n, OpenApiTypes.STR) for n in
                               ("region", "department", "start", "end", "group_by")],
                   responses=CaseFiguresSerializer)
    def get(self, request):
        out = figures.cases_figures(user=request.user, filters=filter_from(request.query_params),
                                    group_by=request.query_params.get("group_by", ""))
        out["totals"]["fines"] = str(out["totals"]["fines"])
        for group in out["groups"]:
            group["fines"] = str(group["fines"])
        return Response(out)
