"""Mounted under /api/v1/ by ``path("", include("certguard.clues.api_urls"))``."""

from django.urls import path

from certguard.clues import api

urlpatterns = [
    path("clues", api.ClueListApi.as_view()),
    path("clues/<int:pk>", api.ClueDetailApi.as_view()),
    path("clues/<int:pk>/decision", api.ClueDecisionApi.as_view()),
]
