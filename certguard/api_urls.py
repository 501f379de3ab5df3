from django.urls import include, path

from certguard.core.api import JobDetailApi, SchemaApi, SchemaDocsApi
from certguard.orgs import api as orgs_api
from certguard.registry import api as registry_api

urlpatterns = [
    path("schema/", SchemaApi.as_view(), name="api-schema"),
    path("docs/", SchemaDocsApi.as_view(url_name="api-schema"), name="api-docs"),
    path("me", orgs_api.MeApi.as_view()),
    path("organisations", orgs_api.OrganisationListApi.as_view()),
    path("organisations/<int:pk>", orgs_api.OrganisationDetailApi.as_view()),
    path("regions/<str:code>", orgs_api.RegionDetailApi.as_view()),
    path("jobs/<int:pk>", JobDetailApi.as_view()),
    path("verify", registry_api.VerifyApi.as_view()),
    path("verify/batch", registry_api.VerifyBatchApi.as_view()),
    path("ecert/", include("certguard.ecert.api_urls")),
    path("", include("certguard.clues.api_urls")),
    path("", include("certguard.screening.api_urls")),
    path("selfcheck/", include("certguard.selfcheck.api_urls")),
    # --- network governance and tip-offs ---
    path("netwatch/", include("certguard.netwatch.api_urls")),
    path("", include("certguard.tips.api_urls")),
    # --- cases ---
    path("cases/", include("certguard.cases.api_urls")),
    # --- institutions ---
    path("institutions/", include("certguard.institutions.api_urls")),
    # --- reporting and campaigns ---
    path("reporting/", include("certguard.reporting.api_urls")),
    path("campaigns/", include("certguard.campaigns.api_urls")),
    # --- enforcement ---
    path("enforcement/", include("certguard.enforcement.api_urls")),
]
