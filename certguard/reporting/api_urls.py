"""Mounted under /api/v1/reporting/."""

from django.urls import path

from certguard.reporting import api

urlpatterns = [
    path("forms", api.FormVersionListApi.as_view()),
    path("periods", api.PeriodListApi.as_view()),
    path("periods/<int:pk>", api.PeriodDetailApi.as_view()),
    path("reports/<int:pk>", api.ReportDetailApi.as_view()),
    path("reports/<int:pk>/fill", api.ReportFillApi.as_view()),
    path("reports/<int:pk>/review", api.ReportReviewApi.as_view()),
    path("reports/<int:pk>/records", api.ReportRecordsApi.as_view()),
]
