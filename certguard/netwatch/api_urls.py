"""Mounted under /api/v1/netwatch/."""

from django.urls import path

from certguard.netwatch import api

urlpatterns = [
    path("domains/score", api.DomainScoreApi.as_view()),
    path("domains", api.SuspectDomainListApi.as_view()),
    path("ads/classify", api.AdClassifyApi.as_view()),
    path("ads", api.SuspectAdListApi.as_view()),
    path("<str:kind>/<int:pk>/action", api.SuspectActionApi.as_view()),
    path("captures", api.CaptureApi.as_view()),
    path("captures/<int:pk>", api.CaptureDetailApi.as_view()),
    path("handovers", api.HandoverApi.as_view()),
    path("handovers/<int:pk>", api.HandoverDetailApi.as_view()),
    path("figures", api.FiguresApi.as_view()),
]
