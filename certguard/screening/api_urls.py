"""Mounted under /api/v1/ by ``path("", include("certguard.screening.api_urls"))``."""

from django.urls import path

from certguard.screening import api

urlpatterns = [
    path("screening/runs", api.RunListApi.as_view()),
    path("screening/runs/<int:pk>", api.RunDetailApi.as_view()),
]
