"""Mounted under /api/v1/tips."""

from django.urls import path

from certguard.tips import api

urlpatterns = [
    path("", api.TipSubmitApi.as_view()),
    path("/follow", api.TipFollowApi.as_view()),
    path("/list", api.TipListApi.as_view()),
    path("/figures", api.TipFiguresApi.as_view()),
    path("/<int:pk>", api.TipDetailApi.as_view()),
]
