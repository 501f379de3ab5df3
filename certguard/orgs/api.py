from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from certguard.core.errors import NotFound
from certguard.core.filters import apply_filters, filter_parameters
from certguard.core.pagination import page_parameters, paginate, paginated
from certguard.core.scoping import actor_of
from certguard.orgs import selectors, services
from certguard.orgs.filters import OrganisationFilterSet
from certguard.orgs.models import Organisation, Region
from certguard.orgs.reference import ORG_KINDS, SECTORS


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name", "level", "parent_code", "start_year", "end_year"]


class OrganisationSerializer(serializers.ModelSerializer):
    region_name = serializers.CharField(source="region.name", read_only=True)

    class Meta:
        model = Organisation
        fields = ["id", "kind", "name", "region", "region_name", "department", "issuer_code",
                  "credit_code", "sector", "address", "contact_phone"]


class OrganisationCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[k for k in ORG_KINDS if k != "department"])
    name = serializers.CharField(max_length=200)
    region_code = serializers.CharField(max_length=6)
    credit_code = serializers.CharField(max_length=30)
    sector = serializers.ChoiceField(choices=list(SECTORS.items()), required=False,
                                     allow_blank=True, default="")
    address = serializers.CharField(max_length=200, required=False, allow_blank=True,
                                    default="")
    contact_phone = serializers.CharField(max_length=30, required=False, allow_blank=True,
                                          default="")


class MeApi(APIView):
    policy = "account.use"

    @extend_schema(summary="当前用户及其代表的单位和角色",
                   responses={200: {"type": "object"}})
    def get(self, request):
        actor = actor_of(request.user)
        return Response({"username": actor.username, "role": actor.role,
                         "is_admin": actor.is_admin, "organisation_id": actor.organisation_id,
                         "region_code": actor.region_code, "department": actor.department})


class OrganisationListApi(APIView):
    policy = {"read": "organisations.view", "write": "organisations.create"}

    @extend_schema(summary="可见范围内的单位", responses=paginated(OrganisationSerializer),
                   parameters=page_parameters() + filter_parameters(OrganisationFilterSet))
    def get(self, request):
        orgs = apply_filters(OrganisationFilterSet, data=request.query_params, request=request,
                             queryset=selectors.organisations_for(user=request.user))
        return paginate(request, orgs, OrganisationSerializer, view=self)

    @extend_schema(summary="登记单位（企业、培训机构、考试机构）",
                   request=OrganisationCreateSerializer, responses={201: OrganisationSerializer})
    def post(self, request):
        data = OrganisationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        org = services.organisation_create(by=request.user, **data.validated_data)
        return Response(OrganisationSerializer(org).data, status=201)


class OrganisationDetailApi(APIView):
    policy = "organisations.view"

    @extend_schema(summary="单位详情", responses=OrganisationSerializer)
    def get(self, request, pk: int):
        org = selectors.organisations_for(user=request.user).filter(pk=pk).first()
        if org is None:
            raise NotFound("organisation_not_found", "单位不存在或无权查看")
        return Response(OrganisationSerializer(org).data)


class RegionDetailApi(APIView):
    policy = "reference.view"

    @extend_schema(summary="行政区划代码查询", responses=RegionSerializer)
    def get(self, request, code: str):
        return Response(RegionSerializer(services.region_get(code=code)).data)
