"""Mounted by the project's api_urls under ecert/ (→ /api/v1/ecert/...)."""

from django.urls import path

from certguard.ecert import api

urlpatterns = [
    path("verify", api.VerifyApi.as_view()),
    path("trust-list", api.TrustListApi.as_view()),
    path("revocations", api.RevocationsApi.as_view()),
]
