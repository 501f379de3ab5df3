"""Mounted under /api/v1/ (the intake itself is POST /api/v1/tips)."""

from django.urls import path

from certguard.tips import api

urlpatterns = [
    path("tips", api.TipSubmitApi.as_view()),
    path("tips/follow", api.TipFollowApi.as_view()),
    path("tips/list", api.TipListApi.as_view()),
    path("tips/figures", api.TipFiguresApi.as_view()),
    path("tips/<int:pk>", api.TipDetailApi.as_view()),
]
