"""Mounted under /api/v1/cases/."""

from django.urls import path

from certguard.cases import api

urlpatterns = [
    path("", api.CaseListApi.as_view()),
    path("<int:pk>", api.CaseDetailApi.as_view()),
    path("<int:pk>/action", api.CaseActionApi.as_view()),
    path("articles", api.ArticleListApi.as_view()),
    path("referrals/list", api.ReferralInboxApi.as_view()),
    path("referrals/<int:pk>", api.ReferralDetailApi.as_view()),
    path("referrals/<int:pk>/agency", api.AgencyReferralApi.as_view()),
    path("referrals/<int:pk>/police", api.PoliceReferralApi.as_view()),
    path("referrals/<int:pk>/procuratorate", api.ProcuratorateReferralApi.as_view()),
    path("clocks/overdue", api.OverdueListApi.as_view()),
    path("supervision/list", api.SupervisionListApi.as_view()),
    path("listings/list", api.ListingListApi.as_view()),
    path("listings/<int:pk>", api.ListingDetailApi.as_view()),
    path("listings/<int:pk>/decision", api.ListingDecisionApi.as_view()),
    path("listings/public", api.PublicListingApi.as_view()),
    path("credit-records", api.CreditRecordsApi.as_view()),
    path("bulletins/list", api.BulletinListApi.as_view()),
    path("bulletins/<int:pk>", api.BulletinDetailApi.as_view()),
    path("bulletins/<int:pk>/approval", api.BulletinApprovalApi.as_view()),
    path("bulletins/<int:pk>/document", api.BulletinDocumentApi.as_view()),
    path("figures", api.FiguresApi.as_view()),
]
