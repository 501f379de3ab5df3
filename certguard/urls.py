from django.contrib import admin
from django.urls import include, path

from certguard.core import views as core_views
from certguard.ecert import views as ecert_views

urlpatterns = [
    path("", include("certguard.orgs.urls")),
    path("", include("certguard.core.urls")),
    path("", include("certguard.registry.urls")),
    path("issuer/", include("certguard.registry.issuer_urls")),
    path("ecert/", include("certguard.ecert.urls")),
    path("screening/", include("certguard.screening.urls")),
    path("clues/", include("certguard.clues.urls")),
    path("workforce/", include("certguard.workforce.urls")),
    path("selfcheck/", include("certguard.selfcheck.urls")),
    # --- network governance and tip-offs ---
    path("netwatch/", include("certguard.netwatch.urls")),
    path("tips/", include("certguard.tips.urls")),
    # --- cases ---
    path("cases/", include("certguard.cases.urls")),
    # --- institutions ---
    path("institutions/", include("certguard.institutions.urls")),
    # --- reporting and campaigns ---
    path("reporting/", include("certguard.reporting.urls")),
    path("campaigns/", include("certguard.campaigns.urls")),
    # --- enforcement ---
    path("enforcement/", include("certguard.enforcement.urls")),
    # --- user-facing: the page a printed QR opens (payload in the fragment) ---
    path("v/", ecert_views.verify_page, name="verify_page"),
    path("v/sw.js", ecert_views.verify_worker, name="verify_worker"),
    path("api/v1/", include("certguard.api_urls")),
    path("django-admin/", admin.site.urls),
]

handler400 = core_views.error_400
handler403 = core_views.error_403
handler404 = core_views.error_404
handler500 = core_views.error_500
