"""Mounted under /api/v1/selfcheck/."""

from django.urls import path

from certguard.selfcheck import api

urlpatterns = [
    path("uploads", api.UploadListApi.as_view()),
    path("uploads/<int:pk>", api.UploadDetailApi.as_view()),
    path("uploads/<int:pk>/confirm", api.UploadConfirmApi.as_view()),
    path("uploads/<int:pk>/results", api.UploadResultsApi.as_view()),
]
